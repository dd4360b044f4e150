"""itslive:exportmap and itslive:exportanimation: print layouts rendered headless, checked from the
layout items and from the pixels, and GIFs decoded frame by frame.

Truths: the synthetic inversion of tests/fixtures/results.py (a fast trunk in rows FAST_ROWS whose
speed and direction change every 12-day step, on slow ice that never changes), its step dates
computed here from START_DAYS/STEP_DAYS, and true north at the map centre computed with pyproj.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil

import numpy as np
import pytest
from qgis.core import (
    QgsLayoutItemLegend,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QImage

from itslive_qgis.layers import layout as layouts
from itslive_qgis.layers import load_result
from tests.fixtures.results import (
    CELL_M,
    FAST_ROWS,
    NT,
    NX,
    START_DAYS,
    STEP_DAYS,
    X0_M,
    Y0_M,
    write_inversion,
    write_strain,
)

DPI = 100.0
EPOCH = dt.date(1970, 1, 1)


@pytest.fixture()
def project(qgis_app):
    project = QgsProject()
    yield project
    project.clear()


@pytest.fixture()
def loaded(project, tmp_path):
    """The synthetic inversion loaded styled (arrows + speed visible) into ``project``."""
    path = write_inversion(tmp_path / "inversion_demo.nc")
    load_result(path, project)
    return path


def _run(algorithm, params, project, feedback=None):
    import processing

    context = QgsProcessingContext()
    context.setProject(project)
    return processing.run(algorithm, params, context=context, feedback=feedback or QgsProcessingFeedback())


def _expected_label(step: int) -> str:
    first = EPOCH + dt.timedelta(days=START_DAYS + STEP_DAYS * step)
    last = first + dt.timedelta(days=STEP_DAYS - 1)  # the range excludes its end: last day shown
    return f"{first.isoformat()} – {last.isoformat()}"


def _array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    stride = image.bytesPerLine()
    data = np.frombuffer(image.constBits().asstring(stride * image.height()), np.uint8)
    return data.reshape(image.height(), stride)[:, : image.width() * 3].reshape(
        image.height(), image.width(), 3
    )


def _px_rect(item, dpi: float = DPI) -> tuple[int, int, int, int]:
    """Page pixels (x0, y0, x1, y1) covered by a layout item (scene units are millimetres)."""
    rect = item.sceneBoundingRect()
    k = dpi / 25.4
    return (
        int(math.floor(rect.left() * k)),
        int(math.floor(rect.top() * k)),
        int(math.ceil(rect.right() * k)),
        int(math.ceil(rect.bottom() * k)),
    )


def _true_north_deg(x: float, y: float) -> float:
    """Clockwise angle from grid up to true north at (x, y) of EPSG:3413, from pyproj."""
    from pyproj import Transformer

    to_geo = Transformer.from_crs(3413, 4326, always_xy=True)
    to_map = Transformer.from_crs(4326, 3413, always_xy=True)
    lon, lat = to_geo.transform(x, y)
    nx, ny = to_map.transform(lon, lat + 0.01)
    return math.degrees(math.atan2(nx - x, ny - y))


def _map_px(map_item, x_m: float, y_m: float, dpi: float = DPI) -> tuple[int, int]:
    """Page pixel of map coordinates (metres, EPSG:3413) inside the map item."""
    rect, extent = map_item.sceneBoundingRect(), map_item.extent()
    k = dpi / 25.4
    px = (rect.left() + (x_m - extent.xMinimum()) / extent.width() * rect.width()) * k
    py = (rect.top() + (extent.yMaximum() - y_m) / extent.height() * rect.height()) * k
    return int(round(px)), int(round(py))


def _rows_box(map_item, row0: int, row1: int) -> tuple[slice, slice]:
    """Page-pixel slices of grid rows row0..row1 (away from the grid's left/right edges)."""
    x0, y0 = _map_px(map_item, X0_M + 3 * CELL_M, Y0_M - row0 * CELL_M)
    x1, y1 = _map_px(map_item, X0_M + (NX - 3) * CELL_M, Y0_M - row1 * CELL_M)
    return slice(y0 + 2, y1 - 2), slice(x0 + 2, x1 - 2)


def test_exportmap_layout_items_pixels_and_project(plugin, project, loaded, tmp_path, output_dir):
    output = tmp_path / "map.png"
    result = _run("itslive:exportmap", {"DATE": "2020-01-30", "DPI": DPI, "OUTPUT": str(output)}, project)
    shutil.copy(output, output_dir / "export_map_step3.png")
    assert result["DATE_LABEL"] == _expected_label(2)  # 2020-01-30 lies in the third 12-day step
    layout = project.layoutManager().layoutByName("ITS_LIVE map")
    assert layout is not None and result["LAYOUT"] == "ITS_LIVE map"
    items = {item_id: layout.itemById(item_id) for item_id in layouts.ITEM_IDS}
    assert all(item is not None for item in items.values()), items

    # the items say what they show
    legend = items["legend"]
    assert isinstance(legend, QgsLayoutItemLegend)
    model = legend.model()
    labels = []
    for node in model.rootGroup().findLayers():
        labels.append(node.layer().name())
        labels += [n.data(Qt.ItemDataRole.DisplayRole) for n in model.layerLegendNodes(node)]
    assert "v (m/yr)" in labels  # the layer name the loader gives (short, with units)
    legend_layers = [node.layer() for node in model.rootGroup().findLayers()]
    assert legend_layers == items["map"].layers()  # every layer drawn, nothing else (no base map here)
    assert any("m/yr" in str(text) and "ice velocity" in str(text) for text in labels)  # arrows' units
    classes = [text for text in labels if str(text).endswith(" m/yr") and str(text)[0].isdigit()]
    assert len(classes) >= 3 and not any("Band 1" in str(text) for text in labels)
    scalebar = items["scalebar"]
    assert isinstance(scalebar, QgsLayoutItemScaleBar) and scalebar.linkedMap() is items["map"]
    assert items["date"].text() == _expected_label(2)
    assert (
        "Gardner" in items["citation"].text() and "doi:10.5194/egusphere-2025-392" in items["citation"].text()
    )
    assert items["citation"].text() == layouts.CITATION  # no base map to credit
    assert items["title"].text() == "Ice speed (ITS_LIVE)"
    arrow = items["north_arrow"]
    assert isinstance(arrow, QgsLayoutItemPicture)
    assert arrow.northMode() == QgsLayoutItemPicture.NorthMode.TrueNorth
    centre = items["map"].extent().center()
    truth = _true_north_deg(centre.x(), centre.y())
    assert truth > 5.0  # west of the central meridian (45 W): true north leans to the right
    assert arrow.pictureRotation() == pytest.approx(truth, abs=0.05)
    assert items["map"].temporalRange().begin().date().toString("yyyy-MM-dd") == "2020-01-25"

    # the PNG: the page at DPI, and the speed of step 3 (600 m/yr) in the trunk, 5 m/yr beside it
    image = QImage(str(output))
    page = layout.pageCollection().page(0).pageSize()
    assert page.width() == 200 and 70 <= page.height() <= 140  # the height shrinks to the content
    assert (image.width(), image.height()) == (round(200 / 25.4 * DPI), round(page.height() / 25.4 * DPI))
    png = _array(image)
    trunk = png[_rows_box(items["map"], FAST_ROWS.start + 1, FAST_ROWS.stop - 1)]
    slow = png[_rows_box(items["map"], FAST_ROWS.stop + 4, FAST_ROWS.stop + 20)]
    assert np.abs(np.median(trunk.reshape(-1, 3), 0) - np.median(slow.reshape(-1, 3), 0)).sum() > 100

    # from the pixels: each part is drawn, where the layout says it is
    full = _array(layouts.render_frame(layout, DPI))
    for item_id in ("legend", "scalebar", "date", "citation", "north_arrow", "title"):
        item = items[item_id]
        item.setVisibility(False)
        without = _array(layouts.render_frame(layout, DPI))
        item.setVisibility(True)
        changed = np.abs(full.astype(int) - without.astype(int)).sum(axis=2) > 30
        x0, y0, x1, y1 = _px_rect(item)
        inside = changed[max(y0 - 2, 0) : y1 + 2, max(x0 - 2, 0) : x1 + 2].sum()
        assert inside > 40, f"{item_id}: nothing drawn"
        assert changed.sum() == inside, f"{item_id}: drawn outside its box"

    # the layout is saved with the project and comes back in the layout designer
    qgz = tmp_path / "project.qgz"
    assert project.write(str(qgz))
    reread = QgsProject()
    assert reread.read(str(qgz))
    again = reread.layoutManager().layoutByName("ITS_LIVE map")
    assert again is not None and again.itemById("legend") is not None
    assert again.itemById("date").text() == _expected_label(2)
    reread.clear()


def test_exportanimation_gif_frames_dates_and_data(plugin, project, loaded, tmp_path, output_dir):
    from PIL import Image

    output = tmp_path / "animation.gif"
    result = _run("itslive:exportanimation", {"DPI": DPI, "FRAME_MS": 250, "OUTPUT": str(output)}, project)
    shutil.copy(output, output_dir / "export_animation.gif")
    expected = [_expected_label(step) for step in range(NT)]
    assert result["FRAMES"] == NT and result["DATES"].split("\n") == expected
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left

    gif = Image.open(output)
    assert gif.n_frames == NT
    frames, comments = [], []
    for index in range(gif.n_frames):
        gif.seek(index)
        comments.append(gif.info.get("comment", b"").decode("utf-8"))
        assert gif.info.get("duration") == 250
        frames.append(np.asarray(gif.convert("RGB")))
    assert comments == expected

    # the date label drawn in frame k is the one of step k: compare with the layout rendered at k
    layout = project.layoutManager().layoutByName("ITS_LIVE animation")
    assert layout is not None
    x0, y0, x1, y1 = _px_rect(layout.itemById("date"))
    references = []
    for step in range(NT):
        layouts.set_frame(layout, layouts.step_frames(layout.itemById("map").layers())[step])
        references.append(_array(layouts.render_frame(layout, DPI))[y0:y1, x0:x1].astype(int))
    for step, frame in enumerate(frames):
        distances = [np.abs(frame[y0:y1, x0:x1].astype(int) - ref).mean() for ref in references]
        assert int(np.argmin(distances)) == step, distances
        assert distances[step] < 3.0

    # frames differ where the data differ (the trunk: 200 -> 1200 m/yr, east -> north), not elsewhere
    map_item = layout.itemById("map")
    trunk = _rows_box(map_item, FAST_ROWS.start + 1, FAST_ROWS.stop - 1)
    slow = _rows_box(map_item, FAST_ROWS.stop + 4, FAST_ROWS.stop + 20)
    first, last = frames[0].astype(int), frames[-1].astype(int)
    trunk_changed = (np.abs(first[trunk] - last[trunk]).sum(axis=2) > 30).mean()
    slow_changed = (np.abs(first[slow] - last[slow]).sum(axis=2) > 30).mean()
    assert trunk_changed > 0.8, trunk_changed
    assert slow_changed < 0.01, slow_changed
    Image.fromarray(frames[0]).save(output_dir / "export_animation_frame1.png")
    Image.fromarray(frames[-1]).save(output_dir / f"export_animation_frame{NT}.png")


def _mp4_frames(path):
    """(frames as uint8 arrays, size, the container's comment) decoded by imageio-ffmpeg's ffmpeg."""
    import subprocess

    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path), pix_fmt="rgb24")
    meta = next(reader)
    width, height = meta["size"]
    frames = [np.frombuffer(data, np.uint8).reshape(height, width, 3) for data in reader]
    dump = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    comment = dump.split("comment=", 1)[1] if "comment=" in dump else ""
    lines = []
    for line in comment.splitlines():  # ffmetadata escapes newlines as a trailing backslash
        lines.append(line.rstrip("\\"))
        if not line.endswith("\\"):
            break
    return frames, (width, height), lines


