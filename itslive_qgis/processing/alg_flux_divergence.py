"""itslive:fluxdivergence — ice-flux divergence and dynamic thickness change (m/yr)."""

from __future__ import annotations

import os

from qgis.core import (
    Qgis,
    QgsFeatureRequest,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
)

from ..i18n import tr
from .base import ItsLiveAlgorithm, progress_for
from .velocity_inputs import (
    GRID_OUTPUT_FILTER,
    VelocityParameterIds,
    add_crs_parameters,
    add_velocity_parameters,
    describe_source,
    grid_output_path,
    output_suffix_problem,
    raster_file,
    read_velocity_input,
    velocity_crs,
    velocity_input_problem,
)


class FluxDivergenceAlgorithm(VelocityParameterIds, ItsLiveAlgorithm):
    """div(H f v) and the dynamic dh/dt it implies."""

    NAME = "fluxdivergence"
    CAPABILITY = "strain"
    ICON = "flux.svg"
    GROUP = "Analysis"
    GROUP_ID = "analysis"
    THICKNESS = "THICKNESS"
    THICKNESS_ERROR = "THICKNESS_ERROR"
    BOUNDARY = "BOUNDARY"
    BOUNDARY_POINTS = "BOUNDARY_POINTS"
    DEPTH_FACTOR = "DEPTH_FACTOR"
    OUTPUT = "OUTPUT"
    #: depth-averaged / surface speed: 1 = plug flow or sliding
    DEFAULT_DEPTH_FACTOR = 1.0
    MIN_DEPTH_FACTOR = 0.01
    MAX_DEPTH_FACTOR = 1.1

    def displayName(self):
        return tr("Flux divergence")

    def shortHelpString(self):
        return tr(
            "Divergence of the ice flux, flux_divergence = d(H f vx)/dx + d(H f vy)/dy (m/yr), and the "
            "thickness change that flow alone causes, dynamic_dhdt = -flux_divergence (m/yr; negative = "
            "dynamic thinning, where more ice leaves a cell than enters it). Surface and basal mass "
            "balance are not included.\n\n"
            "Velocities: INPUT, a NetCDF or Zarr dataset with vx and vy (ground m/yr along grid east / "
            "north; a time axis is kept), OR the two rasters VX and VY.\n"
            "THICKNESS: ice thickness raster (m) in any CRS and resolution; it is reprojected bilinearly "
            "onto the velocity grid (no-data and negative values are masked). THICKNESS_ERROR (optional, "
            "m) is handled the same way and propagated with the velocity errors.\n"
            "DEPTH_FACTOR f: depth-averaged / surface speed (1 = plug flow or sliding; about 0.8 for "
            "flow by internal deformation only).\n"
            "BOUNDARY: glacier outline as a polygon layer (any CRS, reprojected to the velocity grid), "
            "OR BOUNDARY_POINTS: a CSV of outline vertices in order with x and y columns in the "
            "velocity CRS (an optional fid column separates rings). Cells outside are masked before "
            "differencing, so no flux leaks in from outside the ice.\n"
            "CRS: the grid's CRS when the velocity file does not say (e.g. ITS_LIVE v1 clips: "
            "EPSG:3413). SCALE_CORRECTION (advanced, on): divergence on the ellipsoid, corrected for the "
            "projection scale factor.\n"
            "OUTPUT: NetCDF (.nc, with the thickness on the velocity grid and the errors) or GeoTIFF "
            "(.tif, 2-D input only)."
        )

    def initAlgorithm(self, config=None):
        add_velocity_parameters(self)
        self.addParameter(QgsProcessingParameterRasterLayer(self.THICKNESS, tr("Ice thickness (m)")))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BOUNDARY,
                tr("Glacier outline (polygons, any CRS)"),
                [QgsProcessing.SourceType.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.BOUNDARY_POINTS,
                tr("or: outline vertices CSV (x, y in the velocity CRS)"),
                behavior=Qgis.ProcessingFileParameterBehavior.File,
                optional=True,
                fileFilter="CSV (*.csv *.txt);;All files (*)",
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DEPTH_FACTOR,
                tr("Depth factor (depth-averaged / surface speed)"),
                type=Qgis.ProcessingNumberParameterType.Double,
                defaultValue=self.DEFAULT_DEPTH_FACTOR,
                minValue=self.MIN_DEPTH_FACTOR,
                maxValue=self.MAX_DEPTH_FACTOR,
            )
        )
        error = QgsProcessingParameterRasterLayer(
            self.THICKNESS_ERROR, tr("Ice thickness uncertainty (m, 1-sigma)"), optional=True
        )
        error.setFlags(error.flags() | Qgis.ProcessingParameterFlag.Advanced)
        self.addParameter(error)
        add_crs_parameters(self)
        self.addParameter(
            # optional only so that the workflow model need not ask for it when no THICKNESS is given;
            # run alone, a missing OUTPUT is refused (grid_output_path)
            QgsProcessingParameterFileDestination(
                self.OUTPUT, tr("Flux divergence"), GRID_OUTPUT_FILTER, optional=True
            )
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = (
            velocity_input_problem(self, parameters, context)
            or output_suffix_problem(parameters)
            or self._boundary_problem(parameters, context)
        )
        return (False, problem) if problem else (True, "")

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.fields import flux_divergence_to_file

        velocity = read_velocity_input(self, parameters, context, feedback)
        problem = self._boundary_problem(parameters, context)
        if problem:
            raise QgsProcessingException(problem)
        thickness_layer = self.parameterAsRasterLayer(parameters, self.THICKNESS, context)
        if thickness_layer is None:
            raise QgsProcessingException(tr("Choose an ice thickness raster (THICKNESS)."))
        thickness = raster_file(thickness_layer, "thickness", context, feedback)
        error_layer = self.parameterAsRasterLayer(parameters, self.THICKNESS_ERROR, context)
        thickness_error = (
            None if error_layer is None else raster_file(error_layer, "thickness_error", context, feedback)
        )
        boundary = self._boundary(parameters, context, feedback, velocity)
        output = grid_output_path(self, parameters, self.OUTPUT, context)
        feedback.pushInfo(
            tr("Flux divergence of {} with thickness {}").format(
                describe_source(velocity.source), thickness_layer.name()
            )
        )
        path = self.run_core(
            flux_divergence_to_file,
            velocity.source,
            thickness,
            output,
            depth_factor=self.parameterAsDouble(parameters, self.DEPTH_FACTOR, context),
            thickness_error=thickness_error,
            boundary=boundary,
            crs=velocity.crs,
            scale_correction=velocity.scale_correction,
            progress=progress_for(feedback),
            **velocity.names,
        )
        return {self.OUTPUT: str(path)}

    # -- outline ---------------------------------------------------------------------------------
    def _boundary_problem(self, parameters, context) -> str:
        has_layer = self.parameterAsSource(parameters, self.BOUNDARY, context) is not None
        points = self.parameterAsFile(parameters, self.BOUNDARY_POINTS, context).strip()
        if has_layer and points:
            return tr("Give the glacier outline either as a polygon layer or as a CSV of points, not both.")
        if points and not os.path.exists(points):
            return tr("No outline CSV at {}: check the path.").format(points)
        return ""

    def _boundary(self, parameters, context, feedback, velocity):
        """A shapely geometry in the velocity CRS, the CSV path, or None."""
        points = self.parameterAsFile(parameters, self.BOUNDARY_POINTS, context).strip()
        if points:
            return points
        source = self.parameterAsSource(parameters, self.BOUNDARY, context)
        if source is None:
            return None
        import shapely

        target = velocity_crs(self, velocity)
        request = QgsFeatureRequest().setDestinationCrs(target, context.transformContext())
        polygons = []
        for feature in source.getFeatures(request):
            if feedback.isCanceled():
                raise QgsProcessingException(tr("Cancelled: no output was written."))
            if feature.hasGeometry():
                polygons.append(shapely.from_wkb(bytes(feature.geometry().asWkb())))
        if not polygons:
            raise QgsProcessingException(tr("The outline layer holds no polygon."))
        feedback.pushInfo(
            tr("Outline: {} polygon(s) reprojected to {}").format(len(polygons), target.authid())
        )
        return shapely.make_valid(shapely.union_all(polygons))
