"""itslive:strainrates, itslive:fluxdivergence and itslive:track, through real Processing runs on
analytic fields (y-descending EPSG:3413 grids written as NetCDF, tests/fixtures/velocity_fields.py)
and on the real Malaspina example. The dock's analysis panel is tested in test_analysis_panel.py.

Truth for the scale-corrected results: the velocity derivatives are analytic, the scale factor k and
its gradient come from pyproj (``Proj.get_factors``, differentiated over +-10 m), combined with the
formulas documented in core/strain.py and core/flux.py (ground derivatives on a conformal map).
"""

from __future__ import annotations

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
    QgsWkbTypes,
)

from tests.fixtures.velocity_fields import (
    CASES,
    CRS,
    INNER,
    KX,
    KY,
    X_ATTRS,
    XC,
    XX,
    Y_ATTRS,
    YC,
    YY,
    K,
    X,
    Y,
    affine_field,
    outline_layer_4326,
    read_dataset,
    seed_layer_4326,
    strain_truth,
    write_geotiff,
    write_velocity,
)


def _run(algorithm, params):
    import processing

    return processing.run(algorithm, params)


# ---------------------------------------------------------------- strain rates


@pytest.mark.parametrize("method", [0, 1])
@pytest.mark.parametrize("case", sorted(CASES))
def test_strain_rates_of_analytic_fields(plugin, tmp_path, case, method):
    v0, grad, scale = CASES[case]
    vx, vy = affine_field(v0, grad)
    source = write_velocity(tmp_path / "v.nc", vx, vy)
    out = _run(
        "itslive:strainrates",
        {"INPUT": source, "METHOD": method, "LENGTH_SCALE": 500.0, "OUTPUT": str(tmp_path / "strain.nc")},
    )
    res = read_dataset(out["OUTPUT"])
    truth = strain_truth(vx, vy, grad)
    worst = 0.0
    for name, expected in truth.items():
        got = res[name].values[INNER]
        assert np.isfinite(got).all(), name
        error = np.max(np.abs(got - expected[INNER]))
        assert error < 0.01 * scale, (case, method, name, float(error))
        worst = max(worst, error / scale)
    print(f"\nstrain {case} method {method}: max error / strain scale = {worst:.2e}")
    assert res["e_eff"].attrs["units"] == "1/yr"
    assert res.attrs["scale_factor_correction"] == 1


def test_strain_rates_from_raster_pair_to_geotiff(plugin, tmp_path):
    """VX/VY GeoTIFF layers in, a multi-band GeoTIFF with named bands out."""
    from osgeo import gdal

    v0, grad, scale = CASES["simple_shear"]
    vx, vy = affine_field(v0, grad)
    corner = (X[0] - 60.0, Y[0] + 60.0)
    vx_path = write_geotiff(tmp_path / "clip_vx.tif", vx, *corner, 120.0)
    vy_path = write_geotiff(tmp_path / "clip_vy.tif", vy, *corner, 120.0)
    output = tmp_path / "strain.tif"
    out = _run(
        "itslive:strainrates",
        {"VX": QgsRasterLayer(vx_path, "vx"), "VY": vy_path, "OUTPUT": str(output)},
    )
    assert out["OUTPUT"] == str(output)
    dataset = gdal.Open(str(output))
    descriptions = [dataset.GetRasterBand(b).GetDescription() for b in range(1, dataset.RasterCount + 1)]
    names = [d.split(":")[0] for d in descriptions]
    assert {
        "exx",
        "eyy",
        "exy",
        "ezz",
        "e_eff",
        "e1",
        "e2",
        "e1_direction",
        "e_lon",
        "e_trn",
        "e_shr",
    } <= set(names)
    assert all(": " in d for d in descriptions)
    band = dataset.GetRasterBand(names.index("exy") + 1)
    assert band.GetUnitType() == "1/yr"
    exy = band.ReadAsArray()  # north-up rows = the y-descending grid
    truth = strain_truth(vx, vy, grad)["exy"]
    assert np.max(np.abs(exy[INNER] - truth[INNER])) < 0.01 * scale
    layer = QgsRasterLayer(str(output), "strain")
    assert layer.isValid() and layer.crs().authid() == CRS and layer.bandCount() == len(names)


