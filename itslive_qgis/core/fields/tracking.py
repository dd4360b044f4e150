"""Particle tracking through static or time-varying ITS_LIVE velocity fields.

* Positions are map coordinates (metres) in the grid's CRS; ``x`` grid east, ``y`` grid
  north; the grid may have descending ``y`` (ITS_LIVE).
* Velocities are ground m/yr; a particle moves on the map by ``k * v * dt`` with k the
  projection scale factor (map = k * ground distance), dt in years = days / 365.25.
* Integration: classical 4th-order Runge-Kutta with bilinear interpolation in space and,
  for a time-varying field ``(time, y, x)`` (e.g. an inversion result), linear
  interpolation in time between the two neighbouring steps.
* A particle stops, at its last position with valid data, when an RK stage would sample
  outside the grid's cell centres (``left_grid``), a cell without data (``no_data``:
  any of the four cells around the point is NaN) or a time outside the field's time
  axis (``outside_time``); otherwise it ends with ``completed``.
* Times are float days (days since 1970-01-01 for a time-varying field).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..progress import check_cancelled
from .grid import DAYS_PER_YEAR, GridSampler, read_velocity, scale_factor_grid

STOP_REASONS = ("completed", "left_grid", "no_data", "outside_time")


@dataclass
class FlowField:
    """Velocity field for tracking.

    ``vx``/``vy``: ground m/yr, shape (ny, nx) (static) or (nt, ny, nx) with ascending
    ``time_days`` (float days since 1970-01-01). ``k``: scale factor grid (ny, nx); all
    ones when no scale correction is wanted.
    """

    x: np.ndarray
    y: np.ndarray
    vx: np.ndarray
    vy: np.ndarray
    k: np.ndarray
    time_days: np.ndarray | None = None

    @classmethod
    def from_arrays(cls, vx, vy, x, y, crs=None, time_days=None, scale_correction: bool = True) -> FlowField:
        """Build a field from arrays; ``crs`` is needed when ``scale_correction`` is True."""
        vx = np.asarray(vx, dtype="float64")
        vy = np.asarray(vy, dtype="float64")
        x = np.asarray(x, dtype="float64")
        y = np.asarray(y, dtype="float64")
        if vx.shape != vy.shape or vx.ndim not in (2, 3) or vx.shape[-2:] != (len(y), len(x)):
            raise InputError(f"vx {vx.shape} / vy {vy.shape} must be (y, x) or (time, y, x) on the x/y grid.")
        if vx.ndim == 3:
            if time_days is None or len(time_days) != vx.shape[0]:
                raise InputError("A time-varying field needs one time (days since 1970-01-01) per step.")
            time_days = np.asarray(time_days, dtype="float64")
            order = np.argsort(time_days, kind="stable")
            vx, vy, time_days = vx[order], vy[order], time_days[order]
            if np.any(np.diff(time_days) <= 0) or not np.all(np.isfinite(time_days)):
                raise InputError(
                    "The field's times must be finite and distinct (one velocity grid per time)."
                )
            if vx.shape[0] == 1:
                vx, vy, time_days = vx[0], vy[0], None
        else:
            time_days = None
        k = scale_factor_grid(x, y, crs) if scale_correction else np.ones((len(y), len(x)))
        return cls(x=x, y=y, vx=vx, vy=vy, k=k, time_days=time_days)

    @classmethod
    def from_dataset(
        cls, source, crs=None, scale_correction: bool = True, vx_name="vx", vy_name="vy"
    ) -> FlowField:
        """Build a field from a dataset path/``xarray.Dataset`` or a ``(vx_path, vy_path)`` pair."""
        grid = read_velocity(source, crs=crs, vx_name=vx_name, vy_name=vy_name)
        return cls.from_arrays(
            grid.vx,
            grid.vy,
            grid.x,
            grid.y,
            grid.crs,
            time_days=grid.time_days,
            scale_correction=scale_correction,
        )


@dataclass
class Track:
    """One particle path: map positions (m), times (days) and why it stopped."""

    xs: np.ndarray
    ys: np.ndarray
    t_days: np.ndarray
    stop_reason: str


#: most RK4 steps per seed (each stores a vertex): beyond, the track is refused, not run for hours
MAX_STEPS = 100_000


def check_step_count(duration_days: float, step_days: float, max_steps: int | None = None) -> None:
    """InputError naming DURATION_DAYS / STEP_DAYS when a track would take more than ``max_steps`` steps."""
    limit = MAX_STEPS if max_steps is None else int(max_steps)
    finite = math.isfinite(duration_days) and math.isfinite(step_days)
    if not finite or duration_days <= 0 or step_days <= 0:
        raise InputError("DURATION_DAYS and STEP_DAYS must both be positive numbers of days.")
    n_steps = math.ceil(duration_days / step_days - 1e-9)
    if n_steps > limit:
        raise InputError(
            f"DURATION_DAYS / STEP_DAYS = {duration_days:g} / {step_days:g} days is {n_steps:.3g} steps per "
            f"seed, above the limit of {limit}: raise STEP_DAYS to at least {duration_days / limit:.3g} days "
            "or shorten DURATION_DAYS."
        )


def track_particles(
    seeds_xy,
    field,
    start_days,
    duration_days: float,
    step_days: float,
    direction: str = "forward",
    crs=None,
    progress=None,
    max_steps: int | None = None,
) -> list[Track]:
    """Track particles from seed points through a velocity field.

    Parameters
    ----------
    seeds_xy : array (N, 2)
        Seed map coordinates (metres) in the field's CRS.
    field : FlowField, xarray.Dataset or path
        A dataset is converted with :meth:`FlowField.from_dataset` (``crs`` if it has none).
    start_days : float or array (N,)
        Start time(s), days (since 1970-01-01 for a time-varying field).
    duration_days, step_days : float
        Total tracking time and RK4 step, days (> 0); the last step is shortened to end
        exactly at ``duration_days``.
    direction : {"forward", "backward"}
        Backward integrates with negative time steps (where did the ice come from).
    max_steps : int, optional
        Refuse (InputError) more than this many steps per seed; default :data:`MAX_STEPS`.

    Returns
    -------
    list of Track
        One per seed; vertex ``i`` at time ``t_days[i]`` (days). A seed without data
        gives a one-vertex track with its stop reason.
    """
    if not isinstance(field, FlowField):
        field = FlowField.from_dataset(field, crs=crs)
    seeds = np.atleast_2d(np.asarray(seeds_xy, dtype="float64"))
    if seeds.ndim != 2 or seeds.shape[1] != 2:
        raise InputError("Seeds must be an (N, 2) array of x, y map coordinates.")
    if direction not in ("forward", "backward"):
        raise InputError(f"direction must be 'forward' or 'backward', not {direction!r}.")
    if not (duration_days > 0 and step_days > 0):
        raise InputError("duration_days and step_days must both be positive.")
    n = len(seeds)
    sign = 1.0 if direction == "forward" else -1.0
    n_steps = max(1, math.ceil(duration_days / step_days - 1e-9))
    check_step_count(duration_days, step_days, max_steps)
    sampler = GridSampler(field.x, field.y)
    px, py = seeds[:, 0].copy(), seeds[:, 1].copy()
    t = np.broadcast_to(np.asarray(start_days, dtype="float64"), (n,)).copy()
    xs, ys, ts = [px.copy()], [py.copy()], [t.copy()]
    reason = np.full(n, "completed", dtype=object)
    active = np.ones(n, dtype=bool)
    _, _, why = _velocity(field, sampler, px, py, t)
    _stop(active, reason, why)
    last = np.zeros(n, dtype=np.intp)
    for step in range(n_steps):
        check_cancelled(progress)
        h_days = sign * min(step_days, duration_days - step * step_days)
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        nx_, ny_, ok, why = _rk4(field, sampler, px[idx], py[idx], t[idx], h_days)
        moved = idx[ok]
        px[moved], py[moved], t[moved] = nx_[ok], ny_[ok], t[moved] + h_days
        last[moved] = step + 1
        stopped = np.zeros(n, dtype=bool)
        stopped[idx[~ok]] = True
        reason[stopped] = why[~ok]
        active &= ~stopped
        xs.append(px.copy())
        ys.append(py.copy())
        ts.append(t.copy())
        if progress is not None:
            progress.report((step + 1) / n_steps)
    xs_a, ys_a, ts_a = np.array(xs), np.array(ys), np.array(ts)
    return [
        Track(
            xs=xs_a[: last[i] + 1, i],
            ys=ys_a[: last[i] + 1, i],
            t_days=ts_a[: last[i] + 1, i],
            stop_reason=reason[i],
        )
        for i in range(n)
    ]


def track_vertex_m_values(track: Track, as_iso: bool = False, relative: bool = False) -> list:
    """Per-vertex M values for a LineStringM layer.

    Days since 1970-01-01 (``t_days`` as is), days since the track start (``relative``),
    or ISO 8601 strings ``YYYY-MM-DDTHH:MM:SS`` (``as_iso``; t_days read as days since
    1970-01-01).
    """
    t = np.asarray(track.t_days, dtype="float64")
    if as_iso:
        seconds = np.round(t * 86400.0).astype("int64")
        return [
            str(s) for s in (np.datetime64("1970-01-01T00:00:00", "s") + seconds.astype("timedelta64[s]"))
        ]
    return list((t - t[0]) if relative else t)


def track_to_wkt_m(track: Track, relative: bool = False) -> str:
    """``LINESTRING M`` WKT of a track (M = days, see :func:`track_vertex_m_values`); POINT M if 1 vertex."""
    m = track_vertex_m_values(track, relative=relative)
    coords = ", ".join(f"{x!r} {y!r} {mm!r}" for x, y, mm in zip(track.xs.tolist(), track.ys.tolist(), m))
    return f"LINESTRING M ({coords})" if len(m) > 1 else f"POINT M ({coords})"


def _rk4(field, sampler, px, py, t, h_days):
    h_years = h_days / DAYS_PER_YEAR
    k1x, k1y, w1 = _velocity(field, sampler, px, py, t)
    k2x, k2y, w2 = _velocity(
        field, sampler, px + 0.5 * h_years * k1x, py + 0.5 * h_years * k1y, t + 0.5 * h_days
    )
    k3x, k3y, w3 = _velocity(
        field, sampler, px + 0.5 * h_years * k2x, py + 0.5 * h_years * k2y, t + 0.5 * h_days
    )
    k4x, k4y, w4 = _velocity(field, sampler, px + h_years * k3x, py + h_years * k3y, t + h_days)
    nx_ = px + h_years / 6.0 * (k1x + 2 * k2x + 2 * k3x + k4x)
    ny_ = py + h_years / 6.0 * (k1y + 2 * k2y + 2 * k3y + k4y)
    why = w1.copy()
    for w in (w2, w3, w4):
        why = np.where(why == "completed", w, why)
    ok = (why == "completed") & np.isfinite(nx_) & np.isfinite(ny_)
    why = np.where(ok | (why != "completed"), why, "no_data")
    return nx_, ny_, ok, why


def _velocity(field, sampler, px, py, t):
    """Map velocity (k * ground m/yr) at points/times, and a per-point status string."""
    loc = sampler.locate(px, py)
    inside = loc[4]
    k = sampler.sample(field.k, loc)
    if field.time_days is None:
        u, v = sampler.sample(field.vx, loc), sampler.sample(field.vy, loc)
        in_time = np.ones(px.shape, dtype=bool)
    else:
        times = field.time_days
        in_time = (t >= times[0] - 1e-9) & (t <= times[-1] + 1e-9)
        j = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
        w = np.clip((t - times[j]) / (times[j + 1] - times[j]), 0.0, 1.0)
        u = (1 - w) * sampler.sample(field.vx, loc, lead=j) + w * sampler.sample(field.vx, loc, lead=j + 1)
        v = (1 - w) * sampler.sample(field.vy, loc, lead=j) + w * sampler.sample(field.vy, loc, lead=j + 1)
    valid = np.isfinite(u) & np.isfinite(v)
    why = np.where(
        ~inside, "left_grid", np.where(~in_time, "outside_time", np.where(~valid, "no_data", "completed"))
    ).astype(object)
    return u * k, v * k, why


def _stop(active, reason, why):
    bad = why != "completed"
    reason[bad] = why[bad]
    active &= ~bad


def tracks_frame(tracks: list[Track], crs):
    """Tracks as a geopandas GeoDataFrame of LineStrings in ``crs`` (map metres).

    Columns: ``track`` (number), ``start_date`` and ``end_date`` (ISO), ``duration_days``,
    ``length_m`` (along the path, map metres), ``stop_reason``.
    """
    from shapely.geometry import LineString, Point

    from ..io import geodataframe

    rows, geoms = [], []
    for i, tr in enumerate(tracks):
        ok = np.isfinite(tr.xs) & np.isfinite(tr.ys)
        xs, ys, ts = tr.xs[ok], tr.ys[ok], tr.t_days[ok]
        geoms.append(LineString(np.column_stack([xs, ys])) if xs.size > 1 else Point(xs[0], ys[0]))
        iso = np.datetime_as_string((np.asarray(ts[[0, -1]]) * 86400).astype("int64").astype("datetime64[s]"))
        rows.append(
            {
                "track": i,
                "start_date": str(iso[0]),
                "end_date": str(iso[1]),
                "duration_days": float(abs(ts[-1] - ts[0])),
                "length_m": float(np.hypot(np.diff(xs), np.diff(ys)).sum()),
                "stop_reason": tr.stop_reason,
            }
        )
    return geodataframe(rows, geoms, crs)
