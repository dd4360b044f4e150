"""The ITS_LIVE dock panel: wiring only.

It lists the catalog's datacubes under the current canvas, and runs the plugin's
Processing algorithms in the background with parameter dicts it builds from its
widgets (one code path with the toolbox and the model builder).
"""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QDockWidget, QLabel, QVBoxLayout, QWidget

from ..i18n import dependency_message, tr


class ItsLiveDock(QDockWidget):
    """Dock panel listing the cubes under the canvas."""

    def __init__(self, iface, parent=None):
        super().__init__(tr("ITS_LIVE"), parent)
        self.iface = iface
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.deps_label = QLabel(dependency_message())
        self.deps_label.setObjectName("itslive_deps_label")
        self.deps_label.setWordWrap(True)
        self.deps_label.setStyleSheet("color: #a00000")
        self.deps_label.setVisible(bool(self.deps_label.text()))
        layout.addWidget(self.deps_label)
        layout.addStretch(1)
        self.setWidget(body)

    def shutdown(self):
        """Disconnect from the canvas and project before the plugin unloads."""
