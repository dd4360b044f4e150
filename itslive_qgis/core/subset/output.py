"""The output Dataset of a subset: pair metadata, lazy gridded variables, CF attributes.

Layout follows the cubes (dims ``mid_date, y, x``; their variable names and
attributes; y descending; ``mapping`` grid-mapping variable) plus provenance:
``source_cubes`` and ``source_date_updated`` (JSON), ``query`` (JSON of the request),
``method_across_cubes`` and ``software``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..cube import PAIR_DIM, clean_pairs
from ..errors import DataError
from ..io import cf
from .pairs import INDEX_VAR, SELECTION_VARS
from .write import BlockAssembler, GridVar, block_shape, write_subset

WORKERS = 2
#: attrs that describe storage, not data, and are not copied to outputs
STORAGE_ATTRS = ("_ARRAY_DIMENSIONS", "coordinates", "missing_value", "_FillValue")


@dataclass
class OutputPlan:
    """The small part of the output (``ds``) and how to compute the gridded part block by block."""

    ds: object
    grid_vars: list
    assembler: BlockAssembler
    block_rows: int
    block_cols: int

    def write(self, output_path: Path, progress) -> None:
        """Write the file atomically (see :func:`subset_write.write_subset`)."""
        write_subset(
            self.ds,
            self.grid_vars,
            self.assembler,
            self.block_rows,
            self.block_cols,
            output_path,
            progress,
            WORKERS,
        )


def build_output(plan, query: dict, max_memory_bytes: int, progress) -> OutputPlan:
    """The subset's small variables and attributes, and the block assembler of its gridded part."""
    import xarray as xr

    cubes = plan.cubes
    first = cubes[0]
    union = first.union
    grid = first.target_grid
    cleaned = [_pair_metadata(cube) for cube in cubes]
    pair_vars = {}
    for name in [PAIR_DIM] + list(first.vars1d):
        values = _union_values(name, cleaned, union)
        attrs = cf.cf_variable_attrs(cleaned[0][name].attrs)
        if name == PAIR_DIM:
            attrs.setdefault("long_name", "centre date of the image pair")
        pair_vars[name] = xr.Variable((PAIR_DIM,), values, attrs)
    n_pairs = union.size
    ny, nx = grid.y.size, grid.x.size
    n_read = max(len(c.read3d) for c in cubes)
    by, bx = block_shape(n_pairs, max(len(first.vars3d), n_read), ny, nx, max_memory_bytes, WORKERS)
    assembler = BlockAssembler(
        cubes,
        n_pairs,
        first.vars3d,
        first.vars2d,
        query["filters"].max_v_error_m_per_yr,
        cache_bytes=int(max_memory_bytes * 0.25),
        progress=progress,
    )
    rotated = any(c.placement.cos is not None for c in cubes)
    grid_vars = []
    for name in first.vars3d + first.vars2d:
        attrs = clean_attrs(first.layout.arrays[name].attrs)
        attrs["grid_mapping"] = "mapping"
        if rotated and name in ("vx", "vy"):
            attrs["note"] = (
                f"rotated from each source tile's map axes into the axes of {first.target_crs_name}"
            )
        dims = (PAIR_DIM, "y", "x") if name in first.vars3d else ("y", "x")
        grid_vars.append(GridVar(name, dims, attrs))
    data_vars = {name: var for name, var in pair_vars.items() if name != PAIR_DIM}
    data_vars["mapping"] = xr.Variable((), np.int32(0), cf.grid_mapping_attrs(grid.crs, grid.x, grid.y))
    coords = {
        PAIR_DIM: pair_vars[PAIR_DIM],
        "y": xr.Variable(("y",), grid.y, cf.coordinate_attrs("y")),
        "x": xr.Variable(("x",), grid.x, cf.coordinate_attrs("x")),
    }
    ds = xr.Dataset(data_vars, coords=coords)
    ds.attrs = _global_attrs(cubes, cleaned, query_json(query))
    return OutputPlan(ds=ds, grid_vars=grid_vars, assembler=assembler, block_rows=by, block_cols=bx)


def query_json(query: dict) -> str:
    """The user's query as JSON (for the output's provenance attributes)."""
    out = {
        k: v
        for k, v in query.items()
        if not k.endswith("_input")
        and k not in ("start_day", "end_day_exclusive", "default_variables", "variables_read")
    }
    out["filters"] = query["filters"].as_dict()
    out["pair_dim"] = PAIR_DIM
    return json.dumps(out, sort_keys=True)


