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

from .errors import InputError

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
        """Settings from ``overrides``; env ITSLIVE_S3_ENDPOINT_URL and ITSLIVE_RETRIES take precedence."""
        cfg = cls(**{k: v for k, v in overrides.items() if v is not None and v != ""})
        env = os.environ.get(ENV_ENDPOINT)
        if env:
            cfg = replace(cfg, endpoint_url=env)
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
