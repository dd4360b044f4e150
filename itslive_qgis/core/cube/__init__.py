"""ITS_LIVE image-pair datacubes: opening them, cleaning their pair axis, filtering pairs."""

from .filters import PairFilter, normalise_satellites
from .pairs import (
    DEFAULT_VARIABLES,
    EPOCH,
    NS_PER_DAY,
    PAIR_DIM,
    clean_pairs,
    open_cube,
    open_pairs,
    pair_dates_days,
    require_xarray,
    select_extent,
    to_days,
)

__all__ = [
    "DEFAULT_VARIABLES",
    "EPOCH",
    "NS_PER_DAY",
    "PAIR_DIM",
    "PairFilter",
    "clean_pairs",
    "normalise_satellites",
    "open_cube",
    "open_pairs",
    "pair_dates_days",
    "require_xarray",
    "select_extent",
    "to_days",
]
