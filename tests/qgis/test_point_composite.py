"""The point panel's annual-composite overlay and the Datacubes tab's "annual composite" choice."""

from __future__ import annotations

import numpy as np
import pytest
from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY, QgsRectangle

from tests.fixtures.composites import YEARS, composite_truth
from tests.fixtures.truth import default_tiles
from tests.qgis.conftest import wait_until

TILE_A = default_tiles()[0]
TRUNK_3413 = (-178507.5, -2280402.3)


@pytest.fixture()
def panel(mirror, iface, tmp_path):
    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.gui.timeseries_panel import TimeSeriesPanel

    canvas = iface.mapCanvas()
    before = (canvas.mapSettings().destinationCrs(), canvas.extent(), canvas.size())
    canvas.resize(600, 400)
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3413"))
    canvas.setExtent(QgsRectangle(-181000, -2282000, -176000, -2278700))
    config = StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=tmp_path / "cache")
    p = TimeSeriesPanel(iface, config_factory=lambda: config)
    p.resize(800, 700)
    p.show()
    p.open_url = lambda url: None
    yield p
    p.shutdown()
    p.deleteLater()
    canvas.setDestinationCrs(before[0])
    canvas.resize(before[2])
    canvas.setExtent(before[1])


def test_panel_draws_the_composite_markers_and_seasonal_curve(panel, output_dir):
    loaded = []
    panel.seriesLoaded.connect(loaded.append)
    panel.pick_point(QgsPointXY(*TRUNK_3413), QgsCoordinateReferenceSystem("EPSG:3413"))
    wait_until(lambda: loaded and not panel.is_busy())
    wait_until(
        lambda: panel.composites.points and all(v is not None for v in panel.composites.points.values())
    )
    wait_until(lambda: not panel.is_busy())
    s = next(p.series for p in panel.points if p.series.epsg == 3413)
    comp = panel.composites.points[(s.source, s.col, s.row)]
    truth = composite_truth(TILE_A)
    np.testing.assert_allclose(comp.annual["v"], truth["v"][:, s.row, s.col], rtol=1e-6)
    ax = panel.plot.ax
    markers = [line for line in ax.lines if line.get_marker() == "s"]
    assert markers, "no composite markers on the plot"
    got = np.concatenate([m.get_ydata() for m in markers])
    assert np.isclose(got, truth["v"][:, s.row, s.col][:, None]).any(axis=1).sum() == len(YEARS)
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == len(panel.points)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels.count("annual composite (± 1σ)") == 1, labels  # drawn one arrival at a time
    assert labels.count("composite seasonal model") == 1, labels
    png = panel.export_png(output_dir / "point_composite.png")
    assert png.stat().st_size > 20000
    # a composite arriving over a drawn plot adds its own artists only: the pairs' bars are not
    # rebuilt, the legend keeps one entry of each composite symbol
    bars = [b for b, _, _ in panel.plot._bars]
    key = (s.source, s.col, s.row)
    del panel.composites.points[key]
    n_markers = len(markers)
    panel.composites._read(None, key, comp, None)
    assert [b for b, _, _ in panel.plot._bars] == bars and not panel.redraw_pending()
    assert len([line for line in ax.lines if line.get_marker() == "s"]) == n_markers + 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels.count("annual composite (± 1σ)") == 1, labels


def test_download_panel_offers_the_annual_composite(iface, tmp_path):
    from itslive_qgis.gui.composite_form import ANNUAL_COMPOSITE, composite_parameters
    from itslive_qgis.gui.download_panel import DownloadPanel

    panel = DownloadPanel(iface)
    try:
        labels = [panel.product.itemText(i) for i in range(panel.product.count())]
        assert labels == ["Image pairs", "Annual composite"]
        panel.product.setCurrentIndex(panel.product.findData(ANNUAL_COMPOSITE))
        panel.set_selected_cubes(["s3://its-live-data/" + TILE_A.key])
        panel.extent_box.setOutputExtentFromUser(
            QgsRectangle(-182000, -2281500, -172500, -2278500), QgsCoordinateReferenceSystem("EPSG:3413")
        )
        panel.output.setFilePath(str(tmp_path / "pairs.nc"))
        params = composite_parameters(panel.parameters())
        assert params["CUBES"] == "s3://its-live-data/" + TILE_A.key
        assert params["OUTPUT"] == str(tmp_path / "pairs_composite.nc")
        assert params["START_YEAR"] == 2014 and "EXTENT" in params
        assert panel.estimate() is False and "one layer per year" in panel.status_label.text()
    finally:
        panel.shutdown()
        panel.deleteLater()


def test_product_choice_is_saved_with_the_project(plugin, tmp_path):
    """The Datacubes tab's "Annual composite" choice is written into the .qgz and read back from it."""
    from qgis.core import QgsProject

    from itslive_qgis.gui.composite_form import ANNUAL_COMPOSITE, IMAGE_PAIRS, wants_composite

    QgsProject.instance().clear()
    plugin.action.trigger()
    dock = plugin.dock
    dock.cubes.cancel_loading()
    panel = dock.download
    for chosen, other in ((ANNUAL_COMPOSITE, IMAGE_PAIRS), (IMAGE_PAIRS, ANNUAL_COMPOSITE)):
        panel.product.setCurrentIndex(panel.product.findData(chosen))
        path = tmp_path / f"product_{chosen}.qgz"
        assert QgsProject.instance().write(str(path))
        panel.product.setCurrentIndex(panel.product.findData(other))
        assert QgsProject.instance().read(str(path))
        assert panel.product.currentData() == chosen
        assert wants_composite(panel.product) == (chosen == ANNUAL_COMPOSITE)
    panel.set_state({"product": "no such product"})  # an unknown name leaves the choice as it is
    assert panel.product.currentData() == IMAGE_PAIRS
    assert panel.state()["product"] == "image_pairs"
