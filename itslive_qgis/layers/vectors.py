"""Flow-vector symbology: arrows (or streamlines) over the speed raster.

Preferred: a mesh layer (MDAL) of the same NetCDF. MDAL pairs vx/vy into one vector dataset
group when their long_name contains "x component"/"y component"; the mesh then draws arrows
on a screen grid (``spacing_px`` pixels apart whatever the zoom), sized by speed, with its
scalar rendering and mesh frame off so the speed raster shows beneath, and follows the
temporal controller. Fallback (MDAL finds no vector group, e.g. GeoTIFF mosaics or vx/vy
without such long_names): a thinned point layer written to a GeoPackage beside the result,
drawn with the arrows.qml marker (rotation and length from data-defined fields).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsInterpolatedLineColor,
    QgsMeshDatasetIndex,
    QgsMeshLayer,
    QgsMeshRendererVectorArrowSettings,
    QgsMeshRendererVectorSettings,
    QgsMeshRendererVectorStreamlineSettings,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from ..core.errors import DataError
from ..core.io import atomic_output
from .sources import VariableSource

VECTOR_STYLES = ("arrows", "streamlines", "traces")
ARROW_COLOUR = QColor(15, 15, 15)
DEFAULT_SPACING_PX = 28
MAX_SHAFT_MM = 6.0
MIN_SHAFT_MM = 0.6
#: largest number of arrows per axis in the fallback point layer
FALLBACK_POINTS_PER_AXIS = 40


def build_vector_mesh_layer(
    path: str | Path, name: str, style: str = "arrows", spacing_px: int = DEFAULT_SPACING_PX
) -> QgsMeshLayer | None:
    """Mesh layer of a NetCDF drawing its vx/vy vector group; None when MDAL finds no vector group.

    Parameters
    ----------
    path : NetCDF file with vx/vy (m/yr) on a regular grid.
    name : layer name.
    style : ``arrows`` (sized by speed), ``streamlines`` or ``traces``.
    spacing_px : arrow spacing on the screen, pixels (density follows the zoom, not the data).
    """
    layer = QgsMeshLayer(str(path), name, "mdal")
    if not layer.isValid():
        return None
    vector_group = next(
        (
            index
            for index in layer.datasetGroupsIndexes()
            if layer.datasetGroupMetadata(QgsMeshDatasetIndex(index)).isVector()
        ),
        None,
    )
    if vector_group is None:
        return None
    configure_mesh_vectors(layer, vector_group, style, spacing_px)
    return layer


def configure_mesh_vectors(
    layer: QgsMeshLayer, vector_group: int, style: str = "arrows", spacing_px: int = DEFAULT_SPACING_PX
) -> None:
    """Vectors only (no scalar colours, no mesh frame), single dark colour, on a screen grid."""
    if style not in VECTOR_STYLES:
        raise ValueError(f"Vector style must be one of {VECTOR_STYLES}, not {style!r}.")
    settings = layer.rendererSettings()
    settings.setActiveScalarDatasetGroup(-1)
    settings.setActiveVectorDatasetGroup(vector_group)
    for getter, setter in (
        (settings.nativeMeshSettings, settings.setNativeMeshSettings),
        (settings.triangularMeshSettings, settings.setTriangularMeshSettings),
        (settings.edgeMeshSettings, settings.setEdgeMeshSettings),
    ):
        mesh = getter()
        mesh.setEnabled(False)
        setter(mesh)
    vectors = settings.vectorSettings(vector_group)
    vectors.setColoringMethod(QgsInterpolatedLineColor.ColoringMethod.SingleColor)
    vectors.setColor(ARROW_COLOUR)
    vectors.setLineWidth(0.45)
    vectors.setOnUserDefinedGrid(True)
    vectors.setUserGridCellWidth(int(spacing_px))
    vectors.setUserGridCellHeight(int(spacing_px))
    arrows = vectors.arrowSettings()
    arrows.setShaftLengthMethod(QgsMeshRendererVectorArrowSettings.ArrowScalingMethod.MinMax)
    arrows.setMinShaftLength(MIN_SHAFT_MM)
    arrows.setMaxShaftLength(MAX_SHAFT_MM)
    arrows.setArrowHeadWidthRatio(0.3)
    arrows.setArrowHeadLengthRatio(0.35)
    vectors.setArrowsSettings(arrows)
    if style == "streamlines":
        vectors.setSymbology(QgsMeshRendererVectorSettings.Symbology.Streamlines)
        streamlines = vectors.streamLinesSettings()
        streamlines.setSeedingMethod(QgsMeshRendererVectorStreamlineSettings.SeedingStartPointsMethod.Random)
        streamlines.setSeedingDensity(0.08)
        vectors.setStreamLinesSettings(streamlines)
    elif style == "traces":
        vectors.setSymbology(QgsMeshRendererVectorSettings.Symbology.Traces)
    else:
        vectors.setSymbology(QgsMeshRendererVectorSettings.Symbology.Arrows)
    settings.setVectorSettings(vector_group, vectors)
    layer.setRendererSettings(settings)


def build_arrow_point_layer(
    vx: VariableSource, vy: VariableSource, name: str, output: str | Path, crs: QgsCoordinateReferenceSystem
) -> QgsVectorLayer:
    """Fallback arrows: a thinned point layer (GeoPackage ``output``) styled with arrows.qml.

    Each point carries ``speed`` (m/yr), ``angle_deg`` (clockwise from grid north, the marker
    rotation) and ``arrow_mm`` (marker length, proportional to speed up to 6 mm). Only the
    first band (time step) is used: the fallback is static.

    Raises
    ------
    DataError : vx/vy grids differ or hold no valid value.
    """
    from osgeo import gdal

    ds_x, ds_y = gdal.Open(vx.uri), gdal.Open(vy.uri)
    if ds_x is None or ds_y is None:
        raise DataError(f"GDAL cannot read {vx.uri} / {vy.uri}: no arrows.")
    if (ds_x.RasterXSize, ds_x.RasterYSize) != (ds_y.RasterXSize, ds_y.RasterYSize):
        raise DataError("vx and vy grids differ in size: arrows cannot be drawn.")
    step = max(1, int(np.ceil(max(ds_x.RasterXSize, ds_x.RasterYSize) / FALLBACK_POINTS_PER_AXIS)))
    u = _read_masked(ds_x, vx)[step // 2 :: step, step // 2 :: step]
    v = _read_masked(ds_y, vy)[step // 2 :: step, step // 2 :: step]
    speed = np.hypot(u, v)
    valid = np.isfinite(speed)
    if not valid.any():
        raise DataError("vx/vy hold no valid value: no arrows to draw.")
    rows, cols = np.nonzero(valid)
    x0, dx, _, y0, _, dy = ds_x.GetGeoTransform()
    xs = x0 + (cols * step + step // 2 + 0.5) * dx
    ys = y0 + (rows * step + step // 2 + 0.5) * dy
    top = float(np.percentile(speed[valid], 98)) or 1.0
    sizes = MIN_SHAFT_MM + (MAX_SHAFT_MM - MIN_SHAFT_MM) * np.clip(speed[valid] / top, 0.0, 1.0)
    angles = np.degrees(np.arctan2(u[valid], v[valid]))  # clockwise from +y (grid north)
    output = Path(output)
    with atomic_output(output, "arrows") as temporary:
        _write_arrows(temporary, crs, xs, ys, speed[valid], angles, sizes)
    return QgsVectorLayer(f"{output}|layername=arrows", name, "ogr")


def _write_arrows(temporary, crs, xs, ys, speed, angles, sizes) -> None:
    """The arrow points as the GeoPackage layer ``arrows`` (speed, angle_deg, arrow_mm)."""
    from osgeo import ogr, osr

    driver = ogr.GetDriverByName("GPKG")
    if temporary.exists():
        driver.DeleteDataSource(str(temporary))
    data_source = driver.CreateDataSource(str(temporary))
    if data_source is None:
        raise OSError(f"Could not create {temporary}.")
    spatial_ref = osr.SpatialReference()
    if crs.isValid():
        spatial_ref.ImportFromWkt(crs.toWkt())
    layer = data_source.CreateLayer("arrows", spatial_ref if crs.isValid() else None, ogr.wkbPoint)
    for field_name in ("speed", "angle_deg", "arrow_mm"):
        layer.CreateField(ogr.FieldDefn(field_name, ogr.OFTReal))
    definition = layer.GetLayerDefn()
    layer.StartTransaction()
    for x, y, s, a, m in zip(xs, ys, speed, angles, sizes):
        feature = ogr.Feature(definition)
        feature.SetField("speed", float(s))
        feature.SetField("angle_deg", float(a))
        feature.SetField("arrow_mm", float(m))
        point = ogr.Geometry(ogr.wkbPoint)
        point.AddPoint_2D(float(x), float(y))
        feature.SetGeometry(point)
        layer.CreateFeature(feature)
    layer.CommitTransaction()
    data_source = None


def _read_masked(dataset, variable: VariableSource) -> np.ndarray:
    band = dataset.GetRasterBand(variable.band)
    values = band.ReadAsArray().astype(np.float64)
    for nodata in [band.GetNoDataValue(), *variable.missing_values]:
        if nodata is not None:
            values[values == nodata] = np.nan
    return values * (band.GetScale() or 1.0) + (band.GetOffset() or 0.0)
