"""The one retry policy of every request (S3, HTTP), and the counters of a run.

Exponential backoff with equal jitter on 429/5xx/SlowDown, connection resets, timeouts and
truncated bodies; s3fs, botocore and aiohttp are set to a single attempt so that every retry
happens (and is counted) here. Hand-written because neither retries them all, nor counts.
"""

from __future__ import annotations

import asyncio
import errno
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import CancelledError, DataError, InputError, ItsLiveError, NetworkError
from .store import StoreConfig

RETRY_STATUS = (429, 500, 502, 503, 504)


RETRY_CODES = ("SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling")


BACKOFF_BASE_S = 0.1


BACKOFF_CAP_S = 8.0


@dataclass
class FetchStats:
    """Counts of one run's requests and chunks (bytes are compressed object sizes).

    ``chunks_*`` count planned chunks (those listed with size and ETag); objects read directly
    (``.zmetadata``, x, y, the point series' chunks) count only in ``get_requests``.
    """

    chunks_fetched: int = 0
    chunks_from_cache: int = 0
    chunks_missing: int = 0
    chunks_refetched: int = 0
    get_requests: int = 0
    list_requests: int = 0
    head_requests: int = 0
    bytes_fetched: int = 0
    bytes_from_cache: int = 0
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        """Thread-safe increment of the named counters."""
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict:
        """The counters as a plain dict."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts per request and the backoff between them (exponential, 'equal jitter')."""

    attempts: int = 8
    base_s: float = BACKOFF_BASE_S
    cap_s: float = BACKOFF_CAP_S

    @classmethod
    def from_config(cls, config: StoreConfig, at_most: int | None = None) -> RetryPolicy:
        """The policy of ``config`` (``retries`` attempts, optionally capped)."""
        attempts = max(1, int(config.retries))
        return cls(attempts=min(attempts, at_most) if at_most else attempts)

    def delay_s(self, attempt: int) -> float:
        """Seconds to wait before attempt number ``attempt`` (1 = the first retry)."""
        delay = min(self.cap_s, self.base_s * 2 ** (attempt - 1))
        return delay / 2 + random.uniform(0, delay / 2)


async def with_retries(
    call, what: str, policy: RetryPolicy, stats: FetchStats, counter: str, cancelled, validate=None
):
    """Await ``call()`` until it succeeds, retrying transient failures (counted in ``stats.retries``).

    ``validate(result)`` may return a reason (e.g. a truncated body) to retry. Permanent
    failures raise at once (403 -> InputError, other 4xx -> DataError); a transient failure
    that outlasts ``policy.attempts`` raises NetworkError naming the last reason.
    """
    last = ""
    for attempt in range(policy.attempts):
        if attempt:
            stats.add(retries=1)
            await _sleep(policy.delay_s(attempt), cancelled)
        if cancelled():
            raise CancelledError("Cancelled by the user.")
        stats.add(**{counter: 1})
        try:
            result = await call()
        except (FileNotFoundError, ItsLiveError, asyncio.CancelledError):
            raise
        except Exception as exc:
            reason = transient_reason(exc)
            if reason is None:
                raise permanent_error(exc, what) from exc
            last = reason
            continue
        problem = validate(result) if validate is not None else None
        if problem:
            last = problem
            continue
        return result
    raise NetworkError(
        f"{what} failed {policy.attempts} times (last: {last}). Check the network or the mirror and "
        "run again: chunks already downloaded are kept and will not be fetched again."
    )


def transient_reason(exc: BaseException) -> str | None:
    """Why ``exc`` is worth retrying (429/5xx/SlowDown, reset, timeout, truncated body); None if not."""
    status, code = _http_status(exc)
    if status is not None:
        if status in RETRY_STATUS or code in RETRY_CODES:
            return f"HTTP {status} {code}".strip()
        return None
    if isinstance(exc, (PermissionError, FileNotFoundError, IsADirectoryError, NotADirectoryError)):
        return None
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError, ConnectionError)):
        return f"{type(exc).__name__}: {exc}"
    names = {c.__name__ for c in type(exc).__mro__}
    if names & {
        "ClientError",
        "HTTPClientError",
        "ResponseStreamingError",
        "IncompleteReadError",
        "ConnectionError",
        "ClientPayloadError",
        "ServerDisconnectedError",
    }:
        return f"{type(exc).__name__}: {exc}"
    if isinstance(exc, OSError) and (
        exc.errno in (errno.EBUSY, errno.ECONNRESET, errno.EPIPE, 121)
        or (exc.errno is None and not isinstance(exc, (InterruptedError,)))
    ):
        return f"{type(exc).__name__}: {exc}"
    return None


def permanent_error(exc: BaseException, what: str) -> ItsLiveError:
    """The error a user sees for a failure that retrying will not cure."""
    status, code = _http_status(exc)
    if isinstance(exc, PermissionError) or status in (401, 403):
        return InputError(f"Access denied to {what}: the bucket or mirror does not allow anonymous reads.")
    if status is not None:
        return DataError(f"{what} failed with HTTP {status} {code}.".replace("  ", " "))
    return NetworkError(f"{what} failed: {type(exc).__name__}: {exc}")


def _http_status(exc: BaseException) -> tuple[int | None, str]:
    """(HTTP status, S3 error code) of a botocore ClientError behind ``exc`` (s3fs translates them)."""
    seen = 0
    while exc is not None and seen < 4:
        response = getattr(exc, "response", None)
        if isinstance(response, dict) and "Error" in response:
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            code = str(response.get("Error", {}).get("Code", ""))
            if status is None and code.isdigit():
                status = int(code)
            return (int(status) if status is not None else 0), code
        status = getattr(exc, "status", None)
        if isinstance(status, int) and type(exc).__name__ == "ClientResponseError":
            return status, ""
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None, ""


async def _sleep(seconds: float, cancelled) -> None:
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if cancelled():
            raise CancelledError("Cancelled by the user.")
        await asyncio.sleep(min(left, 0.05))


def describe_stats(stats: FetchStats | dict[str, Any]) -> str:
    """One line for the log: requests, retries, absent chunks."""
    s = stats.as_dict() if isinstance(stats, FetchStats) else stats
    return (
        f"{s['get_requests']} GET, {s['list_requests']} LIST, {s['head_requests']} HEAD requests, "
        f"{s['retries']} retries; {s['chunks_missing']} chunks never written by the store (read as fill "
        f"values), {s.get('chunks_refetched', 0)} damaged cached chunks fetched again"
    )
