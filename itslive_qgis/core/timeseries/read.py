"""Read one pixel's pair history from a datacube, fetching only the objects it needs.

The cube is read with zarr-python 3 through the one store of :mod:`.zstore` (s3fs, counted
retries) in three concurrent rounds: ``.zmetadata``; the x and y coordinates; then
``mid_date``, the 1-D pair metadata and, for each 3-D variable, the chunks of the pixel's
chunk column (zarr reads only the chunks a selection touches). Values are CF-decoded by
xarray (the same rules as :func:`itslive_qgis.core.cube.pairs.open_cube`). Cubes without
consolidated metadata fall back to a lazy xarray read of the pixel. Local subset and
inversion files are read with xarray. Public entry points are in :mod:`.timeseries`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np

from ..cube import PAIR_DIM, clean_pairs, open_cube, pair_dates_days, require_xarray, to_days
from ..errors import DataError, InputError
from ..geo import crs_from_attrs, crs_from_dataset, crs_info, epsg_of, transform_xy
from ..io import FetchStats, StoreConfig, cf_attrs, dims_of, open_cube_store, run
from ..io.cf import PAIR_INDEX_DIM, pairs_from_disk
from ..progress import check_cancelled
from .model import PAIR_METADATA, SERIES_VARIABLES, PointSeries, RegularSeries


def read_pixel_series(url: str, epsg_hint, x, y, crs, config: StoreConfig, variables, progress):
    """The PointSeries of the pixel under ``(x, y)`` (in ``crs``) of the cube at ``url``; None if outside."""
    stats = FetchStats()

    def poll():
        check_cancelled(progress)

    store = run(open_cube_store(url, config, stats, cache=False, require_consolidated=False), poll=poll)
    if store.consolidated is None:
        return _read_pixel_xarray(url, epsg_hint, x, y, crs, config, variables)
    got = run(_read_pixel(store, url, epsg_hint, x, y, crs, variables), poll=poll)
    if got is None:
        return None
    ds, epsg, col, row, xm, ym, n = got
    lonlat = _to_crs(xm, ym, f"EPSG:{epsg}", "EPSG:4326")
    return series_from_pixel_dataset(
        ds, url, int(epsg), xm, ym, col, row, lonlat, stats.get_requests, n_total=n
    )


async def _read_pixel(store, url, epsg_hint, x, y, crs, variables):
    """(decoded 1-D dataset of the pixel's valid pairs, epsg, col, row, x, y, pairs) or None if outside."""
    import zarr.api.asynchronous as za

    group = await za.open_group(store=store, mode="r", zarr_format=2, use_consolidated=True)
    arrays = {name: arr async for name, arr in group.arrays()}
    for name in ("x", "y", PAIR_DIM):
        if name not in arrays:
            raise DataError(f"{url} has no '{name}' array: it is not an ITS_LIVE datacube.")
    epsg = epsg_hint or _epsg_from_attrs(dict(group.attrs), arrays)
    if epsg is None:
        raise DataError(f"{url} does not say its projection (no 'projection' or mapping EPSG attribute).")
    xs, ys = await asyncio.gather(arrays["x"].getitem(slice(None)), arrays["y"].getitem(slice(None)))
    xs, ys = np.asarray(xs, "float64"), np.asarray(ys, "float64")
    px, py = _to_crs(x, y, crs, f"EPSG:{epsg}")
    cell = _pixel(xs, ys, px, py)
    if cell is None:
        return None
    col, row = cell
    wanted3d = [n for n in variables if n in arrays and _pair_dims(arrays[n]) == (PAIR_DIM, "y", "x")]
    if not any(n in ("v", "vx", "vy") for n in wanted3d):
        raise DataError(f"{url} has none of the velocity variables v, vx, vy.")
    names1d = [PAIR_DIM] + [n for n in PAIR_METADATA if n in arrays and _pair_dims(arrays[n]) == (PAIR_DIM,)]
    strings = [n for n in names1d if np.dtype(arrays[n].dtype).kind in "USO"]
    numbers = [n for n in names1d if n not in strings]
    n = int(arrays[PAIR_DIM].shape[0])

    async def string_blocks(arr):
        step = arr.chunks[0]
        blocks = await asyncio.gather(
            *(arr.getitem(slice(i, min(i + step, n))) for i in range(0, n, step))
        )  # decoded chunk by chunk: a <U1024 chunk of 20,000 pairs is 80 MB
        return [_compact_strings(np.asarray(b)) for b in blocks]

    reads = [arrays[m].getitem((slice(None), row, col)) for m in wanted3d]
    reads += [arrays[m].getitem(slice(None)) for m in numbers]
    reads += [string_blocks(arrays[m]) for m in strings]
    values = await asyncio.gather(*reads)
    data = {}
    for name, vals in zip(wanted3d + numbers, values):
        data[name] = _cf_variable(arrays[name], np.asarray(vals)[:n])
    xr = require_xarray()
    ds = xr.decode_cf(xr.Dataset(data), decode_timedelta=False, decode_coords=False)
    valid = np.zeros(n, dtype=bool)
    for name in ("v", "vx", "vy"):
        if name in ds:
            valid |= np.isfinite(np.asarray(ds[name].values, dtype="float64"))
    keep = np.flatnonzero(valid)
    ds = ds.isel({PAIR_DIM: keep})
    for name, blocks in zip(strings, values[len(wanted3d) + len(numbers) :]):
        ds[name] = ((PAIR_DIM,), np.concatenate(blocks)[keep] if blocks else np.zeros(0, dtype="<U1"))
    return ds, epsg, col, row, float(xs[col]), float(ys[row]), n


def _pair_dims(array) -> tuple[str, ...]:
    """Dimensions of a zarr array, the CF subsets' ``pair`` index read as ``mid_date`` (core.io.cf)."""
    return tuple(PAIR_DIM if d == PAIR_INDEX_DIM else d for d in dims_of(array))


def read_file_series(path: Path, x, y, crs):
    """The PointSeries of a pixel of a local subset (pairs) or inversion (regular series) file."""

    xr = require_xarray()
    if not path.exists():
        raise InputError(f"{path} does not exist: choose a subset or inversion file.")
    try:
        if path.is_dir() or path.suffix == ".zarr":
            from ..io import open_cube_dataset

            ds = open_cube_dataset(str(path), StoreConfig.from_env(), chunks=None)
        else:
            ds = pairs_from_disk(xr.open_dataset(path, decode_timedelta=False))
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"{path} is not a readable NetCDF/Zarr file: {exc}") from exc
    with ds:
        if "x" not in ds.dims or "y" not in ds.dims:
            raise DataError(f"{path} has no x/y grid: it is not an ITS_LIVE subset or inversion file.")
        epsg, file_crs = _dataset_crs(ds)
        px, py = (x, y) if crs is None or file_crs is None else _to_crs(x, y, crs, file_crs)
        cell = _pixel(ds["x"].values, ds["y"].values, px, py)
        if cell is None:
            raise InputError(f"The point ({px:.1f}, {py:.1f}) is outside the grid of {path.name}.")
        col, row = cell
        xm, ym = float(ds["x"].values[col]), float(ds["y"].values[row])
        lonlat = _to_crs(xm, ym, file_crs, "EPSG:4326") if file_crs is not None else (np.nan, np.nan)
        if PAIR_DIM in ds.dims:
            names = [n for n in SERIES_VARIABLES + PAIR_METADATA if n in ds.variables]
            sub = ds[names].isel(x=col, y=row).load()
            return series_from_pixel_dataset(sub, str(path), epsg, xm, ym, col, row, lonlat)
        if "time" in ds.dims and ("vx" in ds or "v" in ds):
            pix = ds.isel(x=col, y=row)
            centres = to_days(pix["time"].values)
            if "time_bnds" in ds:
                bnds = to_days(pix["time_bnds"].values)
                edges = np.concatenate([bnds[:, 0], bnds[-1:, 1]])
            else:
                edges = np.concatenate([centres[:1], 0.5 * (centres[1:] + centres[:-1]), centres[-1:]])

            def get(name, dtype="float64"):
                if name not in pix:
                    return np.full(centres.size, np.nan if dtype == "float64" else 0, dtype=dtype)
                return np.asarray(pix[name].values, dtype=dtype)

            reg = RegularSeries(
                edges, centres, get("v"), get("vx"), get("vy"), get("v_sigma"), get("vx_sigma"),
                get("vy_sigma"), np.nan_to_num(get("count")).astype("int64"),
            )  # fmt: skip
            empty = np.zeros(0)
            strings = np.zeros(0, dtype=object)
            return PointSeries(
                str(path), epsg, xm, ym, col, row, float(lonlat[0]), float(lonlat[1]),
                empty, empty, empty, empty, empty, empty, empty, empty, empty, empty,
                strings, strings, strings, regular=reg,
            )  # fmt: skip
        raise DataError(f"{path} has neither a '{PAIR_DIM}' (subset) nor a 'time' (inversion) dimension.")


