"""A QgsTask that runs a plain Python callable in the background.

The callable gets the core's progress protocol; exceptions are stored in ``run()``
and reported in ``finished()`` on the main thread, where ``on_done`` is called.
Never touch widgets from the callable.
"""

from __future__ import annotations

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsTask
from qgis.PyQt.QtCore import QTimer


class TaskProgress:
    """The core's Progress protocol on top of a QgsTask."""

    def __init__(self, task: QgsTask):
        self.task = task

    def report(self, fraction: float) -> None:
        self.task.setProgress(100.0 * min(max(fraction, 0.0), 1.0))

    def is_cancelled(self) -> bool:
        return self.task.isCanceled()

    def log(self, message: str) -> None:
        QgsMessageLog.logMessage(message, "ITS_LIVE", Qgis.MessageLevel.Info)


class CallableTask(QgsTask):
    """Run ``function(progress)`` in a worker thread; call ``on_done(result, error)`` on the main thread."""

    def __init__(self, description: str, function, on_done=None, flags=QgsTask.Flag.CanCancel):
        super().__init__(description, flags)
        self.function = function
        self.on_done = on_done
        self.result = None
        self.error: BaseException | None = None

    def run(self):
        from ..core.io import silence_hdf5_diagnostics

        silence_hdf5_diagnostics()
        try:
            self.result = self.function(TaskProgress(self))
            return True
        except BaseException as exc:  # reported in finished(), on the main thread
            self.error = exc
            return False

    def finished(self, ok):
        if self.on_done is None:
            return
        try:
            self.on_done(self.result if ok else None, self.error)
        except Exception as exc:  # never let a callback error abort QGIS
            QgsMessageLog.logMessage(f"{self.description()}: {exc}", "ITS_LIVE", Qgis.MessageLevel.Critical)


_RUNNING: set = set()


def start(task: QgsTask) -> QgsTask:
    """Add ``task`` to the task manager, keeping a Python reference until it ends."""
    _RUNNING.add(task)
    task.taskCompleted.connect(lambda: _RUNNING.discard(task))
    task.taskTerminated.connect(lambda: _RUNNING.discard(task))
    QgsApplication.taskManager().addTask(task)
    return task


#: delay (ms) of :func:`next_pass`. Not 0: PyQt's ``QTimer.singleShot(0, slot)`` is a posted event,
#: and any nested ``sendPostedEvents()`` later in the same pass (Qt and QGIS call it) runs it at
#: once: two dock panels were built in one pass in a CI run ([1, 2, 3, 4, 6] tabs). A real timer
#: fires only from the event loop's timer check, once per pass.
PASS_DELAY_MS = 1


def next_pass(slot) -> None:
    """Run ``slot`` in a later event-loop pass, never in the pass that is running (main thread)."""
    QTimer.singleShot(PASS_DELAY_MS, slot)
