"""Shared plumbing of the ITS_LIVE Processing algorithms.

Each algorithm reads its parameters, calls one core function and writes outputs.
This module adapts ``QgsProcessingFeedback`` to the core's progress protocol,
turns core exceptions into ``QgsProcessingException`` messages a user can act on,
and disables an algorithm (``canExecute``) when its Python packages are missing.
"""

from __future__ import annotations

import math
import os
import traceback
import warnings
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsMessageLog,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterVectorDestination,
    QgsProperty,
)
from qgis.PyQt.QtGui import QIcon

from .. import deps
from ..core.errors import CancelledError, DataError, ItsLiveError, MissingDependencyError
from ..i18n import dependency_message, tr
from ..paths import icon_path


class FeedbackProgress:
    """The core's Progress protocol on top of a QgsProcessingFeedback."""

    def __init__(self, feedback: QgsProcessingFeedback | None):
        self.feedback = feedback or QgsProcessingFeedback()

    def report(self, fraction: float) -> None:
        self.feedback.setProgress(100.0 * min(max(fraction, 0.0), 1.0))

    def is_cancelled(self) -> bool:
        return self.feedback.isCanceled()

    def log(self, message: str) -> None:
        self.feedback.pushInfo(message)


class ItsLiveAlgorithm(QgsProcessingAlgorithm):
    """Base class: naming, help, icon, dependency gate and error mapping."""

    #: algorithm id inside the provider (``itslive:<NAME>``)
    NAME = ""
    #: key of :data:`deps.CAPABILITIES` naming the packages the algorithm needs
    CAPABILITY = ""
    #: icon file in resources/icons
    ICON = "itslive.svg"
    GROUP = "Datacubes"
    GROUP_ID = "datacubes"
    #: id of the main output of every algorithm that writes one (the dock loads it)
    OUTPUT = "OUTPUT"
    #: the advanced scheduler parameter of the algorithms that can run on a dask cluster
    DASK_SCHEDULER = "DASK_SCHEDULER"

    def name(self):
        return self.NAME

    def group(self):
        return tr(self.GROUP)

    def groupId(self):
        return self.GROUP_ID

    def icon(self):
        return QIcon(icon_path(self.ICON))

    def createInstance(self):
        return type(self)()

    def flags(self):
        return super().flags()

    def canExecute(self):
        """False, with the missing packages and the install command, when dependencies are missing."""
        if self.CAPABILITY and deps.missing(self.CAPABILITY):
            return False, dependency_message(self.CAPABILITY)
        return True, ""

    def checkParameterValues(self, parameters, context):
        """Numbers in range (saying the range) and outputs that lose nothing, then QGIS's own checks."""
        problem = number_problem(self, parameters) or output_problem(self, parameters)
        if problem:
            return False, problem
        return super().checkParameterValues(parameters, context)

    def prepareAlgorithm(self, parameters, context, feedback):
        """The same checks when run without checkParameterValues (e.g. as a model's child)."""
        problem = number_problem(self, parameters) or output_problem(self, parameters)
        if problem:
            raise QgsProcessingException(problem)
        return super().prepareAlgorithm(parameters, context, feedback)

    def store_config(self):
        """The configured store, its endpoint checked (a clear message for file:// or garbage)."""
        from .. import settings

        return self.run_core(settings.checked_store_config)

    def run_core(self, function, *args, data_parameter: str | None = None, **kwargs):
        """Call a core function, translating its exceptions for the user (no traceback reaches them).

        ``data_parameter``: the parameter whose data the call reads; a DataError (damaged or
        incomplete data) is then reported as that parameter's problem.
        """
        ok, why = self.canExecute()
        if not ok:
            raise QgsProcessingException(why)
        from ..core.io import silence_hdf5_diagnostics

        silence_hdf5_diagnostics()
        try:
            with warnings.catch_warnings():
                # s3fs/aiohttp leave sockets to the garbage collector: not the user's business
                warnings.simplefilter("ignore", ResourceWarning)
                return function(*args, **kwargs)
        except QgsProcessingException:
            raise
        except CancelledError as exc:
            raise QgsProcessingException(tr("Cancelled: no output was written.")) from exc
        except MissingDependencyError as exc:
            raise QgsProcessingException(str(exc)) from exc
        except DataError as exc:
            named = not data_parameter or str(exc).startswith(data_parameter)
            raise QgsProcessingException(str(exc) if named else f"{data_parameter}: {exc}") from exc
        except ItsLiveError as exc:
            raise QgsProcessingException(str(exc)) from exc
        except MemoryError as exc:
            raise QgsProcessingException(
                tr("Out of memory: choose a smaller area or fewer dates, then run again.")
            ) from exc
        except OSError as exc:
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            raise QgsProcessingException(
                tr(
                    "A file could not be read or written{}: {}. Check the path, its permissions and the free "
                    "space; nothing was replaced."
                ).format(where, exc.strerror or exc)
            ) from exc
        except Exception as exc:  # a bug or a damaged file: one clear line (traceback: ITSLIVE_DEBUG=1)
            if os.environ.get("ITSLIVE_DEBUG"):
                QgsMessageLog.logMessage(traceback.format_exc(), "ITS_LIVE", Qgis.MessageLevel.Critical)
            has_input = any(p.name() == "INPUT" for p in self.parameterDefinitions())
            raise QgsProcessingException(
                tr(
                    "{} failed: {}: {}. If {} is damaged (a truncated download, a deleted or cut chunk), "
                    "write or download it again; set ITSLIVE_DEBUG=1 for the details."
                ).format(
                    self.NAME,
                    type(exc).__name__,
                    str(exc)[:300].rstrip(". "),
                    "INPUT" if has_input else tr("an input file"),
                )
            ) from exc


