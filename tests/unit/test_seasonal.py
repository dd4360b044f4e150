"""core.seasonal: the seasonal model recovered from ITS_LIVE-sampled pairs, inversion results and the mirror.

Truth: the fixture glacier (tests/fixtures/truth.py) and its composite (tests/fixtures/composites.py):
annual amplitude a1 |b|, maximum on 15 July (day of year 196), trend 3 %/yr, plus a semi-annual term
of 0.3 a1 |b| that the composite's annual model leaves out.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.fixtures.composites import composite_truth
from tests.fixtures.pairs import synthesize_pairs
from tests.fixtures.truth import default_tiles

FAST = 300.0  # m/yr: pixels on the glacier trunk


@pytest.fixture(scope="module")
def tile_pairs():
    tile = default_tiles()[0]
    return tile, synthesize_pairs(tile)


def _flat(pairs, name):
    a = getattr(pairs, name)
    return np.where(pairs.valid, a, np.nan).reshape(a.shape[0], -1).astype("float64")


def _fit(pairs, semiannual, robust=True):
    from itslive_qgis.core.seasonal import fit_component, interval_design, seasonal_variables

    design = interval_design(pairs.t_start_days, pairs.t_end_days, semiannual=semiannual)
    fits = {
        c: fit_component(_flat(pairs, c), pairs.meta[f"{c}_error"], design, robust=robust)
        for c in ("vx", "vy")
    }
    return seasonal_variables(fits, semiannual)


def test_interval_design_is_the_exact_interval_mean():
    from itslive_qgis.core.seasonal import interval_design

    d1, d2 = np.array([17000.0, 17100.0, 17500.0]), np.array([17012.0, 17465.0, 17500.0])
    got = interval_design(d1, d2, t0_days=17532.0, semiannual=True)
    for k in range(3):
        t = np.linspace(d1[k], d2[k], 200001)
        w = 2 * np.pi / 365.25
        ref = [1.0, np.mean((t - 17532.0) / 365.25)]
        ref += [np.mean(f(h * w * t)) for h in (1, 2) for f in (np.cos, np.sin)]
        np.testing.assert_allclose(got[k], ref, atol=2e-5)


def test_pairs_recover_amplitude_phase_and_trend(tile_pairs):
    """ITS_LIVE sampling (5-550 d pairs, polar-night gaps, outliers): errors against the analytic truth."""
    tile, pairs = tile_pairs
    got = _fit(pairs, semiannual=True)
    truth = composite_truth(tile)
    fast = truth["v0"].ravel() > FAST
    assert fast.sum() > 200
    for comp in ("v", "vx"):
        amp_t, phase_t = truth[f"{comp}_amp"].ravel(), truth[f"{comp}_phase"].ravel()
        sel = fast & (amp_t > 30)
        rel = np.abs(got[f"{comp}_amp"][sel] - amp_t[sel]) / amp_t[sel]
        dphase = np.abs((got[f"{comp}_phase"][sel] - phase_t[sel] + 182.625) % 365.25 - 182.625)
        print(f"{comp}: amplitude error median {np.median(rel):.2%} max {rel.max():.2%}; "
              f"phase error median {np.median(dphase):.2f} d max {dphase.max():.2f} d")  # fmt: skip
        assert np.median(rel) < 0.01 and rel.max() < 0.05
        assert np.median(dphase) < 0.5 and dphase.max() < 3.0
    trend_err = np.abs(got["dv_dt"][fast] - truth["dv_dt"].ravel()[fast])
    v0_rel = np.abs(got["v0"][fast] - truth["v0"].ravel()[fast]) / truth["v0"].ravel()[fast]
    print(f"trend error median {np.median(trend_err):.3f} m/yr^2; v0 error median {np.median(v0_rel):.3%}")
    assert np.median(trend_err) < 0.2 and np.median(v0_rel) < 0.002
    # the 1-sigma errors are honest: normalised errors have a spread near 1
    z = (got["v_amp"][fast] - truth["v_amp"].ravel()[fast]) / got["v_amp_error"][fast]
    zp = (got["v_phase"][fast] - truth["v_phase"].ravel()[fast]) / got["v_phase_error"][fast]
    print(f"normalised error spread: amplitude {np.std(z):.2f}, phase {np.std(zp):.2f}")
    assert 0.6 < np.std(z) < 1.6 and 0.6 < np.std(zp) < 1.6


def test_annual_only_model_is_biased_by_the_semiannual_term(tile_pairs):
    """Leaving out the truth's semi-annual term biases the annual amplitude (the polar-night gap):
    the semi-annual option exists for that, and the test can fail."""
    tile, pairs = tile_pairs
    truth = composite_truth(tile)
    fast = truth["v0"].ravel() > FAST
    annual = _fit(pairs, semiannual=False)
    rel = np.median(
        np.abs(annual["v_amp"][fast] - truth["v_amp"].ravel()[fast]) / truth["v_amp"].ravel()[fast]
    )
    print(f"annual-only amplitude error median {rel:.1%}")
    assert rel > 0.03


def test_robust_fit_rejects_the_blunders(tile_pairs):
    tile, pairs = tile_pairs
    truth = composite_truth(tile)
    fast = truth["v0"].ravel() > FAST
    robust = _fit(pairs, semiannual=True)
    plain = _fit(pairs, semiannual=True, robust=False)
    err_r = np.abs(robust["v_amp"][fast] - truth["v_amp"].ravel()[fast])
    err_p = np.abs(plain["v_amp"][fast] - truth["v_amp"].ravel()[fast])
    print(
        f"amplitude error 95th percentile: robust {np.percentile(err_r, 95):.2f}, "
        f"plain {np.percentile(err_p, 95):.2f} m/yr"
    )
    assert np.percentile(err_r, 95) < 0.5 * np.percentile(err_p, 95)
    assert np.nanmax(robust["outlier_percent"]) < 20


def test_fit_of_pairs_and_of_an_inversion_result_agree(tmp_path, tile_pairs):
    """seasonal_fit on a cube's pairs and on its inversion result (steps average over time_bnds)."""
    from itslive_qgis.core.cube import open_pairs
    from itslive_qgis.core.inversion import invert_dataset, write_netcdf
    from itslive_qgis.core.seasonal import seasonal_dataset
    from tests.fixtures.generator import write_cube

    tile, pairs = tile_pairs
    cube = write_cube(tmp_path / "cube.zarr", tile, pairs=pairs)
    ix = tile.nx // 2
    iy = int(np.argmax(composite_truth(tile)["v_amp"][:, ix]))  # the trunk, mid-tile
    extent = (tile.x[ix - 2] - 1, tile.y[iy + 2] - 1, tile.x[ix + 2] + 1, tile.y[iy - 2] + 1)
    ds = open_pairs(str(cube)).isel(y=slice(iy - 2, iy + 3), x=slice(ix - 2, ix + 3)).load()
    inverted = invert_dataset(ds, interval_days=12.0, lam=0.0, robust=True)
    result = write_netcdf(inverted, tmp_path / "inv.nc")
    from_pairs = seasonal_dataset(str(cube), extent=extent, semiannual=True)
    from_steps = seasonal_dataset(str(result), semiannual=True)
    assert from_steps.attrs["input_kind"] == "series" and from_pairs.attrs["input_kind"] == "pairs"
    amp_p, amp_s = from_pairs["v_amp"].values, from_steps["v_amp"].values
    rel = np.abs(amp_s - amp_p) / amp_p
    dphase = np.abs(from_steps["v_phase"].values - from_pairs["v_phase"].values)
    dv0 = np.abs(from_steps["v0"].values - from_pairs["v0"].values) / from_pairs["v0"].values
    print(
        f"inversion vs pairs: amplitude {np.nanmax(rel):.1%}, phase {np.nanmax(dphase):.1f} d, "
        f"v0 {np.nanmax(dv0):.2%}"
    )
    assert amp_p.shape == (5, 5) and np.isfinite(amp_p).all() and np.isfinite(amp_s).all()
    assert np.nanmax(rel) < 0.05 and np.nanmax(dphase) < 3.0 and np.nanmax(dv0) < 0.005


