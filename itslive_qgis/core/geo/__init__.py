"""Coordinate reference systems and areas."""

from .area import Area, area_geometry
from .crs import (
    as_crs,
    crs_from_attrs,
    crs_from_dataset,
    crs_info,
    epsg_of,
    require_shapely,
    transform_geometry,
    transform_xy,
    transformer,
)

__all__ = [
    "Area",
    "area_geometry",
    "as_crs",
    "crs_from_attrs",
    "crs_from_dataset",
    "crs_info",
    "epsg_of",
    "require_shapely",
    "transform_geometry",
    "transform_xy",
    "transformer",
]
