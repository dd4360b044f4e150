"""Conversions between the core's values (shapely/GeoJSON geometries, Area) and QGIS geometries."""

from __future__ import annotations

from qgis.core import QgsCoordinateReferenceSystem, QgsGeometry, QgsRectangle, QgsWkbTypes


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


def area_from_qgis(shape: QgsGeometry | QgsRectangle, crs: QgsCoordinateReferenceSystem):
    """The core's :class:`~itslive_qgis.core.geo.Area` of a QGIS extent or geometry in ``crs``.

    The one place where an area drawn or chosen in QGIS (the Processing EXTENT / AOI parameters,
    the dock's area box) becomes the core's value; an invalid CRS is an error, never EPSG:4326
    by guess.
    """
    from shapely import wkt

    from .core.errors import InputError
    from .core.geo import Area

    if not crs.isValid():
        raise InputError("The area has no valid CRS: set the CRS of the extent or of the layer.")
    if isinstance(shape, QgsRectangle):
        if shape.isNull() or shape.isEmpty():
            raise InputError("The extent is empty: draw or choose an area on the map.")
        bounds = (shape.xMinimum(), shape.yMinimum(), shape.xMaximum(), shape.yMaximum())
        return Area.parse(bounds, crs.authid() or crs.toWkt())
    if shape.isNull() or shape.isEmpty():
        raise InputError("The area geometry is empty: choose polygons that have some area.")
    return Area.parse(wkt.loads(shape.asWkt()), crs.authid() or crs.toWkt())
