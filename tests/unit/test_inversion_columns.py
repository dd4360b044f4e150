"""The band path on chunk columns (inversion.columns) equals the batch path and the dense reference.

The columns path compacts each pixel's usable pairs from pixels-last arrays and lets pixels
with the same pairs and weights share one factorisation; it must not change any result
beyond rounding (1e-10 relative) against the batch path it replaces and the dense solver.
"""

from __future__ import annotations

import numpy as np
import pytest

from itslive_qgis.core.inversion.api import dense_reference_solve, invert_pixels
from itslive_qgis.core.inversion.columns import ColumnPath

pytest.importorskip("numba", reason="numba is not installed: the band solver cannot run")

CUBE = "datacube/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"


def _rel(a, b):
    ok = np.isfinite(b)
    assert np.array_equal(np.isfinite(a), ok)
    return float(np.max(np.abs(a[ok] - b[ok])) / np.max(np.abs(b[ok])))


def _rel_reported(got, ref):
    """Relative difference on the steps the inversion reports (the reference has every step)."""
    ok = np.isfinite(got)
    assert ok.sum() > 0.5 * ok.size
    return float(np.max(np.abs(got[ok] - ref[ok])) / np.max(np.abs(ref[ok])))


@pytest.fixture
def batch_path(monkeypatch):
    """Run ``fn`` with the columns path switched off (the batch path of the engine)."""

    def run(fn, *args, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(ColumnPath, "columns_apply", lambda self, lam: False)
            return fn(*args, **kwargs)

    return run


def _pixels(seed=11, n_pairs=500, n_distinct=5, repeats=4):
    """vx, vy of ``n_distinct`` masks, each pixel repeated ``repeats`` times with other noise."""
    rng = np.random.default_rng(seed)
    d1 = rng.uniform(0.0, 1500.0, n_pairs)
    long = rng.random(n_pairs) < 0.2
    d2 = d1 + np.where(long, rng.uniform(150.0, 500.0, n_pairs), rng.uniform(5.0, 60.0, n_pairs))
    masks = rng.random((n_distinct, n_pairs)) < 0.6
    masks = np.repeat(masks, repeats, axis=0)
    t = 0.5 * (d1 + d2)
    p = masks.shape[0]
    vx = 300 + 100 * np.sin(2 * np.pi * t / 365.25) + rng.normal(0, 15, (p, n_pairs))
    vy = -80 + 40 * np.cos(2 * np.pi * t / 365.25) + rng.normal(0, 15, (p, n_pairs))
    vx[~masks] = np.nan
    vy[rng.random((p, n_pairs)) < 0.02] = np.nan  # some pixels differ from their twins after all
    err_x = rng.uniform(3.0, 30.0, n_pairs)
    err_y = rng.uniform(3.0, 30.0, n_pairs)
    return d1, d2, np.stack([vx, vy]), np.stack([err_x, err_y])


@pytest.mark.parametrize("weights", ["none", "pair", "pair_per_component", "pixel"])
def test_columns_path_equals_batch_path_and_dense_reference(batch_path, weights):
    d1, d2, values, errors = _pixels()
    p = values.shape[1]
    sigma = {
        "none": None,
        "pair": errors[0],
        "pair_per_component": np.broadcast_to(errors[:, None, :], values.shape),
        "pixel": np.random.default_rng(3).uniform(3.0, 30.0, values.shape[1:]),
    }[weights]
    kw = {"lam": 4.0, "sigma": sigma, "max_gap_days": 1e9}
    got = invert_pixels(values, d1, d2, **kw)
    ref = batch_path(invert_pixels, values, d1, d2, **kw)
    assert _rel(got.velocity, ref.velocity) <= 1e-10
    assert _rel(got.sigma, ref.sigma) <= 1e-10
    np.testing.assert_array_equal(got.count, ref.count)
    np.testing.assert_array_equal(got.n_pairs, ref.n_pairs)
    assert got.lam_method == ref.lam_method == "fixed"
    # the dense normal-equation solver, every pixel and component
    both = np.where(np.isfinite(values).all(axis=0), values, np.nan)
    for c in range(2):
        for i in range(p):
            if sigma is None:
                w = None
            else:
                w = 1.0 / np.broadcast_to(sigma, values.shape)[c, i] ** 2
            edges = got.edges_days
            vel, ninv, rss, trace_h = dense_reference_solve(both[c, i], d1, d2, edges, 4.0, 2, weights=w)
            assert _rel_reported(got.velocity[c, i], vel) <= 1e-10
            n = np.isfinite(both[c, i]).sum()
            sig = np.sqrt(ninv) if sigma is not None else np.sqrt(ninv * rss / (n - trace_h))
            assert _rel_reported(got.sigma[c, i], sig) <= 1e-10


def test_pixels_with_the_same_pairs_share_one_factorisation():
    from itslive_qgis.core.inversion.engine import Engine, EngineOptions

    d1, d2, values, errors = _pixels(n_distinct=3, repeats=6)
    vy = np.nan_to_num(values[1], nan=-75.0)
    values[1] = np.where(np.isfinite(values[0]), vy, np.nan)  # vy there exactly where vx is
    res = invert_pixels(values, d1, d2, lam=2.0, sigma=errors[0], max_gap_days=1e9)
    engine = Engine(d1, d2, res.edges_days, EngineOptions(lam=2.0, errors_given=True, max_gap_days=1e9))
    out = engine.run(values, 1.0 / errors[0] ** 2)
    assert engine.timings["pixels"] == 18
    assert engine.timings["factorisations"] == 3  # one per distinct pair set, shared by vx and vy
    np.testing.assert_array_equal(out["velocity"], res.velocity)
    # pixels with equal pairs but different values get their own velocities, the same sigma
    assert not np.allclose(out["velocity"][0, 0], out["velocity"][0, 1])
    np.testing.assert_array_equal(out["sigma"][0, 0], out["sigma"][0, 1])
    # vx and vy with different errors: two factorisations per pair set
    engine = Engine(d1, d2, res.edges_days, EngineOptions(lam=2.0, errors_given=True, max_gap_days=1e9))
    engine.run(values, np.broadcast_to(1.0 / errors[:, None, :] ** 2, values.shape))
    assert engine.timings["factorisations"] == 6


def test_retained_factorisations_are_shared_between_runs_of_one_design_only():
    """A cluster worker's blocks: the second run of the same design factors nothing again."""
    from itslive_qgis.core.inversion import columns
    from itslive_qgis.core.inversion.engine import Engine, EngineOptions

    d1, d2, values, errors = _pixels(n_distinct=3, repeats=6)
    values[1] = np.where(np.isfinite(values[0]), np.nan_to_num(values[1], nan=-75.0), np.nan)
    res = invert_pixels(values, d1, d2, lam=2.0, sigma=errors[0], max_gap_days=1e9)
    opts = EngineOptions(lam=2.0, errors_given=True, max_gap_days=1e9)

    def run(lam_opts=opts, d2_=d2):
        engine = Engine(d1, d2_, res.edges_days, lam_opts)
        return engine, engine.run(values, 1.0 / errors[0] ** 2)

    fresh, ref = run()
    assert fresh.timings["factorisations"] == 3
    try:
        columns.retain_factors_between_runs()
        first, out1 = run()
        second, out2 = run()
        assert first.timings["factorisations"] == 3
        assert second.timings.get("factorisations", 0) == 0  # every pair set factored by the first run
        for out in (out1, out2):  # the results are the fresh run's, bit for bit
            for key in ("velocity", "sigma", "count"):
                np.testing.assert_array_equal(out[key], ref[key])
        # another lambda: the kept factors are not used (factored again)
        other, _ = run(EngineOptions(lam=3.0, errors_given=True, max_gap_days=1e9))
        assert other.timings["factorisations"] == 3
        # another design (pair dates): a new cache replaces the kept one
        shifted, out3 = run(d2_=d2 + 1.0)
        assert shifted.timings["factorisations"] == 3
        both = np.isfinite(out3["velocity"]) & np.isfinite(ref["velocity"])
        assert not np.allclose(out3["velocity"][both], ref["velocity"][both])
    finally:
        columns.release_retained_factors()
    assert columns._RETAINED == {}
    again, _ = run()
    assert again.timings["factorisations"] == 3  # released: nothing kept between runs any more


def test_thread_limit_bounds_the_inversion_threads():
    from itslive_qgis.core.inversion.engine import cpu_workers, thread_limit

    n = cpu_workers()
    with thread_limit(1):
        assert cpu_workers() == 1
        with thread_limit(0):
            assert cpu_workers() == n
    with thread_limit(n + 5):
        assert cpu_workers() == n
    assert cpu_workers() == n


def test_a_key_collision_never_merges_different_pixels():
    from itslive_qgis.core.inversion import band_kernels
    from itslive_qgis.core.inversion.columns import FactorCache, _groups
    from itslive_qgis.core.inversion.engine import Engine, EngineOptions

    d1, d2, values, _ = _pixels(n_distinct=4, repeats=3)
    vals = np.ascontiguousarray(values[:1].transpose(0, 2, 1))
    rows, no_fills = np.arange(vals.shape[1]), np.zeros(0)
    indptr, idx, _, w = band_kernels.compact(vals, np.zeros((0, 1, 1)), 0, -np.inf, rows, no_fills)
    wbits = w.view(np.int64)
    forged = np.zeros(indptr.size - 1, dtype=np.uint64)  # every pixel gets the same key
    reps, mptr, members = _groups(indptr, idx, wbits, forged, np.arange(indptr.size - 1))
    # the pixels colliding with a group's first pixel but different from it are solved alone
    assert reps.size >= 4 and sorted(members) == list(range(12))
    for g in range(reps.size):
        for m in members[mptr[g] : mptr[g + 1]]:
            assert band_kernels.same_pairs(indptr, idx, wbits, reps[g], m)
    # the shared factorisations: the same key with other pairs is factored again, not reused
    res = invert_pixels(values[0], d1, d2, lam=1.0)
    engine = Engine(d1, d2, res.edges_days, EngineOptions(lam=1.0))
    cache = FactorCache(engine)
    a = slice(indptr[0], indptr[1])
    b = slice(indptr[3], indptr[4])  # another pair set
    first = cache.factor(7, 0, idx[a], w[0, a], 1.0)
    again = cache.factor(7, 0, idx[a], w[0, a], 1.0)
    other = cache.factor(7, 0, idx[b], w[0, b], 1.0)
    assert again is first and other is not first
    assert engine.timings["factorisations"] == 2


def test_real_block_columns_path_equals_batch_path(shared_data, batch_path):
    """The real block's 100 pixels with its pair errors: both paths, 1e-10."""
    from itslive_qgis.core.cube.pairs import clean_pairs, open_cube, pair_dates_days

    cube = shared_data / CUBE
    if not cube.is_dir():
        pytest.skip(f"the real block is absent: {cube}")
    ds = clean_pairs(open_cube(str(cube))).isel(y=slice(0, 5), x=slice(0, 4))
    d1, d2 = pair_dates_days(ds)
    k = d1.size
    values = np.stack([ds[n].values.reshape(k, -1).T.astype("float64") for n in ("vx", "vy")])
    sigma = np.broadcast_to(
        np.stack([ds["vx_error"].values, ds["vy_error"].values]).astype("float64")[:, None, :], values.shape
    )
    kw = {"lam": 10.0, "sigma": sigma, "interval_days": 12.0}
    got = invert_pixels(values, d1, d2, **kw)
    ref = batch_path(invert_pixels, values, d1, d2, **kw)
    assert np.isfinite(got.velocity).any()
    assert _rel(got.velocity, ref.velocity) <= 1e-10
    assert _rel(got.sigma, ref.sigma) <= 1e-10
    np.testing.assert_array_equal(got.count, ref.count)


def test_compaction_of_stored_columns_equals_the_decoded_columns():
    """Integer chunk columns as stored, gathered by ``rows`` with their fills dropped in the compaction,
    give the same CSR, bit for bit, as the columns gathered and decoded to float (fill -> NaN) first."""
    from itslive_qgis.core.inversion.columns import PER_PAIR, PER_PIXEL_ERRORS, UNIT, compact_columns

    rng = np.random.default_rng(5)
    n_stored, n_pix, fill = 300, 37, 7  # a fill value inside the data's range: it must be dropped
    stored = rng.integers(-500, 500, (2, n_stored, n_pix)).astype("int16")
    stored[rng.random(stored.shape) < 0.2] = fill
    stored[0, rng.random((n_stored, n_pix)) < 0.05] = -32767  # <= the fill bound: unusable as well
    errors = rng.integers(1, 40, (1, n_stored, n_pix)).astype("int16")
    errors[rng.random(errors.shape) < 0.1] = fill
    errors[0, :5] = 0  # zero errors: no weight
    rows = rng.permutation(n_stored)[:211]  # a sorted, filtered selection of the pairs
    pair_w = rng.uniform(0.1, 2.0, (1, rows.size, 1))

    def decoded(a):
        out = a[:, rows].astype("float32")
        out[a[:, rows] == fill] = np.nan
        return out

    cases = [
        (errors, PER_PIXEL_ERRORS, decoded(errors)),
        (np.zeros((0, 1, 1)), UNIT, np.zeros((0, 1, 1))),
        (pair_w, PER_PAIR, pair_w),
    ]
    for weights, kind, ref_weights in cases:
        got = compact_columns(stored, weights, kind, -32767, rows=rows, fills=[fill])
        ref = compact_columns(decoded(stored), ref_weights, kind, -32767)
        assert got.indptr[-1] > 0 and got.indptr[-1] < rows.size * n_pix
        for a, b in zip((got.indptr, got.idx, got.vals, got.w), (ref.indptr, ref.idx, ref.vals, ref.w)):
            np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="pixels-last"):
        compact_columns(stored, np.zeros((0, 1, 1)), UNIT, rows=rows, pixel_major=True)
