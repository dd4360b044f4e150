"""Areas, grids and the mapping of output pixels onto the pixels of each cube.

ITS_LIVE cubes are 120 m grids whose cell centres satisfy x = 52.5 (mod 120) and
y = 67.5 (mod 120) in their own projection (UTM zones, polar stereographic). Tiles of
the same projection therefore share one grid and are joined without resampling.
Where tiles of different projections meet (UTM zone seams), every cube is resampled
onto one target grid (nearest neighbour or bilinear) and its vx/vy are rotated from
the cube's map axes into the target's map axes: ITS_LIVE velocities are ground
distances per year along the grid axes, so for conformal projections only the local
angle between the two grids' axes matters (scale factors cancel).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..geo import transformer

GRID_PHASE_X_M = 52.5
GRID_PHASE_Y_M = 67.5
PIXEL_M = 120.0


@dataclass(frozen=True)
class Grid:
    """A north-up regular grid of cell centres (metres in ``crs``); y descending."""

    crs: object  # pyproj.CRS
    x: np.ndarray
    y: np.ndarray

    @property
    def dx(self) -> float:
        """Cell width (metres), positive."""
        return float(self.x[1] - self.x[0]) if self.x.size > 1 else PIXEL_M

    @property
    def dy(self) -> float:
        """Cell height (metres), positive."""
        return float(abs(self.y[1] - self.y[0])) if self.y.size > 1 else PIXEL_M

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Outer cell edges (xmin, ymin, xmax, ymax) in metres."""
        return (
            float(self.x.min() - self.dx / 2),
            float(self.y.min() - self.dy / 2),
            float(self.x.max() + self.dx / 2),
            float(self.y.max() + self.dy / 2),
        )

    def geotransform(self) -> str:
        """GDAL GeoTransform (corner based, as ITS_LIVE cubes write it)."""
        return f"{self.x[0] - self.dx / 2} {self.dx} 0.0 {self.y[0] + self.dy / 2} 0.0 {-self.dy}"


@dataclass
class Placement:
    """Where the output pixels of one cube come from.

    Arrays have the output grid's shape (ny, nx). ``row``/``col`` are the source
    pixel (nearest) or the upper-left neighbour (bilinear, with weights ``wy``/``wx``
    towards the next row/col); ``valid`` marks output pixels this cube covers.
    ``cos``/``sin`` give the rotation of vx/vy (None when the grids share axes).
    """

    row: np.ndarray
    col: np.ndarray
    valid: np.ndarray
    wy: np.ndarray | None = None
    wx: np.ndarray | None = None
    cos: np.ndarray | None = None
    sin: np.ndarray | None = None

    def source_pixels(self, sl: tuple[slice, slice] = (slice(None), slice(None))):
        """(rows, cols) of every source pixel needed for the output window ``sl``."""
        valid = self.valid[sl]
        rows, cols = self.row[sl][valid], self.col[sl][valid]
        if self.wy is None:
            return rows, cols
        return np.concatenate([rows, rows + 1, rows, rows + 1]), np.concatenate(
            [cols, cols, cols + 1, cols + 1]
        )


def grid_footprint(grid: Grid):
    """The grid's outer cell edges as a shapely box (metres in its CRS)."""
    from shapely.geometry import box

    return box(*grid.bounds)


def target_grid(area_target, footprints_target: list, crs, phase_x: float, phase_y: float, pixel_m: float):
    """The output grid: cells of the aligned grid that touch the area inside the cubes.

    Parameters
    ----------
    area_target : shapely geometry
        The area in the target CRS.
    footprints_target : list of shapely geometry
        Cube footprints in the target CRS.
    phase_x, phase_y : float
        Cell-centre offsets modulo ``pixel_m`` (52.5 and 67.5 m for ITS_LIVE).
    pixel_m : float
        Cell size in metres.
    """
    import shapely

    footprint = shapely.union_all(footprints_target)
    if not area_target.intersects(footprint):
        raise InputError("The area lies outside every given datacube.")
    covered = shapely.intersection(area_target, footprint)
    if covered.is_empty:  # e.g. a point on the footprint's edge
        covered = area_target
    xmin, ymin, xmax, ymax = covered.bounds
    kx0 = math.floor((xmin - pixel_m / 2 - phase_x) / pixel_m) + 1
    kx1 = math.ceil((xmax + pixel_m / 2 - phase_x) / pixel_m) - 1
    ky0 = math.floor((ymin - pixel_m / 2 - phase_y) / pixel_m) + 1
    ky1 = math.ceil((ymax + pixel_m / 2 - phase_y) / pixel_m) - 1
    x = phase_x + pixel_m * np.arange(kx0, max(kx0, kx1) + 1, dtype="float64")
    y = phase_y + pixel_m * np.arange(max(ky0, ky1), ky0 - 1, -1, dtype="float64")
    return Grid(crs=crs, x=x, y=y)


