"""Profiles and flowlines against analytic fields (tests/fixtures/velocity_fields.py) and the real block."""

from __future__ import annotations

import numpy as np
import pytest

from itslive_qgis.core.errors import DataError, InputError
from itslive_qgis.core.profile import profile_dataset, profile_to_file, sample_line, trace_flowline
from tests.fixtures import velocity_fields as vf

BLOCK = "datacube/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"


def _dataset(vx, vy, times=None):
    """The fixture's grid as an in-memory float64 dataset (no float32 rounding in the truth)."""
    import pyproj
    import xarray as xr

    dims = ("y", "x") if times is None else ("time", "y", "x")
    crs = pyproj.CRS.from_user_input(vf.CRS)
    ds = xr.Dataset(
        {
            "vx": (dims, vx, {"units": "m/yr", "grid_mapping": "mapping"}),
            "vy": (dims, vy, {"units": "m/yr", "grid_mapping": "mapping"}),
            "mapping": ((), 0, {**crs.to_cf(), "crs_wkt": crs.to_wkt()}),
        },
        coords={"x": vf.X, "y": vf.Y},
    )
    if times is not None:
        ds = ds.assign_coords(time=("time", np.asarray(times, dtype="datetime64[ns]")))
    return ds


def _extension():
    v0, grad, _ = vf.CASES["extension"]
    return vf.affine_field(v0, grad), v0, grad


# ---------------------------------------------------------------- sampling a line


def test_samples_every_spacing_on_the_line_and_at_its_end():
    xs, ys = np.array([0.0, 300.0, 300.0]), np.array([0.0, 0.0, 250.0])
    s = sample_line(xs, ys, 120.0)
    np.testing.assert_allclose(s.distance_m, [0, 120, 240, 360, 480, 550])
    np.testing.assert_allclose(s.x, [0, 120, 240, 300, 300, 300])
    np.testing.assert_allclose(s.y, [0, 0, 0, 60, 180, 250])
    np.testing.assert_allclose(np.c_[s.tx, s.ty][[0, 3, 5]], [[1, 0], [0, 1], [0, 1]])
    with pytest.raises(InputError, match="SPACING_M"):
        sample_line(xs, ys, 0.0)
    with pytest.raises(InputError, match="zero length"):
        sample_line([5.0, 5.0], [1.0, 1.0])


# ---------------------------------------------------------------- profiles


def test_straight_line_through_an_affine_field_gives_the_exact_components(tmp_path):
    (vx, vy), v0, grad = _extension()
    path = vf.write_velocity(tmp_path / "ext.nc", vx, vy)
    theta = np.deg2rad(35.0)
    x0, y0 = vf.X[6] + 13.0, vf.Y[30] + 7.0
    line = np.array([[x0, y0], [x0 + 4000 * np.cos(theta), y0 + 4000 * np.sin(theta)]])
    out = profile_to_file(path, tmp_path / "profile.nc", line, 120.0)
    ds = vf.read_dataset(out)
    assert ds["v"].dims == ("distance",)
    d = ds["distance_m"].values
    np.testing.assert_allclose(d[:34], 120.0 * np.arange(34))
    px, py = x0 + d * np.cos(theta), y0 + d * np.sin(theta)
    np.testing.assert_allclose(ds["x"].values, px, atol=1e-6)
    np.testing.assert_allclose(ds["y"].values, py, atol=1e-6)
    tvx = v0[0] + grad[0][0] * (px - vf.XC)
    tvy = np.full_like(px, v0[1])
    np.testing.assert_allclose(ds["v_along"].values, tvx * np.cos(theta) + tvy * np.sin(theta), atol=2e-3)
    np.testing.assert_allclose(ds["v_across"].values, -tvx * np.sin(theta) + tvy * np.cos(theta), atol=2e-3)
    np.testing.assert_allclose(ds["v"].values, np.hypot(tvx, tvy), atol=2e-3)
    assert ds["v"].attrs["units"] == "m/yr"


