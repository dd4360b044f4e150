"""itslive:elevationchange — gridded rate of surface height change dh/dt (m/yr) with sigma and count."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..i18n import tr
from .base import ItsLiveAlgorithm, dates_problem, extent_in_crs, progress_for
from .elevation_outputs import nc_output


class ElevationChangeAlgorithm(ItsLiveAlgorithm):
    """dh/dt from ATL15, a height-change cube, or ATL06 repeat tracks, on a chosen grid."""

    NAME = "elevationchange"
    CAPABILITY = "elevation"
    GROUP = "Elevation"
    GROUP_ID = "elevation"
    INPUT = "INPUT"
    INPUT_POINTS = "INPUT_POINTS"
    REFERENCE_GRID = "REFERENCE_GRID"
    EXTENT = "EXTENT"
    CRS = "CRS"
    PIXEL_SIZE_M = "PIXEL_SIZE_M"
    START_DATE = "START_DATE"
    END_DATE = "END_DATE"
    LAG = "LAG"
    TIME_AXIS = "TIME_AXIS"
    OUTPUT = "OUTPUT"
    DEFAULT_PIXEL_SIZE_M = 500.0
    MIN_PIXEL_SIZE_M = 20.0
    DEFAULT_CRS = "EPSG:3413"
    MAX_LAG = 8

    def displayName(self):
        return tr("Elevation change (dh/dt)")

    def shortHelpString(self):
        return tr(
            "Rate of surface height change dh/dt (m/yr) on a grid, with its 1-sigma uncertainty "
            "dhdt_sigma (m/yr) and count, written as CF NetCDF (y, x) with its grid mapping.\n\n"
            "Sources (INPUT, or INPUT_POINTS):\n"
            "- an ICESat-2 ATL15 file (.nc): a weighted linear trend of delta_h over the dates in the "
            "window (count = dates), or with LAG = k >= 1 the mean of the dhdt_lag{k} rates in the window;\n"
            "- the ITS_LIVE height-change cube (a local .zarr, or its URL in the its-live-data bucket, read "
            "anonymously like the velocity cubes, e.g. s3://its-live-data/height_change/Antarctica/Grounded/"
            "ANT_G1920V01_GroundedIceHeight.zarr; dh, rmse, quality_flag; time in days since 1950-01-01): a "
            "weighted trend of dh, flagged values left out;\n"
            "- ATL06 files, a folder or an s3:// location (as in itslive:icesat2heights), or INPUT_POINTS, "
            "the layer itslive:icesat2heights wrote: in each cell a robust weighted fit of a plane (the "
            "surface slope, since repeat tracks wander across it) plus a linear trend; outliers beyond "
            "3 scaled MADs are dropped; count = repeat passes (rgt, cycle) kept; a cell needs 3 passes "
            "over 180 days.\n\n"
            "Grid: REFERENCE_GRID, a raster or NetCDF whose grid the output takes (e.g. a velocity "
            "result, so that itslive:massbalance can subtract the flux divergence), else EXTENT in CRS "
            "(a projected CRS in metres, default EPSG:3413) with PIXEL_SIZE_M. Gridded inputs are "
            "carried onto it bilinearly. START_DATE, END_DATE: YYYY-MM-DD (inclusive).\n\n"
            "TIME_AXIS (ATL15 and the height-change cube only): the output also has a time axis: with "
            "LAG = 0, dh (m, relative to the input's own reference epoch) and dh_sigma at each epoch in "
            "the window, beside the 2-D trend dhdt; with LAG = k, dhdt and dhdt_sigma (m/yr) per lag "
            "window, time at its centre and time_bnds its start and end (CF)."
        )

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterString(
                self.INPUT,
                tr(
                    "ATL15 .nc, height-change .zarr (path or URL), or ATL06 files / folder / s3:// "
                    "(';'-separated)"
                ),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT_POINTS,
                tr("or: ICESat-2 heights layer (itslive:icesat2heights)"),
                [QgsProcessing.SourceType.TypeVectorPoint],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.REFERENCE_GRID,
                tr("Reference grid (raster or NetCDF; optional)"),
                behavior=Qgis.ProcessingFileParameterBehavior.File,
                optional=True,
            )
        )
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("or: extent"), optional=True))
        self.addParameter(
            QgsProcessingParameterCrs(self.CRS, tr("CRS of the grid (projected, metres)"), self.DEFAULT_CRS)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PIXEL_SIZE_M,
                tr("Pixel size (metres)"),
                type=Qgis.ProcessingNumberParameterType.Double,
                defaultValue=self.DEFAULT_PIXEL_SIZE_M,
                minValue=self.MIN_PIXEL_SIZE_M,
            )
        )
        for name, label in (
            (self.START_DATE, tr("Start date (YYYY-MM-DD)")),
            (self.END_DATE, tr("End date (YYYY-MM-DD)")),
        ):
            self.addParameter(QgsProcessingParameterString(name, label, optional=True))
        lag = QgsProcessingParameterNumber(
            self.LAG,
            tr("ATL15 lag (0 = trend of delta_h; k = mean of dhdt_lag k)"),
            type=Qgis.ProcessingNumberParameterType.Integer,
            defaultValue=0,
            minValue=0,
            maxValue=self.MAX_LAG,
        )
        lag.setFlags(lag.flags() | Qgis.ProcessingParameterFlag.Advanced)
        self.addParameter(lag)
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.TIME_AXIS,
                tr("Keep the time axis (time, y, x): dh per epoch, or dh/dt per lag window"),
                defaultValue=False,
            )
        )
        self.addParameter(
            # optional only so that the workflow model need not ask for it when its height-change branch
            # is off; run alone, a missing OUTPUT is refused (nc_output)
            QgsProcessingParameterFileDestination(
                self.OUTPUT, tr("Elevation change"), "NetCDF (*.nc)", optional=True
            )
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = dates_problem(
            self.parameterAsString(parameters, self.START_DATE, context),
            self.parameterAsString(parameters, self.END_DATE, context),
        ) or self._input_problem(parameters, context)
        return (False, problem) if problem else (True, "")

    def _input_problem(self, parameters, context) -> str:
        inputs = self._inputs(parameters, context)
        has_points = parameters.get(self.INPUT_POINTS) not in (None, "")
        if bool(inputs) == has_points:
            return tr("Give either INPUT (files or an s3:// location) or INPUT_POINTS (a heights layer).")
        has_grid = bool(self.parameterAsFile(parameters, self.REFERENCE_GRID, context).strip())
        if not has_grid and parameters.get(self.EXTENT) in (None, ""):
            return tr("Give a REFERENCE_GRID, or an EXTENT and PIXEL_SIZE_M for the output grid.")
        if any(i.startswith("s3://") and not _is_gridded(i) for i in inputs):
            from .earthdata_login import login_problem

            return login_problem(self.store_config())
        return ""

    def _inputs(self, parameters, context) -> list[str]:
        text = self.parameterAsString(parameters, self.INPUT, context) or ""
        return [part.strip() for part in text.split(";") if part.strip()]

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.elevation import dhdt_from_gridded, dhdt_from_points, write_dhdt

        grid = self._grid(parameters, context)
        start = self.parameterAsString(parameters, self.START_DATE, context).strip() or None
        end = self.parameterAsString(parameters, self.END_DATE, context).strip() or None
        inputs = self._inputs(parameters, context)
        progress = progress_for(feedback)
        output = nc_output(self, parameters, context)
        if inputs and len(inputs) == 1 and _is_gridded(inputs[0]):
            lag = self.parameterAsInt(parameters, self.LAG, context)
            feedback.pushInfo(tr("Height change from the gridded file {}").format(inputs[0]))
            if self.parameterAsBoolean(parameters, self.TIME_AXIS, context):
                from ..core.elevation import dhdt_series_from_gridded

                result = self.run_core(
                    dhdt_series_from_gridded, inputs[0], grid, start, end, lag, config=self.store_config()
                )
            else:
                result = self.run_core(
                    dhdt_from_gridded,
                    inputs[0],
                    grid,
                    start,
                    end,
                    lag,
                    progress=progress,
                    config=self.store_config(),
                )
            source = inputs[0]
        else:
            if self.parameterAsBoolean(parameters, self.TIME_AXIS, context):
                raise QgsProcessingException(
                    tr("TIME_AXIS needs a gridded input with a time axis (ATL15 or the height-change cube).")
                )
            points, source = self._points(parameters, context, feedback, inputs, grid, start, end)
            feedback.pushInfo(tr("Height change from {} ICESat-2 segments").format(len(points)))
            result = self.run_core(dhdt_from_points, points, grid, start, end, progress=progress)
        params = {"lag": self.parameterAsInt(parameters, self.LAG, context), "pixel_m": grid.pixel_m}
        path = self.run_core(write_dhdt, output, grid, result, source, start, end, params)
        return {self.OUTPUT: str(path)}

    def _grid(self, parameters, context):
        from ..core.elevation import GridSpec

        reference = self.parameterAsFile(parameters, self.REFERENCE_GRID, context).strip()
        if reference:
            return self.run_core(GridSpec.from_file, reference)
        crs = self.parameterAsCrs(parameters, self.CRS, context)
        extent = extent_in_crs(self, parameters, self.EXTENT, context, crs)
        pixel = self.parameterAsDouble(parameters, self.PIXEL_SIZE_M, context)
        return self.run_core(GridSpec.from_extent, *extent, pixel, crs.toWkt())

    def _points(self, parameters, context, feedback, inputs, grid, start, end):
        """(DataFrame of segments, description) from INPUT_POINTS or ATL06 INPUT."""
        if not inputs:
            return _layer_frame(self, parameters, context, feedback), tr("the heights layer")
        from .. import settings
        from ..core.elevation import HeightQuery, find_granules
        from .alg_icesat2_heights import read_segments
        from .earthdata_login import s3_keys

        bbox = _grid_bbox(grid)
        query = self.run_core(HeightQuery, bbox=bbox, start=start, end=end)
        config = self.store_config()
        keys = s3_keys(self, config) if any(i.startswith("s3://") for i in inputs) else None
        granules = self.run_core(
            find_granules, inputs, query, config=config, cmr_url=settings.cmr_url(), s3_credentials=keys
        )
        frame = self.run_core(read_segments, granules, query, config, keys, None)
        return frame, "; ".join(inputs)


def _is_gridded(path: str) -> bool:
    text = path.rstrip("/")
    if text.startswith(("s3://", "http://", "https://")):
        return text.endswith(".zarr")
    p = Path(text)
    return p.suffix.lower() in (".nc", ".nc4", ".zarr") or (p / ".zmetadata").exists()


def _grid_bbox(grid):
    """(west, south, east, north) degrees of the grid (its edges densified)."""
    import numpy as np

    from ..core.geo import transform_xy

    xs = np.concatenate([grid.x, grid.x, np.full(grid.y.size, grid.x[0]), np.full(grid.y.size, grid.x[-1])])
    ys = np.concatenate([np.full(grid.x.size, grid.y[0]), np.full(grid.x.size, grid.y[-1]), grid.y, grid.y])
    lon, lat = transform_xy(xs, ys, grid.crs, "EPSG:4326")
    return float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat))


def _layer_frame(alg, parameters, context, feedback):
    """The heights layer's features as the core's DataFrame (lon/lat, h_li, h_li_sigma, time, rgt, cycle)."""
    import numpy as np
    import pandas as pd

    source = alg.parameterAsSource(parameters, alg.INPUT_POINTS, context)
    if source is None:
        raise QgsProcessingException(tr("INPUT_POINTS could not be read."))
    names = source.fields().names()
    missing = [n for n in ("h_li", "time") if n not in names]
    if missing:
        raise QgsProcessingException(
            tr("INPUT_POINTS has no field {}: give the layer itslive:icesat2heights wrote.").format(
                ", ".join(missing)
            )
        )
    transform = QgsCoordinateTransform(
        source.sourceCrs(), QgsCoordinateReferenceSystem("EPSG:4326"), context.transformContext()
    )
    rows = []
    for feature in source.getFeatures():
        if feedback.isCanceled():
            raise QgsProcessingException(tr("Cancelled: no output was written."))
        if not feature.hasGeometry():
            continue
        point = transform.transform(feature.geometry().asPoint())
        when = feature["time"]
        ms = when.toMSecsSinceEpoch() if hasattr(when, "toMSecsSinceEpoch") else None
        if ms is None or feature["h_li"] is None:
            continue
        sigma = feature["h_li_sigma"] if "h_li_sigma" in names else None
        rows.append(
            (
                point.x(),
                point.y(),
                float(feature["h_li"]),
                float(sigma) if sigma not in (None, "") else np.nan,
                ms,
                int(feature["rgt"]) if "rgt" in names and feature["rgt"] is not None else 0,
                int(feature["cycle"]) if "cycle" in names and feature["cycle"] is not None else 0,
            )
        )
    if not rows:
        raise QgsProcessingException(tr("INPUT_POINTS holds no point with a height and a time."))
    frame = pd.DataFrame(rows, columns=["longitude", "latitude", "h_li", "h_li_sigma", "ms", "rgt", "cycle"])
    frame["time"] = pd.to_datetime(frame.pop("ms"), unit="ms")
    return frame
