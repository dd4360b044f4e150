"""Temporal inversion: design matrix, dense-reference agreement, synthetic recovery, real data."""

from __future__ import annotations

import numpy as np
import pytest

from itslive_qgis.core.errors import CancelledError, InputError
from itslive_qgis.core.inversion import invert_dataset, invert_pixels, write_netcdf
from itslive_qgis.core.inversion.api import (
    dense_reference_solve,
    design_matrix,
    invert_series,
    make_time_grid,
    regularization_matrix,
)
from itslive_qgis.core.inversion.design import edge_coefficients
from itslive_qgis.core.progress import NullProgress

CUBE = "datacube/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"
JAKOBSHAVN = "timeseries_csv/LAT69.1117--LON-49.4604.csv"


# --- design matrix on hand-made cases ------------------------------------------------------------


def test_pair_covering_exactly_steps_2_and_3():
    edges = np.arange(0.0, 61.0, 10.0)  # 6 steps of 10 days
    a = design_matrix([20.0], [40.0], edges).toarray()
    np.testing.assert_allclose(a, [[0, 0, 0.5, 0.5, 0, 0]], atol=1e-15)


def test_pair_starting_mid_step_gets_exact_fractions():
    edges = np.arange(0.0, 61.0, 10.0)
    a = design_matrix([15.0], [40.0], edges).toarray()  # 5 days of step 1, all of steps 2 and 3
    np.testing.assert_allclose(a, [[0, 5 / 25, 10 / 25, 10 / 25, 0, 0]], atol=1e-15)
    a = design_matrix([12.5], [14.5], edges).toarray()  # inside one step
    np.testing.assert_allclose(a, [[0, 1, 0, 0, 0, 0]], atol=1e-15)


def test_seed_notebook_two_pair_example():
    """ITS_LIVE_TOOL inversion notebook: daily steps for 6 days, d1 = days 1..4, d2 = days 3..5."""
    edges = np.arange(0.0, 7.0, 1.0)  # day n is the step [n-1, n)
    a = design_matrix([0.0, 2.0], [4.0, 5.0], edges).toarray()
    expected = np.array([[1 / 4, 1 / 4, 1 / 4, 1 / 4, 0, 0], [0, 0, 1 / 3, 1 / 3, 1 / 3, 0]])
    np.testing.assert_allclose(a, expected, atol=1e-15)


def test_design_rows_sum_to_one_and_equal_edge_form():
    rng = np.random.default_rng(0)
    d1 = rng.uniform(0, 500, 200)
    d2 = d1 + rng.uniform(1, 300, 200)
    edges, centres = make_time_grid(d1, d2, 12.0)
    a = design_matrix(d1, d2, edges).toarray()
    np.testing.assert_allclose(a.sum(axis=1), 1.0, atol=1e-12)
    nodes, coefs = edge_coefficients(d1, d2, edges)
    g = np.zeros((d1.size, edges.size))
    np.add.at(g, (np.repeat(np.arange(d1.size), 4), nodes.ravel()), coefs.ravel())
    s = 12.0 * np.tril(np.ones((edges.size, centres.size)), -1)  # X_a = dt * sum_{i<a} v_i
    np.testing.assert_allclose(g @ s, a, atol=1e-12)
    assert edges[0] <= d1.min() and edges[-1] >= d2.max()
    np.testing.assert_allclose(np.diff(edges), 12.0)


def test_regularization_operators():
    d1 = regularization_matrix(5, 1).toarray()
    d2 = regularization_matrix(5, 2).toarray()
    np.testing.assert_array_equal(d1[0], [-1, 1, 0, 0, 0])
    np.testing.assert_array_equal(d2[1], [0, 1, -2, 1, 0])
    assert d1.shape == (4, 5) and d2.shape == (3, 5)
    with pytest.raises(InputError):
        regularization_matrix(5, 3)


# --- agreement with the dense reference solver ---------------------------------------------------


def _pairs(rng, n, span_days, long_share=0.4, max_dt=400.0):
    d1 = rng.uniform(0.0, span_days, n)
    dt = np.where(rng.random(n) < long_share, rng.uniform(100.0, max_dt, n), rng.uniform(5.0, 60.0, n))
    return d1, d1 + dt