def test_exportanimation_mp4_frames_dates_and_data(plugin, project, loaded, tmp_path, output_dir):
    pytest.importorskip("imageio_ffmpeg")
    from PIL import Image

    output = tmp_path / "animation.mp4"
    result = _run("itslive:exportanimation", {"DPI": DPI, "FRAME_MS": 250, "OUTPUT": str(output)}, project)
    shutil.copy(output, output_dir / "export_animation.mp4")
    expected = [_expected_label(step) for step in range(NT)]
    assert result["FRAMES"] == NT and result["DATES"].split("\n") == expected
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    frames, (width, height), comment = _mp4_frames(output)
    assert len(frames) == NT and comment == expected
    layout = project.layoutManager().layoutByName("ITS_LIVE animation")
    page = layouts.render_frame(layout, DPI)
    assert (width - page.width(), height - page.height()) in ((0, 0), (1, 0), (0, 1), (1, 1))  # even sizes
    # each frame shows its own date: nearest (lossy video) to the layout rendered at that step
    x0, y0, x1, y1 = _px_rect(layout.itemById("date"))
    references = []
    for step in range(NT):
        layouts.set_frame(layout, layouts.step_frames(layout.itemById("map").layers())[step])
        references.append(_array(layouts.render_frame(layout, DPI))[y0:y1, x0:x1].astype(int))
    for step, frame in enumerate(frames):
        distances = [np.abs(frame[y0:y1, x0:x1].astype(int) - ref).mean() for ref in references]
        assert int(np.argmin(distances)) == step, distances
    map_item = layout.itemById("map")
    trunk = _rows_box(map_item, FAST_ROWS.start + 1, FAST_ROWS.stop - 1)
    slow = _rows_box(map_item, FAST_ROWS.stop + 4, FAST_ROWS.stop + 20)
    first, last = frames[0].astype(int), frames[-1].astype(int)
    assert (np.abs(first[trunk] - last[trunk]).sum(axis=2) > 30).mean() > 0.8
    assert (np.abs(first[slow] - last[slow]).sum(axis=2) > 30).mean() < 0.01
    Image.fromarray(frames[0]).save(output_dir / "export_animation_mp4_frame1.png")
    Image.fromarray(frames[-1]).save(output_dir / f"export_animation_mp4_frame{NT}.png")


