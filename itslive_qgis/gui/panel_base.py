"""Base of the dock sections that run an algorithm and load its output (wiring only).

A section builds the parameter dict of an ``itslive:`` algorithm from its widgets, runs that
algorithm in the background (:class:`gui.runner.AlgorithmRun`, the same code path as the
toolbox and the model builder) and loads the output into the project with
:class:`layers.LoadResultTask` (file reading off the main thread, layers added on it).
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication, QgsMapLayer, QgsProject
from qgis.PyQt.QtCore import pyqtSignal, pyqtSlot
from qgis.PyQt.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ..i18n import tr
from ..processing.base import ItsLiveAlgorithm


class AlgorithmPanel(QWidget):
    """A dock section running one algorithm at a time; ``runFinished(ok, message)`` when it ends."""

    runFinished = pyqtSignal(bool, str)

    def __init__(self, iface, parent=None, project: QgsProject | None = None):
        super().__init__(parent)
        self.iface = iface
        self.project = project or QgsProject.instance()
        self.run = None
        self.load_task = None
        self.last_output: Path | None = None
        self.last_layers: list[QgsMapLayer] = []
        self.action_buttons: list[QPushButton] = []

    # -- widgets ---------------------------------------------------------------------------------
    def add_status_row(self, layout, status_name: str) -> None:
        """Progress bar, cancel button and status label at the bottom of ``layout``."""
        row = QHBoxLayout()
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        row.addWidget(self.progress, 1)
        self.cancel_button = QPushButton(tr("Cancel"), self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        from .export_button import add_export_button  # "Export map…" for the loaded result

        self.export_button = add_export_button(self, row)
        layout.addLayout(row)
        self.status_label = QLabel("", self)
        self.status_label.setObjectName(status_name)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

    # -- runs ------------------------------------------------------------------------------------
    def is_running(self) -> bool:
        """True while an algorithm or the loading of its output runs."""
        return self.run is not None or self.load_task is not None

    def cancel(self):
        """Ask the running algorithm to stop (it checks between blocks)."""
        if self.run is not None:
            self.run.cancel()
            self._show(tr("Cancelling..."))

    def start_algorithm(self, algorithm_id: str, build, message: str, kind: str = "auto") -> bool:
        """Run ``algorithm_id`` with ``build()``'s parameters; False (with a message) if it cannot start."""
        from .runner import AlgorithmRun

        if self.is_running():
            self._show(tr("Another run is still going: wait or cancel it."), error=True)
            return False
        try:
            params = build()
            self.run = AlgorithmRun(
                algorithm_id,
                params,
                self.project,
                on_done=lambda ok, results, error: self._done(ok, results, error, kind),
                on_progress=self._on_progress,
            )
        except (ValueError, RuntimeError) as exc:
            self.run = None
            self._show(str(exc), error=True)
            return False
        self._set_busy(True)
        self._show(message)
        self.run.start()
        return True

    def start_on_setting(self, algorithm_id: str, message: str, kind: str, cluster_note: str) -> bool:
        """:meth:`start_algorithm` with :meth:`parameters`, on the ``dask_scheduler`` setting's cluster
        when it is set: OUTPUT becomes a Zarr store (the algorithm refuses .nc with a scheduler) and
        ``cluster_note`` (formatted with the scheduler and the store) is said in the log and bar."""
        from .. import settings

        scheduler = settings.dask_scheduler()
        if not scheduler:
            return self.start_algorithm(algorithm_id, self.parameters, message, kind)
        try:
            params = self.parameters()
        except ValueError as exc:
            self._show(str(exc), error=True)
            return False
        params[ItsLiveAlgorithm.OUTPUT] = zarr_store_path(params[ItsLiveAlgorithm.OUTPUT])
        params[ItsLiveAlgorithm.DASK_SCHEDULER] = scheduler
        note = cluster_note.format(scheduler, params[ItsLiveAlgorithm.OUTPUT])
        tell_cluster_run(self.iface, note)
        return self.start_algorithm(algorithm_id, lambda: params, message + " " + note, kind)

    def _done(self, ok: bool, results: dict, error: str | None, kind: str):
        self.run = None
        if not ok:
            self._finish(False, last_error_line(error) or tr("The algorithm failed."))
            return
        output = str(results.get(ItsLiveAlgorithm.OUTPUT, ""))
        self.last_output = Path(output)
        from ..layers import LoadResultTask
        from .view_guard import ViewGuard

        self._show(tr("Loading {}...").format(self.last_output.name))
        self.load_task = LoadResultTask(
            output if "://" in output else self.last_output,  # an s3:// cluster result stays a URL
            self.project,
            kind=kind,
            on_loaded=self._loaded,
            guard=lambda: ViewGuard(self.iface, self.project),
        )
        QgsApplication.taskManager().addTask(self.load_task)

    def _loaded(self, layers, error_message: str):
        task, self.load_task = self.load_task, None
        self.last_layers = list(layers)
        from .export_button import result_loaded

        result_loaded(self, layers)
        source = getattr(task, "source", None)
        if layers and source is not None and self.iface is not None:
            from .temporal_setup import show_time_grid

            show_time_grid(self.iface.mapCanvas(), self.project, source)
        if error_message:
            self._finish(
                False, tr("Written {}, but loading failed: {}").format(self.last_output, error_message)
            )
        else:
            self._finish(True, tr("Done: {} ({} layer(s) added)").format(self.last_output, len(layers)))

    def _finish(self, ok: bool, message: str):
        self._set_busy(False)
        self._show(message, error=not ok)
        self.runFinished.emit(ok, message)

    @pyqtSlot(float)
    def _on_progress(self, percent: float):
        self.progress.setValue(int(percent))

    def _set_busy(self, busy: bool):
        for button in self.action_buttons:
            button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        self.progress.setValue(0)

    def _show(self, message: str, error: bool = False):
        self.status_label.setStyleSheet("color: #a00000" if error else "")
        self.status_label.setText(message)

    def shutdown(self):
        """Stop what runs (plugin unload)."""
        self.cancel()


def last_error_line(text: str | None) -> str:
    """The most useful line of a Processing log: the last non-empty one."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def zarr_store_path(path: str) -> str:
    """The output of a run on a Dask cluster: a Zarr store (``x.nc`` -> ``x.zarr``; a URL or .zarr as is)."""
    text = str(path).strip()
    if "://" in text or text.lower().rstrip("/").endswith(".zarr"):
        return text
    return str(Path(text).with_suffix(".zarr"))


def tell_cluster_run(iface, message: str) -> None:
    """Say in the message log (and the message bar, in the desktop) that the run goes to a cluster."""
    from qgis.core import Qgis, QgsMessageLog

    QgsMessageLog.logMessage(message, "ITS_LIVE", Qgis.MessageLevel.Info)
    if iface is not None and hasattr(iface, "messageBar"):
        iface.messageBar().pushMessage("ITS_LIVE", message, Qgis.MessageLevel.Info, 10)
