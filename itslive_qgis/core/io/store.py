"""Where ITS_LIVE data lives and how to reach it.

The default is the public, anonymous ``its-live-data`` bucket in us-west-2. A
mirror (an S3-compatible server such as the project's local test mirror) is
selected with an endpoint URL, either from the plugin settings or from the
environment variable ``ITSLIVE_S3_ENDPOINT_URL``, which always wins.

Catalog entries name cubes by HTTP URL
(``http://its-live-data.s3.amazonaws.com/datacubes/v2/...zarr``); :func:`to_s3_url`
maps those onto ``s3://its-live-data/<key>`` so one code path reads both the real
bucket and a mirror.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError

DEFAULT_BUCKET = "its-live-data"
DEFAULT_REGION = "us-west-2"
CATALOG_KEY = "datacubes/catalog_v02.json"
ENV_ENDPOINT = "ITSLIVE_S3_ENDPOINT_URL"
ENV_CACHE = "ITSLIVE_CACHE_DIR"
ENV_RETRIES = "ITSLIVE_RETRIES"
ENV_CONCURRENCY = "ITSLIVE_CONCURRENCY"

_HTTP_BUCKET_URL = re.compile(
    r"^https?://(?P<bucket>[a-z0-9.\-]+)\.s3(?:[.\-](?P<region>[a-z0-9\-]+))?\.amazonaws\.com/(?P<key>.+)$"
)
_HTTP_PATH_URL = re.compile(
    r"^https?://s3[.\-](?:[a-z0-9\-]+\.)?amazonaws\.com/(?P<bucket>[^/]+)/(?P<key>.+)$"
)


def default_cache_dir() -> Path:
    """The per-user cache folder (``$ITSLIVE_CACHE_DIR`` or ``~/.cache/itslive_qgis``)."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "itslive_qgis"


@dataclass(frozen=True)
class StoreConfig:
    """Connection settings for the ITS_LIVE bucket or a mirror of it.

    Attributes
    ----------
    bucket : str
        Bucket name; catalog URLs of this bucket are read through ``endpoint_url``.
    endpoint_url : str or None
        S3-compatible endpoint of a mirror (``http://127.0.0.1:9000``); None means AWS.
    anon : bool
        Anonymous (unsigned) requests, as the public bucket allows.
    region : str
        AWS region of the bucket.
    cache_dir : pathlib.Path
        Folder for the catalog cache and resumable downloads.
    retries : int
        Attempts per request for transient network errors (timeouts, 5xx, throttling).
    timeout_s : float
        Connect/read timeout of one request, in seconds.
    concurrency : int
        Requests in flight: zarr's ``async.concurrency``, botocore's ``max_pool_connections``
        and GDAL's ``GDAL_HTTP_MAX_CONNECTIONS``.
    """

    bucket: str = DEFAULT_BUCKET
    endpoint_url: str | None = None
    anon: bool = True
    region: str = DEFAULT_REGION
    cache_dir: Path = field(default_factory=default_cache_dir)
    retries: int = 8
    timeout_s: float = 30.0
    concurrency: int = 32

    @classmethod
    def from_env(cls, **overrides) -> StoreConfig:
        """Settings from ``overrides``; env ITSLIVE_S3_ENDPOINT_URL, ITSLIVE_RETRIES, ITSLIVE_CONCURRENCY
        and ITSLIVE_CACHE_DIR take precedence (scripts and tests; the plugin's settings docstring)."""
        cfg = cls(**{k: v for k, v in overrides.items() if v is not None and v != ""})
        env = os.environ.get(ENV_ENDPOINT)
        if env:
            cfg = replace(cfg, endpoint_url=env)
        if os.environ.get(ENV_CACHE):
            cfg = replace(cfg, cache_dir=Path(os.environ[ENV_CACHE]))
        retries = os.environ.get(ENV_RETRIES, "").strip()
        if retries.isdigit() and int(retries) >= 1:
            cfg = replace(cfg, retries=int(retries))
        concurrency = os.environ.get(ENV_CONCURRENCY, "").strip()
        if concurrency.isdigit() and int(concurrency) >= 1:
            cfg = replace(cfg, concurrency=int(concurrency))
        if not isinstance(cfg.cache_dir, Path):
            cfg = replace(cfg, cache_dir=Path(cfg.cache_dir))
        return cfg

    @property
    def catalog_url(self) -> str:
        """``s3://`` URL of the datacube catalog on this endpoint."""
        return f"s3://{self.bucket}/{CATALOG_KEY}"

    def storage_options(self) -> dict:
        """fsspec/s3fs keyword arguments for this endpoint (for ``xr.open_zarr`` in notebooks).

        The plugin itself reads through :mod:`itslive_qgis.core.zstore`, which builds its one
        filesystem from these settings with its own counted retry policy.
        """
        client_kwargs: dict = {"region_name": self.region}
        if self.endpoint_url:
            client_kwargs["endpoint_url"] = self.endpoint_url
        return {
            "anon": self.anon,
            "client_kwargs": client_kwargs,
            "config_kwargs": {
                "retries": {"max_attempts": self.retries, "mode": "adaptive"},
                "connect_timeout": self.timeout_s,
                "read_timeout": self.timeout_s,
            },
        }

    def describe(self) -> str:
        """One line naming the endpoint, for logs and provenance."""
        where = self.endpoint_url or f"AWS S3 ({self.region})"
        return f"bucket {self.bucket} at {where}{' (anonymous)' if self.anon else ''}"


