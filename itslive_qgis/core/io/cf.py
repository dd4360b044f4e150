"""The one place that writes CF-1.8 attributes and encodings of the plugin's outputs.

Every output writer (subsets, inversion, strain rates, flux divergence, and the outputs to
come: composites, seasonal fits, elevation change, profiles) goes through this module, so
that each file passes ``compliance-checker --test=cf:1.8`` (``make cf-tools`` installs it in
``.venv-cf``; ``tests/unit/test_cf_compliance.py`` runs it on a fresh output of every
algorithm) and reads the same in xarray, GDAL, QGIS, Panoply and ice-flow models.

How to adopt it in a new writer (three calls)::

    from itslive_qgis.core.io import cf

    ds["mapping"] = ((), np.int32(0), cf.grid_mapping_attrs(crs, x, y))   # the CRS, once
    ds = cf.finalize(ds, "itslive:composite", parameters={...}, sources=[url, ...])
    disk = cf.pairs_to_disk(ds)          # only does something for a mid_date (pair) axis
    disk.to_netcdf(tmp, encoding=cf.encoding(disk, base={...your compression...}))

API
---
:func:`grid_mapping_attrs` (crs, x, y)
    The grid-mapping variable's attributes from a CRS: ``CRS.to_cf()`` (pyproj) completed
    where pyproj 3.4 leaves CF gaps (polar stereographic: ``latitude_of_projection_origin``,
    and exactly one of ``standard_parallel`` / ``scale_factor_at_projection_origin``), plus
    ``crs_wkt`` (WKT2, what CF names) and ``spatial_ref`` (the same CRS in WKT1_GDAL, what
    older GDAL reads first), ``spatial_epsg`` and ``GeoTransform`` (GDAL's north-up view:
    GDAL shows a y-ascending NetCDF flipped, so the origin is always the top-left corner).
:func:`coordinate_attrs` (axis)
    ``x``/``y`` projection coordinates (standard_name, units m, axis).
:func:`time_attrs` (long_name, bounds)
    A CF time coordinate (standard_name ``time``, axis T, optional ``bounds`` name). The
    encoding (``days since 1970-01-01``, ``proleptic_gregorian``, float64, no fill) comes from
    :func:`encoding`. Interval quantities (an average over a time step) carry ``time_bnds``.
:func:`cf_variable_attrs` (attrs)
    Variable attributes with ITS_LIVE's non-CF ``standard_name`` values (``vx_error``,
    ``image_pair_time_separation``, ``land_ice_surface_velocity``, ...; not in the CF standard
    name table, so the checker rejects them) moved to ``itslive_standard_name``; when the
    variable has no ``long_name`` the ITS_LIVE name becomes it. Kept under its own name (not
    dropped) so that code matching ITS_LIVE's names still finds them.
:func:`provenance` (algorithm, parameters, sources, previous)
    ``history`` (CF: one line per processing step, the input's history kept below), and
    ``software`` (plugin version), ``algorithm`` (Processing id), ``parameters`` (JSON) and
    ``source_urls`` (JSON list).
:func:`finalize` (ds, algorithm, parameters, sources)
    All of the above applied to a dataset (in memory, layout unchanged); returns a new dataset.
    Writers then call :func:`pairs_to_disk` (a no-op without a ``mid_date`` axis) and
    :func:`encoding`.
:func:`encoding` (ds, is_zarr, base)
    Per-variable encodings: no ``_FillValue`` on coordinates, CF time encoding, strings as
    CF character arrays (NetCDF) or fixed-width bytes (Zarr, which netCDF-C's NCZarr reads).
:func:`gdal_zarr_crs` (mapping_attrs)
    ``{"_CRS": {"wkt": ...}}`` for the gridded arrays of a Zarr output: GDAL's Zarr driver (3.6)
    reads a CRS only from this attribute of its own, not from CF grid mappings.
:func:`pairs_to_disk` / :func:`pairs_from_disk`
    The pair axis of subsets (see below).

The pair axis of subsets
------------------------
CF requires a coordinate variable (a variable named like its dimension) to be strictly
monotonic, and ITS_LIVE ``mid_date`` values are duplicated (pairs of equal mid dates are
different measurements, and must all be kept). Files written since this module store the
pairs along an index dimension ``pair`` (no coordinate variable) with ``mid_date(pair)`` an
auxiliary coordinate (named in each variable's ``coordinates``), sorted by mid_date (stable).
In memory the plugin keeps the layout it always had (``mid_date`` as the dimension):
:func:`pairs_from_disk` converts new files at read time and leaves old files (written with a
``mid_date`` dimension) and ITS_LIVE cubes unchanged. Every reader of subsets calls it
(``io.open_cube_dataset``, ``cube.open_pairs``, ``timeseries.read``, ``fields.grid``,
``inversion.invert_dataset``); in a notebook, ``cf.pairs_from_disk(xr.open_dataset(path))``.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from pathlib import Path

import numpy as np

CONVENTIONS = "CF-1.8"
#: the index dimension of a subset's pairs on disk (mid_date is an auxiliary coordinate over it)
PAIR_INDEX_DIM = "pair"
#: the in-memory pair dimension (ITS_LIVE's own layout)
PAIR_DIM = "mid_date"
#: where an ITS_LIVE standard_name that is not in the CF table is kept
ITSLIVE_NAME_ATTR = "itslive_standard_name"
TIME_UNITS = "days since 1970-01-01"
CALENDAR = "proleptic_gregorian"
#: standard names the plugin writes that ARE in the CF standard name table (v93; the
#: compliance test checks this list against the checker's own table); others are moved
CF_STANDARD_NAMES = frozenset(
    {
        "time",
        "projection_x_coordinate",
        "projection_y_coordinate",
        "land_ice_surface_x_velocity",
        "land_ice_surface_y_velocity",
        "land_ice_x_velocity",
        "land_ice_y_velocity",
        "land_ice_thickness",
        "tendency_of_land_ice_thickness",
        "land_ice_surface_specific_mass_balance_rate",
        "surface_altitude",
        "height_above_reference_ellipsoid",
        "latitude",
        "longitude",
        "status_flag",
    }
)
#: attributes that describe storage, not data (never copied between files by hand)
STORAGE_ATTRS = ("_ARRAY_DIMENSIONS", "missing_value", "_FillValue", "coordinates", "_Encoding", "_CRS")


def grid_mapping_attrs(crs, x=None, y=None) -> dict:
    """Attributes of the CF grid-mapping variable of ``crs`` (any input of ``geo.as_crs``).

    ``x``, ``y`` (cell centres, metres, either order) add GDAL's ``GeoTransform``.
    """
    from ..geo.crs import as_crs

    crs = as_crs(crs)
    cf = {k: v for k, v in crs.to_cf().items() if isinstance(v, (str, int, float)) and k != "crs_wkt"}
    if cf.get("grid_mapping_name") == "polar_stereographic":
        if "standard_parallel" in cf:  # variant B: the latitude of true scale defines the scale
            cf.pop("scale_factor_at_projection_origin", None)
            cf.setdefault("latitude_of_projection_origin", 90.0 if cf["standard_parallel"] > 0 else -90.0)
        else:  # variant A: the scale factor at the pole
            cf.setdefault("latitude_of_projection_origin", _pole_of(crs))
    attrs = dict(cf)
    attrs["crs_wkt"] = crs.to_wkt()
    attrs["spatial_ref"] = crs.to_wkt("WKT1_GDAL")
    epsg = crs.to_epsg(min_confidence=100)
    if epsg is not None:
        attrs["spatial_epsg"] = int(epsg)
    if x is not None and y is not None and len(x) > 1 and len(y) > 1:
        attrs["GeoTransform"] = geotransform(x, y)
    return attrs


def gdal_zarr_crs(mapping_attrs: dict) -> dict:
    """The attribute GDAL's Zarr driver reads a CRS from, for each gridded array of a Zarr output."""
    wkt = mapping_attrs.get("crs_wkt")
    return {"_CRS": {"wkt": str(wkt)}} if wkt else {}


