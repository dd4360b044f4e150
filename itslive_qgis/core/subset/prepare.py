"""Planning of a subset: open the cubes, place the area, select pairs, list the chunks.

Two rounds of requests: first each cube's ``.zmetadata`` and x/y (to find which cubes
the area touches and the output grid), then the 1-D pair metadata of those cubes
(to select pairs), then a listing of the chunks that hold the selected pixels and
pairs. Nothing gridded is downloaded here. Every read goes through the cube's
:class:`~itslive_qgis.core.zstore.CubeStore` (zarr over s3fs); this module only decides
which chunk keys a subset needs.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from ..cube import PAIR_DIM, to_days
from ..errors import DataError, InputError, ItsLiveError
from ..geo import area_geometry, as_crs, crs_from_attrs, transform_geometry
from ..io import StoreConfig, chunk_grid, chunk_key, dims_of, open_cube_store, open_group, row_prefix, run
from ..progress import Progress, check_cancelled
from .grid import Grid, Placement, area_mask, grid_footprint, place, target_grid
from .pairs import SELECTION_VARS, PairUnion, select_pairs, union_pairs, window_mask

LIST_PAGE = 1000
HIDDEN_VARS = ("mapping", "spatial_ref")


@dataclass(frozen=True)
class CubeLayout:
    """The arrays (zarr, from the consolidated metadata) and global attributes of one cube."""

    attrs: dict
    arrays: dict

    def dims(self, name: str) -> tuple[str, ...]:
        """Dimension names of array ``name``."""
        return dims_of(self.arrays[name])

    def data_vars(self) -> list[str]:
        """Names of arrays that are not dimension coordinates or grid-mapping scalars."""
        dims = {d for a in self.arrays.values() for d in dims_of(a)}
        return sorted(n for n, a in self.arrays.items() if n not in dims and a.shape)


@dataclass
class CubeInput:
    """One cube of a subset and everything planned for it."""

    number: int
    url: str
    store: object
    layout: CubeLayout
    crs: object = None
    grid: Grid | None = None
    placement: Placement | None = None
    selection: object = None
    disk_index: np.ndarray | None = None
    out_pos: np.ndarray | None = None
    union: PairUnion | None = None
    meta_keys: list = field(default_factory=list)
    pair_keys: list = field(default_factory=list)
    grid_keys: list = field(default_factory=list)
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
    _dataset: object = field(default=None, repr=False)

    @property
    def date_updated(self) -> str:
        """The cube's ``date_updated`` (or ``date_created``) attribute."""
        return str(self.layout.attrs.get("date_updated", self.layout.attrs.get("date_created", "")))

    @property
    def data_keys(self) -> list:
        """Planned chunk keys of the output's pair variables and gridded variables."""
        return self.pair_keys + self.grid_keys

    def size(self, key: str) -> int:
        """Listed size of a planned key (bytes)."""
        info = self.store.listing.get(key)
        return info[0] if info else 0

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

    def pair_dataset(self, names: list[str], disk_index: np.ndarray | None = None):
        """1-D pair variables ``names`` (at ``disk_index``, ascending; default all), decoded by xarray."""
        import xarray as xr

        if self._dataset is None:  # raw: CF decoding on open would read the ends of every time variable
            self._dataset = xr.open_zarr(
                self.store, consolidated=True, zarr_format=2, chunks=None, decode_cf=False
            )
        ds = self._dataset[list(names)]
        ds = ds.drop_vars([c for c in ds.coords if c not in ds.dims and c not in names])
        if disk_index is not None:
            ds = ds.isel({PAIR_DIM: disk_index})
        ds = xr.decode_cf(self._load_refetching(ds, names), decode_timedelta=False)
        for name in names:
            values = ds[name].values
            if values.dtype.kind == "U" and values.dtype.itemsize > 256:
                ds[name] = ds[name].copy(data=values.astype(object))  # granule_url <U1024: 4 kB a pair
        return ds

    def _load_refetching(self, ds, names):
        """``ds.load()``; cached chunks of ``names`` that fail to decode are dropped and fetched once more.

        The same rule as :func:`zstore.read_block` for the gridded chunks: a damaged cache entry
        never poisons a rerun; a chunk still undecodable after a fresh fetch is a DataError.
        """
        try:
            return ds.load()
        except (ItsLiveError, KeyboardInterrupt):
            raise
        except Exception as exc:
            keys = [k for k in self.store.listing if k.split("/", 1)[0] in names]
            dropped = [k for k in keys if self.store.drop_cached(k)]
            where = f" (cache: {self.store.cache_root})" if self.store.cache_root is not None else ""
            if not dropped:
                raise DataError(f"The pair metadata of {self.url} cannot be decoded ({exc}){where}.") from exc
            self.store.stats.add(chunks_refetched=len(dropped))
            try:
                return ds.load()
            except ItsLiveError:
                raise
            except Exception as again:
                raise DataError(
                    f"The pair metadata of {self.url} cannot be decoded even after fetching it again "
                    f"({again}): the store holds a damaged object{where}."
                ) from again