def test_strain_rates_from_netcdf_layers_zarr_and_time_axis(plugin, tmp_path):
    """VX/VY as two variables of one NetCDF (read as a dataset), a Zarr store, and a time axis kept in .nc."""
    import xarray as xr

    v0, grad, scale = CASES["extension"]
    vx, vy = affine_field(v0, grad)
    truth = strain_truth(vx, vy, grad)["exx"]
    factors = np.array([1.0, -2.0])[:, None, None]
    timed = write_velocity(tmp_path / "t.nc", vx * factors, vy * factors, times=["2018-01-01", "2019-01-01"])
    vx_layer = QgsRasterLayer(f'NETCDF:"{timed}":vx', "vx", "gdal")
    vy_layer = QgsRasterLayer(f'NETCDF:"{timed}":vy', "vy", "gdal")
    assert vx_layer.isValid() and vy_layer.isValid()
    out = _run("itslive:strainrates", {"VX": vx_layer, "VY": vy_layer, "OUTPUT": str(tmp_path / "s.nc")})
    res = read_dataset(out["OUTPUT"])
    assert res["exx"].dims == ("time", "y", "x")
    np.testing.assert_array_equal(
        res["time"].values, np.array(["2018-01-01", "2019-01-01"], "datetime64[ns]")
    )
    for i, f in enumerate(factors.ravel()):
        assert np.max(np.abs(res["exx"].values[i][INNER] - f * truth[INNER])) < 0.01 * scale

    store = tmp_path / "v.zarr"
    with xr.open_dataset(write_velocity(tmp_path / "v.nc", vx, vy)) as ds:
        ds.load().to_zarr(store)
    out = _run("itslive:strainrates", {"INPUT": str(store), "OUTPUT": str(tmp_path / "z.nc")})
    assert np.max(np.abs(read_dataset(out["OUTPUT"])["exx"].values[INNER] - truth[INNER])) < 0.01 * scale


def test_strain_rates_input_errors(plugin, tmp_path):
    vx, vy = affine_field(*CASES["extension"][:2])
    source = write_velocity(tmp_path / "v.nc", vx, vy)
    vx_path = write_geotiff(tmp_path / "a_vx.tif", vx, X[0] - 60, Y[0] + 60, 120.0)
    output = tmp_path / "out.nc"
    cases = [
        ({}, "No velocities given"),
        ({"INPUT": source, "VX": vx_path, "VY": vx_path}, "not both"),
        ({"VX": vx_path}, "Both VX and VY"),
        ({"INPUT": str(tmp_path / "missing.nc")}, "No velocity dataset"),
        ({"INPUT": write_velocity(tmp_path / "nocrs.nc", vx, vy, with_crs=False)}, "crs="),
    ]
    for params, message in cases:
        with pytest.raises(QgsProcessingException, match=message):
            _run("itslive:strainrates", {**params, "OUTPUT": str(output)})
        assert not output.exists()
    # the same CRS-less file works once the CRS is given
    _run("itslive:strainrates", {"INPUT": str(tmp_path / "nocrs.nc"), "CRS": CRS, "OUTPUT": str(output)})
    assert output.exists()
    # a time axis cannot go into a GeoTIFF: a clear message and no file
    timed = write_velocity(
        tmp_path / "t.nc", np.stack([vx, vx]), np.stack([vy, vy]), times=["2018-01-01", "2019-01-01"]
    )
    tif = tmp_path / "t.tif"
    with pytest.raises(QgsProcessingException, match="time"):
        _run("itslive:strainrates", {"INPUT": timed, "OUTPUT": str(tif)})
    assert not tif.exists() and not list(tmp_path.glob(".*tmp*"))


# ---------------------------------------------------------------- flux divergence