def series_from_pixel_dataset(
    ds, source: str, epsg, x_m, y_m, col, row, lonlat, requests=0, n_total=None
) -> PointSeries:
    """Build a PointSeries from a decoded 1-D (mid_date) dataset of one pixel: drop empty pairs, clean."""

    n_total = int(ds.sizes.get(PAIR_DIM, 0)) if n_total is None else int(n_total)
    vel = [n for n in ("v", "vx", "vy") if n in ds]
    if not vel:
        raise DataError(f"{source} has none of the velocity variables v, vx, vy.")
    valid = np.zeros(int(ds.sizes.get(PAIR_DIM, 0)), dtype=bool)
    for name in vel:
        valid |= np.isfinite(np.asarray(ds[name].values, dtype="float64"))
    ds = ds.isel({PAIR_DIM: np.flatnonzero(valid)})
    ds = clean_pairs(ds)
    k = int(ds.sizes[PAIR_DIM])
    d1, d2 = pair_dates_days(ds) if k else (np.zeros(0), np.zeros(0))

    def floats(name):
        if name not in ds:
            return np.full(k, np.nan)
        return np.asarray(ds[name].values, dtype="float64")

    def strings(name, strip=True):
        if name not in ds:
            return np.full(k, "", dtype="<U1")
        values = np.asarray(ds[name].values).astype(str)
        return np.char.strip(values) if strip else values

    dt = floats("date_dt")
    dt = np.where(np.isfinite(dt), dt, d2 - d1)
    return PointSeries(
        source=source,
        epsg=epsg,
        x_m=float(x_m),
        y_m=float(y_m),
        col=int(col),
        row=int(row),
        lon=float(lonlat[0]),
        lat=float(lonlat[1]),
        mid_date_days=to_days(ds[PAIR_DIM].values),
        d1_days=np.asarray(d1, "float64"),
        d2_days=np.asarray(d2, "float64"),
        date_dt_days=dt,
        v=floats("v"),
        vx=floats("vx"),
        vy=floats("vy"),
        v_error=floats("v_error"),
        vx_error=floats("vx_error"),
        vy_error=floats("vy_error"),
        satellite=strings("satellite_img1"),
        satellite_img2=strings("satellite_img2"),
        granule_url=strings("granule_url", strip=False),
        n_pairs_total=n_total,
        requests=int(requests),
        info={"pairs_swapped": int(ds.attrs.get("pairs_swapped", 0))},
    )


