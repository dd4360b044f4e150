"""The height-change series at one point: dh (m) against time from a gridded height-change source.

Sources (the layouts :mod:`dhdt` reads): an ATL15 file (group ``delta_h``: ``delta_h``,
``delta_h_sigma``), the ITS_LIVE height-change cube (``dh``, ``rmse``, ``quality_flag``: values
flagged non-zero are left out) or an ``itslive:elevationchange`` output written with
``TIME_AXIS`` (``dh``, ``dh_sigma``). The value is the one of the cell holding the point (no
interpolation: the series is the cell's own); a point outside the grid gives an empty series.
``dh`` is relative to the source's own reference epoch (ATL15: its reference DEM), so the point
panel draws it on its own axis beside the ICESat-2 heights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geo import crs_from_dataset, transform_xy
from .dhdt import SERIES_LAYOUTS, open_group

EPOCH = np.datetime64("1970-01-01T00:00:00", "ns")


@dataclass(frozen=True)
class HeightChangeSeries:
    """dh (m) and its 1-sigma (m, NaN when the source has none) at ``days`` since 1970-01-01."""

    source: str
    days: np.ndarray
    dh: np.ndarray
    sigma: np.ndarray

    def __len__(self) -> int:
        return int(self.days.size)


def is_height_change_source(path, storage_options=None) -> bool:
    """True when ``path`` holds a height-change series with a time axis (see the module docstring)."""
    found = _layout(path, storage_options)
    if found is None:
        return False
    found[0].close()
    return True


def height_change_at(path, x: float, y: float, crs, storage_options=None) -> HeightChangeSeries:
    """The series of the cell of ``path`` holding the point (``x``, ``y``) in ``crs``."""
    found = _layout(path, storage_options)
    empty = HeightChangeSeries(str(path), np.array([]), np.array([]), np.array([]))
    if found is None:
        return empty
    ds, value, sigma_name = found
    try:
        gx, gy = ds["x"].values.astype(float), ds["y"].values.astype(float)
        px, py = transform_xy(np.array([x]), np.array([y]), crs, crs_from_dataset(ds, source=str(path)))
        col = _cell(gx, float(np.asarray(px)[0]))
        row = _cell(gy, float(np.asarray(py)[0]))
        if col is None or row is None:
            return empty
        dh = ds[value].isel(x=col, y=row).values.astype(float)
        if "quality_flag" in ds:
            dh = np.where(ds["quality_flag"].isel(x=col, y=row).values == 0, dh, np.nan)
        sigma = np.full_like(dh, np.nan)
        if sigma_name in ds:
            sigma = ds[sigma_name].isel(x=col, y=row).values.astype(float)
        times = np.asarray(ds["time"].values, "datetime64[ns]")
    finally:
        ds.close()
    keep = np.isfinite(dh)
    days = (times - EPOCH) / np.timedelta64(1, "D")
    return HeightChangeSeries(str(path), days[keep], dh[keep], sigma[keep])


def _layout(path, storage_options=None):
    """(open dataset, value name, sigma name) of the first layout ``path`` matches, or None."""
    for group, value, sigma in (*SERIES_LAYOUTS, (None, "dh", "dh_sigma")):
        ds = open_group(path, group, storage_options)
        if ds is None:
            continue
        if value in ds and "time" in ds[value].dims and {"x", "y"} <= set(ds[value].dims):
            if np.issubdtype(ds["time"].dtype, np.datetime64):
                return ds, value, sigma if sigma in ds else f"{value}_sigma"
        ds.close()
    return None


def _cell(centres: np.ndarray, v: float) -> int | None:
    """Index of the cell of ``centres`` (regular, either order) holding ``v``, or None outside."""
    if centres.size < 2:
        return None
    step = (centres[-1] - centres[0]) / (centres.size - 1)
    i = int(np.floor((v - centres[0]) / step + 0.5))
    return i if 0 <= i < centres.size else None
