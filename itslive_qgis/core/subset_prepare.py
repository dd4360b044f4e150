"""Planning of a subset: open the cubes, place the area, select pairs, list the chunks.

Two rounds of requests: first each cube's ``.zmetadata`` and x/y (to find which cubes
the area touches and the output grid), then the 1-D pair metadata of those cubes
(to select pairs), then a listing of the chunks that hold the selected pixels and
pairs. Nothing gridded is downloaded here.
"""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .area import area_geometry
from .crs import as_crs, crs_from_attrs, transform_geometry
from .cube import PAIR_DIM, to_days
from .errors import DataError, InputError
from .progress import Progress, check_cancelled
from .store import StoreConfig, is_remote, to_s3_url
from .subset_fetch import ChunkRef, HttpSource, LocalSource, fetch_chunks, make_pool, read_chunk
from .subset_grid import (
    Grid,
    Placement,
    area_mask,
    grid_footprint,
    place,
    target_grid,
)
from .subset_pairs import SELECTION_VARS, PairUnion, select_pairs, union_pairs, window_mask
from .subset_zarr import CubeLayout, decode_chunk, pair_dataset, parse_zmetadata

LIST_PAGE = 1000
HIDDEN_VARS = ("mapping", "spatial_ref")


@dataclass
class CubeInput:
    """One cube of a subset and everything planned for it."""

    number: int
    url: str
    source: object
    layout: CubeLayout
    crs: object = None
    grid: Grid | None = None
    placement: Placement | None = None
    selection: object = None
    disk_index: np.ndarray | None = None
    out_pos: np.ndarray | None = None
    union: PairUnion | None = None
    stat: dict = field(default_factory=dict)
    meta_refs: list = field(default_factory=list)
    data_refs: list = field(default_factory=list)
    pair_refs: list = field(default_factory=list)
    grid_refs: list = field(default_factory=list)
    read3d: list = field(default_factory=list)
    vars3d: list = field(default_factory=list)
    vars2d: list = field(default_factory=list)
    vars1d: list = field(default_factory=list)
    target_crs: object = None
    target_crs_name: str = ""
    target_grid: Grid | None = None
    resampling_label: str = ""
    area_mask: np.ndarray | None = None
    n_absent: int = 0
    _groups: dict = field(default_factory=dict, repr=False)

    @property
    def date_updated(self) -> str:
        """The cube's ``date_updated`` (or ``date_created``) attribute."""
        return str(self.layout.attrs.get("date_updated", self.layout.attrs.get("date_created", "")))

    def ref(self, key: str) -> ChunkRef | None:
        """Chunk reference of a listed key (None when the store does not have it)."""
        info = self.stat.get(key)
        return None if info is None else ChunkRef(self.source, key, info[0], info[1])

    def time_groups(self, name: str) -> dict:
        """Selected pairs grouped by time chunk of ``name``: t -> (index in chunk, index in selection)."""
        if name not in self._groups:
            ct = self.layout.arrays[name].chunks[0]
            t = self.disk_index // ct
            groups = {}
            for ti in np.unique(t):
                sel = np.flatnonzero(t == ti)
                groups[int(ti)] = (self.disk_index[sel] - ti * ct, sel)
            self._groups[name] = groups
        return self._groups[name]

    def read_pair_values(self, name: str, disk_index: np.ndarray) -> np.ndarray:
        """Raw on-disk values of a 1-D pair variable at ``disk_index`` (ascending)."""
        meta = self.layout.arrays[name]
        c = meta.chunks[0]
        parts = []
        for ti in np.unique(disk_index // c):
            local = disk_index[(disk_index // c) == ti] - ti * c
            ref = self.ref(meta.chunk_key((int(ti),)))
            raw = decode_chunk(read_chunk(ref) if ref is not None else None, meta)
            parts.append(raw[local])
        if not parts:
            return np.empty(0, dtype=meta.dtype)
        values = np.concatenate(parts)
        if values.dtype.kind == "U" and values.dtype.itemsize > 64:
            values = values.astype(object)  # e.g. granule_url <U1024: 4 kB a pair as fixed width
        return values


def prepare_cubes(query, area, config: StoreConfig, progress: Progress, max_workers, stats, cancel):
    """Open, place and select; returns the cubes that contribute (see module doc)."""
    pool = make_pool(config, max_workers) if any(is_remote(u) for u in query["s3_urls"]) else None
    urls = list(enumerate(query["s3_urls"]))
    with ThreadPoolExecutor(max_workers=min(8, len(urls))) as ex:  # one round trip for all cubes
        cubes = list(ex.map(lambda item: _open(item[0], item[1], query, config, stats, cancel, pool), urls))
    for cube, given in zip(cubes, query["cube_urls"]):
        cube.url = given
    _check_variables(cubes, query["variables"])
    check_cancelled(progress)
    _read_grids(cubes)
    cubes = _place_area(cubes, query, area)
    progress.report(0.3)
    check_cancelled(progress)
    _fetch_and_stat(
        cubes, lambda c: {n: _all_chunks(c, n) for n in _selection_vars(c)}, stats, cancel, max_workers
    )
    cubes = _select(cubes, query)
    progress.report(0.7)
    check_cancelled(progress)
    _plan_data_chunks(cubes, query)
    progress.report(1.0)
    return cubes


# -- steps --------------------------------------------------------------------------------------------
def _open(number, url, query, config, stats, cancel, pool) -> CubeInput:
    if is_remote(url):
        if not config.anon:
            raise InputError(
                "The subset download reads the public bucket (or a mirror) anonymously: set anon=True "
                "in the store settings; signed requests are not supported."
            )
        source = HttpSource(to_s3_url(url, config.bucket), config, stats, cancel, pool)
    else:
        source = LocalSource(url, stats)
    raw = source.get(".zmetadata")
    if raw is None:
        raise InputError(
            f"No ITS_LIVE datacube at {url} (no consolidated .zmetadata): check the URL, the endpoint "
            f"({config.describe()}) or the local path."
        )
    layout = parse_zmetadata(raw, url)
    for name in (PAIR_DIM, "x", "y"):
        if name not in layout.arrays:
            raise DataError(f"{url} has no '{name}' array: it is not an ITS_LIVE image-pair datacube.")
    return CubeInput(number=number, url=url, source=source, layout=layout)


def _check_variables(cubes, variables) -> None:
    for cube in cubes:
        available = sorted(n for n in cube.layout.data_vars() if n not in HIDDEN_VARS)
        unknown = [v for v in variables if v not in available]
        if unknown:
            raise InputError(
                f"Unknown variable(s) {', '.join(unknown)} in {cube.url}. Available: {', '.join(available)}."
            )
        dims = {v: cube.layout.arrays[v].dims for v in variables}
        cube.vars3d = [v for v in variables if dims[v] == (PAIR_DIM, "y", "x")]
        cube.vars2d = [v for v in variables if dims[v] == ("y", "x")]
        cube.vars1d = [v for v in variables if dims[v] == (PAIR_DIM,)]
        other = [v for v in variables if v not in cube.vars3d + cube.vars2d + cube.vars1d]
        if other:
            raise InputError(
                f"Variable(s) {', '.join(other)} are not on (mid_date, y, x): cannot subset them."
            )


def _read_grids(cubes) -> None:
    """x/y of every cube, fetched directly (tiny, one chunk each in ITS_LIVE cubes; not cached)."""
    jobs = [
        (cube, name, i)
        for cube in cubes
        for name in ("x", "y")
        for i in range(cube.layout.arrays[name].chunk_grid[0])
    ]

    def get(job):
        cube, name, i = job
        meta = cube.layout.arrays[name]
        raw = cube.source.get(meta.chunk_key((i,)))
        if raw is None:
            raise DataError(f"{cube.url}: chunk {i} of '{name}' is missing; the cube is incomplete.")
        return decode_chunk(raw, meta)

    with ThreadPoolExecutor(max_workers=min(16, len(jobs))) as ex:
        parts = list(ex.map(get, jobs))
    for cube in cubes:
        coords = {}
        for name in ("x", "y"):
            mine = [p for (c, n, _i), p in zip(jobs, parts) if c is cube and n == name]
            coords[name] = np.concatenate(mine)[: cube.layout.arrays[name].shape[0]].astype("float64")
        x, y = coords["x"], coords["y"]
        if x.size > 1 and x[1] < x[0]:
            raise DataError(f"{cube.url}: x decreases; ITS_LIVE cubes have x ascending.")
        mapping_attrs = cube.layout.arrays["mapping"].attrs if "mapping" in cube.layout.arrays else {}
        cube.crs = crs_from_attrs(cube.layout.attrs, mapping_attrs, cube.url)
        cube.grid = Grid(crs=cube.crs, x=x, y=y)


def _place_area(cubes, query, area):
    geom, crs = area_geometry(area, query["area_crs_input"])
    shares = []
    for cube in cubes:
        local = transform_geometry(geom, crs, cube.crs)
        foot = grid_footprint(cube.grid)
        shares.append(local.intersection(foot).area if local.intersects(foot) else -1.0)
    if max(shares) < 0:
        extents = "; ".join(f"{c.url}: {tuple(round(b) for b in c.grid.bounds)}" for c in cubes)
        raise InputError(
            f"The area lies outside every given datacube ({extents}). Choose cubes that cover it."
        )
    cubes = [c for c, s in zip(cubes, shares) if s >= 0]
    shares = [s for s in shares if s >= 0]
    if query["target_crs_input"] is not None:
        tcrs = as_crs(query["target_crs_input"])
    else:
        tcrs = cubes[int(np.argmax(shares))].crs
    same = [c for c in cubes if c.crs == tcrs]
    ref = same[0].grid if same else None
    pixel = ref.dx if ref is not None else 120.0
    phase_x = float(np.mod(ref.x[0], pixel)) if ref is not None else 52.5
    phase_y = float(np.mod(ref.y[0], pixel)) if ref is not None else 67.5
    area_t = transform_geometry(geom, crs, tcrs)
    feet = [transform_geometry(grid_footprint(c.grid), c.crs, tcrs) for c in cubes]
    grid = target_grid(area_t, feet, tcrs, phase_x, phase_y, pixel)
    mask = area_mask(grid, area_t)
    if not mask.any():
        raise InputError("The area touches no 120 m cell of the given datacubes.")
    kept = []
    for cube in cubes:
        cube.placement = place(grid, cube.grid, mask, query["resampling"])
        if cube.placement.valid.any():
            kept.append(cube)
    if not kept:
        raise InputError("The area lies outside every given datacube: choose cubes that cover it.")
    reproject = any(c.crs != tcrs for c in kept)
    epsg = tcrs.to_epsg()
    for cube in kept:
        cube.target_crs = tcrs
        cube.target_crs_name = f"EPSG:{epsg}" if epsg else tcrs.to_wkt()
        cube.target_grid = grid
        cube.area_mask = mask
        cube.resampling_label = query["resampling"] if reproject else "none (shared grid)"
    return kept


def _selection_vars(cube) -> list[str]:
    names = [PAIR_DIM] + [n for n in SELECTION_VARS if n in cube.layout.arrays]
    names += [n for n in cube.vars1d if n.endswith(("_img1", "_img2")) and n not in names]
    return names


def _select(cubes, query):
    filters = query["filters"]
    n_window = 0
    selections = []
    for cube in cubes:
        raw = {n: _read_full(cube, n) for n in _selection_vars(cube)}
        ds = pair_dataset(cube.layout, raw, PAIR_DIM)
        n_window += int(
            window_mask(to_days(ds[PAIR_DIM].values), query["start_day"], query["end_day_exclusive"]).sum()
        )
        sel = select_pairs(ds, query["start_day"], query["end_day_exclusive"], filters)
        cube.selection = sel
        cube.disk_index = np.asarray(sel["_pair_index"].values, dtype="int64")
        selections.append(sel)
    if n_window == 0:
        raise InputError(
            f"No image pairs have a mid_date between {query['start_date']} and {query['end_date']} in "
            "these datacubes: widen the time window."
        )
    kept = [c for c in cubes if c.disk_index.size]
    if not kept:
        raise InputError(
            f"{n_window} image pairs fall in the time window but none passes the filters "
            f"({filters.as_dict()}): relax the filters."
        )
    union = union_pairs([c.selection for c in kept])
    for cube, pos in zip(kept, union.positions):
        cube.out_pos = pos
        cube.union = union
    return kept


def _plan_data_chunks(cubes, query) -> None:
    filters = query["filters"]
    for cube in cubes:
        if filters.max_v_error_m_per_yr is not None and "v_error" not in cube.layout.arrays:
            raise InputError(f"{cube.url} has no v_error: the maximum v_error filter cannot be applied.")
        read3d = list(cube.vars3d)
        if filters.max_v_error_m_per_yr is not None and "v_error" in cube.layout.arrays:
            read3d.append("v_error")
        if cube.placement.cos is not None and ({"vx", "vy"} & set(read3d)):
            read3d += ["vx", "vy"]
        cube.read3d = list(dict.fromkeys(n for n in read3d if n in cube.layout.arrays))
    _fetch_and_stat(cubes, _data_keys, None, None, 0, fetch=False)
    for cube in cubes:
        cube.pair_refs, cube.grid_refs = [], []
        for name, (keys, _prefixes) in _data_keys(cube).items():
            for key in keys:
                ref = cube.ref(key)
                if ref is None:
                    cube.n_absent += 1
                elif name in cube.vars1d:
                    cube.pair_refs.append(ref)
                else:
                    cube.grid_refs.append(ref)
        # fetch order = assembly order: by spatial chunk (row, column), then variable and time
        cube.grid_refs.sort(key=lambda r: _spatial_order(cube.layout.arrays[r.key.split("/")[0]], r.key))
        cube.data_refs = cube.pair_refs + cube.grid_refs


def _data_keys(cube) -> dict:
    out = {}
    rows, cols = cube.placement.source_pixels()
    for name in cube.read3d:
        meta = cube.layout.arrays[name]
        ct, cr, cc = meta.chunks
        spatial = sorted(set(zip((rows // cr).tolist(), (cols // cc).tolist())))
        times = sorted(set((cube.disk_index // ct).tolist()))
        keys = [meta.chunk_key((t, r, c)) for t in times for r, c in spatial]
        n_rows_grid, n_cols_grid = meta.chunk_grid[1], meta.chunk_grid[2]
        needed_rows = sorted({r for r, _ in spatial})
        prefixes = []
        for t in times:
            if len(needed_rows) <= math.ceil(n_rows_grid * n_cols_grid / LIST_PAGE):
                prefixes += [meta.row_prefix((t, r)) for r in needed_rows]
            else:
                prefixes.append(meta.row_prefix((t,)))
        out[name] = (keys, prefixes)
    for name in cube.vars2d:
        meta = cube.layout.arrays[name]
        cr, cc = meta.chunks
        spatial = sorted(set(zip((rows // cr).tolist(), (cols // cc).tolist())))
        out[name] = ([meta.chunk_key(rc) for rc in spatial], [meta.row_prefix(())])
    sel_names = set(_selection_vars(cube))
    for name in cube.vars1d:
        if name in sel_names:
            continue
        meta = cube.layout.arrays[name]
        times = sorted(set((cube.disk_index // meta.chunks[0]).tolist()))
        out[name] = ([meta.chunk_key((t,)) for t in times], [meta.row_prefix(())])
    return out


def _spatial_order(meta, key: str) -> tuple:
    index = [int(i) for i in key.split("/", 1)[1].split(meta.separator)]
    row, col = index[-2], index[-1]
    return (row, col, meta.name, index[0] if len(index) == 3 else -1)


# -- chunk plumbing -----------------------------------------------------------------------------------
def _all_chunks(cube, name):
    meta = cube.layout.arrays[name]
    keys = [meta.chunk_key((i,)) for i in range(meta.chunk_grid[0])] if meta.shape else [meta.chunk_key(())]
    return keys, [meta.row_prefix(())]


def _fetch_and_stat(cubes, keys_of, stats, cancel, max_workers, fetch=True) -> None:
    """List the keys ``keys_of(cube)`` gives, then (``fetch``) bring them into the cache."""
    refs = []
    for cube in cubes:
        wanted = keys_of(cube)
        keys = [k for ks, _ in wanted.values() for k in ks if k not in cube.stat]
        prefixes = [p for _, ps in wanted.values() for p in ps]
        if keys:
            cube.stat.update(cube.source.stat_keys(keys, prefixes))
        new = [cube.ref(k) for ks, _ in wanted.values() for k in ks]
        new = [r for r in new if r is not None]
        cube.meta_refs += [r for r in new if r not in cube.meta_refs] if fetch else []
        refs += new
    if fetch:
        fetch_chunks(refs, stats, cancel or threading.Event(), None, max_workers or 16)


def _read_full(cube, name) -> np.ndarray:
    meta = cube.layout.arrays[name]
    n = meta.shape[0]
    return cube.read_pair_values(name, np.arange(n, dtype="int64"))
