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

DERIVATIVES = (1, 2)
WEIGHTINGS = ("none", "errors")
DEVICES = ("auto", "cpu", "cuda")


class InvertAlgorithm(ItsLiveAlgorithm):
    """Invert pair velocities onto a regular time grid (regularised least squares; numba band or torch)."""

    NAME = "invert"
    CAPABILITY = "inversion"
    INTERVAL_DAYS = "INTERVAL_DAYS"
    #: the one default time step (days) of the algorithm, the dock's Inversion tab and the point plot
    DEFAULT_INTERVAL_DAYS = 30.0
    MIN_INTERVAL_DAYS = 1.0
    MAX_INTERVAL_DAYS = 3653.0  # ten years: a longer step leaves no time axis worth the name
    ICON = "invert.svg"
    GROUP = "Time series"
    GROUP_ID = "timeseries"

    def displayName(self):
        return tr("Invert pair velocities to a time series")

    def shortHelpString(self):
        return tr(
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
            "SATELLITES: comma-separated list (e.g. 8,9,2A,2B); START_DATE/END_DATE: YYYY-MM-DD.\n"
            "OUTPUT: CF NetCDF with dims (time, y, x), time at step centres with time_bnds; vx, vy, v, "
            "count (pairs touching the step), vx_sigma, vy_sigma, v_sigma (posterior 1-sigma, m/yr).\n\n"
            "On the CPU, compiled band solvers (numba) run pixel batches on every core; on a CUDA GPU "
            "(DEVICE auto or cuda) batched torch solvers run."
        )

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFile(  # a file picker; a datacube URL may still be typed
                self.INPUT,
                tr("Subset file or datacube (path or URL)"),
                fileFilter=tr("Subset (*.nc *.zarr);;All files (*)"),
            )
        )
        self.addParameter(
            QgsProcessingParameterExtent("EXTENT", tr("Extent (part of a cube)"), optional=True)
        )
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
                "LAMBDA",
                tr("Regularisation weight (0 = automatic, cross-validation)"),
                QgsProcessingParameterNumber.Type.Double,
                defaultValue=0.0,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                "DERIVATIVE",
                tr("Regularised derivative"),
                options=[tr("first"), tr("second")],
                defaultValue=1,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                "WEIGHTING", tr("Pair weighting"), options=[tr("none"), tr("pair errors")], defaultValue=1
            )
        )
        self.addParameter(QgsProcessingParameterBoolean("ROBUST", tr("Robust (down-weight outliers)"), False))
        self.addParameter(
            QgsProcessingParameterString("SATELLITES", tr("Satellites (e.g. 8,9,2A)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString("START_DATE", tr("Start date (YYYY-MM-DD)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString("END_DATE", tr("End date (YYYY-MM-DD)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                "DEVICE", tr("Device"), options=[tr("auto"), tr("cpu"), tr("cuda")], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, tr("Time series"), tr("NetCDF (*.nc)"))
        )

    INPUT = "INPUT"
    OUTPUT = "OUTPUT"

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
            self.parameterAsString(parameters, "START_DATE", context),
            self.parameterAsString(parameters, "END_DATE", context),
        ) or satellites_problem(self.parameterAsString(parameters, "SATELLITES", context))
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
            path = output_path_value(parameters.get(self.OUTPUT))
            if path is not None:
                check_output(path, self.OUTPUT, (".nc", ".nc4", ".netcdf"))
        except InputError as exc:
            return str(exc)
        return ""

    def processAlgorithm(self, parameters, context, feedback):
        from .. import deps

        deps.preload("torch", "llvmlite")  # off the GIL: the window stays responsive (see deps.preload)
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
        if parameters.get("EXTENT"):
            crs = self.run_core(crs_from_dataset, ds)
            bounds = extent_in_crs(self, parameters, "EXTENT", context, crs)
        if bounds is not None:
            ds = self.run_core(select_extent, ds, *bounds)
        feedback.pushInfo(
            tr("{} pairs, {} x {} pixels").format(ds.sizes["mid_date"], ds.sizes["y"], ds.sizes["x"])
        )
        result = self.run_core(
            invert_dataset,
            ds,
            interval_days=self.parameterAsDouble(parameters, "INTERVAL_DAYS", context),
            lam=self.parameterAsDouble(parameters, "LAMBDA", context),
            derivative=DERIVATIVES[self.parameterAsEnum(parameters, "DERIVATIVE", context)],
            weighting=WEIGHTINGS[self.parameterAsEnum(parameters, "WEIGHTING", context)],
            robust=self.parameterAsBool(parameters, "ROBUST", context),
            satellites=self.parameterAsString(parameters, "SATELLITES", context).strip() or None,
            start_date=self.parameterAsString(parameters, "START_DATE", context).strip() or None,
            end_date=self.parameterAsString(parameters, "END_DATE", context).strip() or None,
            device=DEVICES[self.parameterAsEnum(parameters, "DEVICE", context)],
            progress=progress,
            data_parameter=self.INPUT,
        )
        result.attrs["source"] = source
        self.run_core(write_netcdf, result, output)
        return {self.OUTPUT: output}
