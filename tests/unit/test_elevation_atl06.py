"""ATL06 reading: the real granule's counts and times, the generator's heights, S3 through h5coro, CMR."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from itslive_qgis.core.elevation import (
    HeightQuery,
    find_granules,
    open_granules,
    read_heights,
    search_granules,
)
from itslive_qgis.core.elevation.atl06 import gps_to_utc
from itslive_qgis.core.errors import InputError
from itslive_qgis.core.io import StoreConfig
from tests.conftest import REPO
from tests.fixtures import atl06 as gen
from tests.fixtures.cmr_server import CmrServer

REAL = REPO.parent / "shared" / "data" / "icesat2" / "ATL06_20181013235645_02340114_209_01.h5"
#: PROVENANCE.md: valid h_li per beam
REAL_VALID = {"gt1l": 15, "gt1r": 320, "gt2l": 8, "gt2r": 247, "gt3l": 3, "gt3r": 174}
REAL_KEY = "ATLAS/ATL06/209/2018/10/13/" + REAL.name


@pytest.fixture(scope="module")
def real_granule() -> Path:
    if not REAL.is_file():
        pytest.skip(f"the real ATL06 granule is not present at {REAL}: real-data check skipped")
    return REAL


@pytest.fixture(scope="module")
def granules(tmp_path_factory):
    return gen.write_granules(tmp_path_factory.mktemp("atl06"), seed=3)


@pytest.fixture(scope="module")
def nasa(granules):
    extra = {REAL_KEY: REAL} if REAL.is_file() else {}
    with gen.NasaMirror(granules, extra) as m:
        yield m


def _read(inputs, query, config=None):
    found = find_granules(inputs, query, config=config)
    with open_granules(found, config=config) as readers:
        return read_heights(readers, query)


def test_real_granule_counts_beams_and_latitudes(real_granule):
    df = _read([real_granule], HeightQuery(quality_only=False))
    assert df.groupby("beam").size().to_dict() == REAL_VALID
    gt1l = df[df.beam == "gt1l"]
    assert -25.202 < gt1l.latitude.min() and gt1l.latitude.max() < -23.41
    assert np.allclose(df.longitude.mean(), -124.46, atol=0.2)
    # spacecraft forward: the right beams are strong (the file's atlas_beam_type)
    assert set(df[df.strong].beam) == {"gt1r", "gt2r", "gt3r"}
    assert set(df.cycle) == {1} and set(df.rgt) == {234}
    assert (df.h_li.abs() < 1e38).all() and np.isfinite(df.h_li_sigma).all()


def test_real_granule_times_match_nasas_utc(real_granule):
    """UTC of start_delta_time is the file's own data_start_utc (2018-10-13T23:57:13.157953Z)."""
    import h5py

    with h5py.File(real_granule) as f:
        epoch = f["ancillary_data/atlas_sdp_gps_epoch"][0]
        start = f["ancillary_data/start_delta_time"][0]
        end = f["ancillary_data/end_delta_time"][0]
        start_utc = f["ancillary_data/data_start_utc"][0].decode().rstrip("Z")
        end_utc = f["ancillary_data/data_end_utc"][0].decode().rstrip("Z")
    assert abs(gps_to_utc(epoch, start) - np.datetime64(start_utc, "ns")) < np.timedelta64(1, "us")
    assert abs(gps_to_utc(epoch, end) - np.datetime64(end_utc, "ns")) < np.timedelta64(1, "us")
    df = _read([real_granule], HeightQuery(quality_only=False))
    assert df.time.min() >= np.datetime64(start_utc, "ns") and df.time.max() <= np.datetime64(end_utc, "ns")
    assert str(df.time.min())[:10] == "2018-10-13"


def test_real_granule_quality_filter_and_strong_beams(real_granule):
    every = _read([real_granule], HeightQuery(quality_only=False))
    good = _read([real_granule], HeightQuery(quality_only=True))
    strong = _read([real_granule], HeightQuery(quality_only=False, beams="strong"))
    assert len(good) == int((every.quality == 0).sum()) and (good.quality == 0).all()
    assert len(strong) == REAL_VALID["gt1r"] + REAL_VALID["gt2r"] + REAL_VALID["gt3r"]


def test_real_granule_extent_and_dates(real_granule):
    box = (-125.0, -24.5, -124.0, -24.0)
    df = _read([real_granule], HeightQuery(bbox=box, quality_only=False))
    assert len(df) and df.latitude.between(-24.5, -24.0).all()
    with pytest.raises(InputError, match="no ATL06 granule"):
        find_granules([real_granule.parent], HeightQuery(start="2019-01-01", end="2019-02-01"))


def test_real_granule_through_h5coro_on_s3_equals_h5py(real_granule, nasa):
    config = StoreConfig(endpoint_url=nasa.endpoint_url, bucket="its-live-data")
    query = HeightQuery(bbox=(-125.0, -25.0, -124.0, -23.5), quality_only=False)
    local = _read([real_granule], query)
    remote = _read([f"s3://{gen.NASA_BUCKET}/{REAL_KEY}"], query, config)
    assert len(remote) == len(local) > 300
    for col in ("h_li", "h_li_sigma", "latitude", "longitude", "segment_id"):
        np.testing.assert_array_equal(remote[col].to_numpy(), local[col].to_numpy())
    assert (remote.time.to_numpy() == local.time.to_numpy()).all()


