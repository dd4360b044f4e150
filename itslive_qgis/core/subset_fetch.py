"""Fetch Zarr chunks of datacubes: many at a time, retried, cached, resumable.

Anonymous S3 (the public ``its-live-data`` bucket or a mirror of it) is read with
plain HTTP GETs on a pooled urllib3 connection manager, one worker thread per
request in flight. Object sizes and ETags come from ``ListObjectsV2`` (a few
listing requests per variable and row of chunks), or from HEAD requests where
listing is refused. Each fetched chunk is written atomically into the chunk cache
``<cache_dir>/chunks/<cube key>/<var>/<chunk key>__<etag>`` so an interrupted run
resumes without fetching it again; a cached chunk is used only when its size and
ETag match the store.

Transient failures (timeouts, dropped connections, truncated bodies, HTTP 429 and
5xx including S3 ``SlowDown``) are retried with exponential backoff and jitter;
retries are counted in :class:`FetchStats`.
"""

from __future__ import annotations

import os
import random
import re
import threading
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CancelledError, DataError, InputError, NetworkError
from .progress import NullProgress, Progress
from .store import StoreConfig

RETRY_STATUS = (429, 500, 502, 503, 504)
BACKOFF_BASE_S = 0.1
BACKOFF_CAP_S = 8.0
LISTING_WORKERS = 32
#: (size in bytes, ETag without quotes); None when the object does not exist
ObjectInfo = tuple[int, str]


@dataclass
class FetchStats:
    """Counts of one run's requests and chunks (bytes are compressed object sizes)."""

    chunks_fetched: int = 0
    chunks_from_cache: int = 0
    chunks_missing: int = 0
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
class ChunkRef:
    """One chunk to read: which store, which key, its listed size and ETag."""

    source: ChunkSource
    key: str
    size: int
    etag: str


class ChunkSource:
    """Base of the stores a cube is read from (local folder or HTTP/S3)."""

    url: str
    is_local: bool = False

    def get(self, key: str, expected_size: int | None = None) -> bytes | None:
        """Bytes of ``key``; None when the object does not exist."""
        raise NotImplementedError

    def stat_keys(self, keys: list[str], prefixes: list[str]) -> dict[str, ObjectInfo | None]:
        """Size and ETag of every key (None: absent). ``prefixes`` cover the keys (listing hint)."""
        raise NotImplementedError

    def cache_path(self, key: str, etag: str) -> Path | None:
        """Where a fetched chunk is cached (None: read in place, e.g. a local store)."""
        return None


class LocalSource(ChunkSource):
    """A cube stored in a local folder; chunks are read in place (no cache)."""

    is_local = True

    def __init__(self, path: str | os.PathLike, stats: FetchStats):
        self.root = Path(str(path).removeprefix("file://"))
        self.url = str(path)
        self.stats = stats

    def get(self, key: str, expected_size: int | None = None) -> bytes | None:
        try:
            return (self.root / key).read_bytes()
        except FileNotFoundError:
            return None

    def stat_keys(self, keys, prefixes):
        out: dict[str, ObjectInfo | None] = {}
        for key in keys:
            try:
                out[key] = (os.stat(self.root / key).st_size, "")
            except FileNotFoundError:
                out[key] = None
        return out


