"""Zarr v2 datacube layout without zarr: metadata, chunk keys, chunk decoding.

The subset engine reads ITS_LIVE cubes chunk by chunk (so it can fetch many
chunks at once, cache them and resume), which needs the few facts zarr itself
uses: the consolidated ``.zmetadata`` of the store, the chunk grid of every
array, the key of a chunk (``v/0.12.34``), the codec of its bytes, and the CF
decoding xarray applies (``missing_value``/``_FillValue`` -> NaN).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import DataError

#: attrs that describe storage, not data, and are not copied to outputs
STORAGE_ATTRS = ("_ARRAY_DIMENSIONS", "coordinates", "missing_value", "_FillValue")


@dataclass(frozen=True)
class ArrayMeta:
    """One Zarr v2 array of a cube: shape, chunking, codec and attributes.

    Attributes
    ----------
    name : str
        Array name (also the folder of its chunk keys).
    dims : tuple of str
        Dimension names (``_ARRAY_DIMENSIONS``).
    shape, chunks : tuple of int
        Array shape and chunk shape, in elements.
    dtype : numpy.dtype
        On-disk dtype.
    fill_value : Any
        Zarr fill value (decoded: ``"NaN"`` -> nan), None when unset.
    compressor : dict or None
        numcodecs config of the compressor.
    filters : list of dict or None
        numcodecs configs of the filters.
    order : str
        ``"C"`` or ``"F"`` memory order of a chunk.
    separator : str
        Chunk-key separator (``"."`` by default).
    attrs : dict
        The array's attributes (``.zattrs``).
    """

    name: str
    dims: tuple[str, ...]
    shape: tuple[int, ...]
    chunks: tuple[int, ...]
    dtype: np.dtype
    fill_value: Any
    compressor: dict | None
    filters: list | None
    order: str
    separator: str
    attrs: dict = field(default_factory=dict)

    @property
    def chunk_grid(self) -> tuple[int, ...]:
        """Number of chunks along each dimension."""
        return tuple(math.ceil(s / c) if c else 1 for s, c in zip(self.shape, self.chunks))

    def chunk_key(self, index: tuple[int, ...]) -> str:
        """Store key of the chunk at ``index`` (``v/0.3.4``; ``mapping/0`` for 0-d arrays)."""
        if not self.shape:
            return f"{self.name}/0"
        return f"{self.name}/" + self.separator.join(str(int(i)) for i in index)

    def row_prefix(self, index_head: tuple[int, ...]) -> str:
        """Key prefix shared by every chunk whose leading indices are ``index_head``."""
        return f"{self.name}/" + "".join(f"{int(i)}{self.separator}" for i in index_head)

    def chunk_slices(self, index: tuple[int, ...]) -> tuple[slice, ...]:
        """Element ranges the chunk at ``index`` covers (clipped to the array shape)."""
        return tuple(slice(i * c, min((i + 1) * c, s)) for i, c, s in zip(index, self.chunks, self.shape))

    def missing_chunk(self) -> np.ndarray:
        """The raw content of a chunk that is not in the store (never written).

        Zarr's rule: the array's fill value; a null fill value reads as zeros (empty
        strings), as zarr-python 3 and so xarray read it.
        """
        fill = self.fill_value
        if fill is None:
            fill = "" if self.dtype.kind in "US" else 0
        return np.full(self.chunks, fill, dtype=self.dtype)


@dataclass(frozen=True)
class CubeLayout:
    """The consolidated metadata of one datacube store."""

    attrs: dict
    arrays: dict[str, ArrayMeta]

    def pair_vars(self, pair_dim: str) -> list[str]:
        """Names of 1-D arrays along the pair axis."""
        return [n for n, a in self.arrays.items() if a.dims == (pair_dim,)]

    def data_vars(self) -> list[str]:
        """Names of arrays that are not dimension coordinates or grid-mapping scalars."""
        dims = {d for a in self.arrays.values() for d in a.dims}
        return sorted(n for n, a in self.arrays.items() if n not in dims and a.shape)


def parse_zmetadata(raw: bytes, url: str) -> CubeLayout:
    """Parse a consolidated ``.zmetadata`` document (Zarr v2).

    Raises
    ------
    DataError
        When the document is not consolidated Zarr v2 metadata.
    """
    try:
        doc = json.loads(raw)
        meta = doc["metadata"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{url}: .zmetadata is not consolidated Zarr v2 metadata ({exc}).") from exc
    arrays: dict[str, ArrayMeta] = {}
    for key, zarray in meta.items():
        if not key.endswith("/.zarray") or key.count("/") != 1:
            continue
        name = key[: -len("/.zarray")]
        attrs = dict(meta.get(f"{name}/.zattrs", {}))
        arrays[name] = _array_meta(name, zarray, attrs, url)
    if not arrays:
        raise DataError(f"{url}: the store lists no arrays in .zmetadata.")
    return CubeLayout(attrs=dict(meta.get(".zattrs", {})), arrays=arrays)


def decode_chunk(raw: bytes | None, meta: ArrayMeta) -> np.ndarray:
    """Turn the stored bytes of one chunk into an array of ``meta.chunks`` elements.

    ``raw=None`` means the chunk is absent from the store: the fill value is returned.
    """
    if raw is None:
        return meta.missing_chunk()
    import numcodecs

    buf: Any = raw
    try:
        if meta.compressor:
            buf = numcodecs.get_codec(dict(meta.compressor)).decode(buf)
        for conf in reversed(meta.filters or []):
            buf = numcodecs.get_codec(dict(conf)).decode(buf)
    except Exception as exc:  # numcodecs raises RuntimeError/ValueError on corrupt input
        raise DataError(f"Chunk of {meta.name} could not be decompressed: {exc}") from exc
    if isinstance(buf, np.ndarray) and buf.dtype == object:
        arr = buf
    else:
        arr = np.frombuffer(buf, dtype=meta.dtype)
    if arr.size != int(np.prod(meta.chunks)):
        raise DataError(
            f"Chunk of {meta.name} has {arr.size} elements, expected {int(np.prod(meta.chunks))}."
        )
    return arr.reshape(meta.chunks, order=meta.order)


def decode_values(raw: np.ndarray, meta: ArrayMeta) -> np.ndarray:
    """CF-decode a numeric block as xarray does: fill/missing values -> NaN, scale/offset.

    Integer arrays with a fill or missing value become float32 (<= 2-byte integers)
    or float64, like ``xarray.decode_cf``. Strings are returned unchanged.
    """
    if raw.dtype.kind not in "iufb":
        return raw
    fills = []
    if meta.fill_value is not None:
        fills.append(meta.fill_value)
    if "_FillValue" in meta.attrs:
        fills.append(meta.attrs["_FillValue"])
    if "missing_value" in meta.attrs:
        fills.extend(np.atleast_1d(meta.attrs["missing_value"]).tolist())
    scale = meta.attrs.get("scale_factor")
    offset = meta.attrs.get("add_offset")
    if not fills and scale is None and offset is None:
        return raw
    if raw.dtype.kind in "iub":
        out_dtype = np.float32 if raw.dtype.itemsize <= 2 else np.float64
    else:
        out_dtype = raw.dtype
    out = raw.astype(out_dtype, copy=True)
    for fill in fills:
        if isinstance(fill, float) and math.isnan(fill):
            continue  # NaN fills are already NaN
        out[raw == np.asarray(fill).astype(raw.dtype)] = np.nan
    if scale is not None:
        out *= np.asarray(scale, dtype=out_dtype)
    if offset is not None:
        out += np.asarray(offset, dtype=out_dtype)
    return out


def pair_dataset(layout: CubeLayout, raw: dict[str, np.ndarray], pair_dim: str):
    """An xarray Dataset of whole 1-D pair arrays, CF-decoded the way ``open_zarr`` decodes.

    ``mid_date`` and the acquisition dates become datetime64, ``date_dt`` stays float
    days (``decode_timedelta=False``), float fill values become NaN.
    """
    import xarray as xr

    data_vars = {}
    coords = {}
    for name, values in raw.items():
        meta = layout.arrays[name]
        attrs = {k: v for k, v in meta.attrs.items() if k not in ("_ARRAY_DIMENSIONS", "coordinates")}
        if meta.fill_value is not None and meta.dtype.kind in "iuf":
            attrs["_FillValue"] = meta.fill_value
        var = xr.Variable((pair_dim,), values, attrs)
        if name == pair_dim:
            coords[name] = var
        else:
            data_vars[name] = var
    ds = xr.Dataset(data_vars, coords=coords)
    return xr.decode_cf(ds, decode_timedelta=False)


def clean_attrs(attrs: dict) -> dict:
    """Attributes of an array without storage-only keys (for outputs)."""
    return {k: v for k, v in attrs.items() if k not in STORAGE_ATTRS}


def _array_meta(name: str, zarray: dict, attrs: dict, url: str) -> ArrayMeta:
    if zarray.get("zarr_format", 2) != 2:
        raise DataError(f"{url}: array {name} is not Zarr format 2; this reader handles Zarr v2 cubes.")
    try:
        dtype = np.dtype(zarray["dtype"]) if not isinstance(zarray["dtype"], list) else None
    except TypeError as exc:
        raise DataError(f"{url}: array {name} has an unreadable dtype {zarray['dtype']!r}.") from exc
    if dtype is None:
        raise DataError(f"{url}: array {name} has a structured dtype, which ITS_LIVE cubes never use.")
    dims = tuple(attrs.get("_ARRAY_DIMENSIONS", ()))
    shape = tuple(int(s) for s in zarray["shape"])
    if len(dims) != len(shape):
        raise DataError(f"{url}: array {name} has no _ARRAY_DIMENSIONS matching its shape.")
    return ArrayMeta(
        name=name,
        dims=dims,
        shape=shape,
        chunks=tuple(int(c) for c in zarray["chunks"]),
        dtype=dtype,
        fill_value=_fill_value(zarray.get("fill_value"), dtype),
        compressor=zarray.get("compressor"),
        filters=zarray.get("filters"),
        order=zarray.get("order", "C"),
        separator=zarray.get("dimension_separator", "."),
        attrs=attrs,
    )


def _fill_value(value, dtype: np.dtype):
    if value is None:
        return None
    if dtype.kind == "f":
        if value in ("NaN", "nan"):
            return float("nan")
        if value in ("Infinity", "-Infinity"):
            return float("inf") if value == "Infinity" else float("-inf")
        return float(value)
    if dtype.kind in "iu":
        return int(value)
    if dtype.kind == "b":
        return bool(value)
    return value
