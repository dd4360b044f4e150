"""ITS_LIVE image-pair datacubes: opening them, cleaning their pair axis, filtering pairs."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "DEFAULT_VARIABLES": "pairs",
    "EPOCH": "pairs",
    "NS_PER_DAY": "pairs",
    "PAIR_DIM": "pairs",
    "PairFilter": "filters",
    "clean_pairs": "pairs",
    "normalise_satellites": "filters",
    "open_cube": "pairs",
    "open_pairs": "pairs",
    "pair_dates_days": "pairs",
    "require_xarray": "pairs",
    "select_extent": "pairs",
    "to_days": "pairs",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
