"""Open ITS_LIVE datacubes and clean their pair axis.

Every reader of pair velocities (subset download, inversion, point time series)
goes through :func:`clean_pairs`, which fixes what the raw cubes leave to users:

* integer velocities carry ``missing_value = -32767``: decoded to NaN (float32);
* ``mid_date`` is appended in processing batches, so it is unsorted and has
  duplicates: pairs are sorted by mid_date with a *stable* sort (duplicates kept,
  in their on-disk order);
* a few pairs have ``acquisition_date_img1`` after ``acquisition_date_img2``: the
  two dates, and every other ``*_img1``/``*_img2`` pair of variables, are swapped;
* ``date_dt`` is kept as float days (never a timedelta), recomputed from the
  acquisition dates where it is missing.

y coordinates stay descending, as on disk; ``attrs['y_order'] = 'descending'``
records it.
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError, InputError, ItsLiveError, MissingDependencyError
from ..io import StoreConfig, is_remote
from ..io.cf import pairs_from_disk

FILL_INT16 = -32767
PAIR_DIM = "mid_date"
#: 3-D velocity family in cubes (mid_date, y, x)
VELOCITY_VARS = ("v", "vx", "vy", "v_error", "va", "vr")
#: Variables a subset carries by default besides the velocities.
DEFAULT_PAIR_METADATA = (
    "acquisition_date_img1",
    "acquisition_date_img2",
    "date_dt",
    "satellite_img1",
    "satellite_img2",
    "mission_img1",
    "mission_img2",
    "sensor_img1",
    "sensor_img2",
    "vx_error",
    "vy_error",
    "roi_valid_percentage",
    "granule_url",
)
DEFAULT_VARIABLES = ("v", "vx", "vy", "v_error") + DEFAULT_PAIR_METADATA
EPOCH = np.datetime64("1970-01-01T00:00:00", "ns")
NS_PER_DAY = 86400 * 10**9


def require_xarray():
    """Import xarray or raise a :class:`MissingDependencyError` saying how to install it."""
    try:
        import xarray as xr
    except ImportError as exc:
        raise MissingDependencyError(
            "xarray is not installed: pip install xarray zarr s3fs (see the plugin README)."
        ) from exc
    return xr


def open_cube(url: str, config: StoreConfig | None = None, chunks="auto-disk"):
    """Open an ITS_LIVE datacube (Zarr) lazily, without cleaning.

    Parameters
    ----------
    url : str
        ``s3://`` URL, ITS_LIVE ``http(s)://`` URL (mapped onto the configured
        endpoint) or local path of a ``.zarr`` store.
    config : StoreConfig, optional
        Endpoint settings; default :meth:`StoreConfig.from_env`.
    chunks : "auto-disk" or dict or None
        ``"auto-disk"`` keeps the on-disk chunking (one dask chunk per zarr chunk).

    Returns
    -------
    xarray.Dataset
        Variables with fill values decoded to NaN, ``date_dt`` as float days.
    """
    require_xarray()
    from ..io import open_cube_dataset

    config = config or StoreConfig.from_env()
    try:
        ds = open_cube_dataset(url, config, chunks={} if chunks == "auto-disk" else chunks)
    except ItsLiveError:
        raise
    except FileNotFoundError as exc:
        raise InputError(f"No ITS_LIVE datacube at {url}: check the path or URL.") from exc
    except (KeyError, ValueError) as exc:
        raise DataError(f"{url} is not a readable Zarr datacube: {exc}") from exc
    except ImportError as exc:
        raise MissingDependencyError(f"Reading {url} needs a package that is missing: {exc}") from exc
    except Exception as exc:
        if type(exc).__name__ in ("GroupNotFoundError", "NodeNotFoundError", "MetadataValidationError"):
            raise InputError(f"No ITS_LIVE datacube at {url}: check the path or URL ({exc}).") from exc
        raise
    if PAIR_DIM not in ds.dims:
        raise DataError(f"{url} has no '{PAIR_DIM}' dimension: it is not an ITS_LIVE image-pair datacube.")
    return ds


def to_days(values) -> np.ndarray:
    """Dates (datetime64 or float days since 1970-01-01) as float64 days since 1970-01-01."""
    arr = np.asarray(values)
    if np.issubdtype(arr.dtype, np.datetime64):
        out = (arr.astype("datetime64[ns]") - EPOCH).astype("int64").astype("float64") / NS_PER_DAY
        return np.where(np.isnat(arr), np.nan, out)
    return arr.astype("float64")


def sort_order(mid_date) -> np.ndarray:
    """Indices that sort ``mid_date`` ascending, duplicates in on-disk order (stable)."""
    return np.argsort(to_days(mid_date), kind="stable")


def clean_pairs(ds):
    """Return ``ds`` with the pair axis cleaned (see the module docstring).

    Works lazily on dask-backed datasets: only 1-D pair metadata is loaded.
    """
    if PAIR_DIM not in ds.dims:
        raise DataError(f"Dataset has no '{PAIR_DIM}' dimension.")
    order = sort_order(ds[PAIR_DIM].values)
    if not np.array_equal(order, np.arange(order.size)):
        from ..io.cube_store import reorder_source

        ds = reorder_source(ds, ds.isel({PAIR_DIM: order}), order)
    ds = _swap_reversed_pairs(ds)
    ds = _date_dt_days(ds)
    if "y" in ds.dims and ds.sizes["y"] > 1:
        yv = ds["y"].values
        ds.attrs["y_order"] = "descending" if yv[0] > yv[-1] else "ascending"
    return ds


def _swap_reversed_pairs(ds):
    if "acquisition_date_img1" not in ds or "acquisition_date_img2" not in ds:
        return ds
    d1 = to_days(ds["acquisition_date_img1"].values)
    d2 = to_days(ds["acquisition_date_img2"].values)
    swap = d1 > d2
    if not swap.any():
        return ds
    ds = ds.copy()
    names = [n for n in ds.data_vars if n.endswith("_img1") and n[:-1] + "2" in ds.data_vars]
    for n1 in names:
        n2 = n1[:-1] + "2"
        a, b = ds[n1], ds[n2]
        if a.dims != (PAIR_DIM,) or b.dims != (PAIR_DIM,):
            continue
        a_vals, b_vals = a.values, b.values
        new1 = np.where(swap, b_vals, a_vals)
        new2 = np.where(swap, a_vals, b_vals)
        ds[n1] = a.copy(data=new1.astype(a_vals.dtype))
        ds[n2] = b.copy(data=new2.astype(b_vals.dtype))
    ds.attrs["pairs_swapped"] = int(swap.sum())
    return ds


def _date_dt_days(ds):
    if "date_dt" not in ds:
        if "acquisition_date_img1" in ds and "acquisition_date_img2" in ds:
            dt = to_days(ds["acquisition_date_img2"].values) - to_days(ds["acquisition_date_img1"].values)
            ds = ds.assign(date_dt=((PAIR_DIM,), dt.astype("float32"), {"units": "days"}))
        return ds
    da = ds["date_dt"]
    vals = da.values
    if np.issubdtype(vals.dtype, np.timedelta64):
        vals = vals.astype("timedelta64[ns]").astype("int64") / NS_PER_DAY
    vals = np.asarray(vals, dtype="float64")
    if "acquisition_date_img1" in ds and "acquisition_date_img2" in ds:
        computed = to_days(ds["acquisition_date_img2"].values) - to_days(ds["acquisition_date_img1"].values)
        vals = np.where(np.isfinite(vals), np.abs(vals), computed)
    attrs = {k: v for k, v in da.attrs.items() if k != "units"}
    attrs["units"] = "days"
    return ds.assign(date_dt=((PAIR_DIM,), vals.astype("float32"), attrs))


def pair_dates_days(ds) -> tuple[np.ndarray, np.ndarray]:
    """Acquisition dates of every pair as float days since 1970-01-01 (img1 <= img2).

    Falls back to ``mid_date -/+ date_dt/2`` when acquisition dates are absent.
    """
    if "acquisition_date_img1" in ds and "acquisition_date_img2" in ds:
        d1 = to_days(ds["acquisition_date_img1"].values)
        d2 = to_days(ds["acquisition_date_img2"].values)
    elif "date_dt" in ds:
        mid = to_days(ds[PAIR_DIM].values)
        half = np.asarray(ds["date_dt"].values, dtype="float64") / 2.0
        d1, d2 = mid - half, mid + half
    else:
        raise DataError("Pairs need acquisition_date_img1/2 or date_dt to know their intervals.")
    return np.minimum(d1, d2), np.maximum(d1, d2)


def open_pairs(source: str, config: StoreConfig | None = None):
    """Open image-pair velocities from a cube (Zarr path/URL) or a subset file (.nc/.zarr), cleaned.

    Subset files written by the plugin are already clean; cleaning again is cheap and harmless.
    """
    xr = require_xarray()
    path = str(source)
    if not is_remote(path) and path.lower().endswith((".nc", ".nc4", ".netcdf")):
        try:
            ds = pairs_from_disk(xr.open_dataset(path, decode_timedelta=False, chunks={}))
        except FileNotFoundError as exc:
            raise InputError(f"No such file: {path}") from exc
        except (OSError, ValueError) as exc:
            raise DataError(f"{path} is not a readable NetCDF file: {exc}") from exc
        if PAIR_DIM not in ds.dims:
            raise DataError(
                f"{path} has no '{PAIR_DIM}' dimension: give an ITS_LIVE subset or datacube "
                "(an inversion result is already a regular time series)."
            )
    else:
        ds = open_cube(path, config)
    return clean_pairs(ds)


def select_extent(ds, xmin: float, ymin: float, xmax: float, ymax: float):
    """Cells of ``ds`` whose centres lie in the extent (the dataset's CRS, metres); y order kept.

    Raises :class:`InputError` when no cell centre falls inside.
    """
    xs = ds["x"].values
    ys = ds["y"].values
    ix = np.flatnonzero((xs >= xmin) & (xs <= xmax))
    iy = np.flatnonzero((ys >= ymin) & (ys <= ymax))
    if ix.size == 0 or iy.size == 0:
        raise InputError(
            "The extent does not overlap the data "
            f"(data x {xs.min():.0f}..{xs.max():.0f}, y {ys.min():.0f}..{ys.max():.0f} m; "
            f"extent x {xmin:.0f}..{xmax:.0f}, y {ymin:.0f}..{ymax:.0f} m)."
        )
    return ds.isel(x=slice(ix[0], ix[-1] + 1), y=slice(iy[0], iy[-1] + 1))
