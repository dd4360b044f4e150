"""itslive:profile — velocity along a line (v, v_along, v_across every SPACING_M) over time, and its
Hovmoller diagram."""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsFeatureRequest,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsRasterLayer,
)

from .. import settings
from ..i18n import tr
from .base import ItsLiveAlgorithm, dataset_problem
from .velocity_inputs import (
    CRS,
    DATASET_FILTER,
    VelocityInput,
    add_crs_parameters,
    crs_spec,
    qgis_crs,
    velocity_crs,
)

#: post-processors must outlive the algorithm run (Python would delete them)
_POST_PROCESSORS: list = []


class ProfileAlgorithm(ItsLiveAlgorithm):
    """Sample a velocity dataset along the first (or selected) line of a layer."""

    NAME = "profile"
    CAPABILITY = "profile"
    ICON = "itslive.svg"
    GROUP = "Analysis"
    GROUP_ID = "analysis"
    INPUT = "INPUT"
    LINE = "LINE"
    SPACING_M = "SPACING_M"
    BIN_DAYS = "BIN_DAYS"
    CRS = CRS
    OUTPUT = "OUTPUT"
    HOVMOLLER = "HOVMOLLER"
    #: SPACING_M (map metres): default and bounds
    DEFAULT_SPACING_M = 120.0
    MIN_SPACING_M = 1.0
    #: BIN_DAYS (days) of the Hovmoller rows
    DEFAULT_BIN_DAYS = 30.0
    MIN_BIN_DAYS = 1.0

    def displayName(self):
        return tr("Velocity profile along a line")

    def shortHelpString(self):
        return tr(
            "Velocity along a line, over time: samples every SPACING_M metres (map metres in the velocity "
            "grid's CRS, default 120 m = one ITS_LIVE cell) along the first feature of LINE (or the first "
            "selected one), from a datacube (.zarr), a subset, an inversion result or a static field "
            "(NetCDF/Zarr with vx, vy in m/yr); a datacube URL is read from the configured store, only the "
            "chunks under the line.\n\n"
            "OUTPUT (.nc): dims (time, distance), or (distance) for a static field; v = speed of the "
            "interpolated components (m/yr), v_along = component along the line, positive in the line's "
            "direction (the flow-parallel speed a flowline model wants when the line is a flowline), "
            "v_across = component across it, positive to the left; distance_m (metres from the first "
            "vertex), x and y of each sample. Bilinear interpolation of vx and vy; a sample next to a "
            "missing cell that carries weight is NaN. Cube pairs keep their mid_date (sorted) and date_dt.\n"
            "HOVMOLLER (optional GeoTIFF): a distance x time raster of v_along (m/yr): x = km along the "
            "line (one pixel per sample), y = decimal year (rows of BIN_DAYS days, the latest on top, the "
            "mean of the profiles in each bin); it has no map CRS.\n"
            "Draw the line with the digitizing tools, or make a flowline with itslive:flowline."
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
                self.LINE,
                tr("Line (first or selected feature, any CRS)"),
                [QgsProcessing.SourceType.TypeVectorLine],
            )
        )
        for name, label, default, minimum in (
            (
                self.SPACING_M,
                tr("Sample spacing along the line (metres)"),
                self.DEFAULT_SPACING_M,
                self.MIN_SPACING_M,
            ),
            (self.BIN_DAYS, tr("Hovmoller time bin (days)"), self.DEFAULT_BIN_DAYS, self.MIN_BIN_DAYS),
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
        self.removeParameter("SCALE_CORRECTION")  # samples are not differentiated: no scale factor
        self.addParameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, tr("Profile (NetCDF)"), "NetCDF (*.nc)")
        )
        self.addParameter(
            QgsProcessingParameterRasterDestination(
                self.HOVMOLLER,
                tr("Hovmoller diagram (distance x time, m/yr)"),
                optional=True,
                createByDefault=False,
            )
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        source = self.parameterAsFile(parameters, self.INPUT, context).strip()
        if "://" in source:  # a datacube URL: checked against the configured store
            from ..core.errors import InputError
            from ..core.io import confine_url

            try:
                confine_url(source, settings.checked_store_config(), settings.allow_other_hosts(), self.INPUT)
            except InputError as exc:
                return False, str(exc)
            return True, ""
        problem = dataset_problem(source, self.INPUT)
        return (False, problem) if problem else (True, "")

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.profile import profile_dataset, write_hovmoller, write_profile

        path = self.parameterAsFile(parameters, self.INPUT, context).strip()
        crs_param = self.parameterAsCrs(parameters, self.CRS, context)
        velocity = VelocityInput(source=path, crs=crs_spec(crs_param) if crs_param.isValid() else None)
        source, grid_crs = self._source(velocity)
        line = self._line(parameters, context, grid_crs)
        spacing = self.parameterAsDouble(parameters, self.SPACING_M, context)
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        feedback.pushInfo(
            tr("Sampling {} every {} m along a {}-vertex line").format(path, spacing, len(line))
        )
        profile = self.run_core(
            profile_dataset, source, line, spacing, crs=velocity.crs, data_parameter=self.INPUT
        )
        params = {"input": path, "spacing_m": spacing, "line_vertices": len(line), "line": line}
        sources = None if "://" not in path else [path]  # a local file names itself (profile source_urls)
        self.run_core(write_profile, profile, output, params, sources)
        results = {self.OUTPUT: output}
        hov = self.parameterAsOutputLayer(parameters, self.HOVMOLLER, context)
        if hov and "time" in profile.dims:
            bin_days = self.parameterAsDouble(parameters, self.BIN_DAYS, context)
            results[self.HOVMOLLER] = str(self.run_core(write_hovmoller, profile, hov, "v_along", bin_days))
            if context.willLoadLayerOnCompletion(hov):
                processor = HovmollerPostProcessor()
                _POST_PROCESSORS.append(processor)
                context.layerToLoadOnCompletionDetails(hov).setPostProcessor(processor)
        elif hov:
            feedback.pushWarning(
                tr("The velocity field is static: no Hovmoller diagram (it needs a time axis).")
            )
        n_valid = int(profile["v"].notnull().sum())
        feedback.pushInfo(
            tr("{} samples over {:.0f} m, {} valid values written to {}").format(
                profile.sizes["distance"], profile.attrs["line_length_m"], n_valid, output
            )
        )
        return results

    def _source(self, velocity):
        """(what profile_dataset reads, QGIS CRS of the grid): a local file, or a cube URL opened lazily."""
        if "://" not in str(velocity.source):
            return velocity.source, velocity_crs(self, velocity)
        from ..core.cube import open_pairs
        from ..core.geo import crs_from_dataset
        from ..core.io import confine_url

        config = self.store_config()
        url = self.run_core(confine_url, velocity.source, config, settings.allow_other_hosts(), self.INPUT)
        ds = self.run_core(
            open_pairs, url, config, data_parameter=self.INPUT
        )  # only the line's strip is read
        return ds, qgis_crs(self.run_core(crs_from_dataset, ds, velocity.crs))

    def _line(self, parameters, context, grid_crs):
        source = self.parameterAsSource(parameters, self.LINE, context)
        if source is None:
            raise QgsProcessingException(tr("Choose a line layer (LINE)."))
        request = QgsFeatureRequest().setDestinationCrs(grid_crs, context.transformContext())
        for feature in source.getFeatures(request):
            if not feature.hasGeometry():
                continue
            geometry = feature.geometry()
            parts = geometry.asMultiPolyline() if geometry.isMultipart() else [geometry.asPolyline()]
            if parts and len(parts[0]) >= 2:
                if len(parts) > 1:
                    raise QgsProcessingException(
                        tr(
                            "LINE: the first feature has {} parts; use a single line (explode it first)."
                        ).format(len(parts))
                    )
                return [(p.x(), p.y()) for p in parts[0]]
        raise QgsProcessingException(tr("LINE holds no line with at least two vertices."))


class HovmollerPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Styles a loaded Hovmoller raster: the diverging ramp (v_along is signed), symmetric around 0."""

    def postProcessLayer(self, layer, context, feedback):
        if not isinstance(layer, QgsRasterLayer):
            return
        import numpy as np

        from ..layers import apply_style

        block = layer.dataProvider().block(1, layer.extent(), layer.width(), layer.height())
        values = np.array(
            [
                block.value(r, c)
                for r in range(block.height())
                for c in range(block.width())
                if not block.isNoData(r, c)
            ]
        )
        values = values[np.isfinite(values)]
        bound = float(np.percentile(np.abs(values), 98)) if values.size else 1.0
        try:
            apply_style(layer, "diverging", (-bound, bound), units="m/yr")
        except FileNotFoundError:
            return
