"""Automatic lambda of the inversion: cross-validation that leaves out whole images.

Why and what (measurements included): see the module docstring of
:mod:`itslive_qgis.core.inversion.api`. :class:`LambdaSearch` is a mixin of
:class:`~itslive_qgis.core.inversion.engine.Engine`; it uses the engine's pair dates ``d1``/``d2``,
``n_steps``, ``opt``, ``batch_size``, ``_pmap``, ``_shared``, ``_restrict`` and
``_robust_weights``.
"""

from __future__ import annotations

import numpy as np

#: log10 offsets of the coarse lambda grid around the data scale, then the refinement offsets.
LAMBDA_COARSE = np.arange(-4.0, 6.01, 1.0)
LAMBDA_REFINE = np.array([1.0 / 3.0, 2.0 / 3.0])
#: folds of the image-grouped cross-validation
CV_FOLDS = 5
#: the lambda chosen is the largest whose score is within this many standard errors of the minimum
CV_SE_RULE = 1.0
LAMBDA_SAMPLE_PIXELS = 16


class LambdaSearch:
    """Lambda per pixel or for all pixels by image-grouped cross-validation (mixin)."""

    def choose_global_lambda(self, values, base_w, progress=None) -> float:
        """One lambda for all pixels: median (in log) of the per-pixel choices of a sample.

        ``values``/``base_w`` (C, S, K) are the sample pixels (up to 16, evenly spread over
        the solvable pixels when :meth:`run` picks them).
        """
        solver, pairs, vals, w = self._restrict(values.astype("float64", copy=False), base_w)
        if self.opt.robust:  # score on robust weights, or outliers inflate lambda
            w = self._robust_weights(vals, w, self._lambda_per_pixel(vals, w, solver, pairs), solver)
        lam = self._lambda_per_pixel(vals, w, solver, pairs)
        best = float(np.exp(np.median(np.log(lam[np.isfinite(lam)])))) if np.isfinite(lam).any() else 1.0
        if progress is not None:
            progress.log(
                f"Inversion: lambda = {best:.4g} chosen by cross-validation over images on "
                f"{vals.shape[1]} sample pixels."
            )
        return best

    def _lambda_per_pixel(self, values, w, solver, pairs):
        """Lambda of every component and pixel (C, P): image-grouped CV with the one-SE rule.

        ``solver`` and ``pairs`` (the engine's pair indices of the columns of ``values``) come
        from :meth:`_restrict`.
        Components sharing the weights are scored jointly (their held-out residuals pooled)
        and get the same lambda. On a decade grid around the data scale
        (:data:`LAMBDA_COARSE`), take the minimum score, then the LARGEST lambda whose score is
        within one standard error of it, refined by two points a third of a decade apart.
        Pixels no lambda can score keep the data scale.
        """
        c, p, _ = values.shape
        held = self.held_out(pairs)
        a2 = solver.row_sq
        reg_norm = 2.0 if self.opt.derivative == 1 else 6.0
        out = np.empty((c, p))
        groups = [list(range(c))] if self._shared(w) else [[i] for i in range(c)]
        rows = np.arange(p)
        for comps in groups:
            wt = np.ascontiguousarray(w[comps[0]])
            vt = np.ascontiguousarray(values[comps])
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
        p, n_l = log_lams.shape
        n_f = held.shape[0]
        n_items = p * n_l * n_f
        batch = self.batch_size(wt.shape[1], n_items)
        flat = np.arange(n_items)
        item_p, item_l, item_f = flat // (n_l * n_f), (flat // n_f) % n_l, flat % n_f
        first, last = np.asarray(solver.first), np.asarray(solver.last)

        def work(s):
            sel_p, sel_f = item_p[s : s + batch], item_f[s : s + batch]
            lam_b = 10.0 ** log_lams[sel_p, item_l[s : s + batch]]
            w_all = wt[sel_p]
            test = held[sel_f] & (w_all > 0)
            w_train = np.where(test, 0.0, w_all)
            test &= ~_spans_a_gap(solver, w_train > 0, first, last)
            y_b = vt[:, sel_p]
            res = solver.solve(y_b, w_train, lam_b, want_inverse=False)
            sse = np.zeros(w_all.shape[0])
            for g in range(y_b.shape[0]):
                pred = solver.predict(res["velocity"][g])
                with np.errstate(invalid="ignore"):
                    sse += np.where(test, w_all * (y_b[g] - pred) ** 2, 0.0).sum(axis=1)
            n_test = test.sum(axis=1).astype("float64") * y_b.shape[0]
            good = res["ok"] & (n_test > 0)
            return np.where(good, sse, np.nan), n_test

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


def _spans_a_gap(solver, train_pk, first, last):
    """(P, K) bool: pairs covering a step that no training pair of the pixel covers.

    Predicting those is extrapolation across a gap the left-out images opened, which measures
    how the regularisation bridges gaps, not how well the noise is filtered; such pairs are
    not scored.
    """
    count = solver.counts(train_pk.astype("float64"))
    empty = np.zeros((count.shape[0], count.shape[1] + 1), dtype=np.int64)
    empty[:, 1:] = np.cumsum(count == 0, axis=1)
    return (empty[:, last + 1] - empty[:, first]) > 0


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


def _finite_or_inf(a):
    return np.where(np.isfinite(a), a, np.inf)
