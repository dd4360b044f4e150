"""Coordinate reference systems and areas."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
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
