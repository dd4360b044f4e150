"""The small progress protocol the core talks to (no QGIS here).

Processing adapters wrap ``QgsProcessingFeedback`` in an object with the same
three methods; scripts use :class:`NullProgress` or :class:`PrintProgress`.
"""

from __future__ import annotations

from typing import Protocol

from .errors import CancelledError


class Progress(Protocol):
    """What long-running core functions accept as ``progress``."""

    def report(self, fraction: float) -> None:
        """Report completion as a fraction in [0, 1]."""

    def is_cancelled(self) -> bool:
        """True once the user asked to stop."""

    def log(self, message: str) -> None:
        """Write one line for the user's log."""


class NullProgress:
    """Progress sink that ignores everything and is never cancelled."""

    def report(self, fraction: float) -> None:
        pass

    def is_cancelled(self) -> bool:
        return False

    def log(self, message: str) -> None:
        pass


class PrintProgress(NullProgress):
    """Progress sink for scripts: logs to stdout."""

    def log(self, message: str) -> None:
        print(message, flush=True)


class SplitProgress(NullProgress):
    """Progress that keeps the seconds a run reports of its steps (``split``: step -> seconds).

    Functions that time their steps (the in-process inversion: read, layout, solve, and counts
    such as factorisations) call :meth:`record_split` when their progress has it; benchmarks and
    cluster workers read :attr:`split` instead of parsing log lines.
    """

    def __init__(self):
        self.split: dict[str, float] = {}

    def record_split(self, split: dict) -> None:
        """Add ``split``'s figures to :attr:`split`."""
        for key, value in split.items():
            self.split[key] = self.split.get(key, 0.0) + float(value)


def record_split(progress, split: dict) -> None:
    """Give ``split`` to ``progress`` when it keeps one (:class:`SplitProgress`), else nothing."""
    keep = getattr(progress, "record_split", None)
    if keep is not None:
        keep(split)


def check_cancelled(progress: Progress | None) -> None:
    """Raise :class:`CancelledError` when ``progress`` says the user cancelled."""
    if progress is not None and progress.is_cancelled():
        raise CancelledError("Cancelled by the user.")


class SubProgress:
    """Maps [0, 1] of a sub-step onto [start, stop] of a parent progress."""

    def __init__(self, parent: Progress | None, start: float, stop: float):
        self.parent = parent or NullProgress()
        self.start = start
        self.stop = stop

    def report(self, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        self.parent.report(self.start + (self.stop - self.start) * fraction)

    def is_cancelled(self) -> bool:
        return self.parent.is_cancelled()

    def log(self, message: str) -> None:
        self.parent.log(message)
