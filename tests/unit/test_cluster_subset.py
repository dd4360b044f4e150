"""core.cluster.subset: itslive:downloadsubset on a LocalCluster of 2 worker processes against the mirror.

Truth: the in-process :func:`subset_cubes` of the same request, written to Zarr and to NetCDF: the
cluster's store must hold the same variables, values (NaN where NaN), attributes, encodings and
chunks, and its NetCDF copy must be the in-process NetCDF file but for one line of history.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from itslive_qgis.core.errors import CancelledError, DataError, InputError
from itslive_qgis.core.io import StoreConfig
from tests.fixtures.cluster_progress import CancelAfterFirstBlock, KillAWorker
from tests.fixtures.truth import default_tiles

distributed = pytest.importorskip("distributed", reason="the optional package distributed is not installed")

TILE_A, TILE_B, TILE_UTM = default_tiles()
WINDOW = ("2015-01-01", "2021-12-31")
#: a fixed creation time, for the in-process run and (inherited) for the workers
EPOCH = "1700000000"
#: peak resident memory of a worker for blocks of 16 x 16 cells x 764 pairs (about 10 MiB of assembly):
#: its imports (xarray, zarr, s3fs, pyproj, shapely) plus the plan, the decoded-chunk cache and a
#: block; measured 0.27 GiB
WORKER_RSS_BOUND_BYTES = 0.5 * 2**30


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 single-threaded worker processes started with SOURCE_DATE_EPOCH set."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as lc:
            yield lc
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


@pytest.mark.parametrize(("ny", "nx", "side", "workers", "cap"), [
    (34, 41, 16, 2, None), (81, 81, 16, 2, None), (833, 833, 8, 10, None), (5, 300, 16, 1, 1000),
    (3, 3, 4, 8, None),
])  # fmt: skip
def test_regions_cover_every_cell_once_in_whole_output_chunks(ny, nx, side, workers, cap):
    from itslive_qgis.core.cluster.subset import TASK_CELLS, sub_blocks, subset_blocks

    regions = subset_blocks({"ny": ny, "nx": nx, "side": side}, workers, cap)
    seen = np.zeros((ny, nx), dtype=int)
    n_chunks = -(-ny // side) * -(-nx // side)
    for ys, xs in regions:
        assert ys.start % side == 0 and xs.start % side == 0  # no output chunk shared by two tasks
        assert (ys.stop % side == 0 or ys.stop == ny) and (xs.stop % side == 0 or xs.stop == nx)
        assert (ys.stop - ys.start) * (xs.stop - xs.start) <= max(
            side * side, min(TASK_CELLS, cap or TASK_CELLS)
        )
        seen[ys, xs] += 1
        inner = np.zeros((ny, nx), dtype=int)
        for sy, sx in sub_blocks(ys, xs, side, 300):  # the task's blocks: its region, whole chunks
            assert sy.start % side == 0 and sx.start % side == 0
            inner[sy, sx] += 1
        assert (inner[ys, xs] == 1).all() and inner.sum() == (ys.stop - ys.start) * (xs.stop - xs.start)
    assert (seen == 1).all()
    assert len(regions) >= min(2 * workers, n_chunks)


def _request(case):
    """(cube URLs, area in EPSG:3413, extra parameters) of a test case."""
    x0, y0, _, _ = TILE_A.extent_m
    seam = TILE_A.x_max_m
    if case == "one cube":  # 40 x 33 cells: 3 x 3 blocks of 16 x 16 cells
        return [f"s3://its-live-data/{TILE_A.key}"], (x0 + 500, y0 + 1000, x0 + 5300, y0 + 5000), {}
    if case == "two tiles":  # the seam of two tiles of one projection, pair union across them
        urls = [f"s3://its-live-data/{TILE_A.key}", f"s3://its-live-data/{TILE_B.key}"]
        return urls, (seam - 2100, -2282000, seam + 1900, -2279000), {"max_v_error_m_per_yr": 40.0}
    urls = [f"s3://its-live-data/{TILE_A.key}", f"s3://its-live-data/{TILE_UTM.key}"]  # resampled, rotated
    return urls, (seam - 1500, -2281000, seam + 600, -2279000), {"target_crs": "EPSG:32622"}


def _in_process(mirror, tmp_path, case, suffix):
    from itslive_qgis.core.subset import subset_cubes

    urls, area, extra = _request(case)
    out = tmp_path / f"ref{suffix}"
    subset_cubes(urls, area, "EPSG:3413", *WINDOW, output_path=out, config=_config(mirror, tmp_path), **extra)
    return out


def _config(mirror, tmp_path):
    return StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=tmp_path / "cache")


def _on_cluster(mirror, tmp_path, case, scheduler, out=None, **kw):
    from itslive_qgis.core.cluster import subset_on_cluster

    urls, area, extra = _request(case)
    out = out or tmp_path / "sub.zarr"
    result = subset_on_cluster(
        urls, area, "EPSG:3413", *WINDOW, out, scheduler, config=_config(mirror, tmp_path), **extra, **kw
    )
    return out, result


def _assert_same_store(got_path, ref_path, options=None):
    """Same arrays (shape, dtype, chunks, codecs, fill, attributes, values) and the same group attributes."""
    import zarr

    from itslive_qgis.core.cluster.result_store import zarr_store

    got = zarr.open_group(zarr_store(str(got_path), options), mode="r", zarr_format=2, use_consolidated=True)
    ref = zarr.open_group(str(ref_path), mode="r", zarr_format=2, use_consolidated=True)
    assert sorted(got.array_keys()) == sorted(ref.array_keys())
    for name in ref.array_keys():
        a, b = got[name], ref[name]
        assert (a.shape, a.dtype, a.chunks) == (b.shape, b.dtype, b.chunks), name
        assert a.metadata.to_dict() == b.metadata.to_dict(), name  # codecs, fill value, attributes
        np.testing.assert_array_equal(a[...], b[...], err_msg=name)  # NaN where NaN
    got_attrs = dict(got.attrs)
    assert got_attrs.pop("itslive_complete") == "yes"
    order = got_attrs.pop("itslive_variable_order").split()
    assert got_attrs == dict(ref.attrs)
    return order


def _assert_same_netcdf(got_path, ref_path):
    import xarray as xr

    with (
        xr.open_dataset(got_path, decode_timedelta=False) as got,
        xr.open_dataset(ref_path, decode_timedelta=False) as ref,
    ):
        assert list(got.variables) == list(ref.variables)  # the in-process order
        for name in ref.variables:
            assert got[name].dims == ref[name].dims and got[name].attrs == ref[name].attrs, name
            assert got[name].dtype == ref[name].dtype, name
            np.testing.assert_array_equal(got[name].values, ref[name].values, err_msg=name)
            enc = ("zlib", "complevel", "shuffle", "chunksizes", "dtype")
            assert {k: got[name].encoding.get(k) for k in enc} == {k: ref[name].encoding.get(k) for k in enc}
        extra = got.attrs.pop("history").replace(ref.attrs.pop("history"), "", 1)
        assert "copied to NetCDF from the complete cluster subset" in extra and extra.count("\n") == 1
        assert got.attrs == ref.attrs


def _cached_chunk_files() -> list:
    """On a worker: the files left in its own chunk cache (core.cluster.subset's worker folder)."""
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.gettempdir()) / f"itslive-cluster-cache-{os.getpid()}" / "chunks"
    return [str(p) for p in folder.rglob("*") if p.is_file()]