def _make_solver(kind, d1, d2, edges, derivative):
    """The torch block solver (its numpy face) or the compiled band solver (skipped when absent)."""
    if kind == "band":
        from itslive_qgis.core.inversion import band as inversion_band

        if not inversion_band.available():
            pytest.skip("numba is not installed: the band solver cannot run (pip install numba)")
        return inversion_band.BandSolver(d1, d2, edges, derivative)
    torch = pytest.importorskip("torch", reason="torch is not installed: the torch solver cannot run")
    from itslive_qgis.core.inversion.solver import NumpyFace, build_structure

    return NumpyFace(build_structure(d1, d2, edges, derivative), torch.device("cpu"))


@pytest.mark.parametrize("kind", ["torch", "band"])
@pytest.mark.parametrize("derivative", [1, 2])
@pytest.mark.parametrize("span_days", [350.0, 1500.0])
def test_batched_solver_equals_dense_reference(kind, derivative, span_days):
    rng = np.random.default_rng(10 + derivative)
    d1, d2 = _pairs(rng, 260, span_days)
    d1[:3] = np.floor(d1[:3] / 12.0) * 12.0  # pairs starting exactly on a grid edge
    d2[3] = d1[3] + 2.0  # a pair inside one step
    edges, centres = make_time_grid(d1, d2, 12.0)
    a = design_matrix(d1, d2, edges).toarray()
    truth = 300 + 80 * np.sin(2 * np.pi * centres / 365.25)
    p = 6
    y = (a @ truth)[None, :] + rng.normal(0, 10, (p, d1.size))
    w = rng.uniform(0.2, 3.0, (p, d1.size)) * (rng.random((p, d1.size)) < 0.8)
    lams = np.array([1e-3, 0.1, 1.0, 10.0, 300.0, 3e4])
    solver = _make_solver(kind, d1, d2, edges, derivative)
    out = solver.solve(y[None], w, lams)
    assert bool(out["ok"].all())
    for i in range(p):
        vel, ninv, _, trace_h = dense_reference_solve(y[i], d1, d2, edges, lams[i], derivative, weights=w[i])
        got = out["velocity"][0, i]
        assert np.max(np.abs(got - vel)) <= 1e-6 * np.max(np.abs(vel))
        np.testing.assert_allclose(out["ninv_diag"][i], ninv, rtol=1e-6)
        got_trace = centres.size - lams[i] * float(out["trace_ninv_r"][i])
        assert got_trace == pytest.approx(trace_h, rel=1e-6)
        predicted = solver.predict(out["velocity"][0])[i]
        np.testing.assert_allclose(predicted, a @ got, rtol=1e-9, atol=1e-9)
        covering = ((a > 0) & (w[i] > 0)[:, None]).sum(axis=0)
        np.testing.assert_array_equal(solver.counts(w > 0)[i], covering)


@pytest.mark.parametrize("kind", ["torch", "band"])
def test_solver_on_a_grid_shorter_than_the_longest_pair(kind):
    """3 steps, a pair spanning all of them, second derivative: bandwidth = T - 1."""
    edges = np.array([0.0, 10.0, 20.0, 30.0])
    d1 = np.array([0.0, 5.0, 12.0, 21.0, 2.0])
    d2 = np.array([30.0, 9.0, 19.0, 29.0, 25.0])
    y = np.array([[100.0, 90.0, 105.0, 110.0, 101.0]])
    solver = _make_solver(kind, d1, d2, edges, 2)
    out = solver.solve(y[None], np.ones((1, 5)), np.array([0.5]))
    vel, ninv, _, _ = dense_reference_solve(y[0], d1, d2, edges, 0.5, 2)
    np.testing.assert_allclose(out["velocity"][0, 0], vel, rtol=1e-9)
    np.testing.assert_allclose(out["ninv_diag"][0], ninv, rtol=1e-9)


