"""itslive:loadresult — put a result file into the project, styled, in its own group.

The layers are built in ``processAlgorithm`` (possibly a worker thread) with the ``layers``
package, parked in the context's temporary layer store and registered with
``context.addLayerToLoadOnCompletion``. The Processing framework adds them to the project on
the main thread when the algorithm (or the model holding it) has finished, exactly as for the
outputs of native algorithms, and then calls :class:`ResultLayerPostProcessor`, which checks the
group, order, visibility, style, project CRS and project time range.

Under ``qgis_process`` there is no project that outlives the run: the file is only checked.
"""

from __future__ import annotations

import os

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
    QgsReadWriteContext,
)
from qgis.PyQt import sip
from qgis.PyQt.QtXml import QDomDocument

from ..i18n import tr
from .base import ItsLiveAlgorithm

#: style categories restored after the framework may have applied its default output style
STYLE_CATEGORIES = QgsMapLayer.StyleCategory.Symbology | QgsMapLayer.StyleCategory.Rendering
PROPERTY_PREFIX = "itslive/"
#: Python sides of the post-processors handed to contexts (which own and delete the C++ sides)
_POST_PROCESSORS: list = []


class LoadResultAlgorithm(ItsLiveAlgorithm):
    """Load an ITS_LIVE result file into the project, styled, in a layer-tree group."""

    NAME = "loadresult"
    ICON = "itslive.svg"
    GROUP = "Results"
    GROUP_ID = "results"
    INPUT = "INPUT"
    STORE = "STORE"
    GROUP_NAME = "GROUP"
    OUTPUT = "OUTPUT"
    LAYERS = "LAYERS"

    def displayName(self):
        return tr("Load result into project")

    def shortHelpString(self):
        return tr(
            "Adds a result file of the ITS_LIVE algorithms to the current project, styled the way the "
            "dock loads it: an inversion, subset or mosaic becomes speed and velocity rasters (m/yr) "
            "with flow arrows, a strain-rate file its strain-rate rasters (1/yr), a flux-divergence "
            "file dynamic_dhdt and flux_divergence (m/yr), tracks their lines. Every time-dependent "
            "variable is ONE raster whose bands are time steps (temporal controller ready); only the "
            "main variable is switched on.\n\n"
            "INPUT: a NetCDF (.nc), GeoTIFF (.tif) or GeoPackage (.gpkg) written by an ITS_LIVE "
            "algorithm. STORE, instead: the Zarr store (.zarr folder) a DASK_SCHEDULER run wrote, chosen "
            "with the folder picker (a file picker cannot choose a folder); its metadata file (.zmetadata "
            "or zarr.json) picked as INPUT means the store that holds it. A store is loaded through a "
            "NetCDF copy written once beside it (<store>.nc). "
            "GROUP: name of the layer-tree group (default 'ITS_LIVE <kind> — <file name>'); "
            "an existing group of that name receives the layers.\n"
            "OUTPUT: the same file path, so the step chains in a model; LAYERS: number of layers "
            "queued for loading.\n\n"
            "The layers are added when the algorithm or the model holding it finishes. Under "
            "qgis_process, where no project is kept, the file is only checked and nothing is loaded."
        )

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFile(
                self.INPUT,
                tr("Result file (NetCDF, GeoTIFF or GeoPackage)"),
                behavior=Qgis.ProcessingFileParameterBehavior.File,
                fileFilter=tr(
                    "ITS_LIVE results (*.nc *.nc4 *.tif *.tiff *.gpkg);;"
                    "Zarr store metadata (.zmetadata zarr.json);;All files (*)"
                ),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.STORE,
                tr("Or a Zarr store (.zarr folder of a DASK_SCHEDULER run)"),
                behavior=Qgis.ProcessingFileParameterBehavior.Folder,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.GROUP_NAME, tr("Layer group name (optional)"), optional=True)
        )
        self.addOutput(QgsProcessingOutputFile(self.OUTPUT, tr("Result file")))
        self.addOutput(QgsProcessingOutputNumber(self.LAYERS, tr("Layers loaded")))

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        _path, problem = self._result(parameters, context)
        return (False, problem) if problem else (True, "")

    def _result(self, parameters, context) -> tuple[str, str]:
        """(the result's path, '' or why it cannot be loaded) from INPUT or STORE."""
        path = self.parameterAsFile(parameters, self.INPUT, context).strip()
        store = self.parameterAsFile(parameters, self.STORE, context).strip()
        if path and store:
            return "", tr("Give INPUT (a result file) or STORE (a .zarr folder), not both.")
        if not path and not store:
            return "", tr("No result given: choose a result file (INPUT) or a Zarr store folder (STORE).")
        if store and not (os.path.isdir(store) and store.lower().rstrip("/").endswith(".zarr")):
            return "", tr(
                "STORE: {} is not a Zarr store (.zarr folder): choose the folder a DASK_SCHEDULER run wrote."
            ).format(store)
        if not store and "://" in path:  # a cluster run's s3:// store: copied to the cache, then loaded
            return path, ""
        path = store_of(store or path)
        if not os.path.exists(path):
            return "", tr("No result file at {}: check the path.").format(path)
        return path, result_file_problem(path)

    def processAlgorithm(self, parameters, context, feedback):
        from ..layers import build_layers, default_group_name, inspect_result

        path, problem = self._result(parameters, context)
        if problem:
            raise QgsProcessingException(problem)
        source = self.run_core(_inspect, inspect_result, path)
        group = self.parameterAsString(parameters, self.GROUP_NAME, context).strip()
        group = group or default_group_name(source.kind, source.path.stem)
        project = context.project()
        if project is None or QgsApplication.platform() == "qgis_process":
            feedback.pushInfo(
                tr("{} is a readable {} result; no project to load it into, nothing loaded.").format(
                    source.path.name, source.kind
                )
            )
            return {self.OUTPUT: path, self.LAYERS: 0}
        layers = self.run_core(build_layers, source)
        if feedback.isCanceled():
            raise QgsProcessingException(tr("Cancelled: no layer was loaded."))
        queue_layers(layers, source, group, context)
        feedback.pushInfo(
            tr("{} layer(s) of {} will be added to the group '{}'.").format(
                len(layers), source.path.name, group
            )
        )
        return {self.OUTPUT: path, self.LAYERS: len(layers)}


