"""Gaussian-process smoothing of a point's image pairs, each pair observing the mean over its interval."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "GPHyper": "interval",
    "IntervalGP": "interval",
    "fit_interval_gp": "interval",
    "gp_point": "point",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
