"""The velocity history of one pixel: its pairs, filters and an inverted series."""

from .model import PointSeries, RegularSeries, sort_satellites
from .series import (
    days_to_iso,
    invert_point,
    pair_filter_mask,
    point_series,
    point_series_from_file,
    series_to_csv,
)

__all__ = [
    "PointSeries",
    "RegularSeries",
    "days_to_iso",
    "invert_point",
    "pair_filter_mask",
    "point_series",
    "point_series_from_file",
    "series_to_csv",
    "sort_satellites",
]
