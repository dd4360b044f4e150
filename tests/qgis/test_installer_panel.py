"""The dock's installer panel: a real pip run as a QgsTask, its log and progress, and cancel.

The Python here is the project's venv (it already has every package), so pip resolves the core
set to nothing to download: the run is quick, and the folder, manifest and import check are real.
"""

from __future__ import annotations

import time

from qgis.PyQt.QtWidgets import QApplication

from itslive_qgis import installer
from itslive_qgis.gui.installer_panel import InstallerPanel


def _wait(panel, timeout=300):
    t0 = time.monotonic()
    while panel.task is not None and time.monotonic() - t0 < timeout:
        QApplication.processEvents()
        time.sleep(0.05)
    QApplication.processEvents()
    assert panel.task is None, "the install task did not finish"


def test_cancel_then_install(qgis_app, tmp_path):
    profile = tmp_path / "profile"
    panel = InstallerPanel(profile_dir=str(profile))
    assert panel.selected_sets()[0] == "core" and not panel.boxes["core"].isEnabled()
    for name, box in panel.boxes.items():
        box.setChecked(name == "core")

    panel.start()
    assert not panel.install_button.isEnabled() and panel.cancel_button.isEnabled()
    panel.cancel()
    _wait(panel)
    assert "Cancelled" in panel.status.text() or "unchanged" in panel.status.text(), panel.status.text()
    folder = installer.deps_folder(profile)
    assert not folder.exists()
    assert not [p for p in folder.parent.glob(".*")] if folder.parent.exists() else True

    installed = []
    panel.installed.connect(installed.append)
    panel.start()
    _wait(panel)
    assert installed == [False], panel.status.text() + panel.log.toPlainText()[-2000:]
    assert panel.progress.value() == 100
    log = panel.log.toPlainText()
    assert "$ " in log and "--dry-run" in log and "numpy" in log
    manifest = installer.read_manifest(folder)
    assert manifest["sets"] == ["core"]
    assert "Installed" in panel.status.text()
