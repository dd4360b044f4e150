"""Coordinate reference systems and areas.

The names below are this room's public face. They are imported when first used, so the plugin
starts (and says what is missing) without the heavy packages some of them need.
"""

from .. import lazy_face

#: public name -> the module of this room that defines it
_FACE = {
    "Area": "area",
    "area_geometry": "area",
    "as_crs": "crs",
    "crs_from_attrs": "crs",
    "crs_from_dataset": "crs",
    "crs_info": "crs",
    "epsg_of": "crs",
    "require_shapely": "crs",
    "transform_geometry": "crs",
    "transform_xy": "crs",
    "transformer": "crs",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
