"""Rate of surface height change dh/dt (m/yr) on a grid, from ATL06 repeat tracks or gridded products.

Three sources, one output (``dhdt``, ``dhdt_sigma`` in m/yr, ``count``):

- **ATL06 heights** (a DataFrame of :func:`atl06.read_heights`, or the point layer of
  ``itslive:icesat2heights``): in each output cell the segments of every pass are fitted by
  ``h = a + bx (x - xc) + by (y - yc) + dhdt (t - tc)`` (a plane for the surface slope, because
  repeat tracks wander by tens of metres across the slope, plus a linear trend), weighted by
  ``1 / h_li_sigma^2``, robustly: segments more than 3 scaled MADs (and 3 sigma) off are dropped
  and the fit repeated (3 rounds). ``dhdt_sigma`` is the trend's standard error from the weighted
  covariance, scaled by the reduced chi-square when the scatter exceeds the stated sigmas.
  ``count`` is the number of distinct passes (rgt and cycle) kept; a cell needs
  :data:`MIN_PASSES` passes spanning :data:`MIN_SPAN_DAYS` days, else it is NaN.
- **gridded height series** (ATL15 ``delta_h`` group: ``delta_h``, ``delta_h_sigma``, ``time`` in
  days since 2018-01-01; the ITS_LIVE Antarctic height-change cube: ``dh``, ``rmse``,
  ``quality_flag``, ``time`` in days since 1950-01-01): a weighted linear trend per cell over the
  dates in the window (``count`` = dates used), then bilinear onto the output grid;
- **ATL15 lagged rates** (``LAG`` k >= 1: group ``dhdt_lag{k}``, variables ``dhdt`` and
  ``dhdt_sigma``): the mean of the rates whose time falls in the window; its sigma is the mean
  sigma divided by sqrt(n) only for non-overlapping lags (k = 1); for k > 1 consecutive rates
  share data and the mean sigma is kept (not reduced).
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError, InputError
from ..geo import transform_xy
from ..io import is_remote
from ..progress import check_cancelled
from .grids import GridSpec, open_dataset, sample_onto, write_grid

DAYS_PER_YEAR = 365.25
MIN_PASSES = 3
MIN_SPAN_DAYS = 180.0
ROBUST_ROUNDS = 3
DHDT_VARIABLES = {
    "dhdt": ("rate of surface height change", "m/yr", None),
    "dhdt_sigma": ("1-sigma uncertainty of dhdt", "m/yr", None),
    "count": ("number of repeat passes (ICESat-2) or dates (gridded input) in the fit", "1", None),
    "dh": ("surface height change relative to the input's reference epoch", "m", None),
    "dh_sigma": ("1-sigma uncertainty of dh", "m", None),
}


def dhdt_from_points(points, grid: GridSpec, start=None, end=None, progress=None) -> dict[str, np.ndarray]:
    """dh/dt per cell of ``grid`` from ATL06 segments (see the module docstring).

    ``points``: a DataFrame with ``longitude``, ``latitude`` (degrees), ``h_li``, ``h_li_sigma``
    (m), ``time`` (UTC datetime64) and, when present, ``rgt`` and ``cycle`` (a pass is one
    rgt/cycle; without them, one distinct day).
    """
    df = points
    time = np.asarray(df["time"], "datetime64[ns]")
    keep = np.isfinite(np.asarray(df["h_li"], float))
    if start is not None:
        keep &= time >= np.datetime64(start, "ns")
    if end is not None:
        keep &= time <= np.datetime64(end, "ns") + np.timedelta64(1, "D")
    if not keep.any():
        raise InputError("No ICESat-2 height in the date window: widen START_DATE / END_DATE.")
    lon = np.asarray(df["longitude"], float)[keep]
    lat = np.asarray(df["latitude"], float)[keep]
    h = np.asarray(df["h_li"], float)[keep]
    sigma = np.asarray(df["h_li_sigma"], float)[keep]
    sigma = np.where(
        np.isfinite(sigma) & (sigma > 0), sigma, np.nanmedian(sigma[sigma > 0]) if (sigma > 0).any() else 0.1
    )
    days = (time[keep] - np.datetime64("2000-01-01", "ns")) / np.timedelta64(1, "D")
    passes = _pass_ids(df, keep, days)
    x, y = transform_xy(lon, lat, "EPSG:4326", grid.crs)
    col = np.floor((np.asarray(x) - (grid.x[0] - grid.pixel_m / 2)) / grid.pixel_m).astype(int)
    row = np.floor(((grid.y[0] + grid.pixel_m / 2) - np.asarray(y)) / grid.pixel_m).astype(int)
    inside = (col >= 0) & (col < grid.x.size) & (row >= 0) & (row < grid.y.size)
    if not inside.any():
        raise InputError("No ICESat-2 height falls on the output grid: check the EXTENT or REFERENCE_GRID.")
    cell = row[inside] * grid.x.size + col[inside]
    order = np.argsort(cell, kind="stable")
    cell = cell[order]
    cols = [np.asarray(a)[inside][order] for a in (x, y, days, h, sigma, passes)]
    out = {k: np.full(grid.shape, np.nan) for k in ("dhdt", "dhdt_sigma")}
    count = np.zeros(grid.shape, int)
    bounds = np.flatnonzero(np.diff(cell)) + 1
    starts = np.concatenate([[0], bounds])
    stops = np.concatenate([bounds, [cell.size]])
    for n, (i0, i1) in enumerate(zip(starts, stops, strict=True)):
        if n % 200 == 0:
            check_cancelled(progress)
            if progress is not None:
                progress.report(n / len(starts))
        fit = fit_cell(*(c[i0:i1] for c in cols))
        if fit is None:
            continue
        r, c = divmod(int(cell[i0]), grid.x.size)
        out["dhdt"][r, c], out["dhdt_sigma"][r, c], count[r, c] = fit
    out["count"] = count
    return out


def fit_cell(x, y, days, h, sigma, passes):
    """(dhdt m/yr, its sigma m/yr, passes kept) of one cell's segments, or None when too few."""
    keep = np.ones(h.size, bool)
    for _ in range(ROBUST_ROUNDS):
        if np.unique(passes[keep]).size < MIN_PASSES or np.ptp(days[keep]) < MIN_SPAN_DAYS:
            return None
        sol = _weighted_fit(x[keep], y[keep], days[keep], h[keep], sigma[keep])
        if sol is None:
            return None
        coef, cov, chi2_red = sol
        resid = h - _design(x, y, days, x[keep], y[keep], days[keep]) @ coef
        mad = 1.4826 * np.median(np.abs(resid[keep] - np.median(resid[keep])))
        limit = 3.0 * np.maximum(mad, sigma)
        new = np.abs(resid) <= limit
        if np.array_equal(new, keep):
            break
        keep = new
    if np.unique(passes[keep]).size < MIN_PASSES or np.ptp(days[keep]) < MIN_SPAN_DAYS:
        return None
    sol = _weighted_fit(x[keep], y[keep], days[keep], h[keep], sigma[keep])
    if sol is None:
        return None
    coef, cov, chi2_red = sol
    rate = coef[3] * DAYS_PER_YEAR
    rate_sigma = np.sqrt(cov[3, 3] * max(1.0, chi2_red)) * DAYS_PER_YEAR
    return rate, rate_sigma, int(np.unique(passes[keep]).size)