def number_problem(alg, parameters) -> str:
    """Why a number parameter is out of its range ('' when all are in range), saying the range."""
    for param in alg.parameterDefinitions():
        if not isinstance(param, QgsProcessingParameterNumber):
            continue
        raw = parameters.get(param.name())
        if raw is None or raw == "" or isinstance(raw, QgsProperty):
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            return tr("{} must be a number ({}); got {!r}.").format(param.name(), param.description(), raw)
        low, high = param.minimum(), param.maximum()
        limited_low, limited_high = low > -1e300, high < 1e300
        if math.isfinite(value) and (not limited_low or value >= low) and (not limited_high or value <= high):
            continue
        if limited_low and limited_high:
            allowed = tr("between {} and {}").format(f"{low:g}", f"{high:g}")
        elif limited_low:
            allowed = tr("at least {}").format(f"{low:g}")
        elif limited_high:
            allowed = tr("at most {}").format(f"{high:g}")
        else:
            allowed = tr("a finite number")
        return tr("{} ({}) must be {}; got {}.").format(param.name(), param.description(), allowed, raw)
    return ""


def output_path_value(value) -> str | None:
    """The file path an output parameter value names; None for temporary/memory/database outputs."""
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink
    if isinstance(value, QgsProperty):
        if value.propertyType() != QgsProperty.Type.StaticProperty:
            return None
        value = value.staticValue()
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text == "TEMPORARY_OUTPUT" or text.startswith(
        ("memory:", "ogr:", "postgis:", "postgres:", "spatialite:")
    ):
        return None
    return text.split("|", 1)[0]


def output_problem(alg, parameters) -> str:
    """Why an output of ``alg`` would lose data or fail late ('' when all are fine); checked before work.

    A file output may replace a file, never a folder that this plugin did not write; its folder
    must exist and be writable. A folder output must be a folder (or not exist yet, in a
    writable folder).
    """
    from ..core.errors import InputError
    from ..core.io import check_output, writable_folder

    for param in alg.parameterDefinitions():
        if not param.isDestination():
            continue
        path = output_path_value(parameters.get(param.name()))
        if path is None or ("://" in path and param.name() in getattr(alg, "URL_OUTPUTS", ())):
            continue  # an fsspec URL where the algorithm takes one (a cluster run): its own check
        name = param.name()
        try:
            if isinstance(param, QgsProcessingParameterFolderDestination):
                folder = Path(path).expanduser()
                if folder.exists() and not folder.is_dir():
                    return tr("{}: {} is a file, not a folder: choose a folder.").format(name, folder)
                writable_folder(folder if folder.is_dir() else folder.parent, name)
            elif isinstance(
                param,
                (
                    QgsProcessingParameterFileDestination,
                    QgsProcessingParameterRasterDestination,
                    QgsProcessingParameterVectorDestination,
                    QgsProcessingParameterFeatureSink,
                ),
            ):
                suffixes = None
                if isinstance(param, QgsProcessingParameterFileDestination) and Path(path).suffix:
                    suffixes = filter_suffixes(param.fileFilter())
                check_output(path, name, suffixes)
        except InputError as exc:
            return str(exc)
    return ""


