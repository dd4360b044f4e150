"""The ITS_LIVE datacube catalog: load, cache, validate and search it."""

from .catalog import (
    STATUS_CACHE,
    STATUS_REFRESH_FAILED,
    STATUS_REFRESHED,
    Catalog,
    CatalogLoadResult,
    cube_urls_for_area,
    load_catalog,
)
from .records import FOOTPRINT_FIELDS, CubeMatch, CubeRecord, tile_name

__all__ = [
    "Catalog",
    "CatalogLoadResult",
    "CubeMatch",
    "CubeRecord",
    "FOOTPRINT_FIELDS",
    "STATUS_CACHE",
    "STATUS_REFRESHED",
    "STATUS_REFRESH_FAILED",
    "cube_urls_for_area",
    "load_catalog",
    "tile_name",
]
