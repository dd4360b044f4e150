"""Which optional Python packages are importable, and how to install the rest.

Pure Python (no QGIS): the plugin, the options page, the dock and the Processing
algorithms all ask here, so a user without xarray/zarr/s3fs/torch gets one exact
message instead of a traceback.
"""

from __future__ import annotations

import importlib.util
from functools import cache

#: import name -> pip requirement (pins match requirements.txt)
PACKAGES = {
    "numpy": "numpy<2",
    "xarray": "xarray",
    "zarr": "zarr>=3,<3.1.6",
    "s3fs": "s3fs",
    "torch": "torch",
    "rasterio": "rasterio",
    "pyproj": "pyproj",
    "shapely": "shapely",
    "netCDF4": "netCDF4",
    "matplotlib": "matplotlib",
}

#: capability -> import names it needs
CAPABILITIES = {
    "catalog": ("numpy", "pyproj", "shapely", "s3fs"),
    "subset": ("numpy", "xarray", "zarr", "s3fs", "pyproj", "shapely", "netCDF4"),
    "mosaic": ("numpy", "rasterio", "pyproj", "shapely"),
    "inversion": ("numpy", "xarray", "zarr", "torch", "netCDF4"),
    "strain": ("numpy", "xarray", "pyproj", "rasterio", "netCDF4"),
    "tracking": ("numpy", "xarray", "pyproj"),
    "timeseries": ("numpy", "xarray", "zarr", "s3fs", "torch", "pyproj", "shapely", "matplotlib"),
}


@cache
def is_available(name: str) -> bool:
    """True when ``name`` can be imported (checked without importing it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def missing(capability: str | None = None) -> list[str]:
    """Import names missing for ``capability`` (or for any capability when None)."""
    if capability is None:
        names = sorted({n for needs in CAPABILITIES.values() for n in needs})
    else:
        names = list(CAPABILITIES[capability])
    return [n for n in names if not is_available(n)]


def install_hint(names: list[str]) -> str:
    """The pip command that installs ``names`` into the Python QGIS runs."""
    reqs = " ".join(f'"{PACKAGES.get(n, n)}"' for n in names)
    return f"python3 -m pip install --user {reqs}"


def missing_message(capability: str | None = None) -> str:
    """Empty when everything is there; else which packages are missing and how to install them."""
    names = missing(capability)
    if not names:
        return ""
    return (
        f"Missing Python packages: {', '.join(names)}. Install them into the Python that QGIS uses, "
        f"e.g. in the QGIS Python console or a terminal: {install_hint(names)} "
        "(on Windows use the OSGeo4W shell). Then restart QGIS."
    )


def clear_cache() -> None:
    """Forget cached look-ups (after the user installed something)."""
    is_available.cache_clear()
