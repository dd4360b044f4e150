"""itslive:invert — regular velocity time series from image-pair velocities."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from .. import settings
from ..i18n import tr
from .base import (
    ItsLiveAlgorithm,
    dataset_problem,
    dates_problem,
    extent_in_crs,
    output_path_value,
    progress_for,
    satellites_problem,
)
from .cluster_outputs import add_scheduler_parameter, run_on_cluster, scheduler_of, url_output_problem
from .outlines import OUTLINE, add_outline_parameter, apply_outline

DERIVATIVES = (1, 2)
WEIGHTINGS = ("none", "errors")
DEVICES = ("auto", "cpu", "cuda")


class InvertAlgorithm(ItsLiveAlgorithm):
    """Invert pair velocities onto a regular time grid (regularised least squares; numba band or torch)."""

    NAME = "invert"
    CAPABILITY = "inversion"
    INPUT = "INPUT"
    EXTENT = "EXTENT"
    OUTLINE = OUTLINE
    INTERVAL_DAYS = "INTERVAL_DAYS"
    LAMBDA = "LAMBDA"
    DERIVATIVE = "DERIVATIVE"
    WEIGHTING = "WEIGHTING"
    ROBUST = "ROBUST"
    SATELLITES = "SATELLITES"
    START_DATE = "START_DATE"
    END_DATE = "END_DATE"
    DEVICE = "DEVICE"
    OUTPUT = "OUTPUT"
    #: outputs that may be an fsspec URL (s3://, with DASK_SCHEDULER): checked in _problem
    URL_OUTPUTS = (OUTPUT,)
    #: the one default time step (days) of the algorithm, the dock's Inversion tab and the point plot
    DEFAULT_INTERVAL_DAYS = 30.0
    MIN_INTERVAL_DAYS = 1.0
    MAX_INTERVAL_DAYS = 3653.0  # ten years: a longer step leaves no time axis worth the name
    #: LAMBDA: 0 = chosen by cross-validation; no upper bound
    DEFAULT_LAMBDA = 0.0
    MIN_LAMBDA = 0.0
    #: option indices: DERIVATIVES[1] = second derivative, WEIGHTINGS[1] = pair errors, DEVICES[0] = auto
    DEFAULT_DERIVATIVE = 1
    DEFAULT_WEIGHTING = 1
    DEFAULT_DEVICE = 0
    DEFAULT_ROBUST = False
    ICON = "invert.svg"
    GROUP = "Time series"
    GROUP_ID = "timeseries"

    def displayName(self):
        return tr("Invert pair velocities to a time series")

    def shortHelpString(self):
        text = tr(
            "Turns ITS_LIVE image-pair velocities (each the mean over its acquisition interval) into "
            "velocities on a regular grid of INTERVAL_DAYS steps, per pixel, for vx and vy (m/yr); speed v "
            "is derived. Each pair observes the exact fraction of every step its interval covers. The "
            "problem is regularised least squares with a penalty on the first or second time derivative "
            "(DERIVATIVE) weighted by LAMBDA; LAMBDA = 0 chooses it by cross-validation that leaves out "
            "whole images (every pair sharing an image), because ITS_LIVE errors are correlated through "
            "shared images. "
            "WEIGHTING 'pair errors' (the default) weights pairs by 1/sigma^2 from vx_error/vy_error "
            "(v_error when those are absent); 'none' weights every pair alike, which lets the noisy short "
            "pairs dominate real ITS_LIVE data. ROBUST re-weights outliers (IRLS). Steps no pair informs "
            "are NaN.\n\n"
            "INPUT: a subset written by itslive:downloadsubset (.nc/.zarr) or an ITS_LIVE datacube "
            "(Zarr path or URL, read from the configured endpoint); EXTENT takes part of a cube.\n"
            "OUTLINE (optional polygons, e.g. selected glacier outlines): only the pixels inside them are "
            "inverted; the others are NaN and chunks wholly outside are not read.\n"
            "SATELLITES: comma-separated list (e.g. 8,9,2A,2B); START_DATE/END_DATE: YYYY-MM-DD.\n"
            "OUTPUT: CF NetCDF with dims (time, y, x), time at step centres with time_bnds; vx, vy, v, "
            "count (pairs touching the step), vx_sigma, vy_sigma, v_sigma (posterior 1-sigma, m/yr).\n\n"
            "On the CPU, compiled band solvers (numba) run pixel batches on every core; on a CUDA GPU "
            "(DEVICE auto or cuda) batched torch solvers run."
        )
        return text + "\n\n" + cluster_help()

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFile(  # a file picker; a datacube URL may still be typed
                self.INPUT,
                tr("Subset file or datacube (path or URL)"),
                fileFilter=tr("Subset (*.nc *.zarr);;All files (*)"),
            )
        )
        self.addParameter(
            QgsProcessingParameterExtent(self.EXTENT, tr("Extent (part of a cube)"), optional=True)
        )
        add_outline_parameter(self)
        self.addParameter(
            QgsProcessingParameterNumber(
                self.INTERVAL_DAYS,
                tr("Time step (days)"),
                QgsProcessingParameterNumber.Type.Double,
                defaultValue=self.DEFAULT_INTERVAL_DAYS,
                minValue=self.MIN_INTERVAL_DAYS,
                maxValue=self.MAX_INTERVAL_DAYS,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.LAMBDA,
                tr("Regularisation weight (0 = automatic, cross-validation)"),
                QgsProcessingParameterNumber.Type.Double,
                defaultValue=self.DEFAULT_LAMBDA,
                minValue=self.MIN_LAMBDA,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.DERIVATIVE,
                tr("Regularised derivative"),
                options=[tr("first"), tr("second")],
                defaultValue=self.DEFAULT_DERIVATIVE,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.WEIGHTING,
                tr("Pair weighting"),
                options=[tr("none"), tr("pair errors")],
                defaultValue=self.DEFAULT_WEIGHTING,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.ROBUST, tr("Robust (down-weight outliers)"), self.DEFAULT_ROBUST
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.SATELLITES, tr("Satellites (e.g. 8,9,2A)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(self.START_DATE, tr("Start date (YYYY-MM-DD)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(self.END_DATE, tr("End date (YYYY-MM-DD)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.DEVICE,
                tr("Device"),
                options=[tr("auto"), tr("cpu"), tr("cuda")],
                defaultValue=self.DEFAULT_DEVICE,
            )
        )
        add_scheduler_parameter(self)
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT,
                tr("Time series"),
                tr("NetCDF (*.nc);;Zarr store, with a Dask scheduler (*.zarr)"),
            )
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = self._problem(parameters, context)
        return (False, problem) if problem else (True, "")

    def _problem(self, parameters, context) -> str:
        """Dates, satellites, INPUT and OUTPUT checked before any work ('' when usable)."""
        from ..core.errors import InputError
        from ..core.io import check_output, confine_url, is_remote

        problem = dates_problem(
            self.parameterAsString(parameters, self.START_DATE, context),
            self.parameterAsString(parameters, self.END_DATE, context),
        ) or satellites_problem(self.parameterAsString(parameters, self.SATELLITES, context))
        if problem:
            return problem
        source = self.parameterAsString(parameters, self.INPUT, context).strip()
        try:
            if is_remote(source) or "://" in source:
                confine_url(source, settings.checked_store_config(), settings.allow_other_hosts(), self.INPUT)
            else:
                problem = dataset_problem(source, self.INPUT)
                if problem:
                    return problem
            on_cluster = not scheduler_of(self, parameters, context).in_process
            path = output_path_value(parameters.get(self.OUTPUT))
            problem = url_output_problem(self, path, on_cluster)
            if problem:
                return problem
            if path is not None and "://" not in path:
                check_output(path, self.OUTPUT, (".zarr",) if on_cluster else (".nc", ".nc4", ".netcdf"))
        except InputError as exc:
            return str(exc)
        return ""

    def processAlgorithm(self, parameters, context, feedback):
        from .. import deps
        from ..core.inversion import cuda_possible

        # off the GIL: the window stays responsive (see deps.preload); torch only where CUDA may run
        device = DEVICES[self.parameterAsEnum(parameters, self.DEVICE, context)]
        wants_gpu = device != "cpu" and cuda_possible()
        deps.preload(*(("torch",) if wants_gpu else ()), "llvmlite")
        from ..core.cube import open_pairs, select_extent
        from ..core.geo import crs_from_dataset
        from ..core.inversion import invert_dataset, write_netcdf
        from ..core.io import confine_url, is_remote

        problem = self._problem(parameters, context)
        if problem:
            raise QgsProcessingException(problem)
        source = self.parameterAsString(parameters, self.INPUT, context).strip()
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        progress = progress_for(feedback)
        config = self.store_config()
        if is_remote(source):
            source = self.run_core(confine_url, source, config, settings.allow_other_hosts(), self.INPUT)
        ds = self.run_core(open_pairs, source, config, data_parameter=self.INPUT)
        bounds = None
        if parameters.get(self.EXTENT):
            crs = self.run_core(crs_from_dataset, ds)
            bounds = extent_in_crs(self, parameters, self.EXTENT, context, crs)
        if bounds is not None:
            ds = self.run_core(select_extent, ds, *bounds)
        ds = apply_outline(self, parameters, context, ds, feedback)  # pixels outside NaN: not inverted
        feedback.pushInfo(
            tr("{} pairs, {} x {} pixels").format(ds.sizes["mid_date"], ds.sizes["y"], ds.sizes["x"])
        )
        options = self._options(parameters, context)
        scheduler = scheduler_of(self, parameters, context)
        if not scheduler.in_process:
            return self._run_on_cluster(parameters, context, feedback, source, bounds, options, scheduler)
        result = self.run_core(invert_dataset, ds, progress=progress, data_parameter=self.INPUT, **options)
        result.attrs["source"] = source
        self.run_core(write_netcdf, result, output)
        return {self.OUTPUT: output}

    def _run_on_cluster(self, parameters, context, feedback, source, bounds, options, scheduler):
        """The same inversion on a dask cluster: the workers read, invert and write the Zarr store."""
        from ..core.cluster import invert_on_cluster

        result = run_on_cluster(
            self, parameters, context, feedback, scheduler, invert_on_cluster, source,
            config=self.store_config(), bounds=bounds, data_parameter=self.INPUT, **options,
        )  # fmt: skip
        feedback.pushInfo(
            tr("{} blocks on the cluster in {:.1f} s; the result store is complete: {}").format(
                result.n_blocks, result.wall_s, result.target
            )
        )
        return {self.OUTPUT: result.target}

    def _options(self, parameters, context) -> dict:
        """The inversion's keyword arguments from the parameters."""
        return dict(
            interval_days=self.parameterAsDouble(parameters, self.INTERVAL_DAYS, context),
            lam=self.parameterAsDouble(parameters, self.LAMBDA, context),
            derivative=DERIVATIVES[self.parameterAsEnum(parameters, self.DERIVATIVE, context)],
            weighting=WEIGHTINGS[self.parameterAsEnum(parameters, self.WEIGHTING, context)],
            robust=self.parameterAsBool(parameters, self.ROBUST, context),
            satellites=self.parameterAsString(parameters, self.SATELLITES, context).strip() or None,
            start_date=self.parameterAsString(parameters, self.START_DATE, context).strip() or None,
            end_date=self.parameterAsString(parameters, self.END_DATE, context).strip() or None,
            device=DEVICES[self.parameterAsEnum(parameters, self.DEVICE, context)],
        )


def cluster_help() -> str:
    """The DASK_SCHEDULER paragraph of the help."""
    return tr(
        "DASK_SCHEDULER (advanced; default from the plugin settings): empty runs in process; 'local' "
        "(or 'local:4') starts a dask LocalCluster of 2 (4) worker processes on this machine; an "
        "address (tcp://host:8786) uses a running dask.distributed scheduler (Coiled, Dask Gateway, "
        "dask-scheduler). The workers read the cube chunks themselves (give the cube's s3:// or ITS_LIVE "
        "URL, or a path they can see), invert one block of whole chunk columns each and write the result "
        "as a Zarr store: OUTPUT is then a .zarr folder (a local cluster) or an s3:// URL the workers can "
        "write through the configured endpoint (the dock and itslive:loadresult load it from a NetCDF copy "
        "in the cache folder, made once and reused while the store is unchanged). The store is marked "
        "complete only when every block is written; a worker lost in the middle has its blocks run again. "
        "Needs the optional package distributed."
    )