def _design(x, y, days, xk, yk, dk):
    xc, yc, tc = xk.mean(), yk.mean(), dk.mean()
    return np.column_stack([np.ones(x.size), x - xc, y - yc, days - tc])


def _weighted_fit(x, y, days, h, sigma):
    a = _design(x, y, days, x, y, days)
    if h.size <= a.shape[1]:
        return None
    w = 1.0 / sigma**2
    normal = a.T @ (a * w[:, None])
    try:
        cov = np.linalg.inv(normal)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(cov)) or np.linalg.cond(normal) > 1e14:
        return None
    coef = cov @ (a.T @ (w * h))
    resid = h - a @ coef
    chi2_red = float(np.sum(w * resid**2) / (h.size - a.shape[1]))
    return coef, cov, chi2_red


def _pass_ids(df, keep, days):
    if "rgt" in df and "cycle" in df:
        rgt = np.asarray(df["rgt"], "int64")[keep]
        cycle = np.asarray(df["cycle"], "int64")[keep]
        return rgt * 1000 + cycle
    return np.floor(days).astype("int64")


# --- gridded inputs ------------------------------------------------------------------------------

#: (group, value, sigma, time units) of the gridded height-series layouts recognised
SERIES_LAYOUTS = (
    ("delta_h", "delta_h", "delta_h_sigma"),  # ATL15
    (None, "dh", "rmse"),  # ITS_LIVE Antarctic grounded-ice height change
    (None, "delta_h", "delta_h_sigma"),
)


