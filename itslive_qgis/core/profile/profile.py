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
  ascending (stable: duplicated cube mid_dates keep their on-disk order).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataError, InputError
from .line import DEFAULT_SPACING_M, sample_line

#: variables copied along the time axis when the source has them (cube pair metadata)
PAIR_VARIABLES = ("date_dt", "acquisition_date_img1", "acquisition_date_img2")


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
    return write_profile(profile_dataset(source, line_xy, spacing_m, **kwargs), output)


def write_profile(profile, output) -> Path:
    """Write a profile dataset to NetCDF (.nc, compressed float32 velocities), atomically."""
    from ..io import atomic_output, check_output

    output = check_output(output, "OUTPUT", suffixes=(".nc",))
    fill = np.float32(np.nan)
    encoding = {n: {"zlib": True, "complevel": 4, "_FillValue": fill} for n in ("v", "v_along", "v_across")}
    with atomic_output(output, "OUTPUT", suffixes=(".nc",)) as tmp:
        profile.to_netcdf(tmp, encoding=encoding)
    return output


def _profile_of_open(ds, samples, spacing_m, crs, vx_name, vy_name):
    import xarray as xr

    from ..fields import GridSampler, read_velocity

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
        "v": ("speed from the interpolated components", "velocity"),
        "v_along": ("velocity component along the line (positive in the line's direction)", "along"),
        "v_across": ("velocity component across the line (positive to the left of the line)", "across"),
    }
    values = {"v": np.hypot(vx, vy), "v_along": along, "v_across": across}
    data_vars = {
        name: (dims, values[name].astype("float32"), {"long_name": long_name, "units": "m/yr"})
        for name, (long_name, _) in meta.items()
    }
    coords = {
        "distance_m": (
            "distance",
            samples.distance_m,
            {"long_name": "distance along the line from its first vertex (map metres)", "units": "m"},
        ),
        "x": ("distance", samples.x, {"units": "m", "standard_name": "projection_x_coordinate"}),
        "y": ("distance", samples.y, {"units": "m", "standard_name": "projection_y_coordinate"}),
    }
    if grid.vx.ndim == 3:
        order = np.argsort(grid.time_days, kind="stable")
        for name in data_vars:
            data_vars[name] = (dims, data_vars[name][1][order], data_vars[name][2])
        times = grid.time_values if grid.time_values is not None else grid.time_days
        coords["time"] = ("time", np.asarray(times)[order])
        lead = grid.time_dim
        for name in PAIR_VARIABLES:
            if name in ds.variables and ds[name].dims == (lead,):
                data_vars[name] = ("time", np.asarray(ds[name].values)[order], dict(ds[name].attrs))
    wkt = grid.crs.to_wkt()
    attrs = {
        "title": "ITS_LIVE velocity profile along a line",
        "spacing_m": float(spacing_m),
        "line_length_m": samples.length_m,
        "crs_wkt": wkt,
        "source": "itslive_qgis core.profile (bilinear interpolation of vx, vy)",
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


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
