"""Reading the datacube catalog: JSON parsing and validation, fetching, cache files.

Used by :mod:`itslive_qgis.core.catalog.catalog`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError, InputError, ItsLiveError, NetworkError
from ..geo import crs_info, require_shapely
from ..io import StoreConfig, to_s3_url, write_bytes
from .index import (
    FOOTPRINT_STEP_M,
    UntrustedQueryError,
    lonlat_polygon,
    repair_polygons,
    split_antimeridian,
    square_to_lonlat,
)
from .records import tile_name


# --------------------------------------------------------------------------- parsing
class _FeatureError(Exception):
    """One catalog feature is unusable (message says why)."""


_KNOWN_PROPS = {"zarr_url", "epsg", "data_epsg", "geometry_epsg", "granule_count", "roi_percent_coverage"}


def parse_json(source: dict | str | bytes | os.PathLike, name: str | None) -> tuple[Any, str]:
    """(parsed object, label) of a dict, JSON text/bytes or a path."""
    if isinstance(source, dict):
        return source, name or "catalog"
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        text: str | bytes = source
        label = name or "catalog text"
    elif isinstance(source, (bytes, bytearray)):
        text, label = bytes(source), name or "catalog bytes"
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        if not path.is_file():
            raise InputError(f"The catalog file {path} does not exist: give the path of catalog_v02.json.")
        text, label = path.read_bytes(), name or str(path)
    else:
        raise InputError(
            f"Cannot read a catalog from a {type(source).__name__}: give a path, JSON text or a dict."
        )
    try:
        return json.loads(text), label
    except UnicodeDecodeError as exc:
        raise DataError(
            f"The catalog {label} is not UTF-8 text ({exc.reason}); is it the catalog JSON?"
        ) from exc
    except json.JSONDecodeError as exc:
        raise DataError(
            f"The catalog {label} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "the download may be truncated or the URL may not point at catalog_v02.json."
        ) from exc


def record_fields(obj: Any, label: str) -> list[dict]:
    """CubeRecord keyword arguments of the validated features of a parsed catalog;
    DataError listing the first problems otherwise."""
    if not isinstance(obj, dict) or obj.get("type") != "FeatureCollection":
        found = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        raise DataError(
            f"The catalog {label} is not a GeoJSON FeatureCollection (found {found!r}); expected the "
            "ITS_LIVE datacube catalog datacubes/catalog_v02.json."
        )
    features = obj.get("features")
    if not isinstance(features, list) or not features:
        raise DataError(f"The catalog {label} has no features: expected one feature per datacube.")
    rows, problems = [], []
    for i, feature in enumerate(features):
        try:
            rows.append(_feature_fields(i, feature))
        except _FeatureError as exc:
            problems.append(f"feature {i}: {exc}")
    squares = _polygons_from_rings([row["square"] for row in rows], positive_area=True)
    lonlats = _lonlat_geometries([row["geometry"] for row in rows])
    for row, square, lonlat in zip(rows, squares, lonlats):
        where = f"feature {row['index']} ({tile_name(row['zarr_url'])})"
        if square is None:
            problems.append(f"{where}: missing or invalid 'geometry_epsg' Polygon")
        if isinstance(lonlat, str):
            problems.append(f"{where}: {lonlat}")
    for epsg in sorted({row["epsg"] for row in rows}):
        try:
            crs_info(epsg)
        except InputError:
            problems.append(f"EPSG:{epsg} is not a known coordinate reference system")
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise DataError(
            f"The catalog {label} has {len(problems)} unusable entr{'y' if len(problems) == 1 else 'ies'}: "
            + "; ".join(problems[:5])
            + f"{more}. Each feature needs properties zarr_url, epsg (or data_epsg) and geometry_epsg "
            "(the tile Polygon in projected metres) and a lon/lat Polygon geometry."
        )
    return [
        {
            "footprint_epsg": square,
            "footprint_lonlat": lonlat
            if lonlat is not None
            else square_to_lonlat(square, row["epsg"], FOOTPRINT_STEP_M),
            **{k: v for k, v in row.items() if k not in ("square", "geometry")},
        }
        for row, square, lonlat in zip(rows, squares, lonlats)
    ]


def _feature_fields(i: int, feature: Any) -> dict:
    """The plain fields of one feature (geometries still as GeoJSON); _FeatureError if unusable."""
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        raise _FeatureError("is not a GeoJSON Feature with properties")
    props = feature["properties"]
    url = props.get("zarr_url")
    if not isinstance(url, str) or not url.strip():
        raise _FeatureError("missing 'zarr_url'")
    where = f" ({tile_name(url)})"
    epsg = _epsg(props)
    if epsg is None:
        raise _FeatureError(f"missing or invalid 'epsg' / 'data_epsg'{where}")
    square = props.get("geometry_epsg")
    if isinstance(square, str):  # GDAL/QGIS write the nested object as JSON text
        try:
            square = json.loads(square)
        except json.JSONDecodeError:
            square = None
    if not isinstance(square, dict) or square.get("type") != "Polygon":
        raise _FeatureError(f"missing or invalid 'geometry_epsg' Polygon{where}")
    geometry = feature.get("geometry")
    if geometry is not None and (
        not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon")
    ):
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise _FeatureError(f"geometry is a {kind}, not a Polygon{where}")
    return {
        "index": i,
        "zarr_url": url.strip(),
        "epsg": epsg,
        "granule_count": _optional_number(props.get("granule_count"), int),
        "roi_percent_coverage": _optional_number(props.get("roi_percent_coverage"), float),
        "composite_zarr_url": props.get("composite_zarr_url") or None,
        "properties": {k: v for k, v in props.items() if k not in _KNOWN_PROPS},
        "square": square.get("coordinates"),
        "geometry": geometry,
    }


def _polygons_from_rings(polygons: list, positive_area: bool = False) -> list:
    """Shapely polygons (exterior rings only) of GeoJSON Polygon coordinates; None where unusable.

    Rings of equal length are converted in one vectorised call (the catalog's are all 5 points).
    """
    shapely = require_shapely()
    out: list = [None] * len(polygons)
    by_length: dict[int, list[int]] = {}
    for i, coords in enumerate(polygons):
        ring = coords[0] if isinstance(coords, list) and coords and isinstance(coords[0], list) else None
        if ring is not None and len(ring) >= 4:
            by_length.setdefault(len(ring), []).append(i)
    for idx in by_length.values():
        try:
            rings = np.asarray([polygons[i][0] for i in idx], dtype=float)[:, :, :2]
        except (ValueError, TypeError, IndexError):  # ragged or non-numeric: one by one
            for i in idx:
                out[i] = _polygons_from_rings([polygons[i]], positive_area)[0] if len(idx) > 1 else None
            continue
        with np.errstate(invalid="ignore"):
            polys = shapely.polygons(rings)
            ok = np.isfinite(rings).all(axis=(1, 2)) & shapely.is_valid(polys)
            if positive_area:
                ok &= shapely.area(polys) > 0
        for i, poly, good in zip(idx, polys, ok):
            out[i] = poly if good else None
    return out


def _lonlat_geometries(geometries: list) -> list:
    """Antimeridian-safe shapely geometries of GeoJSON lon/lat polygons; None when absent,
    a message string when unreadable."""
    shapely = require_shapely()
    out: list = [None] * len(geometries)
    simple = [
        i
        for i, g in enumerate(geometries)
        if g is not None and g["type"] == "Polygon" and len(g.get("coordinates") or []) == 1
    ]
    polys = _polygons_from_rings([geometries[i]["coordinates"] for i in simple])
    for i, poly in zip(simple, polys):
        out[i] = poly
    for i, g in enumerate(geometries):
        if g is None or out[i] is not None:
            continue
        try:
            out[i] = shapely.geometry.shape(g)
        except (
            ValueError,
            TypeError,
            IndexError,
            KeyError,
            AttributeError,
            shapely.errors.GEOSException,
        ) as exc:
            out[i] = f"unreadable lon/lat geometry ({exc})"
    usable = [i for i, g in enumerate(out) if g is not None and not isinstance(g, str)]
    if usable:
        geoms = np.array([out[i] for i in usable], dtype=object)
        b = shapely.bounds(geoms)
        odd = (b[:, 2] - b[:, 0] > 180.0) | (b[:, 0] < -180.0) | (b[:, 2] > 180.0) | ~shapely.is_valid(geoms)
        for k in np.flatnonzero(odd):
            out[usable[k]] = _fix_lonlat(geoms[k])
    return out


def _epsg(props: dict) -> int | None:
    value = props.get("epsg", props.get("data_epsg"))
    if isinstance(value, str):
        value = value.strip().upper().removeprefix("EPSG:")
    try:
        code = int(value)
    except (TypeError, ValueError):
        return None
    return code if code > 0 and float(value) == code else None


def _fix_lonlat(geom):
    """A catalog lon/lat polygon made antimeridian-safe (longitudes unwrapped, then split)."""
    xmin, _, xmax, _ = geom.bounds
    if geom.geom_type == "Polygon" and xmax - xmin > 180.0:
        lon, lat = np.asarray(geom.exterior.coords).T[:2]
        try:
            return lonlat_polygon(lon, lat, (False, False), spread=False)
        except UntrustedQueryError:
            return geom
    return split_antimeridian(repair_polygons(geom))


def _optional_number(value: Any, kind: type):
    if value is None or value == "":
        return None
    try:
        number = kind(float(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return number if np.isfinite(number) else None


# --------------------------------------------------------------------------- fetching and cache
def resolve_source(config: StoreConfig, source: str | os.PathLike | None) -> tuple[str, str, str]:
    """(kind 'file' | 'http' | 's3', URL or path, cache identity) of a catalog source."""
    if source is None:
        kind, url = "s3", config.catalog_url
    else:
        text = os.fspath(source) if isinstance(source, os.PathLike) else str(source).strip()
        if text.startswith("s3://"):
            kind, url = "s3", text
        elif text.startswith(("http://", "https://")):
            mapped = to_s3_url(text, config.bucket)
            kind, url = ("s3", mapped) if mapped.startswith("s3://") else ("http", text)
        else:
            path = Path(text.removeprefix("file://")).expanduser()
            kind, url = "file", str(path.resolve())
    where = config.endpoint_url or f"aws:{config.region}"
    return kind, url, f"{url}|{where}" if kind == "s3" else url


def fetch_source(kind: str, url: str, config: StoreConfig, meta: dict) -> tuple[bytes | None, dict]:
    """(content or None when unchanged since ``meta``, {'etag', 'last_modified'}) of a source."""
    if kind == "file":
        path = Path(url)
        try:
            st = path.stat()
        except OSError as exc:
            raise InputError(f"The catalog file {path} cannot be read ({exc.strerror or exc}).") from exc
        stamp = {
            "etag": f"{st.st_mtime_ns}-{st.st_size}",
            "last_modified": _dt.datetime.fromtimestamp(st.st_mtime, _dt.UTC).isoformat(),
        }
        if meta.get("etag") == stamp["etag"]:
            return None, stamp
        return path.read_bytes(), stamp
    if kind == "http":
        return _fetch_http(url, config, meta)
    return _fetch_s3(url, config, meta)


def _fetch_http(url: str, config: StoreConfig, meta: dict) -> tuple[bytes | None, dict]:
    """Conditional GET through fsspec's HTTP client (the store's retry policy, at most 4 attempts)."""
    from ..io import get_object, run

    try:
        return run(get_object(config, url, meta.get("etag"), meta.get("last_modified")))
    except ItsLiveError as exc:
        if isinstance(exc, NetworkError):
            raise NetworkError(f"Could not reach {url}: {exc} Check the network or the URL.") from exc
        raise
    except Exception as exc:  # aiohttp errors that are not worth retrying (e.g. HTTP 404)
        status = getattr(exc, "status", None)
        if status is not None:
            raise DataError(
                f"The server answered HTTP {status} ({getattr(exc, 'message', exc)}) for {url}."
            ) from exc
        raise NetworkError(
            f"Could not reach {url}: {type(exc).__name__}: {exc}. Check the network or the URL."
        ) from exc


def _fetch_s3(url: str, config: StoreConfig, meta: dict) -> tuple[bytes | None, dict]:
    """The catalog object through the one s3fs store (ETag first; body only when it changed)."""
    from ..io import get_object, run

    where = f"{url} ({config.describe()})"
    try:
        return run(get_object(config, url, meta.get("etag")))
    except ItsLiveError:
        raise
    except FileNotFoundError as exc:
        raise DataError(
            f"The catalog does not exist at {where}: check the bucket and endpoint settings."
        ) from exc
    except PermissionError as exc:
        raise NetworkError(
            f"Access to {where} was refused ({exc}); the bucket must allow anonymous reads."
        ) from exc
    except Exception as exc:  # botocore / aiohttp errors have no common base class
        raise NetworkError(f"Could not read {where}: {type(exc).__name__}: {exc}") from exc


def cache_paths(config: StoreConfig, source_id: str) -> tuple[Path, Path]:
    folder = Path(config.cache_dir) / "catalog"
    digest = hashlib.sha1(source_id.encode("utf-8")).hexdigest()[:10]
    return folder / f"catalog_v02-{digest}.json", folder / f"catalog_v02-{digest}.meta.json"


def read_cache(json_path: Path, meta_path: Path) -> tuple[bytes, dict] | None:
    """(content, metadata) of a complete cache entry whose checksum matches, else None."""
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body = json_path.read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("sha256") != hashlib.sha256(body).hexdigest():
        return None
    return body, meta


def write_cache(json_path: Path, meta_path: Path, body: bytes, meta: dict) -> None:
    """Write content then metadata, each to a temporary name in the folder, then rename."""
    write_bytes(json_path, body)
    write_bytes(meta_path, json.dumps(meta, indent=1).encode("utf-8"))
