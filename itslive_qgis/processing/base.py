"""Shared plumbing of the ITS_LIVE Processing algorithms.

Each algorithm reads its parameters, calls one core function and writes outputs.
This module adapts ``QgsProcessingFeedback`` to the core's progress protocol,
turns core exceptions into ``QgsProcessingException`` messages a user can act on,
and disables an algorithm (``canExecute``) when its Python packages are missing.
"""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeedback,
)
from qgis.PyQt.QtGui import QIcon

from .. import deps
from ..core.errors import CancelledError, ItsLiveError, MissingDependencyError
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

    def run_core(self, function, *args, **kwargs):
        """Call a core function, translating its exceptions for the user."""
        ok, why = self.canExecute()
        if not ok:
            raise QgsProcessingException(why)
        from ..core.hdf5 import silence_hdf5_diagnostics

        silence_hdf5_diagnostics()
        try:
            return function(*args, **kwargs)
        except CancelledError as exc:
            raise QgsProcessingException(tr("Cancelled: no output was written.")) from exc
        except MissingDependencyError as exc:
            raise QgsProcessingException(str(exc)) from exc
        except ItsLiveError as exc:
            raise QgsProcessingException(str(exc)) from exc


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
    """The area of an algorithm as (shapely geometry, CRS WKT or authid).

    Polygon features of ``layer_name`` (selected features only when the user chose so) win
    over the extent ``extent_name``. Raises QgsProcessingException when neither is usable.
    """
    from shapely import wkt as shapely_wkt
    from shapely.geometry import box

    source = (
        algorithm.parameterAsSource(parameters, layer_name, context) if parameters.get(layer_name) else None
    )
    if source is not None:
        geoms = [f.geometry() for f in source.getFeatures() if f.hasGeometry() and not f.geometry().isEmpty()]
        if not geoms:
            raise QgsProcessingException(tr("The area layer has no polygon features (or none selected)."))
        from qgis.core import QgsGeometry

        union = QgsGeometry.unaryUnion(geoms)
        crs = source.sourceCrs()
        return shapely_wkt.loads(union.asWkt()), crs.authid() or crs.toWkt()
    if parameters.get(extent_name) in (None, ""):
        raise QgsProcessingException(tr("Give an area: an extent or a polygon layer."))
    extent = algorithm.parameterAsExtent(parameters, extent_name, context)
    if extent.isNull() or extent.isEmpty():
        raise QgsProcessingException(tr("The extent is empty: draw or choose an area on the map."))
    crs = algorithm.parameterAsExtentCrs(parameters, extent_name, context)
    if not crs.isValid():
        crs = QgsCoordinateReferenceSystem("EPSG:4326")
    geom = box(extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
    return geom, crs.authid() or crs.toWkt()


def split_list(text: str) -> list[str] | None:
    """'8, 9,2A' -> ['8', '9', '2A']; '' -> None."""
    items = [t.strip() for t in (text or "").replace(";", ",").split(",") if t.strip()]
    return items or None
