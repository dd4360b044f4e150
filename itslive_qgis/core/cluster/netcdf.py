"""A complete cluster result as a NetCDF file beside it, so QGIS loads it like an in-process result.

Why a copy: GDAL 3.6's Zarr driver opens a (time, y, x) array of the store only as one 2-D
subdataset per time index (``ZARR:"r.zarr":/v:0``, ``/v:1``, ...; ``ZARR:"r.zarr":/v`` fails with
"Indices of extra dimensions must be specified"), so neither one multi-band raster with
per-band time ranges nor MDAL's vx/vy arrows can be had from the store itself. The store is
written (through ``xarray.to_netcdf``, :func:`core.io.files.atomic_output`) once to
``<store>.nc`` next to it (``inv.zarr`` -> ``inv.zarr.nc``), with the same CF encoding as the
in-process writers (data types kept, NaN fill, CF time) and the variables in the in-process
order (the template's ``itslive_variable_order``: Zarr lists them sorted); a later load
reuses that file while it is newer than the store's completion (its consolidated metadata).
An incomplete store is refused (:func:`result_store.open_result`). A store at an ``s3://`` URL
is copied into the plugin's cache folder by :func:`.remote_result.cached_netcdf`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataError, InputError
from .result_store import COMPLETE_ATTR, ORDER_ATTR, SOFTWARE, open_result, zarr_store

#: suffix added to the store's name for its NetCDF copy
NETCDF_SUFFIX = ".nc"


def netcdf_path(store) -> Path:
    """Where the NetCDF copy of a local store goes: ``<store name>.nc`` in the same folder."""
    store = Path(store)
    return store.with_name(store.name.rstrip("/") + NETCDF_SUFFIX)


def result_as_netcdf(store, output=None, storage_options: dict | None = None) -> Path:
    """The NetCDF copy of a complete cluster result (written when absent or older than the store).

    Parameters
    ----------
    store : local ``.zarr`` folder or fsspec URL written by a cluster run.
    output : NetCDF path; default :func:`netcdf_path` (required for a URL).

    Raises
    ------
    DataError : the store is not complete (its run did not finish).
    InputError : a URL without ``output``.
    """
    text = str(store)
    if output is None:
        if "://" in text:
            raise InputError(
                f"{text} is remote: give the local NetCDF path to copy it to (or use cached_netcdf, which "
                "copies it once into the cache folder)."
            )
        output = netcdf_path(text)
    output = Path(output)
    from .subset import is_subset_result, subset_as_netcdf

    if is_subset_result(text, storage_options):  # a subset: copied by the subset's own NetCDF writer
        return subset_as_netcdf(text, output, storage_options)
    _check_cluster_store(text, storage_options)
    ds = open_result(text, storage_options)  # refuses an incomplete store
    if "://" not in text and _fresh(output, Path(text)):
        ds.close()
        return output
    with ds:
        _write(ds.load(), output, text)
    return output


def _check_cluster_store(target: str, storage_options: dict | None) -> None:
    """DataError for a Zarr store that no cluster run wrote (e.g. an in-process subset)."""
    import zarr

    try:
        group = zarr.open_group(
            zarr_store(target, storage_options), mode="r", zarr_format=2, use_consolidated=False
        )
        software = group.attrs.get("software")
    except Exception:  # no readable group metadata: not a cluster result either
        software = None
    if software != SOFTWARE:
        raise DataError(
            f"{target} is not the result of a DASK_SCHEDULER run (no software = '{SOFTWARE}' attribute). "
            "QGIS's GDAL shows no 3-D Zarr array, so only cluster results are loaded from Zarr: write "
            "this result to NetCDF (.nc) to load it."
        )


def _fresh(output: Path, store: Path) -> bool:
    mark = store / ".zmetadata"
    return output.is_file() and mark.is_file() and output.stat().st_mtime >= mark.stat().st_mtime


def _write(ds, output: Path, store: str) -> None:
    from ..io import NETCDF_WRITE_LOCK, cf
    from ..io.files import atomic_output

    order = [name for name in str(ds.attrs.get(ORDER_ATTR, "")).split() if name in ds.data_vars]
    ds = ds[order + [name for name in ds.data_vars if name not in order]]  # the in-process order
    attrs = {k: v for k, v in ds.attrs.items() if k not in (COMPLETE_ATTR, ORDER_ATTR)}
    note = f"copied to NetCDF from the complete cluster result {store} (GDAL 3.6 reads no 3-D Zarr)"
    attrs["history"] = f"{attrs['history']}\n{note}" if attrs.get("history") else note
    ds = ds.copy()
    ds.attrs = attrs
    for var in ds.variables.values():
        var.encoding = {}  # Zarr encodings (chunks, compressor) do not apply to NetCDF
    encoding = {}
    for name, var in ds.data_vars.items():
        if var.ndim >= 2 and not name.endswith("_bnds"):
            encoding[name] = {"zlib": True, "complevel": 4, "shuffle": True}
            if np.issubdtype(var.dtype, np.floating):
                encoding[name]["_FillValue"] = var.dtype.type(np.nan)
    encoding = cf.encoding(ds, False, encoding)
    with NETCDF_WRITE_LOCK, atomic_output(output) as tmp:  # netCDF-C is not thread-safe (a loader thread)
        ds.to_netcdf(tmp, engine="netcdf4", encoding=encoding)