# --- helpers ------------------------------------------------------------------------------------


def _compact_strings(arr: np.ndarray) -> np.ndarray:
    """A fixed-width string array cut to its longest entry (a <U1024 URL column holds ~200 characters)."""
    if arr.dtype.kind not in "US" or arr.size == 0:
        return arr.astype(str)
    unit = np.uint32 if arr.dtype.kind == "U" else np.uint8
    codes = np.ascontiguousarray(arr).view(unit).reshape(arr.size, -1)
    used = np.flatnonzero(codes.any(axis=0))
    width = int(used[-1]) + 1 if used.size else 1
    out = np.ascontiguousarray(codes[:, :width]).view(f"{'<U' if unit is np.uint32 else 'S'}{width}").ravel()
    return out if arr.dtype.kind == "U" else out.astype(str)


def _cf_variable(array, values: np.ndarray):
    attrs = {k: v for k, v in cf_attrs(array).items() if k not in ("coordinates", "grid_mapping")}
    return ((PAIR_DIM,), values, attrs)


def _pixel(xs, ys, px: float, py: float):
    """(col, row) of the cell whose centre is nearest to (px, py); None when outside the grid."""
    xs, ys = np.asarray(xs, "float64"), np.asarray(ys, "float64")
    if xs.size == 0 or ys.size == 0 or not (np.isfinite(px) and np.isfinite(py)):
        return None
    col, row = int(np.nanargmin(np.abs(xs - px))), int(np.nanargmin(np.abs(ys - py)))
    half_x = abs(xs[1] - xs[0]) / 2 if xs.size > 1 else 60.0
    half_y = abs(ys[1] - ys[0]) / 2 if ys.size > 1 else 60.0
    if abs(xs[col] - px) > half_x * (1 + 1e-9) or abs(ys[row] - py) > half_y * (1 + 1e-9):
        return None
    return col, row


def _epsg_from_attrs(attrs: dict, arrays: dict):
    """EPSG code of a cube from its attributes (the one CRS reader), or None."""
    mapping = arrays.get("mapping")
    try:
        return epsg_of(crs_from_attrs(attrs, dict(mapping.attrs) if mapping is not None else {}))
    except DataError:
        return None


def _dataset_crs(ds):
    """(EPSG code or None, CRS usable by pyproj or None) of a subset/inversion dataset."""
    try:
        crs = crs_from_dataset(ds)
    except InputError:
        return None, None
    key, _, epsg = crs_info(crs)
    return epsg, key


def _to_crs(x, y, src, dst) -> tuple[float, float]:
    tx, ty = transform_xy(float(x), float(y), src, dst)
    return float(tx), float(ty)


def _read_pixel_xarray(url, epsg_hint, x, y, crs, config, variables):
    """Fallback for cubes without consolidated metadata: a lazy xarray read of the pixel."""

    ds = open_cube(url, config, chunks=None)
    epsg = epsg_hint
    if epsg is None:
        epsg, _ = _dataset_crs(ds)
    if epsg is None:
        raise DataError(f"{url} does not say its projection (no 'projection' or mapping EPSG attribute).")
    px, py = _to_crs(x, y, crs, f"EPSG:{epsg}")
    cell = _pixel(ds["x"].values, ds["y"].values, px, py)
    if cell is None:
        return None
    col, row = cell
    names = [n for n in tuple(variables) + PAIR_METADATA if n in ds.variables]
    sub = ds[names].isel(x=col, y=row).load()
    xm, ym = float(ds["x"].values[col]), float(ds["y"].values[row])
    lonlat = _to_crs(xm, ym, f"EPSG:{epsg}", "EPSG:4326")
    return series_from_pixel_dataset(sub, url, int(epsg), xm, ym, col, row, lonlat)
