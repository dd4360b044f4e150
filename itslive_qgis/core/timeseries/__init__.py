"""The velocity history of one pixel: its pairs, filters and an inverted series.

The names below are this room's public face. They are imported when first used, so the plugin
starts (and says what is missing) without the heavy packages some of them need.
"""

from .. import lazy_face

#: public name -> the module of this room that defines it
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
