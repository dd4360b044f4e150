"""itslive:strainrates — surface strain rates (1/yr) from a velocity dataset or a vx/vy raster pair.

The velocity-input parameters it shares with itslive:fluxdivergence and itslive:track are in
velocity_inputs.py.
"""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..i18n import tr
from .base import ItsLiveAlgorithm, output_path_value, progress_for
from .cluster_outputs import (
    add_scheduler_parameter,
    input_options,
    run_on_cluster,
    scheduler_of,
    url_output_problem,
)
from .velocity_inputs import (
    GRID_OUTPUT_FILTER,
    VelocityParameterIds,
    add_crs_parameters,
    add_velocity_parameters,
    describe_source,
    grid_output_path,
    output_suffix_problem,
    read_velocity_input,
    velocity_input_problem,
)


class StrainRatesAlgorithm(VelocityParameterIds, ItsLiveAlgorithm):
    """Strain-rate tensor, invariants and flow-aligned components of a velocity field."""

    NAME = "strainrates"
    CAPABILITY = "strain"
    ICON = "strain.svg"
    GROUP = "Analysis"
    GROUP_ID = "analysis"
    METHOD = "METHOD"
    LENGTH_SCALE = "LENGTH_SCALE"
    OUTPUT = "OUTPUT"
    #: outputs that may be an fsspec URL (s3://, with DASK_SCHEDULER): checked in _output_problem
    URL_OUTPUTS = (OUTPUT,)
    #: METHOD option 0: central differences; 1: logarithmic strain over LENGTH_SCALE
    DEFAULT_METHOD = 0
    #: LENGTH_SCALE (metres, ground); no upper bound
    DEFAULT_LENGTH_SCALE_M = 500.0
    MIN_LENGTH_SCALE_M = 1.0

    def displayName(self):
        return tr("Strain rates")

    def shortHelpString(self):
        text = tr(
            "Surface strain rates (1/yr) of a velocity field.\n\n"
            "Velocities: INPUT, a NetCDF or Zarr dataset with vx and vy (m/yr) on (y, x) or (time, y, x): "
            "a subset, an inversion result or a mosaic clip; OR the two rasters VX and VY (single band, "
            "same grid). Give one or the other.\n\n"
            "Outputs, along the grid axes (x grid east, y grid north, whatever the row order; positive = "
            "extension): exx = dvx/dx, eyy = dvy/dy, exy = (dvx/dy + dvy/dx)/2, ezz = -(exx + eyy), "
            "effective strain rate e_eff = sqrt((exx^2 + eyy^2 + ezz^2)/2 + exy^2), principal strain "
            "rates e1 >= e2 and e1_direction (degrees counter-clockwise from grid east); along flow: "
            "e_lon (longitudinal), e_trn (transverse) and e_shr (shear, positive when speed increases to "
            "the left of the flow). With vx_error/vy_error in the input, 1-sigma uncertainties too.\n\n"
            "METHOD: central differences on the grid (one-sided at edges and next to gaps), or "
            "logarithmic strain rates of a strain square of half-size LENGTH_SCALE (metres, ground) "
            "advected with the flow (Alley et al. 2018), which averages noise over that length.\n"
            "SCALE_CORRECTION (advanced, on by default): velocities are ground m/yr; derivatives are "
            "corrected for the projection scale factor of polar stereographic or UTM grids.\n"
            "CRS: the grid's CRS when the file does not say (e.g. ITS_LIVE v1 clips: EPSG:3413).\n"
            "OUTPUT: NetCDF (.nc, every variable, time axis kept) or GeoTIFF (.tif, 2-D input only, one "
            "band per variable described 'name: long name').\n\n"
            "Reference: Alley, K. E. et al. (2018), Continent-wide estimates of Antarctic strain rates "
            "from Landsat 8-derived velocity grids, J. Glaciol. 64(244), 321-332, "
            "doi:10.1017/jog.2018.23."
        )
        return (
            text
            + "\n\n"
            + tr(
                "DASK_SCHEDULER (advanced; default from the plugin settings): empty runs in process; 'local' "
                "(or 'local:4') a dask LocalCluster on this machine; or a scheduler address (tcp://host:8786)."
                " "
                "The workers read INPUT (a NetCDF path they see, or a Zarr store at a path or s3:// URL) in "
                "blocks with a halo of neighbours, so the result equals the in-process one, and write a Zarr "
                "store: OUTPUT is then a .zarr folder or an s3:// URL, marked complete only at the end."
            )
        )

    def initAlgorithm(self, config=None):
        add_velocity_parameters(self)
        self.addParameter(
            QgsProcessingParameterEnum(
                self.METHOD,
                tr("Method"),
                options=[
                    tr("Central differences"),
                    tr("Logarithmic strain over a length scale (Alley et al. 2018)"),
                ],
                defaultValue=self.DEFAULT_METHOD,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.LENGTH_SCALE,
                tr("Length scale for the logarithmic method (metres)"),
                type=Qgis.ProcessingNumberParameterType.Double,
                defaultValue=self.DEFAULT_LENGTH_SCALE_M,
                minValue=self.MIN_LENGTH_SCALE_M,
            )
        )
        add_crs_parameters(self)
        add_scheduler_parameter(self)
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT,
                tr("Strain rates"),
                GRID_OUTPUT_FILTER + ";;" + tr("Zarr store, with a Dask scheduler (*.zarr)"),
            )
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = velocity_input_problem(self, parameters, context) or self._output_problem(
            parameters, context
        )
        return (False, problem) if problem else (True, "")

    def _output_problem(self, parameters, context) -> str:
        """OUTPUT's problem: .nc/.tif in process, a .zarr folder or an fsspec URL on a cluster."""
        from ..core.errors import InputError

        try:
            on_cluster = not scheduler_of(self, parameters, context).in_process
        except InputError as exc:
            return str(exc)
        path = output_path_value(parameters.get(self.OUTPUT))
        problem = url_output_problem(self, path, on_cluster)
        if problem or not on_cluster:
            return problem or output_suffix_problem(parameters)
        if path is None or "://" in path or path.lower().rstrip("/").endswith(".zarr"):
            return ""
        return tr(
            "{}: with DASK_SCHEDULER the result is a Zarr store: give a .zarr folder or an s3:// URL."
        ).format(self.OUTPUT)

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.fields import strain_rates_to_file

        problem = self._output_problem(parameters, context)
        if problem:
            raise QgsProcessingException(problem)
        velocity = read_velocity_input(self, parameters, context, feedback)
        method = self.parameterAsEnum(parameters, self.METHOD, context)
        length_scale_m = self.parameterAsDouble(parameters, self.LENGTH_SCALE, context)
        scheduler = scheduler_of(self, parameters, context)
        if not scheduler.in_process:
            return self._run_on_cluster(
                parameters, context, feedback, velocity, method, length_scale_m, scheduler
            )
        output = grid_output_path(self, parameters, self.OUTPUT, context)
        feedback.pushInfo(
            tr("Strain rates by {} of {}").format(
                tr("central differences")
                if method == 0
                else tr("logarithmic strain, L = {} m").format(length_scale_m),
                describe_source(velocity.source),
            )
        )
        path = self.run_core(
            strain_rates_to_file,
            velocity.source,
            output,
            method=method,
            length_scale_m=length_scale_m if method == 1 else None,
            crs=velocity.crs,
            scale_correction=velocity.scale_correction,
            progress=progress_for(feedback),
            **velocity.names,
        )
        return {self.OUTPUT: str(path)}

    def _run_on_cluster(self, parameters, context, feedback, velocity, method, length_scale_m, scheduler):
        """The same strain rates on a dask cluster: blocks with a halo, written to a Zarr store."""
        from ..core.cluster import strain_on_cluster

        if not isinstance(velocity.source, str):
            raise QgsProcessingException(
                tr(
                    "{}: with DASK_SCHEDULER give INPUT, a NetCDF or Zarr velocity dataset (not rasters)."
                ).format(self.DASK_SCHEDULER)
            )
        result = run_on_cluster(
            self,
            parameters,
            context,
            feedback,
            scheduler,
            strain_on_cluster,
            velocity.source,
            input_storage_options=input_options(self, velocity.source),
            method=method,
            length_scale_m=length_scale_m if method == 1 else None,
            crs=velocity.crs,
            scale_correction=velocity.scale_correction,
            **velocity.names,
        )
        feedback.pushInfo(
            tr("{} blocks on the cluster in {:.1f} s; the result store is complete: {}").format(
                result.n_blocks, result.wall_s, result.target
            )
        )
        return {self.OUTPUT: result.target}
