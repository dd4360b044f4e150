"""A dataset reduced to an outline: the window of the outline's pixels, NaN outside it, and the chunks
wholly outside it never read.

For a dask-backed dataset (a cube opened lazily) every gridded float variable is rebuilt chunk by
chunk: a spatial chunk holding an inside pixel is the source chunk with the outside pixels set to NaN,
a chunk wholly outside is a constant NaN block with no link to the source, so computing the result
(an inversion, a download) never fetches it. A numpy-backed dataset is masked in memory.
"""

from __future__ import annotations

import numpy as np

from .outline import outline_mask


def mask_dataset(ds, geometry, geometry_crs=None, crs=None):
    """``(masked dataset, OutlineMask of the window)`` of ``ds`` (dims ``..., y, x``) and an outline.

    ``geometry``: a shapely (multi)polygon in ``geometry_crs`` (default: the dataset's CRS, or ``crs``
    when the dataset does not carry one). Pixels are inside when any part of their cell is.
    """
    from ..geo import crs_from_dataset

    grid_crs = crs_from_dataset(ds, crs)
    full = outline_mask(geometry, ds["x"].values, ds["y"].values, grid_crs, geometry_crs or grid_crs)
    rows, cols = full.window()
    ds = ds.isel(y=rows, x=cols)
    mask = outline_mask(geometry, ds["x"].values, ds["y"].values, grid_crs, geometry_crs or grid_crs)
    out = ds.copy()
    for name, var in ds.data_vars.items():
        if "y" not in var.dims or "x" not in var.dims or var.dtype.kind != "f":
            continue
        out[name] = var.copy(data=_masked(var, mask.inside))
    return out, mask


def _masked(var, inside):
    """The data of ``var`` with NaN where ``inside`` (y, x) is False; dask: outside chunks not read."""
    order = [d for d in var.dims if d not in ("y", "x")] + ["y", "x"]
    data = var.transpose(*order).data
    shape = (1,) * (len(order) - 2) + inside.shape
    keep = inside.reshape(shape)
    if not hasattr(data, "dask"):
        values = np.where(keep, data, np.nan).astype(var.dtype)
        return np.transpose(values, np.argsort([order.index(d) for d in var.dims]))
    import dask.array as da

    ry = np.cumsum((0,) + data.chunks[-2])
    cx = np.cumsum((0,) + data.chunks[-1])
    lead = data.shape[:-2]
    rows = []
    for i in range(len(ry) - 1):
        row = []
        for j in range(len(cx) - 1):
            part = inside[ry[i] : ry[i + 1], cx[j] : cx[j + 1]]
            if part.any():
                piece = data[..., ry[i] : ry[i + 1], cx[j] : cx[j + 1]]
                row.append(
                    da.where(part.reshape((1,) * len(lead) + part.shape), piece, np.nan).astype(data.dtype)
                )
            else:
                chunks = data.chunks[:-2] + ((part.shape[0],), (part.shape[1],))
                row.append(da.full(lead + part.shape, np.nan, dtype=data.dtype, chunks=chunks))
        rows.append(row)
    nested = rows
    for _ in lead:
        nested = [nested]
    result = da.block(nested)
    return result.transpose(tuple(int(i) for i in np.argsort([order.index(d) for d in var.dims])))
