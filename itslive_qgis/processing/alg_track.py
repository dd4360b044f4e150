"""itslive:track — particle paths (LineStringM, M = days since 1970-01-01) through a velocity field."""

from __future__ import annotations

import datetime as dt

from qgis.core import (
    Qgis,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsLineString,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDateTime, QMetaType, Qt

from ..i18n import tr
from .base import ItsLiveAlgorithm, progress_for
from .velocity_inputs import (
    VelocityParameterIds,
    add_crs_parameters,
    add_velocity_parameters,
    describe_source,
    qgis_crs,
    read_velocity_input,
    velocity_input_problem,
)

EPOCH = dt.date(1970, 1, 1)
#: Start date of a static field when none is given.
STATIC_START = dt.date(2000, 1, 1)
DIRECTIONS = ("forward", "backward")
MS_PER_DAY = 86_400_000
#: post-processors must outlive the algorithm run (Python would delete them)
_POST_PROCESSORS: list = []


class TrackAlgorithm(VelocityParameterIds, ItsLiveAlgorithm):
    """Track particles from seed points through a static or time-varying velocity field."""

    NAME = "track"
    CAPABILITY = "tracking"
    ICON = "track.svg"
    GROUP = "Analysis"
    GROUP_ID = "analysis"
    SEEDS = "SEEDS"
    START_DATE = "START_DATE"
    DURATION_DAYS = "DURATION_DAYS"
    STEP_DAYS = "STEP_DAYS"
    DIRECTION = "DIRECTION"
    OUTPUT = "OUTPUT"
    COUNT = "COUNT"
    #: DURATION_DAYS and STEP_DAYS (days): defaults and their common lower bound (no upper bound)
    DEFAULT_DURATION_DAYS = 365.0
    DEFAULT_STEP_DAYS = 5.0
    MIN_DAYS = 1e-3
    #: DIRECTION option 0: forward (DIRECTIONS)
    DEFAULT_DIRECTION = 0

    def displayName(self):
        return tr("Track particles")

    def shortHelpString(self):
        return tr(
            "Paths of ice particles from seed points through a velocity field, by 4th-order Runge-Kutta "
            "steps with bilinear interpolation in space and, for a time-varying field (e.g. an inversion "
            "result with a time axis), linear interpolation in time.\n\n"
            "Velocities: INPUT, a NetCDF or Zarr dataset with vx and vy (ground m/yr; a static mosaic "
            "clip or a field with a time axis), OR the two rasters VX and VY (static).\n"
            "SEEDS: points in any CRS (reprojected to the field's CRS); every point of a multipoint "
            "feature is a seed.\n"
            "START_DATE: YYYY-MM-DD; empty = the field's first time when tracking forward, its last time "
            "backward, and 2000-01-01 for a static field. DURATION_DAYS and STEP_DAYS: total time and "
            "Runge-Kutta step (days). DIRECTION: forward (where the ice goes) or backward (where it "
            "came from).\n"
            "A particle stops at its last position with data when it would leave the grid, meet a cell "
            "without data or leave the field's time span (stop_reason: completed, left_grid, no_data, "
            "outside_time). Seeds without data are skipped with a warning.\n\n"
            "OUTPUT: one LineStringM per seed in the field's CRS, first vertex at the seed; M = days "
            "since 1970-01-01 at each vertex (decreasing for backward tracks). Fields: seed_id (feature "
            "id of the seed), start and end (date-times: earliest and latest time on the path), "
            "direction, stop_reason. To animate with the temporal controller, set the layer's temporal "
            "mode to 'Separate fields for start and end date/time' with start and end (the toolbox "
            "does this when it loads the layer)."
        )

    def initAlgorithm(self, config=None):
        add_velocity_parameters(self)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.SEEDS, tr("Seed points (any CRS)"), [QgsProcessing.SourceType.TypeVectorPoint]
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.START_DATE,
                tr("Start date YYYY-MM-DD (empty: first time of the field, 2000-01-01 if static)"),
                defaultValue="",
                optional=True,
            )
        )
        for name, label, default, minimum in (
            (self.DURATION_DAYS, tr("Duration (days)"), self.DEFAULT_DURATION_DAYS, self.MIN_DAYS),
            (self.STEP_DAYS, tr("Time step (days)"), self.DEFAULT_STEP_DAYS, self.MIN_DAYS),
        ):
            self.addParameter(
                QgsProcessingParameterNumber(
                    name,
                    label,
                    type=Qgis.ProcessingNumberParameterType.Double,
                    defaultValue=default,
                    minValue=minimum,
                )
            )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.DIRECTION,
                tr("Direction"),
                options=[tr("Forward"), tr("Backward")],
                defaultValue=self.DEFAULT_DIRECTION,
            )
        )
        add_crs_parameters(self)
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Particle tracks"), QgsProcessing.SourceType.TypeVectorLine
            )
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = velocity_input_problem(self, parameters, context)
        problem = problem or self._steps_problem(parameters, context)
        if not problem:
            try:
                parse_date(self.parameterAsString(parameters, self.START_DATE, context))
            except QgsProcessingException as exc:
                problem = str(exc)
        return (False, problem) if problem else (True, "")

    def _steps_problem(self, parameters, context) -> str:
        """Why DURATION_DAYS / STEP_DAYS would be too many steps ('' when not)."""
        from ..core.errors import InputError
        from ..core.fields import check_step_count

        try:
            check_step_count(
                self.parameterAsDouble(parameters, self.DURATION_DAYS, context),
                self.parameterAsDouble(parameters, self.STEP_DAYS, context),
            )
        except InputError as exc:
            return str(exc)
        return ""

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.fields import FlowField, read_velocity, track_particles

        problem = self._steps_problem(parameters, context)
        if problem:
            raise QgsProcessingException(problem)

        velocity = read_velocity_input(self, parameters, context, feedback)
        seeds_source = self.parameterAsSource(parameters, self.SEEDS, context)
        if seeds_source is None:
            raise QgsProcessingException(tr("Choose a point layer of seeds (SEEDS)."))
        start = parse_date(self.parameterAsString(parameters, self.START_DATE, context))
        duration_days = self.parameterAsDouble(parameters, self.DURATION_DAYS, context)
        step_days = self.parameterAsDouble(parameters, self.STEP_DAYS, context)
        direction = DIRECTIONS[self.parameterAsEnum(parameters, self.DIRECTION, context)]

        grid = self.run_core(read_velocity, velocity.source, crs=velocity.crs, **velocity.names)
        field = self.run_core(
            FlowField.from_arrays,
            grid.vx,
            grid.vy,
            grid.x,
            grid.y,
            grid.crs,
            time_days=grid.time_days,
            scale_correction=velocity.scale_correction,
        )
        crs = qgis_crs(grid.crs)
        start_days = self._start_days(start, field, direction, feedback)
        seed_ids, seeds_xy = self._seeds(seeds_source, crs, context, feedback)
        feedback.pushInfo(
            tr("Tracking {} seed(s) {} for {} days from {} through {}").format(
                len(seeds_xy),
                direction,
                duration_days,
                iso_date(start_days),
                describe_source(velocity.source),
            )
        )
        tracks = self.run_core(
            track_particles,
            seeds_xy,
            field,
            start_days,
            duration_days,
            step_days,
            direction=direction,
            progress=progress_for(feedback),
        )
        moved = [(sid, track) for sid, track in zip(seed_ids, tracks) if len(track.xs) > 1]
        if not moved:
            raise QgsProcessingException(no_track_message(tracks, crs, start_days, field))
        skipped = len(tracks) - len(moved)
        if skipped:
            feedback.pushWarning(
                tr("{} seed(s) could not be tracked and were skipped: {}").format(
                    skipped, _reason_counts([t for t in tracks if len(t.xs) < 2])
                )
            )

        fields = track_fields()
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, Qgis.WkbType.LineStringM, crs
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        for seed_id, track in moved:
            feature = QgsFeature(fields)
            line = QgsLineString(track.xs.tolist(), track.ys.tolist(), [], track.t_days.tolist())
            feature.setGeometry(QgsGeometry(line))
            feature.setAttributes(
                [
                    int(seed_id),
                    datetime_from_days(float(track.t_days.min())),
                    datetime_from_days(float(track.t_days.max())),
                    direction,
                    str(track.stop_reason),
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        if context.willLoadLayerOnCompletion(dest_id):
            processor = TrackLayerPostProcessor()
            _POST_PROCESSORS.append(processor)
            context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(processor)
        feedback.pushInfo(tr("{} track(s) written.").format(len(moved)))
        return {self.OUTPUT: dest_id, self.COUNT: len(moved)}

    # -- helpers ---------------------------------------------------------------------------------
    def _start_days(self, start: dt.date | None, field, direction: str, feedback) -> float:
        if start is not None:
            return float((start - EPOCH).days)
        if field.time_days is None:
            feedback.pushInfo(tr("Static field and no start date: the tracks start on 2000-01-01."))
            return float((STATIC_START - EPOCH).days)
        return float(field.time_days[0] if direction == "forward" else field.time_days[-1])

    def _seeds(self, source, crs, context, feedback):
        request = QgsFeatureRequest().setDestinationCrs(crs, context.transformContext())
        ids, points = [], []
        for feature in source.getFeatures(request):
            if feedback.isCanceled():
                raise QgsProcessingException(tr("Cancelled: no output was written."))
            if not feature.hasGeometry():
                continue
            for vertex in feature.geometry().vertices():
                ids.append(feature.id())
                points.append((vertex.x(), vertex.y()))
        if not points:
            raise QgsProcessingException(tr("The seed layer holds no point."))
        return ids, points


class TrackLayerPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Makes a loaded track layer temporal (start/end fields) and styles it."""

    def postProcessLayer(self, layer, context, feedback):
        if not isinstance(layer, QgsVectorLayer):
            return
        try:
            from ..layers import apply_vector_style

            apply_vector_style(layer, "tracks")
        except (ImportError, FileNotFoundError):
            pass
        set_track_temporal_properties(layer)  # after the style: loading a .qml resets temporal settings


def set_track_temporal_properties(layer: QgsVectorLayer) -> None:
    """Temporal mode 'separate start and end fields' on the ``start`` / ``end`` fields."""
    properties = layer.temporalProperties()
    properties.setMode(Qgis.VectorTemporalMode.FeatureDateTimeStartAndEndFromFields)
    properties.setStartField("start")
    properties.setEndField("end")
    properties.setIsActive(True)


def track_fields() -> QgsFields:
    """Attribute table of the track layer."""
    fields = QgsFields()
    fields.append(QgsField("seed_id", QMetaType.Type.LongLong))
    fields.append(QgsField("start", QMetaType.Type.QDateTime))
    fields.append(QgsField("end", QMetaType.Type.QDateTime))
    fields.append(QgsField("direction", QMetaType.Type.QString))
    fields.append(QgsField("stop_reason", QMetaType.Type.QString))
    return fields


def parse_date(text: str) -> dt.date | None:
    """A YYYY-MM-DD date, or None for an empty string."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise QgsProcessingException(
            tr("Start date {} is not a date: write it as YYYY-MM-DD, e.g. 2018-01-01.").format(text)
        ) from exc


def datetime_from_days(days: float) -> QDateTime:
    """UTC QDateTime of ``days`` since 1970-01-01."""
    return QDateTime.fromMSecsSinceEpoch(int(round(days * MS_PER_DAY)), Qt.TimeSpec.UTC)


def iso_date(days: float) -> str:
    """``YYYY-MM-DD`` of ``days`` since 1970-01-01."""
    return (EPOCH + dt.timedelta(days=float(days))).isoformat()


def no_track_message(tracks, crs, start_days: float, field) -> str:
    """Why no seed could be tracked, and what to check."""
    text = tr("None of the {} seed(s) could be tracked ({}).").format(len(tracks), _reason_counts(tracks))
    text += " " + tr(
        "Check that the seeds lie on cells with velocity data (field CRS {}, x {:.0f} to {:.0f} m, "
        "y {:.0f} to {:.0f} m)"
    ).format(crs.authid() or crs.description(), field.x.min(), field.x.max(), field.y.min(), field.y.max())
    if field.time_days is not None:
        text += " " + tr("and that the start date {} is within the field's time span {} to {}").format(
            iso_date(start_days), iso_date(field.time_days[0]), iso_date(field.time_days[-1])
        )
    return text + "."


def _reason_counts(tracks) -> str:
    labels = {
        "left_grid": tr("outside the velocity grid"),
        "no_data": tr("on cells without data"),
        "outside_time": tr("outside the field's time span"),
        "completed": tr("completed"),
    }
    counts: dict[str, int] = {}
    for track in tracks:
        counts[track.stop_reason] = counts.get(track.stop_reason, 0) + 1
    return ", ".join(f"{n} {labels.get(reason, reason)}" for reason, n in counts.items())