def test_seasonal_fit_writes_cf_netcdf_and_refuses_empty_input(tmp_path, tile_pairs):
    import xarray as xr

    from itslive_qgis.core.errors import InputError
    from itslive_qgis.core.seasonal import seasonal_fit
    from tests.fixtures.generator import write_cube

    tile, pairs = tile_pairs
    cube = write_cube(tmp_path / "cube.zarr", tile, pairs=pairs)
    out = seasonal_fit(str(cube), tmp_path / "fit.nc", extent=(tile.x[0], tile.y[5], tile.x[5], tile.y[0]))
    with xr.open_dataset(out) as ds:
        assert ds["v_amp"].attrs["units"] == "meter/year"
        assert ds["dv_dt"].attrs["units"] == "meter/year^2"
        assert ds["v_phase"].attrs["units"] == "day" and ds["v_phase"].attrs["long_name"].startswith(
            "day of year"
        )
        assert ds["v_phase_error"].attrs["units"] == "days"
        assert ds["mapping"].attrs["spatial_epsg"] == 3413
        assert ds.sizes == {"y": 6, "x": 6}
    with pytest.raises(InputError, match="START_DATE"):
        seasonal_fit(str(cube), tmp_path / "none.nc", start_date="2030-01-01")
    assert not (tmp_path / "none.nc").exists()


