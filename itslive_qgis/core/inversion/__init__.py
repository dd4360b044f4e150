"""Temporal inversion of image-pair velocities onto a regular time grid."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "DEFAULT_WEIGHTING": "dataset",
    "cuda_possible": "engine",
    "invert_dataset": "dataset",
    "invert_pixels": "api",
    "write_netcdf": "dataset",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
