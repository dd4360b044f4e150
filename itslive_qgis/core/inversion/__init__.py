"""Temporal inversion of image-pair velocities onto a regular time grid.

The names below are this room's public face. They are imported when first used, so the plugin
starts (and says what is missing) without the heavy packages some of them need.
"""

from .. import lazy_face

#: public name -> the module of this room that defines it
_FACE = {
    "DEFAULT_WEIGHTING": "dataset",
    "invert_dataset": "dataset",
    "invert_pixels": "api",
    "write_netcdf": "dataset",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
