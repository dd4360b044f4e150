"""Velocity along a line, over time: a cube, a subset, an inversion result or a static field sampled
every ``spacing_m`` along a polyline.

* The line is in the velocity grid's CRS (map metres); samples come from :func:`.line.sample_line`.
* ``vx``/``vy`` (ground m/yr) are interpolated bilinearly at each sample (the fields room's
  :class:`GridSampler`: a sample with a missing cell among its four neighbours, or outside the
  cell centres, is NaN); then ``v = hypot(vx, vy)``, ``v_along = vx tx + vy ty`` (positive in
  the line's direction) and ``v_across = -vx ty + vy tx`` (positive to the left of it), with
  ``(tx, ty)`` the unit tangent of the segment the sample lies on. Speed is taken from the
  interpolated COMPONENTS (interpolating the speed itself would bias it up where the flow turns).
* Only the cells around the line are read (the dataset is cropped to the line's bounding box
  plus one cell first), so a line across a large cube reads a strip, not the cube.
* The time axis (``mid_date`` of a cube, ``time`` of a result) becomes ``time``, sorted
  ascending (stable: duplicated cube mid_dates keep their on-disk order). ``time_bnds`` (time, nv)
  holds each step's interval where the source has one: an inversion's ``time_bnds``, a cube pair's
  two acquisition dates.

On disk (CF-1.8 through :mod:`..io.cf`, the one CF writer): ``x``/``y``/``lat``/``lon`` of each
sample are auxiliary coordinates of ``v``, ``v_along``, ``v_across`` (their ``coordinates``), which
carry ``grid_mapping = "mapping"``: the scalar grid-mapping variable of the grid's CRS (CF 5.6, the
way for auxiliary projection coordinates). The velocities are stored ``(distance, time)``: the
samples are like the stations of a CF time series (Appendix H.2.1, other dimensions left of T, as
the checker's section 2.4 wants); in memory they are ``(time, distance)``. A strictly increasing time
axis is the coordinate variable ``time(time)``; a cube's duplicated mid dates cannot be one (CF:
coordinate variables are strictly monotonic), so then the pairs lie along an index dimension
``pair`` (no coordinate variable, as in subsets) and the dates are the auxiliary coordinate
``mid_date(pair)`` (with its ``time_bnds``). :func:`open_profile` (and :func:`profile_from_disk`
for an open dataset) reads every layout, files written before included, as the in-memory one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataError, InputError
from .line import DEFAULT_SPACING_M, sample_line

#: variables copied along the time axis when the source has them (cube pair metadata)
PAIR_VARIABLES = ("date_dt", "acquisition_date_img1", "acquisition_date_img2")
#: the Processing id written into the provenance
ALGORITHM = "itslive:profile"
#: the on-disk index dimension of profiles at duplicated pair dates (as in subsets, io.cf)
PAIR_DIM = "pair"
#: the sampled velocities (m/yr)
VELOCITY_VARIABLES = ("v", "v_along", "v_across")


def profile_dataset(
    source, line_xy, spacing_m: float = DEFAULT_SPACING_M, crs=None, vx_name="vx", vy_name="vy"
):
    """Velocity profile along a line as an ``xarray.Dataset``.

    Parameters
    ----------
    source : path or xarray.Dataset
        NetCDF/Zarr with ``vx``, ``vy`` (m/yr) on ``(y, x)`` or ``(time, y, x)`` (any time name).
    line_xy : array (N, 2)
        Vertices of the line, map metres in the grid's CRS.
    spacing_m : float
        Distance between samples along the line (map metres).
    crs : optional
        CRS of the grid when the file has none.

    Returns
    -------
    xarray.Dataset
        dims ``(time, distance)`` or ``(distance,)``: ``v``, ``v_along``, ``v_across`` (m/yr),
        coordinates ``distance_m`` (map metres from the first vertex), ``x``, ``y`` (map metres)
        of each sample, ``time`` when the source has one.
    """
    import xarray as xr

    line = np.asarray(line_xy, dtype="float64")
    if line.ndim != 2 or line.shape[1] != 2:
        raise InputError("The line must be an (N, 2) array of x, y map coordinates.")
    samples = sample_line(line[:, 0], line[:, 1], spacing_m)
    if isinstance(source, xr.Dataset):
        return _profile_of_open(source, samples, spacing_m, crs, vx_name, vy_name)
    path = str(source)
    if not Path(path).exists():
        raise InputError(f"No velocity file at {path}: check the path.")
    try:
        ds = xr.open_zarr(path) if path.rstrip("/").endswith(".zarr") else xr.open_dataset(path)
    except (OSError, ValueError) as exc:
        raise DataError(f"{path} is not a readable NetCDF/Zarr velocity file: {exc}") from exc
    with ds:
        return _profile_of_open(ds, samples, spacing_m, crs, vx_name, vy_name)


def profile_to_file(source, output, line_xy, spacing_m: float = DEFAULT_SPACING_M, **kwargs) -> Path:
    """Write :func:`profile_dataset` to a NetCDF file ``output`` (.nc), atomically; returns its path."""
    from ..io import check_output

    check_output(output, "OUTPUT", suffixes=(".nc",))
    prof = profile_dataset(source, line_xy, spacing_m, **kwargs)
    params = {"spacing_m": float(spacing_m), "line_vertices": len(line_xy)}
    return write_profile(prof, output, parameters=params)


def write_profile(profile, output, parameters=None, sources=None, algorithm: str = ALGORITHM) -> Path:
    """Write a profile dataset to CF-1.8 NetCDF (.nc, compressed float32 velocities), atomically.

    ``parameters`` (dict) and ``sources`` (paths/URLs; default the profile's ``source_urls``) go into
    the provenance (``history``, ``parameters``, ``source_urls``; io.cf.provenance).
    """
    import json

    from ..io import atomic_output, cf, check_output

    output = check_output(output, "OUTPUT", suffixes=(".nc",))
    if sources is None:
        try:
            sources = json.loads(profile.attrs.get("source_urls", "[]"))
        except (TypeError, ValueError):
            sources = []
    ds = cf.finalize(profile, algorithm, parameters or {"spacing_m": profile.attrs.get("spacing_m")}, sources)
    disk = profile_to_disk(ds)
    fill = np.float32(np.nan)
    base = {n: {"zlib": True, "complevel": 4, "_FillValue": fill} for n in VELOCITY_VARIABLES}
    with atomic_output(output, "OUTPUT", suffixes=(".nc",)) as tmp:
        disk.to_netcdf(tmp, encoding=cf.encoding(disk, base=base))
    return output


def profile_to_disk(ds):
    """The on-disk layout (see the module doc): ``(distance, time)``, or ``(distance, pair)`` with the
    duplicated dates as the auxiliary coordinate ``mid_date(pair)``."""
    if "time" not in ds.dims:
        return ds
    t = np.asarray(ds["time"].values) if "time" in ds.variables else np.array([])
    if "time" in ds.indexes and t.size > 1 and not np.all(t[1:] > t[:-1]):
        attrs = dict(ds["time"].attrs)
        attrs["long_name"] = "centre date of the image pair (mid_date; equal dates are different pairs)"
        ds = ds.drop_vars("time").assign_coords(mid_date=("time", t, attrs)).rename_dims({"time": PAIR_DIM})
    return ds.transpose("distance", ...)


def profile_from_disk(ds):
    """The in-memory layout ``(time, distance)`` of a profile in any on-disk layout (others unchanged)."""
    if PAIR_DIM in ds.dims and "mid_date" in ds.variables and ds["mid_date"].dims == (PAIR_DIM,):
        attrs = dict(ds["mid_date"].attrs)
        values = ds["mid_date"].values
        ds = (
            ds.drop_vars("mid_date")
            .rename_dims({PAIR_DIM: "time"})
            .assign_coords(time=("time", values, attrs))
        )
        for name in ds.variables:
            ds[name].encoding.pop("coordinates", None)
    if "time" in ds.dims and "distance" in ds.dims:
        ds = ds.transpose("time", "distance", ...)
    return ds


def open_profile(path):
    """An itslive:profile file, loaded, in the in-memory layout (either on-disk layout)."""
    import xarray as xr

    path = str(path)
    if not Path(path).exists():
        raise InputError(f"No profile file at {path}: check the path.")
    try:
        with xr.open_dataset(path, decode_timedelta=False) as ds:
            return profile_from_disk(ds.load())
    except (OSError, ValueError) as exc:
        raise DataError(f"{path} is not a readable profile (NetCDF from itslive:profile): {exc}") from exc


def _profile_of_open(ds, samples, spacing_m, crs, vx_name, vy_name):
    import json

    import xarray as xr

    from ..fields import GridSampler, read_velocity
    from ..io import cf

    for name in (vx_name, vy_name):
        if name not in ds.variables:
            raise InputError(f"The velocity dataset has no variable '{name}' (found {sorted(ds.data_vars)}).")
    if "x" not in ds.coords or "y" not in ds.coords:
        raise InputError("The velocity dataset has no x/y coordinates (map metres).")
    cropped = ds.isel(x=_index_window(ds["x"].values, samples.x), y=_index_window(ds["y"].values, samples.y))
    grid = read_velocity(cropped, crs=crs, vx_name=vx_name, vy_name=vy_name)
    loc = GridSampler(grid.x, grid.y).locate(samples.x, samples.y)
    if grid.vx.ndim == 2:
        vx, vy = bilinear(grid.vx, loc), bilinear(grid.vy, loc)
        dims = ("distance",)
    else:
        vx = bilinear(np.moveaxis(grid.vx, 0, -1), loc).T
        vy = bilinear(np.moveaxis(grid.vy, 0, -1), loc).T
        dims = ("time", "distance")
    tx, ty = samples.tx, samples.ty
    along, across = vx * tx + vy * ty, -vx * ty + vy * tx
    if not np.any(np.isfinite(along)):
        raise DataError(
            "No sample of the line has velocities: it lies outside the grid or only crosses gaps "
            "(check that the line and the velocity file overlap, in the same CRS)."
        )
    meta = {
        "v": "speed from the interpolated components",
        "v_along": "velocity component along the line (positive in the line's direction)",
        "v_across": "velocity component across the line (positive to the left of the line)",
    }
    values = {"v": np.hypot(vx, vy), "v_along": along, "v_across": across}
    var_attrs = {"units": "m/yr", "grid_mapping": "mapping"}  # the writer names the coordinates
    data_vars = {
        name: (dims, values[name].astype("float32"), {"long_name": long_name, **var_attrs})
        for name, long_name in meta.items()
    }
    coords = _sample_coordinates(samples, grid.crs)
    if grid.vx.ndim == 3:
        _add_time_axis(ds, grid, dims, data_vars, coords)
    data_vars["mapping"] = ((), np.int32(0), cf.grid_mapping_attrs(grid.crs))
    attrs = {
        "title": "ITS_LIVE velocity profile along a line",
        "spacing_m": float(spacing_m),
        "line_length_m": samples.length_m,
        "crs_wkt": grid.crs.to_wkt(),
        "source": "itslive_qgis core.profile (bilinear interpolation of vx, vy)",
        "source_urls": json.dumps(list(grid.sources)),
    }
    if grid.history:
        attrs["history"] = grid.history
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _sample_coordinates(samples, crs) -> dict:
    """distance_m, x, y (map metres) and lat, lon (degrees) of each sample (CF auxiliary coordinates)."""
    from pyproj import Transformer

    from ..io import cf

    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(samples.x, samples.y)
    return {
        "distance_m": (
            "distance",
            samples.distance_m,
            {"long_name": "distance along the line from its first vertex (map metres)", "units": "m"},
        ),
        "x": ("distance", samples.x, {**cf.coordinate_attrs("x"), "long_name": "x of the sample"}),
        "y": ("distance", samples.y, {**cf.coordinate_attrs("y"), "long_name": "y of the sample"}),
        "lat": ("distance", lat, {"standard_name": "latitude", "units": "degrees_north"}),
        "lon": ("distance", lon, {"standard_name": "longitude", "units": "degrees_east"}),
    }


def _add_time_axis(ds, grid, dims, data_vars, coords) -> None:
    """Sort the profiles by time; add ``time`` (CF), ``time_bnds`` where known, and the pair variables."""
    from ..io import cf

    order = np.argsort(grid.time_days, kind="stable")
    for name in list(data_vars):
        data_vars[name] = (dims, data_vars[name][1][order], data_vars[name][2])
    times = grid.time_values if grid.time_values is not None else grid.time_days
    bounds = _time_bounds(ds, grid)
    attrs = cf.time_attrs("centre of the time step", "time_bnds" if bounds is not None else None)
    coords["time"] = ("time", np.asarray(times)[order], attrs)
    if bounds is not None:
        data_vars["time_bnds"] = (("time", "nv"), bounds[order])
    lead = grid.time_dim
    for name in PAIR_VARIABLES:
        if name in ds.variables and ds[name].dims == (lead,):
            attrs = cf.cf_variable_attrs(ds[name].attrs)
            data_vars[name] = ("time", np.asarray(ds[name].values)[order], attrs)


def _time_bounds(ds, grid):
    """(n, 2) intervals of the time steps, same type as the times: a result's bounds, a pair's dates."""
    if grid.time_bounds is not None and grid.time_values is not None:
        bounds = np.asarray(grid.time_bounds)
        if bounds.dtype == np.asarray(grid.time_values).dtype:
            return bounds
    first, second = (ds.get(f"acquisition_date_img{i}") for i in (1, 2))
    if first is None or second is None or grid.time_values is None:
        return None
    lo, hi = np.asarray(first.values), np.asarray(second.values)
    t = np.asarray(grid.time_values)
    if not all(np.issubdtype(a.dtype, np.datetime64) for a in (lo, hi, t)):
        return None
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    ok = (lo <= t) & (t <= hi)  # a bound that does not hold its centre is not written
    return np.stack([lo, hi], axis=1).astype(t.dtype) if ok.all() else None


def bilinear(field, loc):
    """Bilinear value of ``field`` (ny, nx[, nt]) at ``loc`` (GridSampler.locate) for each sample.

    Like GridSampler.sample, NaN when a neighbour that carries weight is missing or the sample is
    outside the cell centres; unlike it, a neighbour of weight 0 (a sample on a cell centre or a
    cell edge) does not count, so a sample on a valid cell next to a gap keeps its value.
    """
    iy, ix, wy, wx, inside = loc
    extra = (slice(None),) + (None,) * (field.ndim - 2)
    wy, wx, inside = wy[extra], wx[extra], inside[extra]
    total = 0.0
    for dy, fy in ((0, 1 - wy), (1, wy)):
        for dx, fx in ((0, 1 - wx), (1, wx)):
            weight = fy * fx
            total = total + np.where(weight > 0, field[iy + dy, ix + dx] * weight, 0.0)
    return np.where(inside, total, np.nan)


def _index_window(coord, values) -> slice:
    """Indices of ``coord`` (ascending or descending) covering ``values`` plus one cell each side."""
    c = np.asarray(coord, dtype="float64")
    lo, hi = float(np.min(values)), float(np.max(values))
    inside = np.flatnonzero((c >= lo) & (c <= hi))
    if inside.size:
        first, last = int(inside[0]), int(inside[-1])
    else:  # the samples fall between two cell centres (or outside the grid)
        nearest = int(np.argmin(np.abs(c - lo)))
        first = last = nearest
    first, last = max(first - 1, 0), min(last + 1, c.size - 1)
    if last - first < 1:
        last = min(first + 1, c.size - 1)
        first = max(last - 1, 0)
    return slice(first, last + 1)
