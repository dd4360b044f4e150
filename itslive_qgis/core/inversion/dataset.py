"""Temporal inversion of an ITS_LIVE cube or subset (xarray), and the CF NetCDF writer.

:func:`invert_dataset` runs in process (tile by tile, with progress and cancellation) or,
with ``lazy=True``, returns a dask-backed dataset built with :func:`xarray.apply_ufunc` over
(y, x) blocks with the pair axis whole, so a large cube can be computed on a Dask cluster
(``write_netcdf`` or ``.compute()`` triggers it). Both paths call the same engine with the
same lambda. See :mod:`itslive_qgis.core.inversion.api` for the method.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import numpy as np

from ..cube import EPOCH, NS_PER_DAY, PAIR_DIM, PairFilter, pair_dates_days, require_xarray, to_days
from ..errors import DataError, InputError
from ..io import atomic_output, cf
from ..io.cf import pairs_from_disk
from ..io.raw_pairs import raw_pair_reader
from ..progress import NullProgress, SubProgress, check_cancelled, record_split
from .design import make_time_grid
from .engine import Engine, EngineOptions
from .smoothing import lambda_sample

#: pair weighting of every inversion (core, itslive:invert, the dock and the point panel)
DEFAULT_WEIGHTING = "errors"

FILL_INT16 = -32767
#: zlib level of the written result: on the tiled real block (1,166 steps x 40 x 40, 7 variables)
#: level 1 wrote in 0.24-0.27 s of CPU and 4.59 MB, level 4 in 0.35-0.39 s and 4.65 MB
ZLIB_LEVEL = 1
LAMBDA_TILE_PIXELS = 64  # central tile whose solvable pixels give the lambda sample
#: read cube chunk columns with zarr directly when the dataset is the store's arrays (io.raw_pairs)
RAW_READ = True
TILE_BYTES = 128 * 2**20  # pair values read per in-process tile (vx, vy and weights, float64)
OUTPUT_VARS = ("vx", "vy", "v", "count", "vx_sigma", "vy_sigma", "v_sigma")
LONG_NAMES = {
    "vx": "x component of ice velocity",
    "vy": "y component of ice velocity",
    "v": "ice speed",
    "count": "number of image pairs overlapping the time step",
    "vx_sigma": "posterior 1-sigma uncertainty of vx",
    "vy_sigma": "posterior 1-sigma uncertainty of vy",
    "v_sigma": "posterior 1-sigma uncertainty of v",
}


def invert_dataset(
    ds,
    interval_days: float = 12.0,
    lam: float = 0.0,
    derivative: int = 2,
    weighting: str = DEFAULT_WEIGHTING,
    robust: bool = False,
    satellites=None,
    start_date=None,
    end_date=None,
    min_dt_days: float | None = None,
    max_dt_days: float | None = None,
    device: str = "auto",
    progress=None,
    lazy: bool = False,
    lam_mode: str = "global",
    max_gap_days: float = 60.0,
    min_pairs: int = 3,
    block_size: int | None = None,
):
    """Invert vx and vy of every pixel of ``ds`` onto a regular time grid.

    Parameters
    ----------
    ds : xarray.Dataset
        Cleaned cube or subset (see :func:`itslive_qgis.core.cube.pairs.clean_pairs`) with dims
        ``mid_date``, ``y``, ``x``, variables ``vx``, ``vy`` (m/yr) and the pair dates
        (``acquisition_date_img1/2`` or ``date_dt``).
    interval_days : float
        Grid step (days).
    lam : float
        Regularisation weight; 0 = automatic (cross-validation over images).
    derivative : {1, 2}
    weighting : {"errors", "none"}
        ``"errors"`` (:data:`DEFAULT_WEIGHTING`, also of ``itslive:invert`` and the panels):
        weights ``1/sigma^2`` from ``vx_error``/``vy_error`` (m/yr, per pair), or from ``v_error``
        for both components when those are absent. On the real block, unweighted series of slow
        ice scatter by about 250 m/yr (noisy short pairs dominate), error-weighted ones by about
        34 m/yr. ``"none"``: equal weights.
    robust : bool
        Tukey/Huber IRLS against outliers.
    satellites : str or sequence of str, optional
        Keep pairs whose two images both come from these satellites (``"8,9,2A"``).
    start_date, end_date : str or datetime64, optional
        Keep pairs with both images inside ``[start_date, end_date]``.
    min_dt_days, max_dt_days : float, optional
        Bounds on the pair interval ``date_dt`` (days, inclusive).
    device : {"auto", "cpu", "cuda"}
    progress : Progress, optional
        In-process path only: fraction done, log lines, cancellation between tiles/batches.
    lazy : bool
        Return a dask-backed dataset (nothing computed yet except the lambda search).
    lam_mode, max_gap_days, min_pairs, block_size
        See :func:`itslive_qgis.core.inversion.api.invert_pixels`.

    Returns
    -------
    xarray.Dataset
        Dims (time, y, x): ``vx``, ``vy``, ``v``, ``vx_sigma``, ``vy_sigma``, ``v_sigma``
        (float32, m/yr), ``count`` (int32), ``time_bnds`` (time, nv), ``mapping``;
        parameters in the attributes.
    """
    xr = require_xarray()
    progress = progress or NullProgress()
    ds = pairs_from_disk(ds)  # a subset opened directly with xarray (CF pair layout, see io.cf)
    for name in ("vx", "vy"):
        if name not in ds:
            raise DataError(f"The dataset has no '{name}' variable: invert needs vx and vy (m/yr).")
    if PAIR_DIM not in ds.dims or "y" not in ds.dims or "x" not in ds.dims:
        raise DataError("The dataset needs the dimensions mid_date, y and x.")
    if ds.sizes["y"] == 0 or ds.sizes["x"] == 0:
        raise InputError(
            f"No pixel to invert: the selection is {ds.sizes['y']} x {ds.sizes['x']} pixels "
            "(is the extent outside the data?)."
        )
    if weighting not in ("none", "errors"):
        raise InputError(f"WEIGHTING must be 'none' or 'errors', got {weighting!r}.")
    filters = _filter_description(satellites, start_date, end_date, min_dt_days, max_dt_days)
    keep, d1, d2 = select_pairs(ds, satellites, start_date, end_date, min_dt_days, max_dt_days)
    # every pair kept: no selection (on a block read into memory, isel copies every variable: 0.16 s
    # of a 0.58 s inversion of 400 px x 47,892 pairs on a cluster worker)
    sub = ds if keep.size == ds.sizes[PAIR_DIM] else ds.isel({PAIR_DIM: keep})
    edges, centres = make_time_grid(d1, d2, interval_days)
    _check_time_axis(edges, interval_days)
    options = EngineOptions(
        derivative=int(derivative),
        lam=float(lam),
        lam_mode=lam_mode,
        robust=bool(robust),
        errors_given=weighting == "errors",
        max_gap_days=float(max_gap_days),
        min_pairs=int(min_pairs),
        device=device,
        block_size=block_size,
    )
    engine = Engine(d1, d2, edges, options)
    pair_w = _pair_weights(sub, weighting)
    raw_names = ["vx", "vy"] + ([pair_w] if isinstance(pair_w, str) else [])
    raw = raw_pair_reader(ds, raw_names, keep) if RAW_READ and not lazy else None
    lam_global, lam_method = _choose_lambda(engine, sub, pair_w, options, progress, raw)
    progress.log(
        f"Inversion: {d1.size} pairs, {edges.size - 1} steps of {interval_days:g} days, "
        f"{sub.sizes['y']} x {sub.sizes['x']} pixels on {engine.device} ({engine.solver_name})."
    )
    if lazy:  # dask supplies the parallelism: one worker per block, no nested thread pool
        lazy_engine = Engine(d1, d2, edges, dataclasses.replace(options, workers=1))
        arrays = _invert_lazy(xr, lazy_engine, sub, pair_w, lam_global)
    else:
        arrays = _invert_in_process(engine, sub, pair_w, lam_global, progress, raw)
    attrs = {
        "interval_days": float(interval_days),
        "lambda": float(lam_global) if lam_global is not None else "per pixel (cross-validation)",
        "lambda_method": lam_method,
        "derivative": int(derivative),
        "weighting": weighting,
        "robust": int(bool(robust)),
        "filters": json.dumps(filters),
        "device": str(engine.device),
        "solver": engine.solver_name,
        "max_gap_days": float(max_gap_days),
        "min_pairs": int(min_pairs),
        "n_pairs_selected": int(d1.size),
    }
    return _build_output(xr, ds, sub, edges, centres, arrays, attrs)


def select_pairs(ds, satellites=None, start_date=None, end_date=None, min_dt_days=None, max_dt_days=None):
    """Indices of the pairs passing the filters, and their dates (days since 1970-01-01)."""
    d1, d2 = pair_dates_days(ds)
    keep = np.isfinite(d1) & np.isfinite(d2) & (d2 > d1)
    if start_date is not None:
        keep &= d1 >= _date_days(start_date)
    if end_date is not None:
        keep &= d2 <= _date_days(end_date)
    pair_filter = PairFilter.create(
        satellites=_as_list(satellites) if satellites else None,
        min_interval_days=min_dt_days,
        max_interval_days=max_dt_days,
    )
    columns = {n: ds[n].values for n in pair_filter.needed_vars() if n in ds.variables}
    columns["date_dt"] = d2 - d1  # from the acquisition dates (date_dt may be missing in older files)
    keep &= pair_filter.mask(columns, d1.size)
    idx = np.flatnonzero(keep)
    if idx.size == 0:
        raise InputError(
            "No image pair is left after the filters (satellites, dates, date_dt bounds): widen them."
        )
    return idx, d1[idx], d2[idx]


def write_netcdf(ds, path) -> Path:
    """Write ``ds`` to ``path`` (CF NetCDF-4, zlib :data:`ZLIB_LEVEL`) atomically: temporary name, rename.

    Computes dask-backed (lazy) datasets while writing. Returns the final path.
    """
    path = Path(path)
    if path.suffix.lower() not in (".nc", ".nc4", ".netcdf"):
        raise InputError(f"OUTPUT must be a NetCDF file (.nc), got {path.name}.")
    encoding = {}
    for name, var in ds.variables.items():
        if var.ndim >= 2 and np.issubdtype(var.dtype, np.floating) and name != "time_bnds":
            encoding[name] = {
                "zlib": True,
                "complevel": ZLIB_LEVEL,
                "shuffle": True,
                "_FillValue": np.float32(np.nan),
            }
        elif var.ndim >= 2 and name != "time_bnds":
            encoding[name] = {"zlib": True, "complevel": ZLIB_LEVEL, "shuffle": True}
    encoding = cf.encoding(ds, False, encoding)  # CF time (days since 1970-01-01), no fill on coordinates
    with atomic_output(path) as tmp:
        ds.to_netcdf(tmp, engine="netcdf4", encoding=encoding)
        xr = require_xarray()
        with xr.open_dataset(tmp, engine="netcdf4") as written:  # lazy inputs are computed only once
            _check_result(written)
    return path


#: the last day datetime64[ns] can hold (2262-04-11), in days since 1970-01-01
_LAST_NS_DAY = 106_751.0


def _check_time_axis(edges_days, interval_days) -> None:
    """InputError (naming INTERVAL_DAYS) when the time grid cannot be written as dates."""
    edges = np.asarray(edges_days, dtype="float64")
    if not np.isfinite(edges).all() or edges[-1] > _LAST_NS_DAY or edges[0] < -_LAST_NS_DAY:
        raise InputError(
            f"INTERVAL_DAYS ({interval_days:g}) makes the time axis end after the year 2262, which "
            "cannot be written as dates: choose a time step of at most a few thousand days."
        )


def _any_finite(var) -> bool:
    """True when ``var`` holds a finite value (read one step at a time)."""
    if var.ndim >= 3:
        return any(bool(np.isfinite(np.asarray(var[i].values)).any()) for i in range(var.shape[0]))
    return bool(np.isfinite(np.asarray(var.values)).any())


def _check_result(ds) -> None:
    """DataError when the time axis holds invalid dates or no velocity is valid (nothing is written)."""
    for name in ("time", "time_bnds"):
        if name in ds.variables:
            values = np.asarray(ds[name].values)
            bad = np.isnat(values) if values.dtype.kind == "M" else ~np.isfinite(values.astype("float64"))
            if bad.any():
                raise DataError(
                    f"The result's {name} holds invalid dates, so nothing was written: choose a smaller "
                    "INTERVAL_DAYS or check the pairs' acquisition dates."
                )
    names = [n for n in ("vx", "vy", "v") if n in ds.data_vars]
    if names and not any(_any_finite(ds[n]) for n in names):
        raise DataError(
            "No step of any pixel has a velocity (every value is NaN), so nothing was written: the pairs "
            "left after the filters inform no step. Widen START_DATE/END_DATE, SATELLITES or the extent."
        )


# --- helpers: lambda, weights, the two execution paths ---------------------------------------


def _pair_weights(sub, weighting):
    """Per-pair weights (2, K) for vx, vy; or ('v_error', None) for per-pixel v_error; or None."""
    if weighting == "none":
        return None
    if "vx_error" in sub and "vy_error" in sub and sub["vx_error"].dims == (PAIR_DIM,):
        sig = np.stack([sub["vx_error"].values, sub["vy_error"].values]).astype("float64")
    elif "v_error" in sub:
        if sub["v_error"].dims == (PAIR_DIM,):
            sig = np.repeat(sub["v_error"].values.astype("float64")[None], 2, axis=0)
        else:
            return "v_error"
    else:
        raise DataError("WEIGHTING 'errors' needs vx_error/vy_error or v_error in the dataset.")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(sig) & (sig > 0) & (sig < 32000), 1.0 / sig**2, 0.0)


def _tile_arrays(sub, pair_w, ys, xs, raw=None):
    """values (2, P, K) float64 and weights for one (y, x) tile (``raw``: read with zarr directly)."""
    tile = sub.isel(y=ys, x=xs)

    def values(name):
        if raw is None:
            return tile[name].values
        out = np.empty(tile[name].shape, dtype=tile[name].dtype)  # the dtype xarray decodes to
        raw.read_into(name, ys, xs, out)
        return out

    vals = np.stack([_pixels_last(values(n)) for n in ("vx", "vy")])
    weights = None
    if isinstance(pair_w, str):
        err = _pixels_last(values(pair_w))
        with np.errstate(divide="ignore", invalid="ignore"):
            weights = np.where(np.isfinite(err) & (err > 0) & (err < 32000), 1.0 / err**2, 0.0)
    elif pair_w is not None:
        weights = np.broadcast_to(pair_w[:, None, :], vals.shape)
    return vals, weights


def _pixels_last(a):
    """(K, ny, nx) -> (ny*nx, K) float64 with the int16 fill value as NaN."""
    arr = np.asarray(a, dtype="float64")
    arr = np.where(arr <= FILL_INT16, np.nan, arr)
    return np.ascontiguousarray(arr.reshape(arr.shape[0], -1).T)


def _choose_lambda(engine, sub, pair_w, options, progress, raw=None):
    if options.lam > 0:
        return float(options.lam), "fixed"
    if options.lam_mode == "per_pixel":
        return None, "cv-per-pixel"
    ys, xs = _central_tile(sub, LAMBDA_TILE_PIXELS)
    vals, weights = _tile_arrays(sub, pair_w, ys, xs, raw)
    base_w = engine.base_weights(vals, weights)
    good = np.flatnonzero((base_w[0] > 0).sum(axis=1) >= options.min_pairs)
    if good.size == 0:
        progress.log("Inversion: no pixel with enough pairs in the central tile; lambda = 1.")
        return 1.0, "cv-global"
    pick = lambda_sample(good)
    return engine.choose_global_lambda(vals[:, pick], base_w[:, pick], progress), "cv-global"


def _central_tile(sub, n_pixels):
    ny, nx = sub.sizes["y"], sub.sizes["x"]
    side = max(1, int(np.sqrt(n_pixels)))
    hy, hx = min(ny, side), min(nx, max(1, n_pixels // max(1, min(ny, side))))
    y0, x0 = (ny - hy) // 2, (nx - hx) // 2
    return slice(y0, y0 + hy), slice(x0, x0 + hx)


def _invert_in_process(engine, sub, pair_w, lam_global, progress, raw=None):
    ny, nx = sub.sizes["y"], sub.sizes["x"]
    t = engine.n_steps
    out = {name: np.full((t, ny, nx), np.nan, dtype="float32") for name in OUTPUT_VARS if name != "count"}
    out["count"] = np.zeros((t, ny, nx), dtype="int32")
    n_pairs = sub.sizes[PAIR_DIM]
    columns = engine.columns_apply(lam_global)
    per_cell = 12 if columns else 24  # bytes per pair and pixel held for a tile
    tile_pixels = int(np.clip(TILE_BYTES // (per_cell * n_pairs), engine.batch_size(n_pairs), 4096))
    tiles = list(_tiles(sub, tile_pixels))
    reader = _ColumnReader(sub, pair_w, tiles, raw) if columns else None
    try:
        for i, (ys, xs) in enumerate(tiles):
            check_cancelled(progress)
            sp = SubProgress(progress, i / len(tiles), (i + 1) / len(tiles))
            if reader is not None:  # the chunk columns as read, pixels last (see inversion.columns)
                res = engine.run_compacted(reader.read(i), progress=sp, lam_global=lam_global)
            else:
                vals, weights = _tile_arrays(sub, pair_w, ys, xs, raw)
                res = engine.run(vals, weights, progress=sp, lam_global=lam_global)
            shape = (t, ys.stop - ys.start, xs.stop - xs.start)
            for name, arr in _outputs(res).items():
                out[name][:, ys, xs] = arr.T.reshape(shape)
    finally:
        if reader is not None:
            reader.close()
    if reader is not None:
        engine.add_time("read", reader.seconds)
        engine.add_time("layout", reader.layout)
        engine.add_time("read_wait", reader.waited)
        tm = engine.timings
        progress.log(
            f"Inversion: {int(tm.get('pixels', 0))} pixels solved with {int(tm.get('factorisations', 0))} "
            f"factorisations (pixels with the same pairs and weights share one); read {tm['read']:.2f} s "
            f"(ahead of the solve; {tm['read_wait']:.2f} s waited), layout {tm.get('layout', 0.0):.2f} s "
            "(ahead too), "
            f"solve {tm.get('solve', 0.0):.2f} s."
        )
        record_split(progress, tm)
    return out


class _ColumnReader:
    """``read(i)`` -> tile ``i``'s usable pairs per pixel (:class:`~.columns.Compacted`).

    Tile ``i + 1`` is read and compacted in a background thread while tile ``i`` is solved
    (decompression, compaction and the solve overlap: the codecs and the kernels release the
    GIL; on the tiled real block the main thread compacting between solves left a core idle:
    1.43 s in process, see bench/bench_inversion.py). With ``raw`` (an
    :class:`~itslive_qgis.core.io.raw_pairs.RawPairReader` of the same pairs) the chunk columns
    come from zarr directly, without a dask graph per tile. When the variables are integers
    whose only CF coding is one shared fill value (ITS_LIVE's int16 and -32767), the columns go
    to the compaction as stored: it gathers the pairs (sorted, filtered) and drops the fills
    itself, with no float copy of the tile first (``columns.compact_columns(rows=, fills=)``;
    on the tiled real block in process 1.14 s -> 1.00 s, 1.88 -> 1.54 s of CPU, the same
    result bit for bit). Otherwise they are decoded as xarray decodes them first.
    """

    def __init__(self, sub, pair_w, tiles, raw=None):
        from concurrent.futures import ThreadPoolExecutor

        self.sub, self.pair_w, self.tiles, self.raw = sub, pair_w, tiles, raw
        self.names = ["vx", "vy"] + ([pair_w] if isinstance(pair_w, str) else [])
        if pair_w is not None and not isinstance(pair_w, str) and np.array_equal(pair_w[0], pair_w[1]):
            self.pair_w = pair_w[:1]  # equal errors: vx and vy share the factorisation
        self.seconds = self.waited = self.layout = 0.0
        self.pool = ThreadPoolExecutor(max_workers=1)
        # the raw reads of the second and third variables (see _load_tile); xarray's read has its own
        self.side = ThreadPoolExecutor(max_workers=len(self.names) - 1) if raw is not None else None
        self.fills = self._stored_fills()
        self.pending = {0: self.pool.submit(self._load, 0)} if tiles else {}

    def _load(self, i):
        from .columns import compact_columns

        start = time.perf_counter()
        try:
            vals, weights, kind, gather = self._load_tile(i)
        finally:
            self.seconds += time.perf_counter() - start
        start = time.perf_counter()
        try:
            return compact_columns(vals, weights, kind, FILL_INT16, **gather)
        finally:
            self.layout += time.perf_counter() - start

    def _stored_fills(self):
        """The fill values when the tiles can be compacted from the chunk columns as stored (the raw
        read of integer variables whose only CF coding is one shared fill; vx and vy of one dtype),
        else None (decoded to float first)."""
        if self.raw is None or self.raw.arrays["vx"].dtype != self.raw.arrays["vy"].dtype:
            return None
        return self.raw.stored_fills(self.names)

    def _load_tile(self, i):
        """Tile ``i``'s values, weights, weight kind and the gather arguments of ``compact_columns``."""
        from .columns import PER_PAIR, PER_PIXEL_ERRORS, UNIT

        ys, xs = self.tiles[i]
        if self.fills is not None:  # as stored: compact_columns gathers the pairs and drops the fills
            vals, err = self._read_stored(ys, xs)
            gather = {"rows": self.raw.positions, "fills": self.fills}
            if err is not None:
                return vals, err, PER_PIXEL_ERRORS, gather
            if self.pair_w is None:
                return vals, np.zeros((0, 1, 1)), UNIT, gather
            return vals, np.ascontiguousarray(self.pair_w[:, :, None], dtype="float64"), PER_PAIR, gather
        dtypes = [self.sub[n].dtype for n in self.names]
        k, ny, nx = self.sub.sizes[PAIR_DIM], ys.stop - ys.start, xs.stop - xs.start
        vals = np.empty((2, k, ny * nx), dtype=np.result_type(dtypes[0], dtypes[1], np.float32))
        targets = [vals[0], vals[1]]
        if isinstance(self.pair_w, str):
            err = np.empty((1, k, ny * nx), dtype=np.result_type(dtypes[2], np.float32))
            targets.append(err[0])
        if self.raw is not None:  # the variables side by side: one round trip to a remote store, not 2-3
            reads = [
                self.side.submit(self.raw.read_into, name, ys, xs, target.reshape(k, ny, nx))
                for name, target in zip(self.names[1:], targets[1:])
            ]
            self.raw.read_into(self.names[0], ys, xs, targets[0].reshape(k, ny, nx))
            for read in reads:
                read.result()
        else:
            tile = self.sub.isel(y=ys, x=xs)
            sources = [tile[n].transpose(PAIR_DIM, "y", "x") for n in self.names]
            _read_into(sources, [t.reshape(k, ny, nx) for t in targets])
        if isinstance(self.pair_w, str):
            return vals, err, PER_PIXEL_ERRORS, {}
        if self.pair_w is None:
            return vals, np.zeros((0, 1, 1)), UNIT, {}
        return vals, np.ascontiguousarray(self.pair_w[:, :, None], dtype="float64"), PER_PAIR, {}

    def _read_stored(self, ys, xs):
        """The tile's chunk columns as stored: vx and vy (2, R, P), the errors (1, R, P) or None."""
        ny, nx = ys.stop - ys.start, xs.stop - xs.start
        arrays = self.raw.arrays
        r = self.raw.n_stored("vx")
        vals = np.empty((2, r, ny, nx), dtype=arrays["vx"].dtype)
        targets = [vals[0], vals[1]]
        err = None
        if isinstance(self.pair_w, str):
            err = np.empty((1, r, ny, nx), dtype=arrays[self.pair_w].dtype)
            targets.append(err[0])
        reads = [
            self.side.submit(self.raw.read_stored, name, ys, xs, target)
            for name, target in zip(self.names[1:], targets[1:])
        ]
        self.raw.read_stored(self.names[0], ys, xs, targets[0])
        for read in reads:
            read.result()
        return vals.reshape(2, r, ny * nx), None if err is None else err.reshape(1, r, ny * nx)

    def read(self, i):
        """Tile ``i`` (read ahead: the next one starts loading now)."""
        if i + 1 < len(self.tiles):
            self.pending[i + 1] = self.pool.submit(self._load, i + 1)
        start = time.perf_counter()
        try:
            return self.pending.pop(i).result()
        finally:
            self.waited += time.perf_counter() - start

    def close(self):
        """Stop reading ahead."""
        for fut in self.pending.values():
            fut.cancel()
        self.pool.shutdown(wait=True)
        if self.side is not None:
            self.side.shutdown(wait=True)


def _read_into(sources, targets):
    """The values of the DataArrays ``sources`` into the arrays ``targets`` (views, same shapes).

    Dask-backed sources are stored chunk by chunk straight into their targets
    (:func:`dask.array.store`): no concatenated copy of the tile and no second copy into the
    kernels' layout. On the tiled real block (4 tiles of 40 x 10 px, vx and vy, 47,892 pairs) this
    took 1.06-1.09 s of CPU against 1.7-2.6 s for ``.values`` and a copy (load average 9-14).
    """
    lazy = [s.chunks is not None for s in sources]
    if all(lazy):
        import dask.array as da

        da.store([s.data for s in sources], targets, lock=False)
        return
    for source, target in zip(sources, targets):
        target[...] = source.values


def _tiles(sub, n_pixels):
    """(y, x) slices covering the grid, aligned with the dask chunks when there are any."""
    ny, nx = sub.sizes["y"], sub.sizes["x"]
    chunks = sub["vx"].chunks
    if chunks is not None:
        cy, cx = chunks[1][0], chunks[2][0]
    else:
        side = max(1, int(np.sqrt(n_pixels)))
        cy, cx = side, side
    rows = max(1, n_pixels // max(1, cx * cy)) * cy if chunks is not None else cy
    for y0 in range(0, ny, rows):
        for x0 in range(0, nx, cx):
            yield slice(y0, min(ny, y0 + rows)), slice(x0, min(nx, x0 + cx))


def _outputs(res):
    vx, vy = res["velocity"][0], res["velocity"][1]
    sx, sy = res["sigma"][0], res["sigma"][1]
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.hypot(vx, vy)
        sv = np.where(v > 0, np.sqrt((vx * sx) ** 2 + (vy * sy) ** 2) / v, np.sqrt(0.5 * (sx**2 + sy**2)))
    return {"vx": vx, "vy": vy, "v": v, "count": res["count"], "vx_sigma": sx, "vy_sigma": sy, "v_sigma": sv}


def _invert_lazy(xr, engine, sub, pair_w, lam_global):
    names = ["vx", "vy"] + (["v_error"] if isinstance(pair_w, str) else [])
    inputs = [sub[n].chunk({PAIR_DIM: -1}) for n in names]
    t = engine.n_steps
    results = xr.apply_ufunc(
        _block_ufunc,
        *inputs,
        input_core_dims=[[PAIR_DIM]] * len(inputs),
        output_core_dims=[["time"]] * len(OUTPUT_VARS),
        dask="parallelized",
        output_dtypes=[np.int32 if n == "count" else np.float32 for n in OUTPUT_VARS],
        dask_gufunc_kwargs={"output_sizes": {"time": t}},
        kwargs={"engine": engine, "pair_w": pair_w, "lam_global": lam_global},
    )
    return {name: arr.transpose("time", "y", "x").data for name, arr in zip(OUTPUT_VARS, results)}


def _block_ufunc(vx, vy, *err, engine, pair_w, lam_global):
    """One (y, x) block, pair axis last: (..., K) arrays -> 7 outputs (..., T)."""
    shape = vx.shape[:-1]
    vals = np.stack([vx.reshape(-1, vx.shape[-1]), vy.reshape(-1, vy.shape[-1])]).astype("float64")
    vals = np.where(vals <= FILL_INT16, np.nan, vals)
    weights = None
    if err:
        e = np.asarray(err[0], dtype="float64").reshape(-1, vx.shape[-1])
        with np.errstate(divide="ignore", invalid="ignore"):
            weights = np.where(np.isfinite(e) & (e > 0) & (e < 32000), 1.0 / e**2, 0.0)
    elif pair_w is not None:
        weights = np.broadcast_to(pair_w[:, None, :], vals.shape)
    res = engine.run(vals, weights, lam_global=lam_global)
    outs = _outputs(res)
    return tuple(
        outs[n].reshape(shape + (engine.n_steps,)).astype("int32" if n == "count" else "float32")
        for n in OUTPUT_VARS
    )


def _build_output(xr, ds, sub, edges, centres, arrays, attrs):
    time = EPOCH + np.round(centres * NS_PER_DAY).astype("int64").astype("timedelta64[ns]")
    bnds = EPOCH + np.round(np.stack([edges[:-1], edges[1:]], axis=1) * NS_PER_DAY).astype("int64").astype(
        "timedelta64[ns]"
    )
    coords = {
        "time": ("time", time, {"standard_name": "time", "long_name": "centre of the time step", "axis": "T",
                                "bounds": "time_bnds"}),
        "y": ("y", ds["y"].values, _coord_attrs(ds, "y")),
        "x": ("x", ds["x"].values, _coord_attrs(ds, "x")),
    }  # fmt: skip
    data_vars = {"time_bnds": (("time", "nv"), bnds)}
    has_mapping = "mapping" in ds.variables
    for name in OUTPUT_VARS:
        var_attrs = {"long_name": LONG_NAMES[name]}
        if name != "count":
            var_attrs["units"] = "m/yr"
        else:
            var_attrs["units"] = "1"
        if has_mapping:
            var_attrs["grid_mapping"] = "mapping"
        data_vars[name] = (("time", "y", "x"), arrays[name], var_attrs)
    out = xr.Dataset(data_vars, coords=coords)
    if has_mapping:
        out["mapping"] = xr.DataArray(np.int32(0), attrs=_mapping_attrs(ds))
    out.attrs.update(
        {
            "Conventions": "CF-1.8",
            "title": "ITS_LIVE ice velocity time series on a regular time grid (temporal inversion)",
            "source": "ITS_LIVE image-pair velocities (NASA MEaSUREs ITS_LIVE), inverted by itslive_qgis",
            "references": "Gardner et al., ITS_LIVE global glacier velocity data in near real time, "
            "doi:10.5194/egusphere-2025-392",
        }
    )
    for key in ("projection", "institution"):
        if key in ds.attrs:
            out.attrs[f"input_{key}"] = ds.attrs[key]
    if "y_order" in ds.attrs:
        out.attrs["y_order"] = ds.attrs["y_order"]
    out.attrs.update(attrs)
    if "history" in ds.attrs:
        out.attrs["history"] = ds.attrs["history"]
    return cf.finalize(out, "itslive:invert", attrs, _sources_of(ds))


def _mapping_attrs(ds) -> dict:
    """The output's grid mapping, written from the input's CRS by io.cf (its attributes if unreadable)."""
    from ..geo import crs_from_dataset

    try:
        return cf.grid_mapping_attrs(crs_from_dataset(ds), ds["x"].values, ds["y"].values)
    except (InputError, DataError):
        return dict(ds["mapping"].attrs)


def _sources_of(ds) -> list[str]:
    """URLs (or paths) the input came from: its own ``source_urls`` / ``source_cubes`` (JSON lists)."""
    for key in ("source_urls", "source_cubes"):
        try:
            value = json.loads(ds.attrs.get(key, "[]"))
        except (TypeError, ValueError):
            continue
        if value:
            return [str(v) for v in value]
    source = ds.encoding.get("source")
    return [str(source)] if source else []


def _coord_attrs(ds, name):
    attrs = {k: v for k, v in ds[name].attrs.items() if k in ("standard_name", "long_name", "units", "axis")}
    attrs.setdefault("standard_name", f"projection_{name}_coordinate")
    attrs.setdefault("units", "m")
    return attrs


def _filter_description(satellites, start_date, end_date, min_dt_days, max_dt_days) -> dict:
    return {
        "satellites": _as_list(satellites) if satellites else None,
        "start_date": None if start_date is None else str(np.datetime64(_date_days_to_str(start_date))),
        "end_date": None if end_date is None else str(np.datetime64(_date_days_to_str(end_date))),
        "min_dt_days": None if min_dt_days is None else float(min_dt_days),
        "max_dt_days": None if max_dt_days is None else float(max_dt_days),
    }


def _as_list(satellites) -> list[str]:
    if isinstance(satellites, str):
        items = satellites.replace(";", ",").split(",")
    else:
        items = list(satellites)
    out = [str(s).strip() for s in items if str(s).strip()]
    if not out:
        raise InputError("SATELLITES is empty: give satellite codes such as 8,9,2A,2B or leave it unset.")
    return out


def _date_days(value) -> float:
    """A date (ISO string, datetime64, or float days since 1970-01-01) as float days."""
    if isinstance(value, (int, float, np.floating, np.integer)):
        return float(value)
    try:
        return float(
            to_days(np.array([np.datetime64(str(value) if not isinstance(value, np.datetime64) else value)]))[
                0
            ]
        )
    except ValueError as exc:
        raise InputError(f"Cannot read the date {value!r}: use YYYY-MM-DD.") from exc


def _date_days_to_str(value):
    days = _date_days(value)
    return EPOCH + np.int64(round(days * NS_PER_DAY)).astype("timedelta64[ns]")
