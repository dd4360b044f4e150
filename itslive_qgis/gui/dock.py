"""The ITS_LIVE dock panel: wiring only.

It lists the catalog's datacubes under the current canvas and runs the plugin's
Processing algorithms in the background with parameter dicts built from its widgets
(one code path with the toolbox and the model builder). Its state (selected cubes,
options) is saved in the project.
"""

from __future__ import annotations

import json

from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QDockWidget, QLabel, QTabWidget, QVBoxLayout, QWidget

from .. import deps
from ..i18n import dependency_message, tr

PROJECT_SCOPE = "itslive_qgis"
PROJECT_KEY = "dock_state"


class ItsLiveDock(QDockWidget):
    """Dock panel listing the cubes under the canvas."""

    def __init__(self, iface, parent=None):
        super().__init__(tr("ITS_LIVE"), parent)
        self.iface = iface
        self.canvas = iface.mapCanvas()
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.deps_label = QLabel(dependency_message())
        self.deps_label.setObjectName("itslive_deps_label")
        self.deps_label.setWordWrap(True)
        self.deps_label.setStyleSheet("color: #a00000")
        self.deps_label.setVisible(bool(self.deps_label.text()))
        layout.addWidget(self.deps_label)
        self.installer = None
        if self.deps_label.text():
            from .installer_panel import InstallerPanel

            self.installer = InstallerPanel(body)
            layout.addWidget(self.installer)

        self.tabs = QTabWidget(body)
        self.tabs.setObjectName("itslive_tabs")
        layout.addWidget(self.tabs)
        self.cubes = None
        if not deps.missing("catalog"):
            from .cube_list import CubeList

            self.cubes = CubeList(self.canvas, body, iface)
            self.tabs.addTab(self.cubes, tr("Datacubes"))
            self.cubes.load_catalog()
        self.download = None
        if not deps.missing("subset"):
            from .download_panel import DownloadPanel

            self.download = DownloadPanel(iface, body)
            self.tabs.addTab(self.download, tr("Download"))
            if self.cubes is not None:
                self.cubes.selectionChanged.connect(self.download.set_selected_cubes)
        self.invert = None
        if not deps.missing("inversion"):
            from .invert_panel import InvertPanel

            self.invert = InvertPanel(iface, body)
            self.tabs.addTab(self.invert, tr("Inversion"))
            if self.download is not None:
                self.download.runFinished.connect(self._subset_written)
        self.timeseries = None
        if not deps.missing("timeseries"):
            from .timeseries_panel import TimeSeriesPanel

            self.timeseries = TimeSeriesPanel(iface, body)
            self.tabs.addTab(self.timeseries, tr("Point series"))
            if self.cubes is not None:
                self.cubes.catalogLoaded.connect(self._share_catalog)
        self.analysis = None
        if not deps.missing("strain"):
            from .analysis_panel import AnalysisPanel

            self.analysis = AnalysisPanel(iface, body)
            self.tabs.addTab(self.analysis, tr("Analysis"))
        self.glaciers = None
        if not deps.missing("profile"):
            from .glacier_panel import GlacierPanel  # profile curves and glacier statistics

            self.glaciers = GlacierPanel(iface, body)
            self.tabs.addTab(self.glaciers, tr("Glaciers"))
        self.setWidget(body)

        project = QgsProject.instance()
        project.writeProject.connect(self.save_state)
        project.readProject.connect(self.restore_state)
        self.restore_state()

    def _share_catalog(self):
        self.timeseries.catalog = self.cubes.catalog

    def start_point_series(self):
        """Show the point-series tab and arm its map tool (toolbar button)."""
        if self.timeseries is None:
            return
        self.show()
        self.tabs.setCurrentWidget(self.timeseries)
        self.timeseries.start_pick()

    def _subset_written(self, ok: bool, _message: str):
        if ok and self.download.last_output is not None:
            self.invert.set_input(self.download.last_output)

    # -- project state ----------------------------------------------------------------------
    def state(self) -> dict:
        """The panel's settings as a JSON-able dict."""
        state = {}
        if self.cubes is not None:
            state["selected_cubes"] = self.cubes.selected_urls()
            state["show_footprints"] = self.cubes.show_all.isChecked()
        for key, panel in (("download", self.download), ("inversion", self.invert)):
            if panel is not None:
                state[key] = panel.state()
        if self.tabs.count():
            state["tab"] = self.tabs.currentIndex()
        return state

    def save_state(self, *_args):
        """Store :meth:`state` in the project (called when the project is written)."""
        QgsProject.instance().writeEntry(PROJECT_SCOPE, PROJECT_KEY, json.dumps(self.state()))

    def restore_state(self, *_args):
        """Restore the panel from the project, when it holds a saved state."""
        text, ok = QgsProject.instance().readEntry(PROJECT_SCOPE, PROJECT_KEY, "")
        if not ok or not text:
            return
        try:
            state = json.loads(text)
        except ValueError:
            return
        if self.cubes is not None:
            self.cubes.select_urls(state.get("selected_cubes", []))
            self.cubes.show_all.setChecked(bool(state.get("show_footprints", False)))
        for key, panel in (("download", self.download), ("inversion", self.invert)):
            if panel is not None and isinstance(state.get(key), dict):
                panel.set_state(state[key])
        if isinstance(state.get("tab"), int) and 0 <= state["tab"] < self.tabs.count():
            self.tabs.setCurrentIndex(state["tab"])

    def shutdown(self):
        """Disconnect from the canvas and project before the plugin unloads."""
        project = QgsProject.instance()
        for signal, slot in (
            (project.writeProject, self.save_state),
            (project.readProject, self.restore_state),
        ):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass
        for panel in (self.cubes, self.download, self.invert, self.timeseries, self.analysis, self.glaciers):
            if panel is not None:
                panel.shutdown()
