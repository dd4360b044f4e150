"""The pair behind a bar of the point plot: right click -> load its granule / show its browse image,
double click -> load it (and not open its URL, which a single click does). Truth: the generator's
pairs of tile GRE_A (the granule holds the cube's values of that pair) and the browse PNG the
mirror serves."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent
from qgis.core import QgsPointXY, QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt.QtCore import QObject, QUrl, pyqtSlot
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import QApplication, QLabel

from itslive_qgis.layers import render_png
from tests.fixtures.granule_files import MARGIN, pick_pairs
from tests.fixtures.pairs import synthesize_pairs
from tests.qgis.conftest import wait_until
from tests.qgis.test_timeseries_panel import TILE_A, TRUNK_3413, _click, panel  # noqa: F401 (fixture)


def _groups():
    return [
        g for g in QgsProject.instance().layerTreeRoot().children() if g.name().startswith("ITS_LIVE pair")
    ]


@pytest.mark.mirror
def test_context_menu_and_double_click_load_the_pair_granule(panel, iface, mirror, output_dir):  # noqa: F811
    pairs = synthesize_pairs(TILE_A)
    picked = {str(pairs.meta["granule_url"][k]): k for k in pick_pairs(pairs)}
    panel.start_pick()
    _click(iface.mapCanvas(), panel.tool, *TRUNK_3413)
    wait_until(lambda: panel.points and not panel.is_busy())
    plot = panel.plot
    plot.canvas.draw()
    number = next(i for i, e in enumerate(plot.entries) if e.series.epsg == 3413)
    series = plot.entries[number].series
    row, col = series.row, series.col
    with_granule = [
        i for i, u in enumerate(series.granule_url) if str(u) in picked and np.isfinite(series.v[i])
    ]
    assert len(with_granule) >= 2, "the mirror's granules are pairs seen at the trunk point"
    for start in _groups():
        QgsProject.instance().layerTreeRoot().removeChildNode(start)

    # right click on the first pair's bar: the menu; "Load" reads the granule in a task
    pair = with_granule[0]
    url = str(series.granule_url[pair])
    x, y = plot.display_xy(number, pair)
    assert panel.granules.url_at(MouseEvent("button_press_event", plot.canvas, x, y)) == url
    plot.canvas.callbacks.process(
        "button_press_event", MouseEvent("button_press_event", plot.canvas, x, y, button=3)
    )
    menu = panel.granules.menu
    names = [a.objectName() for a in menu.actions()]
    assert names == ["itslive_ts_load_granule", "itslive_ts_browse_granule", "itslive_ts_open_granule"]
    menu.actions()[0].trigger()
    wait_until(lambda: len(_groups()) == 1, 60)
    group = _groups()[0]
    layers = [node.layer() for node in group.findLayers()]
    speed = next(layer for layer in layers if isinstance(layer, QgsRasterLayer))
    assert any(isinstance(layer, QgsVectorLayer) and layer.featureCount() > 100 for layer in layers)
    k = picked[url]
    cube_v = float(pairs.v[k][row, col])
    value, ok = speed.dataProvider().sample(QgsPointXY(TILE_A.x[col], TILE_A.y[row]), 1)
    assert ok and value == cube_v == pytest.approx(series.v[pair])  # the bar, the cube and the granule agree
    render_png(layers, None, "EPSG:3413", (660, 660), None, output_dir / "point_granule_loaded.png")

    # "Show its browse image": the PNG beside the granule, in a window
    menu.actions()[1].trigger()
    wait_until(lambda: panel.granules.browse_windows, 60)
    window = panel.granules.browse_windows[-1]
    image = window.findChild(QLabel, "itslive_granule_browse_image").pixmap()
    assert (image.width(), image.height()) == (TILE_A.nx + 2 * MARGIN, TILE_A.ny + 2 * MARGIN)
    window.grab().save(str(output_dir / "point_granule_browse_window.png"))
    menu.actions()[2].trigger()
    assert panel.opened[-1] == url

    # a double click on another pair's bar loads its granule and opens no browser: the panel's
    # real open_url (QDesktopServices.openUrl), with Qt's handler for https catching what it opens
    other = with_granule[1]
    x, y = plot.display_xy(number, other)
    del panel.open_url  # the fixture's stand-in: back to the panel's own method
    browser = _UrlCatcher()
    QDesktopServices.setUrlHandler("https", browser, "open")
    try:
        for dblclick in (False, True):  # what Qt sends for a double click: press, release, press, release
            press = MouseEvent("button_press_event", plot.canvas, x, y, button=1, dblclick=dblclick)
            plot.canvas.callbacks.process("button_press_event", press)
            release = MouseEvent("button_release_event", plot.canvas, x, y, button=1)
            plot.canvas.callbacks.process("button_release_event", release)
        wait_until(lambda: len(_groups()) == 2, 60)
        assert str(series.granule_url[other]).rsplit("/", 1)[-1] in _groups()[0].name()
        _wait_s(3 * QApplication.doubleClickInterval() / 1000)
        assert browser.urls == []  # the double click's first press did not open the granule URL
        # a single click still opens it, once the double-click interval has passed
        plot.canvas.draw()  # the status line may have resized the canvas: the bar's pixel again
        x, y = plot.display_xy(number, other)
        press = MouseEvent("button_press_event", plot.canvas, x, y, button=1)
        plot.canvas.callbacks.process("button_press_event", press)
        assert browser.urls == []
        wait_until(lambda: browser.urls, 10)
        assert browser.urls == [panel.granules.url_at(press)]  # the bar under the click (bars overlap)
        assert len(_groups()) == 2  # and loads nothing
    finally:
        QDesktopServices.unsetUrlHandler("https")
    for start in _groups():
        QgsProject.instance().layerTreeRoot().removeChildNode(start)


class _UrlCatcher(QObject):
    """Receives what QDesktopServices.openUrl opens for a scheme (Qt's setUrlHandler)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    @pyqtSlot(QUrl)
    def open(self, url):
        self.urls.append(url.toString())


def _wait_s(seconds: float):
    import time

    end = time.time() + seconds
    wait_until(lambda: time.time() > end, seconds + 5)


@pytest.mark.mirror
def test_exported_point_plot_has_a_title_and_the_citation(panel, iface, mirror, output_dir):  # noqa: F811
    from itslive_qgis.gui.point_figure import export_title, figure_labels
    from itslive_qgis.layers.layout import CITATION

    panel.start_pick()
    _click(iface.mapCanvas(), panel.tool, *TRUNK_3413)
    wait_until(lambda: panel.points and not panel.is_busy())
    plot = panel.plot
    title = export_title([e.label for e in plot.entries], "Speed")
    assert title == f"Speed (m/yr) from ITS_LIVE image pairs at {len(panel.points)} points"
    with figure_labels(plot.figure, title) as (title_text, citation_text):
        plot.figure.canvas.draw()
        renderer = plot.figure.canvas.get_renderer()
        boxes = {
            "title": title_text.get_window_extent(renderer),
            "citation": citation_text.get_window_extent(renderer),
            "axes": plot.ax.get_tightbbox(renderer),
            "legend": plot.ax.get_legend().get_window_extent(renderer),
        }
        assert citation_text.get_text() == CITATION and "Gardner" in CITATION
        for text in ("title", "citation"):
            for other in ("axes", "legend"):
                assert not boxes[text].overlaps(boxes[other]), (text, other)
        assert boxes["title"].y0 > boxes["axes"].y1 - 1 and boxes["citation"].y1 < boxes["legend"].y0 + 1
    assert plot.figure.texts == []  # the figure on screen is as it was
    png = panel.export_png(output_dir / "point_plot_with_title_and_citation.png")
    panel.clear()
    panel.start_pick()
    _click(iface.mapCanvas(), panel.tool, TILE_A.x[10], TILE_A.y[45])  # GRE_A only
    wait_until(lambda: panel.points and not panel.is_busy())
    assert len(panel.points) == 1
    label = plot.entries[0].label
    assert label.endswith(" m from the click") and " px (10, 45), " in label
    assert (
        export_title([e.label for e in plot.entries], "Speed")
        == "Speed (m/yr) from ITS_LIVE image pairs at " + label.split(", ")[0] + ", 45)"
    )
    panel.export_png(output_dir / "point_plot_one_point_title.png")
    assert png.stat().st_size > 20000 and plot.figure.texts == []
