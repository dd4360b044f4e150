"""The "Install the missing packages" panel (dock and options page): sets, pip log, progress, cancel.

The install runs as a QgsTask (:class:`InstallTask`) calling :func:`itslive_qgis.installer.install`
with QGIS's Python; the pip log streams into the panel. The exact pip command for an environment
of one's own is shown too (the installer is an offer).
"""

from __future__ import annotations

from qgis.core import QgsApplication, QgsTask
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import deps, installer
from ..i18n import tr


class InstallTask(QgsTask):
    """pip into the profile's packages folder, in the background; cancellable."""

    logLine = pyqtSignal(str)
    done = pyqtSignal(bool, str, bool)  # ok, message, restart needed

    def __init__(self, sets: list[str], profile_dir: str, python: str | None = None):
        super().__init__(tr("Installing ITS_LIVE's Python packages"), QgsTask.Flag.CanCancel)
        self.sets, self.profile_dir, self.python = sets, profile_dir, python
        self.result = None
        self.error = ""

    def run(self):
        try:
            self.result = installer.install(
                self.sets,
                self.profile_dir,
                self.python,
                log=self.logLine.emit,
                progress=lambda f: self.setProgress(100.0 * f),
                cancelled=self.isCanceled,
            )
        except installer.InstallError as exc:
            self.error = str(exc)
            return False
        return True

    def finished(self, ok):
        if ok and self.result is not None:
            installer.activate(self.profile_dir)
            message = tr("Installed {} packages ({:.0f} MiB downloaded) into {}.").format(
                len(self.result.packages), self.result.download_bytes / 2**20, self.result.folder
            )
            if self.result.restart_needed:
                message += " " + tr("Restart QGIS: a package it had already loaded was replaced.")
            self.done.emit(True, message, self.result.restart_needed)
        else:
            self.done.emit(
                False, self.error or tr("Cancelled: the previous packages folder is unchanged."), False
            )


class InstallerPanel(QWidget):
    """Checkboxes for the sets (with their download sizes), Install / Cancel, progress and log."""

    installed = pyqtSignal(bool)  # restart needed

    def __init__(self, parent=None, profile_dir: str | None = None):
        super().__init__(parent)
        self.setObjectName("itslive_installer_panel")
        self.profile_dir = profile_dir or QgsApplication.qgisSettingsDirPath()
        self.task = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = {}
        for name, spec in deps.SETS.items():
            box = QCheckBox(
                tr("{} — {} (about {:.0f} MiB)").format(name, spec.description, spec.download_mib)
            )
            box.setObjectName(f"itslive_set_{name}")
            present = deps.set_installed(name)
            box.setChecked(name in deps.missing_sets())  # torch (CUDA only) is never pre-checked
            if name == "core":
                box.setChecked(True)
                box.setEnabled(False)
            if present and name != "core":
                box.setText(box.text() + " " + tr("[installed]"))
            self.boxes[name] = box
            layout.addWidget(box)
        buttons = QHBoxLayout()
        self.install_button = QPushButton(tr("Install the missing packages"))
        self.install_button.setObjectName("itslive_install_button")
        self.install_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setObjectName("itslive_install_cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.command_button = QPushButton(tr("Show the pip command"))
        self.command_button.clicked.connect(self.show_command)
        for button in (self.install_button, self.cancel_button, self.command_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel("")
        self.status.setObjectName("itslive_install_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        self.log = QPlainTextEdit()
        self.log.setObjectName("itslive_install_log")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(5000)
        self.log.setVisible(False)
        layout.addWidget(self.log)

    def selected_sets(self) -> list[str]:
        return [name for name, box in self.boxes.items() if box.isChecked()]

    def show_command(self):
        try:
            command = installer.command_for(self.selected_sets(), profile_dir=self.profile_dir)
        except installer.InstallError as exc:
            command = str(exc)
        self.status.setText(tr("For an environment of your own (conda, a venv, the OSGeo4W shell):"))
        self.log.setVisible(True)
        self.log.appendPlainText(command)

    def start(self):
        if self.task is not None:
            return
        self.log.clear()
        self.log.setVisible(True)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(tr("Installing with pip ..."))
        self.install_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.task = InstallTask(self.selected_sets(), self.profile_dir)
        self.task.logLine.connect(self.log.appendPlainText)
        self.task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        self.task.done.connect(self._finished)
        QgsApplication.taskManager().addTask(self.task)

    def cancel(self):
        if self.task is not None:
            self.status.setText(tr("Cancelling ..."))  # a task not started yet ends inside cancel()
            self.task.cancel()

    def _finished(self, ok: bool, message: str, restart: bool):
        self.task = None
        self.install_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(ok)
        self.status.setText(message)
        if ok:
            self.installed.emit(restart)
