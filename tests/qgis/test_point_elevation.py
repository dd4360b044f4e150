"""The point panel's second plot: ICESat-2 heights near the clicked point, on the velocity time axis."""

from __future__ import annotations

import numpy as np
import pytest
from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QDateTime, Qt

from tests.fixtures import atl06 as gen
from tests.qgis.conftest import wait_until

TRUNK_3413 = (-178507.5, -2280402.3)


@pytest.fixture()
def panel(mirror, iface, tmp_path):
    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.gui.timeseries_panel import TimeSeriesPanel

    config = StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=tmp_path / "cache")
    p = TimeSeriesPanel(iface, config_factory=lambda: config)
    p.resize(800, 900)
    p.show()
    p.open_url = lambda url: None
    yield p
    p.shutdown()
    p.deleteLater()


def _time_axis_columns(panel, plot):
    """Left and right panel columns (px) of the velocity axes and of the heights axes, once rendered."""
    wait_until(lambda: not panel.plot.render_pending() and not plot.busy())
    cols = []
    for canvas, ax in ((panel.plot.canvas, panel.plot.ax), (plot.canvas, plot.ax)):
        box = ax.get_position()  # figure fractions of the image on screen (copied back from the render)
        left = canvas.mapTo(panel, canvas.rect().topLeft()).x()
        cols.append((left + box.x0 * canvas.width(), left + box.x1 * canvas.width()))
    return cols


def test_heights_under_the_velocity_on_the_same_time_axis(plugin, panel, tmp_path, output_dir):
    import processing

    from itslive_qgis.core.geo import transform_xy

    folder = tmp_path / "atl06"
    gen.write_granules(folder, seed=11)
    out = processing.run("itslive:icesat2heights", {"INPUT": str(folder), "OUTPUT": str(tmp_path / "h.gpkg")})
    layer = QgsVectorLayer(out["OUTPUT"], "ICESat-2 heights")
    QgsProject.instance().addMapLayer(layer)
    try:
        loaded = []
        panel.seriesLoaded.connect(loaded.append)
        panel.pick_point(QgsPointXY(*TRUNK_3413), QgsCoordinateReferenceSystem("EPSG:3413"))
        wait_until(lambda: loaded and not panel.is_busy())
        plot = panel.elevation
        assert plot is not None and len(plot.counts) == len(panel.points)
        # independent count: segments of the layer within 500 m (EPSG:3413 distance, box test as the plot)
        feats = list(layer.getFeatures())
        lon = np.array([f.geometry().asPoint().x() for f in feats])
        lat = np.array([f.geometry().asPoint().y() for f in feats])
        x, y = transform_xy(lon, lat, 4326, 3413)
        near = (np.abs(x - TRUNK_3413[0]) < 480) & (np.abs(y - TRUNK_3413[1]) < 480)
        assert near.sum() > 50
        assert plot.counts[0] >= near.sum()  # the plot's lon/lat box holds at least the 3413 box
        assert plot.ax.get_xlim() == panel.plot.ax.get_xlim()
        h = np.concatenate(
            [c.get_offsets()[:, 1] for c in plot.ax.collections if hasattr(c, "get_offsets")] or [[]]
        )
        lines = [ln.get_ydata() for ln in plot.ax.lines if len(ln.get_ydata())]
        heights = np.concatenate(lines) if lines else h
        truth = gen.true_height(TRUNK_3413[0], TRUNK_3413[1], np.datetime64("2020-01-01"))
        assert np.all(np.abs(heights - truth) < 30)  # the surface here, with its slope over 500 m
        panel.grab().save(str(output_dir / "point_panel_with_icesat2.png"))
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_height_change_series_at_the_clicked_cell_on_the_same_time_axis(plugin, panel, tmp_path, output_dir):
    """A configured ATL15 file and a loaded elevationchange (time, y, x) output: dh at the cell vs truth."""
    from qgis.core import QgsRasterLayer

    from itslive_qgis.core.elevation import GridSpec
    from itslive_qgis.core.elevation.dhdt import dhdt_series_from_gridded, write_dhdt
    from itslive_qgis.gui.point_elevation import SOURCES_ENTRY
    from tests.fixtures.height_change import ATL15_STEP_DAYS, write_atl15

    atl15 = write_atl15(tmp_path / "ATL15_GL_0314_01km_002_01.nc")
    grid = GridSpec.from_extent(-181000.0, -2283000.0, -176000.0, -2278000.0, 500.0, "EPSG:3413")
    own = write_dhdt(tmp_path / "dh.nc", grid, dhdt_series_from_gridded(atl15, grid), str(atl15))
    project = QgsProject.instance()
    project.writeEntry(*SOURCES_ENTRY, str(atl15))
    layer = QgsRasterLayer(f'NETCDF:"{own}":dh', "dh per epoch")
    assert layer.isValid()
    project.addMapLayer(layer)
    try:
        loaded = []
        panel.seriesLoaded.connect(loaded.append)
        panel.pick_point(QgsPointXY(*TRUNK_3413), QgsCoordinateReferenceSystem("EPSG:3413"))
        wait_until(lambda: loaded and not panel.is_busy())
        plot = panel.elevation
        assert plot.dh_ax is not None and plot.dh_counts[0] == 2 * 12  # both sources, 12 epochs each
        assert plot.dh_ax.get_xlim() == plot.ax.get_xlim() == panel.plot.ax.get_xlim()
        epochs = 273.0 + ATL15_STEP_DAYS * np.arange(12)  # days since 2018-01-01 (the generator's)
        days = (np.datetime64("2018-01-01") - np.datetime64("1970-01-01")).astype(float) + epochs
        for cell_x, cell_y, line in (
            (-178750.0, -2280250.0, plot.dh_ax.lines[0]),  # the loaded output: 500 m cell (layers first)
            (-179000.0, -2280000.0, plot.dh_ax.lines[1]),  # the configured ATL15: its 1 km cell
        ):
            np.testing.assert_allclose(line.get_xdata(), days, atol=1e-6)
            truth = gen.true_dhdt(cell_x, cell_y) * (epochs - epochs[0]) / 365.25
            err = np.asarray(line.get_ydata()) - truth
            assert np.abs(err).max() < 0.2, err  # the generator's noise is 0.05 m
        assert np.ptp(truth) > 0.5  # the glacier really thins here over the three years
        # a date is at the same screen column in both plots (they were 29 px apart at the left edge,
        # and the right axis's labels narrowed the heights' axes: dates drifted by months)
        (v0, v1), (h0, h1) = _time_axis_columns(panel, plot)
        assert abs(v0 - h0) <= 2 and abs(v1 - h1) <= 2, ((v0, v1), (h0, h1))
        panel.grab().save(str(output_dir / "point_panel_with_height_change.png"))
    finally:
        project.removeEntry(*SOURCES_ENTRY)
        project.removeMapLayer(layer.id())


