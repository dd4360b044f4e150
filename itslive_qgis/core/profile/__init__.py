"""Velocity along a line: sampling a line every few metres, profiles over time, flowlines."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "DEFAULT_SPACING_M": "line",
    "Flowline": "flowline",
    "hovmoller": "hovmoller",
    "LineSamples": "line",
    "ProfileCurves": "curves",
    "curves_to_csv": "curves",
    "open_profile": "profile",
    "profile_curves": "curves",
    "profile_dataset": "profile",
    "profile_from_disk": "profile",
    "profile_to_disk": "profile",
    "profile_to_file": "profile",
    "sample_line": "line",
    "trace_flowline": "flowline",
    "write_hovmoller": "hovmoller",
    "write_profile": "profile",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
