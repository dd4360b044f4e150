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
from ..tasks.base import next_pass

PROJECT_SCOPE = "itslive_qgis"
PROJECT_KEY = "dock_state"


#: the panels, built in this order, one per event-loop pass (see :class:`ItsLiveDock`)
PANELS = ("cubes", "download", "invert", "timeseries", "analysis", "glaciers")


def _panel_property(name: str) -> property:
    def get(self):
        self.finish_building()
        return self._panels[name]

    return property(get, doc=f"The {name} panel (``None`` when its packages are missing); builds the rest.")


class ItsLiveDock(QDockWidget):
    """Dock panel listing the cubes under the canvas.

    The dock shows at once with a "loading" line; its panels are built one per event-loop pass
    (:func:`itslive_qgis.tasks.base.next_pass`), so that opening it never holds the main thread for the
    whole construction (issue 13: 237-743 ms in one slot in the desktop scenario at load 5). Reading any panel
    (``dock.cubes``, ``dock.tabs``, ...) before the passes are over builds the rest at once:
    callers always see the complete dock. :attr:`ready` tells whether it is complete.
    """

    cubes = _panel_property("cubes")
    download = _panel_property("download")
    invert = _panel_property("invert")
    timeseries = _panel_property("timeseries")
    analysis = _panel_property("analysis")
    glaciers = _panel_property("glaciers")

    def __init__(self, iface, parent=None):
        super().__init__(tr("ITS_LIVE"), parent)
        self.iface = iface
        self.canvas = iface.mapCanvas()
        self._panels: dict = dict.fromkeys(PANELS)
        self._pending = list(PANELS)
        self._body = body = QWidget(self)
        self._layout = layout = QVBoxLayout(body)
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
        self.loading_label = QLabel(tr("Loading the ITS_LIVE panels…"), body)
        self.loading_label.setObjectName("itslive_loading_label")
        layout.addWidget(self.loading_label)
        self._tabs = QTabWidget(body)
        self._tabs.setObjectName("itslive_tabs")
        layout.addWidget(self._tabs)
        self.setWidget(body)

        project = QgsProject.instance()
        project.writeProject.connect(self.save_state)
        project.readProject.connect(self.restore_state)
        next_pass(self._build_next)

    @property
    def tabs(self) -> QTabWidget:
        """The panels' tab widget (complete: builds the dock first)."""
        self.finish_building()
        return self._tabs

    @property
    def ready(self) -> bool:
        """Whether every panel is built (reading this never builds)."""
        return not self._pending

    def finish_building(self) -> None:
        """Build the panels not built yet, now."""
        while self._pending:
            self._build_one()

    def _build_next(self) -> None:
        if not self._pending:
            return
        self._build_one()
        if self._pending:
            next_pass(self._build_next)

    def _build_one(self) -> None:
        name = self._pending.pop(0)
        getattr(self, f"_build_{name}")(self._body)
        if not self._pending:
            self.loading_label.setVisible(False)
            if self._panels["cubes"] is not None:
                # once every panel is built: the catalog task's thread (JSON and geometry, in
                # Python) beside the panels' builds took the GIL from them, the dock opening's
                # largest gap (101-146 ms in the scenario suite)
                self._panels["cubes"].load_catalog()
            self.restore_state()

    def _build_cubes(self, body):
        if not deps.missing("catalog"):
            from .cube_list import CubeList

            self._panels["cubes"] = cubes = CubeList(self.canvas, body, self.iface)
            self._tabs.addTab(cubes, tr("Datacubes"))  # its catalog loads once the dock is built

    def _build_download(self, body):
        if not deps.missing("subset"):
            from .download_panel import DownloadPanel

            self._panels["download"] = download = DownloadPanel(self.iface, body)
            self._tabs.addTab(download, tr("Download"))
            if self._panels["cubes"] is not None:
                self._panels["cubes"].selectionChanged.connect(download.set_selected_cubes)

    def _build_invert(self, body):
        if not deps.missing("inversion"):
            from .invert_panel import InvertPanel

            self._panels["invert"] = InvertPanel(self.iface, body)
            self._tabs.addTab(self._panels["invert"], tr("Inversion"))
            if self._panels["download"] is not None:
                self._panels["download"].runFinished.connect(self._subset_written)

    def _build_timeseries(self, body):
        if not deps.missing("timeseries"):
            from .timeseries_panel import TimeSeriesPanel

            self._panels["timeseries"] = TimeSeriesPanel(self.iface, body)
            self._tabs.addTab(self._panels["timeseries"], tr("Point series"))
            if self._panels["cubes"] is not None:
                self._panels["cubes"].catalogLoaded.connect(self._share_catalog)

    def _build_analysis(self, body):
        if not deps.missing("strain"):
            from .analysis_panel import AnalysisPanel

            self._panels["analysis"] = AnalysisPanel(self.iface, body)
            self._tabs.addTab(self._panels["analysis"], tr("Analysis"))

    def _build_glaciers(self, body):
        if not deps.missing("profile"):
            from .glacier_panel import GlacierPanel  # profile curves and glacier statistics

            self._panels["glaciers"] = GlacierPanel(self.iface, body)
            self._tabs.addTab(self._panels["glaciers"], tr("Glaciers"))

    def _share_catalog(self):
        # the built panels themselves: the properties would build the rest in this one pass (the
        # catalog often arrives while the dock is still building its panels one per pass)
        timeseries, cubes = self._panels.get("timeseries"), self._panels.get("cubes")
        if timeseries is not None and cubes is not None:
            timeseries.catalog = cubes.catalog

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
        self._pending.clear()  # a pass still queued builds nothing
        for panel in self._panels.values():
            if panel is not None:
                panel.shutdown()
