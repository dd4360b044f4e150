"""Writers of the gridded subset variables: NetCDF4 (zlib) and Zarr v2, block by block.

NetCDF4: netCDF-C (netCDF4-python) creates every variable with the deflate + shuffle
filters and the chunking below, then the chunks are compressed in a thread pool
(``zlib`` releases the GIL, so this uses every core) and stored with HDF5 direct chunk
writes (h5py), in a fixed order. The bytes are exactly what netCDF-C would have written
through its own (single-threaded) filter pipeline, so any netCDF reader opens the file.
Without h5py the writer falls back to plain netCDF4-python writes.

Zarr: arrays are created with the cubes' codec (Blosc zlib level 2, shuffle) and
``.zmetadata`` is consolidated at the end.
"""

from __future__ import annotations

import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..io import cf, library_lock

OUTPUT_CHUNK_PAIRS = 2000
OUTPUT_CHUNK_PIXELS = 16
ZLIB_LEVEL = 2


def chunk_side(n_pairs: int) -> int:
    """Cells per side of an output chunk: 16, or 8 / 4 for long pair axes (blocks stay small)."""
    if n_pairs <= 25_000:
        return OUTPUT_CHUNK_PIXELS
    return OUTPUT_CHUNK_PIXELS // 2 if n_pairs <= 100_000 else OUTPUT_CHUNK_PIXELS // 4


def output_chunks(shape: tuple[int, ...], side: int = OUTPUT_CHUNK_PIXELS) -> tuple[int, ...]:
    """Chunk shape of a gridded output variable: (2000 pairs, side, side) or (side, side), clipped."""
    if len(shape) == 3:
        return (
            max(1, min(shape[0], OUTPUT_CHUNK_PAIRS)),
            max(1, min(shape[1], side)),
            max(1, min(shape[2], side)),
        )
    return tuple(max(1, min(s, side)) for s in shape)


def small_var_encoding(ds, is_zarr: bool) -> dict:
    """Encodings of the small variables: dates as float64 days, NaN fills, zlib compression.

    In NetCDF, strings (satellites, granule URLs) are stored as CF character arrays
    (UTF-8, one extra ``string<N>`` dimension), which readers decode back to strings.
    """
    enc: dict = {}
    for name, var in ds.variables.items():
        e: dict = {}
        if np.issubdtype(var.dtype, np.datetime64):
            e.update(units="days since 1970-01-01", calendar="proleptic_gregorian", dtype="float64")
        elif var.dtype.kind == "f":
            e["_FillValue"] = np.nan
        elif var.dtype.kind in "USO" and var.ndim >= 1 and not is_zarr:
            # CF char arrays: compressible and ~4x faster to write than variable-length strings
            e.update(dtype="S1", zlib=True, complevel=ZLIB_LEVEL)
        if (var.dtype.kind in "fiuM") and var.ndim >= 1:
            if is_zarr:
                import numcodecs

                e["compressors"] = (numcodecs.Blosc(cname="zlib", clevel=ZLIB_LEVEL, shuffle=1),)
            else:
                e.update(zlib=True, complevel=ZLIB_LEVEL, shuffle=True)
        if e:
            enc[name] = e
    return enc


class NetcdfWriter:
    """Adds the gridded variables to a NetCDF4 file and fills them block by block.

    Blocks must be aligned to :func:`output_chunks` (every block covers whole chunks,
    or reaches the array edge).
    """

    def __init__(self, path: Path, ds, grid_vars: list):
        import netCDF4

        self.path = Path(path)
        self.lock = library_lock()
        self.shapes = {gv.name: tuple(ds.sizes[d] for d in gv.dims) for gv in grid_vars}
        self.side = chunk_side(_n_pairs(ds))
        with self.lock:
            nc = netCDF4.Dataset(self.path, "a")
            try:
                for gv in grid_vars:
                    var = nc.createVariable(
                        gv.name,
                        "f4",
                        gv.dims,
                        zlib=True,
                        complevel=ZLIB_LEVEL,
                        shuffle=True,
                        chunksizes=output_chunks(self.shapes[gv.name], self.side),
                        fill_value=np.float32(np.nan),
                    )
                    var.setncatts(gv.attrs)
            finally:
                nc.close()
        try:
            import h5py

            self.h5 = h5py.File(self.path, "r+")
            self.nc = None
        except ImportError:  # pragma: no cover - h5py is in the requirements
            self.h5 = None
            self.nc = netCDF4.Dataset(self.path, "a")
        self.pool = ThreadPoolExecutor(
            max_workers=max(1, os.cpu_count() or 1), thread_name_prefix="itslive-zlib"
        )

    def write(self, block, values: dict) -> None:
        """Store every variable of one block (all pairs x rows ``block[0]`` x columns ``block[1]``)."""
        ys, xs = block
        for name, shape in self.shapes.items():
            data = values[name]
            if self.h5 is None:
                with self.lock:
                    target = self.nc[name]
                    if data.ndim == 3:
                        target[:, ys, xs] = data
                    else:
                        target[ys, xs] = data
                continue
            chunks = output_chunks(shape, self.side)
            origin = (0, ys.start, xs.start) if data.ndim == 3 else (ys.start, xs.start)
            pieces = list(_chunk_pieces(data, origin, chunks))
            encoded = self.pool.map(_deflate, [p[1] for p in pieces], [chunks] * len(pieces))
            dset = self.h5[name]
            for (offset, _), payload in zip(pieces, encoded):
                dset.id.write_direct_chunk(offset, payload, 0)

    def close(self) -> None:
        """Flush and close the file."""
        self.pool.shutdown(wait=True)
        if self.h5 is not None:
            self.h5.close()
        else:
            with self.lock:
                self.nc.close()