class HttpSource(ChunkSource):
    """A cube on an S3-compatible server (anonymous), read with plain HTTP requests.

    Parameters
    ----------
    url : str
        ``s3://bucket/key.zarr`` (mapped onto ``config.endpoint_url`` or AWS) or an
        ``http(s)://`` URL of the store folder (then no listing: HEAD requests).
    config : StoreConfig
        Endpoint, timeout, retry count and cache folder.
    stats : FetchStats
        Counters shared by the run.
    cancel : threading.Event
        Set when the run is cancelled; backoff sleeps stop at once.
    pool : urllib3.PoolManager
        Shared connection pool.
    """

    def __init__(self, url: str, config: StoreConfig, stats: FetchStats, cancel: threading.Event, pool):
        self.url = url
        self.config = config
        self.stats = stats
        self.cancel = cancel
        self.pool = pool
        if url.startswith("s3://"):
            bucket, _, cube_key = url[5:].partition("/")
            self.cube_key = cube_key.strip("/")
            if config.endpoint_url:
                bucket_url = f"{config.endpoint_url.rstrip('/')}/{bucket}"
            else:
                bucket_url = f"https://{bucket}.s3.{config.region}.amazonaws.com"
            self.base_url = f"{bucket_url}/{urllib.parse.quote(self.cube_key)}"
            self.list_url: str | None = bucket_url
        else:
            parsed = urllib.parse.urlparse(url)
            self.cube_key = (parsed.netloc + parsed.path).strip("/")
            self.base_url = url.rstrip("/")
            self.list_url = None
        self.cache_root = Path(config.cache_dir) / "chunks" / self.cube_key

    def cache_path(self, key: str, etag: str) -> Path:
        tag = re.sub(r"[^A-Za-z0-9-]", "", etag)[:64]
        return self.cache_root / (f"{key}__{tag}" if tag else key)

    def get(self, key: str, expected_size: int | None = None) -> bytes | None:
        url = f"{self.base_url}/{urllib.parse.quote(key)}"
        resp = self._request("GET", url, counter="get_requests", expected_size=expected_size)
        return None if resp is None else resp.data

    def stat_keys(self, keys, prefixes):
        if self.list_url is not None:
            try:
                listed: dict[str, ObjectInfo] = {}
                with ThreadPoolExecutor(max_workers=LISTING_WORKERS) as ex:
                    for part in ex.map(self._list, sorted(set(prefixes))):
                        listed.update(part)
                found = {k: listed.get(k) for k in keys}
                if (
                    not keys
                    or any(v is not None for v in found.values())
                    or self._head_all(keys[:1])[keys[0]] is None
                ):
                    return found
                # the listing missed objects that exist (a server that lists badly): ask for each one
            except _ListingRefusedError:
                pass
        return self._head_all(keys)

    # -- requests ------------------------------------------------------------------------------
    def _list(self, prefix: str) -> dict[str, ObjectInfo]:
        out: dict[str, ObjectInfo] = {}
        full_prefix = f"{self.cube_key}/{prefix}"
        token = None
        while True:
            query = {"list-type": "2", "prefix": full_prefix}
            if token:
                query["continuation-token"] = token
            url = f"{self.list_url}/?{urllib.parse.urlencode(query)}"
            resp = self._request("GET", url, counter="list_requests", refuse_ok=True)
            if resp is None:
                return out
            if resp.status in (401, 403, 405, 501):
                raise _ListingRefusedError()
            token = _parse_listing(resp.data, self.cube_key, out)
            if not token:
                return out

    def _head_all(self, keys: list[str]) -> dict[str, ObjectInfo | None]:
        def head(key):
            resp = self._request(
                "HEAD", f"{self.base_url}/{urllib.parse.quote(key)}", counter="head_requests"
            )
            if resp is None:
                return key, None
            return key, (int(resp.headers.get("Content-Length", 0)), resp.headers.get("ETag", "").strip('"'))

        with ThreadPoolExecutor(max_workers=LISTING_WORKERS) as ex:
            return dict(ex.map(head, keys))

    def _request(self, method, url, counter, expected_size=None, refuse_ok=False):
        import urllib3

        attempts = max(1, int(self.config.retries))
        last_error = ""
        for attempt in range(attempts):
            if self.cancel.is_set():
                raise CancelledError("Cancelled by the user.")
            if attempt:
                self.stats.add(retries=1)
                if self.cancel.wait(_backoff_s(attempt)):
                    raise CancelledError("Cancelled by the user.")
            self.stats.add(**{counter: 1})
            try:
                resp = self.pool.request(method, url, retries=False, preload_content=True)
            except urllib3.exceptions.HTTPError as exc:  # timeouts, resets, truncated bodies
                last_error = f"{type(exc).__name__}: {exc}"
                continue
            if resp.status == 404:
                return None
            if resp.status in RETRY_STATUS:
                last_error = f"HTTP {resp.status} {_s3_code(resp.data)}".strip()
                continue
            if refuse_ok and resp.status in (401, 403, 405, 501):
                return resp
            if resp.status == 403:
                raise InputError(
                    f"Access denied to {url}: the bucket or mirror does not allow anonymous reads."
                )
            if resp.status >= 300:
                raise DataError(f"{method} {url} failed with HTTP {resp.status} {_s3_code(resp.data)}.")
            if method == "GET" and expected_size is not None and len(resp.data) != expected_size:
                last_error = f"truncated body ({len(resp.data)} of {expected_size} bytes)"
                continue
            return resp
        raise NetworkError(
            f"{method} {url} failed {attempts} times (last: {last_error}). Check the network or the "
            "mirror and run again: chunks already downloaded are kept and will not be fetched again."
        )