def test_exportanimation_mp4_cancel_leaves_no_file(plugin, project, loaded, tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    output = tmp_path / "cancelled.mp4"
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda value: value >= 30 and feedback.cancel())
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        _run("itslive:exportanimation", {"DPI": 40, "OUTPUT": str(output)}, project, feedback)
    assert feedback.progress() < 100
    left = [p.name for p in tmp_path.iterdir() if p.suffix == ".mp4" or p.name.startswith(".")]
    assert not output.exists() and left == []  # nor the temporary name


def test_exportanimation_cancel_leaves_no_file(plugin, project, loaded, tmp_path):
    output = tmp_path / "cancelled.gif"
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda value: value >= 30 and feedback.cancel())
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        _run("itslive:exportanimation", {"DPI": 40, "OUTPUT": str(output)}, project, feedback)
    assert feedback.progress() < 100
    assert not output.exists() and [p.name for p in tmp_path.iterdir() if p.suffix == ".gif"] == []


def test_exportmap_pdf_from_file_and_regular_animation_windows(plugin, project, loaded, tmp_path):
    pdf = tmp_path / "map.pdf"
    result = _run(
        "itslive:exportmap", {"INPUT": str(loaded), "GRATICULE": False, "OUTPUT": str(pdf)}, project
    )
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-" and len(data) > 5000
    assert b"/Font" in data  # legend, labels and citation are text, not pixels
    assert result["DATE_LABEL"] == _expected_label(0)
    assert project.layoutManager().layoutByName("ITS_LIVE map") is None  # INPUT: the project is untouched

    gif = tmp_path / "weekly.gif"
    result = _run(
        "itslive:exportanimation",
        {
            "START_DATE": "2020-01-01",
            "END_DATE": "2020-01-28",
            "STEP_DAYS": 7,
            "DPI": 40,
            "OUTPUT": str(gif),
        },
        project,
    )
    assert result["DATES"].split("\n") == [
        "2020-01-01 – 2020-01-07",
        "2020-01-08 – 2020-01-14",
        "2020-01-15 – 2020-01-21",
        "2020-01-22 – 2020-01-28",
    ]
    with pytest.raises(QgsProcessingException, match="unsupported extension"):
        _run("itslive:exportmap", {"OUTPUT": str(tmp_path / "map.jpg")}, project)
    with pytest.raises(QgsProcessingException, match="outside"):
        _run("itslive:exportmap", {"DATE": "2031-01-01", "OUTPUT": str(tmp_path / "m.png")}, project)


