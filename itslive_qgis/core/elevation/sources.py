"""Where ATL06 granules come from: local files, a folder, an S3 prefix, or a CMR search.

- local ``.h5`` files or a folder of them: read with h5py;
- ``s3://nsidc-cumulus-prod-protected/ATLAS/ATL06/<version>/YYYY/MM/DD/`` prefixes (or one
  granule's URL): read with h5coro through an s3fs filesystem on the configured endpoint
  (NASA's bucket in us-west-2 needs the temporary S3 credentials an Earthdata login obtains,
  :mod:`earthdata`; the local mirror of the tests is anonymous);
- no input: NASA's CMR granule search (:mod:`cmr`) for the extent and dates, then S3 as above.

Granules whose file-name date lies outside the window (with one day of margin: a granule
spans about 50 minutes) are skipped before they are opened.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError, MissingDependencyError
from .atl06 import GranuleReader, H5coroReader, H5pyReader, HeightQuery, granule_time

NASA_BUCKET = "nsidc-cumulus-prod-protected"
#: buckets an S3 source may name (besides the configured store's own bucket)
ALLOWED_BUCKETS = (NASA_BUCKET,)


@dataclass(frozen=True)
class GranuleList:
    """Granules to read: local paths or ``s3://`` URLs (one kind), and where they were found."""

    local: tuple[str, ...] = ()
    remote: tuple[str, ...] = ()
    origin: str = ""

    def __len__(self) -> int:
        return len(self.local) + len(self.remote)


def find_granules(inputs, query: HeightQuery, config=None, cmr_url=None, s3_credentials=None) -> GranuleList:
    """The granules ``inputs`` names (paths, folders, s3 URLs/prefixes; empty = CMR search) within ``query``.

    Raises :class:`InputError` when nothing is found, saying where it looked.
    """
    items = [str(i).strip() for i in (inputs or []) if str(i).strip()]
    if not items:
        return _from_cmr(query, cmr_url)
    local, remote = [], []
    for item in items:
        if item.startswith("s3://"):
            remote.extend(_list_s3(item, config, s3_credentials))
        elif "://" in item:
            raise InputError(
                f"INPUT: {item} is neither a local ATL06 file or folder nor an s3:// location; leave INPUT "
                "empty to search NASA's CMR."
            )
        else:
            local.extend(_list_local(item))
    found = GranuleList(
        tuple(p for p in local if _in_window(p, query)),
        tuple(u for u in remote if _in_window(u, query)),
        "INPUT",
    )
    if not len(found):
        raise InputError(
            f"INPUT: no ATL06 granule (ATL06_*.h5) of the dates {query.start or '...'} to "
            f"{query.end or '...'} in {', '.join(items)}."
        )
    return found


@contextlib.contextmanager
def open_granules(granules: GranuleList, config=None, s3_credentials=None):
    """Yield the readers of ``granules`` (h5py for local files, h5coro for S3), closed afterwards."""
    readers: list[GranuleReader] = []
    try:
        readers.extend(H5pyReader(p) for p in granules.local)
        if granules.remote:
            fs = s3_filesystem(config, s3_credentials)
            readers.extend(H5coroReader(u, fs) for u in granules.remote)
        yield readers
    finally:
        for r in readers:
            r.close()


def s3_filesystem(config=None, s3_credentials=None):
    """A synchronous s3fs filesystem on ``config``'s endpoint: anonymous, or with temporary credentials.

    ``s3_credentials``: the ``accessKeyId``/``secretAccessKey``/``sessionToken`` mapping NASA's
    ``s3credentials`` endpoint returns (:func:`earthdata.s3_credentials`); never logged.
    """
    try:
        import s3fs
    except ImportError as exc:
        raise MissingDependencyError("s3fs is not installed: itslive:installdependencies SETS=core") from exc
    from ..io import StoreConfig

    config = config or StoreConfig.from_env()
    client_kwargs = {"region_name": config.region}
    if config.endpoint_url:
        client_kwargs["endpoint_url"] = config.endpoint_url
    keys: dict = {"anon": True}
    if s3_credentials:
        keys = {
            "anon": False,
            "key": s3_credentials["accessKeyId"],
            "secret": s3_credentials["secretAccessKey"],
            "token": s3_credentials["sessionToken"],
        }
    return s3fs.S3FileSystem(
        **keys,
        skip_instance_cache=True,
        use_listings_cache=False,
        client_kwargs=client_kwargs,
        config_kwargs={
            "max_pool_connections": int(config.concurrency),
            "connect_timeout": config.timeout_s,
            "read_timeout": config.timeout_s,
            "retries": {"max_attempts": config.retries, "mode": "adaptive"},
        },
    )


def _list_local(item: str) -> list[str]:
    path = Path(item).expanduser()
    if path.is_dir():
        return [str(p) for p in sorted(path.glob("*.h5"))]
    if path.is_file():
        return [str(path)]
    raise InputError(f"INPUT: {item} does not exist: give ATL06 .h5 files or a folder of them.")


def _list_s3(url: str, config, s3_credentials) -> list[str]:
    from ..io import StoreConfig

    config = config or StoreConfig.from_env()
    bucket = url[5:].split("/", 1)[0]
    if bucket not in (*ALLOWED_BUCKETS, config.bucket):
        raise InputError(
            f"INPUT: {url} is in the bucket {bucket!r}; ICESat-2 granules are read from NASA's "
            f"{NASA_BUCKET} only: it was not contacted."
        )
    if url.endswith(".h5"):
        return [url]
    fs = s3_filesystem(config, s3_credentials)
    found = sorted(p for p in fs.find(url.rstrip("/") + "/") if p.endswith(".h5"))
    return [f"s3://{p}" for p in found]


def _from_cmr(query: HeightQuery, cmr_url) -> GranuleList:
    from .cmr import DEFAULT_CMR_URL, search_granules

    if query.bbox is None:
        raise InputError("Give an EXTENT to search NASA's CMR for ATL06 granules (or give INPUT files).")
    granules = search_granules(query.bbox, query.start, query.end, base_url=cmr_url or DEFAULT_CMR_URL)
    urls = tuple(g.s3_url for g in granules if g.s3_url)
    if not urls:
        raise InputError(
            f"The CMR search found no ATL06 granule in the cloud for the extent {query.bbox} and dates "
            f"{query.start or '...'} to {query.end or '...'}: widen them."
        )
    return GranuleList((), tuple(u for u in urls if _in_window(u, query)), "CMR")


def _in_window(name: str, query: HeightQuery) -> bool:
    info = granule_time(name.rsplit("/", 1)[-1])
    if info is None:
        return True  # not named like a granule: opened, and its segments filtered by time
    stamp = info[0]
    day = np.timedelta64(1, "D")
    if query.start is not None and stamp < np.datetime64(query.start, "ns") - day:
        return False
    return not (query.end is not None and stamp > np.datetime64(query.end, "ns") + day)
