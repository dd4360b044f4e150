"""Running the heavy steps on a dask.distributed cluster: scheduler address, block plan, result store.

The client plans blocks of whole chunk columns and submits one task per block; each worker
reads its block from S3 itself (through core.io, with the StoreConfig that travels with the
task: ITS_LIVE is anonymous, no credential ever travels), computes it with the rooms' public
API and writes its region of a Zarr store. The store is declared complete only at the end.
"""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "COMPLETE_ATTR": "result_store",
    "ClusterRun": "jobs",
    "SchedulerSpec": "scheduler",
    "cached_netcdf": "remote_result",
    "connect": "scheduler",
    "invert_on_cluster": "invert",
    "netcdf_path": "netcdf",
    "open_result": "result_store",
    "parse_scheduler": "scheduler",
    "plan_blocks": "blocks",
    "require_distributed": "scheduler",
    "result_as_netcdf": "netcdf",
    "result_storage_options": "remote_result",
    "result_url": "remote_result",
    "strain_on_cluster": "strain",
    "subset_as_netcdf": "subset",
    "subset_on_cluster": "subset",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
