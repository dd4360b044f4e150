"""Coordinate reference systems and areas."""

from .area import Area, area_geometry
from .crs import (
    as_crs,
    crs_from_attrs,
    crs_from_dataset,
    crs_info,
    require_shapely,
    transform_geometry,
    transformer,
)

__all__ = [
    "Area",
    "area_geometry",
    "as_crs",
    "crs_from_attrs",
    "crs_from_dataset",
    "crs_info",
    "require_shapely",
    "transform_geometry",
    "transformer",
]
