"""Render layers headless to a PNG at one temporal frame (tests, demos, reports)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsDateTimeRange,
    QgsMapLayer,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

from ..core.errors import InputError
from ..core.io import atomic_output
from .temporal import date_range


def render_png(
    project_or_layers: QgsProject | Sequence[QgsMapLayer],
    extent: QgsRectangle | None,
    crs: QgsCoordinateReferenceSystem | str | None,
    size: QSize | tuple[int, int],
    datetime_range: QgsDateTimeRange | tuple | None,
    path: str | Path,
    background: QColor | None = None,
) -> Path:
    """Draw the map into a PNG file, optionally at one temporal frame.

    Parameters
    ----------
    project_or_layers : a project (its visible layers, in layer-tree order) or layers, top first.
    extent : map extent in ``crs``; None = full extent of the layers.
    crs : destination CRS (object or ``"EPSG:3413"``); None = the project's, else the first layer's.
    size : output size in pixels, (width, height).
    datetime_range : frame to draw: QgsDateTimeRange, or (start, end) as datetimes or days since
        1970-01-01 (end excluded); None draws without temporal filtering.
    path : PNG to write (written to a temporary name, then renamed).
    background : background colour (default white).

    Returns
    -------
    Path of the PNG written.
    """
    project = project_or_layers if isinstance(project_or_layers, QgsProject) else None
    layers = _visible_layers(project) if project is not None else list(project_or_layers)
    if not layers:
        raise InputError("Nothing to render: no visible layer.")
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(_crs(crs, project, layers))
    if project is not None:
        settings.setTransformContext(project.transformContext())
    width, height = (size.width(), size.height()) if isinstance(size, QSize) else size
    settings.setOutputSize(QSize(int(width), int(height)))
    settings.setBackgroundColor(background or QColor(255, 255, 255))
    settings.setExtent(extent if extent is not None else settings.fullExtent())
    if datetime_range is not None:
        if not isinstance(datetime_range, QgsDateTimeRange):
            datetime_range = date_range(*datetime_range)
        settings.setIsTemporal(True)
        settings.setTemporalRange(datetime_range)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path, "PNG") as temporary:
        if not job.renderedImage().save(str(temporary), "PNG"):
            raise OSError(f"Could not write {path}.")
    return path


def _visible_layers(project: QgsProject) -> list[QgsMapLayer]:
    root = project.layerTreeRoot()
    return [
        layer
        for layer in root.layerOrder()
        if root.findLayer(layer.id()) is not None and root.findLayer(layer.id()).isVisible()
    ]


def _crs(crs, project: QgsProject | None, layers: list[QgsMapLayer]) -> QgsCoordinateReferenceSystem:
    if isinstance(crs, QgsCoordinateReferenceSystem):
        return crs
    if isinstance(crs, str):
        result = QgsCoordinateReferenceSystem(crs)
        if not result.isValid():
            raise InputError(f"Unknown CRS {crs!r}; use e.g. 'EPSG:3413'.")
        return result
    if project is not None and project.crs().isValid():
        return project.crs()
    return layers[0].crs()