def test_flux_divergence_thickness_ramp_uniform_flow(plugin, tmp_path):
    """Uniform flow over a thickness ramp: div(H v) = k (u gx + v gy) - H (u dk/dx + v dk/dy)."""
    u, v, gx, gy = 300.0, -150.0, 0.02, -0.05  # m/yr, m/yr, m/m, m/m
    source = write_velocity(tmp_path / "v.nc", np.full(XX.shape, u), np.full(XX.shape, v))
    # thickness on another, coarser grid (200 m cells, 1 km margin): bilinear is exact for a ramp
    # (a FINER source is low-pass filtered by GDAL, see tests/unit/test_flux_tracking.py)
    x0, y0 = X[0] - 1010.0, Y[0] + 990.0
    tx = x0 + 200.0 * (np.arange(40) + 0.5)
    ty = y0 - 200.0 * (np.arange(35) + 0.5)
    txx, tyy = np.meshgrid(tx, ty)
    thickness = write_geotiff(tmp_path / "thk.tif", 500.0 + gx * (txx - XC) + gy * (tyy - YC), x0, y0, 200.0)
    h = 500.0 + gx * (XX - XC) + gy * (YY - YC)
    truth = K * (u * gx + v * gy) - h * (u * KX + v * KY)
    outline = outline_layer_4326(X[6] - 60, X[40] + 60, Y[34] - 60, Y[5] + 60)
    out = _run(
        "itslive:fluxdivergence",
        {
            "INPUT": source,
            "THICKNESS": QgsRasterLayer(thickness, "thk"),
            "BOUNDARY": outline,
            "OUTPUT": str(tmp_path / "flux.nc"),
        },
    )
    res = read_dataset(out["OUTPUT"])
    div = res["flux_divergence"].values
    inside = np.zeros(XX.shape, bool)
    inside[5:35, 6:41] = True
    assert np.isnan(div[~inside]).all() and np.isfinite(div[inside]).all()
    core = (slice(7, 33), slice(8, 39))  # two cells inside the outline
    relative = np.max(np.abs(div[core] - truth[core])) / abs(truth[core]).min()
    print(f"\nflux divergence, thickness ramp: max relative error {relative:.2e}")
    assert relative < 0.01
    np.testing.assert_allclose(res["dynamic_dhdt"].values[core], -div[core])
    assert res["dynamic_dhdt"].attrs["units"] == "m/yr"
    np.testing.assert_allclose(res["thickness"].values[core], h[core], rtol=1e-4)

    # the same thickness as a NetCDF variable layer (not a plain file: copied to GeoTIFF first)
    import xarray as xr

    thk_nc = tmp_path / "thk.nc"
    xr.Dataset(
        {"thickness": (("y", "x"), (500.0 + gx * (txx - XC) + gy * (tyy - YC)).astype("float32"))},
        coords={"x": ("x", tx, X_ATTRS), "y": ("y", ty, Y_ATTRS)},
    ).to_netcdf(thk_nc)
    thk_layer = QgsRasterLayer(f'NETCDF:"{thk_nc}":thickness', "thk", "gdal")
    thk_layer.setCrs(QgsCoordinateReferenceSystem(CRS))
    out = _run(
        "itslive:fluxdivergence",
        {"INPUT": source, "THICKNESS": thk_layer, "CRS": CRS, "OUTPUT": str(tmp_path / "flux_nc_thk.nc")},
    )
    div_nc = read_dataset(out["OUTPUT"])["flux_divergence"].values
    assert np.max(np.abs(div_nc[core] - truth[core])) < 0.01 * abs(truth[core]).min()

    # depth factor 0.8, CSV outline, GeoTIFF output
    csv = tmp_path / "outline.csv"
    xs0, xs1, ys0, ys1 = X[6] - 60, X[40] + 60, Y[34] - 60, Y[5] + 60
    pts = [(xs0, ys0), (xs1, ys0), (xs1, ys1), (xs0, ys1)]
    csv.write_text("fid,x,y\n" + "".join(f"1,{px},{py}\n" for px, py in pts))
    tif = tmp_path / "flux.tif"
    _run(
        "itslive:fluxdivergence",
        {
            "INPUT": source,
            "THICKNESS": thickness,
            "BOUNDARY_POINTS": str(csv),
            "DEPTH_FACTOR": 0.8,
            "OUTPUT": str(tif),
        },
    )
    from osgeo import gdal

    dataset = gdal.Open(str(tif))
    names = [
        dataset.GetRasterBand(b).GetDescription().split(":")[0] for b in range(1, dataset.RasterCount + 1)
    ]
    band = dataset.GetRasterBand(names.index("flux_divergence") + 1).ReadAsArray()
    assert np.max(np.abs(band[core] - 0.8 * truth[core])) < 0.01 * abs(0.8 * truth[core]).min()
    assert np.isnan(band[~inside]).all()


