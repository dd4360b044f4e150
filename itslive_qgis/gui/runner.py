"""Run the plugin's Processing algorithms in the background from the dock.

The dock never computes anything itself: it builds the same parameter dict the
toolbox and the model builder would, and runs the same algorithm in a
QgsProcessingAlgRunnerTask. Python references to the task, its context and its
feedback are kept until it ends (QGIS issues #31964, #38583); results are handed to
``on_done`` on the main thread, where layers may be added to the project.
"""

from __future__ import annotations

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
)

from ..i18n import tr


class AlgorithmRun:
    """One background run of ``algorithm_id`` with ``parameters``."""

    _running: set = set()

    def __init__(
        self, algorithm_id: str, parameters: dict, project: QgsProject, on_done=None, on_progress=None
    ):
        registry = QgsApplication.processingRegistry()
        self.algorithm = registry.createAlgorithmById(algorithm_id)
        if self.algorithm is None:
            raise RuntimeError(tr("Processing algorithm {} is not available.").format(algorithm_id))
        self.parameters = dict(parameters)
        self.on_done = on_done
        self.context = QgsProcessingContext()
        self.context.setProject(project)
        self.feedback = QgsProcessingFeedback()
        if on_progress is not None:
            self.feedback.progressChanged.connect(on_progress)
        self.task = QgsProcessingAlgRunnerTask(self.algorithm, self.parameters, self.context, self.feedback)
        self.task.executed.connect(self._executed)

    def start(self) -> AlgorithmRun:
        """Queue the task; returns self."""
        AlgorithmRun._running.add(self)
        QgsApplication.taskManager().addTask(self.task)
        return self

    def cancel(self) -> None:
        """Ask the algorithm to stop (it checks the feedback between blocks)."""
        self.feedback.cancel()

    def _executed(self, ok: bool, results: dict):
        AlgorithmRun._running.discard(self)
        if self.on_done is not None:
            error = None if ok else (self.feedback.textLog() or tr("The algorithm failed."))
            self.on_done(ok, results if ok else {}, error)