def geotransform(x, y) -> str:
    """GDAL's geotransform of centres ``x``, ``y`` as GDAL reads the NetCDF: north-up, top-left origin."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    dx = (x[-1] - x[0]) / (x.size - 1)
    dy = abs(y[-1] - y[0]) / (y.size - 1)
    return f"{x.min() - dx / 2!r} {dx!r} 0 {y.max() + dy / 2!r} 0 {-dy!r}"


def coordinate_attrs(axis: str) -> dict:
    """CF attributes of the ``x`` or ``y`` projection coordinate (metres, cell centres)."""
    axis = axis.lower()
    return {
        "standard_name": f"projection_{axis}_coordinate",
        "long_name": f"{axis} coordinate of projection (cell centre)",
        "units": "m",
        "axis": axis.upper(),
    }


def time_attrs(long_name: str = "time", bounds: str | None = None) -> dict:
    """CF attributes of a time coordinate (its units and calendar are in :func:`encoding`)."""
    attrs = {"standard_name": "time", "long_name": long_name, "axis": "T"}
    if bounds:
        attrs["bounds"] = bounds
    return attrs


def cf_variable_attrs(attrs) -> dict:
    """``attrs`` with storage keys removed and a non-CF ``standard_name`` moved (see the module doc)."""
    out = {k: v for k, v in dict(attrs).items() if k not in STORAGE_ATTRS}
    name = out.get("standard_name")
    if name is not None and str(name) not in CF_STANDARD_NAMES:
        out.pop("standard_name")
        out[ITSLIVE_NAME_ATTR] = str(name)
        out.setdefault("long_name", str(name).replace("_", " "))
    return out


def software_version() -> str:
    """``itslive_qgis <version>`` from the plugin's metadata.txt."""
    meta = Path(__file__).resolve().parents[2] / "metadata.txt"
    try:
        m = re.search(r"^version\s*=\s*(\S+)", meta.read_text(encoding="utf-8"), re.M)
        return f"itslive_qgis {m.group(1)}" if m else "itslive_qgis"
    except OSError:
        return "itslive_qgis"


