"""The ITS_LIVE datacube catalog: load, cache, validate and search it.

The names below are this room's public face. They are imported when first used, so the plugin
starts (and says what is missing) without the heavy packages some of them need.
"""

from .. import lazy_face

#: public name -> the module of this room that defines it
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
