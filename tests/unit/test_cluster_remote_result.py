"""core.cluster.remote_result: a cluster result at an s3:// URL (the moto mirror), copied once to the cache.

Truth: the values written into the store block by block (as a cluster run writes them), and the
requests the fault proxy in front of the mirror saw.
"""

from __future__ import annotations

import json
import uuid

import numpy as np
import pytest

from itslive_qgis.core.errors import DataError, InputError

RESULTS_BUCKET = "itslive-results"


@pytest.fixture(scope="module")
def bucket(mirror):
    """A writable results bucket on the mirror (as a user's own bucket; anonymous, public-read-write)."""
    import s3fs

    fs = s3fs.S3FileSystem(**mirror.storage_options())
    if not fs.exists(RESULTS_BUCKET):
        fs.mkdir(RESULTS_BUCKET, acl="public-read-write")
    return RESULTS_BUCKET


def _config(endpoint, cache, **kw):
    from itslive_qgis.core.io import StoreConfig

    return StoreConfig(endpoint_url=endpoint, cache_dir=cache, **kw)


def _write_store(url, options, scale=1.0, finish=True, note="first run"):
    """A result store as a cluster run writes it at ``url``: template, two block regions, finalize."""
    import dask.array as da
    import xarray as xr

    from itslive_qgis.core.cluster.result_store import create_template, finalize, write_region

    times = np.array(["2020-01-15", "2020-02-15", "2020-03-15"], dtype="datetime64[ns]")
    days = np.timedelta64(5, "D")
    zeros = da.zeros((3, 4, 4), chunks=(3, 2, 4), dtype="float32")
    template = xr.Dataset(
        {
            "vx": (("time", "y", "x"), zeros, {"units": "m/yr"}),
            "time_bnds": (("time", "nv"), np.stack([times - days, times + days], 1)),
        },
        coords={"time": ("time", times, {"bounds": "time_bnds"}), "y": [3.0, 2, 1, 0], "x": [0.0, 1, 2, 3]},
        attrs={"history": note},
    )
    create_template(url, template, options)
    truth = (np.arange(48, dtype="float32").reshape(3, 4, 4) / 7.0 * scale).astype("float32")
    truth[1, 0, 0] = np.nan
    for ys in (slice(0, 2), slice(2, 4)):
        block = xr.Dataset({"vx": (("time", "y", "x"), truth[:, ys])})
        write_region(url, block, ys, slice(0, 4), options)
    if finish:
        finalize(url, options)
    return truth


def _values(path):
    import xarray as xr

    with xr.open_dataset(path, engine="netcdf4") as ds:
        return ds["vx"].values.astype("float64"), ds.attrs["history"]


def _url():
    return f"s3://{RESULTS_BUCKET}/runs/{uuid.uuid4().hex[:8]}/inv.zarr"


def test_an_s3_result_is_copied_once_to_the_cache_and_reused_while_unchanged(mirror, bucket, tmp_path):
    from itslive_qgis.core.cluster import cached_netcdf, result_storage_options
    from tests.fixtures.faultproxy import FaultProxy

    url = _url()
    with FaultProxy(mirror.endpoint_url) as proxy:
        config = _config(proxy.url, tmp_path / "cache")
        options = result_storage_options(url, config)
        truth = _write_store(url, options)
        path = cached_netcdf(url, config)
        assert path.name == "inv.zarr.nc" and path.parent.parent == tmp_path / "cache" / "cluster_results"
        got, history = _values(path)
        np.testing.assert_array_equal(got, truth)  # NaN where NaN
        assert url in history  # the copy says what it is a copy of
        assert proxy.count("GET", f"/{bucket}/") > 0
        mtime = path.stat().st_mtime_ns
        proxy.reset_counts()
        assert cached_netcdf(url, config) == path and path.stat().st_mtime_ns == mtime  # reused
        assert proxy.gets == 0  # one HEAD of the .zmetadata, nothing read again
        assert set(proxy.requests) == {f"HEAD /{url[5:]}/.zmetadata"}, proxy.requests
        # the run is made again (a new .zmetadata): the next load copies the new result
        truth2 = _write_store(url, options, scale=3.0, note="second run")
        assert cached_netcdf(url, config) == path
        got, history = _values(path)
        np.testing.assert_array_equal(got, truth2)
        assert history.startswith("second run")
    stamp = json.loads((path.parent / "stamp.json").read_text())
    assert stamp["url"] == url and stamp["version"]["ETag"]
    assert not list((path.parent / "incoming").iterdir())  # this load's temporary folder is gone


def test_an_incomplete_s3_result_is_refused_and_the_cached_copy_kept(mirror, bucket, tmp_path):
    from itslive_qgis.core.cluster import cached_netcdf, result_storage_options
    from itslive_qgis.core.cluster.remote_result import cache_folder

    config = _config(mirror.endpoint_url, tmp_path / "cache")
    never = _url()
    _write_store(never, result_storage_options(never, config), finish=False)  # a run killed mid-way
    with pytest.raises(DataError, match="not a complete result.*Run it again"):
        cached_netcdf(never, config)
    assert not any(cache_folder(never, config).glob("*.nc"))
    url = _url()
    options = result_storage_options(url, config)
    truth = _write_store(url, options)
    path = cached_netcdf(url, config)
    stamp = (path.parent / "stamp.json").read_bytes()
    _write_store(url, options, scale=2.0, finish=False)  # a second run into the same URL, interrupted
    with pytest.raises(DataError, match="not a complete result"):
        cached_netcdf(url, config)
    np.testing.assert_array_equal(_values(path)[0], truth)  # the earlier copy is untouched
    assert (path.parent / "stamp.json").read_bytes() == stamp