def area_mask(grid: Grid, area_target) -> np.ndarray:
    """Output cells (ny, nx) whose 120 m square overlaps the area (more than a shared edge or corner).

    A point or line lying exactly on cell edges keeps the cells it touches.
    """
    import shapely

    if area_target.equals(shapely.box(*area_target.bounds)) and area_target.area > 0:
        xmin, ymin, xmax, ymax = area_target.bounds
        inx = (grid.x + grid.dx / 2 > xmin) & (grid.x - grid.dx / 2 < xmax)
        iny = (grid.y + grid.dy / 2 > ymin) & (grid.y - grid.dy / 2 < ymax)
        return iny[:, None] & inx[None, :]
    xx, yy = np.meshgrid(grid.x, grid.y)
    boxes = shapely.box(xx - grid.dx / 2, yy - grid.dy / 2, xx + grid.dx / 2, yy + grid.dy / 2)
    shapely.prepare(area_target)
    touching = shapely.intersects(area_target, boxes)
    inside = touching & ~shapely.touches(area_target, boxes)  # a shared edge or corner is not enough
    return inside if inside.any() else touching


def place(target: Grid, source: Grid, mask: np.ndarray, method: str) -> Placement:
    """Map every output pixel onto the source grid of one cube.

    ``method`` is ``"nearest"`` or ``"bilinear"``; on a shared grid both are exact copies.
    Rotation angles are computed when the CRSs differ.
    """
    xx, yy = np.meshgrid(target.x, target.y)
    same = source.crs == target.crs
    if same:
        xs, ys = xx, yy
    else:
        xs, ys = transformer(target.crs, source.crs).transform(xx, yy)
    col_f = (xs - source.x[0]) / source.dx
    row_f = (source.y[0] - ys) / source.dy
    ny, nx = source.y.size, source.x.size
    if same or method == "nearest":
        row = np.rint(row_f).astype("int64")
        col = np.rint(col_f).astype("int64")
        valid = mask & (row >= 0) & (row < ny) & (col >= 0) & (col < nx)
        out = Placement(row=row, col=col, valid=valid)
    elif method == "bilinear":
        r0 = np.floor(row_f).astype("int64")
        c0 = np.floor(col_f).astype("int64")
        valid = mask & (r0 >= 0) & (r0 + 1 < ny) & (c0 >= 0) & (c0 + 1 < nx)
        out = Placement(row=r0, col=c0, valid=valid, wy=row_f - r0, wx=col_f - c0)
    else:
        raise InputError(f"Unknown resampling method {method!r}: use 'nearest' or 'bilinear'.")
    out.row[~valid] = 0
    out.col[~valid] = 0
    if not same:
        out.cos, out.sin = axis_rotation(target.crs, source.crs, xx, yy, step_m=target.dx / 2)
    return out


def axis_rotation(target_crs, source_crs, x, y, step_m: float = 60.0):
    """cos/sin of the angle of the target's +x axis measured in the source grid.

    With this angle t, a velocity (vx_s, vy_s) along the source axes has components
    ``vx_t = vx_s cos t + vy_s sin t`` and ``vy_t = -vx_s sin t + vy_s cos t`` along
    the target axes (conformal projections: axes orthogonal, equal scale both ways).
    """
    tr = transformer(target_crs, source_crs)
    xa, ya = tr.transform(x - step_m, y)
    xb, yb = tr.transform(x + step_m, y)
    angle = np.arctan2(yb - ya, xb - xa)
    return np.cos(angle).astype("float32"), np.sin(angle).astype("float32")


def rotate(vx: np.ndarray, vy: np.ndarray, cos: np.ndarray, sin: np.ndarray):
    """Components of (vx, vy) along axes turned by the angle with ``cos``/``sin`` (m/yr)."""
    return vx * cos + vy * sin, -vx * sin + vy * cos


def gather(window: np.ndarray, r0: int, c0: int, placement: Placement, sl, rows, cols):
    """Values of the output pixels ``(rows, cols)`` (within window ``sl``) from a source window.

    ``window`` holds source pixels [r0:, c0:] with any leading axes (pairs); returns
    an array of shape (leading..., n_pixels).
    """
    pr = placement.row[sl][rows, cols] - r0
    pc = placement.col[sl][rows, cols] - c0
    if placement.wy is None:
        return window[..., pr, pc]
    wy = placement.wy[sl][rows, cols].astype("float32")
    wx = placement.wx[sl][rows, cols].astype("float32")
    acc = np.zeros(window.shape[:-2] + (pr.size,), dtype="float32")
    bad = np.zeros_like(acc, dtype=bool)
    for dr, dc, w in (
        (0, 0, (1 - wy) * (1 - wx)),
        (1, 0, wy * (1 - wx)),
        (0, 1, (1 - wy) * wx),
        (1, 1, wy * wx),
    ):
        vals = window[..., pr + dr, pc + dc]
        use = w > 1e-9
        bad |= use & np.isnan(vals)
        acc += np.where(use, np.nan_to_num(vals) * w, 0)
    acc[bad] = np.nan
    return acc
