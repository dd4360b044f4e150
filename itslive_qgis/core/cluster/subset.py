"""``itslive:downloadsubset`` on a dask.distributed cluster: the workers read and write; the client plans.

The client sends each task the request (cube URLs, area, dates, filters), the :class:`StoreConfig`
(endpoint and retry settings only: ITS_LIVE is anonymous, no credential travels) and the block's
index slices. It never reads the cubes, not even their metadata:

1. one task on a worker plans the subset exactly as :func:`itslive_qgis.core.subset.subset_cubes`
   does (:func:`itslive_qgis.core.subset.subset_layout`: metadata, pair selection across tiles,
   output grid), checks the size budget and writes the store's template with the in-process
   writer (:func:`core.subset.write.start_zarr_subset`: coordinates, pair metadata, attributes,
   empty gridded arrays; the CF on-disk layout of io.cf, dim ``pair`` + ``mid_date(pair)``);
2. one task per near-square region of whole output chunks (:func:`subset_blocks`: 16 x 16 cells for
   up to 25,000 pairs; at most :data:`TASK_CELLS` cells, at least 2 regions a worker) plans the
   same subset once per worker (the plan is deterministic: same pairs, same order), and writes its
   region in blocks of :data:`DEFAULT_SUBSET_BLOCK_BYTES` of assembly: for each block it fetches
   the source chunks under it not yet fetched for the region (many in flight), assembles it with
   the in-process :class:`BlockAssembler` and writes it;
3. a last task marks the store complete and consolidates its metadata (:mod:`.result_store`).

So the store holds what the in-process Zarr subset holds, value for value and attribute for
attribute, plus the completion mark (``itslive_complete``) and ``itslive_variable_order``. A
worker lost in the middle has its blocks run again; a block's region is written whole again.

The plugin loads such a store through a NetCDF copy beside it (:func:`subset_as_netcdf`, called
by :func:`.netcdf.result_as_netcdf`), written by the in-process NetCDF writer block by block from
the store: the same file an in-process ``.nc`` subset is (values, attributes, chunking), with one
more line in ``history``.

Source chunks on the edge of two tasks' regions are read by both (an ITS_LIVE chunk is 10 x 10
pixels, an output chunk 16 x 16 cells); inside a region each chunk is read once. Each worker
caches chunks in its own folder and drops a region's chunks once the region is written.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..progress import NullProgress
from .blocks import peak_rss_bytes
from .invert import ClusterResult
from .jobs import ClusterRun
from .result_store import (
    COMPLETE_ATTR,
    ORDER_ATTR,
    check_target,
    clear_completion,
    finalize,
    is_complete,
    zarr_store,
)
from .scheduler import connect, parse_scheduler

#: memory of one block's assembly on a worker (all pairs x cells x variables, float32, with the
#: assembler's windows: 3 copies), as the in-process writer's blocks (core.subset.write.MAX_BLOCK_BYTES)
DEFAULT_SUBSET_BLOCK_BYTES = 256 * 2**20
#: cells of the output a task covers at most (80 x 80: 5 x 5 output chunks of 16 cells, 8 x 8 ITS_LIVE
#: chunks of 10 pixels); the task assembles and writes it in blocks of DEFAULT_SUBSET_BLOCK_BYTES and
#: keeps the source chunks it fetched until its last block, so a chunk under two blocks of one task is
#: fetched once
TASK_CELLS = 80 * 80
#: chunk requests in flight per block on a worker
BLOCK_REQUESTS = 32
#: algorithm attribute of a subset (core.io.cf.provenance)
SUBSET_ALGORITHM = "itslive:downloadsubset"
#: the keyword arguments of subset_layout a request may carry
REQUEST_KEYS = (
    "variables",
    "satellites",
    "missions",
    "min_interval_days",
    "max_interval_days",
    "min_roi_valid_percentage",
    "max_v_error_m_per_yr",
    "target_crs",
    "resampling",
    "allow_other_hosts",
)


def subset_on_cluster(
    cube_urls,
    area,
    area_crs,
    start_date: str,
    end_date: str,
    output,
    scheduler: str,
    config=None,
    progress=None,
    storage_options: dict | None = None,
    max_download_bytes: float | None = None,
    max_block_pixels: int | None = None,
    **params,
) -> ClusterResult:
    """Download the subset of :func:`itslive_qgis.core.subset.subset_cubes` on the cluster ``scheduler``.

    Parameters
    ----------
    cube_urls, area, area_crs, start_date, end_date
        As :func:`subset_cubes` (URLs the WORKERS read through ``config``'s endpoint).
    output : str or path
        ``.zarr`` folder (written under a temporary name, renamed when complete) or an fsspec URL
        such as ``s3://bucket/subset.zarr`` (written in place, marked complete last).
    scheduler : str
        DASK_SCHEDULER: ``"local"``, ``"local:N"`` or a scheduler address.
    config : StoreConfig, optional
        Endpoint settings (default :meth:`StoreConfig.from_env` on the client).
    progress : Progress, optional
        Fraction of blocks written; cancellation cancels the tasks and leaves no store.
    storage_options : dict, optional
        fsspec options of an ``output`` URL (the workers use them to write).
    max_download_bytes : float, optional
        Size budget, as :func:`subset_cubes` (checked by the planning task, before any velocity).
    max_block_pixels : int, optional
        A cap on the cells of a task's region (at most :data:`TASK_CELLS`; a region is written in
        blocks of :data:`DEFAULT_SUBSET_BLOCK_BYTES` of assembly).
    **params
        ``variables``, ``satellites``, ``missions``, ``min_interval_days``, ``max_interval_days``,
        ``min_roi_valid_percentage``, ``max_v_error_m_per_yr``, ``target_crs``, ``resampling``,
        ``allow_other_hosts`` of :func:`subset_cubes`.
    """
    from ..io import StoreConfig, atomic_output, confine_url

    spec = parse_scheduler(scheduler)
    if spec.in_process:
        raise InputError("DASK_SCHEDULER is empty: run subset_cubes in process instead.")
    unknown = sorted(set(params) - set(REQUEST_KEYS))
    if unknown:
        raise InputError(f"subset_on_cluster takes no {', '.join(unknown)} parameter of subset_cubes.")
    config = config or StoreConfig.from_env()
    progress = progress or NullProgress()
    output = str(output)
    check_target(output)
    urls = [str(u) for u in ([cube_urls] if isinstance(cube_urls, str | os.PathLike) else cube_urls or [])]
    if not urls:
        raise InputError("No datacube given: choose at least one cube from the catalog.")
    for url in urls:  # before any task: no link is followed to another host
        confine_url(url, config, bool(params.get("allow_other_hosts")), "cube_urls")
    started = time.perf_counter()
    place = contextlib.nullcontext(output) if "://" in output else atomic_output(output, "OUTPUT", (".zarr",))
    with place as tmp, connect(spec) as client:
        target = str(tmp)
        run = ClusterRun(client, progress, "itslive-subset")
        request = (run.token, tuple(urls), area, area_crs, str(start_date), str(end_date), params, config)
        progress.log(f"Cluster: {spec.describe()}, {len(client.scheduler_info()['workers'])} workers.")
        prepare = run.submit(prepare_subset_task, request, target, storage_options, max_download_bytes,
                             name="prepare")  # fmt: skip
        info = run.result(prepare)
        progress.log("Planned on a worker: " + info["summary"])
        n_workers = max(1, len(client.scheduler_info()["workers"]))
        blocks = subset_blocks(info, n_workers, max_block_pixels)
        cells = block_cells(info, DEFAULT_SUBSET_BLOCK_BYTES)
        (ys, xs) = blocks[0]
        progress.log(
            f"Cluster: {info['ny']} x {info['nx']} cells, {info['n_pairs']} pairs, {len(blocks)} tasks "
            f"of up to {ys.stop - ys.start} x {xs.stop - xs.start} cells (blocks of up to {cells} cells)."
        )
        futures = [
            run.submit(subset_block_task, request, ys, xs, target, storage_options, cells, name=f"block-{i}")
            for i, (ys, xs) in enumerate(blocks)
        ]
        stats = run.gather(futures, 0.05, 0.98)
        run.result(run.submit(finalize, target, storage_options, name="finalize"))
        with contextlib.suppress(Exception):  # a worker gone meanwhile has nothing left to drop
            client.run(forget_run, run.token)
    progress.report(1.0)
    return ClusterResult.from_blocks(output, stats, info["ny"] * info["nx"], info["n_pairs"], None, started)


def subset_blocks(info: dict, n_workers: int, max_block_pixels: int | None = None) -> list:
    """The tasks' regions: near-square groups of whole output chunks (``info['side']`` cells a side),
    at most :data:`TASK_CELLS` (or ``max_block_pixels``) cells, at least 2 per worker.

    Near-square, not strips: a source chunk (10 x 10 pixels) cut by a region's edge is fetched by
    both regions, and for a given area a square has the shortest edges.
    """
    side, ny, nx = info["side"], info["ny"], info["nx"]
    grid_y, grid_x = math.ceil(ny / side), math.ceil(nx / side)
    cells = min(TASK_CELLS, int(max_block_pixels)) if max_block_pixels else TASK_CELLS
    k = max(1, cells // (side * side))  # output chunks a region
    k = min(k, max(1, (grid_y * grid_x) // (2 * n_workers)))
    ky = min(grid_y, max(1, math.isqrt(k)))
    kx = min(grid_x, max(1, k // ky))
    ky = min(grid_y, max(ky, k // kx))
    return [
        (slice(by * side, min(ny, (by + ky) * side)), slice(bx * side, min(nx, (bx + kx) * side)))
        for by in range(0, grid_y, ky)
        for bx in range(0, grid_x, kx)
    ]


def block_cells(info: dict, block_bytes: int) -> int:
    """Cells of one assembled block within ``block_bytes`` (all pairs, float32, 3 copies a variable)."""
    per_cell = max(1, info["n_pairs"]) * 4 * max(1, info["n_vars"]) * 3
    return max(1, int(block_bytes) // per_cell)


def sub_blocks(ys: slice, xs: slice, side: int, cells: int) -> list[tuple[slice, slice]]:
    """A task's region in square blocks of whole output chunks, about ``cells`` cells (a chunk at least)."""
    step = max(side, int(np.sqrt(cells)) // side * side)
    return [
        (slice(y0, min(ys.stop, y0 + step)), slice(x0, min(xs.stop, x0 + step)))
        for y0 in range(ys.start, ys.stop, step)
        for x0 in range(xs.start, xs.stop, step)
    ]


def is_subset_result(target: str, storage_options: dict | None = None) -> bool:
    """True for a store written by :func:`subset_on_cluster` (complete or not)."""
    import zarr

    try:
        group = zarr.open_group(
            zarr_store(str(target), storage_options), mode="r", zarr_format=2, use_consolidated=False
        )
        attrs = group.attrs
        return attrs.get("algorithm") == SUBSET_ALGORITHM and ORDER_ATTR in attrs
    except Exception:  # no readable group metadata: not such a store
        return False


def subset_as_netcdf(store, output, storage_options: dict | None = None) -> Path:
    """The NetCDF copy of a complete cluster subset, written by the in-process NetCDF subset writer.

    Blocks are read from the store and written as :func:`subset_cubes` writes a ``.nc`` (same
    variables, order, attributes, encodings and chunking); ``history`` notes the copy. A local
    store's copy is reused while it is newer than the store's consolidated metadata.

    Raises
    ------
    DataError : the store is not complete (the run that wrote it did not finish).
    """
    import xarray as xr

    from ..errors import DataError

    text, output = str(store), Path(output)
    if not is_complete(text, storage_options):
        raise DataError(
            f"{text} is not a complete result: the run that wrote it did not finish (no "
            f"'{COMPLETE_ATTR}' mark and consolidated metadata). Run it again."
        )
    mark = Path(text) / ".zmetadata"
    if "://" not in text and output.is_file() and output.stat().st_mtime >= mark.stat().st_mtime:
        return output
    ds = xr.open_zarr(
        zarr_store(text, storage_options), consolidated=True, zarr_format=2, decode_timedelta=False
    )
    with ds:
        _write_netcdf_copy(ds, text, output, storage_options)
    return output


# --- what runs on the workers -----------------------------------------------------------------

#: per worker process: the planned subsets of the runs it worked for (run token -> layout)
_LAYOUTS: dict = {}
_KEEP_LAYOUTS = 2


def prepare_subset_task(request, target, storage_options, max_download_bytes) -> dict:
    """On a worker: plan the subset, check the size budget, write the store's template."""
    from ..subset.api import check_size_budget
    from ..subset.write import disk_layout, start_zarr_subset
    from ..subset.writers import chunk_side

    plan, out = _layout(request)
    check_size_budget(plan, max_download_bytes)
    ds, grid_vars = disk_layout(out.ds, out.grid_vars)
    order = list(out.ds.data_vars) + [gv.name for gv in out.grid_vars]
    ds = ds.assign_attrs({ORDER_ATTR: " ".join(order)})
    clear_completion(target, storage_options)
    start_zarr_subset(target, ds, grid_vars, storage_options)
    return {
        "ny": plan.ny,
        "nx": plan.nx,
        "n_pairs": plan.n_pairs,
        "n_vars": max(len(out.assembler.vars3d), max(len(c.read3d) for c in plan.cubes)),
        "side": chunk_side(plan.n_pairs),
        "summary": plan.summary(),
    }


def subset_block_task(request, ys, xs, target, storage_options, cells) -> dict:
    """On a worker: region (ys, xs) in blocks of about ``cells`` cells: fetch the chunks under each
    block (those not fetched for an earlier block of the region), assemble it, write it; timings."""
    from ..subset.writers import ZarrWriter, chunk_side

    plan, out = _layout(request)
    writer = ZarrWriter.existing(target, [gv.name for gv in out.grid_vars], storage_options)
    fetched: dict[int, set] = {cube.number: set() for cube in plan.cubes}
    times = {"read_s": 0.0, "solve_s": 0.0, "write_s": 0.0}
    n_finite = 0
    try:
        for sub in sub_blocks(ys, xs, chunk_side(plan.n_pairs), cells):
            t0 = time.perf_counter()
            _fetch(plan.cubes, sub, fetched)
            t1 = time.perf_counter()
            values = out.assembler(*sub)
            t2 = time.perf_counter()
            writer.write(sub, values)
            times["read_s"] += t1 - t0
            times["solve_s"] += t2 - t1
            times["write_s"] += time.perf_counter() - t2
            n_finite += int(sum(np.isfinite(v).sum() for v in values.values()))
    finally:  # the worker's disk stays bounded: one region's chunks
        for cube in plan.cubes:
            for key in fetched[cube.number]:
                cube.store.drop_cached(key)
    return {
        "ys": (ys.start, ys.stop),
        "xs": (xs.start, xs.stop),
        "n_chunks": sum(len(keys) for keys in fetched.values()),
        "n_finite": n_finite,
        **times,
        "max_rss_bytes": peak_rss_bytes(),
    }


def _fetch(cubes, sub, fetched: dict) -> None:
    """The chunks under block ``sub`` into the worker's cache, many in flight (``fetched``: keys so far)."""
    from ..io import run

    for cube in cubes:
        keys = [k for k in block_chunk_keys(cube, *sub) if k not in fetched[cube.number]]
        if keys:
            run(cube.store.prefetch(keys, BLOCK_REQUESTS))
            fetched[cube.number].update(keys)


def block_chunk_keys(cube, ys: slice, xs: slice) -> list:
    """The source chunk keys of ``cube`` the output block (ys, xs) reads (those the store holds).

    The same chunks :class:`core.subset.write.BlockAssembler` reads for the block: for each
    gridded variable read, the chunks holding the block's source pixels, in every time chunk of
    the selected pairs.
    """
    from ..io import chunk_key

    sl = (ys, xs)
    if not cube.placement.valid[sl].any():
        return []
    rows, cols = cube.placement.source_pixels(sl)
    keys = []
    for name in cube.read3d:
        arr = cube.layout.arrays[name]
        ct, cr, cc = arr.chunks
        spatial = sorted(set(zip((rows // cr).tolist(), (cols // cc).tolist())))
        times = sorted(set((cube.disk_index // ct).tolist()))
        keys += [chunk_key(arr, (t, r, c)) for r, c in spatial for t in times]
    for name in cube.vars2d:
        if name in cube.layout.arrays:
            arr = cube.layout.arrays[name]
            cr, cc = arr.chunks
            keys += [
                chunk_key(arr, rc) for rc in sorted(set(zip((rows // cr).tolist(), (cols // cc).tolist())))
            ]
    return [k for k in keys if cube.store.listing.get(k) is not None]


def forget_run(token: str, dask_worker=None) -> int:
    """On every worker after a run: drop its plan and the chunks it still caches (pair metadata);
    the number of chunks dropped."""
    layout = _LAYOUTS.pop(token, None)
    if layout is None:
        return 0
    plan, _ = layout
    return sum(bool(c.store.drop_cached(k)) for c in plan.cubes for k in c.meta_keys + c.data_keys)


def _layout(request):
    """The subset's plan and output on this worker, planned once per run (see :func:`subset_layout`)."""
    token = request[0]
    if token not in _LAYOUTS:
        from ..subset import subset_layout

        _, urls, area, area_crs, start, end, params, config = request
        layout = subset_layout(
            list(urls), area, area_crs, start, end, config=_worker_config(config), **params
        )
        while len(_LAYOUTS) >= _KEEP_LAYOUTS:
            _LAYOUTS.pop(next(iter(_LAYOUTS)))
        _LAYOUTS[token] = layout
    return _LAYOUTS[token]


def _worker_config(config):
    """The run's StoreConfig with this worker process's own chunk cache (no two workers share one)."""
    folder = Path(tempfile.gettempdir()) / f"itslive-cluster-cache-{os.getpid()}"
    return replace(config, cache_dir=folder)


# --- the NetCDF copy ----------------------------------------------------------------------------


def _write_netcdf_copy(ds, store: str, output: Path, storage_options) -> None:
    import xarray as xr
    import zarr

    from ..io import ALL_CHUNKS_ATTR, cf
    from ..subset.api import DEFAULT_MAX_MEMORY_BYTES
    from ..subset.output import WORKERS
    from ..subset.write import GridVar, block_shape, write_subset

    mem = cf.pairs_from_disk(ds)
    order = [n for n in str(mem.attrs.get(ORDER_ATTR, "")).split() if n in mem.data_vars]
    order += [n for n in mem.data_vars if n not in order]
    grid = [n for n in order if "y" in mem[n].dims and "x" in mem[n].dims]
    coords = {
        n: mem[n].variable for n in (cf.PAIR_DIM, "y", "x") if n in mem.variables
    }  # build_output's order
    small = xr.Dataset({n: mem[n].variable for n in order if n not in grid}, coords=coords).load()
    for var in small.variables.values():
        var.encoding = {}  # the subset writer's own encodings (dates as days, char arrays, zlib)
    attrs = {k: v for k, v in mem.attrs.items() if k not in (COMPLETE_ATTR, ORDER_ATTR, ALL_CHUNKS_ATTR)}
    note = f"copied to NetCDF from the complete cluster subset {store} (GDAL 3.6 reads no 3-D Zarr)"
    attrs["history"] = f"{attrs['history']}\n{note}" if attrs.get("history") else note
    small.attrs = attrs
    grid_vars = [GridVar(n, mem[n].dims, cf.cf_variable_attrs(mem[n].attrs)) for n in grid]
    group = zarr.open_group(
        zarr_store(store, storage_options), mode="r", zarr_format=2, use_consolidated=True
    )
    arrays = {n: group[n] for n in grid}

    def read(ys, xs) -> dict:
        return {n: np.asarray(a[..., ys, xs], dtype="float32") for n, a in arrays.items()}

    n_pairs = small.sizes.get(cf.PAIR_DIM, 1)
    ny, nx = small.sizes["y"], small.sizes["x"]
    by, bx = block_shape(n_pairs, len(grid), ny, nx, DEFAULT_MAX_MEMORY_BYTES, WORKERS)
    write_subset(small, grid_vars, read, by, bx, output, NullProgress(), WORKERS)
