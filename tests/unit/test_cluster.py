"""core.cluster: DASK_SCHEDULER runs on a LocalCluster of 2 worker processes against the S3 mirror.

Truth: the in-process :func:`invert_dataset` on the same pixels (the cluster must give the same
numbers, to 1e-10, lambda included), the block plan's own invariants, and the store's state on disk.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from itslive_qgis.core.cluster import (
    COMPLETE_ATTR,
    invert_on_cluster,
    open_result,
    parse_scheduler,
    plan_blocks,
)
from itslive_qgis.core.errors import CancelledError, DataError, InputError
from tests.fixtures.cluster_progress import CancelAfterFirstBlock, KillAWorker

distributed = pytest.importorskip("distributed", reason="the optional package distributed is not installed")

VARS = ("vx", "vy", "v", "count", "vx_sigma", "vy_sigma", "v_sigma")
#: peak resident memory of a worker process for blocks of 10 x 10 pixels of the 1,200-pair GRE_A
#: cube: its imports (torch, numba, xarray, zarr, s3fs: 0.55 GiB) plus a block (blocks.BYTES_PER_PAIR
#: per pair, BYTES_PER_PIXEL_PAIR per pixel and pair: 16 MB here) and margin; measured 0.52 GiB
WORKER_RSS_BOUND_BYTES = 0.75 * 2**30


# --- no cluster needed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "address", "workers"),
    [
        ("", "in_process", "", 2),
        ("  ", "in_process", "", 2),
        ("local", "local", "", 2),
        ("LOCAL:4", "local", "", 4),
        ("tcp://10.0.0.5:8786", "address", "tcp://10.0.0.5:8786", 2),
        ("10.0.0.5:8786", "address", "tcp://10.0.0.5:8786", 2),
        ("tls://scheduler.example.org:8786", "address", "tls://scheduler.example.org:8786", 2),
    ],
)
def test_scheduler_values(text, kind, address, workers):
    spec = parse_scheduler(text)
    assert (spec.kind, spec.address, spec.n_workers) == (kind, address, workers)


@pytest.mark.parametrize("text", ["localhost", "local:0", "http://x", "tcp://host", "8786", "local:x"])
def test_bad_scheduler_values_name_the_parameter(text):
    with pytest.raises(InputError, match="DASK_SCHEDULER"):
        parse_scheduler(text)


@pytest.mark.parametrize(("ny", "nx", "pairs", "budget", "min_blocks"), [
    (50, 50, 1200, 512 * 2**20, 1), (33, 47, 47892, 300 * 2**20, 4), (833, 833, 50000, 2**30, 8),
    (7, 3, 10, 2**20, 100),
])  # fmt: skip
def test_block_plan_covers_every_pixel_once_on_chunk_boundaries(ny, nx, pairs, budget, min_blocks):
    from itslive_qgis.core.cluster.blocks import BYTES_PER_PAIR, BYTES_PER_PIXEL_PAIR

    blocks = plan_blocks(ny, nx, 10, 10, pairs, budget, min_blocks=min_blocks)
    seen = np.zeros((ny, nx), dtype=int)
    for ys, xs in blocks:
        assert ys.start % 10 == 0 and xs.start % 10 == 0  # whole chunk columns: no output chunk shared
        assert (ys.stop % 10 == 0 or ys.stop == ny) and (xs.stop % 10 == 0 or xs.stop == nx)
        seen[ys, xs] += 1
        pixels = (ys.stop - ys.start) * (xs.stop - xs.start)
        assert pixels <= 100 or pairs * (BYTES_PER_PAIR + pixels * BYTES_PER_PIXEL_PAIR) <= budget
    assert (seen == 1).all()
    n_chunks = -(-ny // 10) * -(-nx // 10)
    assert len(blocks) >= min(min_blocks, n_chunks)


def test_an_unfinished_store_is_refused_and_a_finished_one_opens(tmp_path):
    import dask.array as da
    import xarray as xr

    from itslive_qgis.core.cluster.result_store import create_template, finalize, write_region

    template = xr.Dataset(
        {"vx": (("time", "y", "x"), da.zeros((3, 4, 4), chunks=(3, 2, 2), dtype="float32"))},
        coords={"time": np.arange(3.0), "y": np.arange(4.0)[::-1], "x": np.arange(4.0)},
    )
    store = str(tmp_path / "r.zarr")
    create_template(store, template)
    with pytest.raises(DataError, match="not a complete result"):
        open_result(store)
    block = xr.Dataset({"vx": (("time", "y", "x"), np.full((3, 2, 4), 7.0, dtype="float32"))})
    write_region(store, block, slice(0, 2), slice(0, 4))
    with pytest.raises(DataError, match="did not finish"):
        open_result(store)
    finalize(store)
    out = open_result(store)
    assert out.attrs[COMPLETE_ATTR] == "yes"
    np.testing.assert_array_equal(out["vx"].values[:, :2], 7.0)
    assert np.isnan(out["vx"].values[:, 2:]).all()  # never written: fill value, not zeros


def test_without_distributed_the_message_says_what_to_install(monkeypatch):
    import builtins

    from itslive_qgis.core.cluster import require_distributed
    from itslive_qgis.core.errors import MissingDependencyError

    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    with pytest.raises(MissingDependencyError, match="distributed==2026.8.0"):
        require_distributed()


# --- on a LocalCluster of 2 worker processes, against the mirror ----------------------------------


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 single-threaded worker processes (DASK_SCHEDULER = its address)."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as lc:
        yield lc


@pytest.fixture(scope="module")
def cube(mirror):
    """(url, StoreConfig, bounds of 30 x 20 pixels, the cleaned pairs in those bounds) of GRE_A."""
    from itslive_qgis.core.cube import open_pairs, select_extent
    from itslive_qgis.core.io import StoreConfig
    from tests.fixtures.truth import default_tiles

    tile = next(t for t in default_tiles() if t.label == "GRE_A")
    url = mirror.url(tile.key)
    config = StoreConfig(endpoint_url=mirror.endpoint_url)
    ds = open_pairs(url, config)
    # 30 x 20 pixels starting on the cube's chunk boundaries: 6 chunk columns
    bounds = (float(ds.x[10]), float(ds.y[39]), float(ds.x[29]), float(ds.y[10]))
    return url, config, bounds, select_extent(ds, *bounds).load()


def _in_process(sub, **params):
    from itslive_qgis.core.inversion import invert_dataset

    return invert_dataset(sub, **params)


def _assert_equal(got, ref):
    for name in VARS:
        a, b = np.asarray(got[name].values, "float64"), np.asarray(ref[name].values, "float64")
        assert a.shape == b.shape, name
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=name)
        ok = np.isfinite(b)
        np.testing.assert_allclose(a[ok], b[ok], rtol=0, atol=1e-10, err_msg=name)
    np.testing.assert_array_equal(got["time"].values, ref["time"].values)
    np.testing.assert_array_equal(got["y"].values, ref["y"].values)
    np.testing.assert_array_equal(got["x"].values, ref["x"].values)


def test_cluster_equals_in_process_with_the_same_automatic_lambda(cluster, cube, tmp_path):
    url, config, bounds, sub = cube
    ref = _in_process(sub, interval_days=30.0)
    out = tmp_path / "series.zarr"
    result = invert_on_cluster(
        url, out, cluster.scheduler_address, config=config, bounds=bounds, max_block_pixels=100,
        interval_days=30.0,
    )  # fmt: skip
    assert result.n_blocks == 6 and result.n_pixels == 600
    assert [p.name for p in tmp_path.iterdir()] == ["series.zarr"]  # the temporary was renamed
    got = open_result(out)
    assert got.attrs["lambda"] == ref.attrs["lambda"] and got.attrs["lambda_method"] == "cv-global"
    _assert_equal(got, ref)
    assert int(got["count"].max()) > 0 and np.isfinite(got["v"].values).mean() > 0.5
    assert result.max_worker_rss_bytes < WORKER_RSS_BOUND_BYTES, result.max_worker_rss_bytes
    # the workers read the chunk columns inside the inversion and said how long it took
    assert result.read_s > 0 and result.solve_s > 0 and result.write_s > 0


def _kept_factor_caches():
    from itslive_qgis.core.inversion import columns

    return len(columns._RETAINED), columns._RETAIN.is_set()


def test_a_task_inverts_on_one_thread_and_the_kept_factorisations_go_at_the_end(cluster, cube, tmp_path):
    from itslive_qgis.core.cluster.invert import _task_threads

    url, config, bounds, sub = cube
    assert _task_threads() == 0  # not on a worker: every core
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        assert client.submit(_task_threads, pure=False).result() == 1  # the worker's task thread: one core
        invert_on_cluster(
            url, tmp_path / "a.zarr", cluster.scheduler_address, config=config, bounds=bounds,
            max_block_pixels=100, interval_days=30.0, lam=50.0,
        )  # fmt: skip
        # the blocks kept their shared factorisations on the workers during the run; dropped now
        assert set(client.run(_kept_factor_caches).values()) == {(0, False)}


def test_a_worker_killed_mid_run_still_gives_the_full_equal_result(cluster, cube, mirror, tmp_path):
    from itslive_qgis.core.io import StoreConfig
    from tests.fixtures.faultproxy import FaultProxy

    url, config, bounds, sub = cube
    ref = _in_process(sub, interval_days=30.0, lam=50.0, weighting="errors")
    # each block's vx/vy chunks 0.4 s away (a distant store): the blocks (about 30 ms of CPU each
    # here) still run when the progress polls (every 0.25 s) see the first one done
    slow_chunks = FaultProxy(mirror.endpoint_url, latency_s=0.4, latency_match=r"/(vx|vy)/\d+\.\d+\.\d+$")
    with slow_chunks as proxy, distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        progress = KillAWorker(client)
        out = tmp_path / "series.zarr"
        invert_on_cluster(
            url, out, cluster.scheduler_address, config=StoreConfig(endpoint_url=proxy.url), bounds=bounds,
            max_block_pixels=100, progress=progress, interval_days=30.0, lam=50.0, weighting="errors",
        )  # fmt: skip
        assert progress.killed is not None  # the kill happened with blocks still to do
        client.wait_for_workers(2, timeout=120)
        assert progress.killed not in client.run(os.getpid).values()  # it was really gone (restarted)
    _assert_equal(open_result(out), ref)


def test_cancel_cancels_the_tasks_and_leaves_no_store(cluster, cube, tmp_path):
    url, config, bounds, _ = cube
    with pytest.raises(CancelledError):
        invert_on_cluster(
            url, tmp_path / "series.zarr", cluster.scheduler_address, config=config, bounds=bounds,
            max_block_pixels=100, progress=CancelAfterFirstBlock(), interval_days=30.0, lam=50.0,
        )  # fmt: skip
    assert list(tmp_path.iterdir()) == []  # neither the store nor its temporary
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        assert not any(client.processing().values())  # nothing of the run is left on the workers


def test_local_scheduler_runs_a_local_cluster_and_writes_to_s3(mirror, cube, tmp_path):
    """DASK_SCHEDULER=local (a LocalCluster in a child process), the result on the mirror's S3."""
    import s3fs

    url, config, bounds, sub = cube
    fs = s3fs.S3FileSystem(**mirror.storage_options())
    if not fs.exists("itslive-results"):
        fs.mkdir("itslive-results", acl="public-read-write")
    target = "s3://itslive-results/run/series.zarr"
    options = mirror.storage_options()
    ref = _in_process(sub, interval_days=30.0, lam=50.0)
    invert_on_cluster(
        url, target, "local", config=config, bounds=bounds, storage_options=options, interval_days=30.0,
        lam=50.0,
    )  # fmt: skip
    _assert_equal(open_result(target, storage_options=options), ref)
    # an interrupted rewrite of the same URL (template written again, no finalize) is refused
    from itslive_qgis.core.cluster.result_store import create_template

    create_template(target, open_result(target, storage_options=options), options)
    with pytest.raises(DataError, match="not a complete result"):
        open_result(target, storage_options=options)