def _inspect(inspect_result, path: str):
    """``inspect_result`` with a damaged file reported as such (naming INPUT)."""
    from ..core.errors import DataError, ItsLiveError

    try:
        return inspect_result(path)
    except ItsLiveError:
        raise
    except (RuntimeError, OSError, ValueError) as exc:
        raise DataError(
            f"INPUT: {os.path.basename(path)} cannot be read ({str(exc).strip().rstrip('.')}): it may be "
            "truncated or damaged. Write it again with the algorithm that made it."
        ) from exc


#: files of a Zarr store's own metadata: picked in a file dialog, they stand for the store holding them
ZARR_METADATA_FILES = (".zmetadata", "zarr.json", ".zgroup", ".zattrs")


def store_of(path: str) -> str:
    """``path``, or the ``.zarr`` folder when ``path`` is that store's metadata file (picked inside it)."""
    from pathlib import Path

    target = Path(path)
    if target.name in ZARR_METADATA_FILES and target.parent.suffix.lower() == ".zarr":
        return str(target.parent)
    return path


def result_file_problem(path: str) -> str:
    """Why ``path`` is not a result file this algorithm loads ('' when it looks like one)."""
    from pathlib import Path

    from .base import file_kind

    expected = tr(
        "a NetCDF (.nc), GeoTIFF (.tif) or GeoPackage (.gpkg) file written by an ITS_LIVE algorithm"
    )
    target = Path(path)
    if target.is_dir() and target.suffix.lower() == ".zarr":
        return ""  # a cluster run's store: inspect_result refuses it when it is not complete
    if target.is_dir():
        return tr("INPUT: {} is a folder: choose {}.").format(path, expected)
    kind = file_kind(target)
    if kind in ("netcdf", "hdf5", "tiff", "sqlite"):
        return ""
    what = {
        "empty": tr("is empty (0 bytes)"),
        "text": tr("is a text file (CSV or similar)"),
        "other": tr("is not a NetCDF, GeoTIFF or GeoPackage file"),
        "unreadable": tr("cannot be read"),
    }[kind]
    return tr("INPUT: {} {}: choose {}.").format(target.name, what, expected)