def test_no_icesat2_panel_without_heights_and_a_sentence_when_none_is_near(plugin, panel):
    """No ICESat-2 layer: the heights plot is hidden (no empty '0 segment(s)' axis); a layer with no
    segment near the point: a sentence instead of an empty axis."""
    from qgis.core import QgsFeature, QgsGeometry

    from itslive_qgis.gui.point_elevation import draw_elevation

    assert not panel.elevation.canvas.isVisible()  # before any click
    loaded = []
    panel.seriesLoaded.connect(loaded.append)
    panel.pick_point(QgsPointXY(*TRUNK_3413), QgsCoordinateReferenceSystem("EPSG:3413"))
    wait_until(lambda: loaded and not panel.is_busy())
    plot = panel.elevation
    assert plot.counts == [0] * len(panel.points) and not plot.canvas.isVisible()
    assert panel.plot.canvas.isVisible()
    far = QgsVectorLayer("Point?crs=EPSG:3413&field=h_li:double&field=time:datetime", "far heights", "memory")
    feature = QgsFeature(far.fields())
    feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(TRUNK_3413[0] + 20_000.0, TRUNK_3413[1])))
    feature.setAttributes([500.0, QDateTime(2020, 1, 1, 0, 0, 0, Qt.TimeSpec.UTC)])
    far.dataProvider().addFeatures([feature])
    QgsProject.instance().addMapLayer(far)
    try:
        draw_elevation(panel)
        wait_until(lambda: not panel.is_busy())
        assert plot.counts == [0] * len(panel.points)  # 20 km away: nothing within 500 m
        assert plot.canvas.isVisible() and not plot.ax.axison
        assert any("500 m" in text.get_text() for text in plot.ax.texts)
    finally:
        QgsProject.instance().removeMapLayer(far.id())