def test_a_local_cluster_is_refused_for_a_folder_that_is_not_a_store(tmp_path):
    folder = tmp_path / "photos.zarr"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(InputError, match="did not write"):
        invert_on_cluster("s3://its-live-data/x.zarr", folder, "local", interval_days=30.0)
    assert (folder / "holiday.jpg").exists()
    with pytest.raises(InputError, match="Zarr store"):
        invert_on_cluster("s3://its-live-data/x.zarr", tmp_path / "out.nc", "local")
    assert Path(folder).is_dir()


@pytest.mark.parametrize(("method", "length_scale_m"), [(0, None), (1, 300.0)])
def test_strain_rates_on_the_cluster_equal_in_process_across_block_edges(
    cluster, tmp_path, method, length_scale_m
):
    """A smooth non-affine field with gaps, 3 time steps, in 10 x 10 blocks: halo = every neighbour."""
    from itslive_qgis.core.cluster import strain_on_cluster
    from itslive_qgis.core.fields import strain_rates_dataset
    from tests.fixtures.velocity_fields import XX, YY, write_velocity

    rng = np.random.default_rng(5)
    steps = []
    for k in range(3):
        vx = 300 * np.sin(XX / 900.0 + k) * np.cos(YY / 700.0) + rng.normal(0, 2, XX.shape)
        vy = 200 * np.cos(XX / 800.0) * np.sin(YY / 600.0 - k) + rng.normal(0, 2, XX.shape)
        vx[5:9, 17:23] = np.nan  # a gap straddling a block edge: one-sided differences around it
        steps.append((vx, vy))
    times = np.array(["2020-01-15", "2020-02-15", "2020-03-15"], dtype="datetime64[ns]")
    src = write_velocity(tmp_path / "series.nc", [s[0] for s in steps], [s[1] for s in steps], times=times)
    params = {"method": method, "length_scale_m": length_scale_m}
    ref = strain_rates_dataset(src, **params)
    out = tmp_path / "strain.zarr"
    result = strain_on_cluster(src, out, cluster.scheduler_address, block_side=10, **params)
    assert result.n_blocks == 20
    got = open_result(out)
    names = [n for n, v in ref.data_vars.items() if v.dims == ("time", "y", "x")]
    assert len(names) >= 8 and set(names) <= set(got.data_vars)
    for name in names:
        a, b = got[name].values.astype("float64"), ref[name].values.astype("float64")
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=name)
        np.testing.assert_allclose(a[np.isfinite(b)], b[np.isfinite(b)], rtol=0, atol=1e-10, err_msg=name)
    assert got["mapping"].attrs["GeoTransform"] == ref["mapping"].attrs["GeoTransform"]


