"""Vector results as geopandas GeoDataFrames, for notebook users (cube footprints, tracks, point series).

geopandas is optional: the plugin itself writes vector outputs through QGIS; only these
functions need it, and they say how to install it when it is missing.
"""

from __future__ import annotations

from ..errors import MissingDependencyError


def geodataframe(rows: list[dict], geometries: list, crs):
    """A GeoDataFrame of ``rows`` (dicts of column values) with ``geometries`` in ``crs``."""
    try:
        import geopandas
    except ImportError as exc:
        raise MissingDependencyError(
            "geopandas is not installed: pip install 'geopandas>=1.0.1' (in the Python QGIS uses)."
        ) from exc
    from ..geo import as_crs

    return geopandas.GeoDataFrame(rows, geometry=list(geometries), crs=as_crs(crs).to_wkt() if crs else None)