def test_exportmap_strain_legend_says_its_units_once(plugin, project, tmp_path):
    from qgis.core import QgsColorRampLegendNode

    layers = load_result(write_strain(tmp_path / "strain.nc"), project)
    e_eff = next(layer for layer in layers if layer.customProperty("itslive/variable") == "e_eff")
    _run("itslive:exportmap", {"LAYERS": [e_eff], "DPI": 40, "OUTPUT": str(tmp_path / "strain.png")}, project)
    legend = project.layoutManager().layoutByName("ITS_LIVE map").itemById("legend")
    (node,) = legend.model().rootGroup().findLayers()
    texts = []
    for legend_node in legend.model().layerLegendNodes(node):
        if isinstance(legend_node, QgsColorRampLegendNode):  # drawn as prefix + label + suffix
            settings = legend_node.settings()
            for label in (settings.minimumLabel(), settings.maximumLabel()):
                texts.append(settings.prefix() + label + settings.suffix())
        else:
            texts.append(str(legend_node.data(Qt.ItemDataRole.DisplayRole)))
    assert texts and all(text.count("1/yr") == 1 for text in texts), texts


def test_dock_export_button_opens_the_filled_export_dialog(plugin, iface, tmp_path, output_dir):
    """The analysis section's "Export map…" button: enabled once a result is loaded; its dialog gets
    the result's visible layers, the canvas extent and a layout name, and that run writes the map."""
    import time

    from qgis.core import QgsCoordinateReferenceSystem, QgsRasterLayer
    from qgis.PyQt.QtCore import QCoreApplication
    from qgis.PyQt.QtWidgets import QPushButton

    from itslive_qgis.gui.analysis_panel import AnalysisPanel
    from tests.fixtures.velocity_fields import CASES, affine_field, write_velocity

    project = QgsProject.instance()
    source = write_velocity(tmp_path / "clip.nc", *affine_field(*CASES["extension"][:2]))
    layer = QgsRasterLayer(f'NETCDF:"{source}":vx', "clip vx", "gdal")
    project.addMapLayer(layer)
    iface.setActiveLayer(layer)
    panel = AnalysisPanel(iface, None, project)
    opened = []
    panel.exec_dialog = lambda algorithm, params: opened.append((algorithm, params))
    try:
        button = panel.findChild(QPushButton, "itslive_export_map")
        assert button is not None and not button.isEnabled()
        finished = []
        panel.runFinished.connect(lambda ok, message: finished.append((ok, message)))
        assert panel.run_strain()
        deadline = time.monotonic() + 60
        while not finished and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.01)
        assert finished and finished[0][0], finished
        assert button.isEnabled()
        canvas = iface.mapCanvas()
        canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3413"))
        canvas.setExtent(layer.extent())
        button.click()
        ((algorithm, params),) = opened
        assert algorithm == "itslive:exportmap"
        shown = [
            lyr.id() for lyr in panel.last_layers if project.layerTreeRoot().findLayer(lyr.id()).isVisible()
        ]
        assert params["LAYERS"] == shown and shown
        assert params["LAYOUT_NAME"] == "ITS_LIVE map — clip_strain"
        assert params["EXTENT"].endswith("[EPSG:3413]")
        png = tmp_path / "strain_map.png"
        result = _run("itslive:exportmap", {**params, "DPI": DPI, "OUTPUT": str(png)}, project)
        assert png.stat().st_size > 10000 and result["LAYOUT"] == "ITS_LIVE map — clip_strain"
        assert project.layoutManager().layoutByName("ITS_LIVE map — clip_strain") is not None
        shutil.copy(png, output_dir / "dock_export_strain_map.png")
    finally:
        panel.shutdown()
        for item in project.layoutManager().printLayouts():
            project.layoutManager().removeLayout(item)
        project.removeMapLayers(list(project.mapLayers()))
        for group in project.layerTreeRoot().findGroups():
            project.layerTreeRoot().removeChildNode(group)