def to_s3_url(url: str, bucket: str = DEFAULT_BUCKET) -> str:
    """Map an ITS_LIVE HTTP(S) URL onto ``s3://bucket/key``.

    ``http://its-live-data.s3.amazonaws.com/datacubes/v2/N60W040/x.zarr`` becomes
    ``s3://its-live-data/datacubes/v2/N60W040/x.zarr``. ``s3://`` URLs and local
    paths are returned unchanged; a bare key (``datacubes/...``) is put in ``bucket``.
    """
    url = url.strip()
    if not url:
        raise InputError("Empty data URL: give an s3:// URL, an ITS_LIVE https URL or a local path.")
    m = _HTTP_BUCKET_URL.match(url) or _HTTP_PATH_URL.match(url)
    if m:
        return f"s3://{m.group('bucket')}/{m.group('key')}"
    if url.startswith(("s3://", "/", "file://", "./", "../")) or os.path.exists(url):
        return url
    if url.startswith(("http://", "https://")):
        return url  # some other web server (e.g. a plain HTTP mirror)
    if re.match(r"^[A-Za-z]:[\\/]", url):  # Windows path
        return url
    return f"s3://{bucket}/{url.lstrip('/')}"


def is_remote(url: str) -> bool:
    """True for s3:// and http(s):// URLs."""
    return url.startswith(("s3://", "http://", "https://"))


