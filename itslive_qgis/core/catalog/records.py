"""The values of the datacube catalog: one record per cube, a match of a search, the cube's name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..io import DEFAULT_BUCKET, StoreConfig, to_s3_url


def tile_name(zarr_url: str) -> str:
    """Cube name of a catalog URL: last path part without ``.zarr`` (and without a query string)."""
    name = zarr_url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return name[:-5] if name.endswith(".zarr") else name


#: Attribute fields of :meth:`Catalog.footprint_features` (name, type) for a vector output.
FOOTPRINT_FIELDS = (
    ("zarr_url", "text"),
    ("epsg", "int"),
    ("granule_count", "int"),
    ("roi_percent_coverage", "double"),
)


@dataclass(frozen=True, eq=False)
class CubeRecord:
    """One datacube of the catalog.

    Attributes
    ----------
    index : int
        Position of the feature in the catalog.
    zarr_url : str
        URL of the Zarr cube as written in the catalog (http(s) or s3).
    epsg : int
        EPSG code of the cube grid.
    footprint_epsg : shapely.Polygon
        Tile square in the cube's projection (metres).
    footprint_lonlat : shapely.Polygon or shapely.MultiPolygon
        The catalog's lon/lat geometry (degrees), split at the antimeridian when it crosses it.
    granule_count : int or None
        Number of image pairs in the cube (newer catalogs only).
    roi_percent_coverage : float or None
        Percentage of the tile covered by land ice (%).
    composite_zarr_url : str or None
        URL of the annual composite of this tile (newer catalogs only).
    properties : dict
        Every other property of the feature, unchanged.
    """

    index: int
    zarr_url: str
    epsg: int
    footprint_epsg: Any
    footprint_lonlat: Any
    granule_count: int | None = None
    roi_percent_coverage: float | None = None
    composite_zarr_url: str | None = None
    properties: dict = field(default_factory=dict, repr=False)

    @property
    def tile_name(self) -> str:
        """Cube name without folder and ``.zarr`` (``ITS_LIVE_vel_EPSG3413_G0120_X-150000_Y-2250000``)."""
        return tile_name(self.zarr_url)

    @property
    def centre_xy_m(self) -> tuple[float, float]:
        """Centre of the tile square in the cube's projection (metres)."""
        c = self.footprint_epsg.centroid
        return float(c.x), float(c.y)

    def to_s3_url(self, config: StoreConfig | None = None) -> str:
        """``s3://`` URL of the cube (read through ``config``'s endpoint)."""
        return to_s3_url(self.zarr_url, config.bucket if config is not None else DEFAULT_BUCKET)


@dataclass(frozen=True)
class CubeMatch:
    """A cube found by :meth:`Catalog.matches`.

    ``overlap_percent`` is the share of the query (area for polygons, length for lines,
    number of points for points) inside the tile square, in %, measured in the cube's
    projection (approximate for queries spanning thousands of km; meant for ranking).
    """

    record: CubeRecord
    overlap_percent: float
