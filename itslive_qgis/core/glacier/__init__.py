"""Glaciers as units: outlines on a cube grid (cell fractions, pixel masks, chunks touched), stats."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "OutlineMask": "outline",
    "glacier_stats": "stats",
    "mask_dataset": "mask",
    "weighted_median": "stats",
    "write_stats_csv": "stats",
    "outline_mask": "outline",
    "read_outlines": "outline",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
