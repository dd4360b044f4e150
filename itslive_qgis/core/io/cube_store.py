"""The cube store of the one data-access stack (zarr-python 3 over fsspec/s3fs).

Every cube read (subset, point series, inversion input through :func:`open_cube_dataset`) and
every catalog fetch goes through this module: zarr decodes the chunks (codecs, fill values,
memory order), xarray applies the CF rules, fsspec/s3fs (aiobotocore, aiohttp) talks to S3 or
HTTP, and GDAL's ``/vsis3/`` options come from the same settings (:func:`gdal_options`).

What remains hand-written here, and why:

* :class:`CubeStore`, a thin ``zarr.storage.WrapperStore``. It adds what neither zarr nor
  fsspec provides: (1) the resumable chunk cache ``<cache_dir>/chunks/<cube>/<key>__<etag>``,
  used only while the object's ETag and size (from one ListObjectsV2 per row of chunks) still
  match; fsspec's ``filecache`` would need a HEAD per chunk to validate and has no ETag-named
  entries to resume from; (2) one counted retry policy with exponential backoff and jitter for
  429/5xx/SlowDown, connection resets, timeouts and truncated bodies (s3fs and botocore retry
  some of these silently, without counting, so both are set to a single attempt); (3)
  single-flight: a chunk requested by the downloader and the assembler at once is fetched
  once (GETs = chunks touched); (4) the consolidated ``.zmetadata`` answers zarr's metadata
  requests, so opening a cube is one GET; (5) the rule for absent objects: in a remote bucket
  an absent chunk is ITS_LIVE's documented empty chunk (fill value, counted and logged); in a
  store this plugin wrote (every chunk written, ``all_chunks_written``) an absent chunk is an
  error naming it.
* :func:`run`: zarr's own ``sync()`` cannot be interrupted, so the coroutines run on zarr's
  event loop and the calling thread polls the future every 0.1 s, cancelling it on request.
* :func:`read_block`: a chunk that zarr fails to decode is dropped from the cache and fetched
  again once; only then is it an error (the message says where the cache is).
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import re
import threading
import weakref
from pathlib import Path

from ..errors import CancelledError, DataError, InputError, ItsLiveError, MissingDependencyError
from .files import write_bytes
from .remote import filesystem
from .retry import FetchStats, RetryPolicy, with_retries
from .runner import run
from .store import StoreConfig, is_remote, to_s3_url

#: unplanned small objects (x, y, ...) kept in memory for the life of a store
MEMO_BYTES = 32 * 1024**2


#: root attribute of the Zarr outputs this plugin writes with every chunk present (strict reading)
ALL_CHUNKS_ATTR = "all_chunks_written"


_METADATA_NAMES = (".zgroup", ".zattrs", ".zarray", ".zmetadata")


_UNLISTED = object()


def _zarr_store_base():
    try:
        from zarr.storage import WrapperStore
    except ImportError as exc:  # pragma: no cover
        raise MissingDependencyError("zarr >= 3 is not installed: pip install 'zarr>=3,<3.1.6'") from exc
    return WrapperStore


class CubeStore(_zarr_store_base()):
    """A zarr store over one cube: consolidated metadata, chunk cache, retries, counters (see module doc).

    Build it with :func:`open_cube_store`. ``listing`` (key -> (size, ETag) or None for an absent
    object) is filled by :meth:`stat`; listed keys are "planned": cached (remote) and counted.
    """

    def __init__(
        self,
        inner,
        *,
        url: str,
        remote: bool,
        cache_root: Path | None,
        stats: FetchStats,
        policy: RetryPolicy,
        strict_missing: bool = False,
        fs=None,
        root: str = "",
    ):
        super().__init__(inner)
        self.url = url
        self.remote = remote
        self.cache_root = cache_root
        self.stats = stats
        self.policy = policy
        self.strict_missing = strict_missing
        self.fs = fs
        self.root = root
        self.listing: dict[str, tuple[int, str] | None] = {}
        self.consolidated: dict | None = None
        self.zmetadata: bytes | None = None
        self.absent: set[str] = set()
        self.cancel = threading.Event()
        self._inflight: dict[str, asyncio.Future] = {}
        self._memo: dict[str, bytes] = {}
        self._seen: set[str] = set()
        self._memo_bytes = 0

    # -- zarr Store interface (reads only) ----------------------------------------------------------
    async def get(self, key: str, prototype, byte_range=None):
        if self.consolidated is not None and key.rsplit("/", 1)[-1] in _METADATA_NAMES:
            if key == ".zmetadata":
                return prototype.buffer.from_bytes(self.zmetadata)
            doc = self.consolidated.get(key)
            return None if doc is None else prototype.buffer.from_bytes(json.dumps(doc).encode())
        if byte_range is not None:
            return await self._store.get(key, prototype, byte_range)
        data = await self.fetch(key)
        return None if data is None else prototype.buffer.from_bytes(data)

    async def exists(self, key: str) -> bool:
        if self.consolidated is not None and key.rsplit("/", 1)[-1] in _METADATA_NAMES:
            return key == ".zmetadata" or key in self.consolidated
        return await self._store.exists(key)

    def __repr__(self) -> str:
        return f"CubeStore({self.url!r})"

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = object.__hash__

    # -- reading --------------------------------------------------------------------------------------
    async def fetch(self, key: str) -> bytes | None:
        """Bytes of ``key`` (None: absent), once however many callers ask at the same time."""
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        fut = self._inflight.get(key)
        if fut is not None:
            return await asyncio.shield(fut)
        fut = asyncio.get_running_loop().create_future()
        self._inflight[key] = fut
        try:
            data = await self._fetch(key)
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                fut.cancel()
            else:
                fut.set_exception(exc)
                fut.exception()  # retrieved: no "exception never retrieved" warning
            raise
        else:
            fut.set_result(data)
            return data
        finally:
            self._inflight.pop(key, None)

    async def _fetch(self, key: str) -> bytes | None:
        info = self.listing.get(key, _UNLISTED)
        if info is None:
            return self._absent(key)
        planned = info is not _UNLISTED
        path = self.cache_path(key, info) if planned else None
        if path is not None:
            cached = _read_cached(path, info[0])
            if cached is not None:
                if key not in self._seen:  # counted once: later reads of this run are not "from cache"
                    self._seen.add(key)
                    self.stats.add(chunks_from_cache=1, bytes_from_cache=len(cached))
                return cached
        if self.cancel.is_set():
            raise CancelledError("Cancelled by the user.")
        data = await self._get_inner(key, info[0] if planned else None)
        if data is None:
            return self._absent(key)
        if planned:
            self._seen.add(key)
            self.stats.add(chunks_fetched=1, bytes_fetched=len(data))
            if path is not None:
                write_bytes(path, data)
        elif len(data) + self._memo_bytes <= MEMO_BYTES and self.remote:
            self._memo[key] = data
            self._memo_bytes += len(data)
        return data

    async def _get_inner(self, key: str, expected_size: int | None) -> bytes | None:
        from zarr.core.buffer import default_buffer_prototype

        proto = default_buffer_prototype()
        if not self.remote:
            buf = await self._store.get(key, proto)
            return None if buf is None else buf.to_bytes()

        async def call():
            buf = await self._store.get(key, proto)
            return None if buf is None else buf.to_bytes()

        def validate(data):
            if data is not None and expected_size is not None and len(data) != expected_size:
                return f"truncated body ({len(data)} of {expected_size} bytes)"
            return None

        return await with_retries(
            call,
            f"GET {self.url}/{key}",
            self.policy,
            self.stats,
            "get_requests",
            self.cancel.is_set,
            validate,
        )

    def _absent(self, key: str) -> None:
        if self.strict_missing:
            raise DataError(
                f"Chunk {key} of {self.url} is missing: this store was written complete (every chunk), so a "
                "file was deleted or not copied. Write or copy the store again."
            )
        self.absent.add(key)
        return None

    def cache_path(self, key: str, info) -> Path | None:
        """Where the remote object ``key`` with (size, ETag) ``info`` is cached (None: not cached)."""
        if self.cache_root is None or not self.remote or not info:
            return None
        tag = re.sub(r"[^A-Za-z0-9-]", "", info[1] or "")[:64]
        return self.cache_root / (f"{key}__{tag}" if tag else key)

    def is_cached(self, key: str) -> bool:
        """True when ``key`` is planned and its cache file has the listed size."""
        info = self.listing.get(key)
        path = self.cache_path(key, info) if info else None
        return path is not None and _cached_size(path) == info[0]

    def drop_cached(self, key: str) -> bool:
        """Remove the cache file of ``key``; True if there was one."""
        self._memo.pop(key, None)
        path = self.cache_path(key, self.listing.get(key))
        if path is None:
            return False
        try:
            path.unlink()
            return True
        except FileNotFoundError:
            return False

    # -- listing --------------------------------------------------------------------------------------
    async def stat(self, keys: list[str], prefixes: list[str]) -> None:
        """Fill ``listing`` for ``keys`` (size and ETag; None when absent); ``prefixes`` cover the keys."""
        keys = [k for k in dict.fromkeys(keys) if k not in self.listing]
        if not keys:
            return
        if not self.remote:
            for key in keys:
                size = _cached_size(Path(self._store.root) / key)
                self.listing[key] = None if size is None else (size, "")
            return
        found: dict[str, tuple[int, str]] = {}
        protocols = (self.fs.protocol,) if isinstance(self.fs.protocol, str) else tuple(self.fs.protocol)
        if "s3" in protocols:
            parts = await asyncio.gather(*(self._list(p) for p in sorted(set(prefixes))))
            for part in parts:
                found.update(part)
            if not any(k in found for k in keys) and await self._head(keys[0]) is not None:
                found = {}  # a server that lists badly: ask for each object
            else:
                self.listing.update({k: found.get(k) for k in keys})
                return
        heads = await asyncio.gather(*(self._head(k) for k in keys))
        self.listing.update(dict(zip(keys, heads)))

    async def _list(self, prefix: str) -> dict[str, tuple[int, str]]:
        folder, _, rest = prefix.rpartition("/")
        path = f"{self.root}/{folder}" if folder else self.root

        async def call():
            return await self.fs._find(path, prefix=rest, detail=True)  # noqa: SLF001 (fsspec async API)

        try:
            listed = await with_retries(
                call,
                f"LIST {self.url}/{prefix}",
                self.policy,
                self.stats,
                "list_requests",
                self.cancel.is_set,
            )
        except FileNotFoundError:
            return {}
        out = {}
        start = len(self.root) + 1
        for name, info in listed.items():
            if info.get("type", "file") == "file" and name.startswith(self.root + "/"):
                out[name[start:]] = (int(info.get("size") or 0), str(info.get("ETag", "")).strip('"'))
        return out

    async def _head(self, key: str) -> tuple[int, str] | None:
        async def call():
            return await self.fs._info(f"{self.root}/{key}")  # noqa: SLF001 (fsspec async API)

        try:
            info = await with_retries(
                call, f"HEAD {self.url}/{key}", self.policy, self.stats, "head_requests", self.cancel.is_set
            )
        except FileNotFoundError:
            return None
        return int(info.get("size") or 0), str(info.get("ETag", info.get("etag", ""))).strip('"')

    async def prefetch(self, keys: list[str], workers: int, done=None) -> None:
        """Bring the planned ``keys`` into the cache, ``workers`` at a time, in the given order.

        ``done(key)`` is called as each is ready. Stops starting requests when ``cancel`` is set;
        waits for every started one before raising the first error.
        """
        queue = list(dict.fromkeys(keys))
        position = 0
        errors: list[BaseException] = []

        async def worker():
            nonlocal position
            while position < len(queue) and not errors:
                if self.cancel.is_set():
                    errors.append(CancelledError("Cancelled by the user."))
                    return
                key = queue[position]
                position += 1
                try:
                    await self.fetch(key)
                except BaseException as exc:
                    errors.append(exc)
                    return
                if done is not None:
                    done(key)

        await asyncio.gather(*(worker() for _ in range(max(1, min(workers, len(queue))))))
        if errors:
            raise errors[0]

    async def load_consolidated(self) -> bool:
        """Read ``.zmetadata`` (one GET); False when the store has none."""
        raw = await self._get_inner(".zmetadata", None)
        if raw is None:
            return False
        try:
            doc = json.loads(raw)
            meta = doc["metadata"]
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{self.url}: .zmetadata is not consolidated Zarr v2 metadata ({exc}).") from exc
        self.zmetadata = raw
        self.consolidated = meta
        return True


async def open_cube_store(
    url: str,
    config: StoreConfig,
    stats: FetchStats | None = None,
    cache: bool = True,
    require_consolidated: bool = True,
) -> CubeStore:
    """A :class:`CubeStore` of the cube at ``url`` (s3://, ITS_LIVE https, http(s) mirror or local path).

    Reads the consolidated ``.zmetadata`` (one request). ``cache``: planned chunks of remote stores
    go to ``config.cache_dir/chunks/<cube key>``. A local store written with every chunk (root
    attribute ``all_chunks_written = "yes"``, as this plugin's Zarr outputs) is strict: an absent
    chunk is a DataError naming it. Elsewhere zarr's rule holds: an absent chunk reads as the fill
    value (ITS_LIVE's documented empty chunk in the bucket; a zarr writer's skipped empty chunk).
    """
    from zarr.storage import FsspecStore, LocalStore

    stats = stats or FetchStats()
    policy = RetryPolicy.from_config(config)
    target = to_s3_url(url, config.bucket) if is_remote(url) else url
    if target.startswith("s3://"):
        if not config.anon:
            raise InputError(
                "Cubes are read from the public bucket (or a mirror) anonymously: set anon=True in the store "
                "settings; signed requests are not supported."
            )
        fs = filesystem(config, "s3")
        root = target[len("s3://") :].rstrip("/")
        inner = FsspecStore(fs, read_only=True, path=root)
        cache_root = Path(config.cache_dir) / "chunks" / root.partition("/")[2] if cache else None
        store = CubeStore(
            inner, url=url, remote=True, cache_root=cache_root, stats=stats, policy=policy, fs=fs, root=root
        )
    elif target.startswith(("http://", "https://")):
        fs = filesystem(config, "http")
        root = target.rstrip("/")
        inner = FsspecStore(fs, read_only=True, path=root)
        key = re.sub(r"^https?://", "", root)
        cache_root = Path(config.cache_dir) / "chunks" / key if cache else None
        store = CubeStore(
            inner, url=url, remote=True, cache_root=cache_root, stats=stats, policy=policy, fs=fs, root=root
        )
    else:
        path = Path(target.removeprefix("file://")).expanduser()
        if not path.is_dir():
            raise InputError(f"No ITS_LIVE datacube at {url}: the folder does not exist.")
        store = CubeStore(
            LocalStore(path, read_only=True),
            url=url,
            remote=False,
            cache_root=None,
            stats=stats,
            policy=policy,
        )
    if not await store.load_consolidated():
        if require_consolidated:
            raise InputError(
                f"No ITS_LIVE datacube at {url} (no consolidated .zmetadata): check the URL, the endpoint "
                f"({config.describe()}) or the local path."
            )
        return store
    if not store.remote:
        store.strict_missing = str(store.consolidated.get(".zattrs", {}).get(ALL_CHUNKS_ATTR, "")) == "yes"
    return store


def open_group(store: CubeStore):
    """The zarr group (Zarr v2, consolidated when the store has ``.zmetadata``) of ``store``."""
    import zarr

    return zarr.open_group(store, mode="r", zarr_format=2, use_consolidated=store.consolidated is not None)


def open_cube_dataset(url: str, config: StoreConfig, chunks=None, stats: FetchStats | None = None):
    """``xarray.open_zarr`` of the cube at ``url`` through a :class:`CubeStore` (no chunk cache)."""
    import xarray as xr

    from .cf import pairs_from_disk

    store = run(open_cube_store(url, config, stats, cache=False, require_consolidated=False))
    ds = xr.open_zarr(
        store,
        consolidated=store.consolidated is not None,
        zarr_format=2,
        decode_timedelta=False,
        chunks=chunks,
    )
    out = pairs_from_disk(ds)  # a subset written by the plugin: the in-memory pair layout
    if out is ds:  # the on-disk pair axis: the raw read path can find the pairs (io.raw_pairs)
        record_source(ds, store)
    return out


#: key of the :class:`PairSource` in ``Dataset.encoding`` (read by :mod:`.raw_pairs`)
PAIR_SOURCE_KEY = "itslive_pair_source"
_STORES: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_TOKENS = itertools.count()


@dataclasses.dataclass(frozen=True, eq=False)
class PairSource:
    """Where the pairs of a dataset lie in its cube store (see :mod:`.raw_pairs`).

    ``token`` names the store in a process-local registry (weak: the dataset's zarr arrays keep
    the store alive), so the record pickles and deep-copies as plain arrays; elsewhere (a dask
    worker) it finds no store and the dataset is read through xarray.
    """

    token: str
    positions: object  # (K,) int array: on-disk pair index of each pair of the dataset
    mid_date: object  # (K,) the dataset's mid_date values when recorded

    def taken(self, order, mid_date) -> PairSource:
        """The record after ``ds.isel(mid_date=order)`` (``mid_date``: the new values)."""
        import numpy as np

        return PairSource(self.token, self.positions[np.asarray(order)], np.asarray(mid_date))


def pair_store(source: PairSource) -> CubeStore | None:
    """The store ``source`` was recorded from, while it is alive in this process (else None)."""
    return _STORES.get(source.token)


def record_source(ds, store: CubeStore):
    """``ds`` with a :class:`PairSource` of ``store`` in its encoding (a new encoding dict)."""
    import numpy as np

    if "mid_date" not in ds.dims or "mid_date" not in ds.variables:
        return ds
    token = f"{id(store)}-{next(_TOKENS)}"
    _STORES[token] = store
    mid = np.asarray(ds["mid_date"].values)
    ds.encoding = {**ds.encoding, PAIR_SOURCE_KEY: PairSource(token, np.arange(mid.size), mid)}
    return ds


def reorder_source(before, after, order):
    """After ``after = before.isel(mid_date=order)``: ``after`` with the record updated (if any)."""
    src = before.encoding.get(PAIR_SOURCE_KEY)
    if isinstance(src, PairSource) and src.positions.size == before.sizes.get("mid_date", -1):
        after.encoding = {**after.encoding, PAIR_SOURCE_KEY: src.taken(order, after["mid_date"].values)}
    elif PAIR_SOURCE_KEY in after.encoding:
        after.encoding = {k: v for k, v in after.encoding.items() if k != PAIR_SOURCE_KEY}
    return after


def dims_of(array) -> tuple[str, ...]:
    """Dimension names (``_ARRAY_DIMENSIONS``) of a zarr v2 array."""
    return tuple(array.attrs.get("_ARRAY_DIMENSIONS", ()))


def chunk_key(array, index: tuple[int, ...]) -> str:
    """Store key of the chunk at ``index`` of ``array`` (``v/0.3.4``; ``mapping/0`` for 0-d arrays)."""
    name = array.path.rsplit("/", 1)[-1]
    coords = tuple(int(i) for i in index) if array.shape else (0,)
    return f"{name}/{array.metadata.encode_chunk_key(coords)}" if array.shape else f"{name}/0"


def row_prefix(array, index_head: tuple[int, ...]) -> str:
    """Key prefix shared by every chunk whose leading indices are ``index_head``."""
    name = array.path.rsplit("/", 1)[-1]
    sep = getattr(array.metadata, "dimension_separator", ".")
    return f"{name}/" + "".join(f"{int(i)}{sep}" for i in index_head)


def chunk_grid(array) -> tuple[int, ...]:
    """Number of chunks along each dimension."""
    return tuple(-(-s // c) if c else 1 for s, c in zip(array.shape, array.chunks))


def cf_attrs(array) -> dict:
    """The attributes xarray's zarr backend gives a v2 array (``_FillValue`` from the zarr fill value)."""
    attrs = {k: v for k, v in array.attrs.items() if k != "_ARRAY_DIMENSIONS"}
    fill = array.metadata.fill_value
    if fill is not None and "_FillValue" not in attrs:
        attrs["_FillValue"] = fill
    return attrs


def decode_cf(name: str, dims: tuple, values, attrs: dict):
    """CF-decode raw ``values`` as ``xarray.open_zarr`` does (fill/missing -> NaN, scale/offset)."""
    import xarray as xr

    var = xr.conventions.decode_cf_variable(
        name, xr.Variable(dims, values, dict(attrs)), decode_timedelta=False
    )
    return var.values


def read_block(store: CubeStore, array, index: tuple[int, ...]):
    """The decoded (raw, not CF) chunk ``index`` of ``array``, clipped to the array's shape.

    A chunk that fails to decode is dropped from the cache and fetched again once; if it still
    fails, DataError names the chunk and the cache folder.
    """
    try:
        return array.get_block_selection(index)
    except (ItsLiveError, KeyboardInterrupt, asyncio.CancelledError):
        raise
    except Exception as exc:
        key = chunk_key(array, index)
        where = f" (cache: {store.cache_root})" if store.cache_root is not None else ""
        if store.drop_cached(key):
            store.stats.add(chunks_refetched=1)
            try:
                return array.get_block_selection(index)
            except ItsLiveError:
                raise
            except Exception as again:
                raise DataError(
                    f"Chunk {key} of {store.url} cannot be decoded even after fetching it again ({again}): "
                    f"the store holds a damaged object{where}."
                ) from again
        raise DataError(
            f"Chunk {key} of {store.url} cannot be decoded ({exc}): the object is damaged{where}."
        ) from exc


def _read_cached(path: Path, size: int) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if len(data) == size else None


def _cached_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
