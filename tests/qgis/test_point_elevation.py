"""The point panel's second plot: ICESat-2 heights near the clicked point, on the velocity time axis."""

from __future__ import annotations

import numpy as np
import pytest
from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY, QgsProject, QgsVectorLayer

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
