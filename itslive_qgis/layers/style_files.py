"""Generate the default .qml files of resources/styles (run once; the files are committed).

``python -m itslive_qgis.layers.style_files [folder]`` (with QGIS importable) rewrites them.
Colours are sampled from QGIS's own ramps: Viridis (speed, log scale), RdBu (diverging,
centred on zero), Magma (sequential), greys (errors).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from qgis.core import (
    Qgis,
    QgsColorRampShader,
    QgsContrastEnhancement,
    QgsField,
    QgsLineSymbol,
    QgsMapLayer,
    QgsMarkerLineSymbolLayer,
    QgsMarkerSymbol,
    QgsProperty,
    QgsRasterLayer,
    QgsRasterShader,
    QgsSimpleMarkerSymbolLayer,
    QgsSingleBandGrayRenderer,
    QgsSingleBandPseudoColorRenderer,
    QgsSingleSymbolRenderer,
    QgsStyle,
    QgsSymbolLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QMetaType
from qgis.PyQt.QtGui import QColor

from ..core.io import atomic_output

#: default speed classes (m/yr): 1-2-5 stops from 1 to 10,000
SPEED_STOPS_M_PER_YR = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
ARROW_SIZE_FIELD = "arrow_mm"
ARROW_ANGLE_FIELD = "angle_deg"


def write_style_files(folder: Path) -> list[Path]:
    """Write every default style into ``folder`` (created if needed); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        raster = _scratch_raster(Path(scratch) / "scratch.tif")
        for name, renderer in _raster_renderers(raster).items():
            raster.setRenderer(renderer)
            written.append(_save(raster, folder / f"{name}.qml"))
    arrows = QgsVectorLayer("Point?crs=EPSG:3413", "arrows", "memory")
    arrows.dataProvider().addAttributes(
        [
            QgsField(ARROW_SIZE_FIELD, QMetaType.Type.Double),
            QgsField(ARROW_ANGLE_FIELD, QMetaType.Type.Double),
        ]
    )
    arrows.updateFields()
    arrows.setRenderer(QgsSingleSymbolRenderer(_arrow_marker()))
    written.append(_save(arrows, folder / "arrows.qml"))
    tracks = QgsVectorLayer("LineStringM?crs=EPSG:3413", "tracks", "memory")
    tracks.setRenderer(QgsSingleSymbolRenderer(_track_line()))
    written.append(_save(tracks, folder / "tracks.qml"))
    return written


def _raster_renderers(raster: QgsRasterLayer) -> dict:
    style = QgsStyle.defaultStyle()
    provider = raster.dataProvider()
    viridis = style.colorRamp("Viridis")
    logs = np.log10(SPEED_STOPS_M_PER_YR)
    speed_items = [(v, viridis.color(p)) for v, p in zip(SPEED_STOPS_M_PER_YR, (logs - logs[0]) / logs[-1])]
    rdbu = style.colorRamp("RdBu")
    # RdBu goes red -> blue: dh/dt keeps it (thinning red); strain/velocity components invert it
    # so extension / positive values are red like thinning.
    fractions = np.linspace(0.0, 1.0, 11)
    blue_to_red = [rdbu.color(1.0 - f) for f in fractions]
    red_to_blue = [rdbu.color(f) for f in fractions]
    magma = style.colorRamp("Magma")
    return {
        "speed": _pseudocolor(provider, speed_items, "m/yr", continuous=False),
        "diverging": _pseudocolor(provider, list(zip(np.linspace(-1000, 1000, 11), blue_to_red)), "m/yr"),
        "strain": _pseudocolor(provider, list(zip(np.linspace(-0.1, 0.1, 11), blue_to_red)), "1/yr"),
        "dhdt": _pseudocolor(provider, list(zip(np.linspace(-10, 10, 11), red_to_blue)), "m/yr"),
        "sequential": _pseudocolor(provider, [(f, magma.color(f)) for f in fractions], ""),
        "error": _gray(provider, 0.0, 100.0),
        "phase": _phase(provider),
    }


#: first day of year of each month (non-leap) and the year's end: the phase classes
MONTH_START_DOY = (1, 32, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 367)
MONTH_LABELS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _phase(provider) -> QgsSingleBandPseudoColorRenderer:
    """Day of year of the seasonal maximum: one class per month on a CYCLIC hue ramp (Dec next to Jan)."""
    shader = QgsColorRampShader(1.0, 367.0)
    shader.setColorRampType(QgsColorRampShader.Type.Discrete)
    shader.setClip(True)
    items = []
    for month, (label, upper) in enumerate(zip(MONTH_LABELS, MONTH_START_DOY[1:])):
        colour = QColor.fromHsvF((month / 12.0 + 0.55) % 1.0, 0.7, 0.92)  # summer (Jun-Aug) warm
        items.append(QgsColorRampShader.ColorRampItem(upper - 0.5, colour, label))  # integer days
    shader.setColorRampItemList(items)
    raster_shader = QgsRasterShader()
    raster_shader.setRasterShaderFunction(shader)
    renderer = QgsSingleBandPseudoColorRenderer(provider, 1, raster_shader)
    renderer.setClassificationMin(1.0)
    renderer.setClassificationMax(367.0)
    return renderer


