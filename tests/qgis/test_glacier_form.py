"""The Glaciers tab's run form: itslive:profile and itslive:glacierstats run as Processing tasks from the
dock (QgsProcessingAlgRunnerTask through gui.runner), their results loaded in the tab, checked against
an analytic field (tests/fixtures/velocity_fields.py): a linear extension field scaled by 1, 3, 2 at
three dates."""

from __future__ import annotations

import numpy as np
import pytest
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer

from tests.fixtures.velocity_fields import CASES, XC, YC, X, affine_field, write_velocity
from tests.qgis.conftest import wait_until

TIMES = np.array(["2020-01-01", "2020-02-15", "2020-01-20"], dtype="datetime64[ns]")
FACTOR = np.array([1.0, 3.0, 2.0])


@pytest.fixture()
def panel(iface):
    from itslive_qgis.gui.glacier_panel import GlacierPanel

    p = GlacierPanel(iface)
    p.resize(800, 900)
    p.show()
    yield p
    p.shutdown()
    p.deleteLater()


@pytest.fixture()
def field(tmp_path):
    v0, grad, _ = CASES["extension"]
    vx, vy = affine_field(v0, grad)
    f = FACTOR[:, None, None]
    return write_velocity(tmp_path / "v.nc", vx * f, vy * f, times=TIMES), v0, grad


def _layer(kind, points, name):
    layer = QgsVectorLayer(f"{kind}?crs=EPSG:3413&field=name:string", name, "memory")
    feature = QgsFeature(layer.fields())
    pts = [QgsPointXY(x, y) for x, y in points]
    geometry = QgsGeometry.fromPolylineXY(pts) if kind == "LineString" else QgsGeometry.fromPolygonXY([pts])
    feature.setGeometry(geometry)
    feature.setAttribute("name", name)
    layer.dataProvider().addFeatures([feature])
    QgsProject.instance().addMapLayer(layer)
    return layer


def test_run_profile_from_the_tab_draws_the_analytic_profile(plugin, panel, field, tmp_path):
    source, v0, grad = field
    line = _layer("LineString", [(X[6] + 10.0, YC), (X[40], YC)], "row")
    form = panel.run_form
    form.input_edit.setText(str(source))
    form.line_combo.setLayer(line)
    run = form.run_profile(tmp_path / "profile.nc")
    assert run is not None and panel.is_busy()
    wait_until(lambda: panel.curves is not None and not panel.is_busy(), timeout_s=180)
    prof = panel.profile
    assert prof["v_along"].dims == ("time", "distance")
    truth = v0[0] + grad[0][0] * (prof["x"].values - XC)  # a line due east: v_along = vx
    for k, f in enumerate(np.sort(FACTOR)):  # sorted by time: 1 (Jan 1), 2 (Jan 20), 3 (Feb 15)
        np.testing.assert_allclose(prof["v_along"].values[k], f * truth, atol=5e-3)
    c = panel.curves  # one curve per year: the 2020 mean of the factors (2) times the field
    assert c.labels == ["2020"]
    np.testing.assert_allclose(c.values[0], 2.0 * truth, atol=5e-3)
    assert (tmp_path / "profile.nc").exists()
    QgsProject.instance().removeMapLayer(line.id())


def test_run_glacier_statistics_from_the_tab_draws_the_analytic_means(plugin, panel, field, tmp_path):
    source, v0, _ = field
    hx, hy = 1500.0, 1200.0  # a rectangle centred on a cell centre: the linear field averages to v0
    square = [(XC - hx, YC - hy), (XC + hx, YC - hy), (XC + hx, YC + hy), (XC - hx, YC + hy)]
    outline = _layer("Polygon", square, "glacier")
    form = panel.run_form
    form.input_edit.setText(str(source))
    form.outline_combo.setLayer(outline)
    form.run_stats(tmp_path / "stats.csv")
    wait_until(lambda: panel.stats is not None and not panel.is_busy(), timeout_s=180)
    table = panel.stats.sort_values("time")
    assert len(table) == 3
    np.testing.assert_allclose(table["observed_fraction"].values, 1.0, atol=1e-6)
    expected = np.sort(FACTOR) * np.hypot(*v0)  # the mean of the components, then the speed
    np.testing.assert_allclose(table["v_mean"].values, expected, rtol=1e-4)
    assert panel.stats_figure is not None
    QgsProject.instance().removeMapLayer(outline.id())