#: ``itslive_qgis <version>`` (kept here for the room's face; defined in io.cf)
software_version = cf.software_version


def _pair_metadata(cube):
    """Requested 1-D variables of the cube's selected pairs, cleaned like the selection."""
    disk_sorted = np.sort(cube.disk_index)
    names = [PAIR_DIM] + [n for n in SELECTION_VARS if n in cube.layout.arrays]
    names += [n for n in cube.vars1d if n not in names]
    ds = cube.pair_dataset(names, disk_sorted)
    ds = clean_pairs(ds.assign({INDEX_VAR: ((PAIR_DIM,), disk_sorted)}))
    if not np.array_equal(ds[INDEX_VAR].values, cube.disk_index):
        raise DataError(f"{cube.url}: the pair order changed between planning and download; run again.")
    return ds


def clean_attrs(attrs) -> dict:
    """Attributes of an array for outputs: storage-only keys dropped, CF standard names (io.cf)."""
    return cf.cf_variable_attrs(attrs)


def _union_values(name: str, cleaned: list, union) -> np.ndarray:
    if len(cleaned) == 1:
        return cleaned[0][name].values[union.owner_index]
    parts = [ds[name].values if name in ds else None for ds in cleaned]
    kinds = {p.dtype.kind for p in parts if p is not None}
    if kinds & {"U", "S", "O"}:
        dtype = object
    else:
        dtype = np.result_type(*[p.dtype for p in parts if p is not None])
    fill = "" if dtype is object else (np.datetime64("NaT") if np.dtype(dtype).kind == "M" else np.nan)
    out = np.full(union.size, fill, dtype=dtype)
    for ci, part in enumerate(parts):
        m = union.owner == ci
        if part is not None and m.any():
            out[m] = part[union.owner_index[m]]
    return out


def _global_attrs(cubes, cleaned, query: str) -> dict:
    first = cubes[0]
    src = first.layout.attrs
    epsg = first.target_crs.to_epsg()
    same_grid = all(c.crs == first.target_crs for c in cubes)
    if len(cubes) == 1 and same_grid:
        method = "single datacube: pixels copied on its own grid"
    elif same_grid:
        method = (
            "tiles of one projection joined on their common 120 m grid (no resampling); where tiles "
            "overlap the first tile in source_cubes order with a value wins"
        )
    else:
        method = (
            f"datacube(s) resampled onto a 120 m grid in {first.target_crs_name} aligned to x = 52.5, "
            f"y = 67.5 (mod 120 m) ({first.resampling_label}); vx, vy rotated from each tile's map axes "
            "into the target axes by the local angle between the grids (pyproj); v and v_error not rotated"
        )
    if len(cubes) > 1:
        method += (
            "; pair axis = union of the tiles' pairs identified by (mid_date, acquisition dates, "
            "satellites, repeat count), sorted by mid_date (stable); a pair absent from a tile is NaN there; "
            "1-D pair metadata from the first tile that has the pair"
        )
    attrs = {
        "Conventions": cf.CONVENTIONS,
        "title": "ITS_LIVE image-pair velocities: subset of datacube(s)",
        "author": src.get("author", "ITS_LIVE, a NASA MEaSUREs project (its-live.jpl.nasa.gov)"),
        "institution": src.get("institution", ""),
        "GDAL_AREA_OR_POINT": "Area",
        "projection": str(epsg) if epsg else first.target_crs_name,
        "source_cubes": json.dumps([c.url for c in cubes]),
        "source_date_updated": json.dumps({c.url: c.date_updated for c in cubes}),
        "query": query,
        "method_across_cubes": method,
        **cf.provenance("itslive:downloadsubset", query, [c.url for c in cubes]),
        "pair_axis": (
            f"pairs along the index dimension '{cf.PAIR_INDEX_DIM}' sorted by mid_date (stable; equal mid "
            "dates are different pairs), mid_date an auxiliary coordinate (CF: a coordinate variable must be "
            "strictly monotonic)"
        ),
        "y_order": "descending",
        "pairs_swapped": int(sum(ds.attrs.get("pairs_swapped", 0) for ds in cleaned)),
        "references": "Gardner et al., ITS_LIVE global glacier velocity data in near real time, "
        "EGUsphere, doi:10.5194/egusphere-2025-392, 2025",
    }
    return attrs
