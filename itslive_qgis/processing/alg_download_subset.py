"""itslive:downloadsubset — clean image-pair velocities under an area and in a time window."""

from __future__ import annotations

from qgis.core import (
    Qgis,
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
from .base import (
    ItsLiveAlgorithm,
    area_from_parameters,
    dates_problem,
    output_path_value,
    progress_for,
    satellites_problem,
    split_list,
)
from .cluster_outputs import add_scheduler_parameter, run_on_cluster, scheduler_of, url_output_problem

#: a calendar for YYYY-MM-DD strings in Processing dialogs (the wrapper is loaded only by dialogs)
DATE_METADATA = {"widget_wrapper": {"class": "itslive_qgis.gui.processing_widgets.DateWidgetWrapper"}}
OUTPUT_SUFFIXES = (".nc", ".nc4", ".netcdf", ".zarr")


class DownloadSubsetAlgorithm(ItsLiveAlgorithm):
    """Download a clean subset of the datacubes covering an area."""

    NAME = "downloadsubset"
    CAPABILITY = "subset"
    ICON = "download.svg"
    EXTENT = "EXTENT"
    AOI = "AOI"
    START_DATE = "START_DATE"
    END_DATE = "END_DATE"
    VARIABLES = "VARIABLES"
    SATELLITES = "SATELLITES"
    MIN_DT_DAYS = "MIN_DT_DAYS"
    MAX_DT_DAYS = "MAX_DT_DAYS"
    MIN_VALID_PCT = "MIN_VALID_PCT"
    MAX_V_ERROR = "MAX_V_ERROR"
    CUBES = "CUBES"
    CUBES_LAYER = "CUBES_LAYER"
    TARGET_CRS = "TARGET_CRS"
    MAX_SIZE_GB = "MAX_SIZE_GB"
    OUTPUT = "OUTPUT"
    #: outputs that may be an fsspec URL (s3://, with DASK_SCHEDULER): checked in _output_problem
    URL_OUTPUTS = (OUTPUT,)
    PAIRS = "PAIRS"
    #: the time window (mid_date, YYYY-MM-DD, inclusive) when START_DATE / END_DATE are empty
    DEFAULT_START = "1984-01-01"
    DEFAULT_END = "2100-01-01"
    #: lower bounds of the optional filters (no upper bound, except 100 % for MIN_VALID_PCT)
    MIN_DT_BOUND_DAYS = 0.0
    MIN_VALID_PCT_RANGE = (0.0, 100.0)
    MIN_V_ERROR_M_PER_YR = 0.0

    def displayName(self):
        return tr("Download datacube subset")

    def shortHelpString(self):
        text = tr(
            "Downloads the image-pair velocities of the ITS_LIVE datacubes under an area (EXTENT, or the "
            "polygons of AOI, e.g. a selected glacier outline; any CRS) whose mid_date lies in "
            "[START_DATE, END_DATE] (YYYY-MM-DD, inclusive), and writes one clean file: -32767 fill values "
            "become NaN, pairs are sorted by mid_date (duplicates kept in a stable order), "
            "acquisition_date_img1 <= acquisition_date_img2, date_dt in days, y stays descending; CF-1.8 "
            "NetCDF4 (compressed, .nc) or Zarr (.zarr) with the grid mapping, units (m/yr) and "
            "provenance.\n\n"
            "Only the chunks under the area are read, many at a time, retried with backoff; an interrupted "
            "or cancelled download resumes without fetching completed chunks; the file appears only when "
            "complete. Tiles of one projection are joined on their common 120 m grid; tiles of another "
            "projection are resampled onto TARGET_CRS (default: the projection of the tile covering most "
            "of the area) with vx/vy rotated into its axes.\n\n"
            "CUBES: optional comma-separated zarr URLs (the dock's selection), or CUBES_LAYER: the output of "
            "itslive:findcubes; default: every cube of the catalog covering the area. "
            "VARIABLES: default v, vx, vy, v_error and the per-pair metadata. "
            "SATELLITES: e.g. 8,9,2A,2B (first image). MIN_DT_DAYS/MAX_DT_DAYS bound date_dt (days); "
            "MIN_VALID_PCT bounds roi_valid_percentage (%); MAX_V_ERROR (m/yr) blanks worse pixels."
        )
        return text + "\n\n" + cluster_help()

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
        for name, label, default in (
            (self.START_DATE, tr("Start date (YYYY-MM-DD)"), self.DEFAULT_START),
            (self.END_DATE, tr("End date (YYYY-MM-DD)"), self.DEFAULT_END),
        ):
            date = QgsProcessingParameterString(name, label, defaultValue=default)
            date.setMetadata(DATE_METADATA)  # a calendar in dialogs; still a YYYY-MM-DD string
            self.addParameter(date)
        self.addParameter(
            QgsProcessingParameterString(
                self.VARIABLES, tr("Variables (comma-separated; empty = defaults)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.SATELLITES, tr("Satellites (e.g. 8,9,2A)"), optional=True)
        )
        for name, label in (
            (self.MIN_DT_DAYS, tr("Minimum date_dt (days)")),
            (self.MAX_DT_DAYS, tr("Maximum date_dt (days)")),
        ):
            self.addParameter(
                QgsProcessingParameterNumber(
                    name,
                    label,
                    QgsProcessingParameterNumber.Type.Double,
                    optional=True,
                    minValue=self.MIN_DT_BOUND_DAYS,
                )
            )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_VALID_PCT,
                tr("Minimum roi_valid_percentage (%)"),
                QgsProcessingParameterNumber.Type.Double,
                optional=True,
                minValue=self.MIN_VALID_PCT_RANGE[0],
                maxValue=self.MIN_VALID_PCT_RANGE[1],
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MAX_V_ERROR,
                tr("Maximum v_error (m/yr)"),
                QgsProcessingParameterNumber.Type.Double,
                optional=True,
                minValue=self.MIN_V_ERROR_M_PER_YR,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.CUBES, tr("Datacube URLs (optional)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.CUBES_LAYER,
                tr("Datacube footprints (output of itslive:findcubes, optional)"),
                [QgsProcessing.SourceType.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterCrs(self.TARGET_CRS, tr("Target CRS (optional)"), optional=True)
        )
        budget = QgsProcessingParameterNumber(
            self.MAX_SIZE_GB,
            tr("Size budget, GB (download or uncompressed output; empty = the plugin option, 0 = no limit)"),
            QgsProcessingParameterNumber.Type.Double,
            optional=True,
            minValue=0.0,
        )
        budget.setFlags(budget.flags() | Qgis.ProcessingParameterFlag.Advanced)
        self.addParameter(budget)
        add_scheduler_parameter(self)
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, tr("Subset"), tr("NetCDF (*.nc);;Zarr (*.zarr)"), defaultValue=None
            )
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = (
            dates_problem(
                self.parameterAsString(parameters, self.START_DATE, context),
                self.parameterAsString(parameters, self.END_DATE, context),
            )
            or satellites_problem(self.parameterAsString(parameters, self.SATELLITES, context))
            or self._output_problem(parameters, context)
            or self._cubes_problem(parameters, context)
        )
        return (False, problem) if problem else (True, "")

    def _output_problem(self, parameters, context) -> str:
        """OUTPUT's problem: .nc or .zarr in process; a .zarr folder or an fsspec URL on a cluster."""
        from ..core.errors import InputError
        from ..core.io import check_output

        path = output_path_value(parameters.get(self.OUTPUT))
        try:
            on_cluster = not scheduler_of(self, parameters, context).in_process
            problem = url_output_problem(self, path, on_cluster)
            if path is None or problem or "://" in path:
                return problem
            if on_cluster and not path.lower().rstrip("/").endswith(".zarr"):
                return tr(
                    "{}: with DASK_SCHEDULER the subset is a Zarr store written by the workers: give a "
                    ".zarr folder or an s3:// URL (or empty DASK_SCHEDULER for a NetCDF file)."
                ).format(self.OUTPUT)
            check_output(path, self.OUTPUT, OUTPUT_SUFFIXES)
        except InputError as exc:
            return str(exc)
        return ""

    def _cubes_problem(self, parameters, context) -> str:
        """Cube URLs given in CUBES that are not in the configured store (checked before any request)."""
        from ..core.errors import InputError
        from ..core.io import confine_url

        cubes = split_list(self.parameterAsString(parameters, self.CUBES, context))
        if not cubes:
            return ""
        try:
            config = settings.checked_store_config()
            for url in cubes:
                confine_url(url, config, settings.allow_other_hosts(), self.CUBES)
        except InputError as exc:
            return str(exc)
        return ""

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.subset import subset_cubes

        problem = self._output_problem(parameters, context) or self._cubes_problem(parameters, context)
        if problem:
            raise QgsProcessingException(problem)

        area = area_from_parameters(self, parameters, context)
        config = self.store_config()
        progress = progress_for(feedback)
        cubes = split_list(self.parameterAsString(parameters, self.CUBES, context))
        origin = self.CUBES
        if not cubes and parameters.get(self.CUBES_LAYER):
            origin = self.CUBES_LAYER
            layer = self.parameterAsSource(parameters, self.CUBES_LAYER, context)
            if layer is None or layer.fields().indexOf("zarr_url") < 0:
                raise QgsProcessingException(
                    tr("The datacube layer needs a zarr_url field (from itslive:findcubes).")
                )
            cubes = [f["zarr_url"] for f in layer.getFeatures() if f["zarr_url"]] or None
        if not cubes:
            from ..core.catalog import cube_urls_for_area

            cubes = self.run_core(cube_urls_for_area, area.geometry, area.crs, config, progress)
            origin = tr("the catalog's zarr_url")
        from ..core.io import confine_url

        for url in cubes or []:  # before any request: no link is followed to another host
            self.run_core(confine_url, url, config, settings.allow_other_hosts(), origin)
        request = self._request(parameters, context)
        scheduler = scheduler_of(self, parameters, context)
        if not scheduler.in_process:
            return self._run_on_cluster(parameters, context, feedback, cubes, area, request, scheduler)
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        result = self.run_core(
            subset_cubes,
            cubes,
            area,
            area.crs,
            output_path=output,
            config=config,
            progress=progress,
            max_download_bytes=self._budget_bytes(parameters, context),
            **request,
        )
        feedback.pushInfo(tr("{} pairs written to {}").format(result.n_pairs, result.path))
        return {self.OUTPUT: str(result.path), self.PAIRS: result.n_pairs}

    def _request(self, parameters, context) -> dict:
        """Dates, variables and filters of the subset (keyword arguments of subset_cubes)."""
        target = self.parameterAsCrs(parameters, self.TARGET_CRS, context)

        def number(name):
            return (
                self.parameterAsDouble(parameters, name, context)
                if parameters.get(name) not in (None, "")
                else None
            )

        return dict(
            start_date=self.parameterAsString(parameters, self.START_DATE, context).strip()
            or self.DEFAULT_START,
            end_date=self.parameterAsString(parameters, self.END_DATE, context).strip() or self.DEFAULT_END,
            variables=split_list(self.parameterAsString(parameters, self.VARIABLES, context)),
            satellites=split_list(self.parameterAsString(parameters, self.SATELLITES, context)),
            min_interval_days=number(self.MIN_DT_DAYS),
            max_interval_days=number(self.MAX_DT_DAYS),
            min_roi_valid_percentage=number(self.MIN_VALID_PCT),
            max_v_error_m_per_yr=number(self.MAX_V_ERROR),
            target_crs=(target.authid() or target.toWkt()) if target.isValid() else None,
            allow_other_hosts=settings.allow_other_hosts(),
        )

    def _run_on_cluster(self, parameters, context, feedback, cubes, area, request, scheduler):
        """The same subset on a dask cluster: the workers plan, read and write the Zarr store."""
        from ..core.cluster import subset_on_cluster

        result = run_on_cluster(
            self, parameters, context, feedback, scheduler, subset_on_cluster, cubes, area, area.crs,
            config=self.store_config(), max_download_bytes=self._budget_bytes(parameters, context), **request,
        )  # fmt: skip
        feedback.pushInfo(
            tr("{} pairs in {} blocks on the cluster in {:.1f} s; the subset store is complete: {}").format(
                result.n_pairs, result.n_blocks, result.wall_s, result.target
            )
        )
        return {self.OUTPUT: result.target, self.PAIRS: result.n_pairs}

    def _budget_bytes(self, parameters, context) -> float | None:
        """MAX_SIZE_GB, else the plugin option, in bytes; None when 0 (no limit)."""
        if parameters.get(self.MAX_SIZE_GB) not in (None, ""):
            gb = self.parameterAsDouble(parameters, self.MAX_SIZE_GB, context)
            return gb * 1e9 if gb > 0 else None
        return settings.max_download_bytes()


def cluster_help() -> str:
    """The DASK_SCHEDULER paragraph of the help."""
    return tr(
        "DASK_SCHEDULER (advanced; default from the plugin settings): empty downloads in process; "
        "'local' (or 'local:4') starts a dask LocalCluster of 2 (4) worker processes on this machine; an "
        "address (tcp://host:8786) uses a running dask.distributed scheduler (Coiled, Dask Gateway, "
        "dask-scheduler), best next to the data (AWS us-west-2). The workers plan the same subset, read "
        "the cube chunks under their blocks themselves (16 x 16 cells of the output with every pair) and "
        "write them into a Zarr store: OUTPUT is then a .zarr folder (a local cluster) or an s3:// URL the "
        "workers can write. The store equals the in-process .zarr subset (same pairs, order, values and "
        "attributes) and is marked complete only when every block is written; a worker lost in the "
        "middle has its blocks run again; cancel leaves no store. The dock loads it through a NetCDF "
        "copy beside it (<store>.nc). Needs the optional package distributed."
    )