def _report_reads(mirror, tmp_path, case, result):
    """Source chunks the tasks fetched against those the in-process plan reads once (printed)."""
    from itslive_qgis.core.subset import subset_layout

    urls, area, extra = _request(case)
    plan, _ = subset_layout(urls, area, "EPSG:3413", *WINDOW, config=_config(mirror, tmp_path), **extra)
    once = sum(len(c.grid_keys) for c in plan.cubes)
    fetched = sum(b["n_chunks"] for b in result.blocks)
    print(
        f"{case}: {fetched} chunk reads by {result.n_blocks} tasks, {once} in process: {fetched / once:.2f}x"
    )
    assert once <= fetched < 2.0 * once  # only chunks on the tasks' edges are read twice


@pytest.mark.parametrize("case", ["one cube", "two tiles", "utm seam"])
def test_cluster_subset_equals_the_in_process_subset(mirror, cluster, tmp_path, case, monkeypatch):
    from itslive_qgis.core.cluster import result_as_netcdf, subset

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    # blocks of one 16 x 16 output chunk (about 10 MiB here): a task writes its region in several
    monkeypatch.setattr(subset, "DEFAULT_SUBSET_BLOCK_BYTES", 10 * 2**20)
    ref_zarr = _in_process(mirror, tmp_path, case, ".zarr")
    ref_nc = _in_process(mirror, tmp_path, case, ".nc")
    out, result = _on_cluster(mirror, tmp_path, case, cluster.scheduler_address)
    assert result.target == str(out) and not list(tmp_path.glob("*.zarr.*"))  # the temporary was renamed
    import xarray as xr

    with xr.open_zarr(ref_zarr, decode_timedelta=False) as ref:
        assert result.n_pixels == ref.sizes["y"] * ref.sizes["x"] and result.n_pairs == ref.sizes["pair"]
    if case == "one cube":  # cells touching the area; 3 x 3 chunks of 16 cells, >= 2 tasks a worker
        assert result.n_pixels == 41 * 34 and result.n_blocks == 6 and result.n_pairs > 100
        _report_reads(mirror, tmp_path, case, result)
        assert result.max_worker_rss_bytes < WORKER_RSS_BOUND_BYTES, result.max_worker_rss_bytes
        with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
            left = client.run(_cached_chunk_files)
        assert not any(left.values()), left  # the workers dropped what they fetched for the run
    assert sum(b["n_finite"] for b in result.blocks) > 0
    order = _assert_same_store(out, ref_zarr)
    assert order[-4:] == ["v", "vx", "vy", "v_error"]  # gridded variables last, in the in-process order
    copy = result_as_netcdf(out)
    assert copy == tmp_path / "sub.zarr.nc"
    _assert_same_netcdf(copy, ref_nc)
    stamp = copy.stat().st_mtime_ns
    assert result_as_netcdf(out) == copy and copy.stat().st_mtime_ns == stamp  # reused, not rewritten


