"""The image pairs of a datacube that cover an extent and a time window, one :class:`Granule` each.

Read from the cube's 1-D pair metadata only (acquisition dates, ``date_dt``, satellites, sensors,
missions, ``roi_valid_percentage``, ``granule_url``: ITSLIVE_FORMAT_SPEC.md section 1c), plus, when
an extent is given, the pairs' ``v`` over the cells of that extent: a pair "covers" the extent when
it holds at least one valid velocity there (a cube tile is larger than most glaciers, and most
pairs see only part of it). The rules are those of the rest of the plugin:

* time window: pairs whose ``mid_date`` lies in [start, end] (days since 1970-01-01, inclusive),
  ITS_LIVE's convention, as the subset download;
* satellites, missions, ``date_dt`` bounds, lowest ``roi_valid_percentage``: :class:`PairFilter`
  (both images of a pair must come from the listed satellites);
* pairs come in ``mid_date`` order (the cube's order is not sorted), duplicates kept: a Sentinel-2
  pair seen from two MGRS tiles is two granules.

``granule_url`` (4 kB a pair as ``<U1024``) is read only for the pairs kept.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..errors import DataError, InputError
from ..progress import NullProgress, Progress, check_cancelled

#: columns of a granule table, in order, with their types (days since 1970-01-01 for dates)
GRANULE_FIELDS = (
    ("acquisition_date_img1", "date"),
    ("acquisition_date_img2", "date"),
    ("mid_date", "date"),
    ("date_dt_days", "float"),
    ("satellite_img1", "str"),
    ("satellite_img2", "str"),
    ("sensor_img1", "str"),
    ("sensor_img2", "str"),
    ("mission_img1", "str"),
    ("mission_img2", "str"),
    ("roi_valid_percentage", "float"),
    ("valid_cells_in_extent", "int"),
    ("granule_url", "str"),
)
_STRINGS = ("satellite_img1", "satellite_img2", "sensor_img1", "sensor_img2", "mission_img1", "mission_img2")


@dataclass(frozen=True)
class Granule:
    """One image pair of a cube and its source granule.

    Dates are days since 1970-01-01 (img1 the earlier image), ``date_dt_days`` the separation in
    days, ``roi_valid_percentage`` in percent, ``valid_cells_in_extent`` the cells of the extent
    with a valid ``v`` (-1 without an extent).
    """

    acquisition_date_img1: float
    acquisition_date_img2: float
    mid_date: float
    date_dt_days: float
    satellite_img1: str
    satellite_img2: str
    sensor_img1: str
    sensor_img2: str
    mission_img1: str
    mission_img2: str
    roi_valid_percentage: float
    valid_cells_in_extent: int
    granule_url: str

    def as_row(self) -> dict:
        """The fields by name (:data:`GRANULE_FIELDS` order)."""
        return asdict(self)


def list_granules(
    cube,
    start_days: float | None = None,
    end_days: float | None = None,
    pair_filter=None,
    extent=None,
    extent_crs=None,
    config=None,
    progress: Progress | None = None,
) -> list[Granule]:
    """The image pairs of ``cube`` in a time window, passing ``pair_filter``, that cover ``extent``.

    Parameters
    ----------
    cube : str or xarray.Dataset
        Datacube URL or path (opened with :func:`itslive_qgis.core.cube.open_pairs`) or an
        already opened dataset (cleaned or not).
    start_days, end_days : float, optional
        Window on ``mid_date`` (days since 1970-01-01, inclusive); None: open.
    pair_filter : PairFilter, optional
        Satellites, missions, ``date_dt`` bounds (days), lowest valid-pixel percentage.
    extent : (xmin, ymin, xmax, ymax), optional
        Keep pairs with a valid ``v`` in the cells whose centres lie inside (``extent_crs``).
    extent_crs : optional
        CRS of ``extent`` (default: the cube's).
    config : StoreConfig, optional
        Endpoint settings for a remote cube.
    progress : Progress, optional
        Cancellation between the metadata and the coverage reads.

    Raises
    ------
    InputError
        Window reversed, or the extent misses the cube.
    DataError
        The cube lacks ``granule_url`` or a filtered variable.
    """
    from ..cube import PairFilter, clean_pairs, open_pairs, pair_dates_days, to_days

    progress = progress or NullProgress()
    if start_days is not None and end_days is not None and end_days < start_days:
        raise InputError("The end of the time window is before its start: swap them.")
    ds = open_pairs(cube, config) if isinstance(cube, str) else clean_pairs(cube)
    if "granule_url" not in ds.variables:
        raise DataError("This cube has no granule_url pair variable: its image-pair granules are unknown.")
    mid = to_days(ds["mid_date"].values)
    keep = np.isfinite(mid)
    if start_days is not None:
        keep &= mid >= float(start_days)
    if end_days is not None:
        keep &= mid <= float(end_days)
    keep &= (pair_filter or PairFilter()).mask_dataset(ds)
    index = np.flatnonzero(keep)
    check_cancelled(progress)
    cells = np.full(index.size, -1, dtype=np.int64)
    if extent is not None and index.size:
        cells = _valid_cells(ds, index, extent, extent_crs)
        index, cells = index[cells > 0], cells[cells > 0]
    check_cancelled(progress)
    if not index.size:
        return []
    picked = ds.isel(mid_date=index)
    d1, d2 = pair_dates_days(picked)
    columns = {name: _strings(picked, name) for name in _STRINGS}
    dt = _float(picked, "date_dt", d2 - d1)
    roi = _float(picked, "roi_valid_percentage", np.full(index.size, np.nan))
    urls = [str(u).strip() for u in picked["granule_url"].values]
    progress.report(1.0)
    return [
        Granule(
            acquisition_date_img1=float(d1[k]),
            acquisition_date_img2=float(d2[k]),
            mid_date=float(mid[index[k]]),
            date_dt_days=float(dt[k]),
            **{name: columns[name][k] for name in _STRINGS},
            roi_valid_percentage=float(roi[k]),
            valid_cells_in_extent=int(cells[k]),
            granule_url=urls[k],
        )
        for k in range(index.size)
    ]


def _valid_cells(ds, index: np.ndarray, extent, extent_crs) -> np.ndarray:
    """Cells with a finite ``v`` inside ``extent`` for each pair of ``index`` (int64)."""
    from ..cube import select_extent
    from ..geo import crs_from_dataset, transform_xy

    if "v" not in ds.variables:
        raise DataError("This cube has no 'v' variable: the pairs' coverage of the extent is unknown.")
    xmin, ymin, xmax, ymax = (float(c) for c in extent)
    if not (xmax > xmin and ymax > ymin):
        raise InputError("The extent is empty: draw or choose an area with a width and a height.")
    if extent_crs is not None:
        xs = np.concatenate([np.linspace(xmin, xmax, 17), np.full(17, xmax), np.linspace(xmin, xmax, 17)])
        ys = np.concatenate([np.full(17, ymin), np.linspace(ymin, ymax, 17), np.full(17, ymax)])
        xs = np.concatenate([xs, np.full(17, xmin)])
        ys = np.concatenate([ys, np.linspace(ymin, ymax, 17)])
        px, py = transform_xy(xs, ys, extent_crs, crs_from_dataset(ds, source="the cube"))
        xmin, xmax, ymin, ymax = float(np.min(px)), float(np.max(px)), float(np.min(py)), float(np.max(py))
    block = select_extent(ds[["v"]], xmin, ymin, xmax, ymax)["v"]
    counts = np.isfinite(block.isel(mid_date=index)).sum(("y", "x"))
    return np.asarray(counts.values, dtype=np.int64)


def _strings(ds, name: str) -> list[str]:
    if name not in ds.variables:
        return [""] * ds.sizes["mid_date"]
    return ["" if v is None else str(v).strip() for v in ds[name].values]


def _float(ds, name: str, default: np.ndarray) -> np.ndarray:
    if name not in ds.variables:
        return np.asarray(default, dtype=np.float64)
    return np.asarray(ds[name].values, dtype=np.float64)
