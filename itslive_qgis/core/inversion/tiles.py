"""The in-process inversion of a dataset, tile by tile (see :func:`.dataset.invert_dataset`).

The pixels are cut into (y, x) tiles of about :data:`TILE_BYTES` of pair values; each tile's
chunk columns are read and compacted (each pixel's usable pairs, ``columns.compact_columns``)
in a background thread while the previous tile is solved, then solved with the engine's
column path (or its batch path: robust fits, per-pixel lambda). Progress and cancellation are
checked between tiles.
"""

from __future__ import annotations

import time

import numpy as np

from ..cube import PAIR_DIM
from ..progress import SubProgress, check_cancelled, record_split

FILL_INT16 = -32767
#: budget of one in-process tile, at 12 bytes per pair and pixel on the column path (vx, vy and errors
#: as float32; 24 on the batch path): 200 px of the real block's 47,892 pairs. What a tile really
#: holds is different: the columns as stored (6 B), the compaction's usable mask (1 B) and each
#: pixel's compacted usable pairs (32 B per usable pair: index, values, weights). The tiled real
#: block in process (1,600 px, two tiles in flight) peaks at 685 MiB RSS, 517 MiB above the open cube.
TILE_BYTES = 128 * 2**20
OUTPUT_VARS = ("vx", "vy", "v", "count", "vx_sigma", "vy_sigma", "v_sigma")


def tile_arrays(sub, pair_w, ys, xs, raw=None):
    """values (2, P, K) float64 and weights for one (y, x) tile (``raw``: read with zarr directly)."""
    tile = sub.isel(y=ys, x=xs)

    def values(name):
        if raw is None:
            return tile[name].values
        out = np.empty(tile[name].shape, dtype=tile[name].dtype)  # the dtype xarray decodes to
        raw.read_into(name, ys, xs, out)
        return out

    vals = np.stack([_pixels_last(values(n)) for n in ("vx", "vy")])
    weights = None
    if isinstance(pair_w, str):
        err = _pixels_last(values(pair_w))
        with np.errstate(divide="ignore", invalid="ignore"):
            weights = np.where(np.isfinite(err) & (err > 0) & (err < 32000), 1.0 / err**2, 0.0)
    elif pair_w is not None:
        weights = np.broadcast_to(pair_w[:, None, :], vals.shape)
    return vals, weights


def _pixels_last(a):
    """(K, ny, nx) -> (ny*nx, K) float64 with the int16 fill value as NaN."""
    arr = np.asarray(a, dtype="float64")
    arr = np.where(arr <= FILL_INT16, np.nan, arr)
    return np.ascontiguousarray(arr.reshape(arr.shape[0], -1).T)


