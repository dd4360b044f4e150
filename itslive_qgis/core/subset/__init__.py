"""Download a clean subset of ITS_LIVE datacubes: an area, a time window, some variables.

The names below are this room's public face. They are imported when first used, so the plugin
starts (and says what is missing) without the heavy packages some of them need.
"""

from .. import lazy_face

#: public name -> the module of this room that defines it
_FACE = {
    "SubsetPlan": "api",
    "SubsetResult": "api",
    "estimate_subset": "api",
    "software_version": "output",
    "subset_cubes": "api",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
