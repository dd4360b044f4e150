"""Assemble subset pixels from the cubes' chunks and write the output file block by block.

Chunks are read and decoded by zarr through each cube's store (:mod:`.zstore`: cached,
retried, single-flight, so a block waits for a chunk still downloading rather than fetching it
twice) and CF-decoded by xarray's rules.

The small part of the output (coordinates, 1-D pair variables, ``mapping``, attributes)
is written by xarray; the gridded variables are then created empty and filled one
spatial block (all pairs x a few rows and columns) at a time, so memory stays near
``max_memory_bytes`` whatever the subset's size. Blocks are assembled by a small
thread pool but written in a fixed order (byte-identical files for equal inputs). A
small LRU of decoded chunks avoids decompressing a source chunk twice when it
straddles two blocks.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import CancelledError
from ..io import (
    ALL_CHUNKS_ATTR,
    NETCDF_WRITE_LOCK,
    atomic_output,
    cf,
    cf_attrs,
    chunk_key,
    decode_cf,
    read_block,
)
from .grid import gather, rotate
from .writers import NetcdfWriter, ZarrWriter, chunk_side, small_var_encoding

VELOCITY_FAMILY = ("v", "vx", "vy", "v_error", "va", "vr")
#: blocks beyond this are no faster to assemble, and smaller ones overlap assembly and writing
MAX_BLOCK_BYTES = 256 * 1024**2


class BlockAssembler:
    """Builds the gridded variables of one output block from the cubes' cached chunks.

    Parameters
    ----------
    cubes : list
        Prepared cubes (``subset.CubeInput``) with placement, selection and chunk refs.
    n_pairs : int
        Length of the output pair axis.
    vars3d, vars2d : list of str
        Output variables with dims (mid_date, y, x) and (y, x).
    max_v_error_m_per_yr : float or None
        Per pixel and pair, velocities whose ``v_error`` exceeds this become NaN.
    cache_bytes : int
        Capacity of the decoded-chunk LRU, bytes.
    progress : Progress
        Checked for cancellation before each block.
    """

    def __init__(self, cubes, n_pairs, vars3d, vars2d, max_v_error_m_per_yr, cache_bytes, progress):
        self.cubes = cubes
        self.n_pairs = n_pairs
        self.vars3d = list(vars3d)
        self.vars2d = list(vars2d)
        self.max_v_error = max_v_error_m_per_yr
        self.cache = _LRU(cache_bytes)
        self.progress = progress

    def __call__(self, ys: slice, xs: slice) -> dict:
        """All output variables of the block (pairs, ys, xs)."""
        if self.progress.is_cancelled():
            raise CancelledError("Cancelled by the user.")
        by, bx = ys.stop - ys.start, xs.stop - xs.start
        out = {n: np.full((self.n_pairs, by, bx), np.nan, dtype="float32") for n in self.vars3d}
        out.update({n: np.full((by, bx), np.nan, dtype="float32") for n in self.vars2d})
        covered = np.zeros((by, bx), dtype=bool)
        for cube in self.cubes:
            self._add_cube(cube, (ys, xs), out, covered)
        return out

    def _add_cube(self, cube, sl, out, covered) -> None:
        placement = cube.placement
        valid = placement.valid[sl]
        if not valid.any():
            return
        rows, cols = np.nonzero(valid)
        src_r, src_c = placement.source_pixels(sl)
        r0, r1, c0, c1 = int(src_r.min()), int(src_r.max()) + 1, int(src_c.min()), int(src_c.max()) + 1
        values = {}
        for name in cube.read3d:
            window = self._window3d(cube, name, r0, r1, c0, c1, src_r, src_c)
            values[name] = gather(window, r0, c0, placement, sl, rows, cols)
        if self.max_v_error is not None and "v_error" in values:
            bad = values["v_error"] > self.max_v_error
            for name in VELOCITY_FAMILY:
                if name in values:
                    values[name][bad] = np.nan
        if placement.cos is not None and "vx" in values and "vy" in values:
            cos, sin = placement.cos[sl][rows, cols], placement.sin[sl][rows, cols]
            values["vx"], values["vy"] = rotate(values["vx"], values["vy"], cos, sin)
        flat = rows * (sl[1].stop - sl[1].start) + cols
        fresh = ~covered[rows, cols]  # pixels no earlier cube filled: plain assignment
        all_pairs = cube.out_pos.size == self.n_pairs and bool(
            np.all(cube.out_pos == np.arange(self.n_pairs))
        )
        for name in self.vars3d:
            if name not in values:
                continue
            target = out[name].reshape(self.n_pairs, -1)
            vals = values[name]
            if fresh.all() and all_pairs:
                target[:, flat] = vals
            elif fresh.all():
                target[np.ix_(cube.out_pos, flat)] = vals
            else:  # overlap with an earlier tile: keep its values, fill its gaps
                sub = target[np.ix_(cube.out_pos, flat)]
                take = np.isnan(sub) | fresh[None, :]
                sub[take] = vals[take]
                target[np.ix_(cube.out_pos, flat)] = sub
        covered[rows, cols] = True
        for name in self.vars2d:
            if name not in cube.layout.arrays:
                continue
            window = self._window2d(cube, name, r0, r1, c0, c1)
            pr, pc = placement.row[sl][rows, cols] - r0, placement.col[sl][rows, cols] - c0
            cur = out[name][rows, cols]
            out[name][rows, cols] = np.where(np.isnan(cur), window[pr, pc], cur)

    def _window3d(self, cube, name, r0, r1, c0, c1, src_r, src_c) -> np.ndarray:
        meta = cube.layout.arrays[name]
        ct, cr, cc = meta.chunks
        window = np.full((cube.disk_index.size, r1 - r0, c1 - c0), np.nan, dtype="float32")
        needed = set(zip((src_r // cr).tolist(), (src_c // cc).tolist()))
        for ri, ci in sorted(needed):
            if self.progress.is_cancelled():
                raise CancelledError("Cancelled by the user.")
            ys = slice(max(ri * cr, r0), min((ri + 1) * cr, r1))
            xs = slice(max(ci * cc, c0), min((ci + 1) * cc, c1))
            for t, (local, sel_pos) in cube.time_groups(name).items():
                block = self._decoded(cube, name, (t, ri, ci), local)
                window[sel_pos, ys.start - r0 : ys.stop - r0, xs.start - c0 : xs.stop - c0] = block[
                    :, ys.start - ri * cr : ys.stop - ri * cr, xs.start - ci * cc : xs.stop - ci * cc
                ]
        return window

    def _window2d(self, cube, name, r0, r1, c0, c1) -> np.ndarray:
        arr = cube.layout.arrays[name]
        cr, cc = arr.chunks
        window = np.full((r1 - r0, c1 - c0), np.nan, dtype="float32")
        for ri in range(r0 // cr, (r1 - 1) // cr + 1):
            for ci in range(c0 // cc, (c1 - 1) // cc + 1):
                if chunk_key(arr, (ri, ci)) not in cube.store.listing:
                    continue  # not planned: outside the area
                block = self._read(cube, name, (ri, ci))
                ys = slice(max(ri * cr, r0), min((ri + 1) * cr, r1))
                xs = slice(max(ci * cc, c0), min((ci + 1) * cc, c1))
                window[ys.start - r0 : ys.stop - r0, xs.start - c0 : xs.stop - c0] = block[
                    ys.start - ri * cr : ys.stop - ri * cr, xs.start - ci * cc : xs.stop - ci * cc
                ]
        return window

    def _decoded(self, cube, name, index, local) -> np.ndarray:
        key = (cube.number, name, index)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        block = self._read(cube, name, index, local).astype("float32", copy=False)
        self.cache.put(key, block)
        return block

    def _read(self, cube, name, index, local=None) -> np.ndarray:
        """Chunk ``index`` of ``name`` (pairs ``local`` of it), CF-decoded: fills -> NaN."""
        if self.progress.is_cancelled():
            raise CancelledError("Cancelled by the user.")
        arr = cube.layout.arrays[name]
        raw = read_block(cube.store, arr, index)
        if local is not None:
            raw = raw[local]
        return decode_cf(name, tuple(f"d{i}" for i in range(raw.ndim)), raw, cf_attrs(arr))


def block_shape(n_pairs: int, n_vars: int, ny: int, nx: int, max_memory_bytes: int, workers: int):
    """Rows and columns per block so ``workers`` blocks in flight stay within the budget.

    Blocks are whole output chunks (:func:`subset_writers.chunk_side` cells per side), so
    with very long pair axes one block of 4 x 4 cells is the floor.
    """
    bytes_per_pixel = max(1, n_pairs) * 4 * max(1, n_vars) * 3
    budget = min(max_memory_bytes * 0.75 / max(1, workers), MAX_BLOCK_BYTES)
    pixels = max(1, int(budget // bytes_per_pixel))
    if pixels >= ny * nx:
        return ny, nx
    step = chunk_side(n_pairs)
    side = max(step, int(math.sqrt(pixels)) // step * step)
    return min(ny, side), min(nx, side)


@dataclass(frozen=True)
class GridVar:
    """A gridded output variable written block by block: name, dims and attributes."""

    name: str
    dims: tuple[str, ...]
    attrs: dict


def write_subset(
    ds,
    grid_vars: list[GridVar],
    assembler: BlockAssembler,
    block_rows: int,
    block_cols: int,
    output_path: Path,
    progress,
    workers: int = 2,
) -> None:
    """Write the file atomically: small variables first, then the gridded ones block by block.

    ``ds`` holds coordinates, 1-D pair variables, ``mapping`` and the global attributes;
    the gridded variables are created empty (NaN fill) and filled one block (all pairs x
    ``block_rows`` x ``block_cols``) at a time. Up to ``workers`` blocks are assembled in
    parallel but written in a fixed order, so equal inputs give byte-identical files.
    Cancellation is checked between blocks; the temporary file is removed on any error.
    """
    output_path = Path(output_path)
    is_zarr = output_path.suffix.lower() == ".zarr"
    ny, nx = ds.sizes["y"], ds.sizes["x"]
    ds, grid_vars = _disk_layout(ds, grid_vars)
    blocks = [
        (slice(y0, min(ny, y0 + block_rows)), slice(x0, min(nx, x0 + block_cols)))
        for y0 in range(0, ny, block_rows)
        for x0 in range(0, nx, block_cols)
    ]
    with atomic_output(output_path) as tmp:
        if is_zarr:
            writer = start_zarr_subset(tmp, ds, grid_vars)
            try:
                _stream_blocks(blocks, assembler, writer, progress, workers)
            finally:
                writer.close()
        else:
            # netCDF-C/HDF5 are not thread-safe: one NetCDF output at a time in this process
            _acquire(NETCDF_WRITE_LOCK, progress)
            try:
                enc = cf.encoding(ds, False, small_var_encoding(ds, False))
                ds.to_netcdf(tmp, engine="netcdf4", format="NETCDF4", encoding=enc)
                writer = NetcdfWriter(tmp, ds, grid_vars)
                try:
                    _stream_blocks(blocks, assembler, writer, progress, workers)
                finally:
                    writer.close()
            finally:
                NETCDF_WRITE_LOCK.release()


def start_zarr_subset(target, ds, grid_vars, storage_options: dict | None = None) -> ZarrWriter:
    """Write the small part of a Zarr subset (``ds`` in the disk layout) and create its empty gridded arrays.

    Every chunk is written, even all-NaN ones, so that an absent chunk file means damage (zstore
    reads such a store strictly: see ``ALL_CHUNKS_ATTR``). ``target``: a path or an fsspec URL.
    Used by :func:`write_subset` and by the cluster's template task (core.cluster.subset), so both
    stores have one layout.
    """
    import zarr

    ds = ds.assign_attrs({ALL_CHUNKS_ATTR: "yes"})
    with zarr.config.set({"array.write_empty_chunks": True}):
        ds.to_zarr(
            target,
            mode="w",
            zarr_format=2,
            consolidated=False,
            encoding=cf.encoding(ds, True, small_var_encoding(ds, True)),
            write_empty_chunks=True,
            storage_options=storage_options,
        )
        return ZarrWriter(target, ds, grid_vars, storage_options)


def disk_layout(ds, grid_vars):
    """``ds`` and ``grid_vars`` in the CF on-disk layout (io.cf): pairs along ``pair``, mid_date auxiliary."""
    return _disk_layout(ds, grid_vars)


def _disk_layout(ds, grid_vars):
    """The CF on-disk layout (io.cf): pairs along the ``pair`` index dimension, mid_date auxiliary."""
    disk = cf.pairs_to_disk(ds)
    if disk is ds:
        return ds, grid_vars
    out = []
    for gv in grid_vars:
        if cf.PAIR_DIM in gv.dims:
            dims = tuple(cf.PAIR_INDEX_DIM if d == cf.PAIR_DIM else d for d in gv.dims)
            gv = GridVar(gv.name, dims, {**gv.attrs, "coordinates": cf.PAIR_DIM})
        out.append(gv)
    return disk, out


def _acquire(lock: threading.Lock, progress) -> None:
    """Wait for ``lock``, staying responsive to cancellation."""
    while not lock.acquire(timeout=0.2):
        if progress.is_cancelled():
            raise CancelledError("Cancelled by the user.")


def _stream_blocks(blocks, assembler, writer, progress, workers) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="itslive-block") as ex:
        pending = []
        nxt = 0
        try:
            for i in range(len(blocks)):
                while nxt < len(blocks) and len(pending) < max(1, workers):
                    pending.append(ex.submit(assembler, *blocks[nxt]))
                    nxt += 1
                values = pending.pop(0).result()
                if progress.is_cancelled():
                    raise CancelledError("Cancelled by the user.")
                writer.write(blocks[i], values)
                progress.report((i + 1) / len(blocks))
        finally:
            for fut in pending:
                fut.cancel()


class _LRU:
    """Thread-safe LRU of numpy arrays bounded in bytes."""

    def __init__(self, capacity_bytes: int):
        self.capacity = max(0, int(capacity_bytes))
        self.items: OrderedDict = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value: np.ndarray) -> None:
        if value.nbytes > self.capacity:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.size += value.nbytes
            while self.size > self.capacity and self.items:
                _, old = self.items.popitem(last=False)
                self.size -= old.nbytes
