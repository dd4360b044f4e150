"""The image-pair granules behind a datacube: which pairs cover an extent and a time window, and where
their NetCDF (and browse image) is read from."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "GRANULE_FIELDS": "listing",
    "Granule": "listing",
    "browse_url": "urls",
    "granule_key": "urls",
    "granule_name": "urls",
    "granule_source": "urls",
    "list_granules": "listing",
    "parse_granule_name": "urls",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
