"""Read one pixel's pair history from a datacube, fetching only the objects it needs.

A consolidated Zarr v2 cube (all ITS_LIVE cubes) is read directly with fsspec in three
concurrent rounds: ``.zmetadata``; the x and y coordinates; then ``mid_date``, the 1-D pair
metadata and, for each 3-D variable, the chunks of the pixel's chunk column (one per
``chunk[0]`` pairs). Chunks are decoded with numcodecs and the values with xarray's CF
decoding (the same rules as :func:`itslive_qgis.core.cube.open_cube`). Cubes without
consolidated metadata fall back to a lazy xarray read of the pixel. Local subset and
inversion files are read with xarray. Public entry points are in :mod:`.timeseries`.
"""

from __future__ import annotations

import functools
import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .cube import PAIR_DIM, clean_pairs, open_cube, pair_dates_days, require_xarray, to_days
from .errors import DataError, InputError, MissingDependencyError, NetworkError
from .progress import check_cancelled
from .store import StoreConfig, is_remote, to_s3_url

if TYPE_CHECKING:
    from .timeseries import PointSeries

#: Concurrent requests per cube (the S3 client's connection pool).
MAX_CONNECTIONS = 64
_FS_CACHE: dict = {}
_FS_LOCK = threading.Lock()


@dataclass
class ArrayMeta:
    """What is needed to fetch and decode the chunks of one Zarr v2 array."""

    name: str
    shape: tuple
    chunks: tuple
    dtype: np.dtype
    fill_value: object
    order: str
    compressor: dict | None
    filters: list | None
    separator: str
    attrs: dict

    @property
    def dims(self) -> tuple:
        return tuple(self.attrs.get("_ARRAY_DIMENSIONS", ()))

    def n_chunks(self, axis: int = 0) -> int:
        return math.ceil(self.shape[axis] / self.chunks[axis]) if self.shape[axis] else 0

    def key(self, index: tuple) -> str:
        return f"{self.name}/{self.separator.join(str(i) for i in index)}"


