"""itslive:profile, itslive:flowline and itslive:glacierstats through real Processing runs: analytic
fields (tests/fixtures/velocity_fields.py) for the exact values, the real block and RGI outline."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
    QgsWkbTypes,
)

from itslive_qgis.core.profile import open_profile
from tests.fixtures.velocity_fields import CASES, CRS, XC, YC, X, affine_field, read_dataset, write_velocity

BLOCK = "datacube/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"
OUTLINE = "datacube/RGI2000-v7.0-G-15-16257_outline_EPSG32646.geojson"


def _run(algorithm, params):
    import processing

    return processing.run(algorithm, params)


def _line_layer_4326(points_3413):
    """A memory line layer in EPSG:4326 through the EPSG:3413 points (densified: stays straight in 3413)."""
    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(CRS), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance()
    )
    layer = QgsVectorLayer("LineString?crs=EPSG:4326", "line", "memory")
    feature = QgsFeature()
    feature.setGeometry(
        QgsGeometry.fromPolylineXY([transform.transform(QgsPointXY(x, y)) for x, y in points_3413])
    )
    layer.dataProvider().addFeatures([feature])
    return layer


def test_profile_of_an_affine_field_along_a_line_drawn_in_another_crs(plugin, tmp_path):
    v0, grad, _ = CASES["extension"]
    vx, vy = affine_field(v0, grad)
    times = np.array(["2020-01-01", "2020-02-15", "2020-01-20"], dtype="datetime64[ns]")
    factor = np.array([1.0, 3.0, 2.0])[:, None, None]
    source = write_velocity(tmp_path / "v.nc", vx * factor, vy * factor, times=times)
    x0, x1 = X[6] + 10.0, X[40]
    line = _line_layer_4326([(x0, YC), (x1, YC)])
    out = _run(
        "itslive:profile",
        {
            "INPUT": source,
            "LINE": line,
            "SPACING_M": 120.0,
            "OUTPUT": str(tmp_path / "profile.nc"),
            "HOVMOLLER": str(tmp_path / "hov.tif"),
            "BIN_DAYS": 10.0,
        },
    )
    ds = open_profile(out["OUTPUT"])  # stored (distance, time): CF H.2.1; read as (time, distance)
    assert ds["v_along"].dims == ("time", "distance")
    px = ds["x"].values
    np.testing.assert_allclose(ds["y"].values, YC, atol=0.05)  # the 4326 round trip stays on the line
    truth = v0[0] + grad[0][0] * (px - XC)
    for k, f in enumerate([1.0, 2.0, 3.0]):  # sorted by time
        np.testing.assert_allclose(ds["v_along"].values[k], f * truth, atol=2e-3)
        np.testing.assert_allclose(ds["v_across"].values[k], f * v0[1], atol=2e-3)
    hov = QgsRasterLayer(out["HOVMOLLER"], "hov")
    assert hov.isValid() and hov.height() == 5 and hov.width() == ds.sizes["distance"] - 1
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsSingleBandPseudoColorRenderer

    from itslive_qgis.processing.alg_profile import HovmollerPostProcessor

    HovmollerPostProcessor().postProcessLayer(hov, QgsProcessingContext(), QgsProcessingFeedback())
    renderer = hov.renderer()
    assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)
    top = 3 * float(np.max(np.abs(truth)))  # the largest |v_along|: the x3 step
    assert renderer.classificationMin() == pytest.approx(-renderer.classificationMax())
    assert 0.5 * top < renderer.classificationMax() <= top * 1.001


def test_profile_refuses_a_line_off_the_grid(plugin, tmp_path):
    v0, grad, _ = CASES["extension"]
    source = write_velocity(tmp_path / "v.nc", *affine_field(v0, grad))
    line = _line_layer_4326([(X[0] - 50000.0, YC), (X[0] - 40000.0, YC)])
    with pytest.raises(QgsProcessingException, match="No sample of the line"):
        _run("itslive:profile", {"INPUT": source, "LINE": line, "OUTPUT": str(tmp_path / "p.nc")})
    assert not (tmp_path / "p.nc").exists()


def test_flowline_follows_the_analytic_streamline(plugin, tmp_path):
    v0, grad, _ = CASES["extension"]
    source = write_velocity(tmp_path / "v.nc", *affine_field(v0, grad))
    out = _run(
        "itslive:flowline",
        {"INPUT": source, "START": f"{XC},{YC} [{CRS}]", "STEP_M": 60.0, "OUTPUT": "memory:"},
    )
    layer = out["OUTPUT"]
    assert QgsWkbTypes.hasM(layer.wkbType())
    feature = next(layer.getFeatures())
    vertices = list(feature.geometry().constGet().vertices())
    xs = np.array([v.x() for v in vertices])
    ys = np.array([v.y() for v in vertices])
    ms = np.array([v.m() for v in vertices])
    a = grad[0][0]
    truth_y = YC + v0[1] / a * np.log((v0[0] + a * (xs - XC)) / v0[0])
    np.testing.assert_allclose(ys, truth_y, atol=0.05)
    np.testing.assert_allclose(ms[-1], feature["length_m"])
    assert feature["upstream_stop"] == "left_grid" and feature["length_m"] > 4000


def test_glacier_stats_of_the_real_outline_on_the_real_block(plugin, shared_data, tmp_path):
    from itslive_qgis.core.glacier import glacier_stats, read_outlines

    outline = QgsVectorLayer(str(shared_data / OUTLINE), "rgi", "ogr")
    assert outline.isValid()
    target = tmp_path / "stats.csv"
    out = _run(
        "itslive:glacierstats",
        {"INPUT": str(shared_data / BLOCK), "OUTLINE": outline, "ID_FIELD": "rgi_id", "OUTPUT": str(target)},
    )
    with open(out["OUTPUT"], newline="") as f:
        rows = list(csv.DictReader(f))
    outlines, crs = read_outlines(shared_data / OUTLINE)
    expected = glacier_stats(shared_data / BLOCK, outlines, outline_crs=crs)
    assert len(rows) == len(expected) > 1000
    assert rows[0]["outline_id"] == "RGI2000-v7.0-G-15-16257"
    got = np.array([float(r["v_mean"]) for r in rows])
    np.testing.assert_allclose(got, expected["v_mean"].to_numpy(), rtol=1e-6)
    assert rows[0]["date_start"] <= rows[0]["date_end"]


def test_invert_with_an_outline_inverts_only_the_pixels_inside(plugin, shared_data, tmp_path):
    import xarray as xr

    block = str(shared_data / BLOCK)
    with xr.open_zarr(block) as ds:
        x, y = ds["x"].values, ds["y"].values
    # a triangle over the block's north-west half, drawn in EPSG:4326
    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:32646"),
        QgsCoordinateReferenceSystem("EPSG:4326"),
        QgsProject.instance(),
    )
    corners = [(x[0] - 60, y[0] + 60), (x[-1] + 60, y[0] + 60), (x[0] - 60, y[-1] - 60)]
    ring = [transform.transform(QgsPointXY(a, b)) for a, b in corners]
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "outline", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromPolygonXY([ring + [ring[0]]]))
    layer.dataProvider().addFeatures([feature])
    common = {
        "INPUT": block,
        "INTERVAL_DAYS": 60,
        "LAMBDA": 10.0,
        "START_DATE": "2017-01-01",
        "END_DATE": "2019-12-31",
    }
    _run("itslive:invert", {**common, "OUTLINE": layer, "OUTPUT": str(tmp_path / "outline.nc")})
    _run("itslive:invert", {**common, "OUTPUT": str(tmp_path / "all.nc")})
    got, ref = read_dataset(tmp_path / "outline.nc"), read_dataset(tmp_path / "all.nc")
    xx, yy = np.meshgrid(got["x"].values, got["y"].values)
    # cells wholly beyond the hypotenuse (their nearest corner is past it) are outside
    u = (xx - 60 - (x[0] - 60)) / (x[-1] - x[0] + 120) + ((y[0] + 60) - (yy + 60)) / (y[0] - y[-1] + 120)
    outside = u > 1.0 + 1e-3  # cells touching the hypotenuse at a corner are neither (round trip in 4326)
    assert outside.any() and (~outside).any()
    assert np.isnan(got["v"].values[:, outside]).all() and (got["count"].values[:, outside] == 0).all()
    sub = ref.sel(x=got["x"], y=got["y"])
    inside = u < 1.0 - 1e-3
    np.testing.assert_allclose(
        got["v"].values[:, inside], sub["v"].values[:, inside], rtol=1e-5, equal_nan=True
    )
    assert np.isfinite(got["v"].values[:, inside]).any()


def test_profile_of_a_mirror_cube_by_url_equals_its_cells(plugin, mirror, tmp_path):
    import xarray as xr

    from tests.fixtures.truth import default_tiles

    tile = next(t for t in default_tiles() if t.label == "GRE_A")
    url = "http://its-live-data.s3.amazonaws.com/" + tile.key  # as written in the catalog
    raw = xr.open_zarr(mirror.roots[tile.key])
    x, y = raw["x"].values, raw["y"].values
    row = 25
    layer = QgsVectorLayer("LineString?crs=EPSG:3413", "row", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromPolylineXY([QgsPointXY(x[10], y[row]), QgsPointXY(x[20], y[row])]))
    layer.dataProvider().addFeatures([feature])
    out = _run("itslive:profile", {"INPUT": url, "LINE": layer, "OUTPUT": str(tmp_path / "p.nc")})
    prof = open_profile(out["OUTPUT"])  # duplicated mid dates: stored along pair, read back as time
    order = np.argsort(raw["mid_date"].values, kind="stable")
    vx = raw["vx"].isel(y=row, x=slice(10, 21)).values[order].astype(float)
    vy = raw["vy"].isel(y=row, x=slice(10, 21)).values[order].astype(float)
    assert prof["v_along"].shape == vx.shape
    np.testing.assert_allclose(prof["v_along"].values, vx, atol=1e-3, equal_nan=True)  # a line due east
    np.testing.assert_allclose(prof["v_across"].values, vy, atol=1e-3, equal_nan=True)
    assert np.isfinite(prof["v"].values).mean() > 0.3
