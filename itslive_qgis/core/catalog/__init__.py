"""The ITS_LIVE datacube catalog: load, cache, validate and search it."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "Catalog": "catalog",
    "CatalogLoadResult": "catalog",
    "CubeMatch": "records",
    "CubeRecord": "records",
    "FOOTPRINT_FIELDS": "records",
    "STATUS_CACHE": "catalog",
    "STATUS_REFRESHED": "catalog",
    "STATUS_REFRESH_FAILED": "catalog",
    "cube_urls_for_area": "catalog",
    "load_catalog": "catalog",
    "tile_name": "records",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
