"""Coordinate reference systems: parsing, the one CRS-from-attributes reader, cached transformers.

Every room reads a CRS from file attributes through :func:`crs_from_attrs` (cubes, subsets,
inversion and strain outputs, grids) and projects coordinates through :func:`transformer`
(one ``always_xy`` pyproj Transformer per thread and CRS pair: Transformers are not
thread-safe, and building one costs milliseconds).

Attribute rules (ITS_LIVE cubes and CF files): the grid-mapping variable's ``spatial_epsg``
first, then the global ``projection`` (an EPSG code as a string, as ITS_LIVE writes it), then
the grid mapping's ``crs_wkt``, ``spatial_ref`` or ``proj4text``. An EPSG code wins over WKT
so that tiles of one projection compare equal whatever their WKT dialect.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import DataError, InputError, MissingDependencyError

#: grid-mapping variable names tried when no ``grid_mapping`` attribute names one
GRID_MAPPING_NAMES = ("mapping", "spatial_ref", "crs", "Polar_Stereographic", "UTM_Projection")
_local = threading.local()


def as_crs(crs: Any, require_metres: bool = False):
    """A ``pyproj.CRS`` from an EPSG code (int or ``"3413"``), ``"EPSG:xxxx"``, WKT, PROJ string or CRS.

    Raises :class:`InputError` for an unknown CRS and, with ``require_metres``, for one that is
    not projected in metres (map distances must be metres for strain rates, flux and tracking).
    """
    crs_obj = crs_info(crs)[1]
    if require_metres:
        units = {a.unit_name.lower() for a in crs_obj.axis_info[:2]}
        if not crs_obj.is_projected or not units <= {"metre", "meter", "m"}:
            raise InputError(
                f"The grid CRS {crs_obj.name} is not a projected CRS in metres; reproject the velocities "
                "to their ITS_LIVE projection (polar stereographic or UTM) first."
            )
    return crs_obj


def crs_info(crs: Any) -> tuple[str, Any, int | None]:
    """(cache key, pyproj.CRS, EPSG code or None) of an EPSG int, string, WKT or CRS object."""
    if crs is None:
        raise InputError("No coordinate reference system given: give one, e.g. 'EPSG:3413'.")
    if isinstance(crs, (int, np.integer)):
        spec = f"EPSG:{int(crs)}"
    elif isinstance(crs, str):
        spec = crs.strip()
        spec = f"EPSG:{spec}" if spec.isdigit() else spec
    elif hasattr(crs, "to_wkt"):
        spec = crs.to_wkt()
    else:
        raise InputError(f"Unsupported CRS {crs!r}: give an EPSG code, WKT or PROJ string.")
    crs_obj, epsg = _parse(spec)
    return (f"EPSG:{epsg}" if epsg else spec), crs_obj, epsg


def crs_from_attrs(global_attrs: dict, mapping_attrs: dict | None, source: str = "the dataset"):
    """The CRS written in a file's attributes (see the module docstring for the order).

    Parameters
    ----------
    global_attrs : dict
        The file's (or cube's) global attributes.
    mapping_attrs : dict or None
        Attributes of its grid-mapping variable.
    source : str
        Name of the file for the error message.

    Raises
    ------
    DataError
        When no attribute gives a readable CRS.
    """
    found = _crs_in_attrs(global_attrs, mapping_attrs or {})
    if found is None:
        raise DataError(
            f"{source} carries no coordinate reference system (no 'projection' attribute nor a readable "
            "grid-mapping variable)."
        )
    return found


def crs_from_dataset(ds, crs=None, source: str = "the dataset"):
    """The CRS of an xarray dataset: ``crs`` if given, else the one its attributes give.

    The grid-mapping variable is the one named by ``grid_mapping`` on vx/vy/v, else the first
    of :data:`GRID_MAPPING_NAMES` present.
    """
    if crs is not None:
        return as_crs(crs)
    found = _crs_in_attrs(dict(ds.attrs), grid_mapping_attrs_of(ds))
    if found is None:
        raise InputError(
            f"{source.capitalize()} carries no coordinate reference system (no grid-mapping variable); "
            "give the CRS explicitly, e.g. crs='EPSG:3413'."
        )
    return found


def grid_mapping_attrs_of(ds) -> dict:
    """Attributes of the grid-mapping variable of an xarray dataset ({} when it has none)."""
    names = [
        ds[v].attrs["grid_mapping"]
        for v in ("vx", "vy", "v")
        if v in ds.variables and "grid_mapping" in ds[v].attrs
    ]
    for name in names + list(GRID_MAPPING_NAMES):
        if name in ds.variables:
            return dict(ds[name].attrs)
    return {}


def epsg_of(crs) -> int | None:
    """EPSG code of a CRS (exact match only), or None."""
    return crs_info(crs)[2]


def transformer(src: Any, dst: Any):
    """A cached, per-thread ``always_xy`` pyproj Transformer from ``src`` to ``dst`` (any CRS input)."""
    return _transformer(crs_info(src), crs_info(dst))


def transform_xy(x, y, src: Any, dst: Any):
    """Coordinates (arrays or scalars) projected from ``src`` to ``dst``."""
    src_info, dst_info = crs_info(src), crs_info(dst)
    if src_info[0] == dst_info[0]:
        return x, y
    return _transformer(src_info, dst_info).transform(x, y)


def transform_geometry(geom, src: Any, dst: Any, densify: bool = True):
    """A shapely geometry projected from ``src`` to ``dst``, densified first (64 segments across)
    so that straight edges stay faithful where the projection bends them."""
    shapely = require_shapely()
    src_info, dst_info = crs_info(src), crs_info(dst)
    if src_info[0] == dst_info[0]:
        return geom
    if densify:
        xmin, ymin, xmax, ymax = geom.bounds
        span = max(xmax - xmin, ymax - ymin)
        if span > 0 and geom.geom_type not in ("Point", "MultiPoint"):
            geom = shapely.segmentize(geom, span / 64)
    tr = _transformer(src_info, dst_info)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _transformer(src_info, dst_info):
    """The per-thread cached Transformer of two :func:`crs_info` results (each CRS parsed once)."""
    cache = _local.__dict__.setdefault("transformers", {})
    key = (src_info[0], dst_info[0])
    tr = cache.get(key)
    if tr is None:
        from pyproj import Transformer

        tr = cache[key] = Transformer.from_crs(src_info[1], dst_info[1], always_xy=True)
    return tr


def require_shapely():
    """The shapely module (and a check that pyproj is there), or a clear error."""
    try:
        import pyproj  # noqa: F401
        import shapely
        import shapely.geometry
    except ImportError as exc:
        raise MissingDependencyError("This needs shapely and pyproj: pip install shapely pyproj") from exc
    return shapely


def _crs_in_attrs(global_attrs: dict, mapping_attrs: dict):
    for value in (
        mapping_attrs.get("spatial_epsg"),
        global_attrs.get("projection"),
        global_attrs.get("input_projection"),
        mapping_attrs.get("crs_wkt"),
        mapping_attrs.get("spatial_ref"),
        mapping_attrs.get("proj4text"),
    ):
        if value in (None, ""):
            continue
        text = str(value).strip()
        try:
            return as_crs(int(float(text)) if _is_number(text) else text)
        except (InputError, ValueError):
            continue
    return None


@lru_cache(maxsize=128)
def _parse(spec: str):
    try:
        from pyproj import CRS
        from pyproj.exceptions import CRSError
    except ImportError as exc:
        raise MissingDependencyError("pyproj is not installed: pip install pyproj.") from exc
    try:
        crs = CRS.from_user_input(spec)
    except CRSError as exc:
        raise InputError(
            f"Unknown coordinate reference system {spec!r}: give an EPSG code (e.g. 'EPSG:4326'), WKT or "
            "a PROJ string."
        ) from exc
    return crs, crs.to_epsg(min_confidence=100)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
