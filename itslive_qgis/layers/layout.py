"""Print layouts of result layers: map, legend with units, scale bar, true-north arrow, date, citation.

Base maps (:mod:`itslive_qgis.layers.basemap`) are drawn under the layers but left out of the
legend, which explains the data; their credit follows the ITS_LIVE citation.

One layout serves both the still map (``itslive:exportmap``) and every frame of an animation
(``itslive:exportanimation``): :func:`build_layout` makes it, :func:`set_frame` moves its map to
a time range and rewrites the date label, :func:`export_layout` writes PNG or PDF (temporary
name, then rename) and :func:`render_frame` returns one page as an image. Items carry fixed ids
(:data:`ITEM_IDS`) so a script, a test or a user in the layout designer finds them.

Polar stereographic maps (EPSG:3413, 3031) are rotated relative to geographic north away from
their central meridian: the north arrow follows TRUE north at the map centre (QGIS's picture
"true north" mode) and an optional graticule draws the meridians and parallels.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDateTimeRange,
    QgsLayerTreeLayer,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemMapGrid,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLegendStyle,
    QgsMapLayer,
    QgsMapLayerLegendUtils,
    QgsMeshLayer,
    QgsPrintLayout,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsTextFormat,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QFont, QImage

from ..i18n import tr

#: the ITS_LIVE data citation printed on every figure
CITATION = (
    "ITS_LIVE velocity data: Gardner, A. S., et al. (2025), ITS_LIVE global glacier and ice sheet "
    "velocities, doi:10.5194/egusphere-2025-392"
)
DOI = "10.5194/egusphere-2025-392"
DEFAULT_LAYOUT_NAME = "ITS_LIVE map"
#: item ids (QgsLayoutItem.id()) of the layout's parts
ITEM_IDS = ("map", "legend", "scalebar", "north_arrow", "date", "title", "citation")
NORTH_ARROW_SVG = "arrows/NorthArrow_02.svg"
MARGIN_MM = 5.0
LEGEND_WIDTH_MM = 48.0
#: legend layer titles wrap at this many characters
LEGEND_TITLE_CHARS = 28
MIN_PAGE_MM = (100.0, 70.0)


@dataclass
class LayoutGeometry:
    """Rectangles (x, y, width, height) in millimetres of the page parts."""

    title: tuple[float, float, float, float]
    date: tuple[float, float, float, float]
    map: tuple[float, float, float, float]
    legend: tuple[float, float, float, float]
    scalebar: tuple[float, float, float, float]
    north_arrow: tuple[float, float, float, float]
    citation: tuple[float, float, float, float]


def page_geometry(
    width_mm: float, height_mm: float, aspect: float | None = None, graticule: bool = False
) -> LayoutGeometry:
    """Where each part goes on a ``width_mm`` x ``height_mm`` page (legend right of the map).

    ``aspect`` (width / height of the area shown) shrinks the map box to that shape, so the
    map has no empty bands; ``graticule`` leaves room for the coordinate labels.
    """
    m = MARGIN_MM
    left = m + (11.0 if graticule else 0.0)
    top = m + 9.0 + 6.0 + 2.0
    bottom = height_mm - m - 5.0 - 11.0 - (3.5 if graticule else 0.0)
    map_w = width_mm - left - m - LEGEND_WIDTH_MM - 3.0
    map_h = bottom - top
    if aspect and math.isfinite(aspect) and aspect > 0:
        if map_w / map_h > aspect:
            map_w = map_h * aspect
        else:
            map_h = map_w / aspect
    below = top + map_h + (3.5 if graticule else 0.0)
    return LayoutGeometry(
        title=(m, m, width_mm - 2 * m, 9.0),
        date=(m, m + 9.0, width_mm - 2 * m, 6.0),
        map=(left, top, map_w, map_h),
        legend=(left + map_w + 3.0, top, width_mm - m - (left + map_w + 3.0), bottom - top),
        scalebar=(left, below + 1.5, min(70.0, map_w), 9.0),
        north_arrow=(left + map_w - 11.0, top + 1.0, 10.0, 15.0),
        citation=(m, height_mm - m - 5.0, width_mm - 2 * m, 5.0),
    )


def build_layout(
    project: QgsProject,
    layers: Sequence[QgsMapLayer],
    extent: QgsRectangle | None,
    crs: QgsCoordinateReferenceSystem,
    title: str,
    frame: QgsDateTimeRange | None = None,
    width_mm: float = 200.0,
    height_mm: float = 140.0,
    name: str = DEFAULT_LAYOUT_NAME,
    graticule: bool = True,
) -> QgsPrintLayout:
    """A print layout of ``layers`` (top first) over ``extent`` (in ``crs``) at the time ``frame``.

    Parameters
    ----------
    project : project the layout belongs to (the layers should be in it to save the layout).
    layers : layers drawn by the map and listed by the legend, top first.
    extent : area to show in ``crs`` (None: the layers' full extent); the map item keeps its
        size and shows at least this area.
    crs : map CRS (north arrow and graticule follow it).
    title : title printed above the map.
    frame : time range drawn (None: no temporal filtering, no date).
    width_mm, height_mm : page size, millimetres.
    name : layout name (as listed in the project's layout manager).
    graticule : draw meridians and parallels (WGS 84) over the map.

    Returns
    -------
    The layout, not yet added to the project (see :func:`save_in_project`).
    """
    width_mm = max(float(width_mm), MIN_PAGE_MM[0])
    height_mm = max(float(height_mm), MIN_PAGE_MM[1])
    area = extent if extent is not None else _full_extent(layers, crs, project)
    aspect = area.width() / area.height() if area.height() > 0 else None
    geometry = page_geometry(width_mm, height_mm, aspect, graticule)
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(name)
    layout.pageCollection().page(0).setPageSize(
        QgsLayoutSize(width_mm, height_mm, QgsUnitTypes.LayoutUnit.LayoutMillimeters)
    )

    map_item = QgsLayoutItemMap(layout)
    map_item.setId("map")
    _place(map_item, geometry.map)
    map_item.setCrs(crs)
    map_item.setLayers(list(layers))
    map_item.setKeepLayerSet(True)
    map_item.setFrameEnabled(True)
    map_item.setBackgroundColor(QColor(255, 255, 255))
    layout.addLayoutItem(map_item)
    map_item.zoomToExtent(area)
    if graticule:
        _add_graticule(map_item)

    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle(tr("Legend"))
    legend.setLinkedMap(map_item)
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.clear()
    for layer in layers:
        if is_basemap(layer):  # credited after the citation, not explained by the legend
            continue
        node = root.addLayer(layer)
        if isinstance(node, QgsLayerTreeLayer):
            _tidy_legend_node(legend, node, layer)
    legend.setSymbolWidth(5.0)
    legend.setSymbolHeight(3.2)
    legend.setWmsLegendWidth(40.0)
    for style, size in ((QgsLegendStyle.Style.Title, 11), (QgsLegendStyle.Style.Subgroup, 8)):
        legend.rstyle(style).setTextFormat(_text_format(size, bold=True))
    legend.rstyle(QgsLegendStyle.Style.SymbolLabel).setTextFormat(_text_format(7))
    legend.rstyle(QgsLegendStyle.Style.Symbol).setMargin(QgsLegendStyle.Side.Top, 1.0)
    legend.rstyle(QgsLegendStyle.Style.Subgroup).setMargin(QgsLegendStyle.Side.Top, 2.5)
    legend.setFrameEnabled(False)
    legend.setResizeToContents(True)
    layout.addLayoutItem(legend)
    legend.attemptMove(QgsLayoutPoint(geometry.legend[0], geometry.legend[1]))
    legend.refresh()

    scalebar = QgsLayoutItemScaleBar(layout)
    scalebar.setId("scalebar")
    scalebar.setStyle("Single Box")
    scalebar.setLinkedMap(map_item)
    scalebar.applyDefaultSize(Qgis.DistanceUnit.Kilometers)
    scalebar.setUnitLabel("km")
    scalebar.setNumberOfSegmentsLeft(0)
    scalebar.setTextFormat(_text_format(7))
    layout.addLayoutItem(scalebar)
    scalebar.attemptMove(QgsLayoutPoint(geometry.scalebar[0], geometry.scalebar[1]))
    scalebar.update()

    arrow = QgsLayoutItemPicture(layout)
    arrow.setId("north_arrow")
    arrow.setPicturePath(_svg_path(NORTH_ARROW_SVG))
    arrow.setLinkedMap(map_item)
    arrow.setNorthMode(QgsLayoutItemPicture.NorthMode.TrueNorth)
    arrow.setBackgroundEnabled(True)
    arrow.setBackgroundColor(QColor(255, 255, 255, 200))
    arrow.setSvgFillColor(QColor(30, 30, 30))
    arrow.setSvgStrokeColor(QColor(30, 30, 30))
    layout.addLayoutItem(arrow)
    _place(arrow, geometry.north_arrow)

    for item_id, rect, text, size, bold in (
        ("title", geometry.title, title, 15, True),
        ("date", geometry.date, "", 11, False),
        ("citation", geometry.citation, citation_text(layers), 6.5, False),
    ):
        label = QgsLayoutItemLabel(layout)
        label.setId(item_id)
        label.setText(text)
        label.setTextFormat(_text_format(size, bold))
        label.setVAlign(Qt.AlignmentFlag.AlignVCenter)
        layout.addLayoutItem(label)
        _place(label, rect)
    # a legend knows its size only once painted (QGIS measures text at render time): paint once, small
    QgsLayoutExporter(layout).renderPageToImage(0, QSize(), 25.0)
    legend.adjustBoxSize()
    if legend.rect().height() > geometry.legend[3]:  # too many entries for one column
        legend.setColumnCount(2)
        legend.setSplitLayer(True)
        legend.adjustBoxSize()
    _shorten_page(layout, geometry, legend, scalebar, width_mm, height_mm)
    set_frame(layout, frame)
    return layout


def is_basemap(layer: QgsMapLayer) -> bool:
    """True for a background made by :mod:`itslive_qgis.layers.basemap` (mosaic, hillshade, web tiles)."""
    from .basemap import BASEMAP_PROPERTY

    return bool(layer.customProperty(BASEMAP_PROPERTY, ""))


def citation_text(layers: Sequence[QgsMapLayer]) -> str:
    """The ITS_LIVE citation, then the credit of each base map among ``layers`` ('. Base map: ...')."""
    from .basemap import CREDIT_PROPERTY

    credits = [str(layer.customProperty(CREDIT_PROPERTY, "")) for layer in layers if is_basemap(layer)]
    return ". ".join([CITATION, *(text for text in credits if text)])


def set_frame(layout: QgsPrintLayout, frame: QgsDateTimeRange | None) -> str:
    """Draw the map at ``frame`` (None: no temporal filter) and write its date label; returns the label."""
    map_item = layout.itemById("map")
    label = layout.itemById("date")
    text = frame_label(frame) if frame is not None else ""
    if frame is None:
        map_item.setIsTemporal(False)
    else:
        map_item.setIsTemporal(True)
        map_item.setTemporalRange(frame)
    if label is not None:
        label.setText(text)
        label.setVisibility(bool(text))
    map_item.invalidateCache()
    return text


def frame_label(frame: QgsDateTimeRange) -> str:
    """'2020-01-01 – 2020-01-12' (last day included) or '2020-01-01' for a range of one day or less."""
    begin = frame.begin()
    end = frame.end()
    if not frame.includeEnd():
        end = end.addMSecs(-1)
    first, last = begin.toString("yyyy-MM-dd"), end.toString("yyyy-MM-dd")
    return first if last <= first else tr("{} – {}").format(first, last)


def export_layout(layout: QgsPrintLayout, path: str | Path, dpi: float = 150.0) -> Path:
    """Write the layout as PNG (``dpi``) or PDF (vector legend and text) to ``path``, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    temporary = path.with_name(f".{path.stem}.tmp{suffix}")
    exporter = QgsLayoutExporter(layout)
    if suffix == ".pdf":
        settings = QgsLayoutExporter.PdfExportSettings()
        settings.dpi = float(dpi)
        settings.rasterizeWholeImage = False
        settings.forceVectorOutput = True
        settings.textRenderFormat = Qgis.TextRenderFormat.AlwaysText
        result = exporter.exportToPdf(str(temporary), settings)
    else:
        settings = QgsLayoutExporter.ImageExportSettings()
        settings.dpi = float(dpi)
        settings.exportMetadata = False
        result = exporter.exportToImage(str(temporary), settings)
    if result != QgsLayoutExporter.ExportResult.Success or not temporary.exists():
        temporary.unlink(missing_ok=True)
        raise OSError(f"QGIS could not export the layout to {path} ({exporter.errorMessage() or result}).")
    temporary.replace(path)
    return path


def render_frame(layout: QgsPrintLayout, dpi: float) -> QImage:
    """The layout's page as an image at ``dpi`` (white background)."""
    image = QgsLayoutExporter(layout).renderPageToImage(0, QSize(), float(dpi))
    return image.convertToFormat(QImage.Format.Format_RGB888)


def save_in_project(project: QgsProject, layout: QgsPrintLayout) -> None:
    """Add ``layout`` to the project's layouts, replacing one of the same name."""
    manager = project.layoutManager()
    old = manager.layoutByName(layout.name())
    if old is not None:
        manager.removeLayout(old)
    manager.addLayout(layout)


def step_frames(layers: Sequence[QgsMapLayer]) -> list[QgsDateTimeRange]:
    """Time ranges of the steps of the first per-band temporal raster among ``layers`` (sorted)."""
    for layer in layers:
        if not isinstance(layer, QgsRasterLayer):
            continue
        properties = layer.temporalProperties()
        if properties.isActive() and properties.mode() == Qgis.RasterTemporalMode.FixedRangePerBand:
            ranges = list(properties.fixedRangePerBand().values())
            return sorted(ranges, key=lambda r: r.begin().toMSecsSinceEpoch())
    return []


def true_north_deg(crs: QgsCoordinateReferenceSystem, x: float, y: float, project: QgsProject) -> float:
    """Direction of true north at (x, y) of ``crs``, degrees clockwise from the map's up (grid north)."""
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    to_geo = QgsCoordinateTransform(crs, wgs84, project.transformContext())
    to_map = QgsCoordinateTransform(wgs84, crs, project.transformContext())
    geo = to_geo.transform(x, y)
    north = to_map.transform(geo.x(), min(geo.y() + 0.01, 89.999999))
    return math.degrees(math.atan2(north.x() - x, north.y() - y))


def short_name(text: str, limit: int = 48) -> str:
    """``text`` without a trailing formula: 'effective strain rate sqrt((exx2+...)/2)' -> first words.

    Cut at the first word (after the first) holding a formula character or starting with '-'.
    """
    words = []
    for word in text.split():
        if words and (any(c in word for c in "()=^+*/[]") or word.startswith("-") or word == "sqrt"):
            break
        words.append(word)
    out = " ".join(words) or text
    return out if len(out) <= limit else out[: limit - 1].rstrip() + "…"


def short_layer_name(name: str) -> str:
    """'e_eff — effective strain rate sqrt(...) (1/yr)' -> 'e_eff — effective strain rate (1/yr)'."""
    units = ""
    if name.endswith(")") and " (" in name:
        head, _, tail = name.rpartition(" (")
        # '(1/yr)' or '(m/yr, illustrative thickness)': units first, kept; a formula's '(...)' is not
        if "(" not in tail and len(tail.split(",")[0].rstrip(")")) <= 12:
            name, units = head, f" ({tail}"
    variable, dash, long_name = name.partition(" — ")
    if not dash:
        return short_name(name) + units
    return f"{variable} — {short_name(long_name)}{units}"


def visible_layers(project: QgsProject) -> list[QgsMapLayer]:
    """The project's visible layers in drawing order, top first."""
    root = project.layerTreeRoot()
    out = []
    for layer in root.layerOrder():
        node = root.findLayer(layer.id())
        if node is not None and node.isVisible():
            out.append(layer)
    return out


# --------------------------------------------------------------------------------------------
# helpers


def _tidy_legend_node(legend: QgsLayoutItemLegend, node: QgsLayerTreeLayer, layer: QgsMapLayer) -> None:
    """No 'Band 1: time=...' line (the band changes with the date); arrows say their units."""
    model = legend.model()
    short = textwrap.fill(short_layer_name(layer.name()), LEGEND_TITLE_CHARS, break_long_words=False)
    if short != layer.name():  # the legend's own label; the layer keeps its name
        node.setCustomProperty("legend/title-label", short)
    count = len(model.layerLegendNodes(node))
    if isinstance(layer, QgsRasterLayer) and count > 1:
        QgsMapLayerLegendUtils.setLegendNodeOrder(node, list(range(1, count)))
    elif isinstance(layer, QgsMeshLayer) and count >= 1:
        QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, 0, tr("ice velocity (m/yr)"))
    model.refreshLayerLegend(node)


def _shorten_page(layout, geometry: LayoutGeometry, legend, scalebar, width_mm: float, height_mm: float):
    """Drop the empty band a wide area leaves under the map: the page ends below the lowest part."""
    legend_bottom = legend.sceneBoundingRect().bottom()
    scalebar_bottom = geometry.scalebar[1] + max(scalebar.sceneBoundingRect().height(), geometry.scalebar[3])
    needed = max(legend_bottom, scalebar_bottom) + 2.0 + 5.0 + MARGIN_MM
    if needed >= height_mm - 1.0:
        return
    layout.pageCollection().page(0).setPageSize(
        QgsLayoutSize(width_mm, needed, QgsUnitTypes.LayoutUnit.LayoutMillimeters)
    )
    citation = layout.itemById("citation")
    citation.attemptMove(QgsLayoutPoint(geometry.citation[0], needed - MARGIN_MM - 5.0))


def _place(item, rect: tuple[float, float, float, float]) -> None:
    x, y, w, h = rect
    item.attemptSetSceneRect(QRectF(x, y, w, h))


def _text_format(size_pt: float, bold: bool = False) -> QgsTextFormat:
    text_format = QgsTextFormat()
    font = QFont()
    font.setBold(bold)
    text_format.setFont(font)
    text_format.setSize(size_pt)
    text_format.setSizeUnit(Qgis.RenderUnit.Points)
    text_format.setColor(QColor(20, 20, 20))
    return text_format


def _svg_path(name: str) -> str:
    for folder in QgsApplication.svgPaths():
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    return name


def full_extent(layers, crs: QgsCoordinateReferenceSystem, project: QgsProject) -> QgsRectangle:
    """The combined extent of ``layers`` in ``crs``."""
    return _full_extent(layers, crs, project)


def _full_extent(layers, crs: QgsCoordinateReferenceSystem, project: QgsProject) -> QgsRectangle:
    extent = QgsRectangle()
    extent.setNull()
    for layer in layers:
        layer_extent = layer.extent()
        if layer.crs().isValid() and crs.isValid() and layer.crs() != crs:
            transform = QgsCoordinateTransform(layer.crs(), crs, project.transformContext())
            layer_extent = transform.transformBoundingBox(layer_extent)
        extent.combineExtentWith(layer_extent)
    return extent


def _add_graticule(map_item: QgsLayoutItemMap) -> None:
    """Meridians and parallels (WGS 84) at a round interval, labelled outside the map frame."""
    extent = map_item.extent()
    transform = QgsCoordinateTransform(
        map_item.crs(), QgsCoordinateReferenceSystem("EPSG:4326"), map_item.layout().project()
    )
    try:
        geo = transform.transformBoundingBox(extent)
    except Exception:  # a CRS PROJ cannot invert: no graticule rather than no map
        return
    grid = QgsLayoutItemMapGrid("graticule", map_item)
    grid.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    grid.setIntervalX(_nice_interval(geo.width() / 3.0))
    grid.setIntervalY(_nice_interval(geo.height() / 3.0))
    grid.setStyle(QgsLayoutItemMapGrid.GridStyle.Solid)
    symbol = grid.lineSymbol().clone()
    symbol.setColor(QColor(90, 90, 90, 150))
    symbol.setWidth(0.15)
    grid.setLineSymbol(symbol)
    grid.setAnnotationEnabled(True)
    grid.setAnnotationFormat(QgsLayoutItemMapGrid.AnnotationFormat.DecimalWithSuffix)
    grid.setAnnotationPrecision(_decimals(min(grid.intervalX(), grid.intervalY())))
    grid.setAnnotationTextFormat(_text_format(6))
    for border, shown in (
        (QgsLayoutItemMapGrid.BorderSide.Left, QgsLayoutItemMapGrid.DisplayMode.LatitudeOnly),
        (QgsLayoutItemMapGrid.BorderSide.Bottom, QgsLayoutItemMapGrid.DisplayMode.LongitudeOnly),
    ):
        grid.setAnnotationPosition(QgsLayoutItemMapGrid.AnnotationPosition.OutsideMapFrame, border)
        grid.setAnnotationDisplay(shown, border)
    for border in (QgsLayoutItemMapGrid.BorderSide.Right, QgsLayoutItemMapGrid.BorderSide.Top):
        grid.setAnnotationDisplay(QgsLayoutItemMapGrid.DisplayMode.HideAll, border)
    grid.setAnnotationFrameDistance(0.8)
    map_item.grids().addGrid(grid)


def _nice_interval(degrees: float) -> float:
    """1, 2, 5 x 10^k degrees at or below ``degrees`` (at least 0.001)."""
    degrees = max(float(degrees), 0.001)
    exponent = math.floor(math.log10(degrees))
    for mantissa in (5.0, 2.0, 1.0):
        if mantissa * 10**exponent <= degrees:
            return mantissa * 10**exponent
    return 10.0**exponent


def _decimals(interval: float) -> int:
    return max(0, -math.floor(math.log10(interval) + 1e-9))
