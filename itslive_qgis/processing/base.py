"""Shared plumbing of the ITS_LIVE Processing algorithms.

Each algorithm reads its parameters, calls one core function and writes outputs.
This module adapts ``QgsProcessingFeedback`` to the core's progress protocol,
turns core exceptions into ``QgsProcessingException`` messages a user can act on,
and disables an algorithm (``canExecute``) when its Python packages are missing.
"""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingFeedback
from qgis.PyQt.QtGui import QIcon

from .. import deps
from ..core.errors import CancelledError, ItsLiveError, MissingDependencyError
from ..i18n import dependency_message, tr
from ..paths import icon_path


class FeedbackProgress:
    """The core's Progress protocol on top of a QgsProcessingFeedback."""

    def __init__(self, feedback: QgsProcessingFeedback | None):
        self.feedback = feedback or QgsProcessingFeedback()

    def report(self, fraction: float) -> None:
        self.feedback.setProgress(100.0 * min(max(fraction, 0.0), 1.0))

    def is_cancelled(self) -> bool:
        return self.feedback.isCanceled()

    def log(self, message: str) -> None:
        self.feedback.pushInfo(message)


class ItsLiveAlgorithm(QgsProcessingAlgorithm):
    """Base class: naming, help, icon, dependency gate and error mapping."""

    #: algorithm id inside the provider (``itslive:<NAME>``)
    NAME = ""
    #: key of :data:`deps.CAPABILITIES` naming the packages the algorithm needs
    CAPABILITY = ""
    #: icon file in resources/icons
    ICON = "itslive.svg"
    GROUP = "Datacubes"
    GROUP_ID = "datacubes"

    def name(self):
        return self.NAME

    def group(self):
        return tr(self.GROUP)

    def groupId(self):
        return self.GROUP_ID

    def icon(self):
        return QIcon(icon_path(self.ICON))

    def createInstance(self):
        return type(self)()

    def flags(self):
        return super().flags()

    def canExecute(self):
        """False, with the missing packages and the install command, when dependencies are missing."""
        if self.CAPABILITY and deps.missing(self.CAPABILITY):
            return False, dependency_message(self.CAPABILITY)
        return True, ""

    def run_core(self, function, *args, **kwargs):
        """Call a core function, translating its exceptions for the user."""
        ok, why = self.canExecute()
        if not ok:
            raise QgsProcessingException(why)
        try:
            return function(*args, **kwargs)
        except CancelledError as exc:
            raise QgsProcessingException(tr("Cancelled: no output was written.")) from exc
        except MissingDependencyError as exc:
            raise QgsProcessingException(str(exc)) from exc
        except ItsLiveError as exc:
            raise QgsProcessingException(str(exc)) from exc


def progress_for(feedback) -> FeedbackProgress:
    """Adapter to pass to core functions."""
    return FeedbackProgress(feedback)
