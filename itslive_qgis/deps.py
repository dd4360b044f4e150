"""Which Python packages the plugin needs, in which installable set, and which are importable.

Pure Python (no QGIS, no third-party import): the plugin, the options page, the dock, the
Processing algorithms and the installer (:mod:`itslive_qgis.installer`) all ask here, so this
is the one place that says which algorithm needs which set of packages.

Sets (``itslive:installdependencies SETS=core,numba``):

- ``core``: what the algorithms need (catalog, subset, mosaic, strain, tracking);
- ``numba``: the CPU solver of the inversion and point series (compiled band kernels; the
  engine works in numpy, so numpy + numba is all the CPU path needs);
- ``torch``: only for CUDA (the inversion on an NVIDIA GPU; the registry's Linux build brings
  CUDA). Without numba, an installed torch is also used as a slower CPU solver;
- ``frames``: GeoDataFrames for notebook users (geopandas);
- ``distributed``: DASK_SCHEDULER of itslive:invert (core.cluster): a LocalCluster on this machine
  or a remote dask cluster. Optional: without it the plugin loads and runs in process, and a run
  asking for a scheduler says what to install;
- ``icesat2``: ICESat-2 ATL06 granules: h5py reads local files (Debian's python3-h5py; protected:
  never replaced by a wheel), h5coro reads granules on S3 (only the bytes needed). h5coro is
  optional: without it local files still work and an S3 or CMR source says what to install.
  earthaccess (which h5coro's wheel pulls in) is not used: the CMR search and the Earthdata login
  are on the standard library (core/elevation/cmr.py, earthdata.py say why);
- ``sliderule``: SlideRule's on-demand ICESat-2 service (the SOURCE of itslive:icesat2heights,
  online only): the ``sliderule`` client, installed WITHOUT its dependencies (``no_deps``): its
  requirements (numpy, shapely, geopandas, pyarrow unpinned) would bring numpy 2 and the
  pyproj/shapely wheels that crash QGIS. What it imports is listed instead: geopandas (as
  ``frames``), requests (QGIS's Python has it), pyarrow pinned. Optional: without it the granule
  sources work and the SlideRule source says what to install.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class PackageSet:
    """An installable set: pip requirements (ranges) and the import names that prove it is there."""

    name: str
    description: str
    requirements: tuple[str, ...]
    imports: tuple[str, ...]
    optional: bool = True
    #: download measured on Linux x86_64 / Python 3.11 with Debian's QGIS (scripts/measure_sets.py)
    download_mib: float = 0.0
    #: exact pins (``name==version``) installed with ``pip --no-deps``, left out of pip's resolution:
    #: their declared requirements would replace what QGIS's Python must keep
    no_deps: tuple[str, ...] = ()


#: Versions tested together with QGIS 3.40 on Debian 12 / Python 3.11 (the same as requirements.txt;
#: a unit test keeps them equal). The installer uses them (as constraints) on the tested Python.
TESTED_PINS = {
    "numpy": "1.26.4",
    "torch": "2.13.0",
    "numba": "0.68.1",
    "xarray": "2026.9.0",
    "zarr": "3.1.5",
    "numcodecs": "0.16.6",
    "dask": "2026.8.0",
    "pandas": "3.0.6",
    "fsspec": "2026.9.0",
    "s3fs": "2026.9.0",
    "aiobotocore": "3.10.0",
    "botocore": "1.43.117",
    "boto3": "1.43.117",
    "aiohttp": "3.14.5",
    "h5netcdf": "1.8.2",
    "shapely": "2.0.1",
    "geopandas": "1.0.1",
    "distributed": "2026.8.0",
    "h5coro": "1.0.7",
    "imageio-ffmpeg": "0.8.1",
}
#: the Python the pins were tested on
TESTED_PYTHON = (3, 11)

SETS = {
    "core": PackageSet(
        "core",
        "Datacube catalog, subsets, mosaics, strain rates, flux and tracking (xarray, zarr, s3fs, dask)",
        (
            "numpy",
            "xarray",
            "zarr>=3,<3.1.6",
            "numcodecs",
            "dask",
            "pandas",
            "fsspec",
            "s3fs",
            "aiobotocore",
            "botocore",
            "aiohttp",
            "h5netcdf",
            "shapely",
            "pyproj",
            "netCDF4",
            "rasterio",
            "matplotlib",
        ),
        (
            "numpy",
            "xarray",
            "zarr",
            "numcodecs",
            "dask",
            "pandas",
            "s3fs",
            "h5netcdf",
            "shapely",
            "pyproj",
            "netCDF4",
            "rasterio",
            "matplotlib",
        ),
        optional=False,
        download_mib=61.4,
    ),
    "numba": PackageSet(
        "numba",
        "CPU solver of the inversion and point series (compiled band kernels)",
        ("numba",),
        ("numba",),
        True,
        60.6,
    ),
    "torch": PackageSet(
        "torch",
        "CUDA solver of the inversion, for NVIDIA GPUs only (not needed on the CPU)",
        ("torch",),
        ("torch",),
        download_mib=192.5,  # the CPU wheel; the registry's Linux build brings CUDA (several GB)
    ),
    "frames": PackageSet(
        "frames", "GeoDataFrames for notebook users (geopandas)", ("geopandas",), ("geopandas",), True, 0.3
    ),
    "distributed": PackageSet(
        "distributed",
        "Dask clusters (DASK_SCHEDULER: a local cluster or a remote scheduler)",
        ("distributed",),
        ("distributed",),
        True,
        2.2,
    ),
    "icesat2": PackageSet(
        "icesat2",
        "ICESat-2 heights: local ATL06 files (h5py) and granules read from S3 (h5coro)",
        ("h5py", "h5coro"),
        ("h5py", "h5coro"),
        True,
        0.5,  # measured: h5coro + 10 small wheels it pulls (earthaccess, boto3, python-cmr...); 120 s
    ),
    "video": PackageSet(
        "video",
        "MP4 animations (imageio-ffmpeg: a static ffmpeg with libx264 inside the wheel)",
        ("imageio-ffmpeg",),
        ("imageio_ffmpeg",),
        True,
        64.8,  # measured by scripts/measure_sets.py --sets video: the 0.8.1 wheel, 67,998,402 bytes
    ),
    "sliderule": PackageSet(
        "sliderule",
        "SlideRule's on-demand ICESat-2 heights (online; the sliderule client, without its dependencies)",
        ("geopandas", "requests", "pyarrow==23.0.1"),
        ("sliderule", "pyarrow", "geopandas", "requests"),
        True,
        45.4,  # the two wheels' sizes (pyarrow 23.0.1 cp311 manylinux 47,562,811 B; sliderule 89,218 B)
        no_deps=("sliderule==5.7.0",),
    ),
}


def requirement_name(requirement: str) -> str:
    """``"zarr>=3,<3.1.6"`` -> ``"zarr"``."""
    for i, ch in enumerate(requirement):
        if ch in "<>=!~;[ ":
            return requirement[:i]
    return requirement


#: pip requirement name -> requirement, over every set
PACKAGES = {requirement_name(r): r for s in SETS.values() for r in (*s.requirements, *s.no_deps)}

#: capability -> import names it needs
CAPABILITIES = {
    "catalog": ("numpy", "pyproj", "shapely", "s3fs"),
    "subset": ("numpy", "xarray", "zarr", "s3fs", "pyproj", "shapely", "netCDF4"),
    "mosaic": ("numpy", "rasterio", "pyproj", "shapely"),
    "inversion": ("numpy", "xarray", "zarr", "numba", "netCDF4"),
    "strain": ("numpy", "xarray", "pyproj", "rasterio", "netCDF4"),
    "tracking": ("numpy", "xarray", "pyproj"),
    "timeseries": ("numpy", "xarray", "zarr", "s3fs", "numba", "pyproj", "shapely", "matplotlib"),
    "elevation": ("numpy", "pandas", "xarray", "pyproj", "netCDF4", "h5py"),
    "granules": ("numpy", "xarray", "zarr", "s3fs", "pyproj"),
    "profile": ("numpy", "xarray", "zarr", "pyproj", "rasterio", "netCDF4"),
    "glacier": ("numpy", "xarray", "zarr", "pyproj", "shapely", "pandas"),
}

#: capability -> the sets that provide it (installed together); optional sets that speed it up
CAPABILITY_SETS = {
    "catalog": ("core",),
    "subset": ("core",),
    "mosaic": ("core",),
    "inversion": ("core", "numba"),
    "strain": ("core",),
    "tracking": ("core",),
    "timeseries": ("core", "numba"),
    "elevation": ("core", "icesat2"),
    "granules": ("core",),
    "profile": ("core",),
    "glacier": ("core",),
}
RECOMMENDED_SETS = {"inversion": ("torch",)}  # only where an NVIDIA GPU is there to use (CUDA)


@cache
def is_available(name: str) -> bool:
    """True when ``name`` can be imported (checked without importing it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def refresh() -> None:
    """Forget what :func:`is_available` found (after the installer put a folder on sys.path)."""
    importlib.invalidate_caches()
    is_available.cache_clear()


def missing(capability: str | None = None) -> list[str]:
    """Import names missing for ``capability`` (or for any capability when None)."""
    if capability is None:
        names = sorted({n for needs in CAPABILITIES.values() for n in needs})
    else:
        names = list(CAPABILITIES[capability])
    return [n for n in names if not is_available(n)]


def set_installed(name: str) -> bool:
    """True when every import of the set ``name`` is available."""
    return all(is_available(n) for n in SETS[name].imports)


def missing_sets(capability: str | None = None) -> list[str]:
    """The sets to install so that ``capability`` (or every capability when None) can run."""
    caps = list(CAPABILITY_SETS) if capability is None else [capability]
    wanted = []
    for cap in caps:
        if not missing(cap):
            continue
        for s in CAPABILITY_SETS[cap]:
            if s not in wanted and not set_installed(s):
                wanted.append(s)
    return wanted


def parse_sets(text: str) -> list[str]:
    """``"core, numba"`` -> ``["core", "numba"]``; an unknown name is an error naming the known ones."""
    names = [part.strip().lower() for part in (text or "").split(",") if part.strip()]
    if not names:
        raise ValueError(f"No set given: choose from {', '.join(SETS)}.")
    unknown = [n for n in names if n not in SETS]
    if unknown:
        raise ValueError(f"Unknown set(s) {', '.join(unknown)}: choose from {', '.join(SETS)}.")
    return list(dict.fromkeys(names))


def sets_providing(names: list[str]) -> list[str]:
    """The sets whose imports include ``names`` (core first)."""
    return [s for s in SETS if any(n in SETS[s].imports for n in names)] or ["core"]


#: the big shared libraries of heavy packages (paths inside the package), see :func:`preload`
SHARED_LIBRARIES = {
    "torch": ("lib/libtorch_cpu.so", "lib/libtorch_python.so", "lib/libtorch_cpu.dylib"),
    "llvmlite": ("binding/libllvmlite.so", "binding/libllvmlite.dylib"),
}


def preload(*packages: str) -> int:
    """Load the big shared libraries of ``packages`` with the GIL released; returns how many.

    Python imports an extension module with ``dlopen`` while holding the GIL. For torch's
    ``libtorch_cpu`` (about 0.5 GB) that blocks every other Python thread, the QGIS main thread's
    Python slots included, for 0.2-0.6 s: the window freezes while a background task merely
    imports torch. ``dlopen`` called through ctypes runs with the GIL released, and the import
    that follows finds the libraries already loaded. Measured here: the main thread's largest gap
    while a worker imports torch and loads the band kernels, 185 ms without, 92 ms with.
    Linux and macOS; elsewhere (or for packages that are absent) nothing happens.
    """
    import ctypes
    import os
    import sys

    if sys.platform.startswith("win"):
        return 0
    try:
        libc = ctypes.CDLL(None)
        dlopen = libc.dlopen
    except (OSError, AttributeError):
        return 0
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    loaded = 0
    for package in packages:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        base = list(spec.submodule_search_locations)[0]
        for name in SHARED_LIBRARIES.get(package, ()):
            path = os.path.join(base, name)
            if os.path.exists(path) and dlopen(path.encode(), os.RTLD_NOW | os.RTLD_GLOBAL):
                loaded += 1
    return loaded
