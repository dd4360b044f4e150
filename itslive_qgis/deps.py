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
    "numba": "numba",
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
