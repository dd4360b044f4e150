"""Plugin settings (QgsSettings) and their translation into the core's StoreConfig."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings

from .core.store import DEFAULT_BUCKET, StoreConfig, default_cache_dir

PREFIX = "itslive_qgis/"
KEY_BUCKET = PREFIX + "bucket"
KEY_ENDPOINT = PREFIX + "endpoint_url"
KEY_CACHE = PREFIX + "cache_dir"
KEY_ANON = PREFIX + "anonymous"


def read() -> dict:
    """Current settings as a plain dict (defaults filled in)."""
    s = QgsSettings()
    return {
        "bucket": s.value(KEY_BUCKET, DEFAULT_BUCKET, type=str) or DEFAULT_BUCKET,
        "endpoint_url": s.value(KEY_ENDPOINT, "", type=str) or "",
        "cache_dir": s.value(KEY_CACHE, "", type=str) or str(default_cache_dir()),
        "anonymous": s.value(KEY_ANON, True, type=bool),
    }


def write(values: dict) -> None:
    """Store ``values`` (keys as returned by :func:`read`)."""
    s = QgsSettings()
    s.setValue(KEY_BUCKET, values.get("bucket") or DEFAULT_BUCKET)
    s.setValue(KEY_ENDPOINT, values.get("endpoint_url") or "")
    s.setValue(KEY_CACHE, values.get("cache_dir") or "")
    s.setValue(KEY_ANON, bool(values.get("anonymous", True)))


def store_config() -> StoreConfig:
    """The StoreConfig the algorithms use; ``ITSLIVE_S3_ENDPOINT_URL`` overrides the endpoint."""
    v = read()
    return StoreConfig.from_env(
        bucket=v["bucket"],
        endpoint_url=v["endpoint_url"] or None,
        cache_dir=Path(v["cache_dir"]),
        anon=v["anonymous"],
    )
