"""The band path on chunk columns: no transposes, one factorisation per group of identical pixels.

A mixin of :class:`~itslive_qgis.core.inversion.engine.Engine` (it uses the engine's ``d1``,
``d2``, ``edges``, ``n_steps``, ``opt``, ``_pmap``, ``_parallel``, ``_hidden_steps`` and
``choose_global_lambda``), used on the CPU with the band solver whenever every pixel has the
same, known lambda and no robust re-weighting (the default of ``invert_dataset``,
``itslive:invert`` and ``invert_pixels`` with a fixed or global lambda).

Why (measured on the real 10 x 10 block tiled to 40 x 40, 47,892 pairs, 2 cores): the earlier
path turned every tile into pixel-major float64 arrays (``(K, ny, nx)`` -> ``(P, K)``: a float64
copy, a ``where`` for the fill value, a transpose and a contiguous copy per component, then a
gather per batch): 2.6 s of 4.9 s in process. Here the arrays go to the kernels as they are
read (a Zarr chunk column is ``(K, ny, nx)``, i.e. ``(K, P)`` pixels last, any float dtype), and
one compiled pass (:func:`~itslive_qgis.core.inversion.band_kernels.compact`) keeps, per pixel,
only its usable pairs (about 10 % of the pairs on the real block) with their values and
weights, reading the column in memory order.

Pixels that use exactly the same pairs with exactly the same weights have the same normal
matrix, so they share its Cholesky factor and selected inverse; only the right-hand side, the
triangular solves and the residuals are per pixel. Groups are found by a 64-bit hash of each
pixel's pair list and weight bits and then checked pair by pair (a hash collision never merges
two different pixels). On the real 10 x 10 block the 100 pixels have 90 distinct pair masks
(the 11 equal ones are pixels without data), so real data gain little; a region where a scene
is missing over a whole area, or the tiled benchmark block (1,600 pixels, 90 masks), gains up
to the group size. Each group also gets its own bandwidth (its longest pair), which is exact:
the band beyond it is zero.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass

import numpy as np

from ..progress import check_cancelled
from .design import edge_coefficients, step_ranges
from .smoothing import lambda_sample

#: memory for the factorisations shared between the tiles of one run (band factor + diag of the
#: inverse: about 0.45 MB per pixel on the real block's grid, so a few hundred distinct ones)
FACTOR_CACHE_BYTES = 256 * 2**20

#: weight kinds of :func:`~itslive_qgis.core.inversion.band_kernels.compact`
UNIT, PER_PAIR, PER_PIXEL, PER_PIXEL_ERRORS = 0, 1, 2, 3


@functools.cache
def _kernels():
    from . import band_kernels as inversion_band_kernels

    return inversion_band_kernels


def column_weights(weights):
    """``(array, kind)`` for :meth:`ColumnPath.run_columns` from (P, K), (C, P, K) or (K,) weights.

    Broadcast views (a per-pair row repeated over the pixels) become per-pair weights without
    a copy; rows equal for every component become one row (the components then share the
    factorisation).
    """
    if weights is None:
        return np.zeros((0, 1, 1)), UNIT
    w = np.asarray(weights, dtype="float64")
    if w.ndim == 1:
        return np.ascontiguousarray(w[None, :, None]), PER_PAIR
    if w.ndim == 2:
        w = w[None]
    if w.shape[1] == 1 or w.strides[1] == 0:  # one row per component, repeated over the pixels
        rows = w[:, 0, :]
        if all(np.array_equal(rows[0], rows[i]) for i in range(1, rows.shape[0])):
            rows = rows[:1]
        return np.ascontiguousarray(rows[:, :, None]), PER_PAIR
    if w.shape[0] > 1 and all(np.array_equal(w[0], w[i]) for i in range(1, w.shape[0])):
        w = w[:1]
    return w, PER_PIXEL  # pixel-major like the values (see ColumnPath.run_columns)


@dataclass(frozen=True)
class Compacted:
    """The usable pairs of every pixel of a tile (CSR, see ``band_kernels.compact``)."""

    indptr: np.ndarray
    idx: np.ndarray
    vals: np.ndarray
    w: np.ndarray
    n_comp: int
    n_pix: int


def compact_columns(values, weights, kind, fill=-np.inf, pixel_major=False, rows=None, fills=()) -> Compacted:
    """:class:`Compacted` of ``values`` (C, K, P) (or (C, P, K) ``pixel_major``); see
    :meth:`ColumnPath.run_columns` for the arguments. Releases the GIL (compiled).

    ``rows`` (K,) (pixels last only): pair ``k`` is row ``rows[k]`` of ``values`` and of
    per-pixel weights or errors, which then hold the chunk columns as stored (R rows, e.g. int16
    with their fill values ``fills``; see ``band_kernels.compact``): the gather into pair order
    happens inside the compaction, without a float copy of the columns first.
    """
    kern = _kernels()
    if pixel_major:
        if rows is not None or len(fills):
            raise ValueError("compact_columns: rows and fills are for pixels-last columns only")
        indptr, idx, vals, w = kern.compact_rows(values, weights, kind, float(fill))
        n_pix = values.shape[1]
    else:
        rows = np.arange(values.shape[1], dtype=np.intp) if rows is None else np.asarray(rows, dtype=np.intp)
        fills = np.asarray(fills, dtype=np.int64 if values.dtype.kind in "iu" else np.float64)
        indptr, idx, vals, w = kern.compact(values, weights, kind, float(fill), rows, fills)
        n_pix = values.shape[2]
    return Compacted(indptr, idx, vals, w, int(values.shape[0]), int(n_pix))


class ColumnPath:
    """Invert pixels-last columns with the band kernels (mixin of the engine)."""

    def columns_apply(self, lam_global) -> bool:
        """True when :meth:`run_columns` can run these options (band solver, one lambda, not robust)."""
        if self.solver_kind != "band" or self.opt.robust:
            return False
        return lam_global is not None or self.opt.lam > 0 or self.opt.lam_mode == "global"

    def run_columns(
        self, values, weights, kind, fill=-np.inf, progress=None, lam_global=None, pixel_major=False
    ):
        """Invert ``values`` (C, K, P) (pixels last, any float dtype, NaN or ``<= fill`` = missing).

        ``weights``/``kind``: see :func:`column_weights` (or (Cw, K, P) 1-sigma errors with
        ``kind`` :data:`PER_PIXEL_ERRORS`). With ``pixel_major`` the values (and per-pixel
        weights) are (C, P, K) instead, read row by row. Returns the dict of :meth:`Engine.run`.
        """
        t_start = time.perf_counter()
        columns = compact_columns(values, weights, kind, fill, pixel_major)
        self.add_time("layout", time.perf_counter() - t_start)
        return self.run_compacted(columns, progress, lam_global)

    def run_compacted(self, columns: Compacted, progress=None, lam_global=None):
        """:meth:`run_columns` on columns already compacted (:func:`compact_columns`, e.g. in a
        read-ahead thread while the previous tile is solved)."""
        kern = _kernels()
        indptr, idx, vals, w = columns.indptr, columns.idx, columns.vals, columns.w
        n_comp, n_pix = columns.n_comp, columns.n_pix
        n_pairs = np.diff(indptr)
        solvable = np.flatnonzero(n_pairs >= self.opt.min_pairs)
        lam, lam_method = self._column_lambda(indptr, idx, vals, w, solvable, lam_global, progress)
        out = {
            "velocity": np.full((n_comp, n_pix, self.n_steps), np.nan),
            "sigma": np.full((n_comp, n_pix, self.n_steps), np.nan),
            "count": np.zeros((n_pix, self.n_steps), dtype="int32"),
            "lam": np.full((n_comp, n_pix), np.nan),
            "n_pairs": n_pairs.astype("int64"),
            "lam_method": lam_method,
        }
        if solvable.size == 0:
            return out
        out["lam"][:, solvable] = lam
        ok = np.zeros((n_comp, n_pix), dtype=bool)
        t_start = time.perf_counter()
        wbits = np.ascontiguousarray(w).view(np.int64)
        keys = kern.pixel_keys(indptr, idx, wbits)
        reps, mptr, members = _groups(indptr, idx, wbits, keys, solvable, self.opt.block_size)
        self.add_time("layout", time.perf_counter() - t_start)
        self.add_time("pixels", solvable.size)
        cache = self.__dict__.get("_factor_cache")
        if cache is None:
            cache = self.__dict__.setdefault("_factor_cache", _factor_cache_for(self))
        lam = float(lam)
        comps = [np.arange(n_comp)] if w.shape[0] == 1 else [np.array([c]) for c in range(n_comp)]

        def work(bounds):
            buffers = kern.work_arrays(self.n_steps, cache.bandwidth)  # one set per chunk of groups
            for gi in range(*bounds):
                rep, mem = int(reps[gi]), members[mptr[gi] : mptr[gi + 1]]
                lo, hi = indptr[rep], indptr[rep + 1]
                for wr in range(w.shape[0]):
                    ab, ninv, trace, fine, count = cache.factor(
                        keys[rep], wr, idx[lo:hi], w[wr, lo:hi], lam, buffers, keep=mem.size > 1
                    )
                    dof = (hi - lo) - (self.n_steps - lam * trace)
                    kern.solve_members(
                        cache.nodes, cache.coefs, indptr, idx, vals, w, wr, comps[wr], ab, ninv, cache.dt,
                        float(dof), bool(self.opt.errors_given), mem, out["velocity"], out["sigma"],
                    )  # fmt: skip
                    ok[comps[wr][:, None], mem[None, :]] = fine
                out["count"][mem] = count
            return int(mptr[bounds[1]] - mptr[bounds[0]])

        done = 0
        t_start = time.perf_counter()
        with self._parallel():
            for _, n_done in self._pmap(work, _chunks(mptr, w.shape[0], self), progress):
                done += n_done
                if progress is not None:
                    progress.report(done / solvable.size)
        check_cancelled(progress)
        self.add_time("solve", time.perf_counter() - t_start)
        count = out["count"][solvable]
        hide = self._hidden_steps(count)
        for key in ("velocity", "sigma"):
            arr = out[key][:, solvable]
            arr[:, hide] = np.nan
            arr[~ok[:, solvable]] = np.nan
            out[key][:, solvable] = arr
        return out

    def add_time(self, key: str, value: float) -> None:
        """Add to ``self.timings[key]`` (seconds, or counts: the split the benchmark prints)."""
        timings = self.__dict__.setdefault("timings", {})
        timings[key] = timings.get(key, 0.0) + value

    def _column_lambda(self, indptr, idx, vals, w, solvable, lam_global, progress):
        """``(lambda, method)`` as :meth:`Engine.run` chooses them (cross-validation on a sample)."""
        if lam_global is not None:
            return float(lam_global), "cv-global" if self.opt.lam <= 0 else "fixed"
        if self.opt.lam > 0:
            return float(self.opt.lam), "fixed"
        if solvable.size == 0:  # nothing to solve (as the batch path says it)
            return 1.0, "cv-per-pixel"
        sample = lambda_sample(solvable)
        n_comp, n_pairs = vals.shape[0], self.d1.size
        sv = np.full((n_comp, sample.size, n_pairs), np.nan)
        sw = np.zeros((n_comp, sample.size, n_pairs))
        for i, p in enumerate(sample):
            lo, hi = indptr[p], indptr[p + 1]
            sv[:, i, idx[lo:hi]] = vals[:, lo:hi]
            sw[:, i, idx[lo:hi]] = w[:, lo:hi]
        return self.choose_global_lambda(sv, sw, progress), "cv-global"


class FactorCache:
    """Factorisations by pair list and weights, shared by the tiles of one run (bounded in bytes).

    An entry is found by the 64-bit key of :func:`~itslive_qgis.core.inversion.band_kernels.
    pixel_keys` and the weight row, and used only when its pairs and weights are equal to the
    pixel's (compared in full), so a collision costs a factorisation, never a wrong result.
    """

    def __init__(self, engine, budget_bytes: int = FACTOR_CACHE_BYTES):
        from .solver import regularisation_band

        nodes, coefs = edge_coefficients(engine.d1, engine.d2, engine.edges)
        self.nodes = np.ascontiguousarray(nodes, dtype=np.int64)
        self.coefs = np.ascontiguousarray(coefs, dtype=np.float64)
        self.first, self.last = step_ranges(self.nodes, self.coefs)
        self.reg = np.ascontiguousarray(regularisation_band(engine.n_steps, 1, engine.opt.derivative))
        self.dt = float(engine.edges[1] - engine.edges[0])
        spans = self.nodes[:, 2] - self.nodes[:, 0]
        #: the largest bandwidth (steps) a pixel's pairs can give: the work arrays' size
        self.bandwidth = int(max(engine.opt.derivative, 1, spans.max() if spans.size else 0))
        self.engine = engine
        self.budget = budget_bytes
        self.used = 0
        self.entries = {}

    def same_design(self, other: FactorCache) -> bool:
        """True when ``other``'s pixels with equal pairs and weights have equal normal matrices."""
        return (
            self.dt == other.dt
            and self.engine.n_steps == other.engine.n_steps
            and np.array_equal(self.nodes, other.nodes)
            and np.array_equal(self.coefs, other.coefs)
            and np.array_equal(self.reg, other.reg)
        )

    def factor(self, key, row, pairs, weights, lam, buffers=None, keep=True):
        """``(ab, ninv, trace, ok, count)`` of the pixel whose pairs and weights are given.

        ``buffers``: the caller's ``band_kernels.work_arrays(n_steps, self.bandwidth)`` (reused
        by a worker for every group it factors; ``ab`` is then valid until its next call); None =
        allocated for this call. ``keep``: store the factorisation for later tiles (a copy). The
        column path keeps only those a group of several pixels shares: a pair set seen once in a
        tile is rarely seen again, and keeping every factor (0.45 MB each on the real block's
        grid, fresh pages every time) made distinct pixels slower than the batch path.
        """
        if buffers is None:
            buffers = _kernels().work_arrays(self.engine.n_steps, self.bandwidth)
        entry = self.entries.get((int(key), row))
        if (
            entry is not None
            and entry[0] == lam
            and np.array_equal(entry[1], pairs)
            and np.array_equal(entry[2], weights)
        ):
            return entry[3]
        result = _kernels().factor_pixel(
            self.nodes, self.coefs, self.first, self.last, pairs, weights, lam, self.reg, self.dt, *buffers
        )
        self.engine.add_time("factorisations", 1)
        size = result[0].nbytes + result[1].nbytes + pairs.nbytes + weights.nbytes
        if keep and self.used + size <= self.budget:
            result = (result[0].copy(), *result[1:])
            self.entries[(int(key), row)] = (lam, pairs.copy(), weights.copy(), result)
            self.used += size
        return result


