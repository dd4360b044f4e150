"""The ITS_LIVE datacube catalog: load, cache, validate and search it.

The catalog (``datacubes/catalog_v02.json``) is a GeoJSON FeatureCollection with one
feature per 100 km x 100 km datacube tile: ``zarr_url``, ``epsg`` (or the 2022 string
``data_epsg: 'EPSG:32718'``), ``geometry_epsg`` (the tile square in projected metres) and a
lon/lat ``geometry``. A cube covers a place when the place intersects the tile square IN
THE CUBE'S OWN PROJECTION; :meth:`Catalog.matches` answers that for a geometry in any CRS
(polar stereographic, Web Mercator, UTM, geographic, ...) without the false hits of lon/lat
boxes that wrap around the globe.

This module holds the public API. The search (EPSG groups, queries, lon/lat geometry) is in
:mod:`.catalog_index` (its docstring says how a query works); JSON parsing and validation,
fetching and the cache files are in :mod:`.catalog_io`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CancelledError, DataError, InputError, ItsLiveError
from ..geo import require_shapely
from ..io import StoreConfig, geodataframe
from ..progress import NullProgress, Progress, check_cancelled
from .index import FOOTPRINT_STEP_M, EpsgGroup, Query, UntrustedQueryError, group_indices, squares_to_lonlat
from .records import FOOTPRINT_FIELDS, CubeMatch, CubeRecord, tile_name
from .source import (
    cache_paths,
    fetch_source,
    parse_json,
    read_cache,
    record_fields,
    resolve_source,
    write_cache,
)

__all__ = [
    "FOOTPRINT_FIELDS",
    "STATUS_CACHE",
    "STATUS_REFRESHED",
    "STATUS_REFRESH_FAILED",
    "Catalog",
    "CatalogLoadResult",
    "CubeMatch",
    "CubeRecord",
    "cube_urls_for_area",
    "load_catalog",
    "tile_name",
]

STATUS_CACHE = "cache"
STATUS_REFRESHED = "refreshed"
STATUS_REFRESH_FAILED = "refresh_failed"


@dataclass(frozen=True)
class CatalogLoadResult:
    """What :func:`load_catalog` did: ``status`` is ``cache``, ``refreshed`` or ``refresh_failed``."""

    catalog: Catalog
    status: str
    message: str
    path: Path | None


def load_catalog(
    config: StoreConfig | None = None,
    source: str | os.PathLike | None = None,
    refresh: bool = True,
    progress: Progress | None = None,
) -> CatalogLoadResult:
    """Load the datacube catalog through a local cache.

    Parameters
    ----------
    config : StoreConfig, optional
        Endpoint and cache folder (``config.cache_dir / "catalog"``); default from the environment.
    source : str or path-like, optional
        Local file, ``file://``, ``http(s)://`` or ``s3://`` URL; default ``config.catalog_url``
        (read with s3fs through the configured endpoint). ITS_LIVE bucket https URLs are read as s3.
    refresh : bool
        Ask the source whether it changed (ETag / Last-Modified / file time and size) and
        download only when it did. False uses the cache as it is when there is one.
    progress : Progress, optional
        Receives log lines, fractions and cancellation checks.

    Returns
    -------
    CatalogLoadResult
        ``status`` ``cache`` (cache used, up to date or not refreshed), ``refreshed``
        (downloaded and cached) or ``refresh_failed`` (the previous cache is used and
        ``message`` says what went wrong). The cache is never replaced by unusable content.

    Raises
    ------
    NetworkError, DataError, InputError
        When nothing usable is cached and the source cannot be read or is not a valid catalog.
    """
    config = config if config is not None else StoreConfig.from_env()
    progress = progress or NullProgress()
    kind, url, source_id = resolve_source(config, source)
    json_path, meta_path = cache_paths(config, source_id)
    cached, meta, note = None, {}, ""
    found = read_cache(json_path, meta_path)
    if found is not None:
        try:
            cached = Catalog.from_geojson(found[0], name=str(json_path))
            meta = found[1]
        except ItsLiveError as exc:
            note = f"The cached catalog {json_path} was unusable and is ignored ({exc}). "
    if cached is not None and not refresh:
        msg = f"Using the cached datacube catalog ({len(cached)} cubes, fetched {meta.get('fetched_at')})."
        return CatalogLoadResult(cached, STATUS_CACHE, msg, json_path)
    check_cancelled(progress)
    progress.log(f"Reading the datacube catalog from {url}")
    progress.report(0.05)
    try:
        body, remote = fetch_source(kind, url, config, meta if cached is not None else {})
        progress.report(0.6)
        if body is None and cached is not None:
            msg = f"The cached datacube catalog is up to date ({len(cached)} cubes, source {url})."
            progress.log(msg)
            progress.report(1.0)
            return CatalogLoadResult(cached, STATUS_CACHE, msg, json_path)
        if cached is not None and hashlib.sha256(body).hexdigest() == meta.get("sha256"):
            msg = f"The cached datacube catalog is up to date ({len(cached)} cubes, same content at {url})."
            progress.report(1.0)
            return CatalogLoadResult(cached, STATUS_CACHE, msg, json_path)
        check_cancelled(progress)
        catalog = Catalog.from_geojson(body, name=url)
    except CancelledError:
        raise
    except ItsLiveError as exc:
        if cached is None:
            raise type(exc)(f"{note}Could not load the datacube catalog from {url}: {exc}") from exc
        msg = (
            f"Could not refresh the datacube catalog from {url}: {exc} Keeping the cached copy "
            f"fetched {meta.get('fetched_at')} ({json_path})."
        )
        progress.log(msg)
        return CatalogLoadResult(cached, STATUS_REFRESH_FAILED, msg, json_path)
    new_meta = {
        "source": url,
        "etag": remote.get("etag"),
        "last_modified": remote.get("last_modified"),
        "fetched_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "sha256": hashlib.sha256(body).hexdigest(),
        "n_features": len(catalog),
    }
    msg = f"{note}Downloaded the datacube catalog from {url} ({len(catalog)} cubes)."
    try:
        write_cache(json_path, meta_path, body, new_meta)
    except OSError as exc:
        msg += f" It could not be cached in {json_path.parent} ({exc}); check that the folder is writable."
    progress.log(msg)
    progress.report(1.0)
    return CatalogLoadResult(catalog, STATUS_REFRESHED, msg, json_path)


class Catalog:
    """Datacube records with a spatial index per EPSG (how a query works: :mod:`.catalog_index`)."""

    def __init__(self, records: list[CubeRecord], name: str | None = None):
        if not records:
            raise DataError(f"The datacube catalog {name or '(unnamed)'} contains no cubes.")
        self.records = list(records)
        self.name = name
        self._groups = [EpsgGroup(epsg, idx, self.records) for epsg, idx in group_indices(self.records)]
        self._domain_boxes = np.vstack([g.domain_bounds for g in self._groups])
        self._box_group = np.repeat(
            np.arange(len(self._groups)), [len(g.domain_bounds) for g in self._groups]
        )

    @property
    def features(self) -> list[CubeRecord]:
        """The records (alias of ``records``)."""
        return self.records

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self):
        return iter(self.records)

    def __getitem__(self, i: int) -> CubeRecord:
        return self.records[i]

    @classmethod
    def from_geojson(cls, source: dict | str | bytes | os.PathLike, name: str | None = None) -> Catalog:
        """Build a catalog from a parsed GeoJSON dict, JSON text/bytes or a file path.

        Raises
        ------
        InputError
            When a path is given that does not exist.
        DataError
            When the content is not valid JSON, not a FeatureCollection, or a feature lacks
            ``zarr_url``, ``epsg``/``data_epsg`` or a Polygon ``geometry_epsg``, or has a
            non-polygon geometry.
        """
        obj, name = parse_json(source, name)
        return cls(_records_from_geojson(obj, name), name=name)

    def find(self, geometry: Any, crs: Any = "EPSG:4326") -> list[CubeRecord]:
        """Cubes whose tile intersects ``geometry`` (in ``crs``), largest overlap first.

        See :meth:`matches` for the accepted geometries and CRSs.
        """
        return [m.record for m in self.matches(geometry, crs)]

    def matches(self, geometry: Any, crs: Any = "EPSG:4326") -> list[CubeMatch]:
        """Cubes whose tile square intersects ``geometry``, with the share of the query they cover.

        Parameters
        ----------
        geometry : shapely geometry, (xmin, ymin, xmax, ymax) or (x, y)
            Place to look up, x = easting/longitude, y = northing/latitude in ``crs`` units.
            A geographic extent with ``xmin > xmax`` is read as crossing the antimeridian.
        crs : int, str or pyproj.CRS
            EPSG code, ``"EPSG:3413"``, WKT or PROJ string of the coordinates.

        Returns
        -------
        list of CubeMatch
            Sorted by ``overlap_percent`` (descending), then by distance from the query
            centre to the tile centre.
        """
        query = Query(geometry, crs)
        found: list[tuple[float, float, int]] = []
        try:
            for group in self._candidate_groups(query):
                found += group.match(query)
        except UntrustedQueryError:
            found = []
            for group in self._groups:
                found += group.match_in_query_crs(query)
        found.sort(key=lambda t: (-round(t[0], 9), t[1], t[2]))
        return [CubeMatch(self.records[i], float(min(pct, 100.0))) for pct, _, i in found]

    def _candidate_groups(self, query: Query) -> list[EpsgGroup]:
        """Groups in the query's own EPSG, and groups whose lon/lat domain meets the query's."""
        shapely = require_shapely()
        same = [g for g in self._groups if g.epsg == query.epsg]
        if len(same) == len(self._groups):
            return same
        qb = shapely.bounds(shapely.get_parts(query.lonlat()))  # may raise UntrustedQueryError
        boxes = self._domain_boxes
        meets = (
            (boxes[:, None, 0] <= qb[None, :, 2])
            & (boxes[:, None, 2] >= qb[None, :, 0])
            & (boxes[:, None, 1] <= qb[None, :, 3])
            & (boxes[:, None, 3] >= qb[None, :, 1])
        ).any(axis=1)
        wanted = set(self._box_group[meets].tolist())
        return same + [g for i, g in enumerate(self._groups) if i in wanted and g.epsg != query.epsg]

    def footprint_features(
        self, records: list[CubeRecord] | None = None, densify_m: float = FOOTPRINT_STEP_M
    ) -> list[dict]:
        """Tile footprints as GeoJSON Features in EPSG:4326 for a vector output.

        The projected squares are densified every ``densify_m`` metres and projected to
        lon/lat; polygons crossing the antimeridian are split into a MultiPolygon (parts on
        both sides of 180 degrees), and a tile holding a pole is closed around it. Properties
        are those of :data:`FOOTPRINT_FIELDS` (granule_count and roi_percent_coverage may be None).
        """
        shapely = require_shapely()
        records = list(records if records is not None else self.records)
        geoms = np.empty(len(records), dtype=object)
        for epsg, idx in group_indices(records):
            squares = np.array([records[i].footprint_epsg for i in idx], dtype=object)
            geoms[idx] = squares_to_lonlat(squares, epsg, densify_m)
        out = []
        for rec, geom in zip(records, geoms):
            props = {
                "zarr_url": rec.zarr_url,
                "epsg": int(rec.epsg),
                "granule_count": rec.granule_count,
                "roi_percent_coverage": rec.roi_percent_coverage,
            }
            out.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props})
        return out

    def footprints_frame(self, records: list[CubeRecord] | None = None):
        """The footprints of :meth:`footprint_features` as a geopandas GeoDataFrame (EPSG:4326)."""
        from shapely.geometry import shape

        features = self.footprint_features(records)
        rows = [dict(f["properties"], tile=tile_name(f["properties"]["zarr_url"])) for f in features]
        return geodataframe(rows, [shape(f["geometry"]) for f in features], "EPSG:4326")


def _records_from_geojson(obj: Any, label: str) -> list[CubeRecord]:
    """Validated records of a parsed catalog; DataError listing the first problems otherwise."""
    return [CubeRecord(**kwargs) for kwargs in record_fields(obj, label)]


def cube_urls_for_area(area, area_crs, config: StoreConfig | None = None, progress: Progress | None = None):
    """zarr_urls of the catalog's cubes covering ``area`` (largest overlap first).

    Loads the catalog through the cache (see :func:`load_catalog`). Raises
    :class:`InputError` when no cube covers the area.
    """
    progress = progress or NullProgress()
    loaded = load_catalog(config, progress=progress)
    progress.log(loaded.message)
    records = loaded.catalog.find(area, area_crs)
    if not records:
        raise InputError("No ITS_LIVE datacube covers the area: check its position and CRS.")
    progress.log("Datacubes covering the area: " + ", ".join(r.tile_name for r in records))
    return [r.zarr_url for r in records]