def test_curved_line_along_a_circle_in_solid_rotation():
    w = 0.1  # 1/yr: 150 m/yr at 1500 m from the centre, counter-clockwise
    vx, vy = -w * (vf.YY - vf.YC), w * (vf.XX - vf.XC)
    radius = 1500.0
    a = np.linspace(0.0, 2 * np.pi, 3601)
    line = np.c_[vf.XC + radius * np.cos(a), vf.YC + radius * np.sin(a)]
    ds = profile_dataset(_dataset(vx, vy), line, 120.0)
    r = np.hypot(ds["x"].values - vf.XC, ds["y"].values - vf.YC)
    np.testing.assert_allclose(
        ds["v"].values, w * r, rtol=1e-6
    )  # bilinear is exact on a linear field (float32 output)
    np.testing.assert_allclose(ds["v_along"].values, w * radius, atol=0.15)  # chord vs. arc: < 0.1 %
    np.testing.assert_allclose(ds["v_across"].values, 0.0, atol=0.15)
    assert ds["distance_m"].values[-1] == pytest.approx(2 * np.pi * radius, rel=1e-6)


def test_time_axis_is_sorted_and_kept():
    (vx, vy), v0, grad = _extension()
    times = ["2020-03-01", "2019-01-01", "2020-03-01"]
    scale = np.array([2.0, 1.0, 3.0])[:, None, None]
    ds = profile_dataset(_dataset(vx * scale, vy * scale, times), [[vf.X[5], vf.YC], [vf.X[40], vf.YC]])
    assert ds["v_along"].dims == ("time", "distance")
    assert list(ds["time"].values.astype("datetime64[D]").astype(str)) == [
        "2019-01-01",
        "2020-03-01",
        "2020-03-01",
    ]
    px = ds["x"].values
    base = v0[0] + grad[0][0] * (px - vf.XC)
    for k, f in enumerate([1.0, 2.0, 3.0]):
        np.testing.assert_allclose(ds["v_along"].values[k], f * base, rtol=1e-6)
        np.testing.assert_allclose(ds["v_across"].values[k], f * v0[1], rtol=1e-6)


def test_a_line_off_the_grid_is_refused():
    (vx, vy), _, _ = _extension()
    with pytest.raises(DataError, match="No sample of the line"):
        profile_dataset(_dataset(vx, vy), [[0.0, 0.0], [1000.0, 0.0]])


def test_profile_of_the_real_block_along_a_row_equals_the_cube(shared_data):
    import xarray as xr

    cube = shared_data / BLOCK
    with xr.open_zarr(cube) as ds:
        x, y = ds["x"].values, ds["y"].values
        row = 5
        line = [[x[1], y[row]], [x[8], y[row]]]
        prof = profile_dataset(cube, line, 120.0)
        order = np.argsort(ds["mid_date"].values, kind="stable")
        vx = ds["vx"].isel(y=row, x=slice(1, 9)).values[order].astype("float64")
        vy = ds["vy"].isel(y=row, x=slice(1, 9)).values[order].astype("float64")
        mid = ds["mid_date"].values[order]
    assert prof["v"].shape == (47892, 8)
    np.testing.assert_array_equal(prof["time"].values, mid)
    np.testing.assert_allclose(prof["v_along"].values, vx, atol=1e-3, equal_nan=True)
    np.testing.assert_allclose(prof["v_across"].values, vy, atol=1e-3, equal_nan=True)
    finite = np.isfinite(prof["v"].values)
    assert 0.05 < finite.mean() < 1.0  # the real cube has gaps (12 % of pair x sample values are valid)
    assert "date_dt" in prof


# ---------------------------------------------------------------- flowlines


def test_flowline_follows_the_analytic_streamline_of_an_extending_flow():
    (vx, vy), v0, grad = _extension()
    a = grad[0][0]
    start = (vf.XC, vf.YC)
    fl = trace_flowline(_dataset(vx, vy), start, step_m=60.0)
    x0 = start[0]
    truth_y = start[1] + v0[1] / a * np.log((v0[0] + a * (fl.xs - vf.XC)) / (v0[0] + a * (x0 - vf.XC)))
    np.testing.assert_allclose(fl.ys, truth_y, atol=0.05)
    assert np.all(np.diff(fl.xs) > 0)  # from upstream (west) to downstream (east)
    np.testing.assert_allclose(np.diff(fl.distance_m)[1:-1], 60.0, rtol=1e-6)  # one step, one spacing
    assert fl.upstream_stop == fl.downstream_stop == "left_grid"
    assert fl.upstream_m > 2000 and fl.downstream_m > 2000
    assert (fl.xs[fl.start_index], fl.ys[fl.start_index]) == pytest.approx(start)


