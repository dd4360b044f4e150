"""itslive:seasonalfit — per-pixel mean, trend, annual amplitude and phase of pairs or an inversion result."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
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
)


class SeasonalFitAlgorithm(ItsLiveAlgorithm):
    """The seasonal cycle of every pixel, with the annual composite's names and units."""

    NAME = "seasonalfit"
    CAPABILITY = "subset"
    ICON = "strain.svg"
    GROUP = "Analysis"
    GROUP_ID = "analysis"
    INPUT = "INPUT"
    EXTENT = "EXTENT"
    START_DATE = "START_DATE"
    END_DATE = "END_DATE"
    SEMIANNUAL = "SEMIANNUAL"
    ROBUST = "ROBUST"
    OUTPUT = "OUTPUT"

    def displayName(self):
        return tr("Seasonal cycle fit")

    def shortHelpString(self):
        return tr(
            "Fits, per pixel, v(t) = v0 + dv_dt (t - t0) + A cos(w t) + B sin(w t) (w = 2 pi / 365.25 d; "
            "t0 = 2018-01-01, the composites' reference date), optionally with a semi-annual term, to vx and "
            "vy separately.\n\n"
            "INPUT: a subset (.nc, .zarr), a datacube path or URL, or an inversion result (itslive:invert). "
            "With image pairs, each pair observes the AVERAGE of the model over its interval (the sinusoid "
            "integrated over [acquisition_date_img1, acquisition_date_img2], as ITS_LIVE's composites do), "
            "weighted by 1/vx_error^2 (1/vy_error^2); an inversion result's steps average over time_bnds, "
            "weighted by 1/vx_sigma^2. ROBUST (default): iteratively reweighted least squares with Huber "
            "weights (c = 1.345, residuals scaled by the pair error and a per-pixel MAD), then observations "
            "beyond 5 robust sigmas are dropped. Uncertainties: 1-sigma from the covariance, scaled by the "
            "reduced chi-square when above 1.\n\n"
            "Outputs (CF NetCDF on the input's grid, names and units of the annual composite, so the two "
            "compare layer for layer): vx0, vy0 (m/yr at t0), dvx_dt, dvy_dt (m/yr^2), vx_amp, vy_amp "
            "(m/yr), vx_phase, vy_phase (day of year of the maximum, 1 + (t mod 365.25) with t in days since "
            "1970-01-01), each with _error; the speed along the mean flow direction u = (vx0, vy0)/|v0|: "
            "v0 = |(vx0, vy0)|, dv_dt = u . (dvx_dt, dvy_dt), v_amp and v_phase from u . (A, B); count0 "
            "(observations used) and outlier_percent. SEMIANNUAL adds *_amp2, *_phase2. EXTENT limits the "
            "pixels; START_DATE/END_DATE (YYYY-MM-DD) keep the observations inside the window.\n\n"
            "Leaving out a real semi-annual cycle biases the annual amplitude where winter has no optical "
            "pairs; the semi-annual option removes that bias."
        )

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFile(  # a file picker; a datacube URL may still be typed
                self.INPUT,
                tr("Subset, datacube (path or URL) or inversion result"),
                fileFilter=tr("Subset or inversion result (*.nc *.zarr);;All files (*)"),
            )
        )
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Extent (optional)"), optional=True))
        for name, label in (
            (self.START_DATE, tr("Start date (YYYY-MM-DD)")),
            (self.END_DATE, tr("End date (YYYY-MM-DD)")),
        ):
            self.addParameter(QgsProcessingParameterString(name, label, optional=True))
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.SEMIANNUAL, tr("Fit a semi-annual term too"), defaultValue=False
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.ROBUST, tr("Robust to outliers (Huber, clipping)"), defaultValue=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, tr("Seasonal fit"), tr("NetCDF (*.nc)"))
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = self._problem(parameters, context)
        return (False, problem) if problem else (True, "")

    def _problem(self, parameters, context) -> str:
        from ..core.errors import InputError
        from ..core.io import check_output, confine_url, is_remote

        start = self.parameterAsString(parameters, self.START_DATE, context).strip()
        end = self.parameterAsString(parameters, self.END_DATE, context).strip()
        if start or end:
            problem = dates_problem(start or "1984-01-01", end or "2100-01-01")
            if problem:
                return problem
        source = self.parameterAsString(parameters, self.INPUT, context).strip()
        if not source:
            return tr("INPUT: give a subset, a datacube path or URL, or an inversion result.")
        path = output_path_value(parameters.get(self.OUTPUT))
        try:
            if is_remote(source) or "://" in source:
                confine_url(source, settings.checked_store_config(), settings.allow_other_hosts(), self.INPUT)
            else:
                problem = dataset_problem(source, self.INPUT)
                if problem:
                    return problem
            if path is not None:
                check_output(path, self.OUTPUT, (".nc", ".nc4"))
        except InputError as exc:
            return str(exc)
        return ""

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.seasonal import open_velocity_source, seasonal_fit

        problem = self._problem(parameters, context)
        if problem:
            raise QgsProcessingException(problem)
        from ..core.io import confine_url, is_remote

        source = self.parameterAsString(parameters, self.INPUT, context).strip()
        config = self.store_config()
        if is_remote(source):
            source = self.run_core(confine_url, source, config, settings.allow_other_hosts(), self.INPUT)
        extent = None
        if parameters.get(self.EXTENT):
            from ..core.geo import crs_from_dataset

            ds, _ = self.run_core(open_velocity_source, source, config, data_parameter=self.INPUT)
            crs = self.run_core(crs_from_dataset, ds, source="INPUT")
            extent = extent_in_crs(self, parameters, self.EXTENT, context, crs.to_wkt())
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        path = self.run_core(
            seasonal_fit,
            source,
            output,
            extent=extent,
            start_date=self.parameterAsString(parameters, self.START_DATE, context).strip() or None,
            end_date=self.parameterAsString(parameters, self.END_DATE, context).strip() or None,
            semiannual=self.parameterAsBoolean(parameters, self.SEMIANNUAL, context),
            robust=self.parameterAsBoolean(parameters, self.ROBUST, context),
            config=config,
            progress=progress_for(feedback),
            data_parameter=self.INPUT,
        )
        return {self.OUTPUT: str(path)}
