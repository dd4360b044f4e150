"""ITS_LIVE annual composites: read the tiles under an area, mosaic them onto one grid, write CF NetCDF."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "ANNUAL_VARIABLES": "api",
    "DEFAULT_VARIABLES": "api",
    "KNOWN_VARIABLES": "api",
    "SENSOR_VARIABLES": "api",
    "SUMMARY_VARIABLES": "api",
    "composite_dataset": "api",
    "composite_to_file": "api",
    "composite_url": "api",
    "composites_for_area": "api",
    "CompositePoint": "point",
    "composite_point": "point",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