def prepare_cubes(query, area, config: StoreConfig, progress: Progress, max_workers, stats, cancel):
    """Open, place and select; returns the cubes that contribute (see module doc)."""
    urls = list(enumerate(query["s3_urls"]))
    with ThreadPoolExecutor(max_workers=min(8, len(urls))) as ex:  # one round trip for all cubes
        cubes = list(ex.map(lambda item: _open(item[0], item[1], config, stats, cancel), urls))
    for cube, given in zip(cubes, query["cube_urls"]):
        cube.url = given
    _check_variables(cubes, query, progress)
    check_cancelled(progress)
    _read_grids(cubes)
    cubes = _place_area(cubes, query, area)
    progress.report(0.3)
    check_cancelled(progress)
    _fetch_and_stat(
        cubes, lambda c: {n: _all_chunks(c, n) for n in _selection_vars(c)}, max_workers, progress
    )
    cubes = _select(cubes, query)
    progress.report(0.7)
    check_cancelled(progress)
    _plan_data_chunks(cubes, query, progress)
    progress.report(1.0)
    return cubes


# -- steps --------------------------------------------------------------------------------------------
def _open(number, url, config, stats, cancel) -> CubeInput:
    store = run(open_cube_store(url, config, stats))
    store.cancel = cancel
    group = open_group(store)
    arrays = dict(group.arrays())
    layout = CubeLayout(attrs=dict(group.attrs), arrays=arrays)
    if not arrays:
        raise DataError(f"{url}: the store lists no arrays in .zmetadata.")
    for name in (PAIR_DIM, "x", "y"):
        if name not in arrays:
            raise DataError(f"{url} has no '{name}' array: it is not an ITS_LIVE image-pair datacube.")
    return CubeInput(number=number, url=url, store=store, layout=layout)


def _check_variables(cubes, query, progress) -> None:
    """Variables per cube. Asked for by name: each must exist. The default set: those the cubes have."""
    variables = query["variables"]
    if query.get("default_variables"):
        have = [v for v in variables if all(v in c.layout.arrays for c in cubes)]
        absent = [v for v in variables if v not in have]
        if absent:
            progress.log(
                f"Not in {'these datacubes' if len(cubes) > 1 else 'this datacube'} (optional pair metadata "
                f"of the default set, left out): {', '.join(absent)}."
            )
        variables = have
        query["variables_read"] = have
    for cube in cubes:
        available = sorted(n for n in cube.layout.data_vars() if n not in HIDDEN_VARS)
        unknown = [v for v in variables if v not in available]
        if unknown:
            raise InputError(
                f"Unknown variable(s) {', '.join(unknown)} in {cube.url}. Available: {', '.join(available)}."
            )
        dims = {v: cube.layout.dims(v) for v in variables}
        cube.vars3d = [v for v in variables if dims[v] == (PAIR_DIM, "y", "x")]
        cube.vars2d = [v for v in variables if dims[v] == ("y", "x")]
        cube.vars1d = [v for v in variables if dims[v] == (PAIR_DIM,)]
        other = [v for v in variables if v not in cube.vars3d + cube.vars2d + cube.vars1d]
        if other:
            raise InputError(
                f"Variable(s) {', '.join(other)} are not on (mid_date, y, x): cannot subset them."
            )


def _read_grids(cubes) -> None:
    """x/y of every cube, read directly (tiny, one chunk each in ITS_LIVE cubes; not cached)."""

    def get(job):
        cube, name = job
        return cube.layout.arrays[name][:]

    jobs = [(cube, name) for cube in cubes for name in ("x", "y")]
    with ThreadPoolExecutor(max_workers=min(16, len(jobs))) as ex:
        parts = dict(zip([(id(c), n) for c, n in jobs], ex.map(get, jobs)))
    for cube in cubes:
        x = np.asarray(parts[(id(cube), "x")], dtype="float64")
        y = np.asarray(parts[(id(cube), "y")], dtype="float64")
        if any(k.split("/")[0] in ("x", "y") for k in cube.store.absent):
            raise DataError(f"{cube.url}: a chunk of x or y is missing; the cube is incomplete.")
        if x.size > 1 and x[1] < x[0]:
            raise DataError(f"{cube.url}: x decreases; ITS_LIVE cubes have x ascending.")
        mapping_attrs = dict(cube.layout.arrays["mapping"].attrs) if "mapping" in cube.layout.arrays else {}
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
        ds = cube.pair_dataset(_selection_vars(cube))
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


