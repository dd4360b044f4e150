"""Where data lives and how it is reached: the store settings, local files, HDF5 quirks."""

from .cube_store import (
    ALL_CHUNKS_ATTR,
    cf_attrs,
    chunk_grid,
    chunk_key,
    decode_cf,
    dims_of,
    open_cube_dataset,
    open_cube_store,
    open_group,
    read_block,
    row_prefix,
)
from .files import atomic_output, check_output, writable_folder, write_bytes
from .frames import geodataframe
from .hdf5 import NETCDF_WRITE_LOCK, library_lock, silence_hdf5_diagnostics
from .remote import gdal_options, get_object
from .retry import FetchStats, describe_stats
from .runner import run, start, stop, wait
from .store import (
    DEFAULT_BUCKET,
    ENV_ENDPOINT,
    StoreConfig,
    check_endpoint,
    confine_url,
    default_cache_dir,
    is_remote,
    to_s3_url,
)

__all__ = [
    "ALL_CHUNKS_ATTR",
    "DEFAULT_BUCKET",
    "ENV_ENDPOINT",
    "FetchStats",
    "NETCDF_WRITE_LOCK",
    "StoreConfig",
    "atomic_output",
    "cf_attrs",
    "check_endpoint",
    "check_output",
    "chunk_grid",
    "chunk_key",
    "confine_url",
    "decode_cf",
    "default_cache_dir",
    "describe_stats",
    "dims_of",
    "gdal_options",
    "geodataframe",
    "get_object",
    "is_remote",
    "library_lock",
    "open_cube_dataset",
    "open_cube_store",
    "open_group",
    "read_block",
    "row_prefix",
    "run",
    "silence_hdf5_diagnostics",
    "start",
    "stop",
    "to_s3_url",
    "wait",
    "writable_folder",
    "write_bytes",
]