def creation_time() -> str:
    """UTC now, or ``$SOURCE_DATE_EPOCH`` (reproducible outputs), as ``YYYY-MM-DDTHH:MM:SSZ``."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (
        _dt.datetime.fromtimestamp(int(epoch), _dt.UTC)
        if epoch and epoch.isdigit()
        else _dt.datetime.now(_dt.UTC)
    )
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def provenance(algorithm: str, parameters=None, sources=None, previous: str | None = None) -> dict:
    """Global provenance: ``history`` (newest line first), software, algorithm, parameters, sources.

    ``parameters``: a dict (written as sorted JSON) or a JSON string; ``sources``: URLs/paths.
    ``previous``: the input's own ``history``, kept below the new line.
    """
    if isinstance(parameters, str):
        params = parameters
    else:
        params = json.dumps(parameters or {}, sort_keys=True, default=str)
    urls = [str(s) for s in (sources or [])]
    now = creation_time()
    line = f"{now}: {software_version()} {algorithm}"
    if urls:
        line += " from " + ", ".join(urls[:3]) + (f" and {len(urls) - 3} more" if len(urls) > 3 else "")
    history = line if not previous else f"{line}\n{previous}"
    return {
        "history": history,
        "software": software_version(),
        "algorithm": algorithm,
        "parameters": params,
        "source_urls": json.dumps(urls),
        "date_created": now,
    }


def finalize(ds, algorithm: str, parameters=None, sources=None):
    """A copy of ``ds`` ready to write as CF-1.8 (see the module docstring)."""
    ds = ds.copy()
    for name in list(ds.variables):
        var = ds[name].variable
        attrs = cf_variable_attrs(var.attrs)
        if name in ("x", "y") and name in ds.dims:
            attrs = {**attrs, **coordinate_attrs(name)}
        elif _is_time(var) and name in ds.dims:
            attrs = {**time_attrs(attrs.get("long_name", "time"), attrs.get("bounds")), **attrs}
            attrs["standard_name"] = "time"
        if np.issubdtype(var.dtype, np.datetime64):
            attrs.pop("units", None)  # the encoding writes units and calendar
        var.attrs = attrs
    previous = ds.attrs.get("history")
    attrs = {k: v for k, v in ds.attrs.items() if k not in ("history",)}
    attrs["Conventions"] = CONVENTIONS
    attrs.update(provenance(algorithm, parameters, sources, previous if isinstance(previous, str) else None))
    ds.attrs = attrs
    return ds


def encoding(ds, is_zarr: bool = False, base: dict | None = None) -> dict:
    """Encodings of every variable of ``ds`` merged over ``base`` (see the module docstring)."""
    enc = {name: dict(e) for name, e in (base or {}).items()}
    coords = set(ds.dims) | set(ds.coords)
    for name, var in ds.variables.items():
        e = enc.setdefault(name, {})
        if np.issubdtype(var.dtype, np.datetime64) or _is_time(var):
            if np.issubdtype(var.dtype, np.datetime64):
                e.update(units=TIME_UNITS, calendar=CALENDAR, dtype="float64")
        if name in coords or name.endswith("_bnds"):
            e["_FillValue"] = None
        if var.dtype.kind in "USO" and var.ndim >= 1:
            e["dtype"] = "S1"
        if not e:
            enc.pop(name)
    return enc


def pairs_to_disk(ds):
    """The on-disk layout of a subset: dimension ``pair``, ``mid_date(pair)`` an auxiliary coordinate."""
    if PAIR_DIM not in ds.dims:
        return ds
    out = ds.swap_dims({PAIR_DIM: PAIR_INDEX_DIM})
    return out.drop_indexes(PAIR_DIM) if PAIR_DIM in out.indexes else out


def pairs_from_disk(ds):
    """The in-memory layout (dimension ``mid_date``) of a subset in either layout; others unchanged."""
    if PAIR_INDEX_DIM not in ds.dims or PAIR_DIM not in ds.variables:
        return ds
    if ds[PAIR_DIM].dims != (PAIR_INDEX_DIM,):
        return ds
    out = ds.set_coords(PAIR_DIM).swap_dims({PAIR_INDEX_DIM: PAIR_DIM})
    if PAIR_INDEX_DIM in out.variables:
        out = out.drop_vars(PAIR_INDEX_DIM)
    for name in out.variables:
        out[name].attrs.pop("coordinates", None)
        out[name].encoding.pop("coordinates", None)
    return out


def _is_time(var) -> bool:
    if np.issubdtype(var.dtype, np.datetime64):
        return True
    units = str(var.attrs.get("units", var.encoding.get("units", "")))
    return " since " in units


def _pole_of(crs) -> float:
    """+90 or -90: the pole of a polar stereographic CRS (from its latitude of origin)."""
    for param in getattr(crs.coordinate_operation, "params", None) or []:
        if "latitude" in param.name.lower() and "origin" in param.name.lower():
            return 90.0 if param.value > 0 else -90.0
    return 90.0
