"""itslive:glacierstats — per outline, the time series of area-weighted mean and median speed and the
fraction observed (a table: CSV, GeoPackage, ...)."""

from __future__ import annotations

import math

from qgis.core import (
    Qgis,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
)
from qgis.PyQt.QtCore import QDateTime, QMetaType, Qt

from ..i18n import tr
from .base import ItsLiveAlgorithm, dataset_problem, progress_for
from .velocity_inputs import CRS, DATASET_FILTER, VelocityInput, add_crs_parameters, crs_spec, velocity_crs

#: columns of the core's table and their QGIS field types
_DATE_COLUMNS = ("time", "date_start", "date_end")
_INT_COLUMNS = ("n_pixels_observed",)


class GlacierStatsAlgorithm(ItsLiveAlgorithm):
    """Area-weighted glacier velocity statistics over time, one row per outline and time."""

    NAME = "glacierstats"
    CAPABILITY = "glacier"
    ICON = "itslive.svg"
    GROUP = "Analysis"
    GROUP_ID = "analysis"
    INPUT = "INPUT"
    OUTLINE = "OUTLINE"
    ID_FIELD = "ID_FIELD"
    MIN_OBSERVED = "MIN_OBSERVED"
    CRS = CRS
    OUTPUT = "OUTPUT"
    #: MIN_OBSERVED: fraction of the glacier observed (0..1) below which a time is left out
    DEFAULT_MIN_OBSERVED = 0.0

    def displayName(self):
        return tr("Glacier statistics over time")

    def shortHelpString(self):
        return tr(
            "For each polygon of OUTLINE (e.g. RGI outlines; the selected features only when you tick "
            "'Selected features only'), the time series of the glacier's velocity from INPUT: a datacube "
            "(.zarr, one row per image pair, time = mid_date, with date_start and date_end), a subset, "
            "an inversion result (one row per step) or a static field (one row).\n\n"
            "Columns: area_km2 (the outline's area on the grid), observed_fraction (area of pixels with "
            "both components valid / area of the outline), n_pixels_observed, vx_mean, vy_mean and v_mean "
            "(area-weighted mean of the components, then the speed, m/yr), vx_median, vy_median, v_median "
            "(weighted medians of the components, then the speed), and v_mean_of_speeds.\n\n"
            "Why the components are averaged first: a pixel's speed is always positive, so its noise does "
            "not cancel; on slow or noisy ice the mean of the pixels' speeds is biased UP (by about 1.25 "
            "times the error where the true speed is near zero). Averaging vx and vy first lets the noise "
            "cancel; v_mean_of_speeds is given only to show the difference.\n"
            "Weights: the exact area of each pixel inside the outline (pixels partly inside count by their "
            "fraction). MIN_OBSERVED: leave out times when less of the glacier is observed (0 keeps every "
            "time with any observation).\n"
            "OUTPUT: a table (CSV, GeoPackage, ...), without geometry; outline_id from ID_FIELD (or the "
            "feature id)."
        )

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFile(
                self.INPUT,
                tr("Velocity dataset (NetCDF file or .zarr folder path; vx, vy in m/yr)"),
                behavior=Qgis.ProcessingFileParameterBehavior.File,
                fileFilter=DATASET_FILTER,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.OUTLINE,
                tr("Glacier outlines (polygons, any CRS)"),
                [QgsProcessing.SourceType.TypeVectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.ID_FIELD,
                tr("Field naming each outline (e.g. rgi_id)"),
                parentLayerParameterName=self.OUTLINE,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_OBSERVED,
                tr("Leave out times when less of the glacier is observed (fraction 0-1)"),
                type=Qgis.ProcessingNumberParameterType.Double,
                defaultValue=self.DEFAULT_MIN_OBSERVED,
                minValue=0.0,
                maxValue=1.0,
            )
        )
        add_crs_parameters(self)
        self.removeParameter("SCALE_CORRECTION")
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Glacier statistics"), QgsProcessing.SourceType.TypeVector
            )
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = dataset_problem(self.parameterAsFile(parameters, self.INPUT, context).strip(), self.INPUT)
        return (False, problem) if problem else (True, "")

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.glacier import glacier_stats

        path = self.parameterAsFile(parameters, self.INPUT, context).strip()
        crs_param = self.parameterAsCrs(parameters, self.CRS, context)
        velocity = VelocityInput(source=path, crs=crs_spec(crs_param) if crs_param.isValid() else None)
        grid_crs = velocity_crs(self, velocity)
        outlines = self._outlines(parameters, context, grid_crs)
        feedback.pushInfo(tr("Statistics of {} outline(s) over {}").format(len(outlines), path))
        frame = self.run_core(
            glacier_stats,
            path,
            outlines,
            crs=velocity.crs,
            min_observed_fraction=self.parameterAsDouble(parameters, self.MIN_OBSERVED, context),
            progress=progress_for(feedback),
            data_parameter=self.INPUT,
        )
        fields = stats_fields(frame.columns)
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, Qgis.WkbType.NoGeometry
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        for values in frame.itertuples(index=False):
            if feedback.isCanceled():
                raise QgsProcessingException(tr("Cancelled: no output was written."))
            feature = QgsFeature(fields)
            feature.setAttributes([_value(name, v) for name, v in zip(frame.columns, values)])
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        feedback.pushInfo(tr("{} rows written.").format(len(frame)))
        return {self.OUTPUT: dest_id}

    def _outlines(self, parameters, context, grid_crs):
        import shapely.wkb

        source = self.parameterAsSource(parameters, self.OUTLINE, context)
        if source is None:
            raise QgsProcessingException(tr("Choose a polygon layer of glacier outlines (OUTLINE)."))
        id_fields = self.parameterAsFields(parameters, self.ID_FIELD, context)
        request = QgsFeatureRequest().setDestinationCrs(grid_crs, context.transformContext())
        out = []
        for feature in source.getFeatures(request):
            if not feature.hasGeometry() or feature.geometry().isEmpty():
                continue
            name = feature[id_fields[0]] if id_fields else feature.id()
            out.append((str(name), shapely.wkb.loads(bytes(feature.geometry().asWkb()))))
        if not out:
            raise QgsProcessingException(tr("OUTLINE holds no polygon."))
        return out


def stats_fields(columns) -> QgsFields:
    """QGIS fields of the statistics table (dates as date-times, counts as integers)."""
    fields = QgsFields()
    for name in columns:
        if name in _DATE_COLUMNS:
            kind = QMetaType.Type.QDateTime
        elif name in _INT_COLUMNS:
            kind = QMetaType.Type.Int
        elif name == "outline_id":
            kind = QMetaType.Type.QString
        else:
            kind = QMetaType.Type.Double
        fields.append(QgsField(name, kind))
    return fields


def _value(name, value):
    """A table value as QGIS takes it (NaN and NaT -> NULL, datetime64 -> QDateTime in UTC)."""
    if name in _DATE_COLUMNS:
        import pandas as pd

        if value is None or pd.isna(value):
            return None
        ms = int(pd.Timestamp(value).value // 1_000_000)
        return QDateTime.fromMSecsSinceEpoch(ms, Qt.TimeSpec.UTC)
    if name in _INT_COLUMNS:
        return int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value if name == "outline_id" else float(value)
