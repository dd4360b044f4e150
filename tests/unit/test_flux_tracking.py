"""Flux divergence and particle tracking against analytic fields, geodesic truth and the Malaspina data."""

from __future__ import annotations

import numpy as np
import pytest

from itslive_qgis.core.errors import InputError
from itslive_qgis.core.fields import (
    FlowField,
    flux_divergence_dataset,
    flux_divergence_to_file,
    track_particles,
)
from itslive_qgis.core.fields.flux import boundary_mask, boundary_polygon, flux_divergence
from itslive_qgis.core.fields.tracking import track_to_wkt_m, track_vertex_m_values

CRS = "EPSG:3413"
X = -200047.5 + 120.0 * np.arange(64)
Y = -2199932.5 - 120.0 * np.arange(56)  # descending, as in ITS_LIVE
XX, YY = np.meshgrid(X, Y)
XC, YC = X[32], Y[28]
INNER = (slice(5, -5), slice(5, -5))
MALASPINA_X = -3300007.5 + 120.0 * np.arange(41)
MALASPINA_Y = 320027.5 - 120.0 * np.arange(41)


# ---------------------------------------------------------------- flux divergence


def test_thickness_ramps_with_uniform_flow():
    u, v, gx, gy = 300.0, -150.0, 0.02, -0.05  # m/yr, m/yr, m/m, m/m
    h = 500.0 + gx * (XX - XC) + gy * (YY - YC)
    out = flux_divergence(np.full_like(XX, u), np.full_like(XX, v), h, X, Y, CRS, scale_correction=False)
    np.testing.assert_allclose(out["flux_divergence"][INNER], u * gx + v * gy, rtol=1e-9)
    np.testing.assert_allclose(out["dynamic_dhdt"], -out["flux_divergence"])
    half = flux_divergence(
        np.full_like(XX, u), 0 * XX + v, h, X, Y, CRS, depth_factor=0.8, scale_correction=False
    )
    np.testing.assert_allclose(half["flux_divergence"][INNER], 0.8 * (u * gx + v * gy), rtol=1e-9)


def test_uniform_thickness_with_extension():
    a = 3e-3
    out = flux_divergence(
        a * (XX - XC) + 50, 0 * XX - a * 0.5 * (YY - YC), 400.0, X, Y, CRS, scale_correction=False
    )
    np.testing.assert_allclose(out["flux_divergence"][INNER], 400.0 * a * 0.5, rtol=1e-9)


def test_divergence_with_scale_factor_matches_geodesic_area_change():
    """div(H v) for uniform H equals H * (1/A) dA/dt of a material square measured on the ellipsoid."""
    import pyproj

    crs = pyproj.CRS.from_user_input(CRS)
    geod = crs.get_geod()
    to_geo = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    proj = pyproj.Proj(crs)
    xc, yc = MALASPINA_X[20], MALASPINA_Y[20]

    def field(px, py):
        return 2e-3 * (px - xc) + 900.0 + 0 * py, 4000.0 - 1e-3 * (py - yc) + 0 * px

    def area(dt_years):
        corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float) * 150.0
        edge = []
        for c0, c1 in zip(corners, np.roll(corners, -1, axis=0)):
            for f in np.linspace(0, 1, 20, endpoint=False):
                edge.append(c0 + f * (c1 - c0))
        pts = np.array(edge) + [xc, yc]
        u, v = field(pts[:, 0], pts[:, 1])
        lon, lat = to_geo.transform(pts[:, 0], pts[:, 1])
        k = proj.get_factors(lon, lat).parallel_scale
        lon, lat = to_geo.transform(pts[:, 0] + dt_years * k * u, pts[:, 1] + dt_years * k * v)
        return abs(geod.polygon_area_perimeter(lon, lat)[0])

    dt = 1e-3
    h = 400.0
    truth = h * (np.log(area(dt)) - np.log(area(-dt))) / (2 * dt)
    vx, vy = field(*np.meshgrid(MALASPINA_X, MALASPINA_Y))
    out = flux_divergence(vx, vy, h, MALASPINA_X, MALASPINA_Y, CRS)
    assert out["flux_divergence"][20, 20] == pytest.approx(truth, rel=2e-3)
    plain = flux_divergence(vx, vy, h, MALASPINA_X, MALASPINA_Y, CRS, scale_correction=False)
    assert abs(plain["flux_divergence"][20, 20] - truth) > 0.02 * abs(truth)


