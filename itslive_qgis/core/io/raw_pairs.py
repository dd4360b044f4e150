"""The raw read of a cube's pair variables: zarr's own chunk reads, CF-decoded here, no dask graph.

The in-process inversion reads whole chunk columns (every pair of a (y, x) tile) of vx, vy and
the error variables. Through xarray that is a dask graph per tile (the stable mid_date sort of
:func:`itslive_qgis.core.cube.clean_pairs` and the pair filter are two fancy indexings over
chunks, then the CF mask) and costs more CPU than the solve. Here the same values come from
``zarr.Array`` basic indexing (zarr decodes the chunks through the cube's
:class:`~itslive_qgis.core.io.cube_store.CubeStore`: endpoint confinement, retries and caches
unchanged), then one gather along the pair axis fused with the CF decoding (compiled with numba
when it is installed, else ``numpy.take``, a cast and a mask). On the tiled real block (1,600 px,
47,892 pairs) a whole in-process inversion took 2.07 s of CPU against 2.56 s reading through
xarray (load 3.4; see ``bench/bench_inversion.py``), with the same values bit for bit.

What is hand-written, and why: the CF decoding of the one case read here, integer variables
whose only CF attribute is the fill (``missing_value``/``_FillValue``) with no
``scale_factor``/``add_offset``, is a cast to float32 and fill -> NaN, which is exactly what
xarray's ``CFMaskCoder`` does for int16 (its float dtype for integers of 2 bytes or less is
float32). Any other encoding is decoded by xarray's own decoder on the block
(:func:`~itslive_qgis.core.io.cube_store.decode_cf`).

The inversion's tiles need not be decoded at all: :meth:`RawPairReader.read_stored` gives the
chunk columns as stored and :meth:`RawPairReader.stored_fills` the one fill value they share,
and the inversion's compaction gathers and masks them as it packs each pixel's pairs (see
``inversion.tiles._ColumnReader``).

How the raw pairs are found: :func:`open_cube_dataset` records a ``PairSource`` in the
dataset's ``encoding`` (the position of every pair along the on-disk pair axis, and the
mid_dates at that time); :func:`clean_pairs` updates it when it sorts the pairs. A dataset is read
raw only when it still matches the record (same mid_dates, y and x found in the store) and its
variables are the store's arrays, selected only (no arithmetic in their dask graphs); anything
else is read through xarray as before, never a guess.
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError, ItsLiveError
from .cube_store import PAIR_SOURCE_KEY, PairSource, cf_attrs, decode_cf, dims_of, open_group, pair_store

PAIR_DIM = "mid_date"
_CF_NUMERIC = ("scale_factor", "add_offset", "valid_min", "valid_max", "valid_range", "_Unsigned")
#: dask layers a variable may have and still be the store's array as read (selection only)
_SELECTION_LAYERS = ("original-open_dataset-", "open_dataset-", "getitem-")


class RawPairReader:
    """Chunk columns of the pair variables of one dataset, decoded as xarray decodes them.

    Build it with :func:`raw_pair_reader`; :meth:`read_into` fills a (K, ny, nx) target.
    """

    def __init__(self, store, arrays, positions, y0, x0):
        self.store, self.arrays, self.positions = store, arrays, positions
        self.y0, self.x0 = y0, x0

    def stored_fills(self, names) -> list[int] | None:
        """The fill values of variables ``names`` when they are the only CF coding of each and the
        same for all (their chunk columns as stored then say everything: :meth:`read_stored`), else
        None."""
        fills = [_fills(cf_attrs(self.arrays[n])) for n in names]
        if not fills or fills[0] is None or any(f != fills[0] for f in fills[1:]):
            return None
        return fills[0]

    def n_stored(self, name: str) -> int:
        """Pairs on disk of variable ``name`` (the rows of :meth:`read_stored`)."""
        return int(self.arrays[name].shape[0])

    def read_stored(self, name: str, ys: slice, xs: slice, out) -> None:
        """``out[...]`` = the chunk columns of ``name`` for pixels ``ys``, ``xs`` as stored: every pair on
        disk, in disk order (row ``positions[k]`` is pair ``k`` of the dataset), not decoded."""
        from zarr.core.buffer.cpu import NDBuffer

        self._get(name, ys, xs, NDBuffer.from_numpy_array(out))

    def _get(self, name: str, ys: slice, xs: slice, out=None):
        array = self.arrays[name]
        y, x = slice(self.y0 + ys.start, self.y0 + ys.stop), slice(self.x0 + xs.start, self.x0 + xs.stop)
        try:  # whole chunk columns, in on-disk pair order
            return array.get_basic_selection((slice(None), y, x), out=out)
        except (ItsLiveError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a codec or store error: say which variable
            raise DataError(
                f"Reading {name} of {self.store.url} failed ({exc}): a chunk is damaged or the store is not "
                "reachable; check the connection, or copy or download the cube again."
            ) from exc

    def read_into(self, name: str, ys: slice, xs: slice, target) -> None:
        """``target[...]`` = variable ``name`` (pairs of the dataset, pixels ``ys``, ``xs`` of it)."""
        array = self.arrays[name]
        block = self._get(name, ys, xs)
        attrs = cf_attrs(array)
        fills = _fills(attrs)
        if fills is None:
            target[...] = decode_cf(name, dims_of(array), np.take(block, self.positions, axis=0), attrs)
            return
        gather = _gather_kernel()
        if gather is not None and target.dtype.kind == "f" and target.flags.c_contiguous and block.ndim == 3:
            gather(np.ascontiguousarray(block), self.positions, np.asarray(fills, dtype=np.int64), target)
            return
        picked = np.take(block, self.positions, axis=0)
        target[...] = picked
        for fill in fills:
            target[picked == fill] = np.nan


def raw_pair_reader(ds, names, keep=None) -> RawPairReader | None:
    """A :class:`RawPairReader` of variables ``names`` of ``ds`` (pairs ``keep`` of it), or None.

    None when ``ds`` is not (or no longer) the cube store's arrays as recorded: no record, a store
    no longer alive, different mid_dates, y/x not found in the store, a variable computed or
    replaced, or an encoding other than plain integers with a fill value.
    """
    src = ds.encoding.get(PAIR_SOURCE_KEY)
    store = pair_store(src) if isinstance(src, PairSource) else None
    if store is None or src.positions.size != ds.sizes.get(PAIR_DIM, -1):
        return None
    if not np.array_equal(np.asarray(ds[PAIR_DIM].values), src.mid_date):
        return None
    try:
        group = open_group(store)
        arrays = {n: group[n] for n in names}
        y0, x0 = _offset(group["y"][:], ds["y"].values), _offset(group["x"][:], ds["x"].values)
    except (KeyError, ValueError, TypeError):
        return None
    if y0 is None or x0 is None:
        return None
    for name, array in arrays.items():
        if dims_of(array) != (PAIR_DIM, "y", "x") or ds[name].dims != (PAIR_DIM, "y", "x"):
            return None
        if array.dtype.kind not in "iu" or not _selection_only(ds[name], name):
            return None
    positions = src.positions if keep is None else src.positions[np.asarray(keep)]
    return RawPairReader(store, arrays, np.ascontiguousarray(positions, dtype=np.intp), y0, x0)


_GATHER = []


def _gather_kernel():
    """The compiled gather-and-decode (numba, when installed), else None (numpy: three passes).

    ``out[i] = block[positions[i]]`` as float with every fill value NaN, in one pass: on a
    (47,892, 40, 10) int16 column 12 ms of CPU against 44 ms for ``numpy.take``, the cast and the
    masked assignment (load average 7).
    """
    if not _GATHER:
        try:
            from numba import njit
        except ImportError:
            _GATHER.append(None)
        else:

            @njit(cache=True, nogil=True, boundscheck=False)
            def gather(block, positions, fills, out):  # pragma: no cover - compiled
                k, ny, nx = out.shape
                for i in range(k):
                    src = block[positions[i]]
                    dst = out[i]
                    for y in range(ny):
                        for x in range(nx):
                            v = src[y, x]
                            missing = False
                            for f in fills:
                                missing = missing or v == f
                            dst[y, x] = np.nan if missing else v

            _GATHER.append(gather)
    return _GATHER[0]


def _fills(attrs: dict):
    """The fill values when the fill is the only CF coding (cast and mask), else None (xarray decodes)."""
    if any(k in attrs for k in _CF_NUMERIC):
        return None
    values = [attrs[k] for k in ("_FillValue", "missing_value") if attrs.get(k) is not None]
    out = []
    for value in values:
        for v in np.atleast_1d(value):
            if float(v) != int(v):
                return None
            out.append(int(v))
    return sorted(set(out))


def _offset(stored, wanted):
    """Start of ``wanted`` as a contiguous run in ``stored`` (exact values), or None."""
    stored, wanted = np.asarray(stored), np.asarray(wanted)
    if wanted.size == 0 or stored.size < wanted.size:
        return None
    hits = np.flatnonzero(stored == wanted[0])
    if hits.size != 1:
        return None
    start = int(hits[0])
    if start + wanted.size > stored.size or not np.array_equal(stored[start : start + wanted.size], wanted):
        return None
    return start


def _selection_only(var, name: str) -> bool:
    """True when ``var`` is dask-backed, opened as ``name`` and only selected (no arithmetic)."""
    layers = getattr(getattr(var.data, "dask", None), "layers", None)
    if layers is None:
        return False
    names = [str(layer) for layer in layers]
    opened = [n for n in names if n.startswith("open_dataset-")]
    return (
        len(opened) == 1
        and opened[0].startswith(f"open_dataset-{name}-")
        and all(n.startswith(_SELECTION_LAYERS) for n in names)
    )
