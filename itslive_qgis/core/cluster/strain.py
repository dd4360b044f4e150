"""``itslive:strainrates`` on a dask.distributed cluster: blocks with a halo, each written to its region.

The input is a velocity time series (an inversion result: NetCDF path the workers see, or a Zarr
store at a path or fsspec URL). A first task on a worker computes the strain rates of the first
time step of the whole grid (its output gives the store's template: variables, attributes and the
grid mapping of the full grid), then one task per block of whole chunk columns reads the block
with a halo of pixels around it, calls :func:`itslive_qgis.core.fields.strain_rates_dataset` and
writes the block without its halo; the store is marked complete last (:mod:`.result_store`).
Central differences need one neighbour, the logarithmic method its length scale: the halo covers
both, so every pixel sees exactly the neighbours it has in the whole grid.
"""

from __future__ import annotations

import contextlib
import functools
import math
import time

from ..errors import InputError
from ..progress import NullProgress
from .blocks import peak_rss_bytes, plan_blocks
from .invert import ClusterResult
from .jobs import ClusterRun
from .result_store import check_target, create_template, finalize, write_region
from .scheduler import connect, parse_scheduler

#: pixels per block side when the input is not chunked
DEFAULT_BLOCK_SIDE = 100


def strain_on_cluster(
    source: str,
    output,
    scheduler: str,
    input_storage_options: dict | None = None,
    storage_options: dict | None = None,
    progress=None,
    block_side: int | None = None,
    **params,
) -> ClusterResult:
    """Strain rates of the velocity series ``source`` on the cluster ``scheduler`` (see the module).

    ``params`` go to :func:`itslive_qgis.core.fields.strain_rates_dataset` (``method``,
    ``length_scale_m``, ``crs``, ``scale_correction``, ``vx_name``, ``vy_name``).
    """
    from ..io import atomic_output

    spec = parse_scheduler(scheduler)
    if spec.in_process:
        raise InputError("DASK_SCHEDULER is empty: run strain_rates_dataset in process instead.")
    if "progress" in params:
        raise InputError("strain_on_cluster takes its progress as its own argument.")
    progress = progress or NullProgress()
    output = str(output)
    check_target(output)
    started = time.perf_counter()
    place = contextlib.nullcontext(output) if "://" in output else atomic_output(output, "OUTPUT", (".zarr",))
    with place as tmp, connect(spec) as client:
        target = str(tmp)
        run = ClusterRun(client, progress, "itslive-strain")
        side = int(block_side or DEFAULT_BLOCK_SIDE)
        info = run.result(run.submit(prepare_strain_task, source, input_storage_options, params, target,
                                     storage_options, side, name="prepare"))  # fmt: skip
        n_workers = max(1, len(client.scheduler_info()["workers"]))
        blocks = plan_blocks(info["ny"], info["nx"], side, side, 1, block_bytes=1, min_blocks=2 * n_workers)
        futures = [
            run.submit(strain_block_task, source, input_storage_options, ys, xs, info["halo"], params, target,
                       storage_options, name=f"block-{i}")
            for i, (ys, xs) in enumerate(blocks)
        ]  # fmt: skip
        stats = run.gather(futures, 0.05, 0.98)
        run.result(run.submit(finalize, target, storage_options, name="finalize"))
    progress.report(1.0)
    return ClusterResult.from_blocks(output, stats, info["ny"] * info["nx"], 0, None, started)


def halo_pixels(ds, params) -> int:
    """Neighbours a pixel's strain rates depend on, in pixels (2 for central differences)."""
    if int(params.get("method", 0)) != 1:
        return 2
    length = params.get("length_scale_m")
    spacing = min(abs(float(ds["x"][1] - ds["x"][0])), abs(float(ds["y"][1] - ds["y"][0])))
    if not length:
        return 2
    return int(math.ceil(float(length) / spacing)) + 2


def prepare_strain_task(source, input_options, params, target, storage_options, side) -> dict:
    """On a worker: the template from the strain rates of the first time step of the whole grid."""
    import dask

    with dask.config.set(scheduler="threads"):
        from ..fields import strain_rates_dataset

        ds = _open_series(source, input_options)
        tdim = _time_dim(ds, params)
        first = ds.isel({tdim: slice(0, 1)}).load() if tdim else ds.load()
        res = strain_rates_dataset(first, **params)
        res.attrs["source"] = str(source)
        create_template(target, _template(res, ds, tdim, side), storage_options)
        return {"ny": ds.sizes["y"], "nx": ds.sizes["x"], "halo": halo_pixels(ds, params)}


def strain_block_task(source, input_options, ys, xs, halo, params, target, storage_options) -> dict:
    """On a worker: block (ys, xs) with ``halo`` pixels around it -> strain rates -> its region."""
    import dask

    with dask.config.set(scheduler="threads"):
        from ..fields import strain_rates_dataset

        ds = _open_series(source, input_options)
        ny, nx = ds.sizes["y"], ds.sizes["x"]
        y0, y1 = max(0, ys.start - halo), min(ny, ys.stop + halo)
        x0, x1 = max(0, xs.start - halo), min(nx, xs.stop + halo)
        t0 = time.perf_counter()
        block = ds.isel(y=slice(y0, y1), x=slice(x0, x1)).load()
        t1 = time.perf_counter()
        res = strain_rates_dataset(block, **params)
        inner = res.isel(y=slice(ys.start - y0, ys.stop - y0), x=slice(xs.start - x0, xs.stop - x0))
        t2 = time.perf_counter()
        write_region(target, inner, ys, xs, storage_options)
        t3 = time.perf_counter()
    return {
        "ys": (ys.start, ys.stop),
        "xs": (xs.start, xs.stop),
        "read_s": t1 - t0,
        "solve_s": t2 - t1,
        "write_s": t3 - t2,
        "max_rss_bytes": peak_rss_bytes(),
    }


@functools.lru_cache(maxsize=4)
def _open_series_cached(source, options_key):
    import xarray as xr

    options = dict(options_key) if options_key else None
    if "://" in source or source.rstrip("/").endswith(".zarr"):
        return xr.open_zarr(source, storage_options=options)
    return xr.open_dataset(source, chunks={})


def _open_series(source, options):
    key = tuple(sorted((k, repr(v)) for k, v in (options or {}).items())) if options else None
    if key is None:
        return _open_series_cached(str(source), None)
    import xarray as xr

    return xr.open_zarr(str(source), storage_options=options)


def _time_dim(ds, params):
    name = params.get("vx_name", "vx")
    dims = ds[name].dims
    return dims[0] if len(dims) == 3 else None


def _template(res, ds, tdim, side):
    """The full result's structure: ``res`` (one time step of the whole grid) over every time step."""
    import dask.array as da
    import xarray as xr

    nt = ds.sizes[tdim] if tdim else None
    coords = {"y": res["y"].variable, "x": res["x"].variable}
    if tdim:
        coords[tdim] = ds[tdim].variable
    data_vars = {}
    for name, var in res.data_vars.items():
        if "y" in var.dims and "x" in var.dims:
            shape = tuple(nt if d == tdim else res.sizes[d] for d in var.dims)
            chunks = tuple(nt if d == tdim else min(res.sizes[d], side) for d in var.dims)
            data_vars[name] = (var.dims, da.zeros(shape, chunks=chunks, dtype=var.dtype), dict(var.attrs))
        else:
            data_vars[name] = var.variable
    out = xr.Dataset(data_vars, coords=coords, attrs=dict(res.attrs))
    if tdim and "time_bnds" in ds.variables:
        out["time_bnds"] = ds["time_bnds"].load().variable
    return out