def _plan_data_chunks(cubes, query, progress) -> None:
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
    _fetch_and_stat(cubes, _data_keys, 0, progress, fetch=False)
    for cube in cubes:
        cube.pair_keys, cube.grid_keys = [], []
        for name, (keys, _prefixes) in _data_keys(cube).items():
            for key in keys:
                if cube.store.listing.get(key) is None:
                    cube.n_absent += 1
                elif name in cube.vars1d:
                    cube.pair_keys.append(key)
                else:
                    cube.grid_keys.append(key)
        # fetch order = assembly order: by spatial chunk (row, column), then variable and time
        cube.grid_keys.sort(key=_spatial_order)


def _data_keys(cube) -> dict:
    out = {}
    rows, cols = cube.placement.source_pixels()
    for name in cube.read3d:
        arr = cube.layout.arrays[name]
        ct, cr, cc = arr.chunks
        spatial = sorted(set(zip((rows // cr).tolist(), (cols // cc).tolist())))
        times = sorted(set((cube.disk_index // ct).tolist()))
        keys = [chunk_key(arr, (t, r, c)) for t in times for r, c in spatial]
        grid = chunk_grid(arr)
        needed_rows = sorted({r for r, _ in spatial})
        prefixes = []
        for t in times:
            if len(needed_rows) <= math.ceil(grid[1] * grid[2] / LIST_PAGE):
                prefixes += [row_prefix(arr, (t, r)) for r in needed_rows]
            else:
                prefixes.append(row_prefix(arr, (t,)))
        out[name] = (keys, prefixes)
    for name in cube.vars2d:
        arr = cube.layout.arrays[name]
        cr, cc = arr.chunks
        spatial = sorted(set(zip((rows // cr).tolist(), (cols // cc).tolist())))
        out[name] = ([chunk_key(arr, rc) for rc in spatial], [row_prefix(arr, ())])
    sel_names = set(_selection_vars(cube))
    for name in cube.vars1d:
        if name in sel_names:
            continue
        arr = cube.layout.arrays[name]
        times = sorted(set((cube.disk_index // arr.chunks[0]).tolist()))
        out[name] = ([chunk_key(arr, (t,)) for t in times], [row_prefix(arr, ())])
    return out


def _spatial_order(key: str) -> tuple:
    name, _, rest = key.partition("/")
    index = [int(i) for i in rest.replace("/", ".").split(".")]
    row, col = index[-2], index[-1]
    return (row, col, name, index[0] if len(index) == 3 else -1)


# -- chunk plumbing -----------------------------------------------------------------------------------
def _all_chunks(cube, name):
    arr = cube.layout.arrays[name]
    keys = [chunk_key(arr, (i,)) for i in range(chunk_grid(arr)[0])] if arr.shape else [chunk_key(arr, ())]
    return keys, [row_prefix(arr, ())]


def _fetch_and_stat(cubes, keys_of, max_workers, progress, fetch=True) -> None:
    """List the keys ``keys_of(cube)`` gives (size and ETag), then (``fetch``) bring them into the cache."""
    import asyncio

    wanted = [keys_of(cube) for cube in cubes]

    async def stat_all():
        await asyncio.gather(
            *(
                cube.store.stat(
                    [k for ks, _ in w.values() for k in ks], [p for _, ps in w.values() for p in ps]
                )
                for cube, w in zip(cubes, wanted)
            )
        )

    run(stat_all(), poll=lambda: check_cancelled(progress), on_cancel=lambda: _cancel(cubes))
    if not fetch:
        return
    per_cube = []
    for cube, w in zip(cubes, wanted):
        keys = [k for ks, _ in w.values() for k in ks if cube.store.listing.get(k) is not None]
        cube.meta_keys += [k for k in keys if k not in cube.meta_keys]
        cube.n_absent += sum(1 for ks, _ in w.values() for k in ks if cube.store.listing.get(k) is None)
        per_cube.append(keys)

    async def fetch_all():
        await asyncio.gather(
            *(cube.store.prefetch(keys, max(1, max_workers or 16)) for cube, keys in zip(cubes, per_cube))
        )

    run(fetch_all(), poll=lambda: check_cancelled(progress), on_cancel=lambda: _cancel(cubes))


def _cancel(cubes) -> None:
    for cube in cubes:
        cube.store.cancel.set()