#: thread id -> the FactorCache kept between runs (see :func:`retain_factors_between_runs`)
_RETAINED: dict = {}
_RETAIN = threading.Event()


def retain_factors_between_runs() -> None:
    """From now on, runs of this process with the same design share their factorisations.

    A cluster worker inverts many blocks of one cube, one ``invert_dataset`` each; without this,
    every block starts with an empty :class:`FactorCache`, so a pair set shared by pixels of
    several blocks is factored once per block (in process, once per run). Each thread keeps one
    cache, bounded by :data:`FACTOR_CACHE_BYTES`, replaced when a run has another design (grid,
    pairs or regularisation) and dropped by :func:`release_retained_factors`. Not used in the
    QGIS process: the memory would stay held between a user's runs.
    """
    _RETAIN.set()


def release_retained_factors() -> None:
    """Drop the caches kept by :func:`retain_factors_between_runs` and stop keeping them."""
    _RETAIN.clear()
    _RETAINED.clear()


def _factor_cache_for(engine) -> FactorCache:
    """A new :class:`FactorCache` of ``engine``, or the one kept for this thread with the same design."""
    cache = FactorCache(engine)
    if not _RETAIN.is_set():
        return cache
    key = threading.get_ident()
    kept = _RETAINED.get(key)
    if kept is not None and kept.same_design(cache):
        kept.engine = engine  # timings and counts go to the run that uses it now
        return kept
    _RETAINED[key] = cache
    return cache


