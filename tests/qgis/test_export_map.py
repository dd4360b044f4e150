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
    assert any("m/yr" in str(text) and "ice velocity" in str(text) for text in labels)  # arrows' units
    classes = [text for text in labels if str(text).endswith(" m/yr") and str(text)[0].isdigit()]
    assert len(classes) >= 3 and not any("Band 1" in str(text) for text in labels)
    scalebar = items["scalebar"]
    assert isinstance(scalebar, QgsLayoutItemScaleBar) and scalebar.linkedMap() is items["map"]
    assert items["date"].text() == _expected_label(2)
    assert (
        "Gardner" in items["citation"].text() and "doi:10.5194/egusphere-2025-392" in items["citation"].text()
    )
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
