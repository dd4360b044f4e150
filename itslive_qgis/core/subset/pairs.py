"""Which image pairs a subset keeps, in which order, and how tiles' pairs are joined.

Selection of one cube, in this order:

1. time window: pairs whose ``mid_date`` lies in [start 00:00, end + 1 day 00:00)
   (both dates inclusive, UTC);
2. cleaning with :func:`itslive_qgis.core.cube.pairs.clean_pairs` (stable sort by mid_date,
   duplicates kept, img1/img2 swapped where img1 is later, date_dt in float days);
3. the pair filter (:class:`itslive_qgis.core.cube.filters.PairFilter`, the same rule as the
   inversion and point series: both images from the listed satellites / missions, interval
   and valid-pixel bounds inclusive), evaluated on the cleaned pairs. (The per-pixel
   ``max_v_error`` filter is applied to velocities, see :mod:`subset_write`.)

Across cubes the pair axis is the UNION of the cubes' selected pairs. A pair is
identified by (mid_date, acquisition_date_img1, acquisition_date_img2,
satellite_img1, satellite_img2, k) where k counts repeats of that tuple within one
cube (so duplicated layers stay duplicated). The union is ordered by mid_date with a
stable sort (first cube's pairs first among equal dates); a pair missing from a
cube is NaN over that cube's pixels; its 1-D metadata come from the first cube
(in the given order) that has it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..cube import PAIR_DIM, PairFilter, clean_pairs, to_days

INDEX_VAR = "_pair_index"
#: 1-D variables the selection reads (when the cube has them)
SELECTION_VARS = (
    "acquisition_date_img1",
    "acquisition_date_img2",
    "date_dt",
    "satellite_img1",
    "satellite_img2",
    "mission_img1",
    "mission_img2",
    "roi_valid_percentage",
)
IDENTITY_VARS = ("acquisition_date_img1", "acquisition_date_img2", "satellite_img1", "satellite_img2")


def window_mask(mid_date_days: np.ndarray, start_day: float, end_day_exclusive: float) -> np.ndarray:
    """Pairs whose mid_date (float days) lies in [start, end)."""
    return (mid_date_days >= start_day) & (mid_date_days < end_day_exclusive)


def select_pairs(ds, start_day: float, end_day_exclusive: float, filters: PairFilter):
    """Cleaned, filtered pairs of one cube's 1-D dataset.

    Parameters
    ----------
    ds : xarray.Dataset
        Whole 1-D pair variables of a cube, CF-decoded (as :func:`pair_dataset` gives).
    start_day, end_day_exclusive : float
        Time window in days since 1970-01-01.

    Returns
    -------
    xarray.Dataset
        The kept pairs in cleaned order, with ``_pair_index`` = their on-disk index.
    """
    ds = ds.assign({INDEX_VAR: ((PAIR_DIM,), np.arange(ds.sizes[PAIR_DIM], dtype="int64"))})
    keep = window_mask(to_days(ds[PAIR_DIM].values), start_day, end_day_exclusive)
    ds = clean_pairs(ds.isel({PAIR_DIM: np.flatnonzero(keep)}))
    mask = filters.mask_dataset(ds)
    if not mask.all():
        ds = ds.isel({PAIR_DIM: np.flatnonzero(mask)})
    return ds


@dataclass
class PairUnion:
    """The joint pair axis of several cubes.

    Attributes
    ----------
    mid_date_days : numpy.ndarray
        mid_date of every output pair (float days since 1970-01-01), ascending.
    owner : numpy.ndarray
        For every output pair, the cube whose 1-D metadata it carries.
    owner_index : numpy.ndarray
        Position of the pair in its owner's selection.
    positions : list of numpy.ndarray
        For each cube, output position of each of its selected pairs.
    """

    mid_date_days: np.ndarray
    owner: np.ndarray
    owner_index: np.ndarray
    positions: list

    @property
    def size(self) -> int:
        """Number of output pairs."""
        return int(self.mid_date_days.size)


def union_pairs(selections: list) -> PairUnion:
    """Join the cleaned selections of several cubes into one pair axis (see module doc)."""
    if len(selections) == 1:
        n = selections[0].sizes[PAIR_DIM]
        mids = to_days(selections[0][PAIR_DIM].values)
        return PairUnion(mids, np.zeros(n, dtype="int64"), np.arange(n), [np.arange(n)])
    seen: dict[tuple, int] = {}
    owner: list[int] = []
    owner_index: list[int] = []
    mids: list[float] = []
    raw_positions = []
    for ci, sel in enumerate(selections):
        keys = pair_keys(sel)
        pos = np.empty(len(keys), dtype="int64")
        for i, key in enumerate(keys):
            j = seen.get(key)
            if j is None:
                j = seen[key] = len(owner)
                owner.append(ci)
                owner_index.append(i)
                mids.append(key[0])
            pos[i] = j
        raw_positions.append(pos)
    mids_arr = np.asarray(mids, dtype="float64")
    order = np.argsort(mids_arr, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return PairUnion(
        mid_date_days=mids_arr[order],
        owner=np.asarray(owner, dtype="int64")[order],
        owner_index=np.asarray(owner_index, dtype="int64")[order],
        positions=[rank[p] for p in raw_positions],
    )


def pair_keys(sel) -> list[tuple]:
    """Identity tuples of a cube's selected pairs (with a repeat counter)."""
    cols = [to_days(sel[PAIR_DIM].values)]
    for name in IDENTITY_VARS:
        if name in sel:
            values = sel[name].values
            cols.append(to_days(values) if name.startswith("acq") else _strings(values))
    counts: dict[tuple, int] = {}
    keys = []
    for row in zip(*[c.tolist() for c in cols]):
        row = tuple(np.nan if isinstance(v, float) and v != v else v for v in row)
        k = counts.get(row, 0)
        counts[row] = k + 1
        keys.append(row + (k,))
    return keys


def _strings(values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind == "O":
        return np.asarray(["" if v is None else str(v) for v in arr])
    return arr.astype(str)
