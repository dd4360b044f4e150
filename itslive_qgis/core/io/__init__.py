"""Where data lives and how it is reached: the store settings, local files, HDF5 quirks."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "ALL_CHUNKS_ATTR": "cube_store",
    "DEFAULT_BUCKET": "store",
    "ENV_ENDPOINT": "store",
    "FetchStats": "retry",
    "NETCDF_WRITE_LOCK": "hdf5",
    "StoreConfig": "store",
    "atomic_output": "files",
    "cf_attrs": "cube_store",
    "check_endpoint": "store",
    "check_output": "files",
    "chunk_grid": "cube_store",
    "chunk_key": "cube_store",
    "confine_url": "store",
    "decode_cf": "cube_store",
    "default_cache_dir": "store",
    "describe_stats": "retry",
    "dims_of": "cube_store",
    "gdal_options": "remote",
    "geodataframe": "frames",
    "get_object": "remote",
    "is_remote": "store",
    "library_lock": "hdf5",
    "open_cube_dataset": "cube_store",
    "open_cube_store": "cube_store",
    "open_group": "cube_store",
    "raw_pair_reader": "raw_pairs",
    "read_block": "cube_store",
    "row_prefix": "cube_store",
    "run": "runner",
    "silence_hdf5_diagnostics": "hdf5",
    "start": "runner",
    "stop": "runner",
    "to_s3_url": "store",
    "wait": "runner",
    "writable_folder": "files",
    "write_bytes": "files",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
