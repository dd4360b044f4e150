"""The time-series panel: a click on the canvas, the background read, filters, hover/click, exports."""

from __future__ import annotations

import csv
import time

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, Qt

from tests.fixtures.truth import default_tiles
from tests.qgis.conftest import wait_until

TILE_A, TILE_B, TILE_UTM = default_tiles()
TRUNK_3413 = (-178507.5, -2280402.3)
VARS_1D = ("acquisition_date_img1", "acquisition_date_img2", "satellite_img1", "satellite_img2", "date_dt")


def _days(values) -> np.ndarray:
    return (np.asarray(values).astype("datetime64[ns]").astype("int64") / 86400e9).astype("float64")


def _raw_pixel(mirror, key, x, y):
    """Independent reference: xarray's decoded pixel, valid pairs, stable-sorted by mid_date."""
    import xarray as xr

    raw = xr.open_zarr(mirror.roots[key], decode_timedelta=False)
    col = int(np.argmin(np.abs(raw.x.values - x)))
    row = int(np.argmin(np.abs(raw.y.values - y)))
    px = raw[["v", "vx", "vy", *VARS_1D]].isel(x=col, y=row).load()
    keep = np.flatnonzero(np.isfinite(px.v.values))
    keep = keep[np.argsort(_days(px.mid_date.values)[keep], kind="stable")]
    return px.isel(mid_date=keep)


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
    opened = []
    p.open_url = opened.append  # never start a browser in tests
    p.opened = opened
    yield p
    p.shutdown()
    p.deleteLater()
    canvas.setDestinationCrs(before[0])  # leave the shared canvas as the other tests expect it
    canvas.resize(before[2])
    canvas.setExtent(before[1])