def filter_suffixes(file_filter: str) -> list[str] | None:
    """['.nc', '.tif'] from 'NetCDF (*.nc);;GeoTIFF (*.tif)'; None when the filter allows any file."""
    import re

    patterns = re.findall(r"\*(\.[A-Za-z0-9_]+|(?=[\s);]))", file_filter or "")
    if not patterns or "" in patterns:
        return None
    return sorted({p.lower() for p in patterns})


#: what a dataset INPUT may be, for the messages
DATASET_EXPECTED = (
    "a NetCDF file (.nc) or a Zarr store (.zarr folder) of ITS_LIVE velocities, e.g. written by "
    "itslive:downloadsubset or itslive:invert"
)


def dataset_problem(
    path: str, parameter: str = "INPUT", expected: str = DATASET_EXPECTED, rasters_hint: bool = False
) -> str:
    """Why ``path`` is not a NetCDF file or Zarr store ('' when it looks like one), from its first bytes."""
    if not path:
        return tr("{}: no input given: choose {}.").format(parameter, expected)
    target = Path(path).expanduser()
    if not target.exists():
        return tr("No ITS_LIVE datacube or file at {} ({}): check the path.").format(path, parameter)
    if target.is_dir():
        if any((target / n).is_file() for n in (".zmetadata", ".zattrs", ".zgroup", "zarr.json")):
            return ""
        return tr("{}: {} is a folder but not a Zarr store: choose {}.").format(parameter, path, expected)
    kind = file_kind(target)
    if kind in ("netcdf", "hdf5"):
        damage = netcdf_damage(target)
        if damage:
            return tr(
                "{}: {} cannot be read as NetCDF ({}): it may be truncated or damaged; write or download it "
                "again."
            ).format(parameter, target.name, damage)
        return ""
    what = {
        "empty": tr("is empty (0 bytes)"),
        "tiff": tr("is a GeoTIFF raster"),
        "sqlite": tr("is a GeoPackage/SQLite file"),
        "text": tr("is a text file (CSV or similar)"),
        "other": tr("is not a NetCDF file"),
        "unreadable": tr("cannot be read"),
    }[kind]
    hint = tr(" (give two rasters as VX and VY instead)") if kind == "tiff" and rasters_hint else ""
    return tr("{}: {} {}: choose {}{}.").format(parameter, target.name, what, expected, hint)


def netcdf_damage(path: Path) -> str:
    """Why the NetCDF/HDF5 file ``path`` cannot be opened ('' when it opens)."""
    try:
        import netCDF4
    except ImportError:
        return ""
    from ..core.io import NETCDF_WRITE_LOCK

    if not NETCDF_WRITE_LOCK.acquire(timeout=0.5):  # netCDF-C is not thread-safe: skip while a run writes
        return ""
    try:
        netCDF4.Dataset(str(path), "r").close()
    except Exception as exc:  # netCDF4 raises OSError or RuntimeError for damaged files
        text = str(exc).split(":", 1)[-1].strip()
        return text.split(": b'", 1)[0].rstrip(".") or type(exc).__name__
    finally:
        NETCDF_WRITE_LOCK.release()
    return ""


def file_kind(path: Path) -> str:
    """'netcdf', 'hdf5', 'tiff', 'sqlite', 'text', 'empty', 'other' or 'unreadable', from the magic bytes."""
    try:
        if os.path.getsize(path) == 0:
            return "empty"
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return "unreadable"
    if head.startswith((b"CDF\x01", b"CDF\x02", b"CDF\x05")):
        return "netcdf"
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "hdf5"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "other"


def progress_for(feedback) -> FeedbackProgress:
    """Adapter to pass to core functions."""
    return FeedbackProgress(feedback)


def extent_in_crs(
    algorithm, parameters, name, context, target_crs
) -> tuple[float, float, float, float] | None:
    """The extent parameter ``name`` transformed (densified) into ``target_crs``; None when not given.

    ``target_crs``: a QgsCoordinateReferenceSystem or anything pyproj understands (EPSG code, WKT).
    """
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform

    if parameters.get(name) in (None, ""):
        return None
    extent = algorithm.parameterAsExtent(parameters, name, context)
    if extent.isNull():
        return None
    source = algorithm.parameterAsExtentCrs(parameters, name, context)
    if not isinstance(target_crs, QgsCoordinateReferenceSystem):
        target_crs = crs_from_pyproj(target_crs)
    if source.isValid() and target_crs.isValid() and source != target_crs:
        transform = QgsCoordinateTransform(source, target_crs, context.transformContext())
        extent = transform.transformBoundingBox(extent)
    return extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()


