"""The interval-mean GP of one pixel's pairs (:class:`PointSeries`) on a regular grid of steps.

vx and vy are fitted separately (each with its own hyper-parameters, weights from vx_error and
vy_error); the result is the posterior mean of each STEP's mean velocity (the same quantity the
inversion reports), and the speed and its 1-sigma follow from the components as in the inversion
(``v = hypot(vx, vy)``, ``sigma_v = sqrt((vx sigma_x)^2 + (vy sigma_y)^2) / v``).
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .interval import fit_interval_gp


def gp_point(series, interval_days: float = 12.0, edges_days=None, weighting: str = "errors", **fit_options):
    """A :class:`RegularSeries` from the interval GP of ``series``'s pairs (step means, m/yr).

    ``edges_days``: step edges (days since 1970-01-01); default every ``interval_days`` from the
    first to the last acquisition. ``fit_options`` go to :func:`fit_interval_gp`. The fitted
    models are in the result's ``info``-free attributes ``gp_vx`` / ``gp_vy`` (set on the object).
    """
    from ..timeseries import RegularSeries

    d1, d2 = np.asarray(series.d1_days, "float64"), np.asarray(series.d2_days, "float64")
    if edges_days is None:
        if not (np.isfinite(interval_days) and interval_days > 0):
            raise InputError("interval_days must be a positive number of days.")
        ok = np.isfinite(d1) & np.isfinite(d2)
        if not ok.any():
            raise InputError("The series has no pair with dates.")
        lo, hi = np.floor(d1[ok].min()), np.ceil(d2[ok].max())
        edges = lo + interval_days * np.arange(int(np.ceil((hi - lo) / interval_days)) + 1)
    else:
        edges = np.asarray(edges_days, "float64")
    if weighting not in ("errors", "none"):
        raise InputError(f"weighting must be 'none' or 'errors', got {weighting!r}.")
    out, models = {}, {}
    for name in ("vx", "vy"):
        err = getattr(series, f"{name}_error") if weighting == "errors" else None
        models[name] = fit_interval_gp(d1, d2, getattr(series, name), err, **fit_options)
        out[name] = models[name].predict_means(edges[:-1], edges[1:])
    (vx, sx), (vy, sy) = out["vx"], out["vy"]
    speed = np.hypot(vx, vy)
    with np.errstate(divide="ignore", invalid="ignore"):
        sv = np.where(
            speed > 0, np.sqrt((vx * sx) ** 2 + (vy * sy) ** 2) / speed, np.hypot(sx, sy) / np.sqrt(2)
        )
    ok = np.isfinite(d1) & np.isfinite(d2)
    starts, ends = np.sort(d1[ok]), np.sort(d2[ok])  # pairs overlapping [a, b): d1 < b minus d2 <= a
    count = np.searchsorted(starts, edges[1:], side="left") - np.searchsorted(ends, edges[:-1], side="right")
    result = RegularSeries(
        edges_days=edges,
        centres_days=0.5 * (edges[:-1] + edges[1:]),
        v=speed,
        vx=vx,
        vy=vy,
        v_sigma=sv,
        vx_sigma=sx,
        vy_sigma=sy,
        count=count,
        n_pairs=int(min(models["vx"].n_pairs, models["vy"].n_pairs)),
    )
    result.gp_vx, result.gp_vy = models["vx"], models["vy"]
    return result
