"""Names, units and CF attributes of the seasonal variables (shared by the composite and the seasonal fit).

One place writes the attributes of every output variable (:func:`variable_attrs`), the grid mapping
(:func:`grid_mapping_attrs`, from :mod:`itslive_qgis.core.geo.crs`) and the global attributes
(:func:`global_attrs`), so a shared CF writer can take over by changing these functions only.
Variable names and units are those of the ITS_LIVE annual composites.
"""

from __future__ import annotations

VELOCITY_UNITS = "meter/year"
TREND_UNITS = "meter/year^2"
PHASE_UNITS = "day of year"
COMPONENTS = ("v", "vx", "vy")
_WHAT = {"v": "ice speed", "vx": "x component of velocity",
         "vy": "y component of velocity"}  # fmt: skip
#: names of the components for every other quantity: QGIS's mesh reader (MDAL) pairs any two
#: variables whose long names say "x component" / "y component" into flow arrows, so only the
#: velocities themselves may say so (otherwise the arrows are drawn from errors or amplitudes)
_SHORT = {
    "v": "speed v (along the mean flow)",
    "vx": "vx (along the grid x axis)",
    "vy": "vy (along the grid y axis)",
}


def variable_attrs(name: str) -> dict:
    """CF attributes (units, long_name, grid_mapping) of a composite/seasonal variable ``name``."""
    base, error = (name[: -len("_error")], True) if name.endswith("_error") else (name, False)
    attrs = _describe(base, short=error)
    if error:
        attrs["long_name"] = "1-sigma uncertainty of the " + attrs["long_name"]
        if attrs.get("units") == PHASE_UNITS:
            attrs["units"] = "days"
    attrs["grid_mapping"] = "mapping"
    return attrs


def grid_mapping_attrs(crs) -> dict:
    """Attributes of the CF grid-mapping variable ``mapping`` of ``crs`` (any CRS input)."""
    from ..geo import as_crs, epsg_of

    crs = as_crs(crs)
    attrs = {k: v for k, v in crs.to_cf().items() if isinstance(v, (str, int, float))}
    attrs["crs_wkt"] = crs.to_wkt()
    epsg = epsg_of(crs)
    if epsg:
        attrs["spatial_epsg"] = int(epsg)
    return attrs


def global_attrs(title: str, extra: dict | None = None) -> dict:
    """Global attributes of an output file."""
    attrs = {
        "Conventions": "CF-1.8",
        "title": title,
        "source": "ITS_LIVE (NASA MEaSUREs Inter-mission Time Series of Land Ice Velocity and Elevation)",
        "references": "Gardner et al., ITS_LIVE global glacier velocity data in near real time, "
        "doi:10.5194/egusphere-2025-392",
    }
    attrs.update(extra or {})
    return attrs


def _describe(base: str, short: bool = False) -> dict:
    if base in ("count", "count0"):
        return {"units": "1", "long_name": "number of image pairs"}
    if base == "outlier_percent":
        return {"units": "percent", "long_name": "share of the observations rejected as outliers"}
    if base in ("landice", "floatingice"):
        return {"units": "1", "long_name": f"{base} mask (1 = {base})"}
    for comp in ("vx", "vy", "v"):  # vx/vy before v: "vx_amp" starts with "v"
        what = _SHORT[comp] if short else _WHAT[comp]
        if base == comp:
            return {"units": VELOCITY_UNITS, "long_name": f"annual mean {what}"}
        if base == f"{comp}0":
            return {"units": VELOCITY_UNITS, "long_name": f"climatological {what} at the reference date"}
        if base == f"d{comp}_dt":
            return {"units": TREND_UNITS, "long_name": f"trend of {_SHORT[comp]}"}
        if base in (f"{comp}_amp", f"{comp}_amp2"):
            kind = "semi-annual" if base.endswith("2") else "annual"
            return {"units": VELOCITY_UNITS, "long_name": f"{kind} amplitude of {_SHORT[comp]}"}
        if base in (f"{comp}_phase", f"{comp}_phase2"):
            kind = "semi-annual" if base.endswith("2") else "annual"
            return {"units": PHASE_UNITS, "long_name": f"day of year of the {kind} maximum of {_SHORT[comp]}"}
    return {"long_name": base.replace("_", " ")}