def test_a_worker_killed_mid_run_still_gives_the_full_equal_subset(mirror, cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    ref = _in_process(mirror, tmp_path, "one cube", ".zarr")
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        progress = KillAWorker(client)
        out, _ = _on_cluster(mirror, tmp_path, "one cube", cluster.scheduler_address, progress=progress)
        assert progress.killed is not None  # the kill happened with blocks still to do
        client.wait_for_workers(2, timeout=120)
        assert progress.killed not in client.run(os.getpid).values()
    _assert_same_store(out, ref)


def test_cancel_cancels_the_tasks_and_leaves_no_store(mirror, cluster, tmp_path):
    with pytest.raises(CancelledError):
        _on_cluster(mirror, tmp_path, "one cube", cluster.scheduler_address, progress=CancelAfterFirstBlock())
    assert [p.name for p in tmp_path.iterdir()] == ["cache"] or not list(tmp_path.glob("*.zarr*"))
    assert not list(tmp_path.glob("*.zarr*"))  # neither the store nor its temporary
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        assert not any(client.processing().values())


def test_refusals_name_what_to_change_and_write_nothing(mirror, cluster, tmp_path):
    with pytest.raises(InputError, match=r"Zarr store: give a \.zarr folder or an s3:// URL"):
        _on_cluster(mirror, tmp_path, "one cube", cluster.scheduler_address, out=tmp_path / "sub.nc")
    with pytest.raises(InputError, match="DASK_SCHEDULER is empty"):
        _on_cluster(mirror, tmp_path, "one cube", "")
    with pytest.raises(InputError, match="too large.*MAX_SIZE_GB"):  # the planning task's size budget
        _on_cluster(mirror, tmp_path, "one cube", cluster.scheduler_address, max_download_bytes=1000)
    with pytest.raises(InputError, match="cube_urls"):  # another host: refused on the client
        from itslive_qgis.core.cluster import subset_on_cluster

        subset_on_cluster(
            ["https://example.org/cube.zarr"], (0, 0, 1, 1), "EPSG:3413", *WINDOW, tmp_path / "s.zarr",
            cluster.scheduler_address, config=_config(mirror, tmp_path),
        )  # fmt: skip
    assert not list(tmp_path.glob("*.zarr*")) and not list(tmp_path.glob("*.nc"))


def test_an_unfinished_subset_store_is_refused_by_the_netcdf_copy(mirror, cluster, tmp_path, monkeypatch):
    import shutil

    from itslive_qgis.core.cluster import result_as_netcdf

    out, _ = _on_cluster(mirror, tmp_path, "two tiles", cluster.scheduler_address)
    unfinished = tmp_path / "unfinished.zarr"
    shutil.copytree(out, unfinished)
    (unfinished / ".zmetadata").unlink()  # what a run killed before its end leaves
    with pytest.raises(DataError, match="not a complete result.*Run it again"):
        result_as_netcdf(unfinished)
    assert not (tmp_path / "unfinished.zarr.nc").exists()


def test_the_subset_is_written_to_s3(mirror, cluster, tmp_path, monkeypatch):
    """An s3:// OUTPUT (the mirror's bucket) holds the same store; a rewrite that stops is refused."""
    import s3fs

    from itslive_qgis.core.cluster import result_as_netcdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    fs = s3fs.S3FileSystem(**mirror.storage_options())
    if not fs.exists("itslive-results"):
        fs.mkdir("itslive-results", acl="public-read-write")
    target = "s3://itslive-results/dsub/sub.zarr"
    options = mirror.storage_options()
    ref = _in_process(mirror, tmp_path, "two tiles", ".zarr")
    _on_cluster(mirror, tmp_path, "two tiles", cluster.scheduler_address, out=target, storage_options=options)
    _assert_same_store(target, ref, options)
    local = result_as_netcdf(target, tmp_path / "copy.nc", storage_options=options)
    assert local.is_file()
    from itslive_qgis.core.cluster.subset import prepare_subset_task

    urls, area, extra = _request("two tiles")
    request = ("rewrite", tuple(urls), area, "EPSG:3413", *WINDOW, extra, _config(mirror, tmp_path))
    prepare_subset_task(request, target, options, None)  # the template again, no block, no finalize
    with pytest.raises(DataError, match="not a complete result"):
        result_as_netcdf(target, tmp_path / "again.nc", storage_options=options)