def test_the_local_cluster_is_started_with_a_python_not_the_qgis_binary(monkeypatch):
    """Inside qgis_process sys.executable is the QGIS binary: the child must be a Python interpreter."""
    import sys

    from itslive_qgis.core.cluster.scheduler import python_executable

    monkeypatch.setattr(sys, "executable", "/usr/bin/qgis_process.bin")
    exe = python_executable()
    assert Path(exe).name.startswith("python") and os.access(exe, os.X_OK), exe


def _complete_store(tmp_path, name="r.zarr", finish=True):
    """A result store as a cluster run writes it: template, two block regions, then finalize."""
    import dask.array as da
    import xarray as xr

    from itslive_qgis.core.cluster.result_store import create_template, finalize, write_region

    times = np.array(["2020-01-15", "2020-02-15", "2020-03-15"], dtype="datetime64[ns]")
    days = np.timedelta64(5, "D")
    vx = da.zeros((3, 4, 4), chunks=(3, 2, 4), dtype="float32")
    template = xr.Dataset(
        {
            "vx": (("time", "y", "x"), vx, {"units": "m/yr"}),
            "count": (("time", "y", "x"), vx.astype("int16")),
            "time_bnds": (("time", "nv"), np.stack([times - days, times + days], 1)),
        },
        coords={
            "time": ("time", times, {"bounds": "time_bnds"}),
            "y": [3.0, 2.0, 1.0, 0.0],
            "x": [0.0, 1, 2, 3],
        },
        attrs={"history": "made by the test"},
    )
    store = tmp_path / name
    create_template(str(store), template)
    truth = np.arange(48, dtype="float32").reshape(3, 4, 4) / 7.0
    truth[1, 0, 0] = np.nan
    for ys in (slice(0, 2), slice(2, 4)):
        write_region(str(store), xr.Dataset({"vx": (("time", "y", "x"), truth[:, ys])}), ys, slice(0, 4))
    if finish:
        finalize(str(store))
    return store, truth, times