def queue_layers(layers: list[QgsMapLayer], source, group: str, context: QgsProcessingContext) -> None:
    """Hand ``layers`` (top of the group first) to the framework to load when the run completes."""
    order = [layer.id() for layer in layers]
    for index, layer in enumerate(layers):
        context.temporaryLayerStore().addMapLayer(layer)
        details = QgsProcessingContext.LayerDetails(
            layer.name(), context.project(), LoadResultAlgorithm.OUTPUT
        )
        details.forceName = True  # keep "v — speed (m/yr)", not the file name
        details.groupName = group
        # the framework inserts in ascending key order, each at the top of the group
        details.layerSortKey = len(layers) - index
        processor = ResultLayerPostProcessor(group, source, order, _style_xml(layer))
        _keep_alive(processor)
        details.setPostProcessor(processor)
        context.addLayerToLoadOnCompletion(layer.id(), details)


class ResultLayerPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Main thread, after the framework added one layer: group, order, visibility, style, project time."""

    def __init__(self, group: str, source, order: list[str], style_xml: str):
        super().__init__()
        self.group = group
        self.source = source
        self.order = order
        self.style_xml = style_xml

    def postProcessLayer(self, layer, context, feedback):
        """Put ``layer`` in its group and restore what a default output style may have replaced."""
        project = context.project()
        if project is None or layer is None:
            return
        from ..layers.loader import set_project_time

        if self.style_xml:
            _restore_style(layer, self.style_xml)
        group = _ensure_in_group(project, layer, self.group)
        group.setCustomProperty(PROPERTY_PREFIX + "source", str(self.source.path))
        node = group.findLayer(layer.id())
        if node is not None:
            node.setItemVisibilityChecked(bool(layer.customProperty(PROPERTY_PREFIX + "visible", True)))
            node.setExpanded(False)
        _order_group(group, self.order)
        if not project.crs().isValid() and layer.crs().isValid():
            project.setCrs(layer.crs())
        set_project_time(project, self.source)


def _keep_alive(processor: QgsProcessingLayerPostProcessorInterface) -> None:
    """Give the C++ side to the context (it deletes it) and keep the Python side until then.

    The context deletes each layer's post-processor when it is destroyed, so every layer gets
    its own; sip only calls the Python ``postProcessLayer`` while the Python object lives.
    """
    _POST_PROCESSORS[:] = [p for p in _POST_PROCESSORS if not sip.isdeleted(p)]
    sip.transferto(processor, None)
    _POST_PROCESSORS.append(processor)


def _style_xml(layer: QgsMapLayer) -> str:
    """The layer's symbology as QML text (thread-neutral), '' when it cannot be exported."""
    document = QDomDocument("qgis")
    error = layer.exportNamedStyle(document, QgsReadWriteContext(), STYLE_CATEGORIES)
    return "" if error else document.toString()


def _restore_style(layer: QgsMapLayer, xml: str) -> None:
    document = QDomDocument("qgis")
    if document.setContent(xml)[0]:
        layer.importNamedStyle(document, STYLE_CATEGORIES)
        layer.triggerRepaint()


def _ensure_in_group(project, layer: QgsMapLayer, name: str) -> QgsLayerTreeGroup:
    """The group ``name`` holding ``layer``; moves the layer there when a front-end put it elsewhere."""
    root = project.layerTreeRoot()
    node = root.findLayer(layer.id())
    parent = node.parent() if node is not None else None
    if isinstance(parent, QgsLayerTreeGroup) and parent.name() == name and parent is not root:
        return parent
    group = root.findGroup(name) or root.insertGroup(0, name)
    if node is None:
        group.insertLayer(0, layer)
    else:
        clone = node.clone()
        group.insertChildNode(0, clone)
        parent.removeChildNode(node)
    return group


def _order_group(group: QgsLayerTreeGroup, order: list[str]) -> None:
    """Layers of this result in ``order`` (top first) at the top of ``group``, others below."""
    current = [child.layerId() for child in group.findLayers() if child.parent() is group]
    wanted = [layer_id for layer_id in order if layer_id in current]
    if current[: len(wanted)] == wanted:
        return
    for position, layer_id in enumerate(wanted):
        node = group.findLayer(layer_id)
        clone = node.clone()
        group.removeChildNode(node)
        group.insertChildNode(position, clone)
