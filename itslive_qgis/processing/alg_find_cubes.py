"""itslive:findcubes — the datacubes whose footprint covers an extent."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from ..geometry import multipolygon_from_geojson
from ..i18n import tr
from .base import ItsLiveAlgorithm, progress_for

FIELD_TYPES = {"text": QMetaType.Type.QString, "int": QMetaType.Type.Int, "double": QMetaType.Type.Double}


class FindCubesAlgorithm(ItsLiveAlgorithm):
    """Find the ITS_LIVE datacubes covering an extent."""

    NAME = "findcubes"
    CAPABILITY = "catalog"
    ICON = "findcubes.svg"
    EXTENT = "EXTENT"
    CATALOG = "CATALOG"
    OUTPUT = "OUTPUT"
    COUNT = "COUNT"

    def displayName(self):
        return tr("Find datacubes")

    def shortHelpString(self):
        return tr(
            "Lists the ITS_LIVE Zarr datacubes (100 km tiles, 120 m) whose footprint intersects the extent. "
            "A cube covers a place when the place intersects the cube's tile square in the cube's own "
            "projection (EPSG:3413, EPSG:3031 or UTM), so the answer is right for extents in any CRS, across "
            "the antimeridian and at UTM seams (where two cubes cover a place).\n\n"
            "CATALOG: optional path or URL of a catalog_v02.json; default the configured endpoint's "
            "datacubes/catalog_v02.json (cached; refreshed when it changed).\n"
            "OUTPUT: one polygon per cube in EPSG:4326 with zarr_url, epsg, granule_count and "
            "roi_percent_coverage (%), largest overlap first.\n\n"
            "Data: NASA MEaSUREs ITS_LIVE (Gardner et al., doi:10.5194/egusphere-2025-392)."
        )

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Extent (any CRS)")))
        self.addParameter(
            QgsProcessingParameterString(self.CATALOG, tr("Catalog file or URL (optional)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Datacube footprints"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.catalog import FOOTPRINT_FIELDS, load_catalog

        extent = self.parameterAsExtent(parameters, self.EXTENT, context)
        crs = self.parameterAsExtentCrs(parameters, self.EXTENT, context)
        if extent.isNull():
            raise QgsProcessingException(tr("The extent is empty: draw or choose an area on the map."))
        source = self.parameterAsString(parameters, self.CATALOG, context).strip() or None
        progress = progress_for(feedback)
        loaded = self.run_core(load_catalog, self.store_config(), source=source, progress=progress)
        feedback.pushInfo(loaded.message)
        bounds = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
        crs_spec = (crs.authid() or crs.toWkt()) if crs.isValid() else "EPSG:4326"
        matches = self.run_core(loaded.catalog.matches, bounds, crs_spec)
        records = [m.record for m in matches]
        features = loaded.catalog.footprint_features(records)

        fields = QgsFields()
        for name, kind in FOOTPRINT_FIELDS:
            fields.append(QgsField(name, FIELD_TYPES[kind]))
        sink, dest_id = self.parameterAsSink(
            parameters,
            self.OUTPUT,
            context,
            fields,
            QgsWkbTypes.Type.MultiPolygon,
            QgsCoordinateReferenceSystem("EPSG:4326"),
        )
        for feature_json in features:
            feature = QgsFeature(fields)
            feature.setGeometry(multipolygon_from_geojson(feature_json["geometry"]))
            feature.setAttributes([feature_json["properties"][name] for name, _ in FOOTPRINT_FIELDS])
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        feedback.pushInfo(tr("{} datacube(s) cover the extent.").format(len(features)))
        return {self.OUTPUT: dest_id, self.COUNT: len(features)}
