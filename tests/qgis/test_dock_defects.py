"""The defects of issue 13, each reproduced through the dock's widgets (headless, pytest-qgis).

The scenario suite (tests/scenarios) checks the same in the real desktop window; these tests
pin each behaviour down where it is cheap to run.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsDateTimeRange,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsTemporalNavigationObject,
)
from qgis.PyQt.QtCore import QItemSelection, QItemSelectionModel

from tests.qgis.conftest import wait_until

CATALOG = "catalog/catalog_v02.json"
SEAM_VIEW = (95.95, 29.91, 95.975, 29.93)  # two UTM cubes (46N and 47N) in EPSG:4326


@pytest.fixture()
def dock(plugin, iface, shared_data):
    QgsProject.instance().clear()  # no dock state (selection) left by an earlier test
    plugin.action.trigger()
    d = plugin.dock
    d.cubes.load_catalog(source=str(shared_data / CATALOG))
    wait_until(lambda: d.cubes.catalog is not None and d.cubes.load_task is None)
    yield d
    QgsProject.instance().clear()


def _show(canvas, crs, rect):
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem(crs))
    canvas.setExtent(QgsRectangle(*rect))


def _idle(cubes):
    return cubes.query_task is None and not cubes.timer.isActive()


def _select_all_rows(table):
    """What ctrl-clicking every row does: one selection of all rows."""
    model = table.model()
    selection = QItemSelection(model.index(0, 0), model.index(model.rowCount() - 1, model.columnCount() - 1))
    table.selectionModel().select(
        selection, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )


def test_defect1_refresh_and_restore_keep_a_multi_cube_selection_by_key(dock, iface, tmp_path):
    canvas = iface.mapCanvas()
    canvas.resize(600, 400)
    _show(canvas, "EPSG:4326", SEAM_VIEW)
    wait_until(lambda: _idle(dock.cubes) and dock.cubes.table.rowCount() == 2)
    _select_all_rows(dock.cubes.table)
    chosen = set(dock.cubes.selected_urls())
    assert len(chosen) == 2 and set(dock.download.selected_cubes) == chosen
    # pan and zoom: the list refreshes, the selection stays exactly the same
    canvas.setExtent(QgsRectangle(95.951, 29.911, 95.976, 29.931))
    wait_until(lambda: _idle(dock.cubes))
    canvas.zoomByFactor(0.8)
    wait_until(lambda: _idle(dock.cubes))
    assert set(dock.cubes.selected_urls()) == chosen
    rows = {i.row() for i in dock.cubes.table.selectedIndexes()}
    assert {dock.cubes.records[r].zarr_url for r in rows} == chosen  # what the table shows
    dock.download.extent_box.setOutputExtentFromCurrent()
    assert set(dock.download.parameters()["CUBES"].split(",")) == chosen
    text = dock.download.cubes_label.text()
    assert "X750000_Y3350000" in text and "X250000_Y3350000" in text  # Download says what it reads
    # pan far away: the selected cubes stay listed and selected
    canvas.setExtent(QgsRectangle(96.5, 29.91, 96.525, 29.93))
    wait_until(lambda: _idle(dock.cubes))
    assert set(dock.cubes.selected_urls()) == chosen
    # the project keeps and restores the whole selection
    path = tmp_path / "state.qgz"
    assert QgsProject.instance().write(str(path))
    dock.cubes.table.clearSelection()
    assert dock.cubes.selected_urls() == []
    assert QgsProject.instance().read(str(path))
    wait_until(lambda: _idle(dock.cubes))
    assert set(dock.cubes.selected_urls()) == chosen


def test_defect3_area_shows_its_crs_follows_the_canvas_and_is_sent_as_drawn(dock, iface):
    panel = dock.download
    assert not panel.extent_box.isValid()  # an empty project: no nonsense numbers, nothing set
    with pytest.raises(ValueError):
        panel.parameters()
    canvas = iface.mapCanvas()
    canvas.resize(600, 400)
    _show(canvas, "EPSG:3413", (-190000, -2250000, -170000, -2235000))
    assert panel.extent_box.outputCrs().authid() == "EPSG:3413"
    assert "EPSG:3413" in panel.area_crs_label.text()
    panel.extent_box.setOutputExtentFromCurrent()  # the "Map Canvas Extent" button
    view = canvas.mapSettings().visibleExtent()
    extent = panel.parameters()["EXTENT"]
    numbers = [float(v) for v in extent.split("[")[0].split(",")]
    assert extent.endswith("[EPSG:3413]")
    assert numbers == pytest.approx(
        [view.xMinimum(), view.xMaximum(), view.yMinimum(), view.yMaximum()], abs=1
    )
    # the canvas moves to another CRS: the area is transformed into it, and says so
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    assert panel.extent_box.outputCrs().authid() == "EPSG:4326"
    assert panel.parameters()["EXTENT"].endswith("[EPSG:4326]")
    assert "EPSG:4326" in panel.area_crs_label.text()


def test_defect7_tile_names_show_the_part_that_differs_in_full(dock, iface):
    canvas = iface.mapCanvas()
    canvas.resize(600, 400)
    _show(canvas, "EPSG:4326", SEAM_VIEW)
    wait_until(lambda: _idle(dock.cubes) and dock.cubes.table.rowCount() == 2)
    table = dock.cubes.table
    shown = sorted(table.item(r, 0).text() for r in range(2))
    assert shown == ["X250000_Y3350000", "X750000_Y3350000"]
    for row in range(2):
        item = table.item(row, 0)
        assert table.fontMetrics().horizontalAdvance(item.text()) < table.columnWidth(0)
        assert "ITS_LIVE_vel_EPSG" in item.toolTip()  # the full name on hover


def test_defect10_no_warnings_when_the_dock_opens_or_looks_up_the_world(plugin, iface, shared_data):
    from itslive_qgis.core.catalog.catalog import load_catalog
    from itslive_qgis.settings import store_config

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plugin.action.trigger()
        catalog = load_catalog(store_config(), source=str(shared_data / CATALOG)).catalog
        catalog.matches((-20037508.0, -20048966.0, 20037508.0, 20048966.0), "EPSG:3857")
        catalog.matches((-180.0, -90.0, 180.0, 90.0), "EPSG:4326")
    ours = [str(w.message) for w in caught if "itslive_qgis" in w.filename or "shapely" in w.filename]
    assert ours == []


def test_defect4_a_result_sets_the_temporal_controller_to_its_steps(qgis_app, tmp_path):
    from itslive_qgis.gui.temporal_setup import show_time_grid
    from itslive_qgis.layers import inspect_result
    from itslive_qgis.layers.temporal import datetime_from_days
    from tests.fixtures.results import NT, START_DAYS, STEP_DAYS, write_inversion

    source = inspect_result(write_inversion(tmp_path / "inv.nc"))

    class Canvas:
        navigation = QgsTemporalNavigationObject()

        def temporalController(self):
            return self.navigation

    canvas, project = Canvas(), QgsProject()
    assert show_time_grid(canvas, project, source)
    nav = canvas.navigation
    assert nav.navigationMode() == Qgis.TemporalNavigationMode.Animated
    assert nav.frameDuration().days() == pytest.approx(STEP_DAYS)
    assert nav.temporalExtents().begin() == datetime_from_days(START_DAYS)  # a step edge
    assert nav.temporalExtents().end() == datetime_from_days(START_DAYS + NT * STEP_DAYS)
    assert nav.totalFrameCount() == NT and nav.currentFrameNumber() == 0
    for frame in range(NT):  # each frame is exactly one step
        frame_range = nav.dateTimeRangeForFrameNumber(frame)
        assert frame_range.begin() == datetime_from_days(START_DAYS + frame * STEP_DAYS)
    assert project.timeSettings().timeStep() == STEP_DAYS
    # a second result on the same grid (its strain rates) keeps the frame the user stepped to
    shown = nav.temporalExtents()  # the desktop's controller widget sets it again, end included
    nav.setTemporalExtents(QgsDateTimeRange(shown.begin(), shown.end(), True, True))
    nav.setCurrentFrameNumber(2)
    assert show_time_grid(canvas, project, inspect_result(write_inversion(tmp_path / "inv2.nc")))
    assert nav.currentFrameNumber() == 2 and nav.totalFrameCount() == NT
    # a result on another grid starts at its own first step
    other = inspect_result(write_inversion(tmp_path / "inv3.nc", nt=NT + 2))
    assert show_time_grid(canvas, project, other)
    assert nav.currentFrameNumber() == 0 and nav.totalFrameCount() == NT + 2


def test_defect6_short_names_dated_legends_and_primary_visible(qgis_app, tmp_path):
    from itslive_qgis.layers import load_result
    from tests.fixtures.results import START_DAYS, write_inversion, write_strain, write_subset

    project = QgsProject()
    try:
        subset = load_result(
            write_subset(tmp_path / "subset.nc", START_DAYS + np.array([5.0, 30.0])), project
        )
        speed = next(layer for layer in subset if layer.customProperty("itslive/variable") == "v")
        root = project.layerTreeRoot()
        header = speed.legend().createLayerTreeModelLegendNodes(root.findLayer(speed.id()))[0]
        text = header.data(0)
        assert "mid_date=" not in text and "Band" not in text
        assert "2020-01-06" in text and "2020-01-31" in text  # the pairs' mid_dates, as dates
        inversion = load_result(write_inversion(tmp_path / "inv.nc"), project)
        v = next(layer for layer in inversion if layer.customProperty("itslive/variable") == "v")
        text = v.legend().createLayerTreeModelLegendNodes(root.findLayer(v.id()))[0].data(0)
        assert "12 days" in text and "2020-01-01" in text
        strain = load_result(write_strain(tmp_path / "strain.nc"), project)
        names = {layer.customProperty("itslive/variable"): layer.name() for layer in strain}
        assert names["e_eff"] == "e_eff (1/yr)"
        assert all(len(name) <= 16 for name in names.values()), names
        e_eff = next(layer for layer in strain if layer.customProperty("itslive/variable") == "e_eff")
        assert e_eff.metadata().title() and e_eff.metadata().title() in e_eff.metadata().abstract()
        visible = [layer.name() for layer in strain if root.findLayer(layer.id()).isVisible()]
        # the Layers panel's model builds the legend nodes (a crash here once: nodes freed by Python)
        import gc

        from qgis.core import QgsLayerTreeModel

        model = QgsLayerTreeModel(root)
        gc.collect()
        node = model.node2index(root.findLayer(speed.id()))
        texts = [model.data(model.index(r, 0, node), 0) for r in range(model.rowCount(node))]
        assert texts and "mid_date=" not in texts[0] and "2020-01-31" in texts[0], texts
        del model
        assert visible == ["e_eff (1/yr)"]  # the group hides nothing else it adds
    finally:
        project.clear()


def test_defect5_thickness_is_empty_and_offers_no_velocity_layer(plugin, iface, tmp_path):
    from itslive_qgis.gui.analysis_panel import AnalysisPanel
    from tests.fixtures.velocity_fields import CASES, X, Y, affine_field, write_geotiff, write_velocity

    vx, vy = affine_field(*CASES["extension"][:2])
    source = write_velocity(tmp_path / "clip.nc", vx, vy)
    project = QgsProject.instance()
    velocity = QgsRasterLayer(f'NETCDF:"{source}":v', "v - land_ice_surface_velocity (meter/year)", "gdal")
    velocity.setCustomProperty("itslive/kind", "inversion")
    thickness = QgsRasterLayer(
        write_geotiff(tmp_path / "thickness.tif", np.full((4, 4), 500.0), X[0], Y[0], 120.0), "H", "gdal"
    )
    project.addMapLayers([velocity, thickness])
    panel = AnalysisPanel(iface, None, project)
    try:
        assert panel.thickness_combo.currentLayer() is None  # empty by default
        assert velocity in panel.thickness_combo.exceptedLayerList()
        assert thickness not in panel.thickness_combo.exceptedLayerList()
    finally:
        panel.shutdown()
        project.removeAllMapLayers()
