"""``itslive:invert`` on a dask.distributed cluster: the workers read, invert and write; the client plans.

The client sends each task the cube's source (URL or path), the :class:`StoreConfig` (endpoint
settings only: ITS_LIVE is anonymous, no credential travels), the extent, the block's index
slices and the parameters. It never reads pixel data:

1. one task on a worker opens the cube, inverts the central tile that :func:`invert_dataset`
   uses to choose lambda by cross-validation (so every block gets the lambda the in-process
   run would choose), and writes the result store's template;
2. one task per block of whole chunk columns (:func:`.blocks.plan_blocks`) reads its block
   from S3 through core.io, inverts it with :func:`itslive_qgis.core.inversion.invert_dataset`
   at that lambda and writes its region of the store;
3. a last task marks the store complete and consolidates its metadata
   (:mod:`.result_store`).

A worker that dies mid-run loses nothing: the scheduler runs its tasks again elsewhere, and a
block's region is written whole again.
"""

from __future__ import annotations

import contextlib
import functools
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import DataError, InputError
from ..progress import NullProgress
from .blocks import DEFAULT_BLOCK_BYTES, peak_rss_bytes, plan_blocks
from .jobs import ClusterRun
from .result_store import check_target, create_template, final_target, finalize, write_region
from .scheduler import connect, parse_scheduler

#: pixels of the central tile on which invert_dataset chooses lambda (its LAMBDA_TILE_PIXELS; the
#: tests check that the lambda found here equals the in-process run's)
LAMBDA_TILE_PIXELS = 64


@dataclass
class ClusterResult:
    """What a cluster run wrote, and what it cost (seconds summed over the workers' tasks).

    ``read_s``: reading the blocks' chunk columns (inside the inversion, ahead of its tiles);
    ``solve_s``: the inversions less the time they waited for those reads; ``write_s``: the
    blocks' regions of the result store.
    """

    target: str
    n_blocks: int
    n_pixels: int
    n_pairs: int
    lam: float | None
    wall_s: float
    read_s: float = 0.0
    solve_s: float = 0.0
    write_s: float = 0.0
    max_worker_rss_bytes: int = 0
    blocks: list = field(default_factory=list, repr=False)

    @classmethod
    def from_blocks(
        cls, output, stats: list, n_pixels: int, n_pairs: int, lam, started: float
    ) -> ClusterResult:
        """The result of a run whose tasks reported ``stats`` (their read/solve/write seconds and peak
        memory), begun at ``started`` (``time.perf_counter()``), written to ``output``."""
        return cls(
            target=final_target(output),
            n_blocks=len(stats),
            n_pixels=n_pixels,
            n_pairs=n_pairs,
            lam=lam,
            wall_s=time.perf_counter() - started,
            read_s=sum(s["read_s"] for s in stats),
            solve_s=sum(s["solve_s"] for s in stats),
            write_s=sum(s["write_s"] for s in stats),
            max_worker_rss_bytes=max(s["max_rss_bytes"] for s in stats),
            blocks=stats,
        )