def make_pool(config: StoreConfig, max_workers: int):
    """A urllib3 connection pool sized for ``max_workers`` requests in flight."""
    import urllib3

    timeout = urllib3.Timeout(connect=config.timeout_s, read=config.timeout_s)
    return urllib3.PoolManager(num_pools=8, maxsize=max_workers, block=False, timeout=timeout, retries=False)


def fetch_chunks(
    refs: list[ChunkRef],
    stats: FetchStats,
    cancel: threading.Event,
    progress: Progress | None = None,
    max_workers: int = 32,
    gate: ChunkGate | None = None,
    abort=None,
) -> None:
    """Bring every remote chunk of ``refs`` into the chunk cache (local ones are skipped).

    Requests are issued in the order of ``refs``. Progress is reported as the fraction of
    bytes done (cached chunks count as done); ``gate`` (optional) is told of every chunk
    that is ready, so a consumer can start before all are. Cancellation (and
    ``abort()``, a callable returning an exception to raise or None) is checked every
    0.1 s: outstanding requests are dropped, those in flight finish writing their chunk
    (at most ~1 s is waited for them) and the error is raised.
    """
    progress = progress or NullProgress()
    todo = []
    total = sum(r.size for r in refs) or 1
    done_bytes = 0
    for ref in refs:
        path = ref.source.cache_path(ref.key, ref.etag)
        if path is None:
            done_bytes += ref.size
        elif _cached(path, ref.size):
            stats.add(chunks_from_cache=1, bytes_from_cache=ref.size)
            done_bytes += ref.size
        else:
            todo.append((ref, path))
            continue
        if gate is not None:
            gate.mark(ref)
    progress.report(done_bytes / total)
    if not todo:
        return
    ex = ThreadPoolExecutor(
        max_workers=max(1, min(max_workers, len(todo))), thread_name_prefix="itslive-fetch"
    )
    futures = {ex.submit(_fetch_one, ref, path, stats, cancel): ref for ref, path in todo}
    pending = set(futures)
    try:
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for fut in done:
                fut.result()
                done_bytes += futures[fut].size
                if gate is not None:
                    gate.mark(futures[fut])
            progress.report(done_bytes / total)
            if progress.is_cancelled():
                raise CancelledError("Cancelled by the user.")
            error = abort() if abort is not None else None
            if error is not None:
                raise error
    except BaseException:
        cancel.set()
        for fut in pending:
            fut.cancel()
        wait(pending, timeout=1.0)
        ex.shutdown(wait=False, cancel_futures=True)
        raise
    ex.shutdown(wait=True)


