"""Velocity inputs shared by the analysis algorithms (itslive:strainrates, itslive:fluxdivergence,
itslive:track): a NetCDF/Zarr dataset OR two rasters, an optional CRS override and the scale-factor
switch, so the three algorithms read their velocities the same way; also their grid output path.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterLayer,
    QgsProcessingUtils,
)

from ..i18n import tr

INPUT = "INPUT"
VX = "VX"
VY = "VY"
CRS = "CRS"
SCALE_CORRECTION = "SCALE_CORRECTION"
GRID_OUTPUT_FILTER = "NetCDF (*.nc);;GeoTIFF (*.tif *.tiff)"
DATASET_FILTER = "NetCDF or Zarr (*.nc *.nc4 *.cdf *.zarr);;All files (*)"


class VelocityParameterIds:
    """The ids of the shared velocity parameters, as class constants of the algorithms that add them."""

    INPUT = INPUT
    VX = VX
    VY = VY
    CRS = CRS
    SCALE_CORRECTION = SCALE_CORRECTION


_NETCDF_SUBDATASET = re.compile(r'^NETCDF:"?(?P<path>.+?)"?:(?P<var>[^:"]+)$', re.IGNORECASE)


@dataclass
class VelocityInput:
    """Where the velocities come from, as the core's ``read_velocity`` takes them."""

    source: str | tuple[str, str]
    names: dict = field(default_factory=dict)
    crs: str | None = None
    layer_crs: QgsCoordinateReferenceSystem | None = None
    scale_correction: bool = True


def add_velocity_parameters(alg) -> None:
    """INPUT (dataset file) and VX / VY (rasters): two ways to give velocities, both optional."""
    alg.addParameter(
        QgsProcessingParameterFile(
            INPUT,
            tr("Velocity dataset (NetCDF file or .zarr folder path; vx, vy in m/yr)"),
            behavior=Qgis.ProcessingFileParameterBehavior.File,
            optional=True,
            fileFilter=DATASET_FILTER,
        )
    )
    alg.addParameter(
        QgsProcessingParameterRasterLayer(VX, tr("or: vx raster (m/yr, grid east)"), optional=True)
    )
    alg.addParameter(
        QgsProcessingParameterRasterLayer(VY, tr("and vy raster (m/yr, grid north)"), optional=True)
    )


def add_crs_parameters(alg) -> None:
    """CRS override and the (advanced) scale-factor switch."""
    alg.addParameter(
        QgsProcessingParameterCrs(
            CRS, tr("CRS of the velocity grid (only when the file does not carry one)"), optional=True
        )
    )
    scale = QgsProcessingParameterBoolean(
        SCALE_CORRECTION, tr("Correct for the projection scale factor"), defaultValue=True
    )
    scale.setFlags(scale.flags() | Qgis.ProcessingParameterFlag.Advanced)
    alg.addParameter(scale)


def velocity_input_problem(alg, parameters, context) -> str:
    """Why the velocity parameters cannot be used ('' when they can)."""
    dataset = alg.parameterAsFile(parameters, INPUT, context).strip()
    vx = alg.parameterAsRasterLayer(parameters, VX, context)
    vy = alg.parameterAsRasterLayer(parameters, VY, context)
    if dataset and (vx is not None or vy is not None):
        return tr("Give the velocities either as a dataset (INPUT) or as two rasters (VX and VY), not both.")
    if not dataset and vx is None and vy is None:
        return tr(
            "No velocities given: choose a NetCDF/Zarr velocity dataset (INPUT) or the two rasters VX and VY."
        )
    if not dataset and (vx is None or vy is None):
        return tr("Both VX and VY rasters are needed (only one was given).")
    if dataset and not os.path.exists(dataset):
        return tr("No velocity dataset at {}: check the path.").format(dataset)
    if dataset:
        from .base import dataset_problem

        return dataset_problem(dataset, INPUT, rasters_hint=True)
    return ""


def read_velocity_input(alg, parameters, context, feedback) -> VelocityInput:
    """The velocity source, CRS override and scale switch from the shared parameters."""
    problem = velocity_input_problem(alg, parameters, context)
    if problem:
        raise QgsProcessingException(problem)
    crs = alg.parameterAsCrs(parameters, CRS, context)
    result = VelocityInput(
        source="",
        crs=crs_spec(crs) if crs.isValid() else None,
        scale_correction=alg.parameterAsBoolean(parameters, SCALE_CORRECTION, context),
    )
    dataset = alg.parameterAsFile(parameters, INPUT, context).strip()
    if dataset:
        result.source = dataset
        return result
    vx = alg.parameterAsRasterLayer(parameters, VX, context)
    vy = alg.parameterAsRasterLayer(parameters, VY, context)
    sub_x, sub_y = netcdf_subdataset(vx.source()), netcdf_subdataset(vy.source())
    if sub_x and sub_y and os.path.samefile(sub_x[0], sub_y[0]):
        # two variables of one NetCDF file: read them as a dataset (keeps the time axis and errors)
        result.source = sub_x[0]
        result.names = {"vx_name": sub_x[1], "vy_name": sub_y[1]}
    else:
        result.source = (raster_file(vx, "vx", context, feedback), raster_file(vy, "vy", context, feedback))
    result.layer_crs = vx.crs() if vx.crs().isValid() else None
    return result