def test_flux_errors_match_monte_carlo():
    rng = np.random.default_rng(7)
    x = X[0] + 120.0 * np.arange(150)
    y = Y[0] - 120.0 * np.arange(150)
    s_v, s_h = 4.0, 20.0
    vx = 200 + rng.normal(0, s_v, (150, 150))
    vy = -100 + rng.normal(0, s_v, (150, 150))
    h = 600 + rng.normal(0, s_h, (150, 150))
    out = flux_divergence(
        vx, vy, h, x, y, CRS, vx_error=s_v, vy_error=s_v, thickness_error=s_h, scale_correction=False
    )
    inner = (slice(10, -10), slice(10, -10))
    ratio = np.std(out["flux_divergence"][inner]) / np.mean(out["flux_divergence_error"][inner])
    assert 0.93 < ratio < 1.07


def _write_utm_thickness(path):
    """Linear thickness in UTM 7N coordinates (another CRS and resolution) with a nodata hole.

    Returns the analytic thickness function of (easting, northing), the 3413 -> UTM
    transformer and the hole's (e_min, e_max, n_min, n_max).
    """
    import pyproj
    import rasterio
    from affine import Affine

    to_utm = pyproj.Transformer.from_crs(CRS, "EPSG:32607", always_xy=True)
    corner_x = [MALASPINA_X[0], MALASPINA_X[-1], MALASPINA_X[0], MALASPINA_X[-1]]
    corner_y = [MALASPINA_Y[0], MALASPINA_Y[0], MALASPINA_Y[-1], MALASPINA_Y[-1]]
    ce, cn = to_utm.transform(corner_x, corner_y)
    west, north = np.floor(min(ce) - 1000.0), np.ceil(max(cn) + 1000.0)
    nx, ny = int((max(ce) + 1000.0 - west) // 100) + 1, int((north - min(cn) + 1000.0) // 100) + 1
    east = west + 100.0 * (np.arange(nx) + 0.5)
    northing = north - 100.0 * (np.arange(ny) + 0.5)
    e0, n0 = east.mean(), northing.mean()

    def truth(e, n):
        return 300.0 + 0.01 * (e - e0) - 0.02 * (n - n0)

    data = truth(*np.meshgrid(east, northing))
    r0, c0 = ny // 2 - 5, nx // 2 - 5
    data[r0 : r0 + 10, c0 : c0 + 10] = -9999.0
    hole = (west + 100.0 * c0, west + 100.0 * (c0 + 10), north - 100.0 * (r0 + 10), north - 100.0 * r0)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=nx,
        height=ny,
        count=1,
        dtype="float64",
        crs="EPSG:32607",
        transform=Affine(100.0, 0, west, 0, -100.0, north),
        nodata=-9999.0,
    ) as dst:
        dst.write(data, 1)
    return truth, to_utm, hole


def test_thickness_raster_is_reprojected_onto_velocity_grid(tmp_path):
    import xarray as xr

    from itslive_qgis.core.fields.grid import grid_mapping_attrs, reproject_to_grid

    path = tmp_path / "thk_utm.tif"
    truth, to_utm, (e_min, e_max, n_min, n_max) = _write_utm_thickness(path)
    h = reproject_to_grid(path, MALASPINA_X, MALASPINA_Y, CRS)
    xx, yy = np.meshgrid(MALASPINA_X, MALASPINA_Y)
    e, n = to_utm.transform(xx, yy)
    expected = truth(e, n)
    margin = 300.0  # m: bilinear kernels near the hole may use fewer valid pixels
    far = (e < e_min - margin) | (e > e_max + margin) | (n < n_min - margin) | (n > n_max + margin)
    inside_hole = (e > e_min + margin) & (e < e_max - margin) & (n > n_min + margin) & (n < n_max - margin)
    assert np.isfinite(h[far]).all()
    assert (
        np.max(np.abs(h[far] - expected[far])) < 0.5
    )  # m, bilinear of a linear field (+ warp approximation)
    assert inside_hole.any() and np.isnan(h[inside_hole]).all()
    # the same raster through the dataset wrapper: uniform flow -> divergence = v . grad H
    ds = xr.Dataset(
        {"vx": (("y", "x"), np.full(xx.shape, 100.0)), "vy": (("y", "x"), np.zeros(xx.shape))},
        coords={"x": MALASPINA_X, "y": MALASPINA_Y},
    )
    ds["mapping"] = ((), 0, grid_mapping_attrs(CRS, MALASPINA_X, MALASPINA_Y))
    ds["vx"].attrs["grid_mapping"] = "mapping"
    out = flux_divergence_dataset(ds, path, scale_correction=False)
    assert out["flux_divergence"].attrs["units"] == "m/yr"
    dhdx = np.gradient(expected, MALASPINA_X, axis=1)
    sel = far & np.isfinite(out["flux_divergence"].values)
    sel[:, [0, -1]] = False
    assert sel.sum() > 1000
    # GDAL widens the bilinear kernel when the source is finer than the grid (anti-aliasing):
    # +-0.2 m of zero-mean scatter in H, amplified by differencing over 240 m.
    ratio = out["flux_divergence"].values[sel] / (100.0 * dhdx[sel])
    assert np.median(ratio) == pytest.approx(1.0, abs=0.01)
    assert np.max(np.abs(ratio - 1.0)) < 0.1