def test_a_complete_store_is_copied_once_to_netcdf_beside_it_and_an_unfinished_one_is_refused(tmp_path):
    import xarray as xr

    from itslive_qgis.core.cluster import netcdf_path, result_as_netcdf

    unfinished, _, _ = _complete_store(tmp_path, "u.zarr", finish=False)
    with pytest.raises(DataError, match="not a complete result"):
        result_as_netcdf(unfinished)
    assert not netcdf_path(unfinished).exists()
    store, truth, times = _complete_store(tmp_path)
    path = result_as_netcdf(store)
    assert path == tmp_path / "r.zarr.nc"
    with xr.open_dataset(path, engine="netcdf4") as ds:
        assert ds["vx"].dtype == np.float32 and ds["vx"].attrs["units"] == "m/yr"
        assert list(ds.data_vars) == ["vx", "count", "time_bnds"]  # the template's order, not sorted
        assert ds["count"].dtype == np.int16
        np.testing.assert_array_equal(ds["vx"].values, truth)  # NaN where NaN (assert_array_equal)
        np.testing.assert_array_equal(ds["time"].values, times)
        assert ds["time_bnds"].values[0, 1] == times[0] + np.timedelta64(5, "D")
        assert COMPLETE_ATTR not in ds.attrs and "itslive_variable_order" not in ds.attrs
        assert "cluster result" in ds.attrs["history"]
        assert ds.attrs["history"].startswith("made by the test")
    stamp = path.stat().st_mtime_ns
    assert result_as_netcdf(store) == path and path.stat().st_mtime_ns == stamp  # reused, not rewritten
    with pytest.raises(InputError, match="remote"):
        result_as_netcdf("s3://bucket/r.zarr")
    other = tmp_path / "subset.zarr"  # a Zarr store no cluster run wrote (e.g. an in-process subset)
    xr.Dataset({"v": (("mid_date", "y", "x"), truth)}, attrs={COMPLETE_ATTR: "yes"}).to_zarr(
        other, zarr_format=2, consolidated=True
    )
    with pytest.raises(DataError, match="not the result of a DASK_SCHEDULER run.*NetCDF"):
        result_as_netcdf(other)
    assert not netcdf_path(other).exists()