def velocity_crs(alg, velocity: VelocityInput) -> QgsCoordinateReferenceSystem:
    """QGIS CRS of the velocity grid: the override, the rasters' CRS, or the dataset's grid mapping."""
    if velocity.crs:
        return QgsCoordinateReferenceSystem(velocity.crs)
    if isinstance(velocity.source, tuple):
        if velocity.layer_crs is None:
            raise QgsProcessingException(tr("The vx raster has no CRS: assign one or set the CRS parameter."))
        return velocity.layer_crs
    from ..core.geo import crs_from_dataset

    def read_crs():
        import xarray as xr

        path = str(velocity.source)
        opened = xr.open_zarr(path) if path.rstrip("/").endswith(".zarr") else xr.open_dataset(path)
        with opened as ds:
            return crs_from_dataset(ds)

    return qgis_crs(alg.run_core(read_crs))


def qgis_crs(crs) -> QgsCoordinateReferenceSystem:
    """A QGIS CRS from a pyproj CRS (its EPSG code when it has one)."""
    epsg = crs.to_epsg()
    if epsg is not None:
        return QgsCoordinateReferenceSystem(f"EPSG:{epsg}")
    return QgsCoordinateReferenceSystem.fromWkt(crs.to_wkt())


def crs_spec(crs: QgsCoordinateReferenceSystem) -> str:
    """What the core's ``to_crs`` reads: the authority id, else WKT."""
    authid = crs.authid()
    return authid if authid and not authid.upper().startswith("USER:") else crs.toWkt()


def netcdf_subdataset(source: str) -> tuple[str, str] | None:
    """``(path, variable)`` of a GDAL ``NETCDF:"path":var`` source, or None."""
    match = _NETCDF_SUBDATASET.match(source.strip())
    if match is None or not os.path.exists(match.group("path")):
        return None
    return match.group("path"), match.group("var")


def raster_file(layer, what: str, context, feedback) -> str:
    """A GDAL file path of band 1 of ``layer``; other sources are copied to a temporary GeoTIFF.

    The copy carries the layer's CRS (which the user may have assigned in QGIS).
    """
    source = layer.source()
    if layer.providerType() == "gdal" and os.path.isfile(source):
        return source
    from osgeo import gdal

    target = QgsProcessingUtils.generateTempFilename(f"{what}.tif", context)
    feedback.pushInfo(tr("Copying band 1 of {} to {}").format(layer.name(), target))
    try:
        gdal.UseExceptions()
        crs = layer.crs()
        srs = {"outputSRS": crs.toWkt()} if crs.isValid() else {}  # the CRS the user gave the layer
        gdal.Translate(target, source, format="GTiff", bandList=[1], **srs)
    except RuntimeError as exc:
        raise QgsProcessingException(
            tr("The {} layer {} cannot be read as a raster file ({}): save it as GeoTIFF first.").format(
                what, layer.name(), exc
            )
        ) from exc
    return target


def grid_output_path(alg, parameters, name: str, context) -> str:
    """The output file (.nc or .tif), checked before any work (its folder must exist and be writable)."""
    from ..core.errors import InputError
    from ..core.io import check_output

    output = alg.parameterAsFileOutput(parameters, name, context)
    problem = grid_output_problem(output, name)
    if problem:
        raise QgsProcessingException(problem)
    try:
        check_output(output, name)
    except InputError as exc:
        raise QgsProcessingException(str(exc)) from exc
    return output


def output_suffix_problem(parameters, name: str = "OUTPUT") -> str:
    """Why the file named by the output parameter ``name`` cannot take a grid ('' for temporary outputs)."""
    from .base import output_path_value

    path = output_path_value(parameters.get(name))
    return "" if path is None else grid_output_problem(path, name)


def grid_output_problem(output: str | None, name: str = "OUTPUT") -> str:
    """Why ``output`` cannot take a grid ('' when it can): no path, or not .nc/.tif."""
    if not output:
        return tr("{}: no output file given: choose a .nc or .tif file.").format(name)
    if Path(output).suffix.lower() not in (".nc", ".tif", ".tiff"):
        return tr("{}: unsupported output format {}: use .nc (NetCDF) or .tif (GeoTIFF).").format(
            name, Path(output).name
        )
    return ""


def describe_source(source) -> str:
    """Short text naming the velocity input."""
    if isinstance(source, tuple):
        return tr("{} and {}").format(Path(source[0]).name, Path(source[1]).name)
    return Path(str(source)).name