def _resolve_gridded(path, config):
    """(path, storage options, config): a remote ``path`` confined to the configured store."""
    if not is_remote(str(path)):
        return path, None, config
    from ..io import StoreConfig, confine_url

    config = config or StoreConfig.from_env()
    return confine_url(str(path), config, parameter="INPUT"), config.storage_options(), config


def _lag_group(path, lag, storage):
    """ATL15's ``dhdt_lag{lag}`` group of ``path``, or a DataError naming what is missing."""
    ds = open_group(path, f"dhdt_lag{int(lag)}", storage)
    if ds is None or "dhdt" not in ds:
        raise DataError(f"INPUT: {path} has no group dhdt_lag{int(lag)} with a dhdt variable (ATL15 layout).")
    return ds


def dhdt_from_gridded(path, grid: GridSpec, start=None, end=None, lag: int = 0, progress=None, config=None):
    """dh/dt on ``grid`` from an ATL15-like NetCDF or a height-change cube (see the module docstring).

    ``path``: a local file or store, or the URL of a height-change cube in the ITS_LIVE bucket
    (``s3://its-live-data/height_change/...zarr`` or its https form), read anonymously through
    ``config`` (the configured store: the bucket or its mirror); other hosts are refused.
    """
    path, storage, config = _resolve_gridded(path, config)
    if lag:
        ds = _lag_group(path, lag, storage)
        return _lagged(ds, path, grid, start, end, lag)
    for group, value, sigma in SERIES_LAYOUTS:
        ds = open_group(path, group, storage)
        if ds is not None and value in ds:
            check_cancelled(progress)
            return _series(ds, value, sigma, path, grid, start, end)
    raise DataError(
        f"INPUT: {path} is neither an ATL15 file (group delta_h) nor a height-change cube (dh, rmse, time)."
    )


def dhdt_series_from_gridded(path, grid: GridSpec, start=None, end=None, lag: int = 0, config=None):
    """A (time, y, x) result on ``grid`` from an ATL15-like file or a height-change cube.

    - ``lag`` 0: ``dh`` and ``dh_sigma`` (m) at each epoch of the input in the window (relative to
      the input's own reference: ATL15's reference DEM, the cube's), plus the 2-D trend ``dhdt``,
      ``dhdt_sigma`` and ``count`` of :func:`dhdt_from_gridded`; ``time`` = the epochs (instants,
      no bounds).
    - ``lag`` k >= 1 (ATL15 ``dhdt_lag{k}``): ``dhdt`` and ``dhdt_sigma`` (m/yr) per window;
      ``time`` = the window's centre and ``time_bnds`` its start and end (centre -+ k steps / 2,
      the step being the spacing of the rates), ``count`` (y, x) = windows with a rate.
    """
    path, storage, config = _resolve_gridded(path, config)
    if lag:
        ds = _lag_group(path, lag, storage)
        return _lagged_series(ds, path, grid, start, end, int(lag))
    for group, value, sigma in SERIES_LAYOUTS:
        ds = open_group(path, group, storage)
        if ds is not None and value in ds:
            out = _epochs(ds, value, sigma, path, grid, start, end)
            out.update(dhdt_from_gridded(path, grid, start, end, 0, config=config))
            return out
    raise DataError(
        f"INPUT: {path} is neither an ATL15 file (group delta_h) nor a height-change cube (dh, rmse, time)."
    )


