"""Per-glacier time series: the area-weighted mean and median velocity over an outline, per pair date or
per inversion step, and the fraction of the glacier observed.

Why the COMPONENTS are averaged first: a pixel's speed ``hypot(vx, vy)`` is always positive, so its
noise does not average out: on slow ice (speed comparable to the pair's error) the mean of the
pixels' speeds is biased UP by about the error (for zero true speed it is the mean of a Rayleigh
variable, 1.25 sigma). Averaging ``vx`` and ``vy`` over the glacier first lets the noise cancel and
the speed of the mean vector is unbiased to first order. The median likewise is the weighted median
of each component, then the speed. The biased figure, ``v_mean_of_speeds``, is in the table too so
the difference can be seen.

Weights: the area of each pixel inside the outline (:func:`.outline.outline_mask`, exact cell
fractions). ``observed_fraction`` = the outline's area over pixels with both components valid
divided by the outline's area inside the grid. The statistics use the observed pixels only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataError, InputError
from ..progress import check_cancelled
from .outline import outline_mask

#: values held in memory per block of time steps (pixels x steps)
BLOCK_VALUES = 20_000_000
COLUMNS = (
    "outline_id",
    "time",
    "date_start",
    "date_end",
    "area_km2",
    "observed_fraction",
    "n_pixels_observed",
    "vx_mean",
    "vy_mean",
    "v_mean",
    "vx_median",
    "vy_median",
    "v_median",
    "v_mean_of_speeds",
)


def glacier_stats(
    source,
    outlines,
    outline_crs=None,
    crs=None,
    vx_name: str = "vx",
    vy_name: str = "vy",
    min_observed_fraction: float = 0.0,
    progress=None,
):
    """Statistics of each outline over time, as a pandas DataFrame (columns :data:`COLUMNS`).

    Parameters
    ----------
    source : path or xarray.Dataset
        A cube (``mid_date``), a subset, an inversion result (``time``) or a static field, with
        ``vx``, ``vy`` in m/yr.
    outlines : list of (id, shapely polygon)
        In ``outline_crs`` (default: the grid's CRS).
    min_observed_fraction : float
        Rows (times) where less of an outline is observed are left out (0: rows with any observation).

    Returns
    -------
    pandas.DataFrame
        One row per outline and time (sorted by time); ``time`` is the pair's mid_date or the step
        centre (datetime64), ``date_start``/``date_end`` the acquisition dates of a pair (or NaT),
        velocities in m/yr, ``area_km2`` the outline's area on the grid.
    """
    import xarray as xr

    if isinstance(source, xr.Dataset):
        return _stats(source, outlines, outline_crs, crs, vx_name, vy_name, min_observed_fraction, progress)
    path = str(source)
    if not Path(path).exists():
        raise InputError(f"No velocity file at {path}: check the path.")
    try:
        ds = xr.open_zarr(path) if path.rstrip("/").endswith(".zarr") else xr.open_dataset(path)
    except (OSError, ValueError) as exc:
        raise DataError(f"{path} is not a readable NetCDF/Zarr velocity file: {exc}") from exc
    with ds:
        return _stats(ds, outlines, outline_crs, crs, vx_name, vy_name, min_observed_fraction, progress)


def write_stats_csv(frame, path) -> Path:
    """Write :func:`glacier_stats` to CSV (ISO dates), atomically."""
    from ..io import atomic_output, check_output

    path = check_output(path, "OUTPUT", suffixes=(".csv",))
    with atomic_output(path, "OUTPUT", suffixes=(".csv",)) as tmp:
        frame.to_csv(tmp, index=False, date_format="%Y-%m-%dT%H:%M:%S")
    return path


def weighted_median(values, weights, axis=-1):
    """Weighted median along ``axis`` (NaN values and zero weights ignored; NaN where none is left).

    The lower weighted median: the smallest value whose cumulative weight reaches half the total.
    """
    v = np.moveaxis(np.asarray(values, "float64"), axis, -1)
    w = np.broadcast_to(np.moveaxis(np.asarray(weights, "float64"), axis, -1), v.shape)
    w = np.where(np.isfinite(v), w, 0.0)
    order = np.argsort(np.where(w > 0, v, np.inf), axis=-1)
    vs, ws = np.take_along_axis(v, order, -1), np.take_along_axis(w, order, -1)
    cum = np.cumsum(ws, axis=-1)
    total = cum[..., -1:]
    idx = np.minimum(np.argmax(cum >= 0.5 * total, axis=-1), v.shape[-1] - 1)
    out = np.take_along_axis(vs, idx[..., None], -1)[..., 0]
    return np.where(total[..., 0] > 0, out, np.nan)


def _stats(ds, outlines, outline_crs, crs, vx_name, vy_name, min_observed, progress):
    import pandas as pd

    from ..cube import to_days
    from ..geo import crs_from_dataset

    for name in (vx_name, vy_name):
        if name not in ds.variables:
            raise InputError(f"The velocity dataset has no variable '{name}' (found {sorted(ds.data_vars)}).")
    if not outlines:
        raise InputError("No outline given: choose a polygon layer (OUTLINE).")
    grid_crs = crs_from_dataset(ds, crs)
    lead = [d for d in ds[vx_name].dims if d not in ("x", "y")]
    if len(lead) > 1:
        raise InputError(f"'{vx_name}' must have dims (y, x) or (time, y, x); it has {ds[vx_name].dims}.")
    times, starts, ends, order = _time_axis(ds, lead[0] if lead else None, to_days)
    frames = []
    for k, (outline_id, geometry) in enumerate(outlines):
        check_cancelled(progress)
        mask = outline_mask(geometry, ds["x"].values, ds["y"].values, grid_crs, outline_crs or grid_crs)
        if not mask.inside.any():
            raise InputError(
                f"Outline {outline_id} does not overlap the velocity grid: check its CRS and position."
            )
        rows, cols = mask.window()
        weight = mask.fraction[rows, cols]
        vx = ds[vx_name].isel(x=cols, y=rows)
        vy = ds[vy_name].isel(x=cols, y=rows)
        if lead:
            vx, vy = vx.transpose(lead[0], "y", "x"), vy.transpose(lead[0], "y", "x")
        table = _outline_table(vx, vy, weight, order, bool(lead))
        table.insert(0, "outline_id", str(outline_id))
        table.insert(1, "time", times)
        table.insert(2, "date_start", starts)
        table.insert(3, "date_end", ends)
        table.insert(4, "area_km2", mask.area_m2 / 1e6)
        keep = (
            table["observed_fraction"] > min_observed
            if min_observed <= 0
            else (table["observed_fraction"] >= min_observed)
        )
        frames.append(table[keep])
        if progress is not None:
            progress.report((k + 1) / len(outlines))
    frame = pd.concat(frames, ignore_index=True)
    if frame.empty:
        raise DataError(
            "No outline is observed at any time (every pixel inside is missing): check the outlines "
            "and the velocity file, or lower the observed-fraction threshold."
        )
    return frame[list(COLUMNS)]


def _time_axis(ds, lead, to_days):
    """(times, starts, ends, order) of the lead axis sorted ascending (stable); one NaT row if static."""
    nat = np.array(["NaT"], dtype="datetime64[ns]")
    if lead is None:
        return nat, nat, nat, None
    n = ds.sizes[lead]
    values = ds[lead].values if lead in ds.coords else np.arange(n)
    days = to_days(values) if np.issubdtype(np.asarray(values).dtype, np.datetime64) else values.astype(float)
    order = np.argsort(days, kind="stable")
    times = np.asarray(values)[order]
    starts = ends = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    names = ("acquisition_date_img1", "acquisition_date_img2")
    if all(name in ds.variables and ds[name].dims == (lead,) for name in names):
        a = np.asarray(ds[names[0]].values).astype("datetime64[ns]")[order]
        b = np.asarray(ds[names[1]].values).astype("datetime64[ns]")[order]
        starts, ends = np.minimum(a, b), np.maximum(a, b)  # reversed pairs (img2 before img1) exist
    return times, starts, ends, order


def _outline_table(vx_da, vy_da, weight, order, has_time):
    import pandas as pd

    if not has_time:
        parts = [_block_stats(vx_da.values[None], vy_da.values[None], weight)]
    else:
        n = vx_da.shape[0]
        block = max(1, BLOCK_VALUES // max(1, weight.size))
        parts = []
        for start in range(0, n, block):
            idx = order[start : start + block]
            sel = np.sort(idx)  # read in storage order, then put back in time order
            back = np.argsort(np.argsort(idx))
            vx = np.asarray(vx_da.isel({vx_da.dims[0]: sel}).values, "float64")
            vy = np.asarray(vy_da.isel({vy_da.dims[0]: sel}).values, "float64")
            parts.append(_block_stats(vx[back], vy[back], weight))
    return pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})


def _block_stats(vx, vy, weight) -> dict:
    t = vx.shape[0]
    vx, vy = vx.reshape(t, -1), vy.reshape(t, -1)
    w = weight.reshape(-1)
    valid = np.isfinite(vx) & np.isfinite(vy) & (w > 0)
    wv = np.where(valid, w, 0.0)
    total = wv.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.where(valid, vx, 0.0) @ w / total
        my = np.where(valid, vy, 0.0) @ w / total
        ms = np.where(valid, np.hypot(vx, vy), 0.0) @ w / total
    medx = weighted_median(np.where(valid, vx, np.nan), wv)
    medy = weighted_median(np.where(valid, vy, np.nan), wv)
    return {
        "observed_fraction": total / w.sum(),
        "n_pixels_observed": valid.sum(axis=1),
        "vx_mean": mx,
        "vy_mean": my,
        "v_mean": np.hypot(mx, my),
        "vx_median": medx,
        "vy_median": medy,
        "v_median": np.hypot(medx, medy),
        "v_mean_of_speeds": ms,
    }
