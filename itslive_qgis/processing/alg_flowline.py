"""itslive:flowline — the flowline through a point, up- and downstream (LineStringM, M = metres)."""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsLineString,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterNumber,
    QgsProcessingParameterPoint,
)
from qgis.PyQt.QtCore import QMetaType

from ..i18n import tr
from .base import ItsLiveAlgorithm, progress_for
from .velocity_inputs import (
    VelocityParameterIds,
    add_crs_parameters,
    add_velocity_parameters,
    describe_source,
    read_velocity_input,
    velocity_crs,
    velocity_input_problem,
)


class FlowlineAlgorithm(VelocityParameterIds, ItsLiveAlgorithm):
    """Trace the flowline of a (static or time-mean) velocity field through a start point."""

    NAME = "flowline"
    CAPABILITY = "tracking"
    ICON = "track.svg"
    GROUP = "Analysis"
    GROUP_ID = "analysis"
    START = "START"
    STEP_M = "STEP_M"
    MAX_LENGTH_M = "MAX_LENGTH_M"
    MIN_SPEED = "MIN_SPEED"
    OUTPUT = "OUTPUT"
    #: STEP_M, MAX_LENGTH_M (map metres), MIN_SPEED (m/yr): defaults and lower bounds (no upper bound)
    DEFAULT_STEP_M = 60.0
    MIN_STEP_M = 1.0
    DEFAULT_MAX_LENGTH_M = 100_000.0
    MIN_LENGTH_M = 10.0
    DEFAULT_MIN_SPEED = 1.0
    MIN_MIN_SPEED = 0.0

    def displayName(self):
        return tr("Flowline from a point")

    def shortHelpString(self):
        return tr(
            "A flowline (a line everywhere parallel to the flow) through START, traced upstream and "
            "downstream through the velocity field (INPUT dataset or VX/VY rasters, m/yr). A time-varying "
            "field (a cube, a subset, an inversion) is averaged over time first, component by component.\n\n"
            "The particle tracker of itslive:track follows the flow DIRECTION with steps of STEP_M map "
            "metres (4th-order Runge-Kutta, bilinear interpolation), so the vertex spacing is the same in "
            "fast and slow ice. Each direction stops after MAX_LENGTH_M metres, at the grid's edge, at "
            "missing data, or on ice slower than MIN_SPEED m/yr (no defined direction).\n\n"
            "OUTPUT: one LineStringM from the upstream to the downstream end, M = distance along the line "
            "from its upstream end (metres); fields length_m, upstream_m, downstream_m (from START) and "
            "why each end stopped. Sample velocities along it with itslive:profile."
        )

    def initAlgorithm(self, config=None):
        add_velocity_parameters(self)
        self.addParameter(QgsProcessingParameterPoint(self.START, tr("Start point")))
        for name, label, default, minimum in (
            (self.STEP_M, tr("Vertex spacing (metres)"), self.DEFAULT_STEP_M, self.MIN_STEP_M),
            (
                self.MAX_LENGTH_M,
                tr("Longest trace each way (metres)"),
                self.DEFAULT_MAX_LENGTH_M,
                self.MIN_LENGTH_M,
            ),
            (
                self.MIN_SPEED,
                tr("Stop on ice slower than (m/yr)"),
                self.DEFAULT_MIN_SPEED,
                self.MIN_MIN_SPEED,
            ),
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
        add_crs_parameters(self)
        self.removeParameter(self.SCALE_CORRECTION)  # only the direction is followed: no scale factor
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Flowline"), QgsProcessing.SourceType.TypeVectorLine
            )
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = velocity_input_problem(self, parameters, context)
        return (False, problem) if problem else (True, "")

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.profile import trace_flowline

        velocity = read_velocity_input(self, parameters, context, feedback)
        crs = velocity_crs(self, velocity)
        point = self.parameterAsPoint(parameters, self.START, context, crs)  # in the grid's CRS
        step = self.parameterAsDouble(parameters, self.STEP_M, context)
        feedback.pushInfo(
            tr("Tracing the flowline through ({:.1f}, {:.1f}) in {}").format(
                point.x(), point.y(), describe_source(velocity.source)
            )
        )
        line = self.run_core(
            trace_flowline,
            velocity.source,
            (point.x(), point.y()),
            crs=velocity.crs,
            step_m=step,
            max_length_m=self.parameterAsDouble(parameters, self.MAX_LENGTH_M, context),
            min_speed_m_per_yr=self.parameterAsDouble(parameters, self.MIN_SPEED, context),
            progress=progress_for(feedback),
            **velocity.names,
        )
        fields = flowline_fields()
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, Qgis.WkbType.LineStringM, crs
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        feature = QgsFeature(fields)
        feature.setGeometry(
            QgsGeometry(QgsLineString(line.xs.tolist(), line.ys.tolist(), [], line.distance_m.tolist()))
        )
        feature.setAttributes(
            [line.length_m, line.upstream_m, line.downstream_m, line.upstream_stop, line.downstream_stop]
        )
        sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        feedback.pushInfo(
            tr("Flowline of {:.0f} m ({:.0f} m upstream: {}; {:.0f} m downstream: {})").format(
                line.length_m, line.upstream_m, line.upstream_stop, line.downstream_m, line.downstream_stop
            )
        )
        return {self.OUTPUT: dest_id}


def flowline_fields() -> QgsFields:
    """Attributes of a flowline feature."""
    fields = QgsFields()
    for name in ("length_m", "upstream_m", "downstream_m"):
        fields.append(QgsField(name, QMetaType.Type.Double))
    for name in ("upstream_stop", "downstream_stop"):
        fields.append(QgsField(name, QMetaType.Type.QString))
    return fields
