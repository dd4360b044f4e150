"""Put the temporal controller on a result's time grid (the desktop does not do it by itself).

Without this, "Animated" runs the project's default 1-hour frames from whatever range the
controller had. A time-dependent result sets the project's temporal range and frame step to its
own steps, aligned to the step edges, and leaves the navigation animated at the first step with data; a
result on the grid the navigation already shows leaves its current frame alone.
"""

from __future__ import annotations

import math

import numpy as np
from qgis.core import Qgis, QgsDateTimeRange, QgsInterval, QgsProject, QgsTemporalNavigationObject

from ..layers import temporal


def first_frame_with_data(source) -> int:
    """Frame (from 0) of the first step where the result's main variable has data."""
    timed = [v for v in source.variables if v.is_temporal and v.time_dimension != "mid_date"]
    primary = next(
        (v for v in timed if v.name in ("v", "e_eff", "dynamic_dhdt")), timed[0] if timed else None
    )
    if primary is None or primary.first_valid_band is None:
        return 0
    return primary.first_valid_band - 1


def time_grid(source) -> tuple[QgsDateTimeRange, float] | None:
    """(range from the first step start to the last step end, step in days) of a regular result."""
    timed = [v for v in source.variables if v.is_temporal and v.time_dimension != "mid_date"]
    if not timed:
        return None
    starts = np.asarray(timed[0].band_start_days, dtype=np.float64)
    ends = np.asarray(timed[0].band_end_days, dtype=np.float64)
    step_days = float(np.median(ends - starts))
    if not step_days > 0:
        return None
    return temporal.date_range(float(starts.min()), float(ends.max())), step_days


def show_time_grid(canvas, project: QgsProject, source) -> bool:
    """Set the project's time settings and the canvas navigation to ``source``'s grid; False if none."""
    grid = time_grid(source)
    if grid is None:
        return False
    extent, step_days = grid
    settings = project.timeSettings()
    settings.setTemporalRange(extent)
    settings.setTimeStep(step_days)
    settings.setTimeStepUnit(Qgis.TemporalUnit.Days)
    navigation = canvas.temporalController() if canvas is not None else None
    if isinstance(navigation, QgsTemporalNavigationObject):
        # a result on the grid the navigation already shows (strain rates of the inversion on the
        # map) keeps the user's frame: going back to the first step with data drew the new layer
        # at a step where only part of the area had pairs (the scenario's strain screenshot)
        # (the dates only: the desktop's temporal controller widget sets its own end inclusion)
        shown = navigation.temporalExtents()
        same_grid = (
            shown.begin() == extent.begin()
            and shown.end() == extent.end()
            and math.isclose(navigation.frameDuration().days(), step_days, rel_tol=1e-9)
        )
        if not same_grid:
            # every change redraws the canvas: the frame first, then the mode, in separate turns
            navigation.setFrameDuration(QgsInterval(step_days, Qgis.TemporalUnit.Days))
            navigation.setTemporalExtents(extent)
            navigation.setCurrentFrameNumber(first_frame_with_data(source))
        if navigation.navigationMode() != Qgis.TemporalNavigationMode.Animated:
            navigation.setNavigationMode(Qgis.TemporalNavigationMode.Animated)
    return True