def _click(canvas, tool, x, y):
    """A real left-button release on the canvas at map point (x, y) of the canvas CRS."""
    pixel = canvas.getCoordinateTransform().transform(QgsPointXY(x, y))
    event = QgsMapMouseEvent(
        canvas,
        QEvent.Type.MouseButtonRelease,
        QPoint(round(pixel.x()), round(pixel.y())),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    tool.canvasReleaseEvent(event)


def test_click_reads_the_pixel_in_the_background_and_plots_it(panel, iface, mirror, output_dir, tmp_path):
    canvas = iface.mapCanvas()
    panel.start_pick()
    assert canvas.mapTool() is panel.tool and panel.pick_button.isChecked()
    loaded = []
    panel.seriesLoaded.connect(loaded.append)
    t0 = time.perf_counter()
    _click(canvas, panel.tool, *TRUNK_3413)
    assert time.perf_counter() - t0 < 0.5  # the click returns at once: the read runs in a task
    assert panel.is_busy()
    wait_until(lambda: loaded and not panel.is_busy())
    assert loaded == [2]  # GRE_A and the UTM tile both hold the point
    by_epsg = {p.series.epsg: p.series for p in panel.points}
    s = by_epsg[3413]
    assert (s.col, s.row) == (37, 28)
    ref = _raw_pixel(mirror, TILE_A.key, *TRUNK_3413)
    assert len(s) == ref.sizes["mid_date"]
    assert (s.v[0], s.v[-1]) == (float(ref.v.values[0]), float(ref.v.values[-1]))
    assert (s.vx[0], s.vy[-1]) == (float(ref.vx.values[0]), float(ref.vy.values[-1]))
    assert panel.plot.pair_count() == sum(len(p.series) for p in panel.points)
    assert all(p.inverted is not None for p in panel.points)
    assert all(p.marker is not None for p in panel.points)

    # filters: baseline range, then satellites; the plot and the inversion follow
    panel.max_dt.setValue(30)
    wait_until(lambda: not panel.is_busy())
    expected = sum(
        int(((p.series.date_dt_days >= 0) & (p.series.date_dt_days <= 30)).sum()) for p in panel.points
    )
    assert panel.plot.pair_count() == expected < sum(len(p.series) for p in panel.points)
    sats = s.satellites()
    keep = [k for k in sats if k not in ("2A", "2B")]
    panel.set_satellites(keep)
    wait_until(lambda: not panel.is_busy())
    n = 0
    for p in panel.points:
        q = p.series
        m = (q.date_dt_days <= 30) & np.isin(q.satellite, keep) & np.isin(q.satellite_img2, keep)
        n += int(m.sum())
    assert panel.plot.pair_count() == n
    panel.set_satellites(None)
    panel.max_dt.setValue(10000)
    wait_until(lambda: not panel.is_busy())
    inv = panel.points[0].inverted
    assert inv is not None and np.isfinite(inv.v).sum() > 100

    # hover shows the pair; a click "opens" its granule URL
    from matplotlib.backend_bases import MouseEvent

    plot = panel.plot
    plot.canvas.draw()
    number = next(i for i, e in enumerate(plot.entries) if e.series.epsg == 3413)
    series = plot.entries[number].series
    pair = int(np.argmax(series.date_dt_days))  # the longest bar: easy to hit
    x, y = plot.display_xy(number, pair)
    plot.canvas.callbacks.process("motion_notify_event", MouseEvent("motion_notify_event", plot.canvas, x, y))
    text = panel.hover_label.text()
    assert series.granule_url[pair] in text and f"baseline {series.date_dt_days[pair]:.1f} days" in text
    d1 = np.datetime64(round(series.d1_days[pair] * 86400), "s")
    assert str(d1).replace("T", " ") in text
    press = MouseEvent("button_press_event", plot.canvas, x, y, button=1)
    plot.canvas.callbacks.process("button_press_event", press)
    wait_until(lambda: panel.opened, 10)  # after the double-click interval (point_granule's double click)
    assert panel.opened == [series.granule_url[pair]]

    # the figure, for a person to look at
    png = panel.export_png(output_dir / "timeseries_panel_two_points.png")
    assert png.stat().st_size > 20000
    panel.component_combo.setCurrentIndex(1)  # vx
    panel.clear()
    assert panel.points == [] and panel.plot.pair_count() == 0


def test_single_point_png_csv_and_real_block(panel, iface, mirror, shared_data, output_dir, tmp_path):
    from tests.fixtures.generator import REAL_BLOCK_KEY

    canvas = iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32646"))
    canvas.setExtent(QgsRectangle(786600, 3312200, 787900, 3313300))
    panel.start_pick()
    _click(canvas, panel.tool, 787252.5, 3312787.5)
    wait_until(lambda: panel.points and not panel.is_busy())
    s = next(p.series for p in panel.points if p.series.source.endswith(REAL_BLOCK_KEY))
    assert (s.col, s.row) == (5, 5) and (s.v[0], s.v[-1]) == (9, 62) and np.median(s.v) == 7
    panel.max_dt.setValue(120)  # short pairs only: the seasonal signal, fewer very long bars
    wait_until(lambda: not panel.is_busy())
    # slow, noisy ice (short-pair speeds: median 25 m/yr, a long tail of noise): the automatic
    # lambda (cross-validation over images) keeps the whole series below the pairs' 95th percentile
    inverted_v = panel.points[0].inverted.v
    short = s.v[s.date_dt_days <= 120]
    p95 = np.percentile(short, 95)
    lam = panel.points[0].inverted.lam
    vmin, vmax = np.nanmin(inverted_v), np.nanmax(inverted_v)
    print(f"\nreal block (5, 5): lambda {lam:.3g}, inverted speed {vmin:.1f}..{vmax:.1f} m/yr")
    print(f"short pairs: median {np.median(short):.0f}, 95th percentile {p95:.0f} m/yr")
    assert lam > 0 and np.nanmax(inverted_v) < p95
    panel.lam_spin.setValue(10.0)  # a fixed smoothing is taken as given
    wait_until(lambda: not panel.is_busy())
    assert panel.points[0].inverted.lam == 10.0
    png = panel.export_png(output_dir / "timeseries_panel_real_block.png")
    assert png.stat().st_size > 20000
    path = panel.export_csv(tmp_path / "series.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pairs = [r for r in rows if r["kind"] == "pair" and r["point"] == "1"]
    assert len(pairs) == int((s.date_dt_days <= 120).sum())
    assert all(float(r["date_dt_days"]) <= 120 for r in pairs)
    assert pairs[0]["mid_date"] == "1986-11-22T03:29:27" and pairs[0]["v_m_per_yr"] == "9"
    inverted = [r for r in rows if r["kind"] == "inverted" and r["point"] == "1"]
    assert len(inverted) == panel.points[0].inverted.centres_days.size


def test_active_layer_file_mode(panel, iface, mirror, tmp_path):
    import xarray as xr

    raw = xr.open_zarr(mirror.roots[TILE_A.key], decode_timedelta=False)
    names = ["v", "vx", "vy", "v_error", "mapping", *VARS_1D, "granule_url", "vx_error", "vy_error"]
    sub = raw[names].isel(x=slice(35, 40), y=slice(26, 31)).load()
    sub["mapping"].attrs["spatial_epsg"] = 3413
    path = tmp_path / "subset.nc"
    sub.to_netcdf(path)
    layer = QgsRasterLayer(f'NETCDF:"{path}":v', "subset v")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    iface.setActiveLayer(layer)
    from itslive_qgis.gui.timeseries_panel import SOURCE_LAYER, layer_file

    assert layer_file(layer) == str(path)
    panel.source_combo.setCurrentIndex(SOURCE_LAYER)
    canvas = iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    canvas.setExtent(QgsRectangle(-49.52, 69.09, -49.43, 69.13))
    failures = []
    panel.pickFailed.connect(failures.append)
    _click(canvas, panel.tool, -49.47593, 69.10975)
    wait_until(lambda: (panel.points or failures) and not panel.is_busy())
    assert not failures
    (p,) = panel.points
    ref = _raw_pixel(mirror, TILE_A.key, *TRUNK_3413)
    assert p.series.source == str(path) and len(p.series) == ref.sizes["mid_date"]
    np.testing.assert_array_equal(p.series.v, ref.v.values.astype("float64"))
    # a layer that is not a file gives a message, not a traceback
    memory = QgsVectorLayer("Point?crs=EPSG:4326", "points", "memory")
    QgsProject.instance().addMapLayer(memory)
    iface.setActiveLayer(memory)
    _click(canvas, panel.tool, -49.47593, 69.10975)
    assert failures and "not a subset or inversion file" in failures[0]
    QgsProject.instance().removeMapLayers([layer.id(), memory.id()])


def test_escape_and_shutdown_release_the_map_tool(panel, iface):
    from qgis.gui import QgsMapToolPan

    canvas = iface.mapCanvas()
    pan = QgsMapToolPan(canvas)
    canvas.setMapTool(pan)
    panel.start_pick()
    assert canvas.mapTool() is panel.tool
    panel.stop_pick()
    assert canvas.mapTool() is pan and not panel.pick_button.isChecked()
    panel.pick_button.setChecked(True)
    assert canvas.mapTool() is panel.tool
    panel.shutdown()
    assert canvas.mapTool() is pan
