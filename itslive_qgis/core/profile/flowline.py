"""A flowline from a start point, traced upstream and downstream through a velocity field with the
fields room's particle tracker (:func:`track_particles`).

How the tracker is used: a flowline is a streamline, a curve parallel to the flow, not a particle's
path in time. The tracker is given the DIRECTION field ``v / |v|`` (dimensionless, as "m/yr") with
no scale correction, so that one tracker "year" is one map metre along the line and an RK4 step of
``step_m / 365.25`` days advances ``step_m`` map metres whatever the speed (fast and slow ice get the
same vertex spacing; tracking the speeds themselves would put vertices km apart on an outlet and cm
apart at the divide). Downstream is the tracker's forward direction, upstream its backward one.
Cells slower than ``min_speed_m_per_yr`` (no defined direction) are gaps: the line stops there, as
it stops where it would leave the grid or meet missing data. A time-varying field (a cube, a subset,
an inversion) is averaged over time first, component by component (NaN-aware).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError, InputError
from ..progress import check_cancelled

#: default vertex spacing along the flowline (map metres): half an ITS_LIVE 120 m cell
DEFAULT_STEP_M = 60.0
#: default longest trace in EACH direction (map metres)
DEFAULT_MAX_LENGTH_M = 100_000.0
#: below this speed (m/yr) the flow direction is not trusted and the line stops
DEFAULT_MIN_SPEED_M_PER_YR = 1.0
DAYS_PER_YEAR = 365.25


@dataclass
class Flowline:
    """A flowline from its upstream to its downstream end (map metres in the field's CRS).

    ``distance_m`` is the map distance along the line from the upstream end; ``start_index`` the
    vertex of the start point; ``*_stop`` the tracker's stop reasons (``completed`` = the maximum
    length was reached).
    """

    xs: np.ndarray
    ys: np.ndarray
    distance_m: np.ndarray
    start_index: int
    upstream_stop: str
    downstream_stop: str

    @property
    def length_m(self) -> float:
        return float(self.distance_m[-1])

    @property
    def upstream_m(self) -> float:
        return float(self.distance_m[self.start_index])

    @property
    def downstream_m(self) -> float:
        return self.length_m - self.upstream_m


def trace_flowline(
    source,
    start_xy,
    crs=None,
    step_m: float = DEFAULT_STEP_M,
    max_length_m: float = DEFAULT_MAX_LENGTH_M,
    min_speed_m_per_yr: float = DEFAULT_MIN_SPEED_M_PER_YR,
    vx_name: str = "vx",
    vy_name: str = "vy",
    progress=None,
) -> Flowline:
    """Trace the flowline through ``start_xy`` (map metres) upstream and downstream.

    Parameters
    ----------
    source : path, xarray.Dataset, (vx_path, vy_path) or VelocityGrid
        Velocities (m/yr), static or time-varying (averaged over time).
    step_m, max_length_m : float
        Vertex spacing and longest trace in each direction (map metres).
    min_speed_m_per_yr : float
        Slower cells stop the line (their direction is noise).
    """
    from ..fields import FlowField, read_velocity, track_particles

    if not (np.isfinite(step_m) and step_m > 0 and np.isfinite(max_length_m) and max_length_m >= step_m):
        raise InputError("STEP_M must be positive and MAX_LENGTH_M at least STEP_M (map metres).")
    grid = (
        source
        if hasattr(source, "vx") and hasattr(source, "crs")
        else read_velocity(source, crs=crs, vx_name=vx_name, vy_name=vy_name)
    )
    vx, vy = _time_mean(grid.vx), _time_mean(grid.vy)
    speed = np.hypot(vx, vy)
    slow = ~(speed >= min_speed_m_per_yr)
    with np.errstate(invalid="ignore", divide="ignore"):
        ux, uy = np.where(slow, np.nan, vx / speed), np.where(slow, np.nan, vy / speed)
    field = FlowField.from_arrays(ux, uy, grid.x, grid.y, scale_correction=False)
    seed = np.asarray(start_xy, dtype="float64").reshape(1, 2)
    duration_days = max_length_m * DAYS_PER_YEAR  # one tracker year = one map metre
    step_days = step_m * DAYS_PER_YEAR
    tracks = []
    for direction in ("backward", "forward"):
        check_cancelled(progress)
        tracks.append(track_particles(seed, field, 0.0, duration_days, step_days, direction=direction)[0])
    up, down = tracks
    if len(up.xs) < 2 and len(down.xs) < 2:
        raise DataError(
            f"No flowline from ({seed[0, 0]:.1f}, {seed[0, 1]:.1f}): the start point is outside the grid or "
            f"on a gap or on ice slower than {min_speed_m_per_yr:g} m/yr ({down.stop_reason})."
        )
    xs = np.concatenate([up.xs[::-1], down.xs[1:]])
    ys = np.concatenate([up.ys[::-1], down.ys[1:]])
    distance = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(xs), np.diff(ys)))])
    return Flowline(
        xs=xs,
        ys=ys,
        distance_m=distance,
        start_index=len(up.xs) - 1,
        upstream_stop=_reason(up.stop_reason),
        downstream_stop=_reason(down.stop_reason),
    )


def _time_mean(values):
    values = np.asarray(values, dtype="float64")
    if values.ndim == 2:
        return values
    with np.errstate(invalid="ignore"):
        count = np.isfinite(values).sum(axis=0)
        total = np.nansum(values, axis=0)
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _reason(reason: str) -> str:
    return "max_length" if reason == "completed" else str(reason)
