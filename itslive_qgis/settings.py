"""Plugin settings (QgsSettings) and their translation into the core's StoreConfig."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings

from .core.store import DEFAULT_BUCKET, StoreConfig, check_endpoint, default_cache_dir

PREFIX = "itslive_qgis/"
KEY_BUCKET = PREFIX + "bucket"
KEY_ENDPOINT = PREFIX + "endpoint_url"
KEY_CACHE = PREFIX + "cache_dir"
KEY_ANON = PREFIX + "anonymous"
#: read datacube URLs on hosts other than the ITS_LIVE bucket / the configured mirror (off)
KEY_ALLOW_OTHER_HOSTS = PREFIX + "allow_other_hosts"
#: size budget of one subset download, GB (download and uncompressed output); 0 = no limit
KEY_MAX_DOWNLOAD_GB = PREFIX + "max_download_gb"
DEFAULT_MAX_DOWNLOAD_GB = 5.0


def read() -> dict:
    """Current settings as a plain dict (defaults filled in)."""
    s = QgsSettings()
    return {
        "bucket": s.value(KEY_BUCKET, DEFAULT_BUCKET, type=str) or DEFAULT_BUCKET,
        "endpoint_url": s.value(KEY_ENDPOINT, "", type=str) or "",
        "cache_dir": s.value(KEY_CACHE, "", type=str) or str(default_cache_dir()),
        "anonymous": s.value(KEY_ANON, True, type=bool),
        "allow_other_hosts": s.value(KEY_ALLOW_OTHER_HOSTS, False, type=bool),
        "max_download_gb": _float(
            s.value(KEY_MAX_DOWNLOAD_GB, DEFAULT_MAX_DOWNLOAD_GB), DEFAULT_MAX_DOWNLOAD_GB
        ),
    }


def _float(value, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number >= 0 else default


def write(values: dict) -> None:
    """Store ``values`` (keys as returned by :func:`read`)."""
    s = QgsSettings()
    s.setValue(KEY_BUCKET, values.get("bucket") or DEFAULT_BUCKET)
    s.setValue(KEY_ENDPOINT, values.get("endpoint_url") or "")
    s.setValue(KEY_CACHE, values.get("cache_dir") or "")
    s.setValue(KEY_ANON, bool(values.get("anonymous", True)))
    if "allow_other_hosts" in values:
        s.setValue(KEY_ALLOW_OTHER_HOSTS, bool(values["allow_other_hosts"]))
    if "max_download_gb" in values:
        s.setValue(KEY_MAX_DOWNLOAD_GB, _float(values["max_download_gb"], DEFAULT_MAX_DOWNLOAD_GB))


def allow_other_hosts() -> bool:
    """Whether datacube URLs on other hosts than the configured store may be read."""
    return bool(read()["allow_other_hosts"])


def max_download_bytes() -> float | None:
    """The subset size budget in bytes (None: no limit)."""
    gb = read()["max_download_gb"]
    return gb * 1e9 if gb > 0 else None


def checked_store_config() -> StoreConfig:
    """:func:`store_config` after checking the endpoint (the core's InputError when it is no URL)."""
    check_endpoint(read()["endpoint_url"] or None)
    return store_config()


def store_config() -> StoreConfig:
    """The StoreConfig the algorithms use; ``ITSLIVE_S3_ENDPOINT_URL`` overrides the endpoint."""
    v = read()
    return StoreConfig.from_env(
        bucket=v["bucket"],
        endpoint_url=v["endpoint_url"] or None,
        cache_dir=Path(v["cache_dir"]),
        anon=v["anonymous"],
    )