def crs_from_pyproj(crs) -> QgsCoordinateReferenceSystem:
    """A QGIS CRS from an EPSG int, 'EPSG:n', WKT or pyproj CRS."""
    from qgis.core import QgsCoordinateReferenceSystem

    if isinstance(crs, int):
        return QgsCoordinateReferenceSystem(f"EPSG:{crs}")
    epsg = getattr(crs, "to_epsg", lambda: None)()
    if epsg:
        return QgsCoordinateReferenceSystem(f"EPSG:{epsg}")
    text = crs.to_wkt() if hasattr(crs, "to_wkt") else str(crs)
    result = QgsCoordinateReferenceSystem(text)
    return result if result.isValid() else QgsCoordinateReferenceSystem.fromWkt(text)


def area_from_parameters(algorithm, parameters, context, extent_name="EXTENT", layer_name="AOI"):
    """The area of an algorithm as the core's Area (geometry and CRS, parsed once here).

    Polygon features of ``layer_name`` (selected features only when the user chose so) win
    over the extent ``extent_name``. An extent without a CRS is in the project's CRS (QGIS's rule),
    or EPSG:4326 when the project has none.
    Raises QgsProcessingException when neither is usable.
    """
    from ..geometry import area_from_qgis

    source = (
        algorithm.parameterAsSource(parameters, layer_name, context) if parameters.get(layer_name) else None
    )
    if source is not None:
        geoms = [f.geometry() for f in source.getFeatures() if f.hasGeometry() and not f.geometry().isEmpty()]
        if not geoms:
            raise QgsProcessingException(tr("The area layer has no polygon features (or none selected)."))
        from qgis.core import QgsGeometry

        return algorithm.run_core(area_from_qgis, QgsGeometry.unaryUnion(geoms), source.sourceCrs())
    if parameters.get(extent_name) in (None, ""):
        raise QgsProcessingException(tr("Give an area: an extent or a polygon layer."))
    extent = algorithm.parameterAsExtent(parameters, extent_name, context)
    if extent.isNull() or extent.isEmpty():
        raise QgsProcessingException(tr("The extent is empty: draw or choose an area on the map."))
    crs = algorithm.parameterAsExtentCrs(parameters, extent_name, context)
    if not crs.isValid():
        crs = QgsCoordinateReferenceSystem("EPSG:4326")
    return algorithm.run_core(area_from_qgis, extent, crs)


def split_list(text: str) -> list[str] | None:
    """'8, 9,2A' -> ['8', '9', '2A']; '' -> None."""
    items = [t.strip() for t in (text or "").replace(";", ",").split(",") if t.strip()]
    return items or None


#: satellite codes the ITS_LIVE cubes use for the first image of a pair
KNOWN_SATELLITES = ("4", "5", "7", "8", "9", "1A", "1B", "1C", "2A", "2B", "2C")


def satellites_problem(text: str, parameter: str = "SATELLITES") -> str:
    """Why a SATELLITES list is unusable ('' when every code is a known satellite)."""
    from ..core.cube import normalise_satellites
    from ..core.errors import InputError

    items = split_list(text)
    if not items:
        return ""
    unknown = []
    for item in items:
        try:
            codes = normalise_satellites([item]) or ()
        except InputError:
            codes = ()
        if not codes or any(code not in KNOWN_SATELLITES for code in codes):
            unknown.append(item)
    if unknown:
        return tr(
            "{}: unknown satellite(s) {}: use Landsat 4, 5, 7, 8, 9 or Sentinel 1A, 1B, 2A, 2B, "
            "comma-separated (e.g. 8,9,2A)."
        ).format(parameter, ", ".join(unknown))
    return ""


def dates_problem(start: str, end: str, start_name: str = "START_DATE", end_name: str = "END_DATE") -> str:
    """Why a date window is unusable ('' when both dates parse, or are empty, and are in order)."""
    import datetime as dt

    parsed = {}
    for name, text in ((start_name, start), (end_name, end)):
        text = (text or "").strip()
        if not text:
            continue
        try:
            parsed[name] = dt.date.fromisoformat(text[:10])
        except ValueError:
            return tr("{}: {!r} is not a date: use YYYY-MM-DD (e.g. 2020-01-31).").format(name, text)
    if len(parsed) == 2 and parsed[end_name] < parsed[start_name]:
        return tr("{} ({}) is before {} ({}): swap them.").format(
            end_name, parsed[end_name].isoformat(), start_name, parsed[start_name].isoformat()
        )
    return ""
