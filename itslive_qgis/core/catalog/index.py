"""Spatial index of the datacube catalog: EPSG groups, queries and lon/lat geometry.

A cube covers a place when the place intersects the tile square IN THE CUBE'S OWN
PROJECTION. How a query works: the query is densified in its own CRS and turned into
antimeridian-split lon/lat pieces (closing around a pole it contains). For each EPSG group
of cubes, those pieces are clipped to the group's lon/lat domain (where that projection
behaves well and that holds every footprint of the group), densified again and projected
into the group's EPSG, then an STRtree finds the intersecting squares. A query already in a
group's EPSG is used as it is. When the query CRS cannot be inverted over the query (a world
extent in an orthographic or conic view), the footprints are projected into the query CRS
instead.

Private to :mod:`itslive_qgis.core.catalog.catalog`, which holds the public API.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..geo import crs_info, require_shapely, transform_geometry, transformer

if TYPE_CHECKING:
    from .records import CubeRecord

FOOTPRINT_STEP_M = 5000.0  # densification of projected squares for lon/lat outputs (metres)
_INDEX_STEP_M = 10000.0  # the same for the lon/lat footprints of the index (domains, fallback route)
_LONLAT_STEP_DEG = 0.25  # densification of lon/lat query pieces before projecting (degrees)
_DOMAIN_MARGIN_DEG = 1.0  # margin of an EPSG group's lon/lat domain around its footprints (degrees)
_QUERY_SEGMENTS = 1024  # the query is densified to about this many points along its bounding box


# --------------------------------------------------------------------------- spatial index
class UntrustedQueryError(Exception):
    """The query CRS cannot be inverted reliably over the query: search in the query CRS."""


class EpsgGroup:
    """The cubes of one EPSG: squares, their STRtree, dense lon/lat footprints and domain."""

    def __init__(self, epsg: int, indices: np.ndarray, records: list[CubeRecord]):
        shapely = require_shapely()
        self.epsg = epsg
        self.key = f"EPSG:{epsg}"
        self.indices = indices
        self.squares = np.array([records[i].footprint_epsg for i in indices], dtype=object)
        self.tree = shapely.STRtree(self.squares)
        self.lonlat = squares_to_lonlat(self.squares, epsg, _INDEX_STEP_M)
        self.domain = _lonlat_domain(self.lonlat)
        self.domain_bounds = np.array([d.bounds for d in shapely.get_parts(self.domain)])

    def match(self, query: Query) -> list[tuple[float, float, int]]:
        """(overlap %, distance m, record index) of the squares the query meets (forward route)."""
        shapely = require_shapely()
        if query.epsg == self.epsg:
            piece = query.geom
            return _summarise([(piece, self.tree.query(piece, predicate="intersects"))], self, 1.0)
        ll = query.lonlat()
        part = shapely.intersection(ll, self.domain)
        if part.is_empty:
            return []
        share = query.share(part)
        # at most 180 degrees of longitude per piece: a full band around a pole would project
        # to a disc with a slit (invalid); two half bands project to two valid half discs
        pb = shapely.bounds(part)
        halves = [part] if pb[2] - pb[0] <= 180.0 else [shapely.intersection(part, h) for h in _halves()]
        pieces = []
        for half in halves:
            if half.is_empty:
                continue
            proj = transform_geometry(
                shapely.segmentize(half, _LONLAT_STEP_DEG), "EPSG:4326", self.key, densify=False
            )
            if not np.all(np.isfinite(shapely.get_coordinates(proj))):
                raise UntrustedQueryError
            proj = repair_polygons(proj)
            pieces.append((proj, self.tree.query(proj, predicate="intersects")))
        return _summarise(pieces, self, share)

    def match_in_query_crs(self, query: Query) -> list[tuple[float, float, int]]:
        """Fallback route: project the dense lon/lat footprints into the query CRS."""
        shapely = require_shapely()
        if query.epsg == self.epsg:
            return self.match(query)
        coords = shapely.get_coordinates(self.lonlat)
        # vertices exactly on 180 degrees or a pole sit on the edge of many projections' domain
        coords = np.clip(coords, [-180.0 + 1e-9, -90.0 + 1e-9], [180.0 - 1e-9, 90.0 - 1e-9])
        owner = np.repeat(np.arange(len(self.lonlat)), shapely.get_num_coordinates(self.lonlat))
        xy = np.column_stack(transformer("EPSG:4326", query.key).transform(coords[:, 0], coords[:, 1]))
        back = np.column_stack(transformer(query.key, "EPSG:4326").transform(xy[:, 0], xy[:, 1]))
        with np.errstate(invalid="ignore"):
            dlon = np.abs((back[:, 0] - coords[:, 0] + 180.0) % 360.0 - 180.0)
            dlat = np.abs(back[:, 1] - coords[:, 1])
        bad = ~np.isfinite(xy).all(axis=1) | ~(dlon < 1e-5) | ~(dlat < 1e-5)
        keep = np.bincount(owner, weights=bad, minlength=len(self.lonlat)) == 0
        xy[bad] = 0.0
        projected = shapely.set_coordinates(self.lonlat.copy(), xy)
        shapely.prepare(query.geom)
        hit = np.flatnonzero(keep & shapely.intersects(query.geom, projected))
        return _summarise([(query.geom, hit)], self, 1.0, squares=projected)


class Query:
    """A query geometry in its own CRS, with its lon/lat pieces computed on demand."""

    def __init__(self, geometry: Any, crs: Any):
        shapely = require_shapely()
        self.key, self.crs, self.epsg = crs_info(crs)
        geographic = self.crs.is_geographic
        if isinstance(geometry, (tuple, list)) and len(geometry) in (2, 4):
            vals = [float(v) for v in geometry]
            if len(vals) == 2:
                geometry = shapely.Point(vals)
            else:
                xmin, ymin, xmax, ymax = vals
                if xmin > xmax and geographic:
                    xmax += 360.0
                if xmin > xmax or ymin > ymax:
                    raise InputError(f"Extent {tuple(vals)} has xmin > xmax or ymin > ymax.")
                geometry = shapely.box(xmin, ymin, xmax, ymax)
        if not isinstance(geometry, shapely.Geometry):
            raise InputError(
                "Give the place as a shapely geometry, an (xmin, ymin, xmax, ymax) extent or (x, y)."
            )
        if geometry.is_empty or not np.all(np.isfinite(shapely.get_coordinates(geometry))):
            raise InputError("The search geometry is empty or has non-finite coordinates.")
        kind = geometry.geom_type.replace("Multi", "")
        if kind not in ("Point", "LineString", "Polygon"):
            raise InputError(
                f"Cannot search the catalog with a {geometry.geom_type}; use points, lines or polygons."
            )
        self.kind = kind
        self.geom = repair_polygons(geometry) if kind == "Polygon" else geometry
        self.geographic = geographic
        self._lonlat = None
        self._size: float | None = None

    def lonlat(self):
        """The query in lon/lat degrees, split at the antimeridian, closed around poles it holds."""
        if self._lonlat is None:
            self._lonlat = _query_to_lonlat(self)
        return self._lonlat

    def share(self, part) -> float:
        """Fraction of the lon/lat query kept in ``part`` (a clip of it), on the sphere."""
        whole = self.lonlat()
        if part.area >= whole.area * (1 - 1e-12) and part.length >= whole.length * (1 - 1e-12):
            return 1.0
        if self._size is None:
            self._size = _lonlat_measure(whole)
        return _lonlat_measure(part) / self._size if self._size > 0 else 1.0


def _summarise(
    pieces: list[tuple[Any, np.ndarray]], group: EpsgGroup, share: float, squares: np.ndarray | None = None
) -> list[tuple[float, float, int]]:
    """(overlap %, centre distance, record index) per square hit by one or more query pieces.

    ``pieces`` are (projected query piece, positions in the group of the squares it meets);
    ``share`` is the fraction of the whole query these pieces stand for.
    """
    shapely = require_shapely()
    squares = group.squares if squares is None else squares
    total = float(sum(_measure(q) for q, _ in pieces))
    overlap: dict[int, float] = {}
    distance: dict[int, float] = {}
    for q, hits in pieces:
        if len(hits) == 0:
            continue
        hit_squares = squares[hits]
        shapely.prepare(q)
        inside = shapely.covers(q, hit_squares)
        measure = np.empty(len(hits))
        measure[inside] = _measure(hit_squares[inside])
        measure[~inside] = _measure(shapely.intersection(q, hit_squares[~inside]))
        dist = shapely.distance(shapely.centroid(q), shapely.centroid(hit_squares))
        for h, m, d in zip(hits.tolist(), measure.tolist(), dist.tolist()):
            overlap[h] = overlap.get(h, 0.0) + m
            distance[h] = min(distance.get(h, np.inf), d)
    return [
        (100.0 * share * (overlap[h] / total if total > 0 else 1.0), distance[h], int(group.indices[h]))
        for h in overlap
    ]


def _measure(geom):
    """Area of polygons, else length of lines, else number of points (vectorised)."""
    shapely = require_shapely()
    area = shapely.area(geom)
    length = shapely.length(geom)
    points = shapely.get_num_geometries(geom) * ~shapely.is_empty(geom)
    return np.where(area > 0, area, np.where(length > 0, length, points))


def _lonlat_measure(geom) -> float:
    """Size of lon/lat geometry: area on the sphere (cylindrical equal-area), length, or point count."""
    shapely = require_shapely()
    if geom.area > 0:
        equal_area = shapely.transform(
            geom, lambda c: np.column_stack([np.radians(c[:, 0]), np.sin(np.radians(c[:, 1]))])
        )
        return float(equal_area.area)
    if geom.length > 0:
        from pyproj import Geod

        return float(Geod(ellps="WGS84").geometry_length(geom))
    return float(shapely.get_num_geometries(geom))


@lru_cache(maxsize=1)
def _halves() -> tuple:
    """Lon/lat boxes of the western and eastern hemispheres."""
    shapely = require_shapely()
    return shapely.box(-180.0, -90.0, 0.0, 90.0), shapely.box(0.0, -90.0, 180.0, 90.0)


def group_indices(records: list[CubeRecord]):
    epsgs = np.array([r.epsg for r in records])
    for epsg in np.unique(epsgs):
        yield int(epsg), np.flatnonzero(epsgs == epsg)


# --------------------------------------------------------------------------- lon/lat geometry
def _query_to_lonlat(query: Query):
    """Densify the query in its CRS and turn it into antimeridian-split lon/lat geometry."""
    shapely = require_shapely()
    g = query.geom
    xmin, ymin, xmax, ymax = g.bounds
    step = max(2.0 * ((xmax - xmin) + (ymax - ymin)) / _QUERY_SEGMENTS, 1e-9)
    to_ll = transformer(query.key, "EPSG:4326")
    back = transformer("EPSG:4326", query.key)
    tol = 1e-5 * max(xmax - xmin, ymax - ymin) + (1e-7 if query.geographic else 1e-3)
    # x period of cylindrical CRSs (360 degrees, 2 pi R in Web Mercator): canvases may run past 180
    px, py = back.transform([-180.0, 180.0, -180.0, 180.0], [0.0, 0.0, 60.0, 60.0])
    widths = np.array([px[1] - px[0], px[3] - px[2]])
    cylindrical = (
        np.isfinite(widths).all() and abs(py[1] - py[0]) < 1e-6 and abs(widths[1] - widths[0]) < 1e-6
    )
    period = abs(widths[0]) if cylindrical else 0.0

    def lonlat(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = to_ll.transform(xy[:, 0], xy[:, 1])
        bx, by = back.transform(lon, lat)
        with np.errstate(invalid="ignore"):
            dx = np.abs(bx - xy[:, 0])
            if period > 0:
                dx = np.abs((dx + period / 2) % period - period / 2)
            if not (np.all(np.isfinite(lon)) and np.all(dx <= tol) and np.all(np.abs(by - xy[:, 1]) <= tol)):
                raise UntrustedQueryError
        return np.asarray(lon), np.asarray(lat)

    if query.kind == "Point":
        lon, lat = lonlat(shapely.get_coordinates(g))
        return shapely.multipoints(np.column_stack([(lon + 180.0) % 360.0 - 180.0, lat]))
    dense = shapely.segmentize(g, step)
    if query.kind == "LineString":
        lines = []
        for line in shapely.get_parts(dense):
            lon, lat = lonlat(shapely.get_coordinates(line))
            lines.append(shapely.LineString(np.column_stack([np.unwrap(lon, period=360.0), lat])))
        return split_antimeridian(shapely.union_all(lines))
    pole_hint = _poles_inside(g, query.key)
    pieces = []
    for poly in shapely.get_parts(dense):
        spread = not query.geographic
        rings = [lonlat_polygon(*lonlat(np.asarray(poly.exterior.coords)), pole_hint, spread)]
        holes = [lonlat_polygon(*lonlat(np.asarray(r.coords)), pole_hint, spread) for r in poly.interiors]
        pieces.append(shapely.difference(rings[0], shapely.union_all(holes)) if holes else rings[0])
    return shapely.union_all(pieces)


def square_to_lonlat(square, epsg: int, step_m: float):
    """A projected square, densified every ``step_m`` metres, as antimeridian-safe lon/lat geometry."""
    shapely = require_shapely()
    xy = shapely.get_coordinates(shapely.segmentize(square.exterior, step_m))
    lon, lat = transformer(f"EPSG:{epsg}", "EPSG:4326").transform(xy[:, 0], xy[:, 1])
    return lonlat_polygon(np.asarray(lon), np.asarray(lat), _poles_inside(square, f"EPSG:{epsg}"))


def squares_to_lonlat(squares: np.ndarray, epsg: int, step_m: float) -> np.ndarray:
    """Vectorised :func:`square_to_lonlat` for the squares of one EPSG (object array)."""
    shapely = require_shapely()
    rings = shapely.segmentize(shapely.get_exterior_ring(squares), step_m)
    xy = shapely.get_coordinates(rings)
    owner = np.repeat(np.arange(len(squares)), shapely.get_num_coordinates(rings))
    lon, lat = (np.asarray(v) for v in transformer(f"EPSG:{epsg}", "EPSG:4326").transform(xy[:, 0], xy[:, 1]))
    start = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
    span = np.maximum.reduceat(lon, start) - np.minimum.reduceat(lon, start)
    near_pole = np.maximum.reduceat(np.abs(lat), start) >= 90.0 - 1e-9
    px, py = transformer("EPSG:4326", f"EPSG:{epsg}").transform([0.0, 0.0], [90.0, -90.0])
    poles = [
        shapely.contains(squares, shapely.Point(x, y)) if np.isfinite([x, y]).all() else None
        for x, y in zip(px, py)
    ]
    has_pole = np.zeros(len(squares), bool)
    for inside in poles:
        has_pole |= inside if inside is not None else False
    out = shapely.polygons(shapely.linearrings(np.column_stack([lon, lat]), indices=owner))
    for i in np.flatnonzero((span > 180.0) | near_pole | has_pole):
        sel = owner == i
        flags = tuple(bool(p[i]) if p is not None else False for p in poles)
        out[i] = lonlat_polygon(lon[sel], lat[sel], flags)
    return out


def lonlat_polygon(lon: np.ndarray, lat: np.ndarray, poles: tuple[bool, bool], spread: bool = True):
    """Lon/lat ring (closed) -> polygon in [-180, 180], split at 180 and closed around a pole.

    ``poles`` = (north pole inside, south pole inside) in the ring's own CRS. ``spread``: the
    longitude of vertices AT a pole is meaningless (ring projected from a projected CRS).
    """
    shapely = require_shapely()
    if spread:
        lon, lat = _spread_pole_points(lon, lat)
    lon_u = np.unwrap(lon, period=360.0)
    winding = lon_u[-1] - lon_u[0]
    coords = np.column_stack([lon_u, lat])
    if abs(abs(winding) - 360.0) < 1e-6:
        north, south = poles
        pole_lat = 90.0 if (north and not south) or (north == south and np.mean(lat) > 0) else -90.0
        coords = np.vstack([coords, [[lon_u[-1], pole_lat], [lon_u[0], pole_lat], coords[0]]])
    elif abs(winding) > 1e-6:
        raise UntrustedQueryError
    return split_antimeridian(repair_polygons(shapely.Polygon(coords)))


def _spread_pole_points(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Replace each run of ring vertices AT a pole by two pole vertices carrying the longitudes
    of the run's neighbours, so the ring follows the pole edge from one to the other."""
    at = np.abs(lat[:-1]) >= 90.0 - 1e-9  # open ring
    if not at.any() or at.all():
        return lon, lat
    first = int(np.flatnonzero(~at)[0])  # start the ring at a vertex off the pole
    ring_lon, ring_lat, at = np.roll(lon[:-1], -first), np.roll(lat[:-1], -first), np.roll(at, -first)
    out_lon, out_lat, i, n = [], [], 0, len(at)
    while i < n:
        if not at[i]:
            out_lon.append(ring_lon[i])
            out_lat.append(ring_lat[i])
            i += 1
            continue
        j = i
        while j < n and at[j]:
            j += 1
        pole = 90.0 if ring_lat[i] > 0 else -90.0
        out_lon += [ring_lon[i - 1], ring_lon[j % n]]
        out_lat += [pole, pole]
        i = j
    return np.asarray(out_lon + out_lon[:1]), np.asarray(out_lat + out_lat[:1])