def invert_in_process(engine, sub, pair_w, lam_global, progress, raw=None):
    """The 7 output arrays (T, ny, nx) of ``sub`` inverted tile by tile with ``engine``.

    ``pair_w``: per-pair weights (Cw, K), the name of a per-pixel error variable, or None;
    ``raw``: a :class:`~itslive_qgis.core.io.raw_pairs.RawPairReader` of the same pairs, or None
    (read through xarray). Raises ``CancelledError`` between tiles when ``progress`` says so.
    """
    ny, nx = sub.sizes["y"], sub.sizes["x"]
    t = engine.n_steps
    out = {name: np.full((t, ny, nx), np.nan, dtype="float32") for name in OUTPUT_VARS if name != "count"}
    out["count"] = np.zeros((t, ny, nx), dtype="int32")
    n_pairs = sub.sizes[PAIR_DIM]
    columns = engine.columns_apply(lam_global)
    per_cell = 12 if columns else 24  # bytes per pair and pixel held for a tile
    tile_pixels = int(np.clip(TILE_BYTES // (per_cell * n_pairs), engine.batch_size(n_pairs), 4096))
    tiles = list(_tiles(sub, tile_pixels))
    reader = _ColumnReader(sub, pair_w, tiles, raw) if columns else None
    try:
        for i, (ys, xs) in enumerate(tiles):
            check_cancelled(progress)
            sp = SubProgress(progress, i / len(tiles), (i + 1) / len(tiles))
            if reader is not None:  # the chunk columns as read, pixels last (see inversion.columns)
                res = engine.run_compacted(reader.read(i), progress=sp, lam_global=lam_global)
            else:
                vals, weights = tile_arrays(sub, pair_w, ys, xs, raw)
                res = engine.run(vals, weights, progress=sp, lam_global=lam_global)
            shape = (t, ys.stop - ys.start, xs.stop - xs.start)
            for name, arr in outputs(res).items():
                out[name][:, ys, xs] = arr.T.reshape(shape)
    finally:
        if reader is not None:
            reader.close()
    if reader is not None:
        engine.add_time("read", reader.seconds)
        engine.add_time("layout", reader.layout)
        engine.add_time("read_wait", reader.waited)
        tm = engine.timings
        progress.log(
            f"Inversion: {int(tm.get('pixels', 0))} pixels solved with {int(tm.get('factorisations', 0))} "
            f"factorisations (pixels with the same pairs and weights share one); read {tm['read']:.2f} s "
            f"(ahead of the solve; {tm['read_wait']:.2f} s waited), layout {tm.get('layout', 0.0):.2f} s "
            "(ahead too), "
            f"solve {tm.get('solve', 0.0):.2f} s."
        )
        record_split(progress, tm)
    return out


class _ColumnReader:
    """``read(i)`` -> tile ``i``'s usable pairs per pixel (:class:`~.columns.Compacted`).

    Tile ``i + 1`` is read and compacted in a background thread while tile ``i`` is solved
    (decompression, compaction and the solve overlap: the codecs and the kernels release the
    GIL; on the tiled real block the main thread compacting between solves left a core idle:
    1.43 s in process, see bench/bench_inversion.py). With ``raw`` (an
    :class:`~itslive_qgis.core.io.raw_pairs.RawPairReader` of the same pairs) the chunk columns
    come from zarr directly, without a dask graph per tile. When the variables are integers
    whose only CF coding is one shared fill value (ITS_LIVE's int16 and -32767), the columns go
    to the compaction as stored: it gathers the pairs (sorted, filtered) and drops the fills
    itself, with no float copy of the tile first (``columns.compact_columns(rows=, fills=)``;
    on the tiled real block in process 1.14 s -> 1.00 s, 1.88 -> 1.54 s of CPU, the same
    result bit for bit). Otherwise they are decoded as xarray decodes them first.
    """

    def __init__(self, sub, pair_w, tiles, raw=None):
        from concurrent.futures import ThreadPoolExecutor

        self.sub, self.pair_w, self.tiles, self.raw = sub, pair_w, tiles, raw
        self.names = ["vx", "vy"] + ([pair_w] if isinstance(pair_w, str) else [])
        if pair_w is not None and not isinstance(pair_w, str) and np.array_equal(pair_w[0], pair_w[1]):
            self.pair_w = pair_w[:1]  # equal errors: vx and vy share the factorisation
        self.seconds = self.waited = self.layout = 0.0
        self.pool = ThreadPoolExecutor(max_workers=1)
        # the raw reads of the second and third variables (see _load_tile); xarray's read has its own
        self.side = ThreadPoolExecutor(max_workers=len(self.names) - 1) if raw is not None else None
        self.fills = self._stored_fills()
        self.pending = {0: self.pool.submit(self._load, 0)} if tiles else {}

    def _load(self, i):
        from .columns import compact_columns

        start = time.perf_counter()
        try:
            vals, weights, kind, gather = self._load_tile(i)
        finally:
            self.seconds += time.perf_counter() - start
        start = time.perf_counter()
        try:
            return compact_columns(vals, weights, kind, FILL_INT16, **gather)
        finally:
            self.layout += time.perf_counter() - start

    def _stored_fills(self):
        """The fill values when the tiles can be compacted from the chunk columns as stored (the raw
        read of integer variables whose only CF coding is one shared fill; vx and vy of one dtype),
        else None (decoded to float first)."""
        if self.raw is None or self.raw.arrays["vx"].dtype != self.raw.arrays["vy"].dtype:
            return None
        return self.raw.stored_fills(self.names)

    def _load_tile(self, i):
        """Tile ``i``'s values, weights, weight kind and the gather arguments of ``compact_columns``."""
        from .columns import PER_PAIR, PER_PIXEL_ERRORS, UNIT

        vals, err = self._read_tile(*self.tiles[i])
        # as stored: compact_columns gathers the pairs and drops the fills
        gather = {"rows": self.raw.positions, "fills": self.fills} if self.fills is not None else {}
        if err is not None:
            return vals, err, PER_PIXEL_ERRORS, gather
        if self.pair_w is None:
            return vals, np.zeros((0, 1, 1)), UNIT, gather
        return vals, np.ascontiguousarray(self.pair_w[:, :, None], dtype="float64"), PER_PAIR, gather

    def _read_tile(self, ys, xs):
        """vx and vy (2, N, P) and the errors (1, N, P) or None of one tile: the chunk columns as stored
        (N = the pairs on disk) when :attr:`fills` says so, else decoded as xarray decodes them (N =
        the dataset's pairs)."""
        ny, nx = ys.stop - ys.start, xs.stop - xs.start
        if self.fills is not None:
            n, read = self.raw.n_stored("vx"), self.raw.read_stored
            dtypes = [self.raw.arrays[name].dtype for name in self.names]
        else:
            n, read = self.sub.sizes[PAIR_DIM], None if self.raw is None else self.raw.read_into
            dtypes = [np.result_type(self.sub[name].dtype, np.float32) for name in self.names]
        vals = np.empty((2, n, ny, nx), dtype=np.result_type(dtypes[0], dtypes[1]))
        targets = [vals[0], vals[1]]
        err = None
        if isinstance(self.pair_w, str):
            err = np.empty((1, n, ny, nx), dtype=dtypes[2])
            targets.append(err[0])
        if read is not None:  # the variables side by side: one round trip to a remote store, not 2-3
            reads = [self.side.submit(read, name, ys, xs, t) for name, t in zip(self.names[1:], targets[1:])]
            read(self.names[0], ys, xs, targets[0])
            for pending in reads:
                pending.result()
        else:
            tile = self.sub.isel(y=ys, x=xs)
            _read_into([tile[name].transpose(PAIR_DIM, "y", "x") for name in self.names], targets)
        return vals.reshape(2, n, ny * nx), None if err is None else err.reshape(1, n, ny * nx)

    def read(self, i):
        """Tile ``i`` (read ahead: the next one starts loading now)."""
        if i + 1 < len(self.tiles):
            self.pending[i + 1] = self.pool.submit(self._load, i + 1)
        start = time.perf_counter()
        try:
            return self.pending.pop(i).result()
        finally:
            self.waited += time.perf_counter() - start

    def close(self):
        """Stop reading ahead."""
        for fut in self.pending.values():
            fut.cancel()
        self.pool.shutdown(wait=True)
        if self.side is not None:
            self.side.shutdown(wait=True)


def _read_into(sources, targets):
    """The values of the DataArrays ``sources`` into the arrays ``targets`` (views, same shapes).

    Dask-backed sources are stored chunk by chunk straight into their targets
    (:func:`dask.array.store`): no concatenated copy of the tile and no second copy into the
    kernels' layout. On the tiled real block (4 tiles of 40 x 10 px, vx and vy, 47,892 pairs) this
    took 1.06-1.09 s of CPU against 1.7-2.6 s for ``.values`` and a copy (load average 9-14).
    """
    lazy = [s.chunks is not None for s in sources]
    if all(lazy):
        import dask.array as da

        da.store([s.data for s in sources], targets, lock=False)
        return
    for source, target in zip(sources, targets):
        target[...] = source.values


def _tiles(sub, n_pixels):
    """(y, x) slices of up to ``n_pixels`` (at least one chunk) covering the grid, aligned with the
    dask chunks when there are any: strips of whole chunks down y, widened along x when the grid is
    fewer chunks high than a tile holds (a cluster block one chunk high: its tiles were one chunk
    each, a quarter of the pixels the memory allows)."""
    ny, nx = sub.sizes["y"], sub.sizes["x"]
    chunks = sub["vx"].chunks
    if chunks is None:
        rows = cols = max(1, int(np.sqrt(n_pixels)))
    else:
        cy, cx = chunks[1][0], chunks[2][0]
        n_chunks = max(1, n_pixels // max(1, cx * cy))
        down = min(n_chunks, -(-ny // cy))
        rows, cols = down * cy, max(1, n_chunks // down) * cx
    for y0 in range(0, ny, rows):
        for x0 in range(0, nx, cols):
            yield slice(y0, min(ny, y0 + rows)), slice(x0, min(nx, x0 + cols))


def outputs(res):
    """The output variables of one solved tile (engine result): velocity, speed, counts and sigmas."""
    vx, vy = res["velocity"][0], res["velocity"][1]
    sx, sy = res["sigma"][0], res["sigma"][1]
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.hypot(vx, vy)
        sv = np.where(v > 0, np.sqrt((vx * sx) ** 2 + (vy * sy) ** 2) / v, np.sqrt(0.5 * (sx**2 + sy**2)))
    return {"vx": vx, "vy": vy, "v": v, "count": res["count"], "vx_sigma": sx, "vy_sigma": sy, "v_sigma": sv}