def test_exportmap_hillshade_basemap_shows_under_the_result(plugin, project, loaded, tmp_path, output_dir):
    """A DEM (a Gaussian hill) larger than the result: with BASEMAP=hillshade the margin around the
    result is shaded (grey, varying), without it the margin is white; the map draws it last (under
    the result); the legend lists the result's layers with their units and not the base map, which
    the citation line credits instead."""
    from qgis.core import QgsHillshadeRenderer, QgsRasterLayer

    from tests.fixtures.velocity_fields import write_geotiff

    n, cell = 200, 120.0
    x0, y0 = X0_M - 40 * cell, Y0_M + 40 * cell
    yy, xx = np.mgrid[0:n, 0:n]
    dem = 1500.0 * np.exp(-(((xx - 90) / 35.0) ** 2 + ((yy - 70) / 30.0) ** 2))
    dem_path = write_geotiff(tmp_path / "dem.tif", dem, x0, y0, cell)
    dem_layer = QgsRasterLayer(str(dem_path), "dem", "gdal")
    project.addMapLayer(dem_layer, False)
    xmin, xmax, ymin, ymax = X0_M - 30 * cell, X0_M + (NX + 30) * cell, Y0_M - 70 * cell, Y0_M + 30 * cell
    extent = f"{xmin},{xmax},{ymin},{ymax} [EPSG:3413]"
    layers = [lyr.id() for lyr in layouts.visible_layers(project)]
    pngs = {}
    for basemap in (0, 2):
        png = tmp_path / f"basemap{basemap}.png"
        params = {"LAYERS": layers, "EXTENT": extent, "DPI": DPI, "GRATICULE": False, "OUTPUT": str(png)}
        params.update({"BASEMAP": basemap, "DEM": dem_layer.id(), "LAYOUT_NAME": f"b{basemap}"})
        _run("itslive:exportmap", params, project)
        pngs[basemap] = png
    layout = project.layoutManager().layoutByName("b2")
    map_item = layout.itemById("map")
    bottom = map_item.layers()[-1]
    assert isinstance(bottom.renderer(), QgsHillshadeRenderer) and bottom.source() == str(dem_path)
    legend = layout.itemById("legend").model()
    in_legend = [node.layer() for node in legend.rootGroup().findLayers()]
    assert in_legend == map_item.layers()[:-1] and bottom not in in_legend
    assert [layer.id() for layer in in_legend] == layers  # the velocity layers, as given
    texts = [str(n.data(Qt.ItemDataRole.DisplayRole)) for node in legend.rootGroup().findLayers()
             for n in legend.layerLegendNodes(node)]  # fmt: skip
    assert any(t.endswith(" m/yr") for t in texts) and any("ice velocity (m/yr)" in t for t in texts)
    citation = layout.itemById("citation").text()
    assert citation == f"{layouts.CITATION}. Base map: Hillshade of dem"
    assert project.layoutManager().layoutByName("b0").itemById("citation").text() == layouts.CITATION
    box = _rows_box(map_item, -25, -5)  # rows north of the result: only the base map there
    without = _array(QImage(str(pngs[0])))[box].astype(int)
    shaded = _array(QImage(str(pngs[2])))[box].astype(int)
    assert (without > 245).all(axis=2).mean() > 0.95  # white without a base map
    grey = shaded.mean(axis=2)
    assert grey.std() > 5 and (np.abs(shaded[..., 0] - shaded[..., 2]) < 8).mean() > 0.95  # varying grey
    shutil.copy(pngs[2], output_dir / "export_map_hillshade_basemap.png")