def split_antimeridian(geom):
    """Cut unwrapped lon/lat geometry into 360-degree windows and shift each into [-180, 180]."""
    shapely = require_shapely()
    xmin, _, xmax, _ = geom.bounds
    if xmin >= -180.0 and xmax <= 180.0:
        return geom
    parts = []
    for k in range(int(np.floor((xmin + 180.0) / 360.0)), int(np.floor((xmax + 180.0) / 360.0)) + 1):
        window = shapely.box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0)
        with np.errstate(invalid="ignore"):  # GEOS' NaN test on world-sized rings: not a user warning
            piece = shapely.intersection(geom, window)
        if not piece.is_empty:
            parts.append(shapely.transform(piece, lambda c, k=k: c - [360.0 * k, 0.0]))
    return repair_polygons(shapely.union_all(parts)) if geom.area > 0 else shapely.union_all(parts)


def _poles_inside(geom, key: str) -> tuple[bool, bool]:
    """Whether the north / south pole lie inside ``geom`` (coordinates in CRS ``key``)."""
    shapely = require_shapely()
    x, y = transformer("EPSG:4326", key).transform([0.0, 0.0], [90.0, -90.0])
    return tuple(
        bool(np.isfinite(x[i]) and np.isfinite(y[i]) and geom.contains(shapely.Point(x[i], y[i])))
        for i in (0, 1)
    )


