"""Block plan: whole chunk columns (every pair of a few ``cy x cx`` footprints) per task.

A cube chunk holds every pair of ``cy x cx`` pixels (ITS_LIVE: (20000, 10, 10)), so a block
made of whole chunk columns is read with no byte wasted and handed to the kernel as is.
Blocks also follow the result store's chunks (``(time, cy, cx)``), so no two tasks ever
write the same output chunk (zarr writes whole chunks: two writers of one chunk would race).
"""

from __future__ import annotations

import math

#: memory of a block on a worker, measured on the real block (47,892 pairs; bench/bench_cluster.py,
#: docs/scaling.md): peak worker RSS 1,164 MiB with 100-px blocks and 1,590 MiB with 400-px blocks
#: over a 550 MiB base (imports), i.e. about 10 kB per pair whatever the block (the time grid's
#: design, the pair metadata) plus about 30 bytes per pixel and pair (the float32 block read,
#: invert_dataset's float64 values and weights of vx and vy and their copies)
BYTES_PER_PAIR = 10_000
BYTES_PER_PIXEL_PAIR = 32
#: default memory a block may take on a worker
DEFAULT_BLOCK_BYTES = 1024 * 2**20


def plan_blocks(
    ny: int,
    nx: int,
    chunk_y: int,
    chunk_x: int,
    n_pairs: int,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    min_blocks: int = 1,
    max_block_pixels: int | None = None,
) -> list[tuple[slice, slice]]:
    """(y slice, x slice) blocks covering ``ny x nx`` pixels, each a whole number of chunks.

    Parameters
    ----------
    ny, nx : int
        Pixels of the grid.
    chunk_y, chunk_x : int
        Chunk size (pixels) along y and x; blocks start on chunk boundaries.
    n_pairs : int
        Pairs per pixel (a block takes :data:`BYTES_PER_PAIR` per pair plus
        :data:`BYTES_PER_PIXEL_PAIR` per pixel and pair).
    block_bytes : int
        Memory one block may take on a worker (besides the worker's imports, about 0.55 GiB); at
        least one chunk column per block.
    min_blocks : int
        Split further (down to one chunk column per block) until there are this many blocks.
    max_block_pixels : int, optional
        Upper bound on the pixels of a block.
    """
    cy, cx = max(1, int(chunk_y)), max(1, int(chunk_x))
    grid_y, grid_x = math.ceil(ny / cy), math.ceil(nx / cx)
    pairs = max(1, int(n_pairs))
    per_chunk = BYTES_PER_PIXEL_PAIR * pairs * cy * cx
    k = max(1, int((block_bytes - BYTES_PER_PAIR * pairs) // per_chunk))
    if max_block_pixels:
        k = min(k, max(1, int(max_block_pixels) // (cy * cx)))
    k = min(k, max(1, (grid_y * grid_x) // max(1, int(min_blocks))))
    kx = min(k, grid_x)
    ky = max(1, min(grid_y, k // kx))
    blocks = []
    for by in range(0, grid_y, ky):
        for bx in range(0, grid_x, kx):
            ys = slice(by * cy, min(ny, (by + ky) * cy))
            xs = slice(bx * cx, min(nx, (bx + kx) * cx))
            blocks.append((ys, xs))
    return blocks


def peak_rss_bytes() -> int:
    """This process's peak resident memory since it started (bytes).

    Linux: ``VmHWM`` of ``/proc/self/status``, the high-water mark of this process image.
    ``getrusage().ru_maxrss`` is not used there: the kernel carries it over ``execve``, so a worker
    spawned (fork, then exec) from a large process, a long pytest session or QGIS, reports that
    process's size at the fork (measured: 0.9 GB for a worker that used 0.43 GB). Elsewhere
    ``ru_maxrss`` (bytes on macOS, KiB on other systems).
    """
    import resource
    import sys

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)
