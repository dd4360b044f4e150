"""A polygon outline on a cube grid: the fraction of each cell inside it, which pixels and chunks it touches.

* The outline is transformed into the grid's CRS first (core.geo ``transform_geometry``, densified
  edges), so an RGI outline in EPSG:4326 falls on a UTM or polar stereographic cube where it belongs.
* ``fraction[i, j]`` is the exact area of cell (i, j) inside the polygon divided by the cell area
  (shapely intersection of the cell square with the polygon, computed for the cells the boundary
  crosses; cells wholly inside are 1). The ``inside`` mask is ``fraction > 0``: every pixel that
  holds any glacier, so a mask loses nothing of the glacier and area weights do the rest.
* ``chunks(chunk_y, chunk_x)``: the (row, column) chunk indices that hold at least one inside pixel;
  a reader that skips the others never reads ice-free chunks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError


@dataclass
class OutlineMask:
    """Cell fractions (ny, nx) of an outline on the grid ``x``/``y`` (cell centres, file order)."""

    x: np.ndarray
    y: np.ndarray
    fraction: np.ndarray
    cell_area_m2: float

    @property
    def inside(self) -> np.ndarray:
        """Pixels that hold any part of the outline (bool, ny x nx)."""
        return self.fraction > 0

    @property
    def area_m2(self) -> float:
        """Area of the outline inside the grid (map square metres)."""
        return float(self.fraction.sum() * self.cell_area_m2)

    def chunks(self, chunk_y: int, chunk_x: int) -> set[tuple[int, int]]:
        """Chunk indices (row, column) of a ``(chunk_y, chunk_x)`` chunking that hold an inside pixel."""
        rows, cols = np.nonzero(self.inside)
        return set(zip((rows // int(chunk_y)).tolist(), (cols // int(chunk_x)).tolist()))

    def window(self) -> tuple[slice, slice]:
        """The smallest (row, column) window holding every inside pixel."""
        rows, cols = np.nonzero(self.inside)
        if rows.size == 0:
            raise InputError("The outline does not overlap the grid: check its CRS and position.")
        return slice(int(rows.min()), int(rows.max()) + 1), slice(int(cols.min()), int(cols.max()) + 1)


def outline_mask(geometry, x, y, grid_crs=None, geometry_crs=None) -> OutlineMask:
    """The :class:`OutlineMask` of a shapely (multi)polygon on the grid of cell centres ``x``, ``y`` (m).

    ``geometry_crs``: the outline's CRS when it differs from ``grid_crs`` (both needed then).
    """
    import shapely

    from ..geo import transform_geometry

    if geometry_crs is not None and grid_crs is not None:
        geometry = transform_geometry(geometry, geometry_crs, grid_crs)
    if geometry is None or geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise InputError("The outline must be a polygon (or multipolygon) with an area.")
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    x, y = np.asarray(x, "float64"), np.asarray(y, "float64")
    dx, dy = abs(float(x[1] - x[0])), abs(float(y[1] - y[0]))
    xx, yy = np.meshgrid(x, y)
    fraction = np.zeros(xx.shape)
    minx, miny, maxx, maxy = geometry.bounds
    near = (xx + dx / 2 > minx) & (xx - dx / 2 < maxx) & (yy + dy / 2 > miny) & (yy - dy / 2 < maxy)
    if near.any():
        cx, cy = xx[near], yy[near]
        boxes = shapely.box(cx - dx / 2, cy - dy / 2, cx + dx / 2, cy + dy / 2)
        shapely.prepare(geometry)
        inner = shapely.contains(geometry, boxes)
        frac = np.where(inner, 1.0, 0.0)
        edge = ~inner & shapely.intersects(geometry, boxes)
        if edge.any():
            frac[edge] = shapely.area(shapely.intersection(boxes[edge], geometry)) / (dx * dy)
        fraction[near] = np.clip(frac, 0.0, 1.0)
    return OutlineMask(x=x, y=y, fraction=fraction, cell_area_m2=dx * dy)


def read_outlines(path, id_field: str | None = None):
    """``[(id, shapely geometry)]`` and the CRS of a GeoJSON file of polygons (RGI outlines).

    The CRS comes from the file's ``crs`` member (GeoJSON 2008, as RGI/QGIS exports write it),
    EPSG:4326 otherwise (RFC 7946). ``id_field``: the property naming each outline (default
    ``rgi_id`` when present, else the feature's position).
    """
    from shapely.geometry import shape

    path = Path(path)
    if not path.is_file():
        raise InputError(f"No outline file at {path}: check the path.")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path.name} is not a readable GeoJSON file: {exc}") from exc
    crs = ((doc.get("crs") or {}).get("properties") or {}).get("name") or "EPSG:4326"
    out = []
    for i, feature in enumerate(doc.get("features", [])):
        props = feature.get("properties") or {}
        key = id_field or ("rgi_id" if "rgi_id" in props else None)
        out.append((str(props.get(key, i)) if key else str(i), shape(feature["geometry"])))
    if not out:
        raise InputError(f"{path.name} holds no feature.")
    return out, crs