def test_flowline_of_solid_rotation_is_a_circle_and_a_time_mean_is_taken():
    w = 0.05
    vx, vy = -w * (vf.YY - vf.YC), w * (vf.XX - vf.XC)
    times = ["2019-01-01", "2019-07-01"]
    stack = lambda f: np.stack([0.5 * f, 1.5 * f])  # noqa: E731  (time mean = f)
    ds = _dataset(stack(vx), stack(vy), times)
    fl = trace_flowline(ds, (vf.XC + 1200.0, vf.YC), step_m=30.0, max_length_m=2 * np.pi * 1200.0)
    r = np.hypot(fl.xs - vf.XC, fl.ys - vf.YC)
    np.testing.assert_allclose(r, 1200.0, atol=0.5)
    assert fl.downstream_stop == "max_length"
    assert fl.length_m == pytest.approx(4 * np.pi * 1200.0, rel=1e-3)


def test_flowline_from_a_gap_is_refused():
    (vx, vy), _, _ = _extension()
    vx = vx.copy()
    vx[18:23, 22:27] = np.nan
    with pytest.raises(DataError, match="No flowline"):
        trace_flowline(_dataset(vx, vy), (vf.XC, vf.YC))


def test_hovmoller_bins_time_and_keeps_regular_columns(tmp_path):
    import rasterio

    from itslive_qgis.core.profile import hovmoller, write_hovmoller

    (vx, vy), v0, grad = _extension()
    times = np.datetime64("2020-01-01") + np.array([0, 10, 40, 75]).astype("timedelta64[D]")
    scale = np.array([1.0, 3.0, 2.0, 4.0])[:, None, None]
    ds = _dataset(vx * scale, vy * scale, times)
    prof = profile_dataset(ds, [[vf.X[5], vf.YC], [vf.X[5] + 1000.0, vf.YC]], 120.0)  # 0..960 m + end
    values, edges, km = hovmoller(prof, "v_along", 30.0)
    np.testing.assert_allclose(km, 0.12 * np.arange(9))
    base = prof["v_along"].values[0, :9]
    np.testing.assert_allclose(values, [2 * base, 2 * base, 4 * base], rtol=1e-6)  # (1+3)/2, 2, 4
    assert np.diff(edges).tolist() == [30.0] * 3
    path = write_hovmoller(prof, tmp_path / "hov.tif", "v_along", 30.0)
    with rasterio.open(path) as src:
        band = src.read(1)
        assert src.crs is None and band.shape == (3, 9)
        np.testing.assert_allclose(band[0], 4 * base, rtol=1e-6)  # the latest bin at the top
        assert src.transform.a == pytest.approx(0.12) and src.units[0] == "m/yr"


def test_profile_curves_by_calendar_year_and_by_date(tmp_path):
    from itslive_qgis.core.profile import curves_to_csv, profile_curves

    (vx, vy), _, _ = _extension()
    times = np.array(
        ["2019-12-31T23:00", "2020-01-01T01:00", "2020-06-01", "2021-03-01"], dtype="datetime64[ns]"
    )
    scale = np.array([1.0, 2.0, 4.0, 8.0])[:, None, None]
    prof = profile_dataset(_dataset(vx * scale, vy * scale, times), [[vf.X[5], vf.YC], [vf.X[9], vf.YC]])
    base = prof["v_along"].values[0]
    years = profile_curves(prof, "v_along", "year")
    assert years.labels == ["2019", "2020", "2021"]  # calendar years, not floor(days / 365.25)
    np.testing.assert_allclose(years.values, [base, 3 * base, 8 * base], rtol=1e-6)
    dates = profile_curves(prof, "v_across", "date", dates=["2020-06-02"])
    assert dates.labels == ["2020-06-01"]
    path = curves_to_csv(years, tmp_path / "c.csv")
    head = path.read_text().splitlines()
    assert head[0] == "distance_km,v_along_2019_m_per_yr,v_along_2020_m_per_yr,v_along_2021_m_per_yr"
    assert len(head) == 1 + years.distance_km.size
