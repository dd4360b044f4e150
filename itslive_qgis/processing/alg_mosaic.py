"""itslive:mosaic — clip the ITS_LIVE velocity mosaics (COGs) to an area by range reads."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputRasterLayer,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from .. import settings
from ..i18n import tr
from .base import ItsLiveAlgorithm, area_from_parameters, progress_for, split_list

DEFAULT_VARIABLES = "v,vx,vy,v_error,count"


class MosaicAlgorithm(ItsLiveAlgorithm):
    """Clip annual or static velocity mosaics to an area."""

    NAME = "mosaic"
    CAPABILITY = "mosaic"
    ICON = "mosaic.svg"
    GROUP = "Mosaics"
    GROUP_ID = "mosaics"

    def displayName(self):
        return tr("Clip velocity mosaic")

    def shortHelpString(self):
        return tr(
            "Clips the ITS_LIVE v2 velocity mosaics (cloud-optimised GeoTIFFs under "
            "velocity_mosaic/v2/{annual,static}/cog/) to an area with HTTP range reads: only the tiles "
            "under the area are read, never whole files. YEAR 0 = the static (summary) mosaic, else the "
            "annual mosaic of that year (1985-2022). REGION: RGI region (e.g. 5 or RGI05A); default chosen "
            "from the area. VARIABLES: e.g. v,vx,vy,v_error,count (static mosaics also have dv_dt, v_amp, "
            "v_phase, ...). One GeoTIFF per variable in OUTPUT_FOLDER, in the mosaic's projection, with "
            "units (m/yr) and nodata. VX/VY outputs chain into itslive:strainrates."
        )

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterExtent("EXTENT", tr("Extent (any CRS)"), optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "AOI",
                tr("Area polygons (optional)"),
                [QgsProcessing.SourceType.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "YEAR",
                tr("Year (0 = static mosaic)"),
                QgsProcessingParameterNumber.Type.Integer,
                0,
                False,
                0,
                2100,
            )
        )
        self.addParameter(
            QgsProcessingParameterString("VARIABLES", tr("Variables"), defaultValue=DEFAULT_VARIABLES)
        )
        self.addParameter(QgsProcessingParameterString("REGION", tr("RGI region (optional)"), optional=True))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", tr("Output folder")))
        self.addOutput(QgsProcessingOutputMultipleLayers("LAYERS", tr("Clipped mosaics")))
        for name in ("V", "VX", "VY"):
            self.addOutput(QgsProcessingOutputRasterLayer(name, tr("{} raster").format(name.lower())))

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.mosaic import clip_mosaic

        area, area_crs = area_from_parameters(self, parameters, context)
        year = self.parameterAsInt(parameters, "YEAR", context) or None
        variables = split_list(
            self.parameterAsString(parameters, "VARIABLES", context)
        ) or DEFAULT_VARIABLES.split(",")
        region = self.parameterAsString(parameters, "REGION", context).strip() or None
        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QgsProcessingException(
                tr("Cannot create the output folder {}: {}").format(folder, exc)
            ) from exc
        paths = self.run_core(
            clip_mosaic,
            area,
            area_crs,
            variables=variables,
            year=year,
            region=region,
            output_dir=folder,
            config=settings.store_config(),
            progress=progress_for(feedback),
        )
        results = {"OUTPUT_FOLDER": folder, "LAYERS": [str(p) for p in paths]}
        for path in paths:
            var = path.stem.removesuffix("_clip").rsplit("_", 1)[-1].upper()
            if var in ("V", "VX", "VY"):
                results[var] = str(path)
        return results
