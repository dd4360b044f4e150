"""QGIS test fixtures: the real plugin loaded through classFactory with an iface whose
toolbar, menu, docks and options pages are real Qt objects, so unload() can be checked."""

from __future__ import annotations

import pytest
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QDockWidget, QMenu, QToolBar


class RecordingIface:
    """Wraps pytest-qgis' iface; toolbar/menu/dock/options calls act on real widgets and are recorded."""

    def __init__(self, iface):
        self._iface = iface
        self.main_window = iface.mainWindow()
        self.toolbar = QToolBar("Plugins", self.main_window)
        self.main_window.addToolBar(self.toolbar)
        self.menus: dict[str, QMenu] = {}
        self.options_factories: list = []
        self.main_window.show()  # offscreen platform: docks get real visibility changes

    def __getattr__(self, name):
        return getattr(self._iface, name)

    def mainWindow(self):
        return self.main_window

    def mapCanvas(self):
        return self._iface.mapCanvas()

    def addToolBarIcon(self, action):
        self.toolbar.addAction(action)

    def removeToolBarIcon(self, action):
        self.toolbar.removeAction(action)

    def addPluginToMenu(self, name, action):
        menu = self.menus.get(name)
        if menu is None:
            menu = self.main_window.menuBar().addMenu(name)
            self.menus[name] = menu
        menu.addAction(action)

    def removePluginMenu(self, name, action):
        menu = self.menus.get(name)
        if menu is not None:
            menu.removeAction(action)
            if not menu.actions():
                self.main_window.menuBar().removeAction(menu.menuAction())
                del self.menus[name]

    def addDockWidget(self, area, dock):
        self.main_window.addDockWidget(area, dock)

    def removeDockWidget(self, dock):
        self.main_window.removeDockWidget(dock)

    def registerOptionsWidgetFactory(self, factory):
        self.options_factories.append(factory)

    def unregisterOptionsWidgetFactory(self, factory):
        self.options_factories.remove(factory)

    def docks(self):
        return [d for d in self.main_window.findChildren(QDockWidget) if d.objectName() == "ItsLiveDock"]


@pytest.fixture(autouse=True)
def _offline_endpoint(monkeypatch, tmp_path):
    """No test reaches AWS: unless a test starts the mirror, the endpoint is a closed local port."""
    import os

    if not os.environ.get("ITSLIVE_S3_ENDPOINT_URL"):
        monkeypatch.setenv("ITSLIVE_S3_ENDPOINT_URL", "http://127.0.0.1:9")
        monkeypatch.setenv("ITSLIVE_RETRIES", "1")
    monkeypatch.setenv("ITSLIVE_CACHE_DIR", str(tmp_path / "itslive_cache"))


@pytest.fixture()
def iface(qgis_iface):
    """A recording iface around pytest-qgis' one."""
    return RecordingIface(qgis_iface)


@pytest.fixture()
def plugin(iface, qgis_processing):
    """The real plugin, created through classFactory and initGui(); unloaded afterwards."""
    import itslive_qgis

    instance = itslive_qgis.classFactory(iface)
    instance.initGui()
    yield instance
    if instance.action is not None or instance.provider is not None:
        instance.unload()


DOCK_AREA = Qt.DockWidgetArea.RightDockWidgetArea


def wait_until(predicate, timeout_s: float = 120.0, poll_s: float = 0.01) -> None:
    """Run the Qt event loop until ``predicate()`` is true; AssertionError after ``timeout_s``."""
    import time

    from qgis.core import QgsApplication

    t0 = time.time()
    while not predicate():
        QgsApplication.processEvents()
        if time.time() - t0 > timeout_s:
            raise AssertionError(f"timed out after {timeout_s} s")
        time.sleep(poll_s)
