"""CPU band solver of the temporal inversion: compiled (numba) per-pixel band kernels.

Same problem and interface as :class:`~itslive_qgis.core.inversion.solver.BatchSolver` (the
torch solver, used on CUDA and when numba is missing), but the work per pixel is that of a
BAND matrix instead of dense blocks:

1. **Assembly in O(T w).** A pair observes ``(X(d2) - X(d1)) / (d2 - d1)`` on the cumulative
   displacement ``X`` (four non-zeros per row of ``G``, see
   :func:`~itslive_qgis.core.inversion.design.edge_coefficients`), so ``M = G^T W G`` takes
   six products per pair. With ``A = G S`` (``S[a, i] = dt`` for ``i < a``) and the rows of
   ``M`` summing to zero, ``N[i, j] = -dt^2 sum_{a > i} sum_{b <= j} M[a, b]`` (``i >= j``),
   which is a suffix sum along each row of ``M``'s band followed by a running sum along the
   diagonals: about ``3 T w`` additions per pixel, ``w`` = bandwidth in steps.
2. **Band Cholesky** ``N = L L^T`` (right-looking, at most ``T w^2 / 2`` multiply-adds) and two
   band triangular solves for every component sharing the weights. The factorisation and the
   selected inverse run on the factor's envelope (:func:`~itslive_qgis.core.inversion.
   band_kernels.profile`: column ``j`` reaches only as far as the longest pair over it, and
   fill-in stays inside), which is exact and holds 34-46 % of the band's work on the real block.
3. **Band selected inverse** (Takahashi recursion) ``S = N^-1`` inside the band:
   ``S[j+1.., j] = -S_win L[j+1.., j] / L_jj``, ``S_jj = (1 / L_jj - L[j+1.., j] . S[j+1.., j]) /
   L_jj``, at most ``T w^2`` multiply-adds; gives ``diag(N^-1)`` (posterior sigma) and
   ``trace(N^-1 D^T D)`` (effective degrees of freedom of the residual variance).

Against the dense-block torch solver this does about a quarter of the floating-point work
(no dense ``B x B`` block inverses, no zero halves of off-diagonal blocks). The kernels run
without the GIL, so the engine's thread pool runs one pixel batch per core.

numpy in, numpy out: this path needs numpy and numba only (no torch). numba is optional for the
plugin as a whole: :func:`available` says whether it can be imported; without it the engine uses
the torch solver on the CPU when torch is installed (same results, 2-3x slower on the real
block), and otherwise says that the inversion needs numba.
"""

from __future__ import annotations

import functools

import numpy as np

from .design import design_matrix, edge_coefficients, step_ranges


@functools.cache
def available() -> bool:
    """True when numba can be imported (the kernels are compiled on first use)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def ready() -> bool:
    """True when the kernels compile (or load from the cache) and solve a tiny problem.

    Checked once per process, so that a broken numba/LLVM install is reported (or falls back to
    the torch solver where torch is installed) instead of failing the inversion midway.
    """
    if not available():
        return False
    try:
        edges = np.array([0.0, 10.0, 20.0, 30.0])
        solver = BandSolver([0.0, 5.0, 12.0], [30.0, 19.0, 29.0], edges, 2)
        out = solver.solve(np.array([[[100.0, 90.0, 110.0]]]), np.ones((1, 3)), np.array([1.0]))
        return bool(out["ok"].all()) and bool(np.isfinite(out["velocity"]).all())
    except Exception:  # any compile or run-time failure: the engine says so or uses torch
        return False


@functools.cache
def _kernels():
    """The compiled kernels module (numba compiles on first call, then loads its cache)."""
    from . import band_kernels as inversion_band_kernels

    return inversion_band_kernels


class BandSolver:
    """Solve many pixels sharing pair dates and grid with the compiled band kernels (CPU).

    Same methods as :class:`~itslive_qgis.core.inversion.solver.NumpyFace` (the torch solver's
    numpy face): numpy arrays in and out (CPU torch tensors are accepted as input too).

    Parameters
    ----------
    d1_days, d2_days : numpy.ndarray (K,)
        Pair dates (days since 1970-01-01).
    edges_days : numpy.ndarray (T + 1,)
        Grid edges.
    derivative : {1, 2}
    """

    def __init__(self, d1_days, d2_days, edges_days, derivative: int = 2):
        from .solver import regularisation_band

        edges = np.asarray(edges_days, dtype="float64")
        self.n_steps = edges.size - 1
        self.interval_days = float(edges[1] - edges[0])
        nodes, coefs = edge_coefficients(d1_days, d2_days, edges)
        self.nodes = np.ascontiguousarray(nodes, dtype=np.int64)
        self.coefs = np.ascontiguousarray(coefs, dtype=np.float64)
        span = int((nodes[:, 2] - nodes[:, 0]).max()) if nodes.shape[0] else 0
        self.bandwidth = int(max(span, derivative, 1))
        self.derivative = int(derivative)
        self.reg = np.ascontiguousarray(regularisation_band(self.n_steps, 1, self.derivative))
        self.first, self.last = step_ranges(self.nodes, self.coefs)
        self._dates = (d1_days, d2_days, edges)
        self.k = _kernels()

    @functools.cached_property
    def row_sq(self):
        """``sum_i A[k, i]^2`` per pair (the data scale of the lambda search)."""
        rows, _, vals = design_matrix(*self._dates, as_sparse=False)
        return np.bincount(rows, weights=vals**2, minlength=self.nodes.shape[0])

    def solve(self, values_cpk, weights_pk, lam_p, want_inverse: bool = True):
        """Solve a batch; see :meth:`BatchSolver.solve` (same arguments and result keys)."""
        values = _np(values_cpk)
        weights = _np(weights_pk)
        lam = _np(lam_p).astype(np.float64, copy=False)
        n_comp, n_pix, _ = values.shape
        vel = np.empty((n_comp, n_pix, self.n_steps))
        ninv = np.empty((n_pix, self.n_steps)) if want_inverse else np.empty((0, 0))
        trace = np.empty(n_pix)
        ok = np.empty(n_pix, dtype=np.bool_)
        self.k.solve_batch(
            self.nodes, self.coefs, weights, values, np.ascontiguousarray(lam), self.reg,
            self.interval_days, self.bandwidth, bool(want_inverse), vel, ninv, trace, ok,
        )  # fmt: skip
        return {
            "velocity": vel,
            "ok": ok,
            "ninv_diag": ninv if want_inverse else None,
            "trace_ninv_r": trace if want_inverse else None,
        }

    def predict(self, velocity_pt):
        """Pair averages ``A v`` (P, K) of step velocities (P, T), m/yr."""
        vel = _np(velocity_pt)
        out = np.empty((vel.shape[0], self.nodes.shape[0]))
        self.k.predict(self.nodes, self.coefs, self.interval_days, vel, out)
        return out

    def counts(self, valid_pk):
        """Number of valid pairs overlapping each step (P, T) int32."""
        valid = _np(valid_pk).astype(np.float64, copy=False)
        out = np.empty((valid.shape[0], self.n_steps), dtype=np.int32)
        self.k.counts(self.first, self.last, np.ascontiguousarray(valid), out)
        return out


def _np(t):
    """C-contiguous float numpy view of a CPU torch tensor (or array)."""
    arr = t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)
    return np.ascontiguousarray(arr)