def invert_on_cluster(
    source: str,
    output,
    scheduler: str,
    config=None,
    bounds=None,
    progress=None,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    max_block_pixels: int | None = None,
    storage_options: dict | None = None,
    **params,
) -> ClusterResult:
    """Invert the cube ``source`` (optionally the extent ``bounds``) on the cluster ``scheduler``.

    Parameters
    ----------
    source : str
        Cube or subset the WORKERS can read: ``s3://`` or ITS_LIVE URL (read through ``config``'s
        endpoint), or a path they see (a local cluster).
    output : str or path
        ``.zarr`` folder (written under a temporary name, renamed when complete) or an fsspec URL
        such as ``s3://bucket/result.zarr`` (written in place, marked complete last).
    scheduler : str
        DASK_SCHEDULER: ``"local"``, ``"local:N"`` or a scheduler address (see :func:`parse_scheduler`).
    config : StoreConfig, optional
        Endpoint settings of the input (default :meth:`StoreConfig.from_env` on the client).
    bounds : (xmin, ymin, xmax, ymax), optional
        Extent in the cube's CRS (metres), as :func:`itslive_qgis.core.cube.select_extent`.
    progress : Progress, optional
        Fraction of blocks done; cancellation cancels the tasks.
    block_bytes, max_block_pixels
        Memory per block on a worker, and a cap on its pixels (see :func:`plan_blocks`).
    storage_options : dict, optional
        fsspec options of an ``output`` URL (the workers use them to write).
    **params
        Keyword arguments of :func:`itslive_qgis.core.inversion.invert_dataset` (``interval_days``,
        ``lam``, ``weighting``, ``satellites``, ...; not ``progress`` or ``lazy``).
    """
    from ..io import StoreConfig, atomic_output

    spec = parse_scheduler(scheduler)
    if spec.in_process:
        raise InputError("DASK_SCHEDULER is empty: run invert_dataset in process instead.")
    for name in ("progress", "lazy"):
        if name in params:
            raise InputError(f"invert_on_cluster takes no {name!r} parameter of invert_dataset.")
    params.setdefault("lam", 0.0)
    config = config or StoreConfig.from_env()
    progress = progress or NullProgress()
    output = str(output)
    check_target(output)
    bounds = None if bounds is None else tuple(float(b) for b in bounds)
    started = time.perf_counter()
    if "://" in output:
        place = contextlib.nullcontext(output)
    else:
        place = atomic_output(output, "OUTPUT", (".zarr",))
    with place as tmp, connect(spec) as client:
        target = str(tmp)
        run = ClusterRun(client, progress, "itslive-invert")
        progress.log(f"Cluster: {spec.describe()}, {len(client.scheduler_info()['workers'])} workers.")
        info = run.result(run.submit(prepare_task, source, config, bounds, params, target, storage_options,
                                     name="prepare"))  # fmt: skip
        n_workers = max(1, len(client.scheduler_info()["workers"]))
        blocks = plan_blocks(
            info["ny"], info["nx"], info["chunk_y"], info["chunk_x"], info["n_pairs"], block_bytes,
            min_blocks=2 * n_workers, max_block_pixels=max_block_pixels,
        )  # fmt: skip
        progress.log(
            f"Cluster: {info['ny']} x {info['nx']} pixels, {info['n_pairs']} pairs, {len(blocks)} blocks "
            f"of up to {blocks[0][0].stop - blocks[0][0].start} x {blocks[0][1].stop - blocks[0][1].start} "
            f"pixels; lambda {info['lambda_text']}."
        )
        block_params = dict(params, lam=info["lam_block"])
        futures = [
            run.submit(invert_block_task, source, config, bounds, ys, xs, block_params, target,
                       storage_options, name=f"block-{i}")
            for i, (ys, xs) in enumerate(blocks)
        ]  # fmt: skip
        stats = run.gather(futures, 0.05, 0.98)
        if not any(s["n_finite"] for s in stats):
            raise DataError(
                "No step of any pixel has a velocity (every value is NaN), so nothing was kept: the pairs "
                "left after the filters inform no step. Widen START_DATE/END_DATE, SATELLITES or the extent."
            )
        run.result(run.submit(finalize, target, storage_options, name="finalize"))
        _release_factors(client, progress)
    progress.report(1.0)
    return ClusterResult.from_blocks(
        output, stats, info["ny"] * info["nx"], info["n_pairs"], info["lam_block"] or None, started
    )


def _release_factors(client, progress) -> None:
    """The workers drop the factorisations kept for this run's blocks (their memory, not a result)."""
    from ..inversion.columns import release_retained_factors

    try:
        client.run(release_retained_factors)
    except Exception as exc:  # a worker gone meanwhile: its memory went with it
        progress.log(f"Cluster: a worker did not drop its kept factorisations ({exc}).")


