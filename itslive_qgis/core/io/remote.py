"""The filesystems (s3fs, HTTP) built in one place from StoreConfig, GDAL's matching /vsis3/ options,
and single objects (the catalog) read with the same retry policy.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading

from ..errors import MissingDependencyError
from .retry import BACKOFF_BASE_S, RETRY_STATUS, FetchStats, RetryPolicy, with_retries
from .runner import loop, run
from .store import StoreConfig

_FS: dict = {}


MAX_FILESYSTEMS = 4


_CLOSING: set = set()


_FS_LOCK = threading.Lock()


def filesystem(config: StoreConfig, protocol: str = "s3"):
    """The process's fsspec filesystem for ``config`` (async, on zarr's loop; one per settings).

    s3fs: anonymous by default, ``config.timeout_s`` connect/read timeouts, ``config.concurrency``
    pooled connections (botocore ``max_pool_connections``), no retries of its own (ours count).
    """
    try:
        import fsspec
    except ImportError as exc:  # pragma: no cover - exercised by the missing-deps test
        raise MissingDependencyError("fsspec is not installed: pip install fsspec s3fs") from exc
    _configure_zarr(config)
    key = (
        os.getpid(),
        protocol,
        config.endpoint_url,
        config.anon,
        config.region,
        config.timeout_s,
        config.concurrency,
    )
    with _FS_LOCK:
        fs = _FS.get(key)
        if fs is not None:
            return fs
        if protocol == "s3":
            try:
                import s3fs
            except ImportError as exc:
                raise MissingDependencyError("s3fs is not installed: pip install s3fs") from exc
            client_kwargs: dict = {"region_name": config.region}
            if config.endpoint_url:
                client_kwargs["endpoint_url"] = config.endpoint_url
            fs = s3fs.S3FileSystem(
                anon=config.anon,
                asynchronous=True,
                loop=loop(),
                skip_instance_cache=True,
                use_listings_cache=False,
                max_concurrency=1,  # one GET per object (no HEAD first to split it into ranges)
                client_kwargs=client_kwargs,
                config_kwargs={
                    "connect_timeout": config.timeout_s,
                    "read_timeout": config.timeout_s,
                    "max_pool_connections": int(config.concurrency),
                    "retries": {"total_max_attempts": 1},
                    "http_session_cls": _single_attempt_session_cls(),
                },
            )
            fs.retries = 1  # s3fs's own retry loop: one attempt (the policy here retries and counts)
        elif protocol in ("http", "https"):
            import aiohttp

            fs = fsspec.filesystem(
                "http",
                asynchronous=True,
                loop=loop(),
                skip_instance_cache=True,
                client_kwargs={
                    "timeout": aiohttp.ClientTimeout(
                        sock_connect=config.timeout_s, sock_read=config.timeout_s
                    ),
                    "connector": None,
                },
            )
        else:
            fs = fsspec.filesystem(protocol)
        _FS[key] = fs
        old = [_FS.pop(next(iter(_FS))) for _ in range(len(_FS) - MAX_FILESYSTEMS)]
    for stale in old:  # settings changed (or tests): close the oldest clients
        _close(stale)
    return fs


def _single_attempt_session_cls():
    """aiobotocore's aiohttp session with aiohttp's silent resend on a dropped keep-alive connection off.

    aiohttp resends an idempotent request once when a reused connection was closed (RFC 9112 allows
    it); that retry would be invisible to the counters and outside the backoff, so the policy here
    does it instead.
    """
    from aiobotocore.httpsession import AIOHTTPSession

    class SingleAttemptSession(AIOHTTPSession):
        async def _get_session(self, proxy_url):
            session = await super()._get_session(proxy_url)
            session._retry_connection = False  # noqa: SLF001 (aiohttp's own switch; its test_utils set it)
            return session

    return SingleAttemptSession


def close_filesystems() -> None:
    """Close the pooled connections of every filesystem (at exit; also safe to call any time)."""
    with _FS_LOCK:
        items = list(_FS.values())
        _FS.clear()
    for fs in items:
        _close(fs)


atexit.register(close_filesystems)


def _close(fs) -> None:
    async def close():
        creator = getattr(fs, "_s3creator", None)
        if creator is not None:
            await creator.__aexit__(None, None, None)
            fs._s3 = fs._s3creator = None  # noqa: SLF001 (s3fs keeps its client there; closed above)
        session = getattr(fs, "_session", None)
        if session is not None and not getattr(session, "closed", True):
            await session.close()

    try:
        task = asyncio.get_running_loop().create_task(close())  # on zarr's loop already: do not wait
        _CLOSING.add(task)
        task.add_done_callback(_CLOSING.discard)
        return
    except RuntimeError:
        pass
    try:
        run(close(), grace_s=0.0)
    except Exception:
        pass


def _configure_zarr(config: StoreConfig) -> None:
    """zarr's ``async.concurrency`` (requests in flight per read) from the settings."""
    import zarr

    want = int(config.concurrency)
    if zarr.config.get("async.concurrency") != want:
        zarr.config.set({"async.concurrency": want})


