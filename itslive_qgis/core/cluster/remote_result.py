"""A complete cluster result at an ``s3://`` (fsspec) URL, copied once to a NetCDF in the plugin's cache.

A run with ``OUTPUT=s3://bucket/run/inv.zarr`` leaves its result where the workers wrote it.
QGIS cannot show the store itself (GDAL 3.6 reads no 3-D Zarr array, see :mod:`.netcdf`), so
:func:`cached_netcdf` copies the complete store once, through :func:`.netcdf.result_as_netcdf`
(which refuses an incomplete store), to ``<cache_dir>/cluster_results/<16 hex of the URL and
endpoint>/<store name>.nc``, and the plugin loads that file like a local result. The copy is
reused while the store's consolidated metadata (``.zmetadata``, the last object a run writes) has
the ETag and LastModified it had when copied (one HEAD request); a store rewritten since is copied
again. A store that changes while it is being copied is refused, and a failed or refused copy
leaves the previous copy and its stamp as they were (the new copy is written under a temporary
name and renamed over the old one only when complete and unchanged).

Where the requests go (endpoint confinement, as :func:`core.io.store.confine_url`): ``s3://`` URLs
(and path-style URLs of the configured endpoint, or ITS_LIVE's virtual-host URLs) are read through
the configured endpoint only (``StoreConfig.endpoint_url``, or AWS); any other host or protocol is
refused unless other hosts are allowed. The ITS_LIVE bucket is read as configured (anonymous);
any other bucket, the user's own, is signed with the credentials of the standard AWS chain
(environment, ``~/.aws``, instance role: botocore's own look-up) when it gives some, else read
anonymously (a public bucket). No credential is ever put in the options, the stamp or a message.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from dataclasses import replace
from pathlib import Path

from ..errors import DataError, InputError
from .netcdf import NETCDF_SUFFIX, result_as_netcdf

#: sub-folder of the cache folder holding the copies
CACHE_FOLDER = "cluster_results"
#: the file beside a copy saying what it is a copy of (URL, endpoint, ETag and LastModified)
STAMP_NAME = "stamp.json"
#: the store object whose ETag/LastModified tells whether a copy is current (written last by a run)
MARK_OBJECT = ".zmetadata"

_VHOST_URL = re.compile(
    r"^https?://(?P<bucket>[a-z0-9.\-]+)\.s3(?:[.\-][a-z0-9\-]+)?\.amazonaws\.com/(?P<key>.+)$"
)


def cached_netcdf(url: str, config, allow_other_hosts: bool = False, parameter: str = "INPUT") -> Path:
    """The local NetCDF copy of the complete cluster result at ``url`` (copied when absent or stale).

    Parameters
    ----------
    url : ``s3://bucket/path/result.zarr`` (or another fsspec URL when ``allow_other_hosts``).
    config : StoreConfig: the endpoint the store is read through and the cache folder.
    allow_other_hosts : read URLs of other hosts and protocols too (fsspec's own configuration).
    parameter : the parameter named in messages.

    Raises
    ------
    InputError : a URL of another host or protocol, or no store path in it.
    DataError : the store is incomplete (its run did not finish), changed while being copied, or
        no cluster run wrote it.
    """
    url = result_url(url, config, allow_other_hosts, parameter)
    options = result_storage_options(url, config)
    folder = cache_folder(url, config)
    output = folder / (store_name(url) + NETCDF_SUFFIX)
    stamp = _stamp(url, config, options)
    if stamp is None:  # no consolidated metadata: not finished (open_result's message)
        from .result_store import open_result

        open_result(url, options)
        raise DataError(f"{url} has no {MARK_OBJECT}: it is not a complete result. Run it again.")
    if output.is_file() and _read_stamp(folder) == stamp:
        return output
    # this load's own folder: two loads of the same URL at once never touch each other's copy
    incoming = folder / "incoming" / f"{os.getpid()}-{uuid.uuid4().hex[:8]}" / output.name
    try:
        incoming.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"The cache folder {config.cache_dir} cannot be written ({exc.strerror}): choose another one in "
            "the ITS_LIVE options."
        ) from exc
    try:
        _copy(url, incoming, options)
        if _stamp(url, config, options) != stamp:
            raise DataError(
                f"{url} changed while it was being copied (a run is writing it again): load it once "
                "that run has finished."
            )
        os.replace(incoming, output)
    finally:
        shutil.rmtree(incoming.parent, ignore_errors=True)
    _write_stamp(folder, stamp)
    return output


def _copy(url: str, output: Path, options: dict) -> None:
    """:func:`.netcdf.result_as_netcdf` with a failed read reported as such (the old copy is kept)."""
    from ..errors import ItsLiveError

    try:
        result_as_netcdf(url, output, options)
    except ItsLiveError:
        raise
    except Exception as exc:  # network, throttling, a damaged chunk: nothing replaced
        raise DataError(
            f"{url} could not be copied to the cache ({type(exc).__name__}: {str(exc).strip()[:200]}); "
            "nothing was replaced. Check the connection to the store and load it again."
        ) from exc


def result_url(url: str, config, allow_other_hosts: bool = False, parameter: str = "INPUT") -> str:
    """``url`` as read through the configured endpoint (``s3://bucket/key``); InputError otherwise."""
    text = str(url).strip().rstrip("/")
    m = _VHOST_URL.match(text)
    if m:
        text = f"s3://{m.group('bucket')}/{m.group('key')}"
    elif text.startswith(("http://", "https://")) and config.endpoint_url:
        endpoint = config.endpoint_url.rstrip("/") + "/"
        if text.startswith(endpoint):
            text = "s3://" + text[len(endpoint) :]
    if not text.startswith("s3://"):
        if allow_other_hosts and "://" in text:
            return text
        raise InputError(
            f"{parameter}: {text} is not an s3:// URL of the configured store ({config.describe()}): it was "
            "not contacted. Give s3://<bucket>/<path>.zarr, or allow other hosts in the ITS_LIVE options "
            "to read other fsspec URLs."
        )
    bucket, _, key = text[len("s3://") :].partition("/")
    if not bucket or not key or ".." in key.split("/"):
        raise InputError(
            f"{parameter}: {text} does not name a store in a bucket (s3://<bucket>/<path>.zarr)."
        )
    return text


def result_storage_options(url: str, config) -> dict:
    """fsspec options to read (and write) the result at ``url`` through the configured endpoint.

    ITS_LIVE's bucket as configured; another bucket signed when the AWS chain has credentials,
    else anonymous. The options hold no credential (s3fs and botocore find them themselves).
    """
    if not url.startswith("s3://"):
        return {}
    bucket = url[len("s3://") :].split("/", 1)[0]
    from ..io.store import DEFAULT_BUCKET

    if bucket not in (config.bucket, DEFAULT_BUCKET):
        config = replace(config, anon=not has_aws_credentials())
    return config.storage_options()


def has_aws_credentials() -> bool:
    """True when botocore's standard chain (environment, config files, instance role) finds credentials."""
    try:
        import botocore.session

        return botocore.session.get_session().get_credentials() is not None
    except Exception:  # a broken ~/.aws/config: as if none (the request says why if signing was needed)
        return False


def cache_folder(url: str, config) -> Path:
    """The cache folder of the copy of ``url`` read through ``config``'s endpoint."""
    digest = hashlib.sha256(f"{config.endpoint_url or 'aws'}\n{url}".encode()).hexdigest()[:16]
    return Path(config.cache_dir) / CACHE_FOLDER / digest


def store_name(url: str) -> str:
    """The store's own name (last path element, e.g. ``inv.zarr``), for the copy's file name."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "result.zarr"


def _stamp(url: str, config, options: dict) -> dict | None:
    """What identifies the store's current version: its .zmetadata's ETag and LastModified."""
    import fsspec

    fs, path = fsspec.core.url_to_fs(url, **options)
    try:
        info = fs.info(path.rstrip("/") + "/" + MARK_OBJECT, refresh=True)
    except FileNotFoundError:
        return None
    except TypeError:  # a filesystem without refresh=
        info = fs.info(path.rstrip("/") + "/" + MARK_OBJECT)
    version = {k: str(info[k]) for k in ("ETag", "etag", "LastModified", "mtime", "size") if info.get(k)}
    return {"url": url, "endpoint": config.endpoint_url or "aws", "version": version}


def _read_stamp(folder: Path) -> dict | None:
    try:
        return json.loads((folder / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_stamp(folder: Path, stamp: dict) -> None:
    from ..io.files import write_bytes

    write_bytes(folder / STAMP_NAME, json.dumps(stamp, indent=1).encode())
