"""The plugin loads through classFactory, toggles its dock, registers its provider and unloads cleanly."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from qgis.core import QgsApplication

from tests.conftest import REPO


def test_plugin_loads_and_registers_everything(plugin, iface):
    assert plugin.action is not None
    assert plugin.action in iface.toolbar.actions()
    assert plugin.action in iface.menus["&ITS_LIVE"].actions()
    assert plugin.point_action in iface.toolbar.actions()
    assert len(iface.options_factories) == 1
    provider = QgsApplication.processingRegistry().providerById("itslive")
    assert provider is not None and provider.name() == "ITS_LIVE"
    assert any(a.id().startswith("itslive:") for a in provider.algorithms())


def test_action_toggles_the_dock(plugin, iface):
    assert iface.docks() == []
    plugin.action.trigger()
    docks = iface.docks()
    assert len(docks) == 1 and docks[0].isVisible()
    plugin.action.trigger()
    assert not docks[0].isVisible()
    plugin.action.trigger()
    assert docks[0].isVisible()
    docks[0].close()  # closing the dock unchecks the action
    assert not plugin.action.isChecked()


def test_unload_leaves_nothing_behind(plugin, iface):
    plugin.action.trigger()
    action, point_action = plugin.action, plugin.point_action
    plugin.unload()
    assert action not in iface.toolbar.actions() and point_action not in iface.toolbar.actions()
    assert "&ITS_LIVE" not in iface.menus
    assert iface.options_factories == []
    assert QgsApplication.processingRegistry().providerById("itslive") is None
    QgsApplication.processEvents()
    assert [d for d in iface.docks() if d.isVisible()] == []
    assert plugin.dock is None and plugin.action is None and plugin.provider is None


def test_options_page_saves_settings(plugin, iface, tmp_path):
    from itslive_qgis import settings

    page = iface.options_factories[0].createWidget(None)
    page.endpoint.setText("http://127.0.0.1:9")
    page.cache_dir.setFilePath(str(tmp_path))
    page.apply()
    values = settings.read()
    assert values["endpoint_url"] == "http://127.0.0.1:9"
    assert values["cache_dir"] == str(tmp_path)
    settings.write({"endpoint_url": "", "cache_dir": ""})


def test_options_page_sets_the_typed_network_and_safety_settings(plugin, iface):
    """Retries, timeout, concurrency, the download budget and other hosts: shown bounded, saved, used."""
    from itslive_qgis import settings

    before = settings.read()
    page = iface.options_factories[0].createWidget(None)
    assert (page.retries.minimum(), page.retries.maximum()) == (1, 20)
    page.retries.setValue(3)
    page.timeout.setValue(12.5)
    page.concurrency.setValue(7)
    page.max_download.setValue(0.25)
    page.other_hosts.setChecked(True)
    page.apply()
    try:
        values = settings.read()
        assert (values["retries"], values["timeout_s"], values["concurrency"]) == (3, 12.5, 7)
        assert settings.allow_other_hosts() and settings.max_download_bytes() == 0.25e9
        config = settings.store_config()
        assert config.timeout_s == 12.5 and config.concurrency == 7
        settings.write({"retries": 10**6})  # clamped to the entry's range, not refused silently
        assert settings.read()["retries"] == 20
    finally:
        settings.write({k: before[k] for k in ("retries", "timeout_s", "concurrency")})
        settings.write({"max_download_gb": before["max_download_gb"], "allow_other_hosts": False})


MISSING_DEPS_SCRIPT = textwrap.dedent(
    """
    import importlib.abc, sys
    BLOCKED = {"xarray", "zarr", "s3fs", "torch", "numba"}

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError("blocked: " + name)
            return None

    sys.meta_path.insert(0, Block())
    import importlib.util
    _orig = importlib.util.find_spec
    def find_spec(name, *a, **k):
        if name.split(".")[0] in BLOCKED:
            return None
        return _orig(name, *a, **k)
    importlib.util.find_spec = find_spec

    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    app.initQgis()
    from qgis.PyQt.QtWidgets import QMainWindow
    from qgis.gui import QgsMapCanvas
    from processing.core.Processing import Processing
    Processing.initialize()

    class Iface:
        def __init__(self):
            self.w = QMainWindow(); self.c = QgsMapCanvas()
        def mainWindow(self): return self.w
        def mapCanvas(self): return self.c
        def __getattr__(self, name): return lambda *a, **k: None

    import itslive_qgis
    plugin = itslive_qgis.classFactory(Iface())
    plugin.initGui()
    plugin.action.trigger()
    print("DOCK:", plugin.dock.deps_label.text())
    reg = QgsApplication.processingRegistry()
    algs = reg.providerById("itslive").algorithms()
    for alg in algs:
        ok, why = alg.canExecute()
        print("ALG:", alg.id(), ok, why)
    from itslive_qgis.gui.options import ItsLiveOptionsPage
    page = ItsLiveOptionsPage()
    print("OPTIONS:", page.deps_label.text())
    plugin.unload()
    print("UNLOADED")
    """
)


def test_plugin_loads_without_optional_packages():
    proc = subprocess.run(
        [sys.executable, "-c", MISSING_DEPS_SCRIPT],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    dock_line = next(line for line in out.splitlines() if line.startswith("DOCK:"))
    for name in ("xarray", "zarr", "s3fs", "numba"):
        assert name in dock_line
    assert "torch" not in dock_line  # torch serves CUDA only: never asked for
    assert "pip install" in dock_line
    assert "OPTIONS: Missing Python packages" in out
    alg_lines = [line for line in out.splitlines() if line.startswith("ALG:")]
    assert alg_lines, out
    needing = [line for line in alg_lines if " False " in line]
    assert needing, "algorithms that need the missing packages must be disabled"
    for line in needing:
        assert "pip install" in line
    assert "UNLOADED" in out


def test_point_action_opens_the_point_series_tab_and_arms_the_map_tool(plugin, iface):
    plugin.point_action.trigger()
    dock = plugin.dock
    assert dock is not None and dock.isVisible()
    assert dock.tabs.currentWidget() is dock.timeseries
    assert iface.mapCanvas().mapTool() is dock.timeseries.tool
