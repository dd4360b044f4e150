"""The Analysis tab's "Seasonal fit" action on a loaded inversion result and subset: itslive:seasonalfit
runs in the background and its styled layers are loaded; the values equal core.seasonal's own fit of the
same file, and the amplitude and phase are near the generator's truth."""

from __future__ import annotations

import time

import numpy as np
import pytest
from qgis.core import QgsProject, QgsRasterLayer, QgsSingleBandPseudoColorRenderer
from qgis.PyQt.QtCore import QCoreApplication

from tests.fixtures.composites import composite_truth
from tests.fixtures.truth import default_tiles

TILE = default_tiles()[0]


def _wait_for(panel, timeout_s=180.0):
    results = []
    panel.runFinished.connect(lambda ok, message: results.append((ok, message)))
    deadline = time.monotonic() + timeout_s
    while not results and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    assert results, "the background run did not finish"
    return results[0]


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """A 5 x 5 block of the fixture glacier's trunk: its pairs (.nc subset) and their inversion result."""
    from itslive_qgis.core.cube import open_pairs
    from itslive_qgis.core.inversion import invert_dataset, write_netcdf
    from itslive_qgis.core.io import cf
    from itslive_qgis.core.seasonal import seasonal_dataset
    from tests.fixtures.generator import write_cube
    from tests.fixtures.pairs import synthesize_pairs

    root = tmp_path_factory.mktemp("seasonal_action")
    cube = write_cube(root / "cube.zarr", TILE, pairs=synthesize_pairs(TILE))
    ix = TILE.nx // 2
    iy = int(np.argmax(composite_truth(TILE)["v_amp"][:, ix]))
    block = open_pairs(str(cube)).isel(y=slice(iy - 2, iy + 3), x=slice(ix - 2, ix + 3)).load()
    inversion = write_netcdf(invert_dataset(block, interval_days=12.0, lam=0.0, robust=True), root / "inv.nc")
    subset = root / "subset.nc"  # the pairs as a subset file (io.cf's on-disk layout: pair axis)
    disk = cf.pairs_to_disk(cf.finalize(block, "itslive:downloadsubset", sources=[str(cube)]))
    disk.to_netcdf(subset, encoding=cf.encoding(disk))
    # core's own fit of each file, computed before QGIS opens them (GDAL then holds the HDF5 file open in
    # this process, and a second netCDF4 open of the subset fails with "HDF error" in the main thread)
    expected = {
        k: seasonal_dataset(str(p), semiannual=True)
        for k, p in (("inversion", inversion), ("subset", subset))
    }
    return {
        "expected": expected,
        "inversion": inversion,
        "subset": subset,
        "rows": slice(iy - 2, iy + 3),
        "cols": slice(ix - 2, ix + 3),
    }


@pytest.mark.parametrize(
    "kind,previous", [("inversion", "itslive:invert"), ("subset", "itslive:downloadsubset")]
)
def test_seasonal_fit_action_on_a_loaded_result(plugin, iface, sources, kind, previous):
    import xarray as xr

    from itslive_qgis.gui.analysis_panel import AnalysisPanel

    source = sources[kind]
    project = QgsProject.instance()
    layer = QgsRasterLayer(f'NETCDF:"{source}":vx', f"{kind} vx", "gdal")
    assert layer.isValid()
    project.addMapLayer(layer)
    iface.setActiveLayer(layer)
    panel = AnalysisPanel(iface, None, project)
    try:
        panel.velocity_combo.setLayer(layer)
        # the truth has a semi-annual term (0.3 of the annual): without it the annual amplitude is ~14 % off
        panel.semiannual_check.setChecked(True)
        panel.seasonal_button.click()  # the dock's button: the run starts in the background
        assert not panel.seasonal_button.isEnabled()  # busy, the interface is not blocked
        ok, message = _wait_for(panel)
        assert ok, message
        output = source.with_name(source.stem + "_seasonal.nc")
        assert panel.last_output == output and output.exists()
        names = [lyr.name() for lyr in panel.last_layers]
        assert all(project.mapLayer(lyr.id()) is not None for lyr in panel.last_layers), names
        phase = next(lyr for lyr in panel.last_layers if lyr.name().startswith("v_phase"))
        renderer = phase.renderer()
        assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)  # the composite's cyclic month ramp
        labels = [i.label for i in renderer.shader().rasterShaderFunction().colorRampItemList()]
        assert labels[:2] == ["Jan", "Feb"], labels
        with xr.open_dataset(output) as ds:
            got = ds.load()
        # QGIS reads the CRS and extent xarray reads (io.cf's grid mapping and GeoTransform)
        from qgis.core import QgsCoordinateReferenceSystem

        assert phase.crs() == QgsCoordinateReferenceSystem("EPSG:3413")
        x, y, ext = got["x"].values, got["y"].values, phase.extent()
        assert (ext.xMinimum(), ext.xMaximum()) == pytest.approx((x.min() - 60, x.max() + 60))
        assert (ext.yMinimum(), ext.yMaximum()) == pytest.approx((y.min() - 60, y.max() + 60))
        expected = sources["expected"][kind]
        for name in ("v0", "v_amp", "v_phase", "dv_dt", "v_amp2"):
            np.testing.assert_allclose(got[name].values, expected[name].values, rtol=1e-6)
        truth = {
            k: v[sources["rows"], sources["cols"]] for k, v in composite_truth(TILE).items() if v.ndim == 2
        }
        rel = np.abs(got["v_amp"].values - truth["v_amp"]) / truth["v_amp"]
        dphase = np.abs(got["v_phase"].values - truth["v_phase"])
        print(
            f"dock seasonal fit of the {kind} vs truth: amplitude {rel.max():.1%}, phase {dphase.max():.1f} d"
        )
        assert rel.max() < 0.1 and dphase.max() < 5.0
        assert got.attrs["algorithm"] == "itslive:seasonalfit" and previous in got.attrs["history"]
        assert panel.seasonal_button.isEnabled()
    finally:
        project.removeMapLayers([lyr.id() for lyr in panel.last_layers or []] + [layer.id()])
        panel.shutdown()
        panel.deleteLater()


def test_seasonal_fit_action_refuses_a_geotiff_pair(plugin, iface, tmp_path):
    from itslive_qgis.gui.analysis_panel import AnalysisPanel
    from tests.fixtures.velocity_fields import X, Y, write_geotiff

    vx = write_geotiff(tmp_path / "v_vx.tif", np.ones((4, 4)), X[0], Y[0], 120.0)
    write_geotiff(tmp_path / "v_vy.tif", np.ones((4, 4)), X[0], Y[0], 120.0)
    project = QgsProject.instance()
    layer = QgsRasterLayer(str(vx), "v_vx", "gdal")
    project.addMapLayer(layer)
    panel = AnalysisPanel(iface, None, project)
    try:
        panel.velocity_combo.setLayer(layer)
        from itslive_qgis.gui.seasonal_action import run_seasonal_fit

        assert run_seasonal_fit(panel) is False
        assert "not a GeoTIFF pair" in panel.status_label.text()
        assert not list(tmp_path.glob("*_seasonal.nc"))
    finally:
        project.removeMapLayer(layer.id())
        panel.shutdown()
        panel.deleteLater()
