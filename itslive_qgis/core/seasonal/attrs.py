"""Names, units and CF attributes of the seasonal variables (shared by the composite and the seasonal fit).

This module names and describes the variables (:func:`variable_attrs`: units, long names); everything
CF (grid mapping from the CRS, x/y and time coordinates, ``time_bnds`` of the annual values, provenance
and ``history``, encodings without ``_FillValue`` on coordinates) is written by the one CF writer,
:mod:`itslive_qgis.core.io.cf`, through :func:`grid_mapping_attrs`, :func:`annual_time` and
:func:`write_cf_netcdf`. Variable names and units are those of the ITS_LIVE annual composites.
"""

from __future__ import annotations

VELOCITY_UNITS = "meter/year"
TREND_UNITS = "meter/year^2"
#: the phase is a day of year; UDUNITS (CF 3.1) has no "day of year" (ITS_LIVE's own unit string), so
#: the unit is "day" and the long name and comment say it is the day of year (1 = 1 January)
PHASE_UNITS = "day"
PHASE_COMMENT = "day of year = 1 + (t mod 365.25 days), t in days since 1970-01-01 (1 = 1 January, UTC)"
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
            attrs.pop("comment", None)
    attrs["grid_mapping"] = "mapping"
    return attrs


def grid_mapping_attrs(crs, x=None, y=None) -> dict:
    """Attributes of the CF grid-mapping variable ``mapping`` of ``crs`` (io.cf's; x, y add GeoTransform)."""
    from ..io import cf

    return cf.grid_mapping_attrs(crs, x, y)


def coordinate_attrs(axis: str) -> dict:
    """CF attributes of the ``x`` / ``y`` coordinate (io.cf's)."""
    from ..io import cf

    return cf.coordinate_attrs(axis)


def annual_time(years_start) -> tuple[dict, dict]:
    """CF ``time`` (1 January of each year) and ``time_bnds`` (each year's interval [1 Jan Y, 1 Jan Y+1)).

    ``years_start``: datetime64 values (1 January of each year). Returns (coords, data_vars) tuples
    ready for an ``xarray.Dataset``.
    """
    import numpy as np

    from ..io import cf

    start = np.asarray(years_start).astype("datetime64[ns]")
    years = start.astype("datetime64[Y]")
    end = (years + np.timedelta64(1, "Y")).astype("datetime64[ns]")
    attrs = cf.time_attrs(
        "1 January of the composite's year (UTC); the value averages that year", "time_bnds"
    )
    coords = {"time": ("time", start, attrs)}
    bounds = {"time_bnds": (("time", "nv"), np.stack([start, end], axis=1), {})}
    return coords, bounds


def write_cf_netcdf(ds, tmp, algorithm: str, parameters=None, sources=None, base=None):
    """Write ``ds`` to ``tmp`` as CF-1.8 NetCDF through io.cf (finalize + encoding)."""
    from ..io import cf

    out = cf.finalize(ds, algorithm, parameters=parameters, sources=sources)
    out.to_netcdf(tmp, engine="netcdf4", encoding=cf.encoding(out, base=base))


def global_attrs(title: str, extra: dict | None = None) -> dict:
    """Global attributes of an output file (io.cf.finalize adds Conventions, history and provenance)."""
    attrs = {
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
    if base == "dt_max":
        return {
            "units": "days",
            "long_name": "longest time separation of the valid image pairs of the sensor group",
        }
    if base == "sensor_flag":
        return {"units": "1", "long_name": "1 where the sensor group contributed image pairs, else 0"}
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
            return {"units": PHASE_UNITS, "long_name": f"day of year of the {kind} maximum of {_SHORT[comp]}",
                    "comment": PHASE_COMMENT}  # fmt: skip
    return {"long_name": base.replace("_", " ")}