def _pseudocolor(provider, items, units: str, continuous: bool = True) -> QgsSingleBandPseudoColorRenderer:
    from .styles import format_value

    suffix = f" {units}" if units else ""
    shader = QgsColorRampShader(float(items[0][0]), float(items[-1][0]))
    shader.setColorRampType(QgsColorRampShader.Type.Interpolated)
    shader.setClip(False)
    shader.setColorRampItemList(
        [
            QgsColorRampShader.ColorRampItem(float(v), QColor(c), f"{format_value(v)}{suffix}")
            for v, c in items
        ]
    )
    settings = shader.legendSettings()
    settings.setUseContinuousLegend(continuous)
    settings.setSuffix(suffix)
    shader.setLegendSettings(settings)
    raster_shader = QgsRasterShader()
    raster_shader.setRasterShaderFunction(shader)
    renderer = QgsSingleBandPseudoColorRenderer(provider, 1, raster_shader)
    renderer.setClassificationMin(float(items[0][0]))
    renderer.setClassificationMax(float(items[-1][0]))
    return renderer


def _gray(provider, minimum: float, maximum: float) -> QgsSingleBandGrayRenderer:
    renderer = QgsSingleBandGrayRenderer(provider, 1)
    enhancement = QgsContrastEnhancement(Qgis.DataType.Float32)
    enhancement.setContrastEnhancementAlgorithm(
        QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum
    )
    enhancement.setMinimumValue(minimum)
    enhancement.setMaximumValue(maximum)
    renderer.setContrastEnhancement(enhancement)
    renderer.setGradient(QgsSingleBandGrayRenderer.Gradient.BlackToWhite)
    return renderer


def _arrow_marker() -> QgsMarkerSymbol:
    layer = QgsSimpleMarkerSymbolLayer(Qgis.MarkerShape.Arrow, 3.0)
    layer.setColor(QColor(20, 20, 20))
    layer.setStrokeColor(QColor(255, 255, 255, 160))
    layer.setStrokeWidth(0.1)
    layer.setDataDefinedProperty(QgsSymbolLayer.Property.Size, QgsProperty.fromField(ARROW_SIZE_FIELD))
    layer.setDataDefinedProperty(QgsSymbolLayer.Property.Angle, QgsProperty.fromField(ARROW_ANGLE_FIELD))
    symbol = QgsMarkerSymbol()
    symbol.changeSymbolLayer(0, layer)
    return symbol


def _track_line() -> QgsLineSymbol:
    symbol = QgsLineSymbol.createSimple({"color": "200,30,30,255", "width": "0.5", "capstyle": "round"})
    head = QgsMarkerLineSymbolLayer()
    head.setPlacements(Qgis.MarkerLinePlacement.LastVertex)
    marker = QgsSimpleMarkerSymbolLayer(Qgis.MarkerShape.ArrowHeadFilled, 2.5)
    marker.setColor(QColor(200, 30, 30))
    marker.setStrokeColor(QColor(200, 30, 30))
    head_symbol = QgsMarkerSymbol()
    head_symbol.changeSymbolLayer(0, marker)
    head.setSubSymbol(head_symbol)
    symbol.appendSymbolLayer(head)
    return symbol


def _scratch_raster(path: Path) -> QgsRasterLayer:
    from osgeo import gdal

    dataset = gdal.GetDriverByName("GTiff").Create(str(path), 2, 2, 1, gdal.GDT_Float32)
    dataset.SetGeoTransform((0, 1, 0, 2, 0, -1))
    dataset.GetRasterBand(1).WriteArray(np.array([[0, 1], [2, 3]], dtype=np.float32))
    dataset = None
    return QgsRasterLayer(str(path), "scratch", "gdal")


def _save(layer: QgsMapLayer, path: Path) -> Path:
    categories = QgsMapLayer.StyleCategory.Symbology | QgsMapLayer.StyleCategory.Legend
    with atomic_output(path, "style") as temporary:
        message, ok = layer.saveNamedStyle(str(temporary), categories)
        if not ok:
            raise OSError(f"Could not write {path}: {message}")
    return path


if __name__ == "__main__":
    from qgis.core import QgsApplication

    application = QgsApplication([], False)
    application.initQgis()
    target = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[2] / "resources" / "styles"
    )
    for written_path in write_style_files(target):
        print(written_path)
