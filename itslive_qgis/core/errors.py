"""Exceptions raised by the core; adapters turn them into user-facing messages."""


class ItsLiveError(Exception):
    """Base class of every error the core raises on purpose.

    The message is written for a user: it says what is wrong and what to change.
    """


class InputError(ItsLiveError, ValueError):
    """A parameter or input file is unusable (empty area, unknown variable, ...)."""


class DataError(ItsLiveError):
    """Remote or local data does not have the expected ITS_LIVE structure."""


class NetworkError(ItsLiveError):
    """Data could not be fetched after the configured retries."""


class CancelledError(ItsLiveError):
    """The user cancelled the operation; partial outputs were discarded."""


class MissingDependencyError(ItsLiveError, ImportError):
    """A Python package the operation needs is not installed."""