def gdal_options(config: StoreConfig) -> dict:
    """GDAL configuration options that make ``/vsis3/`` read the bucket (or its mirror) like the store."""
    import urllib.parse

    env = {
        "AWS_REGION": config.region,
        "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
        "GDAL_HTTP_MAX_RETRY": str(max(0, int(config.retries) - 1)),
        "GDAL_HTTP_RETRY_DELAY": str(BACKOFF_BASE_S),
        "GDAL_HTTP_TIMEOUT": str(int(config.timeout_s)),
        "GDAL_HTTP_CONNECTTIMEOUT": str(int(config.timeout_s)),
        "GDAL_HTTP_RETRY_CODES": ",".join(str(s) for s in RETRY_STATUS),
        "GDAL_HTTP_MAX_CONNECTIONS": str(int(config.concurrency)),
        "AWS_EC2_METADATA_DISABLED": "TRUE",
    }
    if config.anon:
        env["AWS_NO_SIGN_REQUEST"] = "YES"
    if config.endpoint_url:
        parsed = urllib.parse.urlparse(config.endpoint_url)
        env["AWS_S3_ENDPOINT"] = parsed.netloc
        env["AWS_HTTPS"] = "NO" if parsed.scheme == "http" else "YES"
        env["AWS_VIRTUAL_HOSTING"] = "FALSE"
    return env


async def get_object(
    config: StoreConfig,
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    stats: FetchStats | None = None,
    at_most: int | None = 4,
):
    """(bytes or None when unchanged, {'etag', 'last_modified'}) of one object (s3:// or http(s)://).

    S3: the object's ETag is read first (one HEAD) and the body only when it differs from ``etag``.
    HTTP: a conditional GET (If-None-Match / If-Modified-Since; 304 -> None). The retry policy is
    the store's, with at most ``at_most`` attempts (an interactive look-up, not a download).
    """
    stats = stats or FetchStats()
    policy = RetryPolicy.from_config(config, at_most)
    never = lambda: False  # noqa: E731
    if url.startswith("s3://"):
        fs = filesystem(config, "s3")
        path = url[len("s3://") :]

        async def info():
            return await fs._info(path, refresh=True)  # noqa: SLF001 (fsspec async API)

        meta = await with_retries(info, f"HEAD {url}", policy, stats, "head_requests", never)
        stamp = {
            "etag": meta.get("ETag") or meta.get("etag"),
            "last_modified": str(meta.get("LastModified") or ""),
        }
        if stamp["etag"] and etag == stamp["etag"]:
            return None, stamp

        async def body():
            return await fs._cat_file(path)  # noqa: SLF001 (fsspec async API)

        return await with_retries(body, f"GET {url}", policy, stats, "get_requests", never), stamp
    fs = filesystem(config, "http")
    headers = {"User-Agent": "itslive_qgis", "Accept": "application/json, */*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    async def conditional_get():
        session = await fs.set_session()
        async with session.get(url, headers=headers) as resp:
            if resp.status == 304:
                return None, {"etag": etag, "last_modified": last_modified}
            resp.raise_for_status()
            body = await resp.read()
            return body, {
                "etag": resp.headers.get("ETag"),
                "last_modified": resp.headers.get("Last-Modified"),
            }

    return await with_retries(conditional_get, f"GET {url}", policy, stats, "get_requests", never)
