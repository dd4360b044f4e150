"""The dock's analysis panel: velocity-layer detection, and strain rates, flux divergence and tracks
run in the background on analytic fields (y-descending EPSG:3413 grids written as NetCDF here).
"""

from __future__ import annotations

import time

import numpy as np
from qgis.core import QgsProject, QgsRasterLayer, QgsWkbTypes
from qgis.PyQt.QtCore import QCoreApplication

from tests.fixtures.velocity_fields import (
    CASES,
    XC,
    XX,
    YC,
    YY,
    X,
    Y,
    affine_field,
    outline_layer_4326,
    read_dataset,
    seed_layer_4326,
    write_geotiff,
    write_velocity,
)


def _wait_for(panel, timeout_s=60.0):
    results = []
    panel.runFinished.connect(lambda ok, message: results.append((ok, message)))
    deadline = time.monotonic() + timeout_s
    while not results and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    assert results, "the background run did not finish"
    return results[0]


def test_analysis_panel_strain_in_background(plugin, iface, tmp_path):
    from itslive_qgis.gui.analysis_panel import AnalysisPanel, velocity_parameters_for_layer

    vx, vy = affine_field(*CASES["extension"][:2])
    source = write_velocity(tmp_path / "clip.nc", vx, vy)
    project = QgsProject.instance()
    layer = QgsRasterLayer(f'NETCDF:"{source}":vx', "clip vx", "gdal")
    other = QgsRasterLayer(
        write_geotiff(tmp_path / "dem.tif", np.zeros((4, 4)), X[0], Y[0], 120.0), "dem", "gdal"
    )
    project.addMapLayers([layer, other])
    iface.setActiveLayer(layer)
    panel = AnalysisPanel(iface, None, project)
    try:
        assert panel.velocity_combo.currentLayer() is layer  # the active layer by default
        assert (
            velocity_parameters_for_layer(other) is None and other in panel.velocity_combo.exceptedLayerList()
        )
        params = panel.strain_parameters()
        assert params["INPUT"] == source and params["OUTPUT"] == str(tmp_path / "clip_strain.nc")
        assert panel.run_strain()
        assert not panel.strain_button.isEnabled()  # busy, the interface is not blocked
        ok, message = _wait_for(panel)
        assert ok, message
        output = tmp_path / "clip_strain.nc"
        assert output.exists() and panel.last_output == output
        assert panel.last_layers and all(project.mapLayer(lyr.id()) is not None for lyr in panel.last_layers)
        assert any(lyr.customProperty("itslive/variable") == "e_eff" for lyr in panel.last_layers)
        assert panel.strain_button.isEnabled() and "clip_strain.nc" in panel.status_label.text()
        # a second run does not overwrite the first output
        assert panel.strain_parameters()["OUTPUT"] == str(tmp_path / "clip_strain_2.nc")
        # a failing run reports the algorithm's message in the label
        crs_free = write_velocity(tmp_path / "nocrs.nc", vx, vy, with_crs=False)
        layer_crs_free = QgsRasterLayer(f'NETCDF:"{crs_free}":vx', "no crs", "gdal")
        project.addMapLayer(layer_crs_free)
        panel.velocity_combo.setLayer(layer_crs_free)
        assert panel.run_strain()
        ok, message = _wait_for(panel)
        assert not ok and "crs" in message.lower(), message
        assert "crs" in panel.status_label.text().lower()
    finally:
        panel.shutdown()
        project.removeMapLayers(list(project.mapLayers()))
        for group in project.layerTreeRoot().findGroups():
            project.layerTreeRoot().removeChildNode(group)


def test_velocity_layer_detection(plugin, tmp_path):
    from qgis.core import QgsMeshLayer

    from itslive_qgis.gui.analysis_panel import velocity_parameters_for_layer

    vx, vy = affine_field(*CASES["extension"][:2])
    source = write_velocity(tmp_path / "v.nc", vx, vy)
    vx_path = write_geotiff(tmp_path / "mosaic_vx.tif", vx, X[0] - 60, Y[0] + 60, 120.0)
    vy_path = write_geotiff(tmp_path / "mosaic_vy.tif", vy, X[0] - 60, Y[0] + 60, 120.0)
    lone = write_geotiff(tmp_path / "lonely_vx.tif", vx, X[0] - 60, Y[0] + 60, 120.0)
    assert velocity_parameters_for_layer(QgsRasterLayer(source, "v")) in (
        {"INPUT": source},
        None,  # GDAL opens a multi-variable NetCDF as subdatasets only
    )
    assert velocity_parameters_for_layer(QgsRasterLayer(f'NETCDF:"{source}":vy', "v")) == {"INPUT": source}
    assert velocity_parameters_for_layer(QgsRasterLayer(vy_path, "vy")) == {"VX": vx_path, "VY": vy_path}
    assert velocity_parameters_for_layer(QgsRasterLayer(lone, "vx")) is None
    mesh = QgsMeshLayer(source, "mesh", "mdal")
    if mesh.isValid():
        assert velocity_parameters_for_layer(mesh) == {"INPUT": source}


def test_analysis_panel_flux_and_tracks_in_background(plugin, iface, tmp_path):
    from itslive_qgis.gui.analysis_panel import AnalysisPanel

    source = write_velocity(tmp_path / "clip.nc", np.full(XX.shape, 300.0), np.full(XX.shape, -150.0))
    h = 500.0 + 0.02 * (XX - XC) - 0.05 * (YY - YC)
    thickness = write_geotiff(tmp_path / "thk.tif", h, X[0] - 60, Y[0] + 60, 120.0)
    project = QgsProject.instance()
    velocity = QgsRasterLayer(f'NETCDF:"{source}":vx', "clip vx", "gdal")
    thk = QgsRasterLayer(thickness, "thickness", "gdal")
    outline = outline_layer_4326(X[6] - 60, X[40] + 60, Y[34] - 60, Y[5] + 60)
    seeds = seed_layer_4326([(XC, YC), (XC + 500.0, YC)])
    project.addMapLayers([velocity, thk, outline, seeds])
    panel = AnalysisPanel(iface, None, project)
    try:
        panel.velocity_combo.setLayer(velocity)
        panel.thickness_combo.setLayer(thk)
        panel.outline_combo.setLayer(outline)
        params = panel.flux_parameters()
        assert params["THICKNESS"] == thickness and params["BOUNDARY"] == outline.id()
        assert panel.run_flux()
        ok, message = _wait_for(panel)
        assert ok, message
        assert panel.last_output == tmp_path / "clip_flux.nc"
        assert any(lyr.customProperty("itslive/variable") == "dynamic_dhdt" for lyr in panel.last_layers)
        flux = read_dataset(panel.last_output)["flux_divergence"].values
        assert np.isnan(flux[0, 0]) and np.isfinite(flux[20, 24])  # outline applied

        panel.seeds_combo.setLayer(seeds)
        panel.start_edit.setText("2018-06-01")
        panel.duration_spin.setValue(100.0)
        assert panel.run_track()
        ok, message = _wait_for(panel)
        assert ok, message
        assert panel.last_output == tmp_path / "clip_tracks.gpkg"
        (tracks,) = panel.last_layers
        assert tracks.featureCount() == 2 and QgsWkbTypes.hasM(tracks.wkbType())
        assert tracks.temporalProperties().isActive()
    finally:
        panel.shutdown()
        project.removeMapLayers(list(project.mapLayers()))
        for group in project.layerTreeRoot().findGroups():
            project.layerTreeRoot().removeChildNode(group)