def test_cluster_result_store_is_cf_clean(cluster, cube, tmp_path):
    """The Zarr result of a cluster run passes compliance-checker cf:1.8 but for the two findings
    every Zarr output has (the NetCDF file-name rule, the 0-d grid mapping NCZarr does not list;
    README "CF-1.8 outputs"): CF time in float64 days, time_bnds without units of their own."""
    import json
    import subprocess

    from tests.unit.test_cf_compliance import ALLOWED, _allowed, _checker, _findings

    checker = _checker()
    url, config, bounds, _sub = cube
    out = tmp_path / "series.zarr"
    invert_on_cluster(
        url, out, cluster.scheduler_address, config=config, bounds=bounds, max_block_pixels=300,
        interval_days=30.0, lam=10.0,
    )  # fmt: skip
    report_path = tmp_path / "report.json"
    proc = subprocess.run(
        [str(checker), "--test=cf:1.8", "--format=json", "-o", str(report_path), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert report_path.exists(), proc.stderr[-3000:]
    allowed = [(c, m) for kind, c, m in ALLOWED if kind == "subset.zarr" and not c.startswith("§2.3")]
    left = [(c, m) for c, m in _findings(json.loads(report_path.read_text())) if not _allowed(c, m, allowed)]
    assert not left, left