def read_pixel_series(url: str, epsg_hint, x, y, crs, config: StoreConfig, variables, progress):
    """The PointSeries of the pixel under ``(x, y)`` (in ``crs``) of the cube at ``url``; None if outside."""
    from .timeseries import PAIR_METADATA

    fs, root = _filesystem(url, config)
    try:
        raw = fs.cat_file(f"{root}/.zmetadata")
    except FileNotFoundError:
        return _read_pixel_xarray(url, epsg_hint, x, y, crs, config, variables)
    except Exception as exc:
        raise NetworkError(
            f"Could not read {url}: {exc}. Check the network or the endpoint setting."
        ) from exc
    arrays, attrs = _parse_consolidated(raw, url)
    for name in ("x", "y", PAIR_DIM):
        if name not in arrays:
            raise DataError(f"{url} has no '{name}' array: it is not an ITS_LIVE datacube.")
    epsg = epsg_hint or _epsg_from_attrs(attrs, arrays)
    if epsg is None:
        raise DataError(f"{url} does not say its projection (no 'projection' or mapping EPSG attribute).")
    check_cancelled(progress)
    coords = _fetch_whole(fs, root, [arrays["x"], arrays["y"]], url)
    px, py = _to_crs(x, y, crs, f"EPSG:{epsg}")
    cell = _pixel(coords["x"], coords["y"], px, py)
    if cell is None:
        return None
    col, row = cell
    check_cancelled(progress)
    wanted3d = [arrays[n] for n in variables if n in arrays and arrays[n].dims == (PAIR_DIM, "y", "x")]
    if not any(m.name in ("v", "vx", "vy") for m in wanted3d):
        raise DataError(f"{url} has none of the velocity variables v, vx, vy.")
    names1d = [PAIR_DIM] + [n for n in PAIR_METADATA if n in arrays and arrays[n].dims == (PAIR_DIM,)]
    keys = {m.key((i,)): m for m in (arrays[n] for n in names1d) for i in range(m.n_chunks())}
    for m in wanted3d:
        r, c = row // m.chunks[1], col // m.chunks[2]
        keys.update({m.key((i, r, c)): m for i in range(m.n_chunks())})
    blobs = _fetch(fs, root, list(keys), url)
    requests = 1 + len(coords["_keys"]) + len(keys)
    check_cancelled(progress)
    n = arrays[PAIR_DIM].shape[0]
    data = {}
    for m in wanted3d:
        r, c = row % m.chunks[1], col % m.chunks[2]
        parts = [
            _decode(blobs[m.key((i, row // m.chunks[1], col // m.chunks[2]))], m)[:, r, c]
            for i in range(m.n_chunks())
        ]
        data[m.name] = _cf_variable(m, np.concatenate(parts)[:n])
    strings = [n1 for n1 in names1d if arrays[n1].dtype.kind in "USO"]
    for name in names1d:
        if name not in strings:
            m = arrays[name]
            data[name] = _cf_variable(m, _join(blobs, m))
    xr = require_xarray()
    ds = xr.decode_cf(xr.Dataset(data), decode_timedelta=False, decode_coords=False)
    valid = np.zeros(n, dtype=bool)
    for name in ("v", "vx", "vy"):
        if name in ds:
            valid |= np.isfinite(np.asarray(ds[name].values, dtype="float64"))
    keep = np.flatnonzero(valid)
    ds = ds.isel({PAIR_DIM: keep})
    for name in strings:  # decoded chunk by chunk: a <U1024 chunk of 20,000 pairs is 80 MB
        ds[name] = ((PAIR_DIM,), _join_selected(blobs, arrays[name], keep))
    lonlat = _to_crs(coords["x"][col], coords["y"][row], f"EPSG:{epsg}", "EPSG:4326")
    return series_from_pixel_dataset(
        ds, url, int(epsg), coords["x"][col], coords["y"][row], col, row, lonlat, requests, n_total=n
    )


def read_file_series(path: Path, x, y, crs):
    """The PointSeries of a pixel of a local subset (pairs) or inversion (regular series) file."""
    from .timeseries import PAIR_METADATA, SERIES_VARIABLES, PointSeries, RegularSeries

    xr = require_xarray()
    if not path.exists():
        raise InputError(f"{path} does not exist: choose a subset or inversion file.")
    try:
        if path.is_dir() or path.suffix == ".zarr":
            ds = xr.open_zarr(path, decode_timedelta=False, chunks=None, consolidated=None)
        else:
            ds = xr.open_dataset(path, decode_timedelta=False)
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
    from .timeseries import PointSeries  # runtime import: circular at module level

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


def _filesystem(url: str, config: StoreConfig):
    """(fsspec filesystem, root path of the store in it)."""
    try:
        import fsspec
    except ImportError as exc:
        raise MissingDependencyError("fsspec is not installed: pip install fsspec s3fs") from exc
    target = to_s3_url(url, config.bucket) if is_remote(url) else url
    if target.startswith("s3://"):
        opts = config.storage_options()
        opts["config_kwargs"] = dict(opts["config_kwargs"], max_pool_connections=MAX_CONNECTIONS)
        opts["max_concurrency"] = 1  # one GET per object (no HEAD first for a split download)
        key = json.dumps(opts, sort_keys=True, default=str)
        with _FS_LOCK:
            fs = _FS_CACHE.get(key)
            if fs is None:
                try:
                    fs = fsspec.filesystem("s3", skip_instance_cache=True, **opts)
                except ImportError as exc:
                    raise MissingDependencyError("s3fs is not installed: pip install s3fs") from exc
                _FS_CACHE[key] = fs
        return fs, target[len("s3://") :].rstrip("/")
    if target.startswith(("http://", "https://")):
        return fsspec.filesystem("http"), target.rstrip("/")
    if target.startswith("file://"):
        target = target[len("file://") :]
    return fsspec.filesystem("file"), str(Path(target)).rstrip("/")


def _fetch(fs, root: str, keys: list[str], url: str) -> dict:
    """Key -> bytes (None for a chunk the store never wrote), all requests in flight together."""
    paths = [f"{root}/{k}" for k in keys]
    if not paths:
        return {}
    try:
        got = fs.cat(paths, on_error="return")
    except Exception as exc:
        raise NetworkError(
            f"Could not read {url}: {exc}. Check the network or the endpoint setting."
        ) from exc
    if not isinstance(got, dict):  # a single path returns bytes
        got = {paths[0]: got}
    out = {}
    for key, path in zip(keys, paths):
        value = got.get(path, got.get(fs._strip_protocol(path)))
        if isinstance(value, FileNotFoundError):
            value = None
        elif isinstance(value, BaseException):
            raise NetworkError(f"Could not read {url}/{key}: {value}. Check the network or the endpoint.")
        out[key] = value
    return out


def _fetch_whole(fs, root: str, metas: list[ArrayMeta], url: str) -> dict:
    keys = {m.key((i,)): m for m in metas for i in range(m.n_chunks())}
    blobs = _fetch(fs, root, list(keys), url)
    out = {m.name: _join(blobs, m).astype("float64") for m in metas}
    out["_keys"] = list(keys)
    return out


def _parse_consolidated(raw: bytes, url: str) -> tuple[dict, dict]:
    try:
        meta = json.loads(raw)["metadata"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{url}/.zmetadata is not valid consolidated Zarr metadata: {exc}") from exc
    arrays = {}
    for key, zarray in meta.items():
        if not key.endswith("/.zarray"):
            continue
        name = key[: -len("/.zarray")]
        attrs = meta.get(f"{name}/.zattrs", {})
        try:
            dtype = np.dtype(zarray["dtype"] if not isinstance(zarray["dtype"], list) else "O")
            arrays[name] = ArrayMeta(
                name=name,
                shape=tuple(zarray["shape"]),
                chunks=tuple(zarray["chunks"]),
                dtype=dtype,
                fill_value=_fill_value(zarray.get("fill_value"), dtype),
                order=zarray.get("order", "C"),
                compressor=zarray.get("compressor"),
                filters=zarray.get("filters"),
                separator=zarray.get("dimension_separator", "."),
                attrs=attrs,
            )
        except (KeyError, TypeError) as exc:
            raise DataError(f"{url}: unreadable metadata of array '{name}': {exc}") from exc
    return arrays, meta.get(".zattrs", {})


def _fill_value(value, dtype: np.dtype):
    if value is None or dtype.kind in "USO":
        return None
    if isinstance(value, str):
        return {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}.get(value, value)
    return value


def _decode(raw: bytes | None, m: ArrayMeta) -> np.ndarray:
    """One chunk as an array of shape ``m.chunks`` (zarr v2 stores edge chunks full size)."""
    if raw is None:
        fill = m.fill_value if m.fill_value is not None else ("" if m.dtype.kind in "USO" else 0)
        return np.full(m.chunks, fill, dtype=m.dtype)
    import numcodecs

    buf = raw
    if m.compressor:
        buf = numcodecs.get_codec(m.compressor).decode(buf)
    for spec in reversed(m.filters or []):
        buf = numcodecs.get_codec(spec).decode(buf)
    if isinstance(buf, np.ndarray) and buf.dtype == object:
        arr = buf
    else:
        arr = np.frombuffer(buf, dtype=m.dtype)
    return arr.reshape(m.chunks, order=m.order)


def _join(blobs: dict, m: ArrayMeta) -> np.ndarray:
    parts = [_decode(blobs[m.key((i,))], m) for i in range(m.n_chunks())]
    return np.concatenate(parts)[: m.shape[0]] if parts else np.zeros(0, dtype=m.dtype)


def _join_selected(blobs: dict, m: ArrayMeta, index: np.ndarray) -> np.ndarray:
    """Entries ``index`` (sorted) of a string array, decoded chunk by chunk, as compact ``<U`` strings."""
    parts = []
    step = m.chunks[0]
    for i in range(m.n_chunks()):
        sel = index[(index >= i * step) & (index < (i + 1) * step)] - i * step
        if sel.size:
            parts.append(_compact_strings(_decode(blobs[m.key((i,))], m)[sel]))
    return np.concatenate(parts) if parts else np.zeros(0, dtype="<U1")


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


def _cf_variable(m: ArrayMeta, values: np.ndarray):
    attrs = {
        k: v for k, v in m.attrs.items() if k not in ("_ARRAY_DIMENSIONS", "coordinates", "grid_mapping")
    }
    if m.fill_value is not None and "_FillValue" not in attrs:
        attrs["_FillValue"] = m.fill_value
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
    proj = str(attrs.get("projection", "")).strip()
    if proj.isdigit():
        return int(proj)
    mapping = arrays.get("mapping")
    if mapping is not None:
        code = mapping.attrs.get("spatial_epsg")
        if code is not None:
            return int(code)
        wkt = mapping.attrs.get("crs_wkt") or mapping.attrs.get("spatial_ref")
        if wkt:
            import pyproj

            return pyproj.CRS.from_wkt(wkt).to_epsg()
    return None


def _dataset_crs(ds):
    """(EPSG code or None, CRS usable by pyproj or None) of a subset/inversion dataset."""
    for name in ("mapping", "spatial_ref", "crs"):
        if name in ds.variables:
            attrs = ds[name].attrs
            code = attrs.get("spatial_epsg")
            if code is not None:
                return int(code), f"EPSG:{int(code)}"
            wkt = attrs.get("crs_wkt") or attrs.get("spatial_ref")
            if wkt:
                import pyproj

                epsg = pyproj.CRS.from_wkt(wkt).to_epsg()
                return epsg, (f"EPSG:{epsg}" if epsg else wkt)
    for key in ("projection", "input_projection"):
        proj = str(ds.attrs.get(key, "")).strip()
        if proj.isdigit():
            return int(proj), f"EPSG:{proj}"
    return None, None


def _to_crs(x, y, src, dst) -> tuple[float, float]:
    if str(src) == str(dst):
        return float(x), float(y)
    tx, ty = _transformer(_crs_key(src), _crs_key(dst)).transform(float(x), float(y))
    return float(tx), float(ty)


def _crs_key(crs) -> str:
    return crs if isinstance(crs, str) else crs.to_wkt()


@functools.lru_cache(maxsize=32)
def _transformer(src: str, dst: str):
    try:
        import pyproj
    except ImportError as exc:
        raise MissingDependencyError("pyproj is not installed: pip install pyproj") from exc
    try:
        return pyproj.Transformer.from_crs(
            pyproj.CRS.from_user_input(src), pyproj.CRS.from_user_input(dst), always_xy=True
        )
    except pyproj.exceptions.CRSError as exc:
        raise InputError(f"Unknown CRS {src!r} or {dst!r}: {exc}") from exc


def _read_pixel_xarray(url, epsg_hint, x, y, crs, config, variables):
    """Fallback for cubes without consolidated metadata: a lazy xarray read of the pixel."""
    from .timeseries import PAIR_METADATA

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