def _rectangle_csv(path, x0, x1, y0, y1, spacing=100.0):
    pts = []
    for (ax, ay), (bx, by) in zip(
        [(x0, y0), (x1, y0), (x1, y1), (x0, y1)], [(x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    ):
        n = int(round(np.hypot(bx - ax, by - ay) / spacing))
        pts += [(ax + (bx - ax) * i / n, ay + (by - ay) * i / n) for i in range(n)]
    lines = ["fid,cngmeters,x,y"] + [f'"1",{i * spacing},{px},{py}' for i, (px, py) in enumerate(pts)]
    path.write_text("\n".join(lines) + "\n")


def test_boundary_csv_masks_outside(tmp_path):
    import shapely

    csv = tmp_path / "Boundaries.csv"
    x0, x1, y0, y1 = X[10] - 60, X[40] + 60, Y[40] - 60, Y[10] + 60
    _rectangle_csv(csv, x0, x1, y0, y1)
    poly = boundary_polygon(csv)
    assert poly.area == pytest.approx((x1 - x0) * (y1 - y0), rel=1e-9)
    assert boundary_polygon(shapely.box(x0, y0, x1, y1)).equals(poly)
    out = flux_divergence(
        0 * XX + 100.0, 0 * XX, 500.0 + 0.01 * (XX - XC), X, Y, CRS, boundary=csv, scale_correction=False
    )
    mask = boundary_mask(csv, X, Y)
    assert mask.sum() == 31 * 31
    assert np.isnan(out["flux_divergence"][~mask]).all()
    assert np.isfinite(out["flux_divergence"][mask]).all()
    np.testing.assert_allclose(out["flux_divergence"][mask], 1.0, rtol=1e-9)  # one-sided at the outline
    with pytest.raises(InputError, match="does not cover"):
        flux_divergence(0 * XX, 0 * XX, 1.0, X, Y, CRS, boundary=shapely.box(0, 0, 1, 1))


def test_flux_input_errors(tmp_path):
    with pytest.raises(InputError, match="Depth factor"):
        flux_divergence(0 * XX, 0 * XX, 1.0, X, Y, CRS, depth_factor=2.0)
    with pytest.raises(InputError, match="No raster"):
        flux_divergence_to_file(
            (tmp_path / "a.tif", tmp_path / "b.tif"), tmp_path / "t.tif", tmp_path / "o.nc"
        )


# ---------------------------------------------------------------- particle tracking


def _field(vx, vy, scale_correction=False, x=X, y=Y, time_days=None):
    return FlowField.from_arrays(vx, vy, x, y, CRS, time_days=time_days, scale_correction=scale_correction)


def test_rigid_rotation_returns_after_one_period():
    w = 2 * np.pi / 10.0  # rad/yr: a 10-year period
    field = _field(-w * (YY - YC), w * (XX - XC))
    seeds = np.array([[XC + 2000.0, YC], [XC, YC - 1500.0], [XC - 700.0, YC + 700.0]])
    period_days = 10.0 * 365.25
    tracks = track_particles(seeds, field, 0.0, period_days, 5.0)
    for seed, tr in zip(seeds, tracks):
        assert tr.stop_reason == "completed"
        assert tr.t_days[-1] == pytest.approx(period_days)
        assert np.hypot(tr.xs[-1] - seed[0], tr.ys[-1] - seed[1]) < 0.5  # m
        radius = np.hypot(tr.xs - XC, tr.ys - YC)
        assert np.ptp(radius) < 0.5
    half = track_particles(seeds[:1], field, 0.0, period_days / 2, 5.0)[0]
    assert half.xs[-1] == pytest.approx(XC - 2000.0, abs=0.5)  # counter-clockwise, half way round


def test_forward_then_backward_returns_to_seed():
    r2 = (XX - XC) ** 2 + (YY - YC) ** 2
    vortex = 800.0 * np.exp(-r2 / (2 * 2500.0**2))
    vx = 50.0 + 0.02 * (YY - YC) - vortex * (YY - YC) / 2500.0
    vy = 20.0 + vortex * (XX - XC) / 2500.0
    field = _field(vx, vy, scale_correction=True)
    seeds = np.array([[XC + 600.0, YC - 300.0], [XC - 1200.0, YC + 900.0]])
    fwd = track_particles(seeds, field, 1000.0, 400.0, 4.0)
    ends = np.array([[t.xs[-1], t.ys[-1]] for t in fwd])
    back = track_particles(ends, field, 1400.0, 400.0, 4.0, direction="backward")
    for seed, tr in zip(seeds, back):
        assert tr.t_days[-1] == pytest.approx(1000.0)
        assert np.hypot(tr.xs[-1] - seed[0], tr.ys[-1] - seed[1]) < 0.05


def test_particles_stop_at_the_data_edge_and_at_gaps():
    u = 5000.0  # m/yr eastward
    vx, vy = np.full(XX.shape, u), np.zeros(XX.shape)
    vx[:, 50:52] = np.nan  # a gap in the southern rows only below
    vx[:20, 50:52] = u
    field = _field(vx, vy)
    seeds = np.array([[X[30], Y[10]], [X[30], Y[40]], [X[0] - 500.0, Y[5]]])
    step = 5.0
    edge, gap, outside = track_particles(seeds, field, 0.0, 3650.0, step)
    assert edge.stop_reason == "left_grid" and outside.stop_reason == "left_grid"
    assert len(outside.xs) == 1
    per_step = u * step / 365.25
    assert X[-1] - per_step <= edge.xs[-1] <= X[-1]
    assert edge.t_days[-1] < 3650.0
    assert gap.stop_reason == "no_data"
    assert X[49] - per_step <= gap.xs[-1] <= X[49]  # last position whose 4 cells have data


def test_time_varying_field_linear_in_time():
    t0, t1 = 17000.0, 17365.25
    u0, u1 = 100.0, 465.25  # m/yr at t0 / t1, uniform in space
    vx = np.stack([np.full(XX.shape, u1), np.full(XX.shape, u0)])
    field = _field(vx, np.zeros_like(vx), time_days=[t1, t0])  # unsorted on purpose
    tr = track_particles([[XC, YC]], field, t0, 200.0, 7.0)[0]
    years = 200.0 / 365.25
    expected = u0 * years + 0.5 * (u1 - u0) * years**2  # integral of the linear ramp
    assert tr.xs[-1] - XC == pytest.approx(expected, abs=1e-6)
    late = track_particles([[XC, YC]], field, t0 + 300.0, 200.0, 10.0)[0]
    assert late.stop_reason == "outside_time" and late.t_days[-1] <= t1


def test_scale_factor_gives_ground_distance():
    import pyproj

    xx, yy = np.meshgrid(MALASPINA_X, MALASPINA_Y)
    speed = 1000.0
    theta = np.radians(35.0)
    field = FlowField.from_arrays(
        np.full(xx.shape, speed * np.cos(theta)),
        np.full(xx.shape, speed * np.sin(theta)),
        MALASPINA_X,
        MALASPINA_Y,
        CRS,
    )
    seed = (MALASPINA_X[10], MALASPINA_Y[30])
    tr = track_particles([seed], field, 0.0, 365.25, 5.0)[0]
    crs = pyproj.CRS.from_user_input(CRS)
    to_geo = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    (lo1, lo2), (la1, la2) = to_geo.transform([seed[0], tr.xs[-1]], [seed[1], tr.ys[-1]])
    assert crs.get_geod().inv(lo1, la1, lo2, la2)[2] == pytest.approx(speed, abs=0.05)
    assert np.hypot(tr.xs[-1] - seed[0], tr.ys[-1] - seed[1]) > 1.03 * speed  # map distance = k * ground


def test_m_values_and_wkt():
    field = _field(np.full(XX.shape, 365.25), np.zeros(XX.shape))
    tr = track_particles([[XC, YC]], field, 17532.0, 2.0, 1.0)[0]  # 2018-01-01
    assert track_vertex_m_values(tr) == [17532.0, 17533.0, 17534.0]
    assert track_vertex_m_values(tr, relative=True) == [0.0, 1.0, 2.0]
    assert track_vertex_m_values(tr, as_iso=True) == [
        "2018-01-01T00:00:00",
        "2018-01-02T00:00:00",
        "2018-01-03T00:00:00",
    ]
    wkt = track_to_wkt_m(tr)
    assert wkt.startswith("LINESTRING M (") and wkt.endswith(")")
    vertices = [[float(v) for v in part.split()] for part in wkt[len("LINESTRING M (") : -1].split(",")]
    np.testing.assert_allclose(vertices, np.column_stack([tr.xs, tr.ys, [17532.0, 17533.0, 17534.0]]))
    assert vertices[-1][0] - vertices[0][0] == pytest.approx(2.0, abs=1e-9)  # 365.25 m/yr for 2 days
    assert track_to_wkt_m(tr, relative=True).endswith(" 2.0)")


def test_tracking_input_errors():
    field = _field(np.zeros(XX.shape), np.zeros(XX.shape))
    with pytest.raises(InputError, match="direction"):
        track_particles([[XC, YC]], field, 0.0, 10.0, 1.0, direction="sideways")
    with pytest.raises(InputError, match="positive"):
        track_particles([[XC, YC]], field, 0.0, -10.0, 1.0)
    with pytest.raises(InputError, match="distinct"):
        _field(np.zeros((2, *XX.shape)), np.zeros((2, *XX.shape)), time_days=[1.0, 1.0])


# ---------------------------------------------------------------- Malaspina end to end


@pytest.mark.real_data
def test_malaspina_flux_and_tracking_end_to_end(shared_data, tmp_path):
    import xarray as xr

    base = shared_data / "malaspina_tracker_strains"
    clips = base / "Datacubes_Yearly_Alaska_-141.02_59.69_-140.09_60.26"
    years = [2015, 2016, 2017, 2018]
    if not all((clips / f"{y}.nc").exists() for y in years):
        pytest.skip("Malaspina annual clips not present")
    parts = [xr.open_dataset(clips / f"{y}.nc") for y in years]
    times = xr.DataArray(np.array([f"{y}-07-02" for y in years], dtype="datetime64[ns]"), dims="time")
    ds = xr.concat(parts, dim=times).assign_coords(time=times)
    thk, outline = base / "Example_Qdiv" / "Thickness.tif", base / "Example_Qdiv" / "Boundaries.csv"
    out_path = flux_divergence_to_file(ds, thk, tmp_path / "qdiv.nc", boundary=outline, crs="EPSG:3413")
    with xr.open_dataset(out_path) as res:
        res = res.load()
    assert res["flux_divergence"].dims == ("time", "y", "x") and res.sizes["time"] == 4
    assert res["dynamic_dhdt"].attrs["units"] == "m/yr"
    inside = boundary_mask(outline, ds["x"].values, ds["y"].values)
    assert np.isnan(res["dynamic_dhdt"].values[:, ~inside]).all()
    has_data = inside & np.isfinite(res["thickness"].values) & np.isfinite(ds["vx"].values[-1])
    finite = np.isfinite(res["dynamic_dhdt"].values[-1][has_data]).mean()
    assert finite > 0.97
    dhdt = res["dynamic_dhdt"].values[-1]
    p = np.nanpercentile(dhdt, [1, 5, 25, 50, 75, 95, 99])
    assert abs(p[3]) < 5.0  # m/yr: the median over the lobe is small
    print(
        "\nMalaspina 2018 dynamic dh/dt (m/yr) percentiles 1/5/25/50/75/95/99: "
        + " ".join(f"{v:.2f}" for v in p)
        + f"; finite inside outline with thickness {finite:.3f}; thickness on grid "
        f"{np.nanmin(res['thickness'].values):.1f}..{np.nanmax(res['thickness'].values):.1f} m"
    )
    # a month of tracking in fast ice moves particles by about speed * 30 days
    field = FlowField.from_dataset(parts[-1], crs="EPSG:3413")
    speed = np.hypot(parts[-1]["vx"].values, parts[-1]["vy"].values)
    rows, cols = np.nonzero(speed > 1000.0)
    pick = np.linspace(0, rows.size - 1, 20).astype(int)
    seeds = np.column_stack([ds["x"].values[cols[pick]], ds["y"].values[rows[pick]]])
    tracks = track_particles(seeds, field, 17532.0, 30.0, 1.0)
    done = [t for t in tracks if t.stop_reason == "completed"]
    assert len(done) >= 15
    ratios = [
        np.hypot(t.xs[-1] - t.xs[0], t.ys[-1] - t.ys[0]) / (field.k[r, c] * speed[r, c] * 30.0 / 365.25)
        for t, r, c in zip(tracks, rows[pick], cols[pick])
        if t.stop_reason == "completed"
    ]
    assert 0.8 < np.median(ratios) < 1.2
    print(
        f"Malaspina 30-day tracks: {len(done)}/20 completed,"
        f" median displacement/(k v dt) {np.median(ratios):.3f}"
    )
