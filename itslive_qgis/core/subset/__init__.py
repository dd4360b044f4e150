"""Download a clean subset of ITS_LIVE datacubes: an area, a time window, some variables."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "SubsetPlan": "api",
    "SubsetResult": "api",
    "estimate_subset": "api",
    "software_version": "output",
    "subset_cubes": "api",
    "subset_layout": "api",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
