"""itslive:composite — the ITS_LIVE annual composites under an area, mosaicked across tiles, as CF NetCDF."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterCrs,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from .. import settings
from ..i18n import tr
from .base import ItsLiveAlgorithm, area_from_parameters, output_path_value, progress_for, split_list


class CompositeAlgorithm(ItsLiveAlgorithm):
    """Annual composites (annual mean velocities, climatology, trend, seasonal amplitude and phase)."""

    NAME = "composite"
    CAPABILITY = "subset"
    ICON = "download.svg"
    EXTENT = "EXTENT"
    AOI = "AOI"
    CUBES = "CUBES"
    START_YEAR = "START_YEAR"
    END_YEAR = "END_YEAR"
    VARIABLES = "VARIABLES"
    TARGET_CRS = "TARGET_CRS"
    OUTPUT = "OUTPUT"
    #: the years of the annual layers: ITS_LIVE composites start in 1985
    YEAR_RANGE = (1985, 2100)

    def displayName(self):
        return tr("Annual composite")

    def shortHelpString(self):
        text = tr(
            "The ITS_LIVE annual composites of the datacubes under an area (EXTENT, or the polygons of AOI; "
            "any CRS), mosaicked onto one 120 m grid and written as CF NetCDF.\n\n"
            "Variables (the composite's names and units): annual mean v, vx, vy (m/yr) with v_error, "
            "vx_error, vy_error and count on (time, y, x), time = 1 January of each year; the climatology "
            "v0, vx0, vy0 (m/yr, at the composite's reference date 2018-01-01) with errors; the trends "
            "dv_dt, dvx_dt, dvy_dt (m/yr^2); the seasonal amplitude v_amp, vx_amp, vy_amp (m/yr) with "
            "errors and phase v_phase, vx_phase, vy_phase (day of year of the maximum); count0, "
            "outlier_percent (%), landice, floatingice. The seasonal model is "
            "v0 + dv_dt (t - t0) + v_amp cos(2 pi (doy - v_phase) / 365.25).\n\n"
            "CUBES: optional comma-separated datacube URLs (the dock's selection); default every cube of the "
            "catalog covering the area. Each cube's composite is the catalog's composite_zarr_url, else "
            "composites/annual/v2-updated-september2025/<region>/ITS_LIVE_velocity_EPSG<epsg>_120m_X<x>_Y<y>"
            ".zarr beside it. Tiles of another projection than TARGET_CRS (default: the tile covering most "
            "of the area) are resampled by nearest neighbour and their vectors, errors and seasonal cycles "
            "rotated into the output's axes; speeds are unchanged.\n"
            "START_YEAR, END_YEAR: the annual layers kept (inclusive). VARIABLES: comma-separated (default "
            "all).\n\n"
            "Reference: Gardner, A. S. et al., ITS_LIVE global glacier velocity data in near real time, "
            "doi:10.5194/egusphere-2025-392."
        )
        more = tr(
            "Also on request in VARIABLES: dt_max (days, the longest valid image pair) and sensor_flag (1 "
            "where the sensor group contributed, else 0), per sensor group on (sensor, y, x). A cube without "
            "a composite in the 2025 layout is read from the older composites/annual/v02/<region>/"
            "ITS_LIVE_vel_annual_EPSG<epsg>_G0120_X<x>_Y<y>.zarr when there is one (the log says so)."
        )
        return f"{text}\n\n{more}"

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Extent (any CRS)"), optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.AOI,
                tr("Area polygons (optional, instead of the extent)"),
                [QgsProcessing.SourceType.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.CUBES, tr("Datacube URLs (optional)"), optional=True)
        )
        for name, label in ((self.START_YEAR, tr("First year")), (self.END_YEAR, tr("Last year"))):
            self.addParameter(
                QgsProcessingParameterNumber(
                    name,
                    label,
                    QgsProcessingParameterNumber.Type.Integer,
                    optional=True,
                    minValue=self.YEAR_RANGE[0],
                    maxValue=self.YEAR_RANGE[1],
                )
            )
        self.addParameter(
            QgsProcessingParameterString(
                self.VARIABLES, tr("Variables (comma-separated; empty = all)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterCrs(self.TARGET_CRS, tr("Target CRS (optional)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, tr("Annual composite"), tr("NetCDF (*.nc)"))
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = self._problem(parameters, context)
        return (False, problem) if problem else (True, "")

    def _problem(self, parameters, context) -> str:
        from ..core.errors import InputError
        from ..core.io import check_output, confine_url

        path = output_path_value(parameters.get(self.OUTPUT))
        first, last = (parameters.get(n) for n in (self.START_YEAR, self.END_YEAR))
        try:
            if path is not None:
                check_output(path, self.OUTPUT, (".nc", ".nc4"))
            if first not in (None, "") and last not in (None, "") and int(last) < int(first):
                return tr("END_YEAR ({}) is before START_YEAR ({}).").format(last, first)
            cubes = split_list(self.parameterAsString(parameters, self.CUBES, context))
            if cubes:
                config = settings.checked_store_config()
                for url in cubes:
                    confine_url(url, config, settings.allow_other_hosts(), self.CUBES)
        except InputError as exc:
            return str(exc)
        return ""

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.composite import composite_to_file, composites_for_area

        problem = self._problem(parameters, context)
        if problem:
            raise QgsProcessingException(problem)
        area = area_from_parameters(self, parameters, context)
        config = self.store_config()
        progress = progress_for(feedback)
        cubes = split_list(self.parameterAsString(parameters, self.CUBES, context))
        composites = None
        if not cubes:
            cubes, composites = self.run_core(composites_for_area, area.geometry, area.crs, config, progress)
        target = self.parameterAsCrs(parameters, self.TARGET_CRS, context)

        def year(name):
            value = parameters.get(name)
            return None if value in (None, "") else self.parameterAsInt(parameters, name, context)

        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        path = self.run_core(
            composite_to_file,
            cubes,
            area,
            area.crs,
            output,
            start_year=year(self.START_YEAR),
            end_year=year(self.END_YEAR),
            variables=split_list(self.parameterAsString(parameters, self.VARIABLES, context)),
            target_crs=(target.authid() or target.toWkt()) if target.isValid() else None,
            composite_urls=composites,
            config=config,
            progress=progress,
        )
        return {self.OUTPUT: str(path)}