def test_engine_picks_the_band_solver_on_cpu_and_both_solvers_agree():
    from itslive_qgis.core.inversion import band as inversion_band

    if not inversion_band.available():
        pytest.skip("numba is not installed: the band solver cannot run (pip install numba)")
    rng = np.random.default_rng(21)
    d1, d2 = _pairs(rng, 300, 900.0)
    y = rng.normal(200, 15, (5, d1.size))
    y[:, rng.random(d1.size) < 0.2] = np.nan
    band = invert_pixels(y, d1, d2, lam=3.0, device="cpu")
    torch_res = invert_pixels(y, d1, d2, lam=3.0, device="cpu", solver="torch")
    assert "numba" in band.info["solver"] and "torch" in torch_res.info["solver"]
    np.testing.assert_allclose(band.velocity, torch_res.velocity, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(band.sigma, torch_res.sigma, rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(band.count, torch_res.count)
    # the automatic lambda (cross-validation over images) is the same through either solver
    auto_band = invert_pixels(y, d1, d2, device="cpu")
    auto_torch = invert_pixels(y, d1, d2, device="cpu", solver="torch")
    np.testing.assert_allclose(auto_band.lam, auto_torch.lam, rtol=1e-9)
    np.testing.assert_allclose(auto_band.velocity, auto_torch.velocity, rtol=1e-8, atol=1e-8)
    with pytest.raises(InputError, match="solver must be"):
        invert_pixels(y, d1, d2, lam=3.0, solver="lapack")


def test_grid_length_multiple_of_block_and_public_sigma_match_reference():
    """T = n_blocks * B exactly (one more edge block than step blocks); sigma from the public API."""
    rng = np.random.default_rng(3)
    edges = np.arange(0.0, 961.0, 12.0)  # 80 steps
    d1 = rng.uniform(0.0, 900.0, 150)
    d2 = np.minimum(d1 + rng.uniform(5.0, 200.0, 150), 960.0)
    d1[0], d2[0] = 900.0, 960.0
    y = rng.normal(100, 10, (3, d1.size))
    y[1, ::7] = np.nan
    res = invert_pixels(y, d1, d2, lam=2.0, edges_days=edges, block_size=2, max_gap_days=1e9)
    for i in range(3):
        vel, ninv, rss, trace_h = dense_reference_solve(y[i], d1, d2, edges, 2.0, 2)
        n = np.isfinite(y[i]).sum()
        sigma = np.sqrt(ninv * rss / (n - trace_h))
        np.testing.assert_allclose(res.velocity[i], vel, rtol=1e-6, atol=1e-6 * np.abs(vel).max())
        np.testing.assert_allclose(res.sigma[i], sigma, rtol=1e-6)


def test_error_weights_scale_sigma_and_components_share_factorisation():
    rng = np.random.default_rng(4)
    d1, d2 = _pairs(rng, 200, 800.0)
    err = rng.uniform(5.0, 50.0, d1.size)
    vx = rng.normal(100, 20, (2, d1.size))
    vy = rng.normal(-50, 20, (2, d1.size))
    res = invert_pixels(np.stack([vx, vy]), d1, d2, lam=5.0, sigma=err, max_gap_days=1e9)
    edges = res.edges_days
    for c, comp in enumerate((vx, vy)):
        for i in range(2):
            vel, ninv, _, _ = dense_reference_solve(comp[i], d1, d2, edges, 5.0, 2, weights=1 / err**2)
            np.testing.assert_allclose(res.velocity[c, i], vel, rtol=1e-6, atol=1e-6 * np.abs(vel).max())
            np.testing.assert_allclose(res.sigma[c, i], np.sqrt(ninv), rtol=1e-6)


# --- synthetic recovery with realistic ITS_LIVE sampling -------------------------------------------


def _truth_mean(t1, t2):
    """Exact mean over [t1, t2] of v(t) = 500 + 0.02 (t - 17000) + 200 sin(2 pi t / 365.25), m/yr."""
    w = 2 * np.pi / 365.25
    trend = 500 + 0.02 * (0.5 * (t1 + t2) - 17000.0)
    season = 200 * (np.cos(w * t1) - np.cos(w * t2)) / (w * (t2 - t1))
    return trend + season


def _realistic_pairs(rng, n=2500):
    """2016..2022 pairs: 60 % 5-60 d, 25 % 60-200 d, 15 % 200-550 d; no images Nov-Feb (optical)."""
    kind = rng.choice(3, size=3 * n, p=[0.6, 0.25, 0.15])
    dt = rng.uniform(np.array([5.0, 60.0, 200.0])[kind], np.array([60.0, 200.0, 550.0])[kind])
    d1 = rng.uniform(16800.0, 19300.0, 3 * n)
    d2 = d1 + dt
    doy1 = np.mod(d1, 365.25)
    doy2 = np.mod(d2, 365.25)
    ok = (doy1 > 60) & (doy1 < 300) & (doy2 > 60) & (doy2 < 300) & (d2 < 19500.0)
    ok &= ~((d1 > 17900.0) & (d1 < 18100.0))  # a data gap of ~200 days (no acquisitions)
    d1, d2 = d1[ok][:n], d2[ok][:n]
    sigma = 2.0 * 365.25 / (d2 - d1)  # 2 m displacement error -> m/yr
    y = _truth_mean(d1, d2) + rng.normal(0.0, sigma)
    return d1, d2, y, sigma


def test_recovers_seasonal_signal_within_noise_bound():
    rng = np.random.default_rng(7)
    d1, d2, y, sigma = _realistic_pairs(rng)
    res = invert_series(y, d1, d2, sigma=sigma)
    e = res.edges_days
    truth = _truth_mean(e[:-1], e[1:])
    ok = np.isfinite(res.velocity)
    rmse = float(np.sqrt(np.mean((res.velocity[ok] - truth[ok]) ** 2)))
    noise_30d = 2.0 * 365.25 / 30.0  # 1-sigma of a single 30-day pair: 24.4 m/yr
    med_sigma = np.nanmedian(res.sigma)
    print(
        f"\nseasonal recovery: RMSE {rmse:.1f} m/yr over {ok.sum()} steps, lambda {res.lam:.3g}, "
        f"noise of a 30-day pair {noise_30d:.1f} m/yr, median posterior sigma {med_sigma:.1f}"
    )
    assert rmse < noise_30d  # better than one typical short pair at every reported step
    assert ok.sum() > 0.7 * truth.size
    # the seasonal cycle (200 m/yr) and the trend (0.02 m/yr per day) are recovered
    c = res.centres_days[ok]
    w = 2 * np.pi / 365.25
    x = np.column_stack([np.ones_like(c), c - 17000.0, np.sin(w * c), np.cos(w * c)])
    coef = np.linalg.lstsq(x, res.velocity[ok], rcond=None)[0]
    assert np.hypot(coef[2], coef[3]) == pytest.approx(200.0, rel=0.05)
    assert coef[1] == pytest.approx(0.02, rel=0.05)
    assert np.corrcoef(res.velocity[ok], truth[ok])[0, 1] > 0.95
    # inside the 200-day acquisition gap only the pairs spanning it inform the steps: count says so
    centres = res.centres_days
    gap = (centres > 17960) & (centres < 18040)
    spanning = [
        (np.minimum(d2, e1) - np.maximum(d1, e0) > 0).sum() for e0, e1 in zip(e[:-1][gap], e[1:][gap])
    ]
    np.testing.assert_array_equal(res.count[gap], spanning)
    assert np.all(res.count[gap] > 0) and np.all(np.isfinite(res.velocity[gap]))


def _pairs_sharing_images(rng, offset_m=6.0, n=4000):
    """Pairs between ~420 optical images (2016-2022); each image has its own geolocation offset.

    A pair's velocity error is ``(offset_j - offset_i) / dt`` plus 2 m of matching noise: the
    errors of pairs sharing an image are correlated, as in ITS_LIVE.
    """
    imgs = np.sort(rng.uniform(16800.0, 19300.0, 700))
    doy = np.mod(imgs, 365.25)
    imgs = imgs[(doy > 60) & (doy < 300)]
    offset = rng.normal(0.0, offset_m, imgs.size)
    i1, i2 = rng.integers(0, imgs.size, (2, 5 * n))
    a, b = np.minimum(i1, i2), np.maximum(i1, i2)
    dt = imgs[b] - imgs[a]
    keep = (dt >= 5.0) & (dt <= 550.0)
    a, b = a[keep][:n], b[keep][:n]
    d1, d2 = imgs[a], imgs[b]
    sigma = 2.0 * 365.25 / (d2 - d1)  # the stated error: matching noise only
    y = _truth_mean(d1, d2) + (offset[b] - offset[a]) * 365.25 / (d2 - d1) + rng.normal(0.0, sigma)
    return d1, d2, y, sigma


def test_image_offsets_do_not_fool_the_automatic_lambda():
    """Errors shared through images look like signal to pair-wise criteria; leaving out images does not."""
    d1, d2, y, sigma = _pairs_sharing_images(np.random.default_rng(4))
    res = invert_series(y, d1, d2, sigma=sigma)
    e = res.edges_days
    truth = _truth_mean(e[:-1], e[1:])
    ok = np.isfinite(res.velocity)
    rmse = float(np.sqrt(np.mean((res.velocity[ok] - truth[ok]) ** 2)))
    c = res.centres_days[ok]
    w = 2 * np.pi / 365.25
    x = np.column_stack([np.ones_like(c), c - 17000.0, np.sin(w * c), np.cos(w * c)])
    amplitude = np.hypot(*np.linalg.lstsq(x, res.velocity[ok], rcond=None)[0][2:])
    print(f"\nimage offsets of 6 m: RMSE {rmse:.1f} m/yr, lambda {res.lam:.3g}, amplitude {amplitude:.1f}")
    assert rmse < 2.0 * 365.25 / 30.0  # better than one 30-day pair without any offset (24.4 m/yr)
    assert amplitude == pytest.approx(200.0, rel=0.05)
    # with a lambda 1,000 times smaller the offsets come through as +-100 m/yr wiggles
    rough = invert_series(y, d1, d2, sigma=sigma, lam=res.lam / 1000.0)
    rough_rmse = float(np.sqrt(np.nanmean((rough.velocity - truth) ** 2)))
    assert rough_rmse > 3.0 * rmse


def test_folds_leave_out_whole_images():
    from itslive_qgis.core.inversion.engine import Engine, EngineOptions
    from itslive_qgis.core.inversion.smoothing import CV_FOLDS

    rng = np.random.default_rng(8)
    images = np.sort(rng.uniform(0.0, 1000.0, 60))
    i, j = np.triu_indices(images.size, 1)
    d1, d2 = images[i], images[j]
    edges, _ = make_time_grid(d1, d2, 12.0)
    held = Engine(d1, d2, edges, EngineOptions(device="cpu")).held_out(np.arange(d1.size))
    assert held.shape == (CV_FOLDS, d1.size)
    for f in range(CV_FOLDS):
        out_images = set(d1[held[f]]) | set(d2[held[f]])
        train_images = set(d1[~held[f]]) | set(d2[~held[f]])
        in_fold = out_images - train_images  # images only ever seen in held-out pairs
        assert in_fold, "every fold leaves out at least one whole image"
        # a pair is held out exactly when one of its images belongs to the fold
        np.testing.assert_array_equal(held[f], np.isin(d1, list(in_fold)) | np.isin(d2, list(in_fold)))
    assert held.any(axis=0).all() and not held.all(axis=0).any()
    # the fold of an image does not depend on the other pairs present
    sub = Engine(d1[:50], d2[:50], edges, EngineOptions(device="cpu")).held_out(np.arange(50))
    np.testing.assert_array_equal(sub, held[:, :50])


def test_held_out_pairs_predicted_better_than_per_step_mean():
    rng = np.random.default_rng(11)
    d1, d2, y, sigma = _realistic_pairs(rng)
    test = rng.random(d1.size) < 0.2
    res = invert_series(y[~test], d1[~test], d2[~test], sigma=sigma[~test], max_gap_days=1e9)
    edges = res.edges_days
    a_test = design_matrix(d1[test], d2[test], edges).toarray()
    pred = a_test @ np.nan_to_num(res.velocity)
    # baseline: mean of the training pairs stamped (by mid_date) in each step, gaps filled by the
    # nearest step with data
    mid = 0.5 * (d1[~test] + d2[~test])
    step = np.clip(((mid - edges[0]) // 12.0).astype(int), 0, edges.size - 2)
    sums = np.bincount(step, y[~test], minlength=edges.size - 1)
    counts = np.bincount(step, minlength=edges.size - 1)
    have = np.flatnonzero(counts)
    base = np.interp(np.arange(edges.size - 1), have, sums[have] / counts[have])
    pred_base = a_test @ base
    w = 1 / sigma[test] ** 2
    err_inv = np.sqrt(np.sum(w * (y[test] - pred) ** 2) / w.sum())
    err_base = np.sqrt(np.sum(w * (y[test] - pred_base) ** 2) / w.sum())
    print(f"\nheld-out pairs: weighted RMSE inversion {err_inv:.1f} vs per-step mean {err_base:.1f} m/yr")
    assert err_inv < 0.8 * err_base


def test_robust_irls_rejects_sentinel_32767():
    rng = np.random.default_rng(5)
    d1, d2, y, sigma = _realistic_pairs(rng, n=1200)
    clean = invert_series(y, d1, d2, lam=50.0, robust=True)
    bad = y.copy()
    k = int(np.argmin(np.abs(0.5 * (d1 + d2) - 18500.0) + 1000 * (d2 - d1 > 60)))
    bad[k] = 32767.0
    plain = invert_series(bad, d1, d2, lam=50.0)
    robust = invert_series(bad, d1, d2, lam=50.0, robust=True)
    near = np.abs(robust.centres_days - 0.5 * (d1[k] + d2[k])) < 60
    assert np.nanmax(np.abs(plain.velocity[near] - clean.velocity[near])) > 500.0
    assert np.nanmax(np.abs(robust.velocity - clean.velocity)) < 5.0


def test_steps_outside_coverage_and_long_gaps_are_nan():
    edges = np.arange(0.0, 1201.0, 12.0)
    d1 = np.concatenate(
        [np.arange(300.0, 500.0, 6.0), np.arange(560.0, 700.0, 6.0), np.arange(900.0, 1100.0, 6.0)]
    )
    d2 = d1 + 10.0
    y = np.full(d1.size, 100.0)
    res = invert_series(y, d1, d2, lam=1.0, edges_days=edges)
    c = res.centres_days
    assert np.all(np.isnan(res.velocity[c < 300])) and np.all(np.isnan(res.velocity[c > 1115]))
    assert np.all(np.isfinite(res.velocity[(c > 320) & (c < 480)]))
    assert np.all(np.isfinite(res.velocity[(c > 515) & (c < 545)]))  # 50-day gap: bridged
    assert np.all(np.isnan(res.velocity[(c > 725) & (c < 880)]))  # 190-day gap: NaN
    assert np.all(res.count[(c > 725) & (c < 880)] == 0)
    np.testing.assert_allclose(res.velocity[np.isfinite(res.velocity)], 100.0, atol=1e-6)
    few = invert_series(y[:2], d1[:2], d2[:2], lam=1.0)  # fewer than min_pairs
    assert np.all(np.isnan(few.velocity))


def test_progress_and_cancellation():
    class Recorder(NullProgress):
        def __init__(self, cancel_after=None):
            self.fractions = []
            self.cancel_after = cancel_after

        def report(self, fraction):
            self.fractions.append(fraction)

        def is_cancelled(self):
            return self.cancel_after is not None and len(self.fractions) >= self.cancel_after

    rng = np.random.default_rng(2)
    d1, d2 = _pairs(rng, 120, 600.0)
    y = rng.normal(50, 5, (40, d1.size))
    rec = Recorder()
    invert_pixels(y, d1, d2, lam=1.0, block_size=8, progress=rec)
    assert rec.fractions[-1] == pytest.approx(1.0) and len(rec.fractions) == 5
    with pytest.raises(CancelledError):
        invert_pixels(y, d1, d2, lam=1.0, block_size=8, progress=Recorder(cancel_after=2))


def test_bad_parameters_raise_input_error():
    with pytest.raises(InputError):
        make_time_grid([0.0], [10.0], 0.0)
    with pytest.raises(InputError):
        invert_pixels(np.ones((1, 3)), [0, 1, 2], [5, 6, 7], lam=-1.0)
    with pytest.raises(InputError):
        invert_pixels(np.ones((1, 3)), [0, 1, 2], [5, 6, 7], device="tpu")


def test_empty_selection_is_a_clear_error(shared_data):
    from itslive_qgis.core.cube.pairs import clean_pairs, open_cube

    ds = clean_pairs(open_cube(str(shared_data / CUBE)))
    empty = ds.sel(y=slice(0.0, -10.0))  # far outside the block's y range (descending)
    assert empty.sizes["y"] == 0
    with pytest.raises(InputError, match="No pixel to invert"):
        invert_dataset(empty, lam=1.0)


# --- real data -----------------------------------------------------------------------------------


def test_real_block_runs_end_to_end(shared_data, tmp_path):
    from pyproj import CRS

    from itslive_qgis.core.cube.pairs import clean_pairs, open_cube, pair_dates_days

    ds = clean_pairs(open_cube(str(shared_data / CUBE))).isel(y=slice(4, 6), x=slice(4, 6))
    out = invert_dataset(
        ds, lam=1.0, weighting="none", satellites="2A,2B,8,9", start_date="2017-01-01", max_dt_days=120
    )
    assert out["vx"].dims == ("time", "y", "x") and out.sizes["nv"] == 2
    assert out["vx"].attrs["long_name"] == "x component of ice velocity"
    assert out["vy"].attrs["long_name"] == "y component of ice velocity"
    assert out["v"].attrs["units"] == "m/yr" and out["vx"].attrs["grid_mapping"] == "mapping"
    # the same CRS, rewritten by the one CF grid-mapping writer (core.io.cf)
    assert CRS.from_wkt(out["mapping"].attrs["crs_wkt"]) == CRS.from_wkt(ds["mapping"].attrs["crs_wkt"])
    assert out.attrs["Conventions"] == "CF-1.8" and out.attrs["derivative"] == 2
    np.testing.assert_array_equal(out["y"].values, ds["y"].values)  # descending y kept
    assert np.all(out["time_bnds"].values[:, 0] < out["time"].values)
    assert out["time"].values[0] >= np.datetime64("2017-01-01")
    assert int(out["count"].max()) > 0 and np.isfinite(out["vx"].values).any()
    np.testing.assert_allclose(out["v"], np.hypot(out["vx"], out["vy"]), rtol=1e-5)
    # pixel (0, 0) against the dense reference on the same pairs
    keep = out.attrs["n_pairs_selected"]
    from itslive_qgis.core.inversion.dataset import select_pairs

    idx, d1, d2 = select_pairs(ds, "2A,2B,8,9", "2017-01-01", None, None, 120)
    assert idx.size == keep
    vx = ds["vx"].values[idx, 0, 0].astype("float64")
    vy = ds["vy"].values[idx, 0, 0].astype("float64")
    vx[~np.isfinite(vy)] = np.nan
    edges, _ = make_time_grid(d1, d2, 12.0)
    ref, _, _, _ = dense_reference_solve(vx, d1, d2, edges, 1.0, 2)
    got = out["vx"].values[:, 0, 0]
    ok = np.isfinite(got)
    np.testing.assert_allclose(got[ok], ref[ok], rtol=1e-5, atol=1e-4 * np.abs(ref).max())
    # pair errors as weights: sigma = sqrt(diag(N^-1)) of the error-weighted system
    filt = dict(satellites="2A,2B,8,9", start_date="2017-01-01", max_dt_days=120)
    werr = invert_dataset(ds, lam=1.0, weighting="errors", **filt)
    assert werr.attrs["weighting"] == "errors"
    err_x = ds["vx_error"].values[idx].astype("float64")
    ref_w, ninv_w, _, _ = dense_reference_solve(vx, d1, d2, edges, 1.0, 2, weights=1.0 / err_x**2)
    got_w = werr["vx"].values[:, 0, 0]
    ok_w = np.isfinite(got_w)
    np.testing.assert_allclose(got_w[ok_w], ref_w[ok_w], rtol=1e-5, atol=1e-4 * np.abs(ref_w).max())
    np.testing.assert_allclose(werr["vx_sigma"].values[ok_w, 0, 0], np.sqrt(ninv_w[ok_w]), rtol=1e-5)
    lazy = invert_dataset(
        ds,
        lam=1.0,
        weighting="none",
        satellites="2A,2B,8,9",
        start_date="2017-01-01",
        max_dt_days=120,
        lazy=True,
    )
    np.testing.assert_array_equal(lazy["vx"].values, out["vx"].values)
    path = write_netcdf(out, tmp_path / "inv.nc")
    assert [p.name for p in tmp_path.iterdir()] == ["inv.nc"]
    import xarray as xr

    with xr.open_dataset(path) as back:
        np.testing.assert_array_equal(back["vx"].values, out["vx"].values)
        assert back["time"].attrs["bounds"] == "time_bnds"
    assert pair_dates_days(ds)[0].size == ds.sizes["mid_date"]


def test_jakobshavn_export_summer_peaks_and_decadal_speed_up(shared_data):
    """Pairs rebuilt from mid_date and date_dt; published: 2012 mean ~ 3x the mid-1990s (Joughin 2014)."""
    import pandas as pd

    from itslive_qgis.core.cube.pairs import to_days

    df = pd.read_csv(shared_data / JAKOBSHAVN)
    mid = to_days(pd.to_datetime(df["mid_date"]).values.astype("datetime64[ns]"))
    dt = df["date_dt [days]"].to_numpy(float)
    # pairs up to 100 days: longer ones decorrelate on this fast glacier (about 400 m/yr with
    # 5 m/yr errors); this keeps the two 32,767 m/yr sentinels (dt 95 d) for the robust IRLS
    keep = dt <= 100.0
    assert (df["v [m/yr]"].to_numpy(float)[keep] >= 32767).sum() == 2
    res = invert_series(
        df["v [m/yr]"].to_numpy(float)[keep], (mid - dt / 2)[keep], (mid + dt / 2)[keep], robust=True
    )
    years = 1970.0 + res.centres_days / 365.25
    year = np.floor(years).astype(int)
    doy = (years - year) * 365.25

    def mean(y):
        return float(np.nanmean(res.velocity[year == y]))

    ratio = mean(2012) / mean(1995)
    lines = [
        f"Jakobshavn (dt <= 100 d, robust, lambda {res.lam:.3g}): 1995 mean {mean(1995):.0f}, "
        f"2012 mean {mean(2012):.0f} m/yr, ratio {ratio:.2f} (spec medians 9322/3368.5 = 2.77)"
    ]
    for y in range(2014, 2023):
        summer = res.velocity[(year == y) & (doy >= 152) & (doy < 244)]
        winter = res.velocity[(year == y) & ((doy < 60) | (doy >= 335))]
        s_max, w_min = np.nanmax(summer), np.nanmin(winter)
        lines.append(f"  {y}: summer (Jun-Aug) max {s_max:.0f}, winter (Dec-Feb) min {w_min:.0f} m/yr")
        assert s_max > w_min + 500.0
    print("\n" + "\n".join(lines))
    assert 2.5 <= ratio <= 3.2
    assert np.nanmax(res.velocity) < 20000.0  # the 32767 sentinel did not leak in


def test_without_numba_the_engine_falls_back_to_torch():
    """numba blocked in a child process: auto picks torch, same answer as the dense reference."""
    import subprocess
    import sys
    import textwrap

    from tests.conftest import REPO

    code = textwrap.dedent(
        """
        import importlib.abc, sys
        import numpy as np

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {"numba", "llvmlite"}:
                    raise ImportError("blocked for the test: " + name)
                return None

        sys.meta_path.insert(0, Block())
        from itslive_qgis.core.errors import MissingDependencyError
        from itslive_qgis.core.inversion.api import dense_reference_solve, invert_pixels

        rng = np.random.default_rng(5)
        d1 = rng.uniform(0.0, 600.0, 120)
        d2 = d1 + rng.uniform(5.0, 200.0, 120)
        y = rng.normal(150.0, 10.0, (2, 120))
        res = invert_pixels(y, d1, d2, lam=2.0, max_gap_days=1e9)
        assert "torch" in res.info["solver"], res.info["solver"]
        ref = dense_reference_solve(y[1], d1, d2, res.edges_days, 2.0, 2)[0]
        assert np.max(np.abs(res.velocity[1] - ref)) <= 1e-6 * np.max(np.abs(ref))
        try:
            invert_pixels(y, d1, d2, lam=2.0, solver="band")
        except MissingDependencyError as exc:
            print("asked for band:", exc)
        else:
            raise SystemExit("solver='band' without numba did not raise")
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "pip install numba" in proc.stdout


@pytest.mark.parametrize(
    ("ny", "nx", "n_pixels"),
    [(40, 40, 233), (10, 40, 233), (10, 45, 350), (7, 23, 100), (40, 40, 50), (35, 12, 4096)],
)
def test_tiles_cover_the_grid_once_in_whole_chunks_up_to_the_budget(ny, nx, n_pixels):
    """Tiles partition the grid, follow the chunk edges, hold at most the budget (or one chunk), and a
    grid fewer chunks high than a tile gets tiles wider than one chunk."""
    import dask.array as da
    import xarray as xr

    from itslive_qgis.core.inversion.tiles import _tiles

    cy = cx = 10
    vx = da.zeros((5, ny, nx), chunks=(5, cy, cx), dtype="int16")
    sub = xr.Dataset({"vx": (("mid_date", "y", "x"), vx)})
    seen = np.zeros((ny, nx), dtype=int)
    tiles = list(_tiles(sub, n_pixels))
    for ys, xs in tiles:
        seen[ys, xs] += 1
        assert ys.start % cy == 0 and xs.start % cx == 0  # chunk edges
        size = (ys.stop - ys.start) * (xs.stop - xs.start)
        assert size <= max(n_pixels, cy * cx)
    assert (seen == 1).all()
    n_chunks = -(-ny // cy) * -(-nx // cx)
    budget_chunks = max(1, n_pixels // (cy * cx))
    # as few tiles as whole chunks allow: no tile smaller than the budget except at the grid's edges
    assert len(tiles) <= -(-n_chunks // budget_chunks) + -(-ny // cy) + -(-nx // cx)
    if ny <= cy and budget_chunks > 1 and nx > cx:
        assert max(xs.stop - xs.start for _, xs in tiles) > cx  # widened along x
