"""The dock's Glaciers tab: a profile of the real block along a line across it (itslive:profile) and the
RGI outline's statistics (itslive:glacierstats), loaded, drawn and exported."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

from tests.qgis.conftest import wait_until

BLOCK = "datacube/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"
OUTLINE = "datacube/RGI2000-v7.0-G-15-16257_outline_EPSG32646.geojson"


@pytest.fixture()
def panel(iface):
    from itslive_qgis.gui.glacier_panel import GlacierPanel

    p = GlacierPanel(iface)
    p.resize(800, 800)
    p.show()
    yield p
    p.shutdown()
    p.deleteLater()


def test_profile_of_the_real_block_in_the_panel(plugin, panel, shared_data, output_dir, tmp_path):
    import processing
    import xarray as xr

    with xr.open_zarr(shared_data / BLOCK) as ds:
        x, y = ds["x"].values, ds["y"].values
    layer = QgsVectorLayer("LineString?crs=EPSG:32646", "across", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromPolylineXY([QgsPointXY(x[0], y[2]), QgsPointXY(x[-1], y[7])]))
    layer.dataProvider().addFeatures([feature])
    out = processing.run(
        "itslive:profile",
        {"INPUT": str(shared_data / BLOCK), "LINE": layer, "OUTPUT": str(tmp_path / "p.nc")},
    )
    panel.load_profile(out["OUTPUT"])
    wait_until(lambda: panel.curves is not None and not panel.is_busy())
    from itslive_qgis.core.profile import open_profile

    prof = open_profile(out["OUTPUT"])
    years = prof["time"].dt.year.values
    along = prof["v_along"].values.astype(float)
    c = panel.curves
    assert c.variable == "v_along" and set(c.labels) <= {str(y) for y in np.unique(years)}
    k = c.labels.index("2019")
    np.testing.assert_allclose(
        c.values[k], np.nanmean(along[years == 2019], axis=0), rtol=1e-6, equal_nan=True
    )
    png = panel.export_profile_png(output_dir / "glacier_panel_profile_real_block.png")
    assert png.stat().st_size > 20000
    path = panel.export_profile_csv(tmp_path / "curves.csv")
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "distance_km" and len(rows[0]) == len(c.labels) + 1
    assert len(rows) == 1 + c.distance_km.size
    panel.by_combo.setCurrentIndex(1)  # one curve per date: 24 dates spread over the profiles with data
    assert len(panel.curves.labels) == 24
    panel.dates_edit.setText("2018-07-01, 2019-01-15")  # chosen dates: the nearest profiles
    panel.redraw_profile()
    assert len(panel.curves.labels) == 2 and panel.curves.labels[0].startswith("2018-")
    panel.dates_edit.setText("not a date")
    panel.redraw_profile()
    assert panel.status.text() and len(panel.curves.labels) == 2  # a message; the last curves stay


def test_glacier_statistics_in_the_panel(plugin, panel, shared_data, output_dir, tmp_path):
    import time

    import processing

    t = time.perf_counter()
    outline = QgsVectorLayer(str(shared_data / OUTLINE), "rgi", "ogr")
    out = processing.run(
        "itslive:glacierstats",
        {"INPUT": str(shared_data / BLOCK), "OUTLINE": outline, "ID_FIELD": "rgi_id", "MIN_OBSERVED": 0.5,
         "OUTPUT": str(tmp_path / "stats.csv")},
    )  # fmt: skip
    print(f"\nglacierstats run {time.perf_counter() - t:.1f} s")
    t0 = time.perf_counter()
    panel.load_stats(out["OUTPUT"])
    wait_until(lambda: panel.stats is not None and not panel.is_busy())
    assert (panel.stats["observed_fraction"] >= 0.5).all() and len(panel.stats) > 100
    t1 = time.perf_counter()
    png = panel.export_stats_png(output_dir / "glacier_panel_stats_real_block.png")
    print(f"\nstats: load+draw {t1 - t0:.1f} s, png {time.perf_counter() - t1:.1f} s")
    assert png.stat().st_size > 20000


def test_a_table_that_is_not_glacier_statistics_is_refused(panel, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    panel.load_stats(bad)
    wait_until(lambda: not panel.is_busy())
    assert "not a glacier statistics table" in panel.status.text() and panel.stats is None