def _lonlat_domain(footprints: np.ndarray):
    """Lon/lat box(es) holding every footprint, with a margin; wraps the antimeridian if need be."""
    shapely = require_shapely()
    m = _DOMAIN_MARGIN_DEG
    b = shapely.bounds(shapely.get_parts(footprints))
    lat0, lat1 = max(-90.0, b[:, 1].min() - m), min(90.0, b[:, 3].max() + m)
    order = np.argsort(b[:, 0])
    merged: list[list[float]] = []
    for lo, hi in b[order][:, [0, 2]]:
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    gaps = [(merged[0][0] + 360.0 - merged[-1][1], len(merged) - 1)]
    gaps += [(merged[i + 1][0] - merged[i][1], i) for i in range(len(merged) - 1)]
    gap, i = max(gaps)
    if gap <= 2 * m:
        return shapely.box(-180.0, lat0, 180.0, lat1)
    lo, hi = merged[(i + 1) % len(merged)][0] - m, merged[i][1] + m
    if hi < lo:
        hi += 360.0
    return split_antimeridian(shapely.box(lo, lat0, hi, lat1))


def repair_polygons(geom):
    """Valid geometry: polygons repaired with make_valid, keeping only the polygonal parts."""
    shapely = require_shapely()
    if geom.is_valid:
        return geom
    fixed = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else fixed