def test_column_median_equals_numpy_nanmedian():
    from itslive_qgis.core.seasonal.fit import column_median

    rng = np.random.default_rng(3)
    values = rng.normal(size=(57, 40))
    ok = rng.random((57, 40)) > 0.4
    ok[:, 0] = False  # an empty column
    ok[:, 1] = False
    ok[5, 1] = True  # a single value
    ref = np.array([np.median(values[ok[:, j], j]) if ok[:, j].any() else np.nan for j in range(40)])
    np.testing.assert_allclose(column_median(values, ok), ref, equal_nan=True)


def test_mixed_short_and_year_long_pairs_need_the_interval_average():
    """Noise-free pairs from an analytic model (5-day to 1-year pairs): the interval-averaged model recovers
    it exactly; treating each pair as its midpoint value does not (year-long pairs average the cycle out)."""
    from itslive_qgis.core.seasonal import amplitude_phase, fit_component, interval_design

    rng = np.random.default_rng(7)
    d1 = rng.uniform(16000.0, 19500.0, 600)
    dt = np.where(rng.random(600) < 0.5, rng.uniform(5.0, 40.0, 600), rng.uniform(300.0, 400.0, 600))
    d2 = d1 + dt
    w = 2 * np.pi / 365.25
    c0, trend, amp, peak_doy = 800.0, 12.0, 150.0, 200.0  # m/yr, m/yr^2, m/yr, day of year

    def mean_model(a, b):  # exact average of c0 + trend (t - t0)/365.25 + amp cos(w (t - t*)) over [a, b]
        t_star = peak_doy - 1.0
        lin = c0 + trend * (0.5 * (a + b) - 17532.0) / 365.25
        return lin + amp * (np.sin(w * (b - t_star)) - np.sin(w * (a - t_star))) / (w * (b - a))

    values = mean_model(d1, d2)[:, None]
    fit = fit_component(values, np.full(600, 10.0), interval_design(d1, d2), robust=False)
    got_amp, _, got_phase, _ = amplitude_phase(*fit.coef[0, 2:4], *np.diag(fit.cov[0])[2:4], fit.cov[0, 2, 3])
    np.testing.assert_allclose([fit.coef[0, 0], fit.coef[0, 1], got_amp, got_phase],
                               [c0, trend, amp, peak_doy], rtol=1e-8)  # fmt: skip
    mid = 0.5 * (d1 + d2)
    naive = fit_component(values, np.full(600, 10.0), interval_design(mid, mid), robust=False)
    naive_amp = np.hypot(*naive.coef[0, 2:4])
    print(f"midpoint model: amplitude {naive_amp:.1f} m/yr instead of {amp:.1f}")
    assert abs(naive_amp - amp) > 20.0