def central_tile(ny: int, nx: int, n_pixels: int = LAMBDA_TILE_PIXELS) -> tuple[slice, slice]:
    """The central tile on which :func:`invert_dataset` chooses lambda (same geometry)."""
    side = max(1, int(np.sqrt(n_pixels)))
    hy, hx = min(ny, side), min(nx, max(1, n_pixels // max(1, min(ny, side))))
    y0, x0 = (ny - hy) // 2, (nx - hx) // 2
    return slice(y0, y0 + hy), slice(x0, x0 + hx)


# --- what runs on the workers -----------------------------------------------------------------


def prepare_task(source, config, bounds, params, target, storage_options) -> dict:
    """On a worker: the lambda every block uses, the grid's size and chunks; writes the template."""
    with _worker_dask(config):
        return _prepare(source, config, bounds, params, target, storage_options)


def invert_block_task(source, config, bounds, ys, xs, params, target, storage_options) -> dict:
    """On a worker: read block (ys, xs) from the store, invert it, write its region; returns timings.

    The worker keeps the factorisations its blocks share (pixels of several blocks with the same
    pairs and weights; :func:`~itslive_qgis.core.inversion.columns.retain_factors_between_runs`)
    until the run's end, as one in-process run shares them between its tiles.
    """
    from ..inversion.columns import retain_factors_between_runs

    retain_factors_between_runs()
    with _worker_dask(config):
        return _invert_block(source, config, bounds, ys, xs, params, target, storage_options)


def _worker_dask(config=None):
    """Inside a task, dask arrays (the lazily opened cube) compute on the worker's own threads.

    Without this, dask inside a task submits to the cluster through the worker's client (the
    graph of a zarr-backed array does not even serialise). As many threads as the store's
    requests in flight (``StoreConfig.concurrency``, default 32), not one per core: a load is
    one chunk GET per task, so with dask's default of one thread per core a single-threaded
    worker had 1-2 GETs in flight (the pair metadata, 43 chunks, took 23.5 s at 1 s per
    request through the fault proxy; a block of 3 pair chunks x vx, vy took 3 round trips).
    """
    import dask

    from ..inversion.engine import thread_limit

    threads = max(1, int(getattr(config, "concurrency", 0) or 0)) if config is not None else None
    stack = contextlib.ExitStack()
    stack.enter_context(dask.config.set(scheduler="threads", **({"num_workers": threads} if threads else {})))
    stack.enter_context(thread_limit(_task_threads()))
    return stack


def _task_threads() -> int:
    """Threads of one inversion inside a task: 1 on a dask worker, 0 (no limit) elsewhere.

    Dask's own convention (its nanny sets ``OMP_NUM_THREADS=1``): a worker's task threads are
    the parallelism, one core each. An inversion that took every core in each of a LocalCluster's
    2 single-threaded worker processes ran 4 solver threads on 2 cores (0.73-0.76 of the
    in-process rate on the tiled real block; see bench/bench_cluster.py).
    """
    try:
        from distributed import get_worker

        get_worker()
    except (ImportError, ValueError):
        return 0
    return 1


def _prepare(source, config, bounds, params, target, storage_options) -> dict:
    from ..inversion import invert_dataset

    ds = _open(source, config, bounds)
    ny, nx = ds.sizes["y"], ds.sizes["x"]
    if float(params.get("lam", 0.0)) > 0 or params.get("lam_mode") == "per_pixel":
        ys, xs = slice(ny // 2, ny // 2 + 1), slice(nx // 2, nx // 2 + 1)  # only the output's shape
    else:
        ys, xs = central_tile(ny, nx)
    res = invert_dataset(ds.isel(y=ys, x=xs), **params)
    lam = res.attrs.get("lambda")
    lam_block = float(lam) if isinstance(lam, (int, float, np.floating)) else 0.0
    res.attrs["source"] = str(source)
    chunk_y, chunk_x = _chunk_shape(ds)
    create_template(target, _template(res, ds, chunk_y, chunk_x), storage_options)
    return {
        "ny": ny,
        "nx": nx,
        "chunk_y": chunk_y,
        "chunk_x": chunk_x,
        "n_pairs": int(res.attrs["n_pairs_selected"]),
        "lam_block": lam_block,
        "lambda_text": f"{lam_block:g} ({res.attrs.get('lambda_method')})" if lam_block else str(lam),
    }


def _invert_block(source, config, bounds, ys, xs, params, target, storage_options) -> dict:
    from ..inversion import invert_dataset
    from ..progress import SplitProgress

    t0 = time.perf_counter()
    block = _open(source, config, bounds).isel(y=ys, x=xs)
    split = SplitProgress()
    res = invert_dataset(block, progress=split, **params)
    t1 = time.perf_counter()
    write_region(target, res, ys, xs, storage_options)
    t2 = time.perf_counter()
    n_finite = int(np.isfinite(res["v"].values).sum()) if "v" in res else 0
    waited = split.split.get("read_wait", 0.0)  # the solve waiting for its chunk reads
    return {
        "ys": (ys.start, ys.stop),
        "xs": (xs.start, xs.stop),
        "n_finite": n_finite,
        "read_s": split.split.get("read", 0.0),
        "solve_s": t1 - t0 - waited,
        "write_s": t2 - t1,
        "max_rss_bytes": peak_rss_bytes(),
    }


@functools.lru_cache(maxsize=4)
def _open(source, config, bounds):
    """The cleaned pairs of ``source`` in ``bounds`` (lazy; kept per worker for its next blocks)."""
    from ..cube import open_pairs, select_extent

    ds = open_pairs(source, config)
    if bounds is not None:
        ds = select_extent(ds, *bounds)
    # the pair metadata (1-D) once per worker, not again with every block (about 50 GETs a block)
    # (one load of them all: their chunks are fetched concurrently, not one variable after another)
    meta = ds[[n for n, v in ds.data_vars.items() if v.ndim <= 1]].load()
    return ds.assign(dict(meta.data_vars))


def _chunk_shape(ds) -> tuple[int, int]:
    """(y, x) chunk size of the cube's velocities (pixels), from the store's encoding or dask chunks."""
    var = ds["vx"]
    chunks = var.encoding.get("chunks")
    if chunks and len(chunks) == 3:
        return int(chunks[1]), int(chunks[2])
    if var.chunks is not None:
        return int(max(var.chunks[1])), int(max(var.chunks[2]))
    return 10, 10


def _template(res, ds, chunk_y: int, chunk_x: int):
    """The full (time, y, x) result of ``ds``'s grid as empty dask arrays, with ``res``'s metadata."""
    import dask.array as da
    import xarray as xr

    ny, nx, nt = ds.sizes["y"], ds.sizes["x"], res.sizes["time"]
    coords = {
        "time": res["time"].variable,
        "y": ("y", ds["y"].values, dict(res["y"].attrs)),
        "x": ("x", ds["x"].values, dict(res["x"].attrs)),
    }
    data_vars = {}
    for name, var in res.data_vars.items():
        if var.dims == ("time", "y", "x"):
            data = da.zeros((nt, ny, nx), chunks=(nt, chunk_y, chunk_x), dtype=var.dtype)
            data_vars[name] = (var.dims, data, dict(var.attrs))
        else:
            data_vars[name] = var.variable
    return xr.Dataset(data_vars, coords=coords, attrs=dict(res.attrs))
