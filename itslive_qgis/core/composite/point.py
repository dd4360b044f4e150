"""The annual composite at one pixel: annual values, errors and the seasonal curve (point panel)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from ..io import StoreConfig

DAYS_PER_YEAR = 365.25
OMEGA_PER_DAY = 2.0 * np.pi / DAYS_PER_YEAR
COMPONENTS = ("v", "vx", "vy")


@dataclass
class CompositePoint:
    """One pixel of a composite.

    ``year_start_days`` (Y,): 1 January of each year (days since 1970-01-01); ``annual[c]`` and
    ``annual_error[c]`` (Y,) m/yr for c in v, vx, vy; ``seasonal[c]`` = (c0 m/yr, dc_dt m/yr^2,
    amp m/yr, phase day of year); ``t0_days`` the climatology's reference date.
    """

    url: str
    x_m: float
    y_m: float
    year_start_days: np.ndarray
    annual: dict = field(default_factory=dict)
    annual_error: dict = field(default_factory=dict)
    seasonal: dict = field(default_factory=dict)
    t0_days: float = 17532.0

    def curve(self, component: str, t_days) -> np.ndarray:
        """Model speed (m/yr): ``c0 + dc_dt (t - t0) / 365.25 + amp cos(2 pi (doy - phase) / 365.25)``."""
        c0, trend, amp, phase = self.seasonal[component]
        t = np.asarray(t_days, dtype="float64")
        amp = 0.0 if not np.isfinite(amp) else amp
        phase = 0.0 if not np.isfinite(phase) else phase
        return (
            c0 + trend * (t - self.t0_days) / DAYS_PER_YEAR + amp * np.cos(OMEGA_PER_DAY * (t + 1.0 - phase))
        )


def composite_point(
    cube_url: str, x_m: float, y_m: float, config: StoreConfig | None = None
) -> CompositePoint:
    """The composite of the cube ``cube_url`` at its pixel nearest to (x_m, y_m) (metres, cube CRS)."""
    from .api import composite_url
    from .mosaic import open_first_composite

    config = config or StoreConfig.from_env()
    # the 2025 layout, else the older composites/annual/v02/ one (as itslive:composite reads them)
    candidates = [composite_url(cube_url), composite_url(cube_url, "v02")]
    url, ds = open_first_composite(candidates, config, chunks=None, parameter="composite")
    xs, ys = ds["x"].values, ds["y"].values
    col, row = int(np.argmin(np.abs(xs - x_m))), int(np.argmin(np.abs(ys - y_m)))
    if abs(xs[col] - x_m) > 120 or abs(ys[row] - y_m) > 120:
        raise InputError(f"The point lies outside the composite {url}.")
    pixel = ds.isel(x=col, y=row)
    times = ds["time"].values.astype("datetime64[D]").astype("int64").astype("float64")
    point = CompositePoint(url=url, x_m=float(xs[col]), y_m=float(ys[row]), year_start_days=times)
    for c in COMPONENTS:
        point.annual[c] = np.asarray(pixel[c].values, dtype="float64")
        point.annual_error[c] = np.asarray(pixel[f"{c}_error"].values, dtype="float64")
        trend = "dv_dt" if c == "v" else f"d{c}_dt"
        point.seasonal[c] = tuple(float(pixel[n].values) for n in (f"{c}0", trend, f"{c}_amp", f"{c}_phase"))
    centre = ds.attrs.get("climatology_centre_date")
    if centre:
        point.t0_days = float(np.datetime64(str(centre)[:10], "D").astype("int64"))
    return point
