"""Time on layers: per-band ranges for rasters, a shifted reference time for mesh arrows.

Dates are float days since 1970-01-01 (UTC) everywhere in the plugin; here they become
QDateTime/QgsDateTimeRange. Band ranges include their start and exclude their end, so a frame
that starts exactly where one step ends shows the next step, not the previous one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from qgis.core import (
    Qgis,
    QgsDateTimeRange,
    QgsMeshDataProviderTemporalCapabilities,
    QgsMeshLayer,
    QgsRasterLayer,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime, QTimeZone

MS_PER_DAY = 86_400_000


def datetime_from_days(days: float) -> QDateTime:
    """QDateTime (UTC, millisecond precision) of ``days`` since 1970-01-01."""
    return epoch().addMSecs(int(round(float(days) * MS_PER_DAY)))


def days_from_datetime(value: QDateTime | dt.datetime) -> float:
    """Days since 1970-01-01 (UTC) of a QDateTime or a Python datetime (naive = UTC)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return (value - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds() / 86400.0
    return epoch().msecsTo(value) / MS_PER_DAY


def epoch() -> QDateTime:
    """1970-01-01T00:00:00 UTC."""
    return QDateTime(QDate(1970, 1, 1), QTime(0, 0), QTimeZone.utc())


def date_range(start, end, include_end: bool = False) -> QgsDateTimeRange:
    """QgsDateTimeRange from days since 1970-01-01, Python datetimes or QDateTimes (end excluded)."""
    begin = datetime_from_days(start) if isinstance(start, (int, float, np.floating)) else _qdatetime(start)
    finish = datetime_from_days(end) if isinstance(end, (int, float, np.floating)) else _qdatetime(end)
    return QgsDateTimeRange(begin, finish, True, include_end)


def band_ranges(start_days: Sequence[float], end_days: Sequence[float]) -> dict[int, QgsDateTimeRange]:
    """``{band: range}`` (bands from 1) for ``setFixedRangePerBand``; days since 1970-01-01."""
    return {band: date_range(s, e) for band, (s, e) in enumerate(zip(start_days, end_days), start=1)}


def set_band_ranges(layer: QgsRasterLayer, start_days: Sequence[float], end_days: Sequence[float]) -> None:
    """Make ``layer`` temporal with one fixed range per band (QGIS >= 3.38, FixedRangePerBand)."""
    properties = layer.temporalProperties()
    properties.setMode(Qgis.RasterTemporalMode.FixedRangePerBand)
    properties.setFixedRangePerBand(band_ranges(start_days, end_days))
    properties.setIsActive(True)


def align_mesh_to_steps(layer: QgsMeshLayer, start_days: np.ndarray, centre_days: np.ndarray) -> float:
    """Make a mesh layer whose dataset times are step centres switch at step starts.

    QGIS picks the last mesh dataset whose time is <= the frame start, and MDAL gives the
    step centres as dataset times, so a frame starting at a step start would show the
    previous step. Moving the layer's reference time back by the largest half-step makes
    frames that start at any step start show that step (exact for uniform steps; with
    steps of unequal length, a frame starting in the last ``max - min`` half-step days of
    a short step shows the next one).

    Returns
    -------
    The shift in days (>= 0).
    """
    starts = np.asarray(start_days, dtype=np.float64)
    centres = np.asarray(centre_days, dtype=np.float64)
    shift_days = float(np.max(centres - starts)) if centres.size else 0.0
    properties = layer.temporalProperties()
    provider = layer.dataProvider()
    capabilities = provider.temporalCapabilities()
    reference = capabilities.referenceTime()
    if not reference.isValid():
        reference = epoch()
    properties.setReferenceTime(reference.addMSecs(-int(round(shift_days * MS_PER_DAY))), capabilities)
    properties.setAlwaysLoadReferenceTimeFromSource(False)
    properties.setMatchingMethod(
        QgsMeshDataProviderTemporalCapabilities.MatchingTemporalDatasetMethod.FindClosestDatasetBeforeStartRangeTime
    )
    properties.setIsActive(True)
    return shift_days


def _qdatetime(value) -> QDateTime:
    if isinstance(value, QDateTime):
        return value
    if isinstance(value, dt.datetime):
        return datetime_from_days(days_from_datetime(value))
    if isinstance(value, dt.date):
        return datetime_from_days(days_from_datetime(dt.datetime(value.year, value.month, value.day)))
    if isinstance(value, np.datetime64):
        return datetime_from_days((value - np.datetime64("1970-01-01", "ms")) / np.timedelta64(1, "D"))
    raise TypeError(f"Cannot convert {value!r} to a date/time.")
