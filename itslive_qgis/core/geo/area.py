"""The area of interest: a geometry and its CRS, parsed once where the user gave it.

The Processing adapters and the dock build an :class:`Area` from their parameters (a drawn
extent, the canvas extent, polygons of a layer) and hand it to the core unchanged; the core
never parses extent strings or CRS names again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from .crs import as_crs, crs_info, require_shapely, transform_geometry


@dataclass(frozen=True)
class Area:
    """A shapely geometry (polygon, extent box, line or point) in a CRS.

    Attributes
    ----------
    geometry : shapely geometry
        Valid and not empty; coordinates in ``crs`` units (metres or degrees).
    crs : pyproj.CRS
        Its coordinate reference system.
    """

    geometry: Any
    crs: Any

    @classmethod
    def parse(cls, area: Any, crs: Any = None) -> Area:
        """An Area from an Area, a shapely geometry or an extent ``(xmin, ymin, xmax, ymax)`` in ``crs``.

        Raises
        ------
        InputError
            No area, an empty one, an extent with min > max, or an unknown CRS.
        """
        if isinstance(area, Area):
            return area if crs is None else area.to(crs)
        shapely = require_shapely()
        from shapely.geometry.base import BaseGeometry

        if area is None:
            raise InputError("No area given: draw or choose an area (polygon, point or extent).")
        if isinstance(area, BaseGeometry):
            geom = area
        elif isinstance(area, (tuple, list)) and len(area) == 4:
            xmin, ymin, xmax, ymax = (float(v) for v in area)
            if not (xmin <= xmax and ymin <= ymax):
                raise InputError(f"Extent {tuple(area)} is not (xmin, ymin, xmax, ymax) with min <= max.")
            if xmin < xmax or ymin < ymax:
                geom = shapely.box(xmin, ymin, xmax, ymax)
            else:
                geom = shapely.Point(xmin, ymin)
        else:
            raise InputError("The area must be a shapely geometry or an extent (xmin, ymin, xmax, ymax).")
        if geom.is_empty:
            raise InputError(
                "The area is empty: draw or choose a polygon, point or extent that has some extent."
            )
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        if crs is None:
            raise InputError("The area has no CRS: give the CRS of its coordinates, e.g. 'EPSG:3413'.")
        return cls(geom, as_crs(crs))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) in the area's CRS."""
        return tuple(float(v) for v in self.geometry.bounds)

    @property
    def crs_name(self) -> str:
        """``EPSG:xxxx`` when the CRS has an EPSG code, else its WKT."""
        return crs_info(self.crs)[0]

    def to(self, crs: Any) -> Area:
        """The same area in another CRS (edges densified so they stay faithful)."""
        target = as_crs(crs)
        if crs_info(target)[0] == self.crs_name:
            return self
        return Area(transform_geometry(self.geometry, self.crs, target), target)

    def describe(self) -> str:
        """One line for logs: the bounds and the CRS."""
        xmin, ymin, xmax, ymax = self.bounds
        return f"{self.geometry.geom_type} {xmin:.6g}, {ymin:.6g} .. {xmax:.6g}, {ymax:.6g} [{self.crs_name}]"


def area_geometry(area: Any, area_crs: Any = None):
    """(shapely geometry, pyproj.CRS) of an area given as :meth:`Area.parse` accepts it."""
    parsed = Area.parse(area, None if isinstance(area, Area) else area_crs)
    return parsed.geometry, parsed.crs
