"""The interval-mean Gaussian process against a known seasonal truth, the inversion and Jakobshavn."""

from __future__ import annotations

import numpy as np
import pytest

from itslive_qgis.core.errors import InputError
from itslive_qgis.core.gp import fit_interval_gp, gp_point

YEAR = 365.25
T0 = 16000.0  # days since 1970 (2013-10-22)
JAKOBSHAVN = "timeseries_csv/LAT69.1117--LON-49.4604.csv"


def antiderivative(t_days):
    """Integral (m/yr * days) of the truth 1000 + 25 t^2 + 200 sin(2 pi t) + 60 cos(4 pi t), t in years."""
    t = (np.asarray(t_days) - T0) / YEAR
    return YEAR * (
        1000 * t
        + 25 * t**3 / 3
        - 200 / (2 * np.pi) * np.cos(2 * np.pi * t)
        + 60 / (4 * np.pi) * np.sin(4 * np.pi * t)
    )


def truth_mean(a, b):
    """Exact mean of the truth over [a, b] (days)."""
    return (antiderivative(b) - antiderivative(a)) / (b - a)


def synthetic_pairs(n, years=5.0, seed=1, max_dt=400.0):
    """Pairs of 6..max_dt days (log-uniform) observing the truth's interval mean; 3 m displacement noise."""
    rng = np.random.default_rng(seed)
    d1 = T0 + rng.uniform(0, years * YEAR - 30, n)
    dt = np.exp(rng.uniform(np.log(6), np.log(max_dt), n))
    d2 = np.minimum(d1 + dt, T0 + years * YEAR)
    sigma = 3.0 * YEAR / (d2 - d1) * np.exp(rng.normal(0, 0.3, n))
    return d1, d2, truth_mean(d1, d2) + rng.normal(0, sigma), sigma


def step_edges(years=5.0, step=12.0):
    return T0 + 30 + step * np.arange(int((years * YEAR - 60) / step))


def test_known_seasonal_signal_rmse_and_one_sigma_coverage():
    d1, d2, y, s = synthetic_pairs(1500)
    model = fit_interval_gp(d1, d2, y, s)
    e = step_edges()
    mean, sd = model.predict_means(e[:-1], e[1:])
    err = mean - truth_mean(e[:-1], e[1:])
    rmse = float(np.sqrt(np.mean(err**2)))
    coverage = float(np.mean(np.abs(err) <= sd))
    print(
        f"\nGP on 1500 synthetic pairs: step RMSE {rmse:.2f} m/yr, 1-sigma coverage {coverage:.2f}",
        model.hyper,
    )
    assert rmse < 6.0  # the seasonal swing is 400 m/yr peak to peak, pair noise 3-180 m/yr
    assert 0.55 <= coverage <= 0.85
    assert model.hyper.noise_scale == pytest.approx(1.0, abs=0.15)  # the stated errors are right here


def test_the_interval_matters_a_mid_date_gp_flattens_the_seasons():
    """The same pairs read as point values at mid_date (the seed's GP) lose the seasonal amplitude."""
    d1, d2, y, s = synthetic_pairs(1500, max_dt=300.0)
    e = step_edges()
    truth = truth_mean(e[:-1], e[1:])
    mid = 0.5 * (d1 + d2)
    interval = fit_interval_gp(d1, d2, y, s).predict_means(e[:-1], e[1:])[0]
    point = fit_interval_gp(mid, mid, y, s).predict_means(e[:-1], e[1:])[0]
    rmse_interval = np.sqrt(np.mean((interval - truth) ** 2))
    rmse_point = np.sqrt(np.mean((point - truth) ** 2))
    print(f"\nstep RMSE: interval GP {rmse_interval:.1f}, mid-date GP {rmse_point:.1f} m/yr")
    assert rmse_point > 3 * rmse_interval


def test_outliers_are_dropped_and_do_not_leak():
    d1, d2, y, s = synthetic_pairs(800, seed=4)
    y = y.copy()
    y[::97] = 32767.0  # the sentinel of the real Jakobshavn export
    model = fit_interval_gp(d1, d2, y, s)
    assert model.n_outliers >= y[::97].size
    e = step_edges()
    mean, _ = model.predict_means(e[:-1], e[1:])
    assert np.sqrt(np.mean((mean - truth_mean(e[:-1], e[1:])) ** 2)) < 10.0


