"""Adding layers never changes the project CRS or the view the user set.

QGIS' layer-tree/canvas bridge adopts the CRS of the first layer of an empty project and zooms
to it (``autoSetupOnFirstLayer``); an EPSG:4326 footprints layer then throws a polar view to the
whole world. :class:`ViewGuard` switches that off while the plugin adds layers and puts the CRS
and the extent back if anything else changed them. When the project had no spatial layer
before, it zooms to the new layers (in the user's CRS): the first result is on screen.
"""

from __future__ import annotations

from qgis.core import QgsCoordinateTransform, QgsProject, QgsRectangle
from qgis.PyQt.QtCore import QTimer


class ViewGuard:
    """Context manager around ``project.addMapLayer`` calls; ``zoom_to`` layers if they are the first."""

    def __init__(self, iface, project: QgsProject | None = None, zoom_to_first: bool = True):
        self.iface = iface
        self.project = project or QgsProject.instance()
        self.zoom_to_first = zoom_to_first
        self.canvas = iface.mapCanvas() if iface is not None else None
        self.bridge = None
        self.added: list = []

    def __enter__(self) -> ViewGuard:
        self.crs = self.project.crs()
        self.extent = QgsRectangle(self.canvas.extent()) if self.canvas is not None else None
        self.had_layers = any(layer.isSpatial() for layer in self.project.mapLayers().values())
        self.before = set(self.project.mapLayers())
        bridge = getattr(self.iface, "layerTreeCanvasBridge", None)
        self.bridge = bridge() if callable(bridge) else None
        if self.bridge is not None:
            self.auto_setup = self.bridge.autoSetupOnFirstLayer()
            self.bridge.setAutoSetupOnFirstLayer(False)
        return self

    def __exit__(self, *_exc) -> None:
        if self.crs.isValid() and self.project.crs() != self.crs:
            self.project.setCrs(self.crs)
        added = [layer for key, layer in self.project.mapLayers().items() if key not in self.before]
        # the bridge updates the canvas in a queued call: restore after it ran
        QTimer.singleShot(0, lambda: self._settle(added))

    def _settle(self, added) -> None:
        if self.bridge is not None:
            self.bridge.setAutoSetupOnFirstLayer(self.auto_setup)
        if self.crs.isValid() and self.project.crs() != self.crs:
            self.project.setCrs(self.crs)
        if self.canvas is None:
            return
        target = self._extent_of(added) if self.zoom_to_first and not self.had_layers else None
        if target is not None:
            self.canvas.setExtent(target)
        elif self.extent is not None and not self.extent.isEmpty() and self.canvas.extent() != self.extent:
            self.canvas.setExtent(self.extent)
        self.canvas.refresh()

    def _extent_of(self, layers) -> QgsRectangle | None:
        dest = self.canvas.mapSettings().destinationCrs()
        box = QgsRectangle()
        box.setNull()
        for layer in layers:
            if not layer.isSpatial() or layer.extent().isEmpty():
                continue
            try:
                extent = QgsCoordinateTransform(layer.crs(), dest, self.project).transformBoundingBox(
                    layer.extent()
                )
            except Exception:  # outside the destination CRS's domain
                continue
            box.combineExtentWith(extent)
        if box.isNull() or box.isEmpty():
            return None
        return box.buffered(0.05 * max(box.width(), box.height()))