class ZarrWriter:
    """Adds the gridded variables to a Zarr v2 store and fills them block by block."""

    def __init__(self, path: Path, ds, grid_vars: list, storage_options: dict | None = None):
        import numcodecs
        import zarr

        self.path = path
        self.storage_options = storage_options
        self.group = zarr.open_group(str(path), mode="r+", zarr_format=2, storage_options=storage_options)
        self.arrays = {}
        side = chunk_side(_n_pairs(ds))
        gdal_crs = cf.gdal_zarr_crs(dict(ds["mapping"].attrs)) if "mapping" in ds.variables else {}
        for gv in grid_vars:
            shape = tuple(ds.sizes[d] for d in gv.dims)
            attrs = {**_jsonable(gv.attrs), **gdal_crs, "_ARRAY_DIMENSIONS": list(gv.dims)}
            self.arrays[gv.name] = self.group.create_array(
                gv.name,
                shape=shape,
                chunks=output_chunks(shape, side),
                dtype="float32",
                fill_value=np.nan,
                compressors=numcodecs.Blosc(cname="zlib", clevel=ZLIB_LEVEL, shuffle=1),
                attributes=attrs,
            )

    def write(self, block, values: dict) -> None:
        """Store every variable of one block."""
        ys, xs = block
        for name, arr in self.arrays.items():
            data = values[name]
            if data.ndim == 3:
                arr[:, ys, xs] = data
            else:
                arr[ys, xs] = data

    @classmethod
    def existing(cls, path, names: list, storage_options: dict | None = None) -> ZarrWriter:
        """A writer of the gridded arrays ``names`` already created in the store at ``path`` (a cluster
        worker writing its block); all-NaN chunks are written too, as by a new writer."""
        import zarr

        writer = cls.__new__(cls)
        writer.path = path
        writer.storage_options = storage_options
        with zarr.config.set({"array.write_empty_chunks": True}):
            writer.group = zarr.open_group(
                str(path), mode="r+", zarr_format=2, use_consolidated=False, storage_options=storage_options
            )
            writer.arrays = {name: writer.group[name] for name in names}
        return writer

    def close(self) -> None:
        """Consolidate the metadata."""
        import zarr

        zarr.consolidate_metadata(self.group.store, zarr_format=2)


def _n_pairs(ds) -> int:
    """Length of the pair axis: ``pair`` on disk (io.cf), ``mid_date`` in older layouts."""
    return int(ds.sizes["pair"] if "pair" in ds.sizes else ds.sizes["mid_date"])


def _chunk_pieces(data: np.ndarray, origin: tuple, chunks: tuple):
    """(chunk offset in the variable, data of that chunk) for every chunk of a block."""
    ranges = [range(0, n, c) for n, c in zip(data.shape, chunks)]
    for start in np.ndindex(*[len(r) for r in ranges]):
        lo = [r[i] for r, i in zip(ranges, start)]
        sl = tuple(slice(a, min(a + c, n)) for a, c, n in zip(lo, chunks, data.shape))
        yield tuple(int(o + a) for o, a in zip(origin, lo)), data[sl]


def _deflate(piece: np.ndarray, chunks: tuple) -> bytes:
    """HDF5 filter pipeline of one float32 chunk: pad to the chunk shape, shuffle (4-byte), deflate."""
    if piece.shape != tuple(chunks):
        full = np.full(chunks, np.nan, dtype="float32")
        full[tuple(slice(0, n) for n in piece.shape)] = piece
        piece = full
    raw = np.ascontiguousarray(piece, dtype="<f4").view(np.uint8).reshape(-1, 4)
    return zlib.compress(np.ascontiguousarray(raw.T).tobytes(), ZLIB_LEVEL)


def _jsonable(attrs: dict) -> dict:
    out = {}
    for k, v in attrs.items():
        if isinstance(v, np.ndarray):
            v = v.tolist()
        elif isinstance(v, np.generic):
            v = v.item()
        out[k] = v
    return out