def _epochs(ds, value, sigma_name, path, grid, start, end):
    from ..geo import crs_from_dataset

    times, sel = _window(ds, start, end)
    if sel.sum() < 2:
        raise InputError(
            f"{path}: fewer than 2 dates of {value} between START_DATE and END_DATE: widen them."
        )
    crs = crs_from_dataset(ds, source=str(path))
    x, y = ds["x"].values, ds["y"].values
    dh, dh_sigma = [], []
    for i in np.flatnonzero(sel):
        step = ds[value].isel(time=i).values.astype(float)
        if "quality_flag" in ds:  # ITS_LIVE height-change cube: 0 = good
            step = np.where(ds["quality_flag"].isel(time=i).values == 0, step, np.nan)
        sig = np.full_like(step, np.nan)
        if sigma_name in ds:
            sig = ds[sigma_name].isel(time=i).values.astype(float)
        dh.append(sample_onto(step, x, y, crs, grid))
        dh_sigma.append(sample_onto(sig, x, y, crs, grid))
    ds.close()
    return {"time": times[sel], "dh": np.stack(dh), "dh_sigma": np.stack(dh_sigma)}


def _lagged_series(ds, path, grid, start, end, lag):
    from ..geo import crs_from_dataset

    times, sel = _window(ds, start, end)
    if not sel.any():
        raise InputError(f"{path}: no rate of this lag between START_DATE and END_DATE: widen them.")
    crs = crs_from_dataset(ds, source=str(path))
    x, y = ds["x"].values, ds["y"].values
    step = np.median(np.diff(times)) if times.size > 1 else np.timedelta64(int(91.3125 * 86400), "s")
    half = (step * lag) / 2
    rates, sigmas = [], []
    for i in np.flatnonzero(sel):
        rates.append(sample_onto(ds["dhdt"].isel(time=i).values.astype(float), x, y, crs, grid))
        sig = ds["dhdt_sigma"].isel(time=i).values.astype(float) if "dhdt_sigma" in ds else None
        sigmas.append(sample_onto(sig, x, y, crs, grid) if sig is not None else np.full(grid.shape, np.nan))
    ds.close()
    centre = times[sel]
    rate = np.stack(rates)
    return {
        "time": centre,
        "time_bnds": np.stack([centre - half, centre + half], axis=1),
        "dhdt": rate,
        "dhdt_sigma": np.stack(sigmas),
        "count": np.isfinite(rate).sum(0),
    }


def open_group(path, group, storage=None):
    """The dataset of ``group`` (None: the root) of ``path``, or None when it has no such group."""
    try:
        return open_dataset(path, group=group, storage_options=storage)
    except (OSError, KeyError, ValueError):
        return None


def _window(ds, start, end):
    times = ds["time"].values
    if not np.issubdtype(times.dtype, np.datetime64):
        raise DataError("The time axis of the height-change input could not be decoded (no CF units).")
    sel = np.ones(times.size, bool)
    if start is not None:
        sel &= times >= np.datetime64(start, "ns")
    if end is not None:
        sel &= times <= np.datetime64(end, "ns") + np.timedelta64(1, "D")
    return times, sel


def _series(ds, value, sigma_name, path, grid, start, end):
    from ..geo import crs_from_dataset

    times, sel = _window(ds, start, end)
    if sel.sum() < 2:
        raise InputError(
            f"{path}: fewer than 2 dates of {value} between START_DATE and END_DATE: widen them."
        )
    crs = crs_from_dataset(ds, source=str(path))
    dh = ds[value].values[sel].astype(float)
    if "quality_flag" in ds:  # ITS_LIVE height-change cube: 0 = good
        dh = np.where(ds["quality_flag"].values[sel] == 0, dh, np.nan)
    sig = ds[sigma_name].values[sel].astype(float) if sigma_name in ds else np.ones_like(dh)
    t_years = (times[sel] - times[sel][0]) / np.timedelta64(1, "D") / DAYS_PER_YEAR
    rate, rate_sigma, count = _trend(dh, sig, t_years)
    x, y = ds["x"].values, ds["y"].values
    ds.close()
    return _onto(grid, (rate, rate_sigma, count), x, y, crs)