class ChunkGate:
    """Which chunks are ready in the cache, for a consumer that runs while the fetch goes on."""

    def __init__(self, cancel: threading.Event):
        self.cancel = cancel
        self.ready: set = set()
        self.error: BaseException | None = None
        self.cond = threading.Condition()

    def mark(self, ref: ChunkRef) -> None:
        """``ref`` is in the cache (or local)."""
        with self.cond:
            self.ready.add((id(ref.source), ref.key))
            self.cond.notify_all()

    def fail(self, error: BaseException) -> None:
        """The fetch stopped: waiting consumers give up."""
        with self.cond:
            self.error = error
            self.cond.notify_all()

    def wait(self, ref: ChunkRef, progress: Progress) -> None:
        """Block until ``ref`` is ready; raise if the fetch failed or the run was cancelled."""
        key = (id(ref.source), ref.key)
        with self.cond:
            while key not in self.ready:
                if self.error is not None or self.cancel.is_set() or progress.is_cancelled():
                    raise CancelledError("Stopped: the download did not complete.")
                self.cond.wait(0.1)


def read_chunk(ref: ChunkRef) -> bytes | None:
    """Bytes of a chunk from the cache (remote stores) or in place (local stores)."""
    path = ref.source.cache_path(ref.key, ref.etag)
    if path is None:
        return ref.source.get(ref.key)
    try:
        return path.read_bytes()
    except FileNotFoundError:  # removed meanwhile (e.g. another run cleaned the cache): fetch again
        data = ref.source.get(ref.key, expected_size=ref.size)
        if data is None:
            raise DataError(
                f"Chunk {ref.key} of {ref.source.url} disappeared from the store: run again."
            ) from None
        return data


def cached_bytes(refs: list[ChunkRef]) -> tuple[int, int]:
    """(number, bytes) of ``refs`` already valid in the chunk cache."""
    n = size = 0
    for ref in refs:
        path = ref.source.cache_path(ref.key, ref.etag)
        if path is not None and _cached(path, ref.size):
            n += 1
            size += ref.size
    return n, size


def drop_cached(refs: list[ChunkRef]) -> None:
    """Remove the cache files of ``refs`` (after a successful run that keeps no cache)."""
    for ref in refs:
        path = ref.source.cache_path(ref.key, ref.etag)
        if path is not None:
            try:
                path.unlink()
            except FileNotFoundError:
                pass


def _fetch_one(ref: ChunkRef, path: Path, stats: FetchStats, cancel: threading.Event) -> None:
    if cancel.is_set():
        raise CancelledError("Cancelled by the user.")
    data = ref.source.get(ref.key, expected_size=ref.size)
    if data is None:
        raise DataError(f"Chunk {ref.key} of {ref.source.url} disappeared while downloading: run again.")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    stats.add(chunks_fetched=1, bytes_fetched=len(data))


def _cached(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def _backoff_s(attempt: int) -> float:
    """Exponential backoff with 'equal jitter': half fixed, half random (seconds)."""
    delay = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempt - 1))
    return delay / 2 + random.uniform(0, delay / 2)


def _s3_code(body: bytes) -> str:
    m = re.search(rb"<Code>([^<]+)</Code>", body or b"")
    return m.group(1).decode("ascii", "replace") if m else ""


def _parse_listing(body: bytes, cube_key: str, out: dict) -> str | None:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise DataError(f"Unreadable S3 listing: {exc}") from exc
    token = None
    truncated = False
    for el in root:
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "Contents":
            info = {c.tag.rsplit("}", 1)[-1]: (c.text or "") for c in el}
            key = info.get("Key", "")
            if key.startswith(cube_key + "/"):
                out[key[len(cube_key) + 1 :]] = (int(info.get("Size", 0)), info.get("ETag", "").strip('"'))
        elif tag == "IsTruncated":
            truncated = (el.text or "").strip().lower() == "true"
        elif tag == "NextContinuationToken":
            token = el.text
    return token if truncated else None


class _ListingRefusedError(Exception):
    pass
