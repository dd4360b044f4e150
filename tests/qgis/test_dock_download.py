"""The dock's download and inversion forms run the same algorithms in the background and load the results."""

from __future__ import annotations

from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRectangle

from tests.qgis.conftest import wait_until

AREA = QgsRectangle(-182000, -2281500, -172500, -2278500)


def _dock(plugin):
    QgsProject.instance().clear()  # no cube selection restored from an earlier test's project
    plugin.action.trigger()
    dock = plugin.dock
    dock.cubes.cancel_loading()
    return dock


def _fill(panel, tmp_path, name="subset.nc"):
    panel.extent_box.setOutputCrs(QgsCoordinateReferenceSystem("EPSG:3413"))
    panel.extent_box.setOutputExtentFromUser(AREA, QgsCoordinateReferenceSystem("EPSG:3413"))
    panel.start_date.setDate(panel.start_date.date().fromString("2019-01-01", "yyyy-MM-dd"))
    panel.end_date.setDate(panel.end_date.date().fromString("2019-12-31", "yyyy-MM-dd"))
    panel.output.setFilePath(str(tmp_path / name))


def test_download_estimate_then_download_then_invert(plugin, mirror, tmp_path):
    dock = _dock(plugin)
    panel = dock.download
    _fill(panel, tmp_path)
    params = panel.parameters()
    assert params["EXTENT"].endswith("[EPSG:3413]") and params["START_DATE"] == "2019-01-01"

    assert panel.estimate()
    wait_until(lambda: panel.estimate_task is None)
    assert panel.last_plan is not None, panel.status_label.text()
    assert panel.last_plan.n_chunks > 0 and panel.last_plan.n_pairs > 0
    assert "chunks" in panel.status_label.text()

    before = len(QgsProject.instance().mapLayers())
    finished = []
    panel.runFinished.connect(lambda ok, msg: finished.append((ok, msg)))
    assert panel.download()
    wait_until(lambda: finished)
    assert finished[0][0], finished[0][1]
    assert (tmp_path / "subset.nc").exists()
    assert len(QgsProject.instance().mapLayers()) > before
    assert dock.invert.input.filePath() == str(tmp_path / "subset.nc")

    dock.invert.interval.setValue(30)
    dock.invert.output.setFilePath(str(tmp_path / "inv.nc"))
    done = []
    dock.invert.runFinished.connect(lambda ok, msg: done.append((ok, msg)))
    assert dock.invert.invert()
    wait_until(lambda: done)
    assert done[0][0], done[0][1]
    assert (tmp_path / "inv.nc").exists()
    names = [layer.name() for layer in dock.invert.last_layers]
    assert any(n.startswith("v") for n in names)


def test_cancelled_download_leaves_the_project_and_the_folder_as_they_were(plugin, mirror, tmp_path):
    dock = _dock(plugin)
    panel = dock.download
    folder = tmp_path / "field_data"  # the user's output folder (the plugin's cache lives elsewhere)
    folder.mkdir()
    _fill(panel, folder, "cancelled.nc")
    panel.start_date.setDate(panel.start_date.date().fromString("2014-01-01", "yyyy-MM-dd"))
    layers_before = set(QgsProject.instance().mapLayers())
    finished = []
    panel.runFinished.connect(lambda ok, msg: finished.append((ok, msg)))
    assert panel.download()
    panel.cancel()
    wait_until(lambda: finished)
    ok, message = finished[0]
    assert not ok and "ancel" in message, message
    assert not (folder / "cancelled.nc").exists()
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == []
    assert set(QgsProject.instance().mapLayers()) == layers_before


def test_bad_form_input_says_what_to_fix(plugin, tmp_path):
    dock = _dock(plugin)
    assert not dock.invert.invert()
    assert "subset" in dock.invert.status_label.text().lower()


def test_form_options_are_saved_with_the_project(plugin, tmp_path):
    dock = _dock(plugin)
    panel = dock.download
    panel.satellites.setText("8,9")
    panel.min_dt.setValue(5)
    panel.max_dt.setValue(60)
    panel.start_date.setDate(panel.start_date.date().fromString("2017-03-01", "yyyy-MM-dd"))
    dock.invert.interval.setValue(24)
    dock.invert.robust.setChecked(True)
    dock.tabs.setCurrentWidget(dock.invert)
    path = tmp_path / "state.qgz"
    assert QgsProject.instance().write(str(path))
    panel.satellites.setText("")
    panel.max_dt.setValue(0)
    dock.invert.interval.setValue(12)
    dock.invert.robust.setChecked(False)
    dock.tabs.setCurrentIndex(0)
    assert QgsProject.instance().read(str(path))
    assert panel.satellites.text() == "8,9"
    assert (panel.min_dt.value(), panel.max_dt.value()) == (5, 60)
    assert panel.start_date.date().toString("yyyy-MM-dd") == "2017-03-01"
    assert dock.invert.interval.value() == 24 and dock.invert.robust.isChecked()
    assert dock.tabs.currentWidget() is dock.invert