def test_the_form_says_what_is_missing(panel):
    form = panel.run_form
    form.input_edit.setText("")
    assert form.run_profile() is None and "velocity dataset" in panel.status.text()
    form.input_edit.setText("/nowhere/v.nc")
    form.outline_combo.setLayer(None)
    assert form.run_stats() is None and "outline" in panel.status.text()
    assert not panel.is_busy()


def test_a_failed_run_is_reported_in_the_tab(plugin, panel, field, tmp_path):
    source, _, _ = field
    far = _layer("LineString", [(XC + 1e6, YC), (XC + 1e6 + 5000.0, YC)], "far away")
    form = panel.run_form
    form.input_edit.setText(str(source))
    form.line_combo.setLayer(far)
    form.run_profile(tmp_path / "p.nc")
    wait_until(lambda: not panel.is_busy(), timeout_s=180)
    assert "itslive:profile failed" in panel.status.text() and panel.profile is None
    assert not (tmp_path / "p.nc").exists()
    QgsProject.instance().removeMapLayer(far.id())


def test_a_profile_read_does_not_wait_behind_tasks_that_hold_every_task_thread(panel, field, tmp_path):
    """The task manager runs at most one task per core (2 here), FIFO: tasks that never end (a catalog
    load on a stalled network) left a background read queued for minutes. The read now happens on the
    main thread after QUEUE_GRACE_MS, and says why."""
    import threading
    import time

    from itslive_qgis.core.profile import profile_to_file
    from itslive_qgis.gui.glacier_panel import QUEUE_GRACE_MS
    from itslive_qgis.tasks.base import CallableTask, start

    source, v0, grad = field
    path = profile_to_file(str(source), tmp_path / "p.nc", [(X[6] + 10.0, YC), (X[40], YC)], 120.0)
    release, blockers = threading.Event(), []

    def block(_progress, started):
        started.set()
        release.wait(120)

    try:
        while len(blockers) < 64:  # fill every task thread: until one more blocker cannot start
            started = threading.Event()
            blockers.append(start(CallableTask("blocker", lambda p, s=started: block(p, s))))
            t0 = time.time()
            while not started.is_set() and time.time() - t0 < 1.0:
                from qgis.core import QgsApplication

                QgsApplication.processEvents()
                time.sleep(0.01)
            if not started.is_set():
                break
        assert not started.is_set(), "the task manager started 64 blocking tasks"
        t0 = time.time()
        panel.load_profile(path)
        wait_until(lambda: panel.profile is not None, timeout_s=30)
        waited = time.time() - t0
        assert waited < QUEUE_GRACE_MS / 1000 + 10 and not release.is_set()  # read while the blockers hold on
        text = panel.status.text()
        assert "background queue is busy" in text and "blocker" in text and text.startswith("Profile")
        print(f"\n{len(blockers) - 1} task threads held; the read came after {waited:.1f} s")
        truth = v0[0] + grad[0][0] * (panel.profile["x"].values - XC)
        np.testing.assert_allclose(panel.profile["v_along"].values[0], truth, atol=5e-3)
        assert panel.curves is not None and not panel.is_busy()
    finally:
        release.set()
    wait_until(lambda: all(_ended(b) for b in blockers), timeout_s=60)


def _ended(task) -> bool:
    try:
        return task.status() in (task.TaskStatus.Complete, task.TaskStatus.Terminated)
    except RuntimeError:  # deleted by the task manager: it ended
        return True
