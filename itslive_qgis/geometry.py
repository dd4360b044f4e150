"""Conversions between the core's shapely/GeoJSON geometries and QgsGeometry."""

from __future__ import annotations

from qgis.core import QgsGeometry, QgsWkbTypes


def multipolygon_from_geojson(geometry: dict | None) -> QgsGeometry:
    """A MultiPolygon QgsGeometry from a GeoJSON geometry (polygon parts of collections kept)."""
    from shapely.geometry import shape

    if not geometry:
        return QgsGeometry()
    geom = QgsGeometry.fromWkt(shape(geometry).wkt)
    if QgsWkbTypes.flatType(geom.wkbType()) == QgsWkbTypes.Type.GeometryCollection:
        parts = [
            p for p in geom.asGeometryCollection() if p.type() == QgsWkbTypes.GeometryType.PolygonGeometry
        ]
        geom = QgsGeometry.collectGeometry(parts) if parts else QgsGeometry()
    if not geom.isNull():
        geom.convertToMultiType()
    return geom
