"""The velocity history of one pixel: its pairs, filters and an inverted series."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "PointSeries": "model",
    "RegularSeries": "model",
    "days_to_iso": "series",
    "invert_point": "series",
    "pair_filter_mask": "series",
    "point_series": "series",
    "point_series_from_file": "series",
    "series_to_csv": "series",
    "sort_satellites": "model",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
