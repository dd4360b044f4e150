"""Plugin settings: one typed entry (``QgsSettingsEntry*``) per setting, with its default and range.

The entries live under the plugin's node of QGIS's settings tree (``plugins/itslive_qgis/...``;
Settings > Options > Advanced shows them). Values an older version wrote under
``itslive_qgis/...`` are moved there once. For scripts and tests the environment variables
``ITSLIVE_S3_ENDPOINT_URL``, ``ITSLIVE_RETRIES`` and ``ITSLIVE_CACHE_DIR`` still win
(:meth:`StoreConfig.from_env`). Credentials never live here: ITS_LIVE is anonymous.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsSettings,
    QgsSettingsEntryBool,
    QgsSettingsEntryDouble,
    QgsSettingsEntryInteger,
    QgsSettingsEntryString,
    QgsSettingsTree,
)

from .core.io import DEFAULT_BUCKET, StoreConfig, check_endpoint, default_cache_dir

NODE = QgsSettingsTree.createPluginTreeNode("itslive_qgis")
_OLD_PREFIX = "itslive_qgis/"


#: (lowest, highest) accepted value of the numeric settings; the options page uses the same ranges
#: (kept here because QgsSettingsEntryInteger.minValue() returns the maximum in QGIS 3.40)
RANGES = {
    "retries": (1, 20),
    "timeout_s": (1.0, 600.0),
    "concurrency": (1, 128),
    "max_download_gb": (0.0, 1.0e6),
}


def _entry(cls, name: str, default, description: str):
    """The entry ``name`` of the plugin node (reused when the module is imported again)."""
    existing = NODE.childSetting(name)
    if existing is not None:
        return existing
    if name in RANGES:
        lo, hi = RANGES[name]
        return cls(name, NODE, default, description, minValue=lo, maxValue=hi)
    return cls(name, NODE, default, description)


DEFAULTS = StoreConfig()
BUCKET = _entry(QgsSettingsEntryString, "bucket", DEFAULT_BUCKET, "S3 bucket of the ITS_LIVE data")
ENDPOINT = _entry(
    QgsSettingsEntryString, "endpoint_url", "", "S3-compatible endpoint of a mirror (empty: AWS us-west-2)"
)
CACHE_DIR = _entry(QgsSettingsEntryString, "cache_dir", "", "Folder of the catalog and chunk caches")
ANONYMOUS = _entry(QgsSettingsEntryBool, "anonymous", True, "Unsigned (anonymous) S3 requests")
#: attempts per request (retries with backoff and jitter on 429/5xx/SlowDown, resets, truncated bodies)
RETRIES = _entry(
    QgsSettingsEntryInteger,
    "retries",
    DEFAULTS.retries,
    "Attempts per request for transient network errors (1 = no retry)",
)
TIMEOUT_S = _entry(
    QgsSettingsEntryDouble,
    "timeout_s",
    DEFAULTS.timeout_s,
    "Connect/read timeout of one request (s)",
)
CONCURRENCY = _entry(
    QgsSettingsEntryInteger,
    "concurrency",
    DEFAULTS.concurrency,
    "Requests in flight at once (zarr async concurrency, S3 connection pool, GDAL connections)",
)
ALLOW_OTHER_HOSTS = _entry(
    QgsSettingsEntryBool,
    "allow_other_hosts",
    False,
    "Read datacube URLs on hosts other than the ITS_LIVE bucket or the configured mirror",
)
MAX_DOWNLOAD_GB = _entry(
    QgsSettingsEntryDouble,
    "max_download_gb",
    5.0,
    "Size budget of one subset download (GB; 0 = no limit)",
)
#: ICESat-2: the CMR granule-search URL, and the id of the QGIS authentication configuration that
#: holds the Earthdata login (an id, never the login itself: that stays in the QGIS auth database)
CMR_URL = _entry(QgsSettingsEntryString, "cmr_url", "", "NASA CMR search URL (empty: NASA's own)")
EARTHDATA_AUTHCFG = _entry(
    QgsSettingsEntryString,
    "earthdata_authcfg",
    "",
    "QGIS authentication configuration of the Earthdata login",
)
#: default DASK_SCHEDULER of itslive:invert, itslive:strainrates and itslive:downloadsubset
DASK_SCHEDULER = _entry(
    QgsSettingsEntryString,
    "dask_scheduler",
    "",
    "Dask scheduler of the heavy algorithms (empty: in process; local: this machine; or an address)",
)
#: every entry, by the key read() and write() use
ENTRIES = {
    "bucket": BUCKET,
    "endpoint_url": ENDPOINT,
    "cache_dir": CACHE_DIR,
    "anonymous": ANONYMOUS,
    "retries": RETRIES,
    "timeout_s": TIMEOUT_S,
    "concurrency": CONCURRENCY,
    "allow_other_hosts": ALLOW_OTHER_HOSTS,
    "max_download_gb": MAX_DOWNLOAD_GB,
    "dask_scheduler": DASK_SCHEDULER,
}


def read() -> dict:
    """Current settings as a plain dict (defaults filled in)."""
    _migrate()
    values = {name: entry.value() for name, entry in ENTRIES.items()}
    values["bucket"] = values["bucket"] or DEFAULT_BUCKET
    values["cache_dir"] = values["cache_dir"] or str(default_cache_dir())
    return values


def write(values: dict) -> None:
    """Store ``values`` (keys as returned by :func:`read`; missing keys are left as they are).

    Numbers outside an entry's range are clamped to it (QGIS refuses them otherwise).
    """
    for name, value in values.items():
        entry = ENTRIES.get(name)
        if entry is None:
            raise KeyError(f"unknown ITS_LIVE setting {name!r}")
        if name == "bucket":
            value = value or DEFAULT_BUCKET
        elif name in ("endpoint_url", "cache_dir", "dask_scheduler"):
            value = value or ""
        elif isinstance(entry, QgsSettingsEntryBool):
            value = bool(value)
        elif name in RANGES:
            kind = int if isinstance(entry, QgsSettingsEntryInteger) else float
            lo, hi = RANGES[name]
            value = min(max(kind(value), lo), hi)
        entry.setValue(value)


def dask_scheduler() -> str:
    """The default DASK_SCHEDULER ('' = in process)."""
    return str(DASK_SCHEDULER.value() or "").strip()


def allow_other_hosts() -> bool:
    """Whether datacube URLs on other hosts than the configured store may be read."""
    return bool(ALLOW_OTHER_HOSTS.value())


def max_download_bytes() -> float | None:
    """The subset size budget in bytes (None: no limit)."""
    gb = float(MAX_DOWNLOAD_GB.value())
    return gb * 1e9 if gb > 0 else None


def cmr_url() -> str:
    """The CMR search URL: $ITSLIVE_CMR_URL, else the setting, else NASA's."""
    import os

    from .core.elevation import DEFAULT_CMR_URL

    return os.environ.get("ITSLIVE_CMR_URL") or str(CMR_URL.value() or "") or DEFAULT_CMR_URL


def store_config() -> StoreConfig:
    """The StoreConfig the algorithms use; the ITSLIVE_* environment variables override it."""
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


def checked_store_config() -> StoreConfig:
    """:func:`store_config` after checking the endpoint (the core's InputError when it is no URL)."""
    check_endpoint(read()["endpoint_url"] or None)
    return store_config()


def _migrate() -> None:
    """Move values written under the old ``itslive_qgis/`` keys into the typed entries (once)."""
    s = QgsSettings()
    old = [k for k in ENTRIES if s.contains(_OLD_PREFIX + k)]
    for name in old:
        value = s.value(_OLD_PREFIX + name)
        try:
            write({name: value if not isinstance(ENTRIES[name], QgsSettingsEntryBool) else _bool(value)})
        except (TypeError, ValueError):
            pass  # an unreadable old value: the default stays
        s.remove(_OLD_PREFIX + name)


def _bool(value) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes")
