"""Surface elevation: ICESat-2 ATL06 heights, gridded height change dh/dt, and mass balance."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "BEAMS": "atl06",
    "DEFAULT_CMR_URL": "cmr",
    "DHDT_VARIABLES": "dhdt",
    "EARTHDATA_SETUP_HELP": "earthdata",
    "EarthdataLogin": "earthdata",
    "GranuleList": "sources",
    "GridSpec": "grids",
    "MASS_BALANCE_VARIABLES": "massbalance",
    "SIGN_CONVENTION": "massbalance",
    "SLIDERULE_INSTALL_HELP": "sliderule",
    "SLIDERULE_PRODUCTS": "sliderule",
    "HeightChangeSeries": "series",
    "HeightQuery": "atl06",
    "NASA_BUCKET": "sources",
    "dhdt_from_gridded": "dhdt",
    "dhdt_from_points": "dhdt",
    "dhdt_series_from_gridded": "dhdt",
    "find_granules": "sources",
    "frame_from_sliderule": "sliderule",
    "gps_to_utc": "atl06",
    "height_change_at": "series",
    "is_height_change_source": "series",
    "login_from_netrc": "earthdata",
    "mass_balance": "massbalance",
    "mass_balance_to_file": "massbalance",
    "open_granules": "sources",
    "read_granule": "atl06",
    "read_heights": "atl06",
    "read_sliderule": "sliderule",
    "sliderule_host": "sliderule",
    "s3_credentials": "earthdata",
    "search_granules": "cmr",
    "write_dhdt": "dhdt",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
