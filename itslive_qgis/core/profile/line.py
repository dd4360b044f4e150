"""Points every ``spacing_m`` along a polyline, with the line's direction at each of them.

Distances are MAP metres in the line's (= the velocity grid's) projected CRS. On ITS_LIVE's
conformal projections a ground distance is the map distance divided by the scale factor k
(k = 0.97-1.0 on polar stereographic at 70 degrees; 0.9996-1.0004 on UTM).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError

#: default sample spacing (map metres): the ITS_LIVE 120 m grid
DEFAULT_SPACING_M = 120.0
#: most samples along one line (a profile holds time x samples values)
MAX_SAMPLES = 200_000


@dataclass
class LineSamples:
    """Samples along a line: map positions (m), distance from the first vertex (m), unit tangent."""

    x: np.ndarray
    y: np.ndarray
    distance_m: np.ndarray
    tx: np.ndarray
    ty: np.ndarray

    @property
    def length_m(self) -> float:
        """Distance of the last sample from the first vertex (map metres)."""
        return float(self.distance_m[-1])


def sample_line(xs, ys, spacing_m: float = DEFAULT_SPACING_M) -> LineSamples:
    """Sample the polyline ``(xs, ys)`` (map metres) at 0, spacing, 2 spacing, ... and at its end.

    The tangent at a sample is the direction of the segment it lies on (at a vertex, the
    segment that starts there); the across-line direction is the tangent turned 90 degrees
    counter-clockwise (to the left of the line's direction). Repeated vertices are dropped.
    """
    x = np.asarray(xs, dtype="float64").ravel()
    y = np.asarray(ys, dtype="float64").ravel()
    if x.shape != y.shape or x.size < 2 or not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise InputError("The line needs at least two vertices with finite x, y (map metres).")
    if not (np.isfinite(spacing_m) and spacing_m > 0):
        raise InputError(f"SPACING_M must be a positive number of metres, not {spacing_m!r}.")
    seg = np.hypot(np.diff(x), np.diff(y))
    keep = np.concatenate([[True], seg > 0])
    x, y = x[keep], y[keep]
    seg = seg[seg > 0]
    if seg.size == 0:
        raise InputError("The line has zero length (all its vertices coincide).")
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    total = float(cum[-1])
    n = int(np.floor(total / spacing_m + 1e-9)) + 1
    if n > MAX_SAMPLES:
        raise InputError(
            f"A {total:.0f} m line at SPACING_M = {spacing_m:g} m is {n} samples, above {MAX_SAMPLES}: "
            f"raise SPACING_M to at least {total / MAX_SAMPLES:.3g} m."
        )
    d = spacing_m * np.arange(n)
    if total - d[-1] > 1e-6 * spacing_m:
        d = np.append(d, total)
    i = np.clip(np.searchsorted(cum, d, side="right") - 1, 0, seg.size - 1)
    f = (d - cum[i]) / seg[i]
    dx, dy = np.diff(x), np.diff(y)
    return LineSamples(
        x=x[i] + f * dx[i],
        y=y[i] + f * dy[i],
        distance_m=d,
        tx=dx[i] / seg[i],
        ty=dy[i] / seg[i],
    )
