"""The result of a cluster run: a Zarr (v2) store written block by block, declared complete last.

Order of writes: the template (coordinates, attributes, empty arrays; no completion mark),
then every block's region (by the workers, in any order, retried when a worker dies: a
region is written whole again, so a half-written chunk of a lost worker is overwritten),
then :func:`finalize`: the group attribute ``itslive_complete = "yes"`` and the consolidated
metadata (``.zmetadata``), the very last object. :func:`open_result` refuses a store
without both, so an interrupted run can never be read as a result. A local store is written
under a temporary name and renamed onto the final name after :func:`finalize`.
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError, InputError

#: group attribute set by :func:`finalize`, after every block was written
COMPLETE_ATTR = "itslive_complete"
SOFTWARE = "itslive_qgis (core.cluster)"
#: group attribute: the data variables in the order of the in-process result (a copy keeps it)
ORDER_ATTR = "itslive_variable_order"


def create_template(target: str, template, storage_options: dict | None = None) -> None:
    """Write coordinates, attributes and empty (time, y, x) arrays of ``template`` (dask-backed)."""
    import zarr

    _remove_consolidated(target, storage_options)
    attrs = dict(template.attrs)
    attrs.pop(COMPLETE_ATTR, None)
    attrs["software"] = SOFTWARE
    attrs[ORDER_ATTR] = " ".join(str(name) for name in template.data_vars)  # Zarr lists them sorted
    encoding = {}
    for name, var in template.data_vars.items():
        if var.ndim == 3:
            encoding[name] = {"_FillValue": np.float32(np.nan)} if var.dtype.kind == "f" else {}
    from ..io import cf

    # CF time (float64 days since 1970, the same units on time_bnds), no fill on coordinates
    encoding = cf.encoding(template, is_zarr=True, base=encoding)
    with zarr.config.set({"array.write_empty_chunks": False}):
        template.assign_attrs(attrs).to_zarr(
            target,
            mode="w",
            compute=False,
            zarr_format=2,
            consolidated=False,
            encoding=encoding,
            storage_options=storage_options,
        )
    _bounds_without_units(target, template, storage_options)


def _bounds_without_units(target: str, template, storage_options: dict | None) -> None:
    """CF 7.1: a boundary variable takes its units and calendar from its coordinate (xarray writes
    them on ``time_bnds`` too; readers, xarray included, take them from ``time``)."""
    import zarr

    names = [str(v.attrs["bounds"]) for v in template.variables.values() if "bounds" in v.attrs]
    if not names:
        return
    group = zarr.open_group(target, mode="r+", zarr_format=2, storage_options=storage_options)
    for name in names:
        if name in group:
            attrs = group[name].attrs
            for key in ("units", "calendar"):
                if key in attrs:
                    del attrs[key]


def write_region(target: str, block, ys: slice, xs: slice, storage_options: dict | None = None) -> None:
    """Write the (..., y, x) variables of ``block`` into rows ``ys``, columns ``xs`` of the store."""
    names = [n for n, v in block.data_vars.items() if "y" in v.dims and "x" in v.dims]
    part = block[names].drop_vars([c for c in block.coords])
    part.attrs = {}
    for name in names:
        part[name].attrs = {}
        part[name].encoding = {}
    part.to_zarr(
        target,
        region={d: ys if d == "y" else xs if d == "x" else slice(0, part.sizes[d]) for d in part.dims},
        zarr_format=2,
        consolidated=False,
        storage_options=storage_options,
    )


def finalize(target: str, storage_options: dict | None = None) -> None:
    """Mark the store complete and write its consolidated metadata (the last object written)."""
    import zarr

    group = zarr.open_group(
        zarr_store(target, storage_options), mode="r+", zarr_format=2, use_consolidated=False
    )
    group.attrs[COMPLETE_ATTR] = "yes"
    zarr.consolidate_metadata(zarr_store(target, storage_options), zarr_format=2)


def is_complete(target: str, storage_options: dict | None = None) -> bool:
    """True when the store was finalized (completion mark and consolidated metadata)."""
    import zarr

    try:
        store = zarr_store(target, storage_options)
        group = zarr.open_group(store, mode="r", zarr_format=2, use_consolidated=True)
        fresh = zarr.open_group(store, mode="r", zarr_format=2, use_consolidated=False)
    except Exception:  # absent or unreadable metadata: not a complete store
        return False
    return group.attrs.get(COMPLETE_ATTR) == "yes" and fresh.attrs.get(COMPLETE_ATTR) == "yes"


def open_result(target, storage_options: dict | None = None):
    """Open a cluster result (xarray, lazy); :class:`DataError` when the run did not finish."""
    import xarray as xr

    target = str(target)
    if not is_complete(target, storage_options):
        raise DataError(
            f"{target} is not a complete result: the run that wrote it did not finish (no "
            f"'{COMPLETE_ATTR}' mark and consolidated metadata). Run it again."
        )
    return xr.open_zarr(target, consolidated=True, zarr_format=2, storage_options=storage_options)


def zarr_store(target: str, storage_options: dict | None):
    """The zarr store object of a local path or an fsspec URL."""
    if "://" in target:
        from zarr.storage import FsspecStore

        return FsspecStore.from_url(target, storage_options=storage_options or {})
    from zarr.storage import LocalStore

    return LocalStore(target)


def clear_completion(target: str, storage_options: dict | None = None) -> None:
    """Before a template is written over an older run's store at a URL: remove its ``.zmetadata``."""
    _remove_consolidated(target, storage_options)


def _remove_consolidated(target: str, storage_options: dict | None) -> None:
    """Remove an older run's ``.zmetadata`` first, so a half-rewritten store never reads complete."""
    if "://" not in target:
        return
    import fsspec

    fs, path = fsspec.core.url_to_fs(target, **(storage_options or {}))
    key = path.rstrip("/") + "/.zmetadata"
    if fs.exists(key):
        fs.rm(key)


def check_target(target: str, parameter: str = "OUTPUT") -> None:
    """InputError when ``target`` is neither a ``.zarr`` path nor an fsspec URL."""
    if "://" in target:
        return
    if not target.lower().rstrip("/").endswith(".zarr"):
        raise InputError(
            f"{parameter}: a cluster run writes a Zarr store: give a .zarr folder or an s3:// URL, "
            f"got {target}."
        )


def final_target(output) -> str:
    """Where a run's result ends: the URL as given, or the absolute local path."""
    from pathlib import Path

    text = str(output).strip()
    return text if "://" in text else str(Path(text).expanduser().absolute())