def confine_url(
    url, config: StoreConfig, allow_other_hosts: bool = False, parameter: str = "CUBES", local_ok: bool = True
) -> str:
    """The datacube ``url`` as a key of the configured store, or a local path; refuse anything else.

    ITS_LIVE HTTP(S) URLs, ``s3://<bucket>/...`` and URLs of the configured endpoint become
    ``s3://<config.bucket>/<key>`` (read through ``config``'s endpoint: the ITS_LIVE bucket or
    the configured mirror); bare keys (``datacubes/v2/...zarr``) are put in that bucket.
    A URL on any other host or bucket is refused unless ``allow_other_hosts`` (the
    "allow other hosts" option); so a catalog cannot send requests anywhere. Local paths
    (``file://`` included) must be existing Zarr stores when ``local_ok``.

    Raises
    ------
    InputError
        Naming ``parameter``: what is wrong with the URL and what to give instead.
    """
    text = str(url).strip()
    if not text:
        raise InputError(f"{parameter}: an empty datacube URL: give ITS_LIVE datacube URLs (zarr_url).")
    buckets = {config.bucket, DEFAULT_BUCKET}
    m = _HTTP_BUCKET_URL.match(text) or _HTTP_PATH_URL.match(text)
    if text.startswith("s3://"):
        bucket, _, key = text[5:].partition("/")
    elif m:
        bucket, key = m.group("bucket"), m.group("key")
    elif text.startswith(("http://", "https://")):
        bucket, key = _endpoint_bucket_key(text, config)
        if bucket is None:
            if allow_other_hosts:
                return text
            host = re.sub(r"^https?://", "", text).split("/", 1)[0]
            raise InputError(
                f"{parameter}: {text} is on {host}, which is neither the ITS_LIVE bucket nor the configured "
                f"endpoint ({config.describe()}): it was not contacted. Use the catalog's ITS_LIVE URLs, or "
                "allow other hosts in the ITS_LIVE options if you trust that server."
            )
    elif "://" in text and not text.startswith("file://"):
        raise InputError(
            f"{parameter}: {text} is not a datacube URL: give https://its-live-data.s3.amazonaws.com/... "
            "or s3://its-live-data/... URLs, or a local .zarr folder."
        )
    else:
        local = _local_cube(text, parameter, local_ok)
        if local is not None:
            return local
        bucket, key = config.bucket, text  # a bare key
    key = key.lstrip("/")
    if not key or ".." in key.split("/"):
        raise InputError(f"{parameter}: {text} does not name a datacube key in the bucket.")
    if bucket not in buckets:
        if allow_other_hosts:
            return f"s3://{bucket}/{key}"
        raise InputError(
            f"{parameter}: {text} is in the bucket {bucket!r}, not in the configured {config.bucket!r}: it "
            "was not contacted. Use ITS_LIVE datacube URLs, or allow other hosts in the ITS_LIVE options."
        )
    return f"s3://{config.bucket}/{key}"


def _endpoint_bucket_key(url: str, config: StoreConfig) -> tuple[str | None, str]:
    """(bucket, key) of a path-style URL on the configured endpoint; (None, '') for another host."""
    if not config.endpoint_url:
        return None, ""
    endpoint = config.endpoint_url.rstrip("/")
    if not url.startswith(endpoint + "/"):
        return None, ""
    bucket, _, key = url[len(endpoint) + 1 :].partition("/")
    return bucket, key


def _local_cube(text: str, parameter: str, local_ok: bool) -> str | None:
    """The local store path of ``text``; None when ``text`` is a bare bucket key."""
    path = text.removeprefix("file://")
    looks_like_key = not (path.startswith(("/", "./", "../", "~")) or re.match(r"^[A-Za-z]:[\\/]", path))
    if looks_like_key and not os.path.exists(path):
        return None
    if not local_ok:
        raise InputError(
            f"{parameter}: {text} is a local path, but the catalog may only name datacubes in the "
            "configured store."
        )
    local = Path(path).expanduser()
    if not local.is_dir() or not any((local / n).is_file() for n in (".zmetadata", ".zattrs", "zarr.json")):
        raise InputError(
            f"{parameter}: {text} is not a datacube: give ITS_LIVE datacube URLs (from itslive:findcubes) "
            "or the path of a local .zarr datacube folder."
        )
    return str(local)


def check_endpoint(endpoint_url: str | None) -> None:
    """InputError unless ``endpoint_url`` (setting or ``$ITSLIVE_S3_ENDPOINT_URL``) is http(s)://host[:port].

    None / empty means AWS. Checked before any request, so a ``file://`` or garbage endpoint
    says what to fix instead of failing deep inside botocore.
    """
    given = ((endpoint_url, "the endpoint setting"), (os.environ.get(ENV_ENDPOINT), ENV_ENDPOINT))
    for value, where in given:
        if not value:
            continue
        from urllib.parse import urlsplit

        parts = urlsplit(value.strip())
        try:
            port_ok = parts.port is None or 0 < parts.port < 65536
        except ValueError:
            port_ok = False
        if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
            raise InputError(
                f"The S3 endpoint {value!r} ({where}) is not an http(s)://host[:port] URL: fix it in the "
                "ITS_LIVE options (empty = the public ITS_LIVE bucket on AWS)."
            )
