"""Put a result file into the project: one group, temporal rasters, flow arrows, styles, provenance.

Two ways in, one code path:

* :func:`load_result` does everything at once (scripts, tests, algorithms' post-processing);
* :class:`LoadResultTask` reads the file and builds the layers in a worker thread and adds
  them to the project in ``finished()`` on the main thread, so the interface never waits.

Each time-dependent variable becomes ONE multi-band raster (GDAL ``NETCDF:"file":var``) with
QGIS's per-band temporal mode, never one layer per time step.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import numpy as np
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsFeatureRequest,
    QgsLayerMetadata,
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsMessageLog,
    QgsProject,
    QgsRasterLayer,
    QgsRasterRange,
    QgsTask,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..core.errors import DataError, ItsLiveError
from ..i18n import tr
from ..tasks.base import next_pass
from . import temporal, vectors
from .legend import DatedRasterLegend, time_caption
from .sources import ResultSource, VariableSource, inspect_result
from .styles import apply_style, apply_vector_style, style_for_variable, value_range

PRIMARY_VARIABLES = {
    "inversion": ("v", "speed"),
    "mosaic": ("v", "speed"),
    "subset": ("v", "speed"),
    "strain": ("e_eff", "e1"),
    "flux": ("dynamic_dhdt", "flux_divergence"),
    "composite": ("v", "v0"),
}
PROPERTY_PREFIX = "itslive/"
#: short unit labels for layer names (ITS_LIVE files say "meter/year")
UNIT_LABELS = {
    "meter/year": "m/yr",
    "meters/year": "m/yr",
    "m/y": "m/yr",
    "m yr-1": "m/yr",
    "1/year": "1/yr",
    "degree": "degree",
    "degrees": "degree",
}


def unit_label(units: str) -> str:
    """The short unit shown in layer names and legends, in the user's language.

    ``meter/year`` -> ``m/yr`` (French: ``m/an``, the plot axes' unit too); ``1/year`` -> ``1/yr``
    (``1/an``); ``degree`` (``degré``). Other units are shown as the file writes them. The files
    keep their CF units.
    """
    short = UNIT_LABELS.get(units.strip().lower(), units)
    if short == "m/yr":
        return tr("m/yr")
    if short == "1/yr":
        return tr("1/yr")
    if short == "degree":
        return tr("degree")
    return short


#: track M values outside this window (days since 1970-01-01: 1970-01-02 .. 2100) are not dates
MIN_DATE_DAYS, MAX_DATE_DAYS = 1.0, 47_482.0
MESSAGE_TAG = "ITS_LIVE"
_RUNNING_TASKS: set = set()


def load_result(
    path: str | Path,
    project: QgsProject,
    group_name: str | None = None,
    kind: str = "auto",
    *,
    vector_style: str = "arrows",
    spacing_px: int = vectors.DEFAULT_SPACING_PX,
) -> list[QgsMapLayer]:
    """Load a result file into ``project`` inside one new layer-tree group.

    Parameters
    ----------
    path : inversion/strain/flux/subset NetCDF, mosaic or strain GeoTIFF, or tracks GeoPackage.
    project : project receiving the layers (never ``QgsProject.instance()`` implicitly).
    group_name : name of the group; default "ITS_LIVE <kind> — <file stem>".
    kind : one of ``inversion, strain, flux, subset, mosaic, tracks, raster`` or ``auto``.
    vector_style : ``arrows``, ``streamlines`` or ``traces`` for velocity results.
    spacing_px : arrow spacing on screen, pixels.

    Returns
    -------
    The layers added, top of the group first (arrows, then the main variable, then the rest).

    Raises
    ------
    InputError, DataError : unreadable file or nothing to display (message says what to do).
    """
    source = inspect_result(path, kind)
    layers = build_layers(source, vector_style=vector_style, spacing_px=spacing_px)
    add_to_project(source, layers, project, group_name)
    return layers


def build_layers(
    source: ResultSource, vector_style: str = "arrows", spacing_px: int = vectors.DEFAULT_SPACING_PX
) -> list[QgsMapLayer]:
    """Create, style and annotate the layers of ``source`` without touching any project.

    Safe in a worker thread (the caller moves the layers to the main thread).
    """
    if source.kind == "tracks":
        return [_track_layer(source, name) for name in source.vector_layer_names]
    primary = _primary_variable(source)
    layers: list[QgsMapLayer] = []
    for variable in source.variables:
        layer = _raster_layer(source, variable)
        layer.setCustomProperty(PROPERTY_PREFIX + "visible", variable is primary)
        layers.append(layer)
    arrows = _arrow_layer(source, vector_style, spacing_px, layers[0].crs() if layers else None)
    ordered = [layer for var, layer in zip(source.variables, layers) if var is primary]
    ordered += [layer for var, layer in zip(source.variables, layers) if var is not primary]
    return ([arrows] if arrows is not None else []) + ordered


def add_to_project(
    source: ResultSource, layers: list[QgsMapLayer], project: QgsProject, group_name: str | None = None
) -> QgsLayerTreeGroup:
    """Add ``layers`` (built by :func:`build_layers`) to a new group at the top of ``project``."""
    group = _new_group(source, project, group_name)
    for layer in layers:
        _add_layer(group, layer, project)
    _finish_group(source, layers, project)
    return group


def _new_group(source: ResultSource, project: QgsProject, group_name: str | None) -> QgsLayerTreeGroup:
    group = project.layerTreeRoot().insertGroup(
        0, group_name or default_group_name(source.kind, source.path.stem)
    )
    group.setCustomProperty(PROPERTY_PREFIX + "source", str(source.path))
    return group


def _add_layer(group: QgsLayerTreeGroup, layer: QgsMapLayer, project: QgsProject) -> None:
    project.addMapLayer(layer, False)
    node = group.addLayer(layer)
    node.setItemVisibilityChecked(bool(layer.customProperty(PROPERTY_PREFIX + "visible", True)))
    node.setExpanded(False)


def _finish_group(source: ResultSource, layers: list[QgsMapLayer], project: QgsProject) -> None:
    if not project.crs().isValid() and layers and layers[0].crs().isValid():
        project.setCrs(layers[0].crs())
    set_project_time(project, source)


class _BatchAdder:
    """Adds a result's layers one per event-loop turn (the interface keeps responding), then reports."""

    def __init__(self, source, layers, project, group_name, guard, done):
        self.source, self.layers, self.project, self.done = source, list(layers), project, done
        self.group_name, self.guard, self.index = group_name, guard, 0
        self.group = None
        self.context = None

    def start(self) -> None:
        _RUNNING_TASKS.add(self)
        self.context = self.guard() if self.guard is not None else nullcontext()
        self.context.__enter__()
        self.group = _new_group(self.source, self.project, self.group_name)
        next_pass(self._next)

    def _next(self) -> None:
        try:
            if self.index < len(self.layers):
                _add_layer(self.group, self.layers[self.index], self.project)
                self.index += 1
                next_pass(self._next)
                return
            _finish_group(self.source, self.layers, self.project)
        except Exception as exc:  # e.g. the project was cleared meanwhile
            self._end(tr("Unexpected error while loading {}: {}").format(self.source.path.name, exc))
            return
        self._end("")

    def _end(self, error: str) -> None:
        _RUNNING_TASKS.discard(self)
        self.context.__exit__(None, None, None)
        self.done(self.layers if not error else [], error)


def default_group_name(kind: str, stem: str) -> str:
    """Translated group name, e.g. "ITS_LIVE inversion — stem"."""
    labels = {
        "inversion": tr("ITS_LIVE inversion — {}"),
        "strain": tr("ITS_LIVE strain rates — {}"),
        "flux": tr("ITS_LIVE flux divergence — {}"),
        "subset": tr("ITS_LIVE subset — {}"),
        "mosaic": tr("ITS_LIVE mosaic — {}"),
        "tracks": tr("ITS_LIVE tracks — {}"),
        "composite": tr("ITS_LIVE composite — {}"),
    }
    return labels.get(kind, tr("ITS_LIVE result — {}")).format(stem)


class LoadResultTask(QgsTask):
    """Load a result in the background: file reading and layer building off the main thread.

    ``on_loaded(layers, error_message)`` is called on the main thread once the layers are in
    the project (``layers`` empty and ``error_message`` set on failure). Keep a reference to the
    task until then (the module also keeps one).
    """

    def __init__(
        self,
        path: str | Path,
        project: QgsProject,
        group_name: str | None = None,
        kind: str = "auto",
        on_loaded: Callable[[list[QgsMapLayer], str], None] | None = None,
        vector_style: str = "arrows",
        spacing_px: int = vectors.DEFAULT_SPACING_PX,
        guard: Callable[[], AbstractContextManager] | None = None,
    ):
        super().__init__(tr("Loading {}").format(Path(path).name), QgsTask.Flag.CanCancel)
        self.guard = guard  # e.g. keeps the project CRS and the view while the layers are added
        remote = isinstance(path, str) and "://" in path  # a cluster result's s3:// URL stays a URL
        self.path = path if remote else Path(path)
        self.file_name = Path(str(path)).name
        self.project, self.group_name, self.kind = project, group_name, kind
        self.on_loaded, self.vector_style, self.spacing_px = on_loaded, vector_style, spacing_px
        self.source: ResultSource | None = None
        self.layers: list[QgsMapLayer] = []
        self.error_message = ""
        _RUNNING_TASKS.add(self)

    def run(self) -> bool:
        """Worker thread: inspect the file and build the layers; no project access."""
        from ..core.io import silence_hdf5_diagnostics

        silence_hdf5_diagnostics()
        try:
            self.source = inspect_result(self.path, self.kind)
            self.setProgress(40.0)
            if self.isCanceled():
                return False
            self.layers = build_layers(self.source, self.vector_style, self.spacing_px)
            main_thread = QgsApplication.instance().thread()
            for layer in self.layers:
                layer.moveToThread(main_thread)
            return True
        except ItsLiveError as exc:
            self.error_message = str(exc)
        except Exception as exc:
            self.error_message = tr("Unexpected error while loading {}: {}").format(self.file_name, exc)
        return False

    def finished(self, result: bool) -> None:
        """Main thread: add the layers to the project (one per event-loop turn) and report."""
        _RUNNING_TASKS.discard(self)
        if result and self.source is not None:
            on_loaded = self.on_loaded
            _BatchAdder(
                self.source,
                self.layers,
                self.project,
                self.group_name,
                self.guard,
                lambda layers, error: on_loaded(layers, error) if on_loaded is not None else None,
            ).start()
            return
        self.layers = []
        if not self.error_message:
            self.error_message = tr("Loading {} was cancelled.").format(self.file_name)
        QgsMessageLog.logMessage(self.error_message, MESSAGE_TAG, Qgis.MessageLevel.Warning)
        if self.on_loaded is not None:
            self.on_loaded(self.layers, self.error_message)


# --------------------------------------------------------------------------------------------
# helpers


def set_project_time(project: QgsProject, source: ResultSource) -> None:
    """If the project has no time range yet: the result's range, one animation frame per step."""
    settings = project.timeSettings()
    timed = [v for v in source.variables if v.is_temporal and v.time_dimension != "mid_date"]
    if not timed or not settings.temporalRange().isInfinite():
        return
    starts, ends = timed[0].band_start_days, timed[0].band_end_days
    settings.setTemporalRange(temporal.date_range(float(np.min(starts)), float(np.max(ends))))
    settings.setTimeStep(float(np.median(ends - starts)))
    settings.setTimeStepUnit(Qgis.TemporalUnit.Days)


def _primary_variable(source: ResultSource) -> VariableSource | None:
    for name in PRIMARY_VARIABLES.get(source.kind, ()):
        variable = source.variable(name)
        if variable is not None:
            return variable
    return source.variables[0] if source.variables else None


def _raster_layer(source: ResultSource, variable: VariableSource) -> QgsRasterLayer:
    # short name with units; the long name (a formula for strain rates) goes to the metadata
    units = unit_label(variable.units)
    name = f"{variable.name} ({units})" if units and units != "1" else variable.name  # CF "1": a count
    layer = QgsRasterLayer(variable.uri, name, "gdal")
    if not layer.isValid():
        raise DataError(f"QGIS cannot open {variable.uri}: {layer.error().summary()}")
    if variable.missing_values:
        ranges = [QgsRasterRange(value, value) for value in variable.missing_values]
        provider = layer.dataProvider()
        for band in range(1, layer.bandCount() + 1):
            provider.setUserNoDataValue(band, ranges)
    style = style_for_variable(variable.name, variable.long_name)
    apply_style(layer, style, value_range(style, variable), unit_label(variable.units), variable.band)
    if variable.is_temporal and variable.band == 1:
        temporal.set_band_ranges(layer, variable.band_start_days, variable.band_end_days)
        layer.setLegend(DatedRasterLegend(time_caption(source, variable)))
    layer.setMetadata(_metadata(source, variable, layer.metadata()))
    for key, value in (("kind", source.kind), ("variable", variable.name), ("style", style)):
        layer.setCustomProperty(PROPERTY_PREFIX + key, value)
    return layer


def _arrow_layer(source: ResultSource, style: str, spacing_px: int, crs) -> QgsMapLayer | None:
    """Mesh arrows for NetCDF velocities; thinned point arrows when MDAL finds no vector pair."""
    vx, vy = source.variable("vx"), source.variable("vy")
    if vx is None or vy is None or source.kind not in ("inversion", "mosaic", "composite"):
        return None
    name = tr("Flow vectors")
    layer = None
    if source.file_format == "netcdf":
        layer = vectors.build_vector_mesh_layer(source.path, name, style, spacing_px)
    if layer is not None:
        if vx.is_temporal:
            temporal.align_mesh_to_steps(layer, vx.band_start_days, vx.band_centre_days)
        note = tr("Arrows from vx/vy drawn by the mesh layer (MDAL), sized by speed.")
    else:
        try:
            output = _sidecar_path(source.path, "_arrows.gpkg")
            layer = vectors.build_arrow_point_layer(vx, vy, name, output, crs)
        except (DataError, OSError, RuntimeError) as exc:  # arrows are optional: keep the rasters
            QgsMessageLog.logMessage(
                tr("No flow arrows for {}: {}").format(source.path.name, exc),
                MESSAGE_TAG,
                Qgis.MessageLevel.Info,
            )
            return None
        apply_vector_style(layer, "arrows")
        note = tr("Thinned arrows of the first time step (MDAL found no vx/vy vector pair).")
    metadata = _metadata(source, vx, layer.metadata())
    metadata.setAbstract(metadata.abstract() + "\n" + note)
    layer.setMetadata(metadata)
    layer.setCustomProperty(PROPERTY_PREFIX + "kind", source.kind)
    layer.setCustomProperty(PROPERTY_PREFIX + "variable", "vx,vy")
    layer.setCustomProperty(PROPERTY_PREFIX + "visible", True)
    return layer


def _track_layer(source: ResultSource, layer_name: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{source.path}|layername={layer_name}", layer_name, "ogr")
    if not layer.isValid():
        raise DataError(f"QGIS cannot open layer {layer_name} of {source.path.name}.")
    apply_vector_style(layer, "tracks")
    if _m_looks_like_dates(layer):
        properties = layer.temporalProperties()
        properties.setMode(Qgis.VectorTemporalMode.FeatureDateTimeStartAndEndFromExpressions)
        properties.setStartExpression("datetime_from_epoch(m_min($geometry) * 86400000)")
        properties.setEndExpression("datetime_from_epoch(m_max($geometry) * 86400000)")
        properties.setIsActive(True)
    layer.setMetadata(_metadata(source, None, layer.metadata()))
    layer.setCustomProperty(PROPERTY_PREFIX + "kind", source.kind)
    layer.setCustomProperty(PROPERTY_PREFIX + "visible", True)
    return layer


def _m_looks_like_dates(layer: QgsVectorLayer) -> bool:
    """M values are days since 1970-01-01 (first feature's M within 1970..2100), not relative days."""
    if not QgsWkbTypes.hasM(layer.wkbType()):
        return False
    for feature in layer.getFeatures(QgsFeatureRequest().setLimit(1)):
        m_values = [vertex.m() for vertex in feature.geometry().vertices()]
        return bool(m_values) and min(m_values) > MIN_DATE_DAYS and max(m_values) < MAX_DATE_DAYS
    return False


def _metadata(source: ResultSource, variable: VariableSource | None, metadata: QgsLayerMetadata):
    """Provenance note: source file, variable, units, time steps, history attributes."""
    lines = [tr("Source file: {}").format(source.path)]
    if variable is not None:
        lines.append(
            tr("Variable: {} ({}), units: {}").format(variable.name, variable.long_name, variable.units)
        )
        if variable.is_temporal:
            first = temporal.datetime_from_days(variable.band_start_days.min()).toString("yyyy-MM-dd")
            last = temporal.datetime_from_days(variable.band_end_days.max()).toString("yyyy-MM-dd")
            lines.append(tr("{} time steps from {} to {}").format(variable.band_count, first, last))
        metadata.setTitle(variable.long_name or variable.name)
    else:
        metadata.setTitle(source.path.stem)
    lines += source.history
    metadata.setAbstract("\n".join(lines))
    metadata.setHistory(source.history)
    metadata.setType("dataset")
    metadata.setKeywords({"ITS_LIVE": [source.kind]})
    return metadata


def _sidecar_path(path: Path, suffix: str) -> Path:
    """``<stem><suffix>`` beside ``path`` when that folder is writable, else in the temp folder."""
    candidate = path.with_name(path.stem + suffix)
    try:
        probe = candidate.with_name(f".{candidate.name}.probe")
        probe.touch()
        probe.unlink()
        return candidate
    except OSError:
        return Path(tempfile.gettempdir()) / candidate.name
