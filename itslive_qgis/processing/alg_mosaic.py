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
    EXTENT = "EXTENT"
    AOI = "AOI"
    YEAR = "YEAR"
    VARIABLES = "VARIABLES"
    REGION = "REGION"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    LAYERS = "LAYERS"
    #: the raster outputs, one per velocity component (chain into itslive:strainrates)
    V = "V"
    VX = "VX"
    VY = "VY"

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
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Extent (any CRS)"), optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.AOI,
                tr("Area polygons (optional)"),
                [QgsProcessing.SourceType.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.YEAR,
                tr("Year (0 = static mosaic)"),
                QgsProcessingParameterNumber.Type.Integer,
                0,
                False,
                0,
                2100,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.VARIABLES, tr("Variables"), defaultValue=DEFAULT_VARIABLES)
        )
        self.addParameter(
            QgsProcessingParameterString(self.REGION, tr("RGI region (optional)"), optional=True)
        )
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, tr("Output folder")))
        self.addOutput(QgsProcessingOutputMultipleLayers(self.LAYERS, tr("Clipped mosaics")))
        for name in (self.V, self.VX, self.VY):
            self.addOutput(QgsProcessingOutputRasterLayer(name, tr("{} raster").format(name.lower())))

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.mosaic import clip_mosaic

        area = area_from_parameters(self, parameters, context)
        year = self.parameterAsInt(parameters, self.YEAR, context) or None
        variables = split_list(
            self.parameterAsString(parameters, self.VARIABLES, context)
        ) or DEFAULT_VARIABLES.split(",")
        region = self.parameterAsString(parameters, self.REGION, context).strip() or None
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        created = _missing_folders(Path(folder))
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _remove_empty(created)
            raise QgsProcessingException(
                tr("Cannot create the output folder {} (OUTPUT_FOLDER): {}").format(
                    folder, exc.strerror or exc
                )
            ) from exc
        try:
            paths = self.run_core(
                clip_mosaic,
                area,
                area.crs,
                variables=variables,
                year=year,
                region=region,
                output_dir=folder,
                config=self.store_config(),
                progress=progress_for(feedback),
            )
        except BaseException:
            _remove_empty(created)  # a failed run leaves no empty folder behind
            raise
        results = {self.OUTPUT_FOLDER: folder, self.LAYERS: [str(p) for p in paths]}
        for path in paths:
            var = path.stem.removesuffix("_clip").rsplit("_", 1)[-1].upper()
            if var in (self.V, self.VX, self.VY):
                results[var] = str(path)
        return results


def _missing_folders(folder: Path) -> list[Path]:
    """The folders ``mkdir(parents=True)`` would create for ``folder``, deepest first."""
    missing = []
    folder = folder.expanduser().absolute()
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders this run created, deepest first, while they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return
