"""Pixel batching, robust re-weighting and output rules of the inversion.

Used by :mod:`itslive_qgis.core.inversion.api` (arrays) and
:mod:`itslive_qgis.core.inversion.dataset` (xarray). Everything here works on numpy arrays of
shape ``(C, P, K)``: ``C`` velocity components that share the pair mask, ``P`` pixels and
``K`` pairs. The solve itself is :class:`~itslive_qgis.core.inversion.band.BandSolver` (compiled
band kernels) on the CPU when numba is installed, else the torch
:class:`~itslive_qgis.core.inversion.solver.BatchSolver` (always on CUDA) through its numpy face
:class:`~itslive_qgis.core.inversion.solver.NumpyFace`.

torch is needed only for CUDA (or ``solver="torch"``): the engine works in numpy, the CPU band
path imports numpy and numba only, and ``device="auto"`` does not import torch on a machine
without an NVIDIA driver (:func:`cuda_possible`). Without numba and without torch the CPU
inversion raises :class:`~itslive_qgis.core.errors.MissingDependencyError` naming numba (there is
no slow pure-numpy fallback: a whole cube would take hours).
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import importlib.util
import os
import sys
import threading
from dataclasses import dataclass

import numpy as np

from ..errors import InputError, MissingDependencyError
from ..progress import NullProgress, check_cancelled
from . import band as inversion_band
from .columns import PER_PIXEL, ColumnPath, column_weights
from .smoothing import LambdaSearch, lambda_sample
from .solver import NumpyFace, build_structure

TUKEY_C = 4.685
HUBER_K = 1.345
IRLS_MAX_ITER = 10
IRLS_TOL = 1e-3
MEMORY_BUDGET_BYTES = 512 * 2**20
SOLVER_NAMES = {
    "band": "band Cholesky + band Takahashi selected inverse (numba, float64)",
    "torch": "block-tridiagonal LDL^T + block Takahashi selected inverse (torch float64)",
}


@dataclass
class EngineOptions:
    """Settings of one inversion run (see :func:`itslive_qgis.core.inversion.api.invert_pixels`)."""

    derivative: int = 2
    lam: float = 0.0  # 0 = automatic (image-grouped cross-validation)
    lam_mode: str = "global"  # "global" (one lambda from a pixel sample) or "per_pixel"
    robust: bool = False
    errors_given: bool = False  # sigma scaled by the given errors, not by the residuals
    max_gap_days: float = 60.0
    min_pairs: int = 3
    device: str = "auto"
    block_size: int | None = None
    workers: int | None = None  # CPU batches run concurrently (default: the CPUs this process may use)
    solver: str = "auto"  # "auto" (band kernels on CPU when numba is there), "band" or "torch"


@dataclass(frozen=True)
class Device:
    """Where the inversion runs: ``type`` ``"cpu"`` or ``"cuda"`` (``str`` as torch writes it)."""

    name: str

    @property
    def type(self) -> str:
        """``"cpu"`` or ``"cuda"``."""
        return self.name.split(":")[0]

    def __str__(self) -> str:
        return self.name

    def torch(self):
        """The ``torch.device`` (imports torch)."""
        return _torch().device(self.name)


def has_torch() -> bool:
    """True when torch can be imported (found without importing it)."""
    if sys.modules.get("torch") is not None:
        return True
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def cuda_possible() -> bool:
    """False when CUDA certainly cannot run here (no torch, or no NVIDIA driver), without importing torch.

    Importing torch costs about a second and 0.5 GB of shared libraries; a CPU run must not pay
    it. Linux: the NVIDIA driver's device nodes or /proc entry (or WSL's /dev/dxg); macOS: never
    (torch has no CUDA there); elsewhere torch is asked.
    """
    if not has_torch():
        return False
    if sys.platform == "darwin":
        return False
    if sys.platform.startswith("linux"):
        marks = ("/proc/driver/nvidia/version", "/dev/nvidiactl", "/dev/nvidia0", "/dev/dxg")
        return any(os.path.exists(m) for m in marks)
    return True


def resolve_device(device: str = "auto") -> Device:
    """:class:`Device` for ``"auto"`` (CUDA when torch sees a GPU, else the CPU), ``"cpu"`` or ``"cuda"``."""
    name = (device or "auto").lower()
    if name not in ("auto", "cpu") and not name.startswith("cuda"):
        raise InputError(f"DEVICE must be auto, cpu or cuda, got {device!r}.")
    if name == "cpu":
        return Device("cpu")
    if name == "auto":
        return Device("cuda") if cuda_possible() and _torch().cuda.is_available() else Device("cpu")
    if not has_torch():
        raise MissingDependencyError(
            "DEVICE is 'cuda', which needs PyTorch with CUDA: install the installer's 'torch' set "
            "(pip install torch), or choose 'auto' or 'cpu' (the CPU solver needs numba only)."
        )
    if not (cuda_possible() and _torch().cuda.is_available()):
        raise InputError("DEVICE is 'cuda' but PyTorch sees no CUDA GPU: choose 'auto' or 'cpu'.")
    return Device(name)


def torch_device(device: str = "auto"):
    """``torch.device`` for ``"auto"``, ``"cpu"`` or ``"cuda"`` (imports torch; :func:`resolve_device`)."""
    return resolve_device(device).torch()


#: threads an inversion may use in this context (0 = every CPU of :func:`cpu_workers`)
_THREAD_LIMIT = contextvars.ContextVar("itslive_inversion_threads", default=0)


def cpu_workers() -> int:
    """CPUs this process may use (its affinity mask where the platform has one), at most the limit
    of :func:`thread_limit` where one is set."""
    try:
        n = max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        n = max(1, os.cpu_count() or 1)
    limit = _THREAD_LIMIT.get()
    return min(n, limit) if limit > 0 else n


@contextlib.contextmanager
def thread_limit(n: int):
    """Within: the inversions of this context use at most ``n`` threads.

    A dask worker runs its ``nthreads`` tasks side by side, one process per core on a cluster of
    single-threaded workers; an inversion there that took every core of the machine ran two
    threads per core (with the read-ahead thread, five on two cores).
    """
    token = _THREAD_LIMIT.set(max(0, int(n)))
    try:
        yield
    finally:
        _THREAD_LIMIT.reset(token)


class Engine(LambdaSearch, ColumnPath):
    """Invert ``(C, P, K)`` pair velocities on a fixed grid, batch by batch.

    Parameters
    ----------
    d1_days, d2_days : numpy.ndarray (K,)
        Pair dates, days since 1970-01-01.
    edges_days : numpy.ndarray
        Grid edges.
    options : EngineOptions
    """

    def __init__(self, d1_days, d2_days, edges_days, options: EngineOptions):
        self.d1 = np.asarray(d1_days, dtype="float64")
        self.d2 = np.asarray(d2_days, dtype="float64")
        self.edges = np.asarray(edges_days, dtype="float64")
        self.opt = options
        self.device = resolve_device(options.device)
        self.n_steps = self.edges.size - 1
        self.interval = float(self.edges[1] - self.edges[0])
        self.solver_kind = self._solver_kind(options.solver)

    def _solver_kind(self, wanted: str) -> str:
        """``"band"`` (numba kernels, CPU) or ``"torch"`` for the option ``wanted``."""
        wanted = (wanted or "auto").lower()
        if wanted not in ("auto", "band", "torch"):
            raise InputError(f"solver must be auto, band or torch, got {wanted!r}.")
        if wanted == "torch" or self.device.type != "cpu":
            if not has_torch():
                raise MissingDependencyError(
                    "solver 'torch' needs PyTorch (pip install torch); the CPU band solver needs numba only."
                )
            return "torch"
        if inversion_band.ready():
            return "band"
        if wanted == "band" or not has_torch():
            raise MissingDependencyError(
                "The CPU inversion needs numba (pip install numba, or the installer's 'numba' set), "
                "and its kernels must compile; PyTorch (the CUDA solver) is not needed for the CPU."
            )
        return "torch"

    @property
    def solver_name(self) -> str:
        """Description of the solver for the output attributes."""
        return SOLVER_NAMES[self.solver_kind]

    # --- public ----------------------------------------------------------------------------

    def run(self, values, weights, progress=None, lam_global: float | None = None):
        """Invert every pixel.

        Parameters
        ----------
        values : numpy.ndarray (C, P, K)
            Pair velocities, m/yr, NaN = missing.
        weights : numpy.ndarray (P, K) or (C, P, K) or None
            Base weights (1/sigma^2, 1/(m/yr)^2); None = 1. A pair is used by a pixel when
            every component is finite and its weight is > 0.
        progress : Progress, optional
        lam_global : float, optional
            Lambda to use for every pixel (skips the automatic choice).

        Returns
        -------
        dict of numpy.ndarray
            ``velocity`` (C, P, T), ``sigma`` (C, P, T), ``count`` (P, T), ``lam`` (C, P),
            ``n_pairs`` (P,), ``lam_method`` (str).
        """
        progress = progress or NullProgress()
        values = np.asarray(values)
        c, p, k = values.shape
        if k != self.d1.size:
            raise InputError(f"values have {k} pairs but {self.d1.size} pair dates were given.")
        if self.columns_apply(lam_global):  # band solver, one lambda: no gathers, shared factors
            w_arr, kind = column_weights(weights)
            # read in memory order: rows of pairs per pixel, or rows of pixels per pair
            pixel_major = abs(values.strides[2]) <= abs(values.strides[1])
            if not pixel_major:
                values = values.transpose(0, 2, 1)
                w_arr = w_arr.transpose(0, 2, 1) if kind == PER_PIXEL else w_arr
            return self.run_columns(
                values, w_arr, kind, progress=progress, lam_global=lam_global, pixel_major=pixel_major
            )
        inputs = _Inputs.from_arrays(values, weights)
        n_pairs, active = inputs.usable.sum(axis=1), inputs.active
        # pairs no pixel uses are never copied (batches gather the others)
        engine = self if active.size == k else self.with_pairs(active)
        return engine.run_inputs(inputs, n_pairs, progress, lam_global)

    def with_pairs(self, pairs) -> Engine:
        """This engine (device, solver, options) on the pairs ``pairs`` (indices) only."""
        clone = copy.copy(self)
        for name in ("_folds", "_factor_cache"):  # both follow the pairs
            clone.__dict__.pop(name, None)
        clone.d1, clone.d2 = self.d1[pairs], self.d2[pairs]
        return clone

    def run_inputs(self, inputs, n_pairs, progress, lam_global):
        """:meth:`run` on prepared inputs (every pair of ``inputs.active`` is one of this engine's)."""
        with self._parallel():
            return self._run_all(inputs, n_pairs, progress, lam_global)

    def _run_all(self, inputs, n_pairs, progress, lam_global):
        c, p = inputs.n_comp, inputs.n_pix
        solvable = np.flatnonzero(n_pairs >= self.opt.min_pairs)
        out = {
            "velocity": np.full((c, p, self.n_steps), np.nan),
            "sigma": np.full((c, p, self.n_steps), np.nan),
            "count": np.zeros((p, self.n_steps), dtype="int32"),
            "lam": np.full((c, p), np.nan),
            "n_pairs": n_pairs.astype("int64"),
        }
        lam_method = "fixed"
        if lam_global is None and self.opt.lam > 0:
            lam_global = float(self.opt.lam)
        elif lam_global is None and self.opt.lam_mode == "global" and solvable.size:
            lam_global = self.choose_global_lambda(*inputs.gather(lambda_sample(solvable)), progress)
            lam_method = "cv-global"
        elif lam_global is None:
            lam_method = "cv-per-pixel"
        if lam_global is not None and lam_method == "fixed" and self.opt.lam <= 0:
            lam_method = "cv-global"
        batch = self.batch_size(inputs.active.size, solvable.size)
        chunks = [solvable[s : s + batch] for s in range(0, solvable.size, batch)]
        done = 0
        for idx, res in self._map_batches(chunks, inputs, lam_global, progress):
            for key in ("velocity", "sigma", "lam"):
                out[key][:, idx] = res[key]
            out["count"][idx] = res["count"]
            done += idx.size
            progress.report(done / max(solvable.size, 1))
        check_cancelled(progress)
        out["lam_method"] = lam_method
        return out

    @contextlib.contextmanager
    def _parallel(self):
        """On CPU with several cores: a pool of that many workers (torch single-threaded meanwhile).

        Pixel batches (and the cross-validation batches) then run concurrently, one per core (the
        band kernels release the GIL). This batch-level parallelism scales better than splitting
        each of the many small batched operations over threads, and degrades gracefully when
        other processes load the CPU. With the torch solver its thread setting is restored
        afterwards; the band path never imports torch.
        """
        workers = self.opt.workers or cpu_workers()
        if self.device.type != "cpu" or workers <= 1 or getattr(self, "_pool", None) is not None:
            yield
            return
        from concurrent.futures import ThreadPoolExecutor

        torch = _torch() if self.solver_kind == "torch" else None
        previous = torch.get_num_threads() if torch is not None else None
        if torch is not None:
            torch.set_num_threads(1)
        self._pool = ThreadPoolExecutor(max_workers=workers)
        self._pool_owner = threading.get_ident()
        self._workers = workers
        try:
            yield
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            if torch is not None:
                torch.set_num_threads(previous)

    def _pmap(self, fn, items, progress=None):
        """Yield ``(item, fn(item))`` in order, in the worker pool when there is one."""
        pool = getattr(self, "_pool", None)
        if pool is None or threading.get_ident() != self._pool_owner or len(items) <= 1:
            for item in items:
                check_cancelled(progress)
                yield item, fn(item)
            return
        queue = list(items)
        pending = []
        while queue or pending:
            while queue and len(pending) < self._workers:
                check_cancelled(progress)
                item = queue.pop(0)
                pending.append((item, pool.submit(fn, item)))
            item, fut = pending.pop(0)
            yield item, fut.result()

    def _map_batches(self, chunks, inputs, lam_global, progress):
        """Yield ``(indices, result)`` per pixel batch, checking cancellation between batches.

        Each worker gathers its own pixels' used pairs (:meth:`_Inputs.gather`), so the copies
        are small, run in parallel and never span the whole input.
        """

        def work(idx):
            return self._run_batch(*inputs.gather(idx), lam_global)

        yield from self._pmap(work, chunks, progress)

    def batch_size(self, n_pairs: int, n_items: int | None = None) -> int:
        """Pixels per batch: the given block size, else what fits the memory budget.

        The band solver keeps one pixel's factors at a time, so its batches are only bounded
        by 64 and, for ``n_items`` solves, made small enough to give every worker about four
        batches (the last round of a pool is otherwise often one batch on one core).
        """
        if self.opt.block_size:
            return max(1, int(self.opt.block_size))
        if self.solver_kind == "band":
            workers = getattr(self, "_workers", None) or 1
            share = -(-(n_items or 64) // (4 * workers))
            return int(np.clip(share, 8, 64))
        bw_guess = 48  # factors: 2 x (T x B) doubles per pixel; inputs: a few doubles per pair
        per_pixel = 8 * (2 * self.n_steps * bw_guess + 2 * n_pairs + 8 * self.n_steps)
        return int(np.clip(MEMORY_BUDGET_BYTES // per_pixel, 16, 64))

    # --- batches ---------------------------------------------------------------------------

    def _run_batch(self, values, base_w, lam_global):
        """values (C, P, K), base_w (C, P, K) for solvable pixels (numpy in and out)."""
        c, p, _ = values.shape
        solver, active, vals, w = self._restrict(values, base_w)
        if lam_global is not None:
            lam = np.full((c, p), lam_global)
        else:
            lam = self._lambda_per_pixel(vals, w, solver, active)
        if self.opt.robust:
            w = self._robust_weights(vals, w, lam, solver)
        shared = self._shared(w)
        vel = np.empty((c, p, self.n_steps))
        sig = np.empty((c, p, self.n_steps))
        groups = [list(range(c))] if shared else [[i] for i in range(c)]
        for comps in groups:
            wt = np.ascontiguousarray(w[comps[0]])
            vt = np.ascontiguousarray(vals[comps])
            lam_c = np.ascontiguousarray(lam[comps[0]], dtype="float64")
            res = solver.solve(vt, wt, lam_c, want_inverse=True)
            v = res["velocity"]
            ninv = res["ninv_diag"]
            bad = ~res["ok"]
            used = wt > 0
            for j, comp in enumerate(comps):
                if self.opt.errors_given:
                    var = ninv
                else:
                    pred = solver.predict(v[j])
                    with np.errstate(invalid="ignore"):
                        resid = np.where(used, vt[j] - pred, 0.0)
                    rss = (wt * resid**2).sum(axis=1)
                    dof = used.sum(axis=1).astype("float64") - (self.n_steps - lam_c * res["trace_ninv_r"])
                    with np.errstate(invalid="ignore", divide="ignore"):
                        s2 = np.where(dof > 0, rss / dof, np.nan)
                    var = ninv * s2[:, None]
                vel[comp] = _masked(v[j], bad)
                sig[comp] = _masked(np.sqrt(np.maximum(var, 0.0)), bad)
        count = solver.counts((w[0] > 0).astype("float64"))
        hide = self._hidden_steps(count)
        vel[:, hide] = np.nan
        sig[:, hide] = np.nan
        return {"velocity": vel, "sigma": sig, "count": count, "lam": lam}

    def _restrict(self, values, w):
        """``(solver, pairs, values, w)`` on the pairs some pixel of ``w`` (C, P, K) uses."""
        pairs = np.flatnonzero((w > 0).any(axis=(0, 1)))
        return self._solver(pairs), pairs, np.take(values, pairs, axis=2), np.take(w, pairs, axis=2)

    def _solver(self, active):
        if self.solver_kind == "band":
            d1, d2 = self.d1[active], self.d2[active]
            return inversion_band.BandSolver(d1, d2, self.edges, self.opt.derivative)
        structure = build_structure(self.d1[active], self.d2[active], self.edges, self.opt.derivative)
        return NumpyFace(structure, self.device.torch())

    @staticmethod
    def base_weights(values, weights):
        """(C, P, K) weights: 1 or the given ones where every component and weight is usable."""
        inputs = _Inputs.from_arrays(values, weights, all_pairs=True)
        return inputs.gather(np.arange(inputs.n_pix))[1]

    @staticmethod
    def _shared(w) -> bool:
        return all(np.array_equal(w[0], w[i]) for i in range(1, w.shape[0]))

    def _hidden_steps(self, count):
        """Steps no pair informs and the regularisation should not carry: True = NaN."""
        max_gap = max(1, int(np.floor(self.opt.max_gap_days / self.interval)))
        zero = count == 0
        p, t = zero.shape
        covered = ~zero
        any_cov = covered.any(axis=1)
        first = np.where(any_cov, covered.argmax(axis=1), t)
        last = np.where(any_cov, t - 1 - covered[:, ::-1].argmax(axis=1), -1)
        steps = np.arange(t)[None, :]
        hide = (steps < first[:, None]) | (steps > last[:, None])
        # length of the run of zero-count steps each step belongs to (runs never cross rows)
        starts = zero.copy()
        starts[:, 1:] &= ~zero[:, :-1]
        run_id = np.cumsum(starts.ravel()) * zero.ravel()
        run_len = np.bincount(run_id)[run_id].reshape(p, t)
        return hide | (zero & (run_len > max_gap))

    # --- robust weights ------------------------------------------------------------------------

    def _robust_weights(self, values, w0, lam, solver):
        """IRLS: two Huber then Tukey-biweight iterations on standardised residuals."""
        c = values.shape[0]
        w = w0.copy()
        for ci in range(c):
            w0c = np.ascontiguousarray(w0[ci])
            vc = np.ascontiguousarray(values[ci])
            lam_c = np.ascontiguousarray(lam[ci], dtype="float64")
            used = w0c > 0
            wc = w0c.copy()
            for it in range(IRLS_MAX_ITER):
                res = solver.solve(vc[None], wc, lam_c, want_inverse=False)
                pred = solver.predict(res["velocity"][0])
                with np.errstate(invalid="ignore"):
                    r = np.where(used, (vc - pred) * np.sqrt(w0c), np.nan)
                scale = 1.4826 * _lower_nanmedian(np.abs(r))
                scale = np.maximum(np.nan_to_num(scale, nan=1.0), 1e-12)
                u = np.abs(np.nan_to_num(r / scale[:, None], nan=0.0))
                if it < 2:
                    factor = np.where(u <= HUBER_K, 1.0, HUBER_K / np.maximum(u, 1e-300))
                else:
                    factor = np.maximum(1.0 - (u / TUKEY_C) ** 2, 0.0) ** 2
                new = np.where(used, w0c * factor, 0.0)
                change = float((np.abs(new - wc).max(axis=1) / np.maximum(w0c.max(axis=1), 1e-300)).max())
                wc = new
                if it >= 2 and change < IRLS_TOL:
                    break
            w[ci] = wc
        return w


class _Inputs:
    """Pair velocities and weights as given, with the pairs any pixel uses (``active``).

    Parameters
    ----------
    values : numpy.ndarray (C, P, K)
        Any float dtype; NaN = missing.
    w_in : numpy.ndarray (C, P, K) or None
        Base weights (possibly a broadcast view); None = 1.
    usable : numpy.ndarray of bool (P, K)
        Pair usable by pixel (every component finite, weight > 0).
    active : numpy.ndarray of int
        Pairs usable by at least one pixel.
    """

    def __init__(self, values, w_in, usable, active):
        self.values, self.w_in, self.usable, self.active = values, w_in, usable, active
        self.n_comp, self.n_pix = values.shape[0], values.shape[1]

    @classmethod
    def from_arrays(cls, values, weights, all_pairs: bool = False):
        """Inputs of ``values`` (C, P, K) and ``weights`` ((P, K), (C, P, K) or None).

        A pair is usable by a pixel when every component is finite and its weight is finite
        and > 0; ``active`` are the pairs some pixel uses (every pair with ``all_pairs``).
        """
        c, p, k = values.shape
        finite = np.isfinite(values)
        usable = finite[0] if c == 1 else np.logical_and.reduce(finite, axis=0)  # (P, K): all finite
        del finite
        w_in = None
        if weights is not None:
            w_in = np.broadcast_to(np.asarray(weights), (c, p, k))
            usable = usable & np.all(np.isfinite(w_in) & (w_in > 0), axis=0)
        active = np.arange(k) if all_pairs else np.flatnonzero(usable.any(axis=0))
        return cls(values, w_in, usable, active)

    def gather(self, pixels):
        """``(values, base_w)`` float64 (C, n, K_active) of the pixels ``pixels``."""
        pixels = np.asarray(pixels)
        comps = np.arange(self.n_comp)
        index = np.ix_(comps, pixels, self.active)
        vals = self.values[index].astype("float64", copy=False)
        mask = self.usable[np.ix_(pixels, self.active)]
        if self.w_in is None:
            base_w = np.broadcast_to(mask, vals.shape).astype("float64")
        else:
            base_w = np.where(mask, self.w_in[index], 0.0).astype("float64", copy=False)
        return vals, base_w


def _masked(arr, bad):
    arr = np.array(arr, dtype="float64")
    arr[bad] = np.nan
    return arr


def _lower_nanmedian(a):
    """Per row of ``a`` (P, K): the lower median of the non-NaN values (NaN for none).

    The lower of the two middle values for an even count, as ``torch.nanmedian`` (which the
    robust weights used before the engine moved to numpy), not their mean as ``numpy.nanmedian``.
    """
    n = np.sum(~np.isnan(a), axis=1)
    ordered = np.sort(a, axis=1)  # NaN sort last
    pick = ordered[np.arange(a.shape[0]), np.maximum(n - 1, 0) // 2]
    return np.where(n > 0, pick, np.nan)


def _torch():
    import torch

    return torch