def test_too_few_pairs_are_refused():
    with pytest.raises(InputError, match="at least 10 pairs"):
        fit_interval_gp([0.0, 1.0], [5.0, 6.0], [1.0, 2.0], [1.0, 1.0])


def _point_series(d1, d2, vx, vy, ex, ey):
    from itslive_qgis.core.timeseries import PointSeries

    n = d1.size
    return PointSeries(
        source="synthetic", epsg=3413, x_m=0.0, y_m=0.0, col=0, row=0, lon=np.nan, lat=np.nan,
        mid_date_days=0.5 * (d1 + d2), d1_days=d1, d2_days=d2, date_dt_days=d2 - d1,
        v=np.hypot(vx, vy), vx=vx, vy=vy, v_error=np.hypot(ex, ey) / np.sqrt(2), vx_error=ex, vy_error=ey,
        satellite=np.full(n, "8"), satellite_img2=np.full(n, "8"), granule_url=np.full(n, ""),
    )  # fmt: skip


def test_agrees_with_the_inversion_where_both_are_well_constrained():
    from itslive_qgis.core.timeseries import invert_point

    d1, d2, y, s = synthetic_pairs(2000, seed=7, max_dt=120.0)
    rng = np.random.default_rng(8)
    vy = -0.4 * (y - 1000) + 300 + rng.normal(0, s)  # a second component with the same seasons
    series = _point_series(d1, d2, y, vy, s, s)
    inv = invert_point(series, interval_days=12.0)
    gp = gp_point(series, edges_days=inv.edges_days)
    np.testing.assert_array_equal(gp.count, inv.count)  # pairs overlapping each step, as the inversion counts
    well = (inv.count >= 8) & (inv.v_sigma < 15) & (gp.v_sigma < 15)
    assert well.sum() > 0.5 * well.size
    diff = gp.v[well] - inv.v[well]
    bound = 3 * np.hypot(gp.v_sigma[well], inv.v_sigma[well])
    print(
        f"\nGP vs inversion on {well.sum()} well-constrained steps: RMS difference "
        f"{np.sqrt(np.mean(diff**2)):.1f} m/yr, within 3 combined sigma: {np.mean(np.abs(diff) <= bound):.2f}"
    )
    assert np.mean(np.abs(diff) <= bound) >= 0.95
    assert np.all(np.isfinite(gp.v)) and np.all(gp.v_sigma > 0)


def test_jakobshavn_summer_peaks_beside_the_inversion(shared_data):
    import pandas as pd

    from itslive_qgis.core.cube import to_days
    from itslive_qgis.core.inversion.api import invert_series

    df = pd.read_csv(shared_data / JAKOBSHAVN)
    mid = to_days(pd.to_datetime(df["mid_date"]).values.astype("datetime64[ns]"))
    dt = df["date_dt [days]"].to_numpy(float)
    keep = dt <= 100.0  # as the inversion test: longer pairs decorrelate on this glacier
    d1, d2 = (mid - dt / 2)[keep], (mid + dt / 2)[keep]
    v, ve = df["v [m/yr]"].to_numpy(float)[keep], df["v_error [m/yr]"].to_numpy(float)[keep]
    model = fit_interval_gp(d1, d2, v, ve)
    assert model.n_outliers >= 2  # the two 32,767 m/yr sentinels
    inv = invert_series(v, d1, d2, robust=True)
    e = inv.edges_days
    mean, sd = model.predict_means(e[:-1], e[1:])
    years = 1970.0 + inv.centres_days / YEAR
    year = np.floor(years).astype(int)
    doy = (years - year) * YEAR
    lines = [f"Jakobshavn, {keep.sum()} pairs (dt <= 100 d), summer (Jun-Aug) peak, m/yr: inversion | GP"]
    for y in range(2014, 2023):
        summer = (year == y) & (doy >= 152) & (doy < 244)
        i_peak, k = np.nanmax(inv.velocity[summer]), np.nanargmax(mean[summer])
        g_peak = mean[summer][k]
        lines.append(f"  {y}: {i_peak:.0f} | {g_peak:.0f} +- {sd[summer][k]:.0f}")
        assert g_peak == pytest.approx(i_peak, rel=0.05)
    print("\n" + "\n".join(lines))
    assert np.nanmax(mean) < 20000.0
