"""itslive:seasonalfit's core: the seasonal model of every pixel of a subset, cube or inversion result.

Inputs: image pairs (a subset file or a datacube, dims ``mid_date, y, x``), each observing the average
of the model over its interval ``[acquisition_date_img1, acquisition_date_img2]``, weighted by
``vx_error``/``vy_error`` (per pair) or ``v_error`` (per pixel); or an inversion result (dims
``time, y, x``), each step observing the average over its ``time_bnds`` (the centre when absent),
weighted by ``vx_sigma``/``vy_sigma``. The method is in :mod:`itslive_qgis.core.seasonal.fit`.
Output: a CF NetCDF on the input's grid with the ITS_LIVE composite's names and units.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..cube import PAIR_DIM, pair_dates_days, require_xarray, select_extent, to_days
from ..errors import DataError, InputError
from ..io import StoreConfig, atomic_output, is_remote
from ..progress import NullProgress, check_cancelled
from .attrs import coordinate_attrs, global_attrs, grid_mapping_attrs, variable_attrs, write_cf_netcdf
from .fit import DEFAULT_T0_DAYS, along_flow, amplitude_phase, fit_component, interval_design

FILL_INT16 = -32767
READ_BYTES = 256 * 2**20


def seasonal_fit(
    source,
    output_path,
    extent=None,
    start_date=None,
    end_date=None,
    semiannual: bool = False,
    robust: bool = True,
    t0_days: float = DEFAULT_T0_DAYS,
    config: StoreConfig | None = None,
    progress=None,
) -> Path:
    """Fit the seasonal model to ``source`` and write ``output_path`` (.nc) atomically.

    Parameters
    ----------
    source : str or Path
        A subset (.nc/.zarr), a datacube path or URL, or an inversion result (.nc with ``time``).
    extent : (xmin, ymin, xmax, ymax), optional
        In the source's CRS (metres); cells whose centres fall inside are fitted.
    start_date, end_date : str, optional
        ``YYYY-MM-DD``: pairs (steps) entirely inside [start, end] are used.
    semiannual : bool
        Also fit the semi-annual harmonic (``*_amp2``, ``*_phase2``).
    robust : bool
        Huber IRLS and clipping (see :mod:`itslive_qgis.core.seasonal.fit`); False: plain weighted LS.
    t0_days : float
        Reference date of ``v0`` and the trend (days since 1970-01-01; default 2018-01-01).

    Returns
    -------
    pathlib.Path
    """
    progress = progress or NullProgress()
    ds = seasonal_dataset(source, extent, start_date, end_date, semiannual, robust, t0_days, config, progress)
    path = Path(output_path)
    if path.suffix.lower() not in (".nc", ".nc4"):
        raise InputError(f"OUTPUT must be a NetCDF file (.nc), got {path.name}.")
    encoding = {n: {"zlib": True, "complevel": 4, "_FillValue": np.float32(np.nan)}
                for n, v in ds.data_vars.items() if v.ndim == 2}  # fmt: skip
    parameters = {"extent": list(extent) if extent is not None else None, "start_date": start_date,
                  "end_date": end_date, "semiannual": bool(semiannual), "robust": bool(robust),
                  "t0_days": float(t0_days)}  # fmt: skip
    check_cancelled(progress)
    with atomic_output(path) as tmp:
        write_cf_netcdf(ds, tmp, "itslive:seasonalfit", parameters, [str(source)], base=encoding)
    progress.report(1.0)
    progress.log(f"Wrote the seasonal fit of {ds.attrs['n_fitted_pixels']} pixels to {path}")
    return path


def seasonal_dataset(
    source,
    extent=None,
    start_date=None,
    end_date=None,
    semiannual: bool = False,
    robust: bool = True,
    t0_days: float = DEFAULT_T0_DAYS,
    config: StoreConfig | None = None,
    progress=None,
):
    """The fit as an xarray Dataset (see :func:`seasonal_fit`); nothing is written."""
    xr = require_xarray()
    progress = progress or NullProgress()
    ds, kind = open_velocity_source(source, config)
    if extent is not None:
        ds = select_extent(ds, *[float(v) for v in extent])
    obs = _observations(ds, kind, start_date, end_date)
    design = interval_design(obs["d1"], obs["d2"], t0_days, semiannual)
    ny, nx = ds.sizes["y"], ds.sizes["x"]
    k = design.shape[0]
    rows = max(1, int(READ_BYTES // (8 * 4 * k * nx)))
    parts = {"vx": [], "vy": []}
    for r0 in range(0, ny, rows):
        check_cancelled(progress)
        block = ds.isel(y=slice(r0, r0 + rows))
        for comp in ("vx", "vy"):
            values = _pixels(block[comp].values)[obs["index"]]
            sigma = _sigma(block, comp, kind, obs["index"])
            parts[comp].append(fit_component(values, sigma, design, robust=robust))
        progress.report(0.95 * min(1.0, (r0 + rows) / ny))
    fits = {c: _concat(parts[c]) for c in parts}
    out = _output(xr, ds, fits, semiannual, ny, nx)
    if not np.isfinite(out["vx0"].values).any():
        raise DataError(
            "No pixel could be fitted (each needs at least 7 observations spread over the seasons): "
            "widen the dates or the extent, or give a longer record."
        )
    out.attrs.update(
        global_attrs(
            "ITS_LIVE seasonal cycle fitted per pixel (mean, trend, annual amplitude and phase)",
            {
                "input": str(source),
                "input_kind": kind,
                "reference_date": str(np.datetime64(int(round(t0_days)), "D")),
                "n_observations": int(k),
                "n_fitted_pixels": int(np.isfinite(out["vx0"].values).sum()),
                "method": "interval-averaged harmonic model, weighted by 1/sigma^2, "
                + (
                    "Huber IRLS (c=1.345) then 5-sigma clipping" if robust else "plain weighted least squares"
                ),
                "speed_definition": "v* along the mean flow direction u = (vx0, vy0)/|v0|",
            },
        )
    )
    if isinstance(ds.attrs.get("history"), str):  # io.cf keeps the input's history below the fit's line
        out.attrs["history"] = ds.attrs["history"]
    return out


def open_velocity_source(source, config: StoreConfig | None = None):
    """(dataset, kind) with kind ``"pairs"`` (mid_date axis, cleaned) or ``"series"`` (time axis)."""
    xr = require_xarray()
    from ..cube import open_pairs

    path = str(source)
    if not is_remote(path) and path.lower().endswith((".nc", ".nc4", ".netcdf")):
        if not Path(path).is_file():
            raise InputError(f"INPUT: no such file: {path}")
        try:
            ds = xr.open_dataset(path, decode_timedelta=False)
        except (OSError, ValueError) as exc:
            raise DataError(f"INPUT: {path} is not a readable NetCDF file: {exc}") from exc
        if "time" in ds.dims and PAIR_DIM not in ds.dims:
            for name in ("vx", "vy"):
                if name not in ds or ds[name].dims != ("time", "y", "x"):
                    raise DataError(f"INPUT: {path} has no {name} on (time, y, x).")
            return ds, "series"
    ds = open_pairs(path, config)
    for name in ("vx", "vy"):
        if name not in ds:
            raise DataError(f"INPUT: {path} has no {name}: the fit needs both velocity components.")
    return ds, "pairs"


def _observations(ds, kind, start_date, end_date) -> dict:
    if kind == "pairs":
        d1, d2 = pair_dates_days(ds)
    elif "time_bnds" in ds:
        bnds = to_days(ds["time_bnds"].values)
        d1, d2 = bnds[:, 0], bnds[:, 1]
    else:
        d1 = d2 = to_days(ds["time"].values)
    keep = np.isfinite(d1) & np.isfinite(d2) & (d2 >= d1)
    if start_date:
        keep &= d1 >= _day(start_date, "START_DATE")
    if end_date:
        keep &= d2 <= _day(end_date, "END_DATE") + 1.0
    index = np.flatnonzero(keep)
    if index.size < 7:
        raise InputError(
            f"Only {index.size} observations lie between the dates: the fit needs at least 7 spread "
            "over the seasons; widen START_DATE/END_DATE."
        )
    return {"d1": d1[index], "d2": d2[index], "index": index}


def _day(value, name: str) -> float:
    try:
        return float(to_days(np.datetime64(str(value)[:10], "D")))
    except ValueError as exc:
        raise InputError(f"{name}: {value!r} is not a date (YYYY-MM-DD).") from exc


def _pixels(values) -> np.ndarray:
    """(K, ny, nx) -> (K, ny*nx) float64, fills as NaN."""
    arr = np.asarray(values, dtype="float64")
    arr = np.where(arr <= FILL_INT16, np.nan, arr)
    return arr.reshape(arr.shape[0], -1)


def _sigma(block, comp: str, kind: str, index):
    """1-sigma per observation (K,) or per observation and pixel (K, P), m/yr."""
    names = (f"{comp}_sigma", f"{comp}_error", "v_sigma", "v_error") if kind == "series" else (
        f"{comp}_error", "v_error")  # fmt: skip
    for name in names:
        if name in block:
            values = np.asarray(block[name].values, dtype="float64")
            if block[name].ndim == 1:
                sig = values[index]
            else:
                sig = _pixels(values)[index]
            return np.where((sig > 0) & (sig < 32000), sig, np.nan)
    raise DataError(
        f"INPUT has no {comp}_error/v_error (pairs) or {comp}_sigma (inversion result): the fit weights "
        "each observation by its 1-sigma error."
    )


def _concat(parts):
    from .fit import ComponentFit

    return ComponentFit(
        coef=np.concatenate([p.coef for p in parts]),
        cov=np.concatenate([p.cov for p in parts]),
        n_used=np.concatenate([p.n_used for p in parts]),
        n_rejected=np.concatenate([p.n_rejected for p in parts]),
    )


def seasonal_variables(fits: dict, semiannual: bool) -> dict[str, np.ndarray]:
    """Composite-named arrays (P,) from the vx and vy fits: v0 vx0 vy0, dv*_dt, *_amp, *_phase (+ errors)."""
    coef_v, cov_v = along_flow(fits["vx"], fits["vy"])
    models = {"vx": (fits["vx"].coef, fits["vx"].cov), "vy": (fits["vy"].coef, fits["vy"].cov),
              "v": (coef_v, cov_v)}  # fmt: skip
    out = {}
    for comp, (coef, cov) in models.items():
        out[f"{comp}0"] = coef[:, 0]
        out[f"{comp}0_error"] = np.sqrt(cov[:, 0, 0])
        out[f"d{comp}_dt"] = coef[:, 1]
        out[f"d{comp}_dt_error"] = np.sqrt(cov[:, 1, 1])
        for h, suffix in ((1, ""), (2, "2")) if semiannual else ((1, ""),):
            i = 2 * h
            amp, amp_err, phase, phase_err = amplitude_phase(
                coef[:, i], coef[:, i + 1], cov[:, i, i], cov[:, i + 1, i + 1], cov[:, i, i + 1], h
            )
            out[f"{comp}_amp{suffix}"], out[f"{comp}_amp{suffix}_error"] = amp, amp_err
            out[f"{comp}_phase{suffix}"], out[f"{comp}_phase{suffix}_error"] = phase, phase_err
    used = np.minimum(fits["vx"].n_used, fits["vy"].n_used)
    rejected = np.maximum(fits["vx"].n_rejected, fits["vy"].n_rejected)
    out["count0"] = used.astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["outlier_percent"] = np.where(used > 0, 100.0 * rejected / (used + rejected), np.nan)
    return out


def _output(xr, ds, fits, semiannual, ny, nx):
    from ..geo import crs_from_dataset

    arrays = seasonal_variables(fits, semiannual)
    data = {
        n: (("y", "x"), a.reshape(ny, nx).astype("float32"), variable_attrs(n)) for n, a in arrays.items()
    }
    x, y = ds["x"].values, ds["y"].values
    coords = {"x": ("x", x, coordinate_attrs("x")), "y": ("y", y, coordinate_attrs("y"))}
    out = xr.Dataset(data, coords=coords)
    crs = crs_from_dataset(ds, source="INPUT")
    out["mapping"] = xr.DataArray(np.int32(0), attrs=grid_mapping_attrs(crs, x, y))
    return out
