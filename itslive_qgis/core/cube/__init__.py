"""ITS_LIVE image-pair datacubes: opening them, cleaning their pair axis, filtering pairs.

The names below are this room's public face. They are imported when first used, so the plugin
starts (and says what is missing) without the heavy packages some of them need.
"""

from .. import lazy_face

#: public name -> the module of this room that defines it
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
