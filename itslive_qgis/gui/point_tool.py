"""A map tool that reports a clicked point with the canvas CRS (for the time-series panel)."""

from __future__ import annotations

from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY
from qgis.gui import QgsMapToolEmitPoint
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QCursor


class PointTool(QgsMapToolEmitPoint):
    """Left click on the canvas emits ``pointPicked(point, crs)`` (map coordinates, canvas CRS).

    Escape hands the canvas back to the previous map tool.
    """

    pointPicked = pyqtSignal(QgsPointXY, QgsCoordinateReferenceSystem)

    def __init__(self, canvas):
        super().__init__(canvas)
        self._previous = None
        self.setCursor(QCursor(Qt.CursorShape.CrossCursor))

    def activate_on_canvas(self):
        """Make this the canvas' map tool, remembering the one it replaces."""
        canvas = self.canvas()
        current = canvas.mapTool()
        if current is not self:
            self._previous = current
            canvas.setMapTool(self)

    def release(self):
        """Give the canvas back to the previous tool (or none) if this tool is active."""
        canvas = self.canvas()
        if canvas.mapTool() is self:
            if self._previous is not None and not sip.isdeleted(self._previous):
                canvas.setMapTool(self._previous)
            else:
                canvas.unsetMapTool(self)
        self._previous = None

    def canvasReleaseEvent(self, event):
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.pick(event.mapPoint())

    def pick(self, point: QgsPointXY):
        """Report ``point`` (canvas map coordinates) as if it had been clicked."""
        self.pointPicked.emit(QgsPointXY(point), self.canvas().mapSettings().destinationCrs())

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Escape:
            self.release()
            event.accept()
            return
        super().keyPressEvent(event)