class _BrokenChunks:
    """A FaultProxy answering 503 to every GET of a vx chunk while ``broken`` (reads of the copy)."""

    def __new__(cls, upstream):
        from tests.fixtures.faultproxy import FaultProxy

        class Proxy(FaultProxy):
            broken = False

            def _decide(self, method, path):
                fault = super()._decide(method, path)
                if self.broken and method == "GET" and "/vx/" in path:
                    with self.lock:
                        self.faults["503 vx chunk"] += 1
                    return "503"
                return fault

        return Proxy(upstream)


def test_a_failed_copy_keeps_the_previous_copy_and_the_next_load_copies_again(mirror, bucket, tmp_path):
    from itslive_qgis.core.cluster import cached_netcdf, result_storage_options

    url = _url()
    with _BrokenChunks(mirror.endpoint_url) as proxy:
        config = _config(proxy.url, tmp_path / "cache", retries=1)
        options = result_storage_options(url, config)
        truth = _write_store(url, options)
        path = cached_netcdf(url, config)
        before = (path.read_bytes(), (path.parent / "stamp.json").read_bytes())
        truth2 = _write_store(url, options, scale=5.0, note="second run")
        proxy.broken = True
        with pytest.raises(DataError, match="could not be copied.*nothing was replaced"):
            cached_netcdf(url, config)
        assert proxy.faults["503 vx chunk"] > 0
        assert (path.read_bytes(), (path.parent / "stamp.json").read_bytes()) == before
        np.testing.assert_array_equal(_values(path)[0], truth)
        leftovers = [p.name for p in path.parent.rglob("*") if p.is_file()]
        assert sorted(leftovers) == ["inv.zarr.nc", "stamp.json"], leftovers  # no partial file
        proxy.broken = False
        assert cached_netcdf(url, config) == path
        np.testing.assert_array_equal(_values(path)[0], truth2)


def test_a_users_bucket_is_signed_by_the_aws_chain_and_no_credential_is_written(
    mirror, bucket, tmp_path, monkeypatch
):
    from itslive_qgis.core.cluster import cached_netcdf, result_storage_options

    config = _config(mirror.endpoint_url, tmp_path / "cache")
    url = _url()
    assert result_storage_options(url, config)["anon"] is True  # no credentials here: anonymous
    its_live = "s3://its-live-data/x/inv.zarr"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAITSLIVETESTKEY01")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret-itslive")
    options = result_storage_options(url, config)
    assert options["anon"] is False and result_storage_options(its_live, config)["anon"] is True
    assert "not-a-real-secret" not in json.dumps(options) and "AKIA" not in json.dumps(options)
    assert options["client_kwargs"]["endpoint_url"] == mirror.endpoint_url  # only the configured endpoint
    truth = _write_store(url, options)  # signed requests (moto accepts any key)
    path = cached_netcdf(url, config)
    np.testing.assert_array_equal(_values(path)[0], truth)
    for item in path.parent.rglob("*"):
        if item.is_file():
            data = item.read_bytes()
            assert b"not-a-real-secret" not in data and b"AKIAITSLIVE" not in data


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("s3://my-bucket/runs/inv.zarr/", "s3://my-bucket/runs/inv.zarr"),
        ("https://my-bucket.s3.us-west-2.amazonaws.com/runs/inv.zarr", "s3://my-bucket/runs/inv.zarr"),
        ("http://127.0.0.1:9/my-bucket/runs/inv.zarr", "s3://my-bucket/runs/inv.zarr"),  # the endpoint
    ],
)
def test_result_urls_are_read_through_the_configured_endpoint(given, expected, tmp_path):
    from itslive_qgis.core.cluster import result_url

    assert result_url(given, _config("http://127.0.0.1:9", tmp_path)) == expected


@pytest.mark.parametrize(
    ("given", "match"),
    [
        ("http://198.51.100.7/bucket/inv.zarr", "not contacted"),
        ("gs://bucket/inv.zarr", "allow other hosts"),
        ("s3://bucket", "does not name a store"),
        ("s3://bucket/../other/inv.zarr", "does not name a store"),
    ],
)
def test_other_hosts_and_odd_urls_are_refused_before_any_request(given, match, tmp_path):
    from itslive_qgis.core.cluster import cached_netcdf, result_url

    config = _config("http://127.0.0.1:9", tmp_path / "cache")
    with pytest.raises(InputError, match=match):
        cached_netcdf(given, config)
    assert not (tmp_path / "cache").exists()
    assert result_url("gs://bucket/inv.zarr", config, allow_other_hosts=True) == "gs://bucket/inv.zarr"