@pytest.mark.mirror
def test_mosaic_basemap_is_the_static_mosaic_clip(qgis_app, mirror, project, tmp_path, output_dir):
    """The static mosaic base map read from the mirror: its speed is the mosaic generator's truth."""
    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.layers.basemap import WEB_TILES_URL, mosaic_basemap_layer, web_tiles_layer
    from tests.fixtures.products import MOSAIC_X_MIN_M, MOSAIC_Y_MAX_M, mosaic_grid, mosaic_truth

    area = (MOSAIC_X_MIN_M + 3000, MOSAIC_Y_MAX_M - 9000, MOSAIC_X_MIN_M + 12000, MOSAIC_Y_MAX_M - 3000)
    config = StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=tmp_path / "cache")
    layer = mosaic_basemap_layer(area, "EPSG:3413", tmp_path, config)
    assert layer.isValid() and layer.crs().authid() == "EPSG:3413"
    x, y = mosaic_grid()
    for ix, iy in ((40, 30), (60, 40), (90, 60)):
        vx, vy = mosaic_truth(None, np.array([y[iy]]), np.array([x[ix]]))
        value, ok = layer.dataProvider().sample(QgsPointXY(x[ix], y[iy]), 1)
        assert ok and value == pytest.approx(float(np.hypot(vx, vy)[0]), rel=1e-5)
    from itslive_qgis.layers import render_png

    render_png([layer], None, "EPSG:3413", (500, 330), None, output_dir / "basemap_static_mosaic.png")
    assert layouts.is_basemap(layer)  # left out of a layout's legend, credited after the citation
    assert layouts.citation_text([layer]) == (
        f"{layouts.CITATION}. Base map: ITS_LIVE static velocity mosaic (v2), speed in grey"
    )
    tiles = web_tiles_layer()
    assert tiles.providerType() == "wms" and "type=xyz" in tiles.source() and "vel_web_tiles" in WEB_TILES_URL


def test_legend_titles_keep_their_units(qgis_app):
    """The legend's layer titles drop a formula, never the units (a map legend without units is a defect)."""
    cases = {
        "e_eff — effective strain rate sqrt((exx^2+eyy^2)/2) (1/yr)": "e_eff — effective strain rate (1/yr)",
        "residual_dhdt (m/yr, illustrative thickness)": "residual_dhdt (m/yr, illustrative thickness)",
        "v (m/yr)": "v (m/yr)",
        "dynamic_dhdt (m/yr)": "dynamic_dhdt (m/yr)",
    }
    for name, short in cases.items():
        assert layouts.short_layer_name(name) == short
