"""itslive:granules — the image-pair granules of a datacube over an extent and a time window, as a table.

One row per pair (dates, sensors, date_dt, valid-pixel percentage, cells with a valid v in the
extent, granule_url), from the cube's pair metadata (core.granules.list_granules). The table has
a layer action "Load image-pair granule" (attribute table, identify tool); its selected rows load
with itslive:loadgranules (check "Selected features only").
"""

from __future__ import annotations

from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingUtils,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QMetaType, Qt

from ..i18n import tr
from .base import ItsLiveAlgorithm, dates_problem, extent_in_crs, progress_for, satellites_problem, split_list

FIELD_TYPES = {
    "date": QMetaType.Type.QDate,
    "float": QMetaType.Type.Double,
    "int": QMetaType.Type.Int,
    "str": QMetaType.Type.QString,
}


class GranulesAlgorithm(ItsLiveAlgorithm):
    """List the image-pair granules of a cube covering an extent in a time window."""

    NAME = "granules"
    CAPABILITY = "granules"
    CUBE = "CUBE"
    EXTENT = "EXTENT"
    START_DATE = "START_DATE"
    END_DATE = "END_DATE"
    SATELLITES = "SATELLITES"
    MIN_DT_DAYS = "MIN_DT_DAYS"
    MAX_DT_DAYS = "MAX_DT_DAYS"
    MIN_VALID_PCT = "MIN_VALID_PCT"
    OUTPUT = "OUTPUT"
    COUNT = "COUNT"

    def displayName(self):
        return tr("Image-pair granules of a datacube")

    def shortHelpString(self):
        return tr(
            "The image pairs (velocity_image_pair granules) behind a datacube: one row per pair with its "
            "acquisition dates, mid_date, date_dt (days), satellites, sensors, missions, "
            "roi_valid_percentage (%), the cells with a valid v in the extent, and granule_url.\n\n"
            "CUBE: datacube URL (zarr_url from itslive:findcubes) or local .zarr. EXTENT (optional): keep "
            "the pairs with at least one valid velocity in it. START_DATE, END_DATE (YYYY-MM-DD, "
            "inclusive): window on mid_date. SATELLITES (e.g. 8,9,2A): both images from these. "
            "MIN_DT_DAYS / MAX_DT_DAYS bound date_dt; MIN_VALID_PCT the valid-pixel percentage.\n\n"
            "Load a granule from the table with its action 'Load image-pair granule', or the selected "
            "rows with 'Load image-pair granules' (selected features only). Granules are read by HTTP "
            "range requests from the configured store.\n\n"
            "Data: NASA MEaSUREs ITS_LIVE (Gardner et al., doi:10.5194/egusphere-2025-392)."
        )

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterString(self.CUBE, tr("Datacube URL or path")))
        self.addParameter(
            QgsProcessingParameterExtent(self.EXTENT, tr("Extent (optional, any CRS)"), optional=True)
        )
        for name, label in (
            (self.START_DATE, tr("First mid_date (YYYY-MM-DD)")),
            (self.END_DATE, tr("Last mid_date (YYYY-MM-DD)")),
        ):
            self.addParameter(QgsProcessingParameterString(name, label, optional=True))
        self.addParameter(
            QgsProcessingParameterString(self.SATELLITES, tr("Satellites (e.g. 8,9,2A)"), optional=True)
        )
        for name, label, high in (
            (self.MIN_DT_DAYS, tr("Minimum date_dt (days)"), 36500.0),
            (self.MAX_DT_DAYS, tr("Maximum date_dt (days)"), 36500.0),
            (self.MIN_VALID_PCT, tr("Minimum roi_valid_percentage (%)"), 100.0),
        ):
            self.addParameter(
                QgsProcessingParameterNumber(
                    name,
                    label,
                    QgsProcessingParameterNumber.Type.Double,
                    optional=True,
                    minValue=0.0,
                    maxValue=high,
                )
            )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Image-pair granules"), QgsProcessing.SourceType.TypeVector
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, tr("Number of granules")))

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = dates_problem(
            self.parameterAsString(parameters, self.START_DATE, context),
            self.parameterAsString(parameters, self.END_DATE, context),
        ) or satellites_problem(self.parameterAsString(parameters, self.SATELLITES, context))
        return (False, problem) if problem else (True, "")

    def processAlgorithm(self, parameters, context, feedback):
        from .. import settings
        from ..core.cube import PairFilter, open_pairs
        from ..core.geo import crs_from_dataset
        from ..core.granules import GRANULE_FIELDS, list_granules
        from ..core.io import confine_url

        config = self.store_config()
        cube = self.parameterAsString(parameters, self.CUBE, context).strip()
        url = self.run_core(confine_url, cube, config, settings.allow_other_hosts(), self.CUBE)
        number = self._number(parameters, context)
        pair_filter = self.run_core(
            PairFilter.create,
            satellites=split_list(self.parameterAsString(parameters, self.SATELLITES, context)),
            min_interval_days=number(self.MIN_DT_DAYS),
            max_interval_days=number(self.MAX_DT_DAYS),
            min_roi_valid_percentage=number(self.MIN_VALID_PCT),
        )
        ds = self.run_core(open_pairs, url, config, data_parameter=self.CUBE)
        extent = None
        if parameters.get(self.EXTENT) not in (None, ""):
            crs = self.run_core(crs_from_dataset, ds, source=self.CUBE)
            extent = extent_in_crs(self, parameters, self.EXTENT, context, crs)
        granules = self.run_core(
            list_granules,
            ds,
            start_days=self._day(parameters, self.START_DATE, context),
            end_days=self._day(parameters, self.END_DATE, context),
            pair_filter=pair_filter,
            extent=extent,
            progress=progress_for(feedback),
            data_parameter=self.CUBE,
        )
        fields = QgsFields()
        for name, kind in GRANULE_FIELDS:
            fields.append(
                QgsField(name, QMetaType.Type.QDateTime if name == "mid_date" else FIELD_TYPES[kind])
            )
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, QgsWkbTypes.Type.NoGeometry
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        for granule in granules:
            feature = QgsFeature(fields)
            row = granule.as_row()
            feature.setAttributes([_value(row[name], kind, name) for name, kind in GRANULE_FIELDS])
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        feedback.pushInfo(tr("{} image-pair granule(s) of {}.").format(len(granules), url))
        self._dest_id = dest_id
        return {self.OUTPUT: dest_id, self.COUNT: len(granules)}

    def postProcessAlgorithm(self, context, feedback):
        """The table gets its 'Load image-pair granule' action before it reaches the project."""
        from ..layers.granule import add_load_action

        layer = QgsProcessingUtils.mapLayerFromString(getattr(self, "_dest_id", ""), context)
        if layer is not None:
            add_load_action(layer)
        return {}

    def _number(self, parameters, context):
        def number(name):
            if parameters.get(name) in (None, ""):
                return None
            return self.parameterAsDouble(parameters, name, context)

        return number

    def _day(self, parameters, name, context) -> float | None:
        from .alg_export_map import parse_date

        text = self.parameterAsString(parameters, name, context).strip()
        if not text:
            return None
        day = parse_date(text, name)
        return day + (1.0 - 1e-9 if name == self.END_DATE else 0.0)


def _value(value, kind: str, name: str):
    """A table cell: dates as QDate (mid_date as UTC QDateTime), NaN as NULL."""
    import math

    if kind == "date":
        if value is None or not math.isfinite(value):
            return None
        if name == "mid_date":
            msecs = int(round(value * 86400000.0))
            return QDateTime.fromMSecsSinceEpoch(msecs, Qt.TimeSpec.UTC)
        return QDate(1970, 1, 1).addDays(int(math.floor(value)))
    if kind == "float":
        return None if value is None or not math.isfinite(value) else float(value)
    return value
