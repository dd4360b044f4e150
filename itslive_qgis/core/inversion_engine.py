"""Pixel batching, automatic lambda (image-grouped cross-validation), robust re-weighting, output rules.

Used by :mod:`itslive_qgis.core.inversion` (arrays) and
:mod:`itslive_qgis.core.inversion_dataset` (xarray). Everything here works on numpy arrays of
shape ``(C, P, K)``: ``C`` velocity components that share the pair mask, ``P`` pixels and
``K`` pairs. The solve itself is :class:`~itslive_qgis.core.inversion_band.BandSolver` (compiled
band kernels) on the CPU when numba is installed, else the torch
:class:`~itslive_qgis.core.inversion_solver.BatchSolver` (always on CUDA).
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass

import numpy as np

from . import inversion_band
from .errors import InputError, MissingDependencyError
from .inversion_solver import BatchSolver, build_structure
from .progress import NullProgress, check_cancelled

#: log10 offsets of the coarse lambda grid around the data scale, then the refinement offsets.
LAMBDA_COARSE = np.arange(-4.0, 6.01, 1.0)
LAMBDA_REFINE = np.array([1.0 / 3.0, 2.0 / 3.0])
#: folds of the image-grouped cross-validation
CV_FOLDS = 5
#: the lambda chosen is the largest whose score is within this many standard errors of the minimum
CV_SE_RULE = 1.0
LAMBDA_SAMPLE_PIXELS = 16
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
    """Settings of one inversion run (see :func:`itslive_qgis.core.inversion.invert_pixels`)."""

    derivative: int = 2
    lam: float = 0.0  # 0 = automatic (image-grouped cross-validation)
    lam_mode: str = "global"  # "global" (one lambda from a pixel sample) or "per_pixel"
    robust: bool = False
    errors_given: bool = False  # sigma scaled by the given errors, not by the residuals
    max_gap_days: float = 60.0
    min_pairs: int = 3
    device: str = "auto"
    block_size: int | None = None
    workers: int | None = None  # CPU batches run concurrently (default: torch.get_num_threads())
    solver: str = "auto"  # "auto" (band kernels on CPU when numba is there), "band" or "torch"


def torch_device(device: str = "auto"):
    """``torch.device`` for ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``."""
    try:
        import torch
    except ImportError as exc:
        raise MissingDependencyError(
            "The inversion needs PyTorch: pip install torch (CPU build is enough)."
        ) from exc
    name = (device or "auto").lower()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise InputError("DEVICE is 'cuda' but PyTorch sees no CUDA GPU: choose 'auto' or 'cpu'.")
    if name not in ("cpu",) and not name.startswith("cuda"):
        raise InputError(f"DEVICE must be auto, cpu or cuda, got {device!r}.")
    return torch.device(name)


class Engine:
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
        self.device = torch_device(options.device)
        self.n_steps = self.edges.size - 1
        self.interval = float(self.edges[1] - self.edges[0])
        self.solver_kind = self._solver_kind(options.solver)

    def _solver_kind(self, wanted: str) -> str:
        """``"band"`` (numba kernels, CPU) or ``"torch"`` for the option ``wanted``."""
        wanted = (wanted or "auto").lower()
        if wanted not in ("auto", "band", "torch"):
            raise InputError(f"solver must be auto, band or torch, got {wanted!r}.")
        if wanted == "torch" or self.device.type != "cpu":
            return "torch"
        if inversion_band.ready():
            return "band"
        if wanted == "band":
            raise MissingDependencyError(
                "The band solver needs numba (pip install numba), and its kernels must compile."
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
        finite = np.isfinite(values)
        usable = finite[0] if c == 1 else np.logical_and.reduce(finite, axis=0)  # (P, K): all finite
        del finite
        w_in = None
        if weights is not None:
            w_in = np.broadcast_to(np.asarray(weights), (c, p, k))
            usable &= np.all(np.isfinite(w_in) & (w_in > 0), axis=0)
        n_pairs = usable.sum(axis=1)
        active = np.flatnonzero(usable.any(axis=0))
        inputs = _Inputs(values, w_in, usable, active)
        engine = self
        if active.size < k:  # pairs no pixel uses are never copied (batches gather the others)
            engine = Engine(self.d1[active], self.d2[active], self.edges, self.opt)
            engine.device = self.device
            engine.solver_kind = self.solver_kind
        with engine._parallel():
            return engine._run_all(inputs, n_pairs, progress, lam_global)

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
        """On CPU with several torch threads: a pool of that many workers, torch single-threaded.

        Pixel batches (and the cross-validation batches) then run concurrently, one per core. This
        batch-level parallelism scales better than splitting each of the many small batched
        operations over threads, and degrades gracefully when other processes load the CPU.
        The torch thread setting is restored afterwards.
        """
        torch = _torch()
        workers = self.opt.workers or torch.get_num_threads()
        if self.device.type != "cpu" or workers <= 1 or getattr(self, "_pool", None) is not None:
            yield
            return
        from concurrent.futures import ThreadPoolExecutor

        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        self._pool = ThreadPoolExecutor(max_workers=workers)
        self._pool_owner = threading.get_ident()
        self._workers = workers
        try:
            yield
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
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

    def choose_global_lambda(self, values, base_w, progress=None) -> float:
        """One lambda for all pixels: median (in log) of the per-pixel choices of a sample.

        ``values``/``base_w`` (C, S, K) are the sample pixels (up to 16, evenly spread over
        the solvable pixels when :meth:`run` picks them).
        """
        vals, w = values.astype("float64", copy=False), base_w
        if self.opt.robust:  # score on robust weights, or outliers inflate lambda
            w = self._robust_weights(vals, w, self._lambda_per_pixel(vals, w))
        lam = self._lambda_per_pixel(vals, w)
        best = float(np.exp(np.median(np.log(lam[np.isfinite(lam)])))) if np.isfinite(lam).any() else 1.0
        if progress is not None:
            progress.log(
                f"Inversion: lambda = {best:.4g} chosen by cross-validation over images on "
                f"{vals.shape[1]} sample pixels."
            )
        return best

    # --- batches ---------------------------------------------------------------------------

    def _run_batch(self, values, base_w, lam_global):
        """values (C, P, K), base_w (C, P, K) for solvable pixels."""
        torch = _torch()
        c, p, _ = values.shape
        active = np.flatnonzero((base_w > 0).any(axis=(0, 1)))
        solver = self._solver(active)
        vals = np.take(values, active, axis=2)
        w = np.take(base_w, active, axis=2)
        if lam_global is not None:
            lam = np.full((c, p), lam_global)
        else:
            lam = self._lambda_per_pixel(vals, w, solver, pairs=active)
        if self.opt.robust:
            w = self._robust_weights(vals, w, lam, solver)
        shared = self._shared(w)
        vel = np.empty((c, p, self.n_steps))
        sig = np.empty((c, p, self.n_steps))
        groups = [list(range(c))] if shared else [[i] for i in range(c)]
        for comps in groups:
            wt = torch.as_tensor(np.ascontiguousarray(w[comps[0]]), device=self.device)
            vt = torch.as_tensor(np.ascontiguousarray(vals[comps]), device=self.device)
            lam_t = torch.as_tensor(lam[comps[0]], dtype=torch.float64, device=self.device)
            res = solver.solve(vt, wt, lam_t, want_inverse=True)
            v = res["velocity"]
            ninv = res["ninv_diag"]
            ok = res["ok"]
            for j, comp in enumerate(comps):
                pred = solver.predict(v[j])
                resid = torch.where(wt > 0, vt[j] - pred, torch.zeros((), dtype=torch.float64))
                rss = (wt * resid**2).sum(dim=1)
                n_used = (wt > 0).sum(dim=1).to(torch.float64)
                dof = n_used - (self.n_steps - lam_t * res["trace_ninv_r"])
                if self.opt.errors_given:
                    var = ninv
                else:
                    s2 = torch.where(dof > 0, rss / dof, torch.full_like(rss, float("nan")))
                    var = ninv * s2[:, None]
                bad = ~ok
                vel[comp] = _masked(v[j], bad)
                sig[comp] = _masked(torch.sqrt(torch.clamp(var, min=0.0)), bad)
        count = solver.counts(torch.as_tensor((w[0] > 0).astype("float64"), device=self.device)).cpu().numpy()
        hide = self._hidden_steps(count)
        vel[:, hide] = np.nan
        sig[:, hide] = np.nan
        return {"velocity": vel, "sigma": sig, "count": count, "lam": lam}

    def _solver(self, active):
        if self.solver_kind == "band":
            d1, d2 = self.d1[active], self.d2[active]
            return inversion_band.BandSolver(d1, d2, self.edges, self.opt.derivative)
        structure = build_structure(self.d1[active], self.d2[active], self.edges, self.opt.derivative)
        return BatchSolver(structure, self.device)

    def _base_weights(self, values, weights):
        """(C, P, K) weights: 1 or the given ones where every component and weight is usable."""
        c, p, k = values.shape
        usable = np.logical_and.reduce(np.isfinite(values), axis=0)
        w = np.zeros((c, p, k))
        if weights is None:
            w[:, usable] = 1.0
            return w
        w_in = np.broadcast_to(np.asarray(weights, dtype="float64"), (c, p, k))
        usable &= np.all(np.isfinite(w_in) & (w_in > 0), axis=0)
        w[:, usable] = w_in[:, usable]
        return w

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

    # --- automatic lambda and robust weights ---------------------------------------------------

    def _lambda_per_pixel(self, values, w, solver=None, pairs=None):
        """Lambda of every component and pixel (C, P): image-grouped CV with the one-SE rule.

        ``pairs`` are the engine's pair indices of the columns of ``values`` (default: all).
        Components sharing the weights are scored jointly (their held-out residuals pooled)
        and get the same lambda. On a decade grid around the data scale
        (:data:`LAMBDA_COARSE`), take the minimum score, then the LARGEST lambda whose score is
        within one standard error of it, refined by two points a third of a decade apart.
        Pixels no lambda can score keep the data scale.
        """
        torch = _torch()
        c, p, _ = values.shape
        pairs = np.arange(values.shape[2]) if pairs is None else np.asarray(pairs)
        if solver is None:
            active = np.flatnonzero((w > 0).any(axis=(0, 1)))
            solver = self._solver(pairs[active])
            values, w, pairs = np.take(values, active, axis=2), np.take(w, active, axis=2), pairs[active]
        held = self.held_out(pairs)
        a2 = solver.row_sq
        reg_norm = 2.0 if self.opt.derivative == 1 else 6.0
        out = np.empty((c, p))
        groups = [list(range(c))] if self._shared(w) else [[i] for i in range(c)]
        rows = np.arange(p)
        for comps in groups:
            wt = torch.as_tensor(np.ascontiguousarray(w[comps[0]]), device=self.device)
            vt = torch.as_tensor(np.ascontiguousarray(values[comps]), device=self.device)
            scale = (w[comps[0]] @ a2) / self.n_steps / reg_norm
            base = np.log10(np.where(scale > 0, scale, 1.0))
            logs = base[:, None] + LAMBDA_COARSE[None, :]
            score, se = self._cv_scores(solver, vt, wt, logs, held)
            score = _finite_or_inf(score)
            j = np.argmin(score, axis=1)
            best = score[rows, j]
            threshold = best + CV_SE_RULE * np.nan_to_num(se[rows, j], nan=0.0)
            within = (score <= threshold[:, None]) & (np.arange(logs.shape[1])[None, :] >= j[:, None])
            k = logs.shape[1] - 1 - np.argmax(within[:, ::-1], axis=1)  # largest accepted index
            chosen = logs[rows, k]
            refine = k < logs.shape[1] - 1
            if refine.any():
                fine = chosen[refine, None] + LAMBDA_REFINE[None, :]
                f_score, _ = self._cv_scores(solver, vt[:, refine], wt[refine], fine, held)
                ok = _finite_or_inf(f_score) <= threshold[refine, None]
                last = np.where(ok.any(axis=1), LAMBDA_REFINE.size - 1 - np.argmax(ok[:, ::-1], axis=1), -1)
                chosen[refine] = np.where(
                    last >= 0, fine[np.arange(fine.shape[0]), np.maximum(last, 0)], chosen[refine]
                )
            bad = ~np.isfinite(best)
            chosen[bad] = base[bad]
            out[comps] = 10.0**chosen
        return out

    def held_out(self, pairs):
        """(F, K) bool: pairs (engine indices) held out in each fold, i.e. sharing an image with it.

        Images are the distinct acquisition dates (to 0.01 day); each goes to one of
        :data:`CV_FOLDS` folds by a fixed hash of its date, so the folds do not depend on which
        other pairs are present (the same on every tile and batch).
        """
        f1, f2 = self._image_fold[0][pairs], self._image_fold[1][pairs]
        folds = np.arange(CV_FOLDS)[:, None]
        return (f1[None, :] == folds) | (f2[None, :] == folds)

    @property
    def _image_fold(self):
        if getattr(self, "_folds", None) is None:
            self._folds = (_fold_of_dates(self.d1), _fold_of_dates(self.d2))
        return self._folds

    def _cv_scores(self, solver, vt, wt, log_lams, held):
        """Cross-validation score and its standard error per pixel and lambda, each (P, L).

        For every fold, the pairs sharing an image with it are left out (weight 0), the rest
        are inverted (no selected inverse needed) and the left-out pairs predicted. The score
        is the mean weighted squared error of the left-out pairs, pooled over the folds and
        the components in ``vt``; the standard error is that of the K fold means (std / sqrt K).
        NaN where a fold cannot be solved.
        """
        torch = _torch()
        p, n_l = log_lams.shape
        n_f = held.shape[0]
        n_items = p * n_l * n_f
        batch = self.batch_size(wt.shape[1], n_items)
        flat = np.arange(n_items)
        item_p, item_l, item_f = flat // (n_l * n_f), (flat // n_f) % n_l, flat % n_f
        held_t = torch.as_tensor(held, device=self.device)
        zero = torch.zeros((), dtype=torch.float64, device=self.device)
        first_t = torch.as_tensor(np.asarray(solver.first), device=self.device)
        last_t = torch.as_tensor(np.asarray(solver.last), device=self.device)

        def work(s):
            sel_p = torch.as_tensor(item_p[s : s + batch], device=self.device)
            sel_f = torch.as_tensor(item_f[s : s + batch], device=self.device)
            logs = log_lams[item_p[s : s + batch], item_l[s : s + batch]]
            lam_t = torch.as_tensor(10.0**logs, dtype=torch.float64, device=self.device)
            w_all = wt[sel_p]
            test = held_t[sel_f] & (w_all > 0)
            w_train = torch.where(test, zero, w_all)
            test &= ~_spans_a_gap(solver, w_train > 0, first_t, last_t)
            y_b = vt[:, sel_p]
            res = solver.solve(y_b, w_train.contiguous(), lam_t, want_inverse=False)
            sse = torch.zeros(w_all.shape[0], dtype=torch.float64, device=self.device)
            for g in range(y_b.shape[0]):
                pred = solver.predict(res["velocity"][g])
                sse += torch.where(test, w_all * (y_b[g] - pred) ** 2, zero).sum(dim=1)
            n_test = test.sum(dim=1).to(torch.float64) * y_b.shape[0]
            good = res["ok"] & (n_test > 0)
            nan = torch.full_like(sse, float("nan"))
            return torch.where(good, sse, nan).cpu().numpy(), n_test.cpu().numpy()

        sse = np.empty(n_items)
        count = np.empty(n_items)
        for s, (sse_s, n_s) in self._pmap(work, list(range(0, n_items, batch))):
            sse[s : s + batch] = sse_s
            count[s : s + batch] = n_s
        sse = sse.reshape(p, n_l, n_f)
        count = count.reshape(p, n_l, n_f)
        with np.errstate(invalid="ignore", divide="ignore"):
            pooled = np.where(count.sum(axis=2) > 0, sse.sum(axis=2) / count.sum(axis=2), np.nan)
            per_fold = np.where(count > 0, sse / count, np.nan)  # NaN if a fold failed
            se = np.std(per_fold, axis=2, ddof=1) / np.sqrt(n_f)
        return pooled, se

    def _robust_weights(self, values, w0, lam, solver=None):
        """IRLS: two Huber then Tukey-biweight iterations on standardised residuals."""
        torch = _torch()
        if solver is None:
            active = np.flatnonzero((w0 > 0).any(axis=(0, 1)))
            full = w0.copy()
            full[:, :, active] = self._robust_weights(
                values[:, :, active], w0[:, :, active], lam, self._solver(active)
            )
            return full
        c = values.shape[0]
        w = w0.copy()
        for ci in range(c):
            w0t = torch.as_tensor(np.ascontiguousarray(w0[ci]), device=self.device)
            vt = torch.as_tensor(np.ascontiguousarray(values[ci]), device=self.device)
            lam_t = torch.as_tensor(lam[ci], dtype=torch.float64, device=self.device)
            used = w0t > 0
            wt = w0t.clone()
            for it in range(IRLS_MAX_ITER):
                res = solver.solve(vt[None], wt, lam_t, want_inverse=False)
                pred = solver.predict(res["velocity"][0])
                r = torch.where(used, (vt - pred) * torch.sqrt(w0t), torch.full_like(pred, float("nan")))
                scale = 1.4826 * torch.nanmedian(r.abs(), dim=1).values
                scale = torch.clamp(torch.nan_to_num(scale, nan=1.0), min=1e-12)
                u = torch.nan_to_num(r / scale[:, None], nan=0.0).abs()
                if it < 2:
                    factor = torch.where(
                        u <= HUBER_K, torch.ones_like(u), HUBER_K / torch.clamp(u, min=1e-300)
                    )
                else:
                    factor = torch.clamp(1.0 - (u / TUKEY_C) ** 2, min=0.0) ** 2
                new = torch.where(used, w0t * factor, torch.zeros_like(w0t))
                change = float(
                    ((new - wt).abs().max(dim=1).values / w0t.max(dim=1).values.clamp(min=1e-300)).max()
                )
                wt = new
                if it >= 2 and change < IRLS_TOL:
                    break
            w[ci] = wt.cpu().numpy()
        return w


def _spans_a_gap(solver, train_pk, first_t, last_t):
    """(P, K) bool: pairs covering a step that no training pair of the pixel covers.

    Predicting those is extrapolation across a gap the left-out images opened, which measures
    how the regularisation bridges gaps, not how well the noise is filtered; such pairs are
    not scored.
    """
    torch = _torch()
    count = solver.counts(train_pk)
    empty = torch.zeros((count.shape[0], count.shape[1] + 1), dtype=torch.int64, device=count.device)
    empty[:, 1:] = torch.cumsum(count == 0, dim=1)
    return (empty[:, last_t + 1] - empty[:, first_t]) > 0


def _fold_of_dates(days):
    """Fold (0 .. CV_FOLDS - 1) of each image date, by a fixed integer hash of the date to 0.01 day."""
    key = np.round(np.asarray(days, dtype="float64") * 100.0).astype(np.int64).astype(np.uint64)
    mixed = (key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(33)
    return (mixed % np.uint64(CV_FOLDS)).astype(np.int64)


def lambda_sample(candidates):
    """Up to ``LAMBDA_SAMPLE_PIXELS`` pixels evenly spread over ``candidates`` (indices)."""
    cand = np.asarray(candidates)
    n = min(LAMBDA_SAMPLE_PIXELS, cand.size)
    return cand[np.unique(np.linspace(0, cand.size - 1, n).round().astype(int))]


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
            base_w = np.where(mask, self.w_in[index], 0.0)
        return vals, base_w


def _finite_or_inf(a):
    return np.where(np.isfinite(a), a, np.inf)


def _masked(t, bad):
    arr = t.detach().cpu().numpy().copy()
    arr[bad.cpu().numpy()] = np.nan
    return arr


def _torch():
    import torch

    return torch
