"""itslive:exportmap — a figure of result layers: map, legend with units, scale bar, north, date, citation.

The layers are either given (LAYERS), read from a result file (INPUT, loaded styled into a
private project), or the project's visible layers. The print layout is built with
:mod:`itslive_qgis.layers.layout`, exported to PNG or PDF and, when the run has a project
(not under ``qgis_process``, not with INPUT), saved in it under LAYOUT_NAME so the user can
adjust it in the layout designer. Runs on the main thread (layouts and layers are main-thread
objects), like QGIS's own layout exports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDateTimeRange,
    QgsMapLayer,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingUtils,
    QgsProject,
    QgsRectangle,
)

from ..i18n import tr
from .base import ItsLiveAlgorithm


@dataclass
class MapSpec:
    """What a layout shows, read from the parameters (the layers' project kept alive here)."""

    project: QgsProject
    layers: list[QgsMapLayer]
    extent: QgsRectangle | None
    crs: QgsCoordinateReferenceSystem
    title: str
    width_mm: float
    height_mm: float
    dpi: float
    layout_name: str
    graticule: bool
    save_in: QgsProject | None
    steps: list[QgsDateTimeRange] = field(default_factory=list)


class ExportMapAlgorithm(ItsLiveAlgorithm):
    """Export a print layout of ITS_LIVE result layers at one date to PNG or PDF."""

    NAME = "exportmap"
    GROUP = "Results"
    GROUP_ID = "results"
    LAYERS = "LAYERS"
    INPUT = "INPUT"
    EXTENT = "EXTENT"
    CRS = "CRS"
    DATE = "DATE"
    TITLE = "TITLE"
    WIDTH_MM = "WIDTH_MM"
    HEIGHT_MM = "HEIGHT_MM"
    DPI = "DPI"
    GRATICULE = "GRATICULE"
    LAYOUT_NAME = "LAYOUT_NAME"
    BASEMAP = "BASEMAP"
    DEM = "DEM"
    #: BASEMAP choices, in order
    BASEMAPS = ("none", "mosaic", "hillshade", "web_tiles")
    OUTPUT = "OUTPUT"
    DATE_LABEL = "DATE_LABEL"
    LAYOUT = "LAYOUT"
    #: default LAYOUT_NAME
    DEFAULT_LAYOUT = "ITS_LIVE map"

    def displayName(self):
        return tr("Export map (PNG or PDF)")

    def shortHelpString(self):
        return tr(
            "A figure of ITS_LIVE result layers for a paper or a talk, made as a QGIS print layout: the "
            "map over an extent at one date, a legend of the layers with their units, a scale bar, a "
            "north arrow pointing to TRUE north (polar stereographic maps are rotated relative to "
            "north), an optional graticule, the date range of the time step, a title and the ITS_LIVE "
            "data citation (Gardner et al., 2025).\n\n"
            "LAYERS: the layers to draw, top first; or INPUT: a result file, loaded styled; default: "
            "the project's visible layers. DATE (YYYY-MM-DD): the time step containing that date "
            "(default: the first step). OUTPUT: .png (at DPI) or .pdf (vector legend and text). The "
            "layout is saved in the project as LAYOUT_NAME, to adjust in the layout designer.\n\n"
            "BASEMAP (under the layers): none; the ITS_LIVE static velocity mosaic clipped to the map "
            "(speed in grey, read from the configured store: works with a mirror, offline); a hillshade "
            "of the DEM raster layer given as DEM (offline); or the ITS_LIVE web tiles (vel_web_tiles/, "
            "online only)."
        )

    def flags(self):
        return super().flags() | Qgis.ProcessingAlgorithmFlag.NoThreading

    def initAlgorithm(self, config=None):
        self.add_layout_parameters()
        self.addParameter(
            QgsProcessingParameterString(self.DATE, tr("Date of the frame (YYYY-MM-DD)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, tr("Map file"), fileFilter=tr("PNG image (*.png);;PDF document (*.pdf)")
            )
        )
        self.addOutput(QgsProcessingOutputString(self.DATE_LABEL, tr("Date label")))
        self.addOutput(QgsProcessingOutputString(self.LAYOUT, tr("Layout name")))

    def add_layout_parameters(self) -> None:
        """Parameters shared with itslive:exportanimation."""
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                self.LAYERS, tr("Layers (top first; default: the visible layers)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.INPUT,
                tr("Or a result file (NetCDF, GeoTIFF or GeoPackage)"),
                behavior=Qgis.ProcessingFileParameterBehavior.File,
                fileFilter=tr("ITS_LIVE results (*.nc *.nc4 *.tif *.tiff *.gpkg);;All files (*)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterExtent(self.EXTENT, tr("Extent (default: the layers)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterCrs(self.CRS, tr("Map CRS (default: the project's)"), optional=True)
        )
        self.addParameter(QgsProcessingParameterString(self.TITLE, tr("Title"), optional=True))
        for name, label, default, low, high in (
            (self.WIDTH_MM, tr("Page width (mm)"), 200.0, 100.0, 2000.0),
            (self.HEIGHT_MM, tr("Page height (mm)"), 140.0, 70.0, 2000.0),
            (self.DPI, tr("Resolution (dpi)"), 150.0, 30.0, 1200.0),
        ):
            self.addParameter(
                QgsProcessingParameterNumber(
                    name,
                    label,
                    Qgis.ProcessingNumberParameterType.Double,
                    defaultValue=default,
                    minValue=low,
                    maxValue=high,
                )
            )
        self.addParameter(
            QgsProcessingParameterBoolean(self.GRATICULE, tr("Draw a graticule (WGS 84)"), defaultValue=True)
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.LAYOUT_NAME, tr("Layout name in the project"), defaultValue=self.DEFAULT_LAYOUT
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.BASEMAP,
                tr("Base map under the layers"),
                options=[
                    tr("None"),
                    tr("ITS_LIVE static velocity mosaic (grey, offline-safe)"),
                    tr("Hillshade of the DEM"),
                    tr("ITS_LIVE web tiles (online)"),
                ],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer(self.DEM, tr("DEM for the hillshade (metres)"), optional=True)
        )

    def processAlgorithm(self, parameters, context, feedback):
        from ..layers import layout as layouts

        spec = self.map_spec(parameters, context)
        frame = self.frame_at(spec, self.parameterAsString(parameters, self.DATE, context))
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        if not output.lower().endswith((".png", ".pdf")):
            raise QgsProcessingException(tr("OUTPUT must end in .png or .pdf; got {}.").format(output))
        layout = self.build(spec, frame)
        label = layouts.set_frame(layout, frame)
        self.run_core(layouts.export_layout, layout, output, spec.dpi)
        feedback.pushInfo(tr("Map written to {} ({}).").format(output, label or tr("no date")))
        self.keep_layout(spec, layout, feedback)
        return {self.OUTPUT: output, self.DATE_LABEL: label, self.LAYOUT: layout.name()}

    # ---------------------------------------------------------------- shared with the animation

    def map_spec(self, parameters, context) -> MapSpec:
        """Layers, extent, CRS, page and title from the parameters (QgsProcessingException if unusable)."""
        from ..layers import build_layers, inspect_result
        from ..layers import layout as layouts

        project = context.project()
        path = self.parameterAsFile(parameters, self.INPUT, context).strip()
        layers = self.parameterAsLayerList(parameters, self.LAYERS, context) if not path else []
        save_in = project
        if path:
            source = self.run_core(inspect_result, path)
            built = self.run_core(build_layers, source)
            project = QgsProject()  # private: the caller's project is left as it is
            for layer in built:
                project.addMapLayer(layer)
            layers = [layer for layer in built if layer.customProperty("itslive/visible", True)]
            save_in = None
        elif not layers and project is not None:
            layers = layouts.visible_layers(project)
        if not layers:
            raise QgsProcessingException(
                tr("Nothing to draw: choose LAYERS, give a result file as INPUT, or switch layers on.")
            )
        if project is None:
            project = QgsProject()
        if QgsApplication.platform() == "qgis_process":
            save_in = None
        crs = self.parameterAsCrs(parameters, self.CRS, context)
        if not crs.isValid():
            crs = context.project().crs() if context.project() is not None and not path else crs
        if not crs.isValid():
            crs = layers[0].crs()
        extent = None
        if parameters.get(self.EXTENT) not in (None, ""):
            extent = self.parameterAsExtent(parameters, self.EXTENT, context)
            extent_crs = self.parameterAsExtentCrs(parameters, self.EXTENT, context)
            if extent_crs.isValid() and extent_crs != crs:
                extent = QgsCoordinateTransform(
                    extent_crs, crs, context.transformContext()
                ).transformBoundingBox(extent)
            if extent.isNull() or extent.isEmpty():
                raise QgsProcessingException(tr("EXTENT is empty: draw or choose an area on the map."))
        title = self.parameterAsString(parameters, self.TITLE, context).strip() or default_title(layers)
        basemap = self.basemap(parameters, context, extent, crs, layers, project)
        if basemap is not None:
            project.addMapLayer(basemap, False)  # drawn by the layout only, not in the layer tree
            layers = [*layers, basemap]
        name = self.parameterAsString(parameters, self.LAYOUT_NAME, context).strip()
        return MapSpec(
            project=project,
            layers=layers,
            extent=extent,
            crs=crs,
            title=title,
            width_mm=self.parameterAsDouble(parameters, self.WIDTH_MM, context),
            height_mm=self.parameterAsDouble(parameters, self.HEIGHT_MM, context),
            dpi=self.parameterAsDouble(parameters, self.DPI, context),
            layout_name=name or self.DEFAULT_LAYOUT,
            graticule=self.parameterAsBoolean(parameters, self.GRATICULE, context),
            save_in=save_in,
            steps=layouts.step_frames(layers),
        )

    def basemap(self, parameters, context, extent, crs, layers, project):
        """The BASEMAP layer (None for 'none'); QgsProcessingException when it cannot be made."""
        from ..layers import basemap as basemaps

        choice = self.BASEMAPS[self.parameterAsEnum(parameters, self.BASEMAP, context)]
        if choice == "none":
            return None
        if choice == "web_tiles":
            return basemaps.web_tiles_layer()
        if choice == "hillshade":
            dem = self.parameterAsRasterLayer(parameters, self.DEM, context)
            if dem is None:
                raise QgsProcessingException(tr("BASEMAP hillshade needs a DEM raster layer as DEM."))
            return self.run_core(
                basemaps.hillshade_layer, dem.source(), tr("Hillshade of {}").format(dem.name())
            )
        from ..layers.layout import full_extent

        area = extent if extent is not None else full_extent(layers, crs, project)
        bounds = (area.xMinimum(), area.yMinimum(), area.xMaximum(), area.yMaximum())
        folder = QgsProcessingUtils.tempFolder()
        return self.run_core(basemaps.mosaic_basemap_layer, bounds, crs.toWkt(), folder, self.store_config())

    def frame_at(self, spec: MapSpec, text: str) -> QgsDateTimeRange | None:
        """The time step containing the date ``text`` (a one-day range without steps); first step if ''."""
        from ..layers.temporal import date_range

        text = (text or "").strip()
        if not text:
            return spec.steps[0] if spec.steps else None
        day = parse_date(text, self.DATE)
        from ..layers.temporal import datetime_from_days

        moment = datetime_from_days(day)
        for step in spec.steps:
            if step.contains(moment):
                return step
        if spec.steps:
            first, last = spec.steps[0].begin(), spec.steps[-1].end()
            raise QgsProcessingException(
                tr("{}: {} is outside the result's time steps ({} to {}).").format(
                    self.DATE, text, first.toString("yyyy-MM-dd"), last.toString("yyyy-MM-dd")
                )
            )
        return date_range(day, day + 1.0)

    def build(self, spec: MapSpec, frame):
        from ..layers import layout as layouts

        return self.run_core(
            layouts.build_layout,
            spec.project,
            spec.layers,
            spec.extent,
            spec.crs,
            spec.title,
            frame,
            spec.width_mm,
            spec.height_mm,
            spec.layout_name,
            spec.graticule,
        )

    def keep_layout(self, spec: MapSpec, layout, feedback) -> None:
        """Save the layout in the run's project (replacing one of the same name) when there is one."""
        from ..layers import layout as layouts

        if spec.save_in is None:
            return
        layouts.save_in_project(spec.save_in, layout)
        feedback.pushInfo(tr("Layout '{}' saved in the project.").format(layout.name()))


def default_title(layers: list[QgsMapLayer]) -> str:
    """'Ice speed (ITS_LIVE)' from the first raster's metadata title, else the first layer's name."""
    from qgis.core import QgsRasterLayer

    from ..layers.layout import short_name

    raster = next((layer for layer in layers if isinstance(layer, QgsRasterLayer)), layers[0])
    name = short_name(raster.metadata().title() or raster.name())
    return tr("{} (ITS_LIVE)").format(name[:1].upper() + name[1:])


def parse_date(text: str, parameter: str) -> float:
    """Days since 1970-01-01 of 'YYYY-MM-DD' (QgsProcessingException naming ``parameter`` otherwise)."""
    try:
        day = dt.date.fromisoformat(text.strip()[:10])
    except ValueError as exc:
        raise QgsProcessingException(
            tr("{}: {!r} is not a date: use YYYY-MM-DD (e.g. 2020-01-31).").format(parameter, text)
        ) from exc
    return float((day - dt.date(1970, 1, 1)).days)
