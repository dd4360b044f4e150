"""The QGIS plugin object: the only place that holds ``iface``.

It adds the toolbar button and Plugins-menu entry that toggle the ITS_LIVE dock,
the options page (Settings > Options > ITS_LIVE) and the ``itslive`` Processing
provider; :meth:`ItsLivePlugin.unload` removes all of them again.
"""

from __future__ import annotations

import warnings

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .i18n import install_translator, tr
from .paths import icon_path

MENU = "&ITS_LIVE"
#: after initGui, when the main window has been shown and the project loaded
WARM_UP_DELAY_MS = 1000
# Debian's netCDF4/h5py are built against an older numpy ABI than the venv's: Cython's import-time
# check says so on every first import; it is benign (same major version) and not for the user's log
warnings.filterwarnings("ignore", message="numpy.ndarray size changed", category=RuntimeWarning)


class ItsLivePlugin:
    """ITS_LIVE for QGIS."""

    def __init__(self, iface):
        self.iface = iface
        self.translator = install_translator()
        self.provider = None
        self.dock = None
        self.action = None
        self.point_action = None
        self.options_factory = None

    # -- Processing -------------------------------------------------------------------------
    def initProcessing(self):
        """Register the provider (also called by qgis_process, without a GUI)."""
        if self.provider is None:
            from .processing.provider import ItsLiveProvider

            self.provider = ItsLiveProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    # -- GUI --------------------------------------------------------------------------------
    def initGui(self):
        """Create the action, the dock, the options page and the provider."""
        self.initProcessing()
        self.action = QAction(QIcon(icon_path()), tr("ITS_LIVE velocities"), self.iface.mainWindow())
        self.action.setObjectName("itslive_toggle_dock")
        self.action.setCheckable(True)
        self.action.setToolTip(tr("Show or hide the ITS_LIVE panel"))
        self.action.toggled.connect(self._set_dock_visible)
        self.iface.addToolBarIcon(self.action)
        self.iface.addPluginToMenu(MENU, self.action)

        self.point_action = QAction(
            QIcon(icon_path("timeseries.svg")), tr("Velocity time series at a point"), self.iface.mainWindow()
        )
        self.point_action.setObjectName("itslive_point_series")
        self.point_action.setToolTip(
            tr("Click a glacier: its ITS_LIVE velocity history in the ITS_LIVE panel")
        )
        self.point_action.triggered.connect(self._start_point_series)
        self.iface.addToolBarIcon(self.point_action)
        self.iface.addPluginToMenu(MENU, self.point_action)

        from .gui.options import ItsLiveOptionsFactory

        self.options_factory = ItsLiveOptionsFactory()
        self.iface.registerOptionsWidgetFactory(self.options_factory)
        from .layers.granule import configure_gdal_from_settings

        configure_gdal_from_settings()  # granule layers of a saved project read the configured store

        # the data stack is imported in the background once QGIS has started, not inside the
        # first task, whose imports would hold the GIL while the user watches (see warmup.py)
        from . import warmup

        QTimer.singleShot(WARM_UP_DELAY_MS, warmup.start)

    def _ensure_dock(self):
        if self.dock is None:
            from .gui.dock import ItsLiveDock

            self.dock = ItsLiveDock(self.iface, self.iface.mainWindow())
            self.dock.setObjectName("ItsLiveDock")
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
            self.dock.visibilityChanged.connect(self._sync_action)
            if getattr(self.dock, "installer", None) is not None:
                self.dock.installer.installed.connect(self._packages_installed)
        return self.dock

    def _packages_installed(self, restart_needed: bool):
        """New packages on sys.path: rebuild the dock with the tabs they enable (no restart needed)."""
        if restart_needed or self.dock is None:
            return
        self.dock.shutdown()
        self.iface.removeDockWidget(self.dock)
        self.dock.deleteLater()
        self.dock = None
        self._set_dock_visible(True)

    def _start_point_series(self):
        self.action.setChecked(True)
        self._ensure_dock().start_point_series()

    def _set_dock_visible(self, visible: bool):
        if visible:
            self._ensure_dock().show()
            self.dock.raise_()
        elif self.dock is not None:
            self.dock.hide()

    def _sync_action(self, visible: bool):
        if self.action is not None and self.action.isChecked() != visible:
            self.action.blockSignals(True)
            self.action.setChecked(visible)
            self.action.blockSignals(False)

    def unload(self):
        """Remove every action, dock, options page and the provider."""
        if self.dock is not None:
            self.dock.shutdown()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        for attr in ("point_action", "action"):
            action = getattr(self, attr)
            if action is not None:
                self.iface.removePluginMenu(MENU, action)
                self.iface.removeToolBarIcon(action)
                action.deleteLater()
                setattr(self, attr, None)
        if self.options_factory is not None:
            self.iface.unregisterOptionsWidgetFactory(self.options_factory)
            self.options_factory = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            from qgis.PyQt.QtCore import QCoreApplication

            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