def _groups(indptr, idx, wbits, keys, solvable, block_size=None):
    """``(reps, mptr, members)``: pixels of ``solvable`` grouped by identical pairs and weights.

    With ``block_size``, groups are cut into pieces of at most that many pixels (each piece
    factors again), so that batches, progress reports and cancellation checks come at most
    every ``block_size`` pixels as the option says.
    """
    kern = _kernels()
    order = solvable[np.argsort(keys[solvable], kind="stable")]
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], order.size]
    groups = []
    for s, e in zip(starts, ends):
        rep, rest = int(order[s]), order[s + 1 : e]
        same = [int(m) for m in rest if kern.same_pairs(indptr, idx, wbits, rep, int(m))]
        groups.append([rep, *same])
        groups.extend([int(m)] for m in rest if int(m) not in set(same))  # a collision: alone
    if block_size:
        size = max(1, int(block_size))
        groups = [g[i : i + size] for g in groups for i in range(0, len(g), size)]
    reps = np.array([g[0] for g in groups], dtype=np.int64)
    mptr = np.zeros(len(groups) + 1, dtype=np.int64)
    mptr[1:] = np.cumsum([len(g) for g in groups])
    members = np.array([m for g in groups for m in g], dtype=np.int64)
    return reps, mptr, members


def _chunks(mptr, n_rows, engine):
    """Contiguous ranges of groups of about equal cost, four per worker (the last round is short)."""
    n_groups = mptr.size - 1
    sizes = np.diff(mptr)
    cost = n_rows * (1.0 + 0.15 * sizes)  # a factorisation ~ 7 pixels' solves and residuals
    if engine.opt.block_size:  # one chunk per block_size pixels (see _groups)
        ends = np.flatnonzero(np.diff(mptr // max(1, int(engine.opt.block_size))) > 0) + 1
        bounds = np.unique(np.r_[0, ends, n_groups])
        return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    workers = getattr(engine, "_workers", None) or 1
    n_chunks = max(1, min(n_groups, 4 * workers))
    edges = np.searchsorted(np.cumsum(cost), np.linspace(0, cost.sum(), n_chunks + 1)[1:-1], side="right")
    bounds = np.unique(np.r_[0, edges, n_groups])
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
