"""Plugin settings (QgsSettings) and their translation into the core's StoreConfig."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings, QgsSettingsEntryDouble, QgsSettingsEntryInteger, QgsSettingsTree

from .core.store import DEFAULT_BUCKET, StoreConfig, default_cache_dir

PREFIX = "itslive_qgis/"
KEY_BUCKET = PREFIX + "bucket"
KEY_ENDPOINT = PREFIX + "endpoint_url"
KEY_CACHE = PREFIX + "cache_dir"
KEY_ANON = PREFIX + "anonymous"

_DEFAULTS = StoreConfig.__dataclass_fields__
_NODE = QgsSettingsTree.createPluginTreeNode("itslive_qgis")


def _entry(cls, name: str, default, description: str, lo, hi):
    """A typed, bounded setting under ``plugins/itslive_qgis/`` (the one already registered on reload)."""
    existing = _NODE.childSetting(name)
    return (
        existing if existing is not None else cls(name, _NODE, default, description, minValue=lo, maxValue=hi)
    )


#: attempts per request (retries with backoff and jitter on 429/5xx/SlowDown, resets, truncated bodies)
RETRIES = _entry(
    QgsSettingsEntryInteger, "retries", _DEFAULTS["retries"].default,
    "Attempts per request for transient network errors (1 = no retry)", 1, 20,
)  # fmt: skip
#: connect/read timeout of one request, seconds
TIMEOUT_S = _entry(
    QgsSettingsEntryDouble, "timeout_s", float(_DEFAULTS["timeout_s"].default),
    "Connect and read timeout of one request, in seconds", 1.0, 600.0,
)  # fmt: skip
#: requests in flight (zarr async.concurrency, botocore max_pool_connections, GDAL connections)
CONCURRENCY = _entry(
    QgsSettingsEntryInteger, "concurrency", _DEFAULTS["concurrency"].default,
    "Requests in flight at once", 1, 128,
)  # fmt: skip


def read() -> dict:
    """Current settings as a plain dict (defaults filled in)."""
    s = QgsSettings()
    return {
        "bucket": s.value(KEY_BUCKET, DEFAULT_BUCKET, type=str) or DEFAULT_BUCKET,
        "endpoint_url": s.value(KEY_ENDPOINT, "", type=str) or "",
        "cache_dir": s.value(KEY_CACHE, "", type=str) or str(default_cache_dir()),
        "anonymous": s.value(KEY_ANON, True, type=bool),
        "retries": int(RETRIES.value()),
        "timeout_s": float(TIMEOUT_S.value()),
        "concurrency": int(CONCURRENCY.value()),
    }


def write(values: dict) -> None:
    """Store ``values`` (keys as returned by :func:`read`)."""
    s = QgsSettings()
    s.setValue(KEY_BUCKET, values.get("bucket") or DEFAULT_BUCKET)
    s.setValue(KEY_ENDPOINT, values.get("endpoint_url") or "")
    s.setValue(KEY_CACHE, values.get("cache_dir") or "")
    s.setValue(KEY_ANON, bool(values.get("anonymous", True)))
    for entry, key, kind in (
        (RETRIES, "retries", int),
        (TIMEOUT_S, "timeout_s", float),
        (CONCURRENCY, "concurrency", int),
    ):
        if values.get(key) is not None:
            entry.setValue(kind(values[key]))  # out of range: refused by the entry (kept as it was)


def store_config() -> StoreConfig:
    """The StoreConfig the algorithms use; ``ITSLIVE_S3_ENDPOINT_URL`` overrides the endpoint.

    ``ITSLIVE_RETRIES`` and ``ITSLIVE_CONCURRENCY`` override the retries and concurrency settings.
    """
    v = read()
    return StoreConfig.from_env(
        bucket=v["bucket"],
        endpoint_url=v["endpoint_url"] or None,
        cache_dir=Path(v["cache_dir"]),
        anon=v["anonymous"],
        retries=v["retries"],
        timeout_s=v["timeout_s"],
        concurrency=v["concurrency"],
    )
