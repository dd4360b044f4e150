"""itslive:composite and itslive:seasonalfit through real Processing runs on the mirror, and their layers."""

from __future__ import annotations

import numpy as np
import pytest
from qgis.core import QgsProcessingException, QgsProject, QgsSingleBandPseudoColorRenderer

from tests.fixtures.composites import composite_key, composite_truth
from tests.fixtures.truth import default_tiles

TILE_A = default_tiles()[0]
AOI_3413 = "-182000,-172500,-2281500,-2278500 [EPSG:3413]"  # across the GRE_A / GRE_B tile edge


def _run(alg, params):
    import processing

    return processing.run(alg, params)


def test_composite_from_the_catalog_loads_as_styled_layers(plugin, mirror, tmp_path, output_dir):
    import xarray as xr

    from itslive_qgis.layers import load_result

    out = tmp_path / "composite.nc"
    result = _run(
        "itslive:composite", {"EXTENT": AOI_3413, "START_YEAR": 2018, "END_YEAR": 2020, "OUTPUT": str(out)}
    )
    assert result["OUTPUT"] == str(out)
    with xr.open_dataset(out) as ds:
        assert ds.sizes["time"] == 3
        assert ds["x"].values.min() < -177007.5 < ds["x"].values.max()  # both tiles, from the catalog
        truth = composite_truth(TILE_A)
        col = int(np.flatnonzero(TILE_A.x == ds["x"].values[0])[0])
        row = int(np.flatnonzero(TILE_A.y == ds["y"].values[0])[0])
        np.testing.assert_allclose(ds["v0"].values[0, 0], truth["v0"][row, col], rtol=1e-6)
    project = QgsProject()
    layers = load_result(out, project)
    names = [layer.name() for layer in layers]
    assert names[0] == "Flow vectors" and names[1].startswith("v (")  # arrows over the annual speed
    # the arrows are drawn from velocities only (the only long names saying "x/y component")
    from qgis.core import QgsMeshDatasetIndex

    mesh = layers[0]
    vector_groups = [
        mesh.datasetGroupMetadata(QgsMeshDatasetIndex(i)).name()
        for i in mesh.datasetGroupsIndexes()
        if mesh.datasetGroupMetadata(QgsMeshDatasetIndex(i)).isVector()
    ]
    print("vector groups:", vector_groups)
    assert vector_groups and not any(("error" in n or "amp" in n or "dt" in n) for n in vector_groups)
    speed = layers[1]
    assert speed.temporalProperties().isActive() and speed.bandCount() == 3
    with xr.open_dataset(out) as ds:  # QGIS reads the CRS and extent xarray reads (io.cf)
        x, y = ds["x"].values, ds["y"].values
    ext = speed.extent()
    assert speed.crs().authid() == "EPSG:3413"
    assert (ext.xMinimum(), ext.xMaximum()) == pytest.approx((x.min() - 60, x.max() + 60))
    assert (ext.yMinimum(), ext.yMaximum()) == pytest.approx((y.min() - 60, y.max() + 60))
    phase = next(layer for layer in layers if layer.name().startswith("v_phase"))
    renderer = phase.renderer()
    assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)
    items = renderer.shader().rasterShaderFunction().colorRampItemList()
    assert [i.label for i in items][:2] == ["Jan", "Feb"] and len(items) == 12  # cyclic, by month
    assert items[0].color.hue() != items[6].color.hue()
    # the figures, for a person to look at: annual speed with arrows (2019), and the phase
    from itslive_qgis.layers import render_png

    frame = (17897.0, 18262.0)  # 2019
    png = render_png(
        [layers[0], speed], None, "EPSG:3413", (900, 400), frame, output_dir / "composite_speed.png"
    )
    assert png.stat().st_size > 10000
    png = render_png([phase], None, "EPSG:3413", (900, 400), None, output_dir / "composite_phase.png")
    from qgis.PyQt.QtGui import QImage

    centre = QImage(str(png)).pixelColor(450, 200)  # v_phase is 196 (15 July) on the whole glacier
    july = items[6].color
    assert (centre.red(), centre.green(), centre.blue()) == (july.red(), july.green(), july.blue())


def test_seasonalfit_of_a_mirror_cube_matches_the_composite(plugin, mirror, tmp_path):
    import xarray as xr

    out = tmp_path / "fit.nc"
    ix = 25
    comp = xr.open_zarr(mirror.roots[composite_key(TILE_A)])
    iy = int(np.nanargmax(comp["v_amp"].values[:, ix]))
    extent = f"{TILE_A.x[ix - 2]},{TILE_A.x[ix + 2]},{TILE_A.y[iy + 2]},{TILE_A.y[iy - 2]} [EPSG:3413]"
    result = _run(
        "itslive:seasonalfit",
        {
            "INPUT": f"s3://its-live-data/{TILE_A.key}",
            "EXTENT": extent,
            "SEMIANNUAL": True,
            "OUTPUT": str(out),
        },
    )
    with xr.open_dataset(result["OUTPUT"]) as ds:
        sel = comp.sel(x=ds["x"], y=ds["y"])
        rel = np.abs(ds["v_amp"].values - sel["v_amp"].values) / sel["v_amp"].values
        assert rel.max() < 0.03
        assert np.abs(ds["v_phase"].values - sel["v_phase"].values).max() < 2.0
        assert ds["v_phase"].attrs["units"] == "day" and ds["v_phase"].attrs["long_name"].startswith(
            "day of year"
        )


def test_seasonalfit_refuses_a_missing_input(plugin, tmp_path):
    with pytest.raises(QgsProcessingException, match="No ITS_LIVE datacube or file at"):
        _run("itslive:seasonalfit", {"INPUT": str(tmp_path / "nothing.nc"), "OUTPUT": str(tmp_path / "o.nc")})
    assert not (tmp_path / "o.nc").exists()


def test_seasonalfit_refuses_another_host_before_any_request(plugin, tmp_path):
    with pytest.raises(QgsProcessingException, match="was not contacted"):
        _run(
            "itslive:seasonalfit",
            {"INPUT": "https://example.org/cube.zarr", "OUTPUT": str(tmp_path / "o.nc")},
        )
