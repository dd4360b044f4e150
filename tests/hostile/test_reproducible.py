"""Two clean runs of the same download, and one through a faulty network, give the same file.

The only attributes allowed to differ are the documented creation timestamp, ``date_created``,
and the ``history`` line that carries it (set ``SOURCE_DATE_EPOCH`` to fix both).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.fixtures.faultproxy import FaultProxy
from tests.hostile.conftest import END, EXTENT, START

TIMESTAMP_ATTRS = {"date_created", "history"}
PARAMS = {"EXTENT": EXTENT, "START_DATE": START, "END_DATE": END}


def _download(qp, folder, name, **env):
    folder.mkdir(exist_ok=True)
    run = qp.run(
        "itslive:downloadsubset",
        {**PARAMS, "OUTPUT": name},
        folder,
        ITSLIVE_CACHE_DIR=folder / "cache",
        **env,
    )
    assert run.rc == 0, run.out[-3000:]
    return folder / name


def _assert_same(a_path, b_path):
    import xarray as xr

    with (
        xr.open_dataset(a_path, decode_timedelta=False) as a,
        xr.open_dataset(b_path, decode_timedelta=False) as b,
    ):
        assert set(a.variables) == set(b.variables)
        for name in a.variables:
            va, vb = a[name], b[name]
            assert va.dims == vb.dims and va.dtype == vb.dtype, name
            assert va.attrs == vb.attrs, name
            np.testing.assert_array_equal(va.values, vb.values, err_msg=name)
        diff = {k for k in set(a.attrs) | set(b.attrs) if a.attrs.get(k) != b.attrs.get(k)}
        assert diff <= TIMESTAMP_ATTRS, f"attributes differ beyond the creation timestamp: {diff}"
        assert {k: v for k, v in a.attrs.items() if k not in TIMESTAMP_ATTRS} == {
            k: v for k, v in b.attrs.items() if k not in TIMESTAMP_ATTRS
        }


@pytest.fixture(scope="module")
def clean_download(qp, tmp_path_factory):
    return _download(qp, tmp_path_factory.mktemp("clean_a"), "subset.nc")


def test_two_clean_runs_give_the_same_file(qp, clean_download, tmp_path):
    other = _download(qp, tmp_path / "clean_b", "subset.nc")
    _assert_same(clean_download, other)


def test_a_run_through_a_faulty_network_gives_the_same_file(qp, mirror, clean_download, tmp_path):
    with FaultProxy(mirror.endpoint_url, fail_every=5, drop_every=11, truncate_every=13) as proxy:
        faulty = _download(
            qp, tmp_path / "faulty", "subset.nc", ITSLIVE_S3_ENDPOINT_URL=proxy.url, ITSLIVE_RETRIES=8
        )
        faults = dict(proxy.faults)
    assert sum(faults.values()) > 5, f"the proxy injected too few faults: {faults}"
    _assert_same(clean_download, faulty)


def test_the_timestamp_is_fixed_by_source_date_epoch(qp, tmp_path):
    import xarray as xr

    a = _download(qp, tmp_path / "epoch_a", "subset.nc", SOURCE_DATE_EPOCH=1700000000)
    b = _download(qp, tmp_path / "epoch_b", "subset.nc", SOURCE_DATE_EPOCH=1700000000)
    with xr.open_dataset(a, decode_timedelta=False) as da, xr.open_dataset(b, decode_timedelta=False) as db:
        assert da.attrs["date_created"] == db.attrs["date_created"]
        assert da.attrs["date_created"].startswith("2023-11-14")
    assert a.read_bytes() == b.read_bytes(), "equal inputs and a fixed epoch must give byte-identical files"