def test_flux_divergence_input_errors(plugin, tmp_path):
    source = write_velocity(tmp_path / "v.nc", np.full(XX.shape, 10.0), np.zeros(XX.shape))
    thickness = write_geotiff(tmp_path / "thk.tif", np.full(XX.shape, 100.0), X[0] - 60, Y[0] + 60, 120.0)
    csv = tmp_path / "o.csv"
    csv.write_text("x,y\n0,0\n1,0\n1,1\n")
    output = tmp_path / "flux.nc"
    outline = outline_layer_4326(X[6], X[40], Y[34], Y[5])
    cases = [
        ({"INPUT": source, "BOUNDARY": outline, "BOUNDARY_POINTS": str(csv)}, "not both"),
        ({"INPUT": source, "BOUNDARY_POINTS": str(csv)}, "does not cover"),
        ({"INPUT": source, "DEPTH_FACTOR": 1.1, "CRS": "EPSG:4326"}, "projected"),
        ({}, "No velocities given"),
    ]
    for params, message in cases:
        with pytest.raises(QgsProcessingException, match=message):
            _run("itslive:fluxdivergence", {"THICKNESS": thickness, **params, "OUTPUT": str(output)})
        assert not output.exists()


# ---------------------------------------------------------------- particle tracking


def test_track_rigid_rotation_returns_after_one_period(plugin, tmp_path):
    period_years = 10.0
    w = 2 * np.pi / period_years  # rad/yr
    source = write_velocity(tmp_path / "rot.nc", -w * (YY - YC), w * (XX - XC))
    seeds = [(XC + 2000.0, YC), (XC, YC - 1500.0), (XC - 700.0, YC + 700.0)]
    output = tmp_path / "tracks.gpkg"
    period_days = period_years * 365.25
    out = _run(
        "itslive:track",
        {
            "INPUT": source,
            "SEEDS": seed_layer_4326(seeds),
            "START_DATE": "2018-01-01",
            "DURATION_DAYS": period_days,
            "STEP_DAYS": 5.0,
            "DIRECTION": 0,
            "SCALE_CORRECTION": False,  # a rigid rotation of MAP velocities: the period is exact
            "OUTPUT": str(output),
        },
    )
    assert out["COUNT"] == 3
    layer = QgsVectorLayer(str(output), "tracks", "ogr")
    assert layer.isValid() and layer.featureCount() == 3
    assert layer.wkbType() == QgsWkbTypes.Type.LineStringM
    assert layer.crs().authid() == CRS
    assert [f.name() for f in layer.fields()][-5:] == ["seed_id", "start", "end", "direction", "stop_reason"]
    start_days = 17532.0  # 2018-01-01
    for feature, seed in zip(sorted(layer.getFeatures(), key=lambda f: f["seed_id"]), seeds):
        vertices = list(feature.geometry().vertices())
        first, last = vertices[0], vertices[-1]
        assert abs(first.x() - seed[0]) < 1e-3 and abs(first.y() - seed[1]) < 1e-3  # m, via EPSG:4326
        assert np.hypot(last.x() - first.x(), last.y() - first.y()) < 0.5  # m after a full turn
        m = np.array([p.m() for p in vertices])
        assert m[0] == pytest.approx(start_days) and m[-1] == pytest.approx(start_days + period_days)
        assert np.all(np.diff(m) > 0)
        radius = np.hypot([p.x() - XC for p in vertices], [p.y() - YC for p in vertices])
        assert np.ptp(radius) < 0.5
        assert feature["stop_reason"] == "completed" and feature["direction"] == "forward"
        assert feature["start"].toString("yyyy-MM-dd") == "2018-01-01"
        assert feature["end"].toMSecsSinceEpoch() == pytest.approx(
            (start_days + period_days) * 86_400_000, abs=1
        )

    # loaded by the toolbox: the layer is made temporal on its start/end fields
    import processing
    from qgis.core import Qgis

    loaded = processing.runAndLoadResults(
        "itslive:track",
        {
            "INPUT": source,
            "SEEDS": seed_layer_4326(seeds[:1]),
            "DURATION_DAYS": 30.0,
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    layer = QgsProject.instance().mapLayer(loaded["OUTPUT"])
    try:
        properties = layer.temporalProperties()
        assert properties.isActive()
        assert properties.mode() == Qgis.VectorTemporalMode.FeatureDateTimeStartAndEndFromFields
        assert (properties.startField(), properties.endField()) == ("start", "end")
    finally:
        QgsProject.instance().removeMapLayer(layer.id())

    # half a period backward from the same seeds ends on the opposite side; M decreases
    back = _run(
        "itslive:track",
        {
            "INPUT": source,
            "SEEDS": seed_layer_4326(seeds[:1]),
            "START_DATE": "2018-01-01",
            "DURATION_DAYS": period_days / 2,
            "STEP_DAYS": 5.0,
            "DIRECTION": 1,
            "SCALE_CORRECTION": False,
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    feature = next(back.getFeatures())
    vertices = list(feature.geometry().vertices())
    assert vertices[-1].x() == pytest.approx(XC - 2000.0, abs=0.5)
    assert np.all(np.diff([p.m() for p in vertices]) < 0)
    assert feature["start"] < feature["end"]


def test_track_static_field_defaults_and_time_varying_field(plugin, tmp_path):
    """Empty START_DATE: 2000-01-01 for a static field, the first time step of a time-varying one."""
    source = write_velocity(tmp_path / "east.nc", np.full(XX.shape, 365.25), np.zeros(XX.shape))
    seeds = seed_layer_4326([(XC, YC)])
    layer = _run(
        "itslive:track",
        {
            "INPUT": source,
            "SEEDS": seeds,
            "DURATION_DAYS": 10.0,
            "STEP_DAYS": 1.0,
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    feature = next(layer.getFeatures())
    vertices = list(feature.geometry().vertices())
    assert vertices[0].m() == pytest.approx(10957.0)  # 2000-01-01
    assert feature["start"].toString("yyyy-MM-dd") == "2000-01-01"
    k = K[20, 24]
    assert vertices[-1].x() - vertices[0].x() == pytest.approx(10.0 * k, rel=1e-3)  # map m = k * ground m

    times = ["2018-01-01", "2018-07-02"]
    timed = write_velocity(
        tmp_path / "timed.nc", np.stack([np.full(XX.shape, 100.0)] * 2), np.zeros((2, *XX.shape)), times=times
    )
    layer = _run(
        "itslive:track",
        {
            "INPUT": timed,
            "SEEDS": seeds,
            "DURATION_DAYS": 30.0,
            "STEP_DAYS": 3.0,
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    feature = next(layer.getFeatures())
    assert next(feature.geometry().vertices()).m() == pytest.approx(17532.0)
    assert feature["stop_reason"] == "completed"


def test_track_errors_give_messages_and_no_output(plugin, tmp_path):
    source = write_velocity(tmp_path / "east.nc", np.full(XX.shape, 100.0), np.zeros(XX.shape))
    output = tmp_path / "tracks.gpkg"
    far = seed_layer_4326([(XC + 50_000.0, YC), (XC, YC - 80_000.0)])
    cases = [
        ({"INPUT": source, "SEEDS": far}, "None of the 2 seed"),
        ({"INPUT": source, "SEEDS": far, "START_DATE": "01/02/2018"}, "YYYY-MM-DD"),
        ({"SEEDS": far}, "No velocities given"),
    ]
    for params, message in cases:
        with pytest.raises(QgsProcessingException, match=message):
            _run("itslive:track", {**params, "OUTPUT": str(output)})
        assert not output.exists()
    timed = write_velocity(
        tmp_path / "timed.nc",
        np.stack([np.full(XX.shape, 100.0)] * 2),
        np.zeros((2, *XX.shape)),
        times=["2018-01-01", "2018-07-02"],
    )
    with pytest.raises(QgsProcessingException, match="time span"):
        _run(
            "itslive:track",
            {
                "INPUT": timed,
                "SEEDS": seed_layer_4326([(XC, YC)]),
                "START_DATE": "2010-01-01",
                "OUTPUT": str(output),
            },
        )
    assert not output.exists()


# ---------------------------------------------------------------- the real Malaspina example

MALASPINA = "malaspina_tracker_strains"
MALASPINA_CLIP = "Datacubes_Yearly_Alaska_-141.02_59.69_-140.09_60.26/2018.nc"


@pytest.mark.real_data
def test_malaspina_strain_flux_tracks_rendered(plugin, shared_data, tmp_path, output_dir):
    """Seed example end to end through the algorithms, then drawn by QGIS into tests/output/*.png."""
    from itslive_qgis.core.fields.flux import boundary_mask
    from itslive_qgis.layers import load_result, render_png

    base = shared_data / MALASPINA
    clip, thk, csv = (
        base / MALASPINA_CLIP,
        base / "Example_Qdiv" / "Thickness.tif",
        base / "Example_Qdiv" / "Boundaries.csv",
    )
    if not (clip.exists() and thk.exists() and csv.exists()):
        pytest.skip("Malaspina example files not present")
    # the v1 clips carry no grid mapping: CRS given, as a user would
    strain_path = _run(
        "itslive:strainrates",
        {"INPUT": str(clip), "CRS": CRS, "OUTPUT": str(tmp_path / "malaspina_strain.nc")},
    )["OUTPUT"]
    flux_path = _run(
        "itslive:fluxdivergence",
        {
            "INPUT": str(clip),
            "THICKNESS": str(thk),
            "BOUNDARY_POINTS": str(csv),
            "CRS": CRS,
            "OUTPUT": str(tmp_path / "malaspina_flux.nc"),
        },
    )["OUTPUT"]
    velocity, strain, flux = read_dataset(clip), read_dataset(strain_path), read_dataset(flux_path)
    speed = np.hypot(velocity["vx"].values, velocity["vy"].values)
    inside = boundary_mask(csv, velocity["x"].values, velocity["y"].values)
    e_eff = strain["e_eff"].values
    fast, slow = speed > 500.0, inside & (speed > 5.0) & (speed < 100.0)
    trunk, lobe = np.nanmedian(e_eff[fast]), np.nanmedian(e_eff[slow])
    assert trunk > 3 * lobe  # the fast trunk deforms faster than the piedmont interior
    dhdt = flux["dynamic_dhdt"].values
    assert np.isnan(dhdt[~inside]).all()
    has_data = inside & np.isfinite(flux["thickness"].values) & np.isfinite(speed)
    assert np.isfinite(dhdt[has_data]).mean() > 0.97
    assert abs(np.nanmedian(dhdt)) < 5.0  # m/yr
    print(
        f"\nMalaspina 2018 e_eff median: trunk (>500 m/yr) {trunk:.4f} 1/yr, lobe interior {lobe:.4f} 1/yr; "
        "dynamic dh/dt percentiles 5/50/95: "
        + " ".join(f"{v:.2f}" for v in np.nanpercentile(dhdt, [5, 50, 95]))
        + " m/yr"
    )

    # flowlines from seeds across the fast ice, 20 years forward (static 2018 field)
    rows, cols = np.nonzero(np.isfinite(speed) & (speed > 800.0))
    pick = np.linspace(0, rows.size - 1, 12).astype(int)
    seeds = QgsVectorLayer("Point?crs=EPSG:3413", "seeds", "memory")
    features = []
    for r, c in zip(rows[pick], cols[pick]):
        feature = QgsFeature()
        feature.setGeometry(
            QgsGeometry.fromPointXY(QgsPointXY(velocity["x"].values[c], velocity["y"].values[r]))
        )
        features.append(feature)
    seeds.dataProvider().addFeatures(features)
    tracks_path = tmp_path / "malaspina_tracks.gpkg"
    _run(
        "itslive:track",
        {
            "INPUT": str(clip),
            "SEEDS": seeds,
            "CRS": CRS,
            "START_DATE": "2018-01-01",
            "DURATION_DAYS": 7305.0,
            "STEP_DAYS": 10.0,
            "OUTPUT": str(tracks_path),
        },
    )

    project = QgsProject()
    strain_layers = load_result(strain_path, project)
    flux_layers = load_result(flux_path, project)
    track_layers = load_result(tracks_path, project)
    e_layer = next(lyr for lyr in strain_layers if lyr.customProperty("itslive/variable") == "e_eff")
    d_layer = next(lyr for lyr in flux_layers if lyr.customProperty("itslive/variable") == "dynamic_dhdt")
    assert track_layers and track_layers[0].featureCount() == 12
    extent = e_layer.extent()
    paths = {
        "e_eff": render_png(
            [track_layers[0], e_layer], extent, CRS, (800, 800), None, output_dir / "malaspina_e_eff.png"
        ),
        "dhdt": render_png(
            [d_layer], extent, CRS, (800, 800), None, output_dir / "malaspina_dynamic_dhdt.png"
        ),
    }
    from qgis.PyQt.QtGui import QImage

    for path in paths.values():
        image = QImage(str(path))
        assert image.width() == 800
        colours = {image.pixel(x, y) for x in range(0, 800, 20) for y in range(0, 800, 20)}
        assert len(colours) > 20  # a picture, not a blank frame