def test_generated_heights_are_the_known_surface(granules):
    """Quality-0 heights lie on the generator's surface within its noise; flagged ones do not."""
    from itslive_qgis.core.geo.crs import transform_xy

    df = _read([granules[0].path.parent], HeightQuery())
    assert set(df.beam) == set(gen.BEAMS) and set(df.cycle) == set(gen.CYCLES)
    x, y = transform_xy(df.longitude.to_numpy(), df.latitude.to_numpy(), 4326, 3413)
    residual = df.h_li.to_numpy() - gen.true_height(x, y, df.time.to_numpy())
    strong = df.strong.to_numpy()
    assert abs(residual.mean()) < 0.01
    assert np.std(residual[strong]) == pytest.approx(gen.SIGMA_STRONG_M, rel=0.15)
    assert np.std(residual[~strong]) == pytest.approx(gen.SIGMA_WEAK_M, rel=0.15)
    every = _read([granules[0].path.parent], HeightQuery(quality_only=False))
    xe, ye = transform_xy(every.longitude.to_numpy(), every.latitude.to_numpy(), 4326, 3413)
    assert (every.h_li.to_numpy() - gen.true_height(xe, ye, every.time.to_numpy())).max() > 5.0
    assert len(every) > len(df)


def test_cmr_search_then_s3_read(granules, nasa):
    entries = gen.cmr_entries(granules)
    bbox = gen.glacier_bbox()
    with CmrServer(entries) as cmr:
        found = search_granules(bbox, "2019-06-01", "2019-12-31", base_url=cmr.url)
        query = HeightQuery(bbox=bbox, start="2019-06-01", end="2019-12-31")
        config = StoreConfig(endpoint_url=nasa.endpoint_url)
        listed = find_granules([], query, config=config, cmr_url=cmr.url)
    expected = sorted(g.name for g in granules if "2019-06-01" <= str(g.start)[:10] <= "2019-12-31")
    assert sorted(g.title for g in found) == expected and len(expected) == 6
    assert sorted(u.rsplit("/", 1)[-1] for u in listed.remote) == expected
    assert all(u.startswith(f"s3://{gen.NASA_BUCKET}/ATLAS/ATL06/006/") for u in listed.remote)
    with open_granules(listed, config=config) as readers:
        df = read_heights(readers, query)
    assert set(df.cycle) == {g.cycle for g in granules if g.name in expected}
    assert all("Authorization" not in r["headers"] for r in cmr.requests)


def test_s3_prefix_lists_the_days_granules(granules, nasa):
    g = granules[0]
    prefix = f"s3://{gen.NASA_BUCKET}/{g.key.rsplit('/', 1)[0]}/"
    config = StoreConfig(endpoint_url=nasa.endpoint_url)
    found = find_granules([prefix], HeightQuery(), config=config)
    assert g.s3_url in found.remote


def test_sources_refuse_other_buckets_and_hosts():
    with pytest.raises(InputError, match="NASA"):
        find_granules(["s3://somebody-else/x.h5"], HeightQuery(), config=StoreConfig())
    with pytest.raises(InputError, match="CMR search URL"):
        search_granules((0, 0, 1, 1), base_url="http://example.com")
    with pytest.raises(InputError, match="EXTENT"):
        find_granules([], HeightQuery())


def test_without_h5coro_local_files_work_and_s3_says_what_to_install(real_granule, monkeypatch):
    import sys

    from itslive_qgis import deps
    from itslive_qgis.core.elevation.atl06 import H5coroReader
    from itslive_qgis.core.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "h5coro", None)  # import h5coro -> ImportError
    assert "h5coro" not in deps.CAPABILITIES["elevation"]  # the algorithms stay enabled
    assert len(_read([real_granule], HeightQuery(quality_only=False))) == sum(REAL_VALID.values())
    with pytest.raises(MissingDependencyError, match="SETS=icesat2"):
        H5coroReader("s3://nsidc-cumulus-prod-protected/x.h5", fs=None)


def test_damaged_or_foreign_files_say_what_they_are(real_granule, tmp_path):
    from itslive_qgis.core.errors import DataError

    cut = tmp_path / "ATL06_20181013235645_02340114_209_01.h5"
    cut.write_bytes(real_granule.read_bytes()[:1_000_000])  # a truncated download
    with pytest.raises(DataError, match="not a readable HDF5 file.*download it again"):
        _read([cut], HeightQuery())
    other = tmp_path / "other.h5"
    import h5py

    with h5py.File(other, "w") as f:
        f["x"] = [1, 2, 3]
    with pytest.raises(DataError, match="not an ATL06 granule"):
        _read([other], HeightQuery())


def test_a_granule_cut_inside_its_data_says_so(real_granule, tmp_path):
    from itslive_qgis.core.errors import DataError

    data = bytearray(real_granule.read_bytes())
    import h5py

    with h5py.File(real_granule) as f:
        offset = f["gt1r/land_ice_segments/h_li"].id.get_offset() or 0
        first_chunk = f["gt1r/land_ice_segments/h_li"].id.get_chunk_info(0).byte_offset
    start = first_chunk or offset
    data[start : start + 64] = b"\0" * 64  # a damaged chunk of gt1r h_li
    bad = tmp_path / real_granule.name
    bad.write_bytes(bytes(data))
    with pytest.raises(DataError, match="gt1r/land_ice_segments/h_li.*download it again"):
        _read([bad], HeightQuery(quality_only=False))