def _trend(dh, sig, t):
    """Weighted least-squares slope per pixel along axis 0 (NaN-aware)."""
    valid = np.isfinite(dh) & np.isfinite(sig) & (sig > 0)
    w = np.where(valid, 1.0 / np.where(valid, sig, 1.0) ** 2, 0.0)
    dh0 = np.where(valid, dh, 0.0)
    tt = t[:, None, None]
    sw = w.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tm = (w * tt).sum(0) / sw
        hm = (w * dh0).sum(0) / sw
        stt = (w * (tt - tm) ** 2).sum(0)
        rate = (w * (tt - tm) * (dh0 - hm)).sum(0) / stt
        rate_sigma = np.sqrt(1.0 / stt)
    count = valid.sum(0)
    bad = (count < 2) | ~np.isfinite(rate)
    return np.where(bad, np.nan, rate), np.where(bad, np.nan, rate_sigma), np.where(bad, 0, count)


def _lagged(ds, path, grid, start, end, lag):
    from ..geo import crs_from_dataset

    times, sel = _window(ds, start, end)
    if not sel.any():
        raise InputError(f"{path}: no dhdt_lag{lag} rate between START_DATE and END_DATE: widen them.")
    crs = crs_from_dataset(ds, source=str(path))
    rates = ds["dhdt"].values[sel].astype(float)
    sig = ds["dhdt_sigma"].values[sel].astype(float) if "dhdt_sigma" in ds else np.full_like(rates, np.nan)
    count = np.isfinite(rates).sum(0)
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(np.where(count > 0, rates, np.nan), axis=0) if rates.size else rates
        mean_sigma = np.nanmean(sig, axis=0)
    if lag == 1:
        mean_sigma = mean_sigma / np.sqrt(np.maximum(count, 1))
    x, y = ds["x"].values, ds["y"].values
    ds.close()
    return _onto(grid, (mean, mean_sigma, count), x, y, crs)


def _onto(grid, fields, x, y, crs):
    rate, rate_sigma, count = fields
    out = {
        "dhdt": sample_onto(rate, x, y, crs, grid),
        "dhdt_sigma": sample_onto(rate_sigma, x, y, crs, grid),
    }
    near = sample_onto(count.astype(float), x, y, crs, grid)
    out["count"] = np.where(np.isfinite(out["dhdt"]), np.rint(np.nan_to_num(near)), 0).astype(int)
    return out


# --- files ---------------------------------------------------------------------------------------


def write_dhdt(path, grid: GridSpec, result: dict, source: str, start=None, end=None, parameters=None):
    """Write ``result`` to CF NetCDF; an all-NaN result is refused.

    ``result``: ``dhdt``, ``dhdt_sigma``, ``count`` ((y, x), or (time, y, x) for rates per window),
    optionally ``dh``, ``dh_sigma`` (time, y, x) and ``time`` / ``time_bnds`` (datetime64) of
    :func:`dhdt_series_from_gridded`.
    """
    rates = result.get("dhdt")
    if rates is None or not np.isfinite(rates).any():
        raise InputError(
            f"No cell of the output grid has a height-change rate (every cell lacks {MIN_PASSES} passes over "
            f"{MIN_SPAN_DAYS:.0f} days, or lies outside the input): widen the dates, or enlarge PIXEL_SIZE_M."
        )
    fields = {k: v for k, v in result.items() if k not in ("time", "time_bnds")}
    window = f"{start or 'start'} to {end or 'end'}"
    params = {"start_date": start or "", "end_date": end or "", **(parameters or {})}
    return write_grid(
        path,
        grid,
        fields,
        DHDT_VARIABLES,
        f"Rate of surface height change dh/dt (m/yr) from {source}, dates {window}",
        {"time_coverage_start": str(start or ""), "time_coverage_end": str(end or "")},
        algorithm="itslive:elevationchange",
        parameters=params,
        sources=[source],
        time=result.get("time"),
        time_bnds=result.get("time_bnds"),
    )
