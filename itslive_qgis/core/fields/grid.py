"""Grid helpers shared by the strain, flux and tracking engines.

Conventions used everywhere in this module and its callers:

* Map axes: ``x`` grows to grid east, ``y`` to grid north, whatever the order of
  the array rows. ITS_LIVE grids have DESCENDING ``y`` (row 0 is the northern
  edge); derivatives and interpolation always use the coordinate VALUES, so
  ascending and descending grids give the same answer.
* Velocities are GROUND distances per year (m/yr) along the grid axes, as in
  ITS_LIVE products (``map_scale_corrected = 1``). Grid spacings are MAP
  distances. On a conformal projection (polar stereographic EPSG:3413/3031,
  UTM) a map distance is ``k`` times the ground distance, with ``k`` the point
  scale factor from :func:`scale_factor_grid` (pyproj ``Proj.get_factors``), so
  ``d/dx_ground = k * d/dx_map``.
* Time is float days since 1970-01-01; one year is 365.25 days.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError, InputError, MissingDependencyError
from ..geo import as_crs, crs_from_dataset, transformer
from ..io import atomic_output

DAYS_PER_YEAR = 365.25
#: Largest relative difference between meridional and parallel scale accepted as conformal.
CONFORMAL_TOLERANCE = 1e-6


@dataclass
class VelocityGrid:
    """Velocities on a regular map grid, as read from a dataset or a pair of rasters.

    ``vx``/``vy`` are float64 m/yr, shape ``(ny, nx)`` or ``(nt, ny, nx)``, NaN where
    missing; ``x``/``y`` are cell-centre map coordinates in metres (``y`` in file order);
    ``time_days`` holds float days since 1970-01-01 of the leading axis (or None);
    ``vx_error``/``vy_error`` (m/yr) are broadcast to the shape of ``vx`` or None.
    """

    vx: np.ndarray
    vy: np.ndarray
    x: np.ndarray
    y: np.ndarray
    crs: object
    time_days: np.ndarray | None = None
    time_dim: str | None = None
    time_values: np.ndarray | None = None
    vx_error: np.ndarray | None = None
    vy_error: np.ndarray | None = None
    #: (n, 2) bounds of the leading axis' steps (CF ``time_bnds``, same type as ``time_values``) or None
    time_bounds: np.ndarray | None = None
    #: where the velocities came from (paths/URLs) and their ``history``, for the output's provenance
    sources: tuple = ()
    history: str | None = None


def as_metric_crs(crs):
    """A pyproj CRS that must be projected in metres (map distances for strain, flux, tracking)."""
    return as_crs(crs, require_metres=True)


def read_velocity(source, crs=None, vx_name: str = "vx", vy_name: str = "vy") -> VelocityGrid:
    """Read velocities from a dataset (path or ``xarray.Dataset``) or a ``(vx_path, vy_path)`` pair.

    A raster pair may carry two more paths, ``(vx, vy, vx_error, vy_error)``; ``crs``
    overrides the CRS found in the files.
    """
    if isinstance(source, tuple | list):
        grid = read_velocity_rasters(*source)
        if crs is not None:
            grid.crs = as_metric_crs(crs)
        return grid
    return read_velocity_dataset(source, crs=crs, vx_name=vx_name, vy_name=vy_name)


def read_velocity_dataset(source, crs=None, vx_name: str = "vx", vy_name: str = "vy") -> VelocityGrid:
    """Read velocities (and their errors) from a NetCDF/Zarr path or an ``xarray.Dataset``.

    ``vx``/``vy`` must have dims ``(y, x)`` or ``(t, y, x)`` with any leading name
    (``time``, ``mid_date``...). Error variables ``vx_error``/``vy_error`` are used when
    present with dims that broadcast (``(y, x)``, ``(t, y, x)`` or per-layer ``(t,)``).
    """
    import xarray as xr

    from ..io.cf import pairs_from_disk

    if isinstance(source, xr.Dataset):
        return _velocity_from_dataset(pairs_from_disk(source), crs, vx_name, vy_name)
    path = str(source)
    if not os.path.exists(path):
        raise InputError(f"No velocity file at {path}: check the path.")
    try:
        ds = xr.open_zarr(path) if path.rstrip("/").endswith(".zarr") else xr.open_dataset(path)
    except (OSError, ValueError) as exc:
        raise DataError(f"{path} is not a readable NetCDF/Zarr velocity file: {exc}") from exc
    ds = pairs_from_disk(ds)
    try:
        return _velocity_from_dataset(ds, crs, vx_name, vy_name)
    finally:
        ds.close()


def _velocity_from_dataset(ds, crs, vx_name: str, vy_name: str) -> VelocityGrid:
    from ..cube import to_days

    for name in (vx_name, vy_name):
        if name not in ds.variables:
            raise InputError(f"The velocity dataset has no variable '{name}' (found {sorted(ds.data_vars)}).")
    vx_da, vy_da = ds[vx_name], ds[vy_name]
    if "x" not in vx_da.dims or "y" not in vx_da.dims or vx_da.ndim not in (2, 3):
        raise InputError(f"'{vx_name}' must have dims (y, x) or (time, y, x); it has {vx_da.dims}.")
    lead = [d for d in vx_da.dims if d not in ("x", "y")]
    order = (*lead, "y", "x")
    vx_da, vy_da = vx_da.transpose(*order), vy_da.transpose(*order)
    out = VelocityGrid(
        vx=np.asarray(vx_da.values, dtype="float64"),
        vy=np.asarray(vy_da.values, dtype="float64"),
        x=np.asarray(ds["x"].values, dtype="float64"),
        y=np.asarray(ds["y"].values, dtype="float64"),
        crs=as_metric_crs(crs_from_dataset(ds, crs)),
    )
    if lead:
        out.time_dim = lead[0]
        out.time_values = np.asarray(ds[lead[0]].values) if lead[0] in ds.coords else None
        if out.time_values is not None:
            out.time_days = to_days(out.time_values)
        bounds = ds[lead[0]].attrs.get("bounds")
        if bounds in ds.variables and ds[bounds].ndim == 2:
            out.time_bounds = np.asarray(ds[bounds].values)
    out.sources, out.history = _provenance_of(ds)
    for comp, attr in ((vx_name, "vx_error"), (vy_name, "vy_error")):
        name = f"{comp}_error"
        if name in ds.variables and set(ds[name].dims) <= set(order):
            err = ds[name].transpose(*[d for d in order if d in ds[name].dims])
            full = err.broadcast_like(vx_da).transpose(*order)
            setattr(out, attr, np.abs(np.asarray(full.values, dtype="float64")))
    return out


def _provenance_of(ds) -> tuple[tuple, str | None]:
    """(source paths/URLs, history) of a velocity dataset, for the outputs' provenance (io.cf)."""
    import json

    sources = [ds.encoding["source"]] if ds.encoding.get("source") else []
    for key in ("source_urls", "source_cubes"):
        try:
            sources += list(json.loads(ds.attrs.get(key, "[]")))
        except (TypeError, ValueError):
            continue
    history = ds.attrs.get("history")
    return tuple(dict.fromkeys(str(s) for s in sources)), history if isinstance(history, str) else None


def read_velocity_rasters(vx_path, vy_path, vx_error_path=None, vy_error_path=None) -> VelocityGrid:
    """Read a vx/vy pair of single-band rasters (GeoTIFF or any GDAL raster) on one grid."""
    arrays, ref = [], None
    for path in (vx_path, vy_path, vx_error_path, vy_error_path):
        if path is None:
            arrays.append(None)
            continue
        values, x, y, crs = read_raster(path)
        if ref is None:
            ref = (x, y, crs)
        elif values.shape != (ref[1].size, ref[0].size) or not (
            np.allclose(x, ref[0]) and np.allclose(y, ref[1])
        ):
            raise InputError(f"{path} is not on the same grid as {vx_path}: resample it to that grid first.")
        arrays.append(values)
    vx, vy, ex, ey = arrays
    return VelocityGrid(
        vx=vx, vy=vy, x=ref[0], y=ref[1], crs=as_metric_crs(ref[2]), vx_error=_abs(ex), vy_error=_abs(ey)
    )


def read_raster(path) -> tuple[np.ndarray, np.ndarray, np.ndarray, object]:
    """Band 1 of a north-up raster as float64 (nodata -> NaN), centre coords x, y and its CRS."""
    rasterio = _rasterio()
    if not os.path.exists(str(path)):
        raise InputError(f"No raster at {path}: check the path.")
    with rasterio.open(path) as src:
        tr = src.transform
        if tr.b != 0 or tr.d != 0:
            raise InputError(f"{path} is rotated; warp it to a north-up grid first.")
        values = src.read(1, masked=True).astype("float64").filled(np.nan)
        x = tr.c + tr.a * (np.arange(src.width) + 0.5)
        y = tr.f + tr.e * (np.arange(src.height) + 0.5)
        if src.crs is None:
            raise InputError(f"{path} has no CRS: assign one (e.g. EPSG:3413) and retry.")
        return values, x, y, src.crs.to_wkt()


def regular_step(coord, name: str = "coordinate") -> float:
    """Signed spacing of a regular 1-D coordinate (negative for descending ``y``)."""
    c = np.asarray(coord, dtype="float64")
    if c.size < 2:
        raise InputError(f"The grid needs at least 2 cells along {name}.")
    steps = np.diff(c)
    if not np.allclose(steps, steps[0], rtol=1e-6, atol=1e-6 * abs(steps[0])) or steps[0] == 0:
        raise InputError(f"The {name} coordinate is not regularly spaced: resample to a regular grid.")
    return float(steps[0])


def scale_factor_grid(x, y, crs) -> np.ndarray:
    """Point scale factor k (map distance / ground distance) at every cell, shape (ny, nx).

    Uses pyproj ``Proj.get_factors``; the projection must be conformal (meridional and
    parallel scale equal, as for polar stereographic and UTM), otherwise one k per point
    does not describe the distortion and :class:`InputError` is raised.
    """
    import pyproj

    crs = as_metric_crs(crs)
    xx, yy = np.meshgrid(np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))
    lon, lat = transformer(crs, crs.geodetic_crs).transform(xx, yy)
    factors = pyproj.Proj(crs).get_factors(lon, lat)
    h = np.asarray(factors.meridional_scale, dtype="float64")
    k = np.asarray(factors.parallel_scale, dtype="float64")
    if np.nanmax(np.abs(h - k) / k) > CONFORMAL_TOLERANCE:
        raise InputError(
            f"{crs.name} is not conformal (meridional and parallel scales differ), so velocities cannot be "
            "scale-corrected with one factor; use the ITS_LIVE projection (polar stereographic/UTM) "
            "or switch the scale-factor correction off."
        )
    return k


def derivative(values, coord, axis: int, sigma=None, one_sided: bool = True):
    """Derivative of ``values`` along ``axis`` with respect to the coordinate VALUES.

    Central differences ``(f[i+1] - f[i-1]) / (c[i+1] - c[i-1])`` where both neighbours are
    valid; where only one is (grid edge, next to NaN) a one-sided first-order difference
    when ``one_sided`` (else NaN); NaN where the cell itself is NaN. Because the true
    coordinate values are used, a descending ``y`` gives d/dy with y growing north.

    Returns ``(d, sigma_d)``; ``sigma_d`` (None without ``sigma``) propagates independent
    per-cell errors through the same stencil: ``sqrt(s[i+1]^2 + s[i-1]^2) / |c[i+1] - c[i-1]|``.
    """
    f = np.moveaxis(np.asarray(values, dtype="float64"), axis, -1)
    c = np.asarray(coord, dtype="float64")
    s = (
        None
        if sigma is None
        else np.moveaxis(np.broadcast_to(sigma, np.shape(values)).astype("float64"), axis, -1)
    )
    n = f.shape[-1]
    d = np.full(f.shape, np.nan)
    sd = None if s is None else np.full(f.shape, np.nan)
    valid = np.isfinite(f)
    if n >= 3:
        ok = valid[..., 2:] & valid[..., :-2]
        dc = c[2:] - c[:-2]
        d[..., 1:-1] = np.where(ok, (f[..., 2:] - f[..., :-2]) / dc, np.nan)
        if s is not None:
            sd[..., 1:-1] = np.where(ok, np.hypot(s[..., 2:], s[..., :-2]) / np.abs(dc), np.nan)
    if one_sided and n >= 2:
        ok = valid[..., 1:] & valid[..., :-1]
        dc = c[1:] - c[:-1]
        step = np.where(ok, (f[..., 1:] - f[..., :-1]) / dc, np.nan)
        step_s = None if s is None else np.where(ok, np.hypot(s[..., 1:], s[..., :-1]) / np.abs(dc), np.nan)
        for target, source in ((np.s_[..., :-1], np.s_[...]), (np.s_[..., 1:], np.s_[...])):
            fill = np.isnan(d[target]) & np.isfinite(step[source])
            d[target] = np.where(fill, step[source], d[target])
            if s is not None:
                sd[target] = np.where(fill, step_s[source], sd[target])
    d[~valid] = np.nan
    if s is not None:
        sd[~valid] = np.nan
        sd = np.moveaxis(sd, -1, axis)
    return np.moveaxis(d, -1, axis), sd


class GridSampler:
    """Bilinear interpolation on a regular grid given by cell-centre coordinates.

    Works for ascending or descending ``x``/``y``. A query point outside the cell
    centres' hull, or whose four surrounding cells are not all finite, gives NaN.
    """

    def __init__(self, x, y):
        self.x0, self.dx, self.nx = float(x[0]), regular_step(x, "x"), len(x)
        self.y0, self.dy, self.ny = float(y[0]), regular_step(y, "y"), len(y)

    def locate(self, xq, yq):
        """Indices and weights of query points; returns ``(iy, ix, wy, wx, inside)``."""
        fx = (np.asarray(xq, dtype="float64") - self.x0) / self.dx
        fy = (np.asarray(yq, dtype="float64") - self.y0) / self.dy
        eps = 1e-9
        inside = (fx >= -eps) & (fx <= self.nx - 1 + eps) & (fy >= -eps) & (fy <= self.ny - 1 + eps)
        ix = np.clip(np.floor(np.nan_to_num(fx)), 0, self.nx - 2).astype(np.intp)
        iy = np.clip(np.floor(np.nan_to_num(fy)), 0, self.ny - 2).astype(np.intp)
        return iy, ix, np.clip(fy - iy, 0.0, 1.0), np.clip(fx - ix, 0.0, 1.0), inside

    def sample(self, field, loc, lead=None):
        """Interpolate ``field`` (2-D, or 3-D indexed by integer array ``lead``) at ``loc``."""
        iy, ix, wy, wx, inside = loc
        if lead is None:
            f00, f01 = field[iy, ix], field[iy, ix + 1]
            f10, f11 = field[iy + 1, ix], field[iy + 1, ix + 1]
        else:
            f00, f01 = field[lead, iy, ix], field[lead, iy, ix + 1]
            f10, f11 = field[lead, iy + 1, ix], field[lead, iy + 1, ix + 1]
        top = f00 * (1 - wx) + f01 * wx
        bottom = f10 * (1 - wx) + f11 * wx
        out = top * (1 - wy) + bottom * wy
        return np.where(inside, out, np.nan)


def grid_transform(x, y):
    """Affine transform (north-up, corner based) of a grid of cell centres; y may be either order."""
    from affine import Affine

    dx, dy = regular_step(x, "x"), regular_step(y, "y")
    if dx < 0:
        raise InputError("x must increase eastwards along the columns.")
    top = max(float(y[0]), float(y[-1])) + abs(dy) / 2
    return Affine(dx, 0.0, float(x[0]) - dx / 2, 0.0, -abs(dy), top)


def reproject_to_grid(path, x, y, crs, resampling: str = "bilinear") -> np.ndarray:
    """Reproject band 1 of raster ``path`` (any CRS/resolution) onto the grid (y, x) in ``crs``.

    ``rasterio.warp.reproject`` with the source nodata respected and the exact (not the
    approximate) coordinate transformer; cells without data come back as NaN. When the
    source is finer than the grid, GDAL widens the bilinear kernel (anti-aliasing).
    Returned rows follow the order of ``y`` (descending or ascending).
    """
    rasterio = _rasterio()
    from rasterio.enums import Resampling
    from rasterio.warp import reproject

    if not os.path.exists(str(path)):
        raise InputError(f"No raster at {path}: check the path.")
    dst = np.full((len(y), len(x)), np.nan, dtype="float64")
    with rasterio.open(path) as src:
        if src.crs is None:
            raise InputError(f"{path} has no CRS: assign one and retry.")
        source = src.read(1).astype("float64")
        reproject(
            source,
            dst,
            src_transform=src.transform,
            src_crs=src.crs,
            src_nodata=src.nodata if src.nodata is not None else np.nan,
            dst_transform=grid_transform(x, y),
            dst_crs=rasterio.crs.CRS.from_wkt(as_metric_crs(crs).to_wkt()),
            dst_nodata=np.nan,
            resampling=getattr(Resampling, resampling),
            tolerance=0.0,  # exact transformer: the result is differentiated (flux divergence)
        )
    if float(y[-1]) > float(y[0]):
        dst = dst[::-1]
    return dst


def build_output_dataset(result: dict, grid: VelocityGrid, variables: dict, attrs: dict, algorithm: str = ""):
    """Wrap result arrays into a CF ``xarray.Dataset`` on the grid (and time axis) of ``grid``.

    ``variables`` maps a result name to ``(long_name, units)``; every variable is float32
    with ``grid_mapping = 'mapping'``, and a scalar ``mapping`` variable holds the CRS.
    ``algorithm`` (Processing id) and ``attrs`` (the parameters) go into the provenance (io.cf).
    """
    import xarray as xr

    from ..io import cf

    dims = ("y", "x") if grid.vx.ndim == 2 else (grid.time_dim or "time", "y", "x")
    coords = {"x": ("x", grid.x, cf.coordinate_attrs("x")), "y": ("y", grid.y, cf.coordinate_attrs("y"))}
    data_vars = {}
    if grid.vx.ndim == 3 and grid.time_values is not None:
        bounds = f"{dims[0]}_bnds" if grid.time_bounds is not None else None
        coords[dims[0]] = (dims[0], grid.time_values, cf.time_attrs("centre of the time step", bounds))
        if bounds:
            data_vars[bounds] = ((dims[0], "nv"), grid.time_bounds)
    for name, values in result.items():
        long_name, units = variables.get(name, (name, ""))
        meta = {"long_name": long_name, "units": units, "grid_mapping": "mapping"}
        arr = np.asarray(values, dtype="float32")
        data_vars[name] = (dims[len(dims) - arr.ndim :], arr, meta)
    data_vars["mapping"] = ((), np.int32(0), grid_mapping_attrs(grid.crs, grid.x, grid.y))
    ds = xr.Dataset(
        data_vars, coords=coords, attrs={"history": grid.history, **attrs} if grid.history else attrs
    )
    params = {k: v for k, v in attrs.items() if k != "title"}
    return cf.finalize(ds, algorithm or "itslive_qgis.core.fields", params, list(grid.sources))


def grid_mapping_attrs(crs, x, y) -> dict:
    """CF grid-mapping attributes (+ ``crs_wkt``, ``spatial_ref``, ``spatial_epsg``, ``GeoTransform``).

    Written by :func:`itslive_qgis.core.io.cf.grid_mapping_attrs` (the one CRS writer)."""
    from ..io import cf

    return cf.grid_mapping_attrs(as_metric_crs(crs), x, y)


def write_grid_dataset(ds, path) -> Path:
    """Write an output dataset to ``.nc`` (all variables) or ``.tif`` (2-D only), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".nc":
        return write_netcdf_atomic(ds, path)
    if suffix in (".tif", ".tiff"):
        extra = [d for d in ds.dims if d not in ("x", "y")]
        if extra:
            raise InputError(
                f"A GeoTIFF holds one 2-D grid per band, but this result has a '{extra[0]}' axis of "
                f"{ds.sizes[extra[0]]} steps: write it to .nc, or select one step first."
            )
        names = [n for n in ds.data_vars if ds[n].dims == ("y", "x")]
        bands = [
            (n, ds[n].values, ds[n].attrs.get("units", ""), ds[n].attrs.get("long_name", n)) for n in names
        ]
        crs = ds["mapping"].attrs["crs_wkt"] if "mapping" in ds.variables else ds.attrs.get("crs_wkt")
        keys = ("title", "history", "software", "algorithm", "parameters", "source_urls", "date_created")
        tags = {k: ds.attrs[k] for k in keys if k in ds.attrs}
        return write_geotiff_atomic(path, bands, ds["x"].values, ds["y"].values, crs, tags)
    raise InputError(f"Unsupported output format '{suffix}': use .nc or .tif.")


def write_netcdf_atomic(ds, path) -> Path:
    """Write ``ds`` to NetCDF-4 through a temporary file in the same folder, then rename."""
    path = Path(path)
    from ..io import cf

    ds = cf.pairs_to_disk(ds)  # a mid_date (pair) axis: the CF layout on disk
    encoding = {
        n: {"zlib": True, "complevel": 4, "_FillValue": np.float32(np.nan), "dtype": "float32"}
        for n in ds.data_vars
        if np.issubdtype(ds[n].dtype, np.floating) and ds[n].ndim >= 2 and not n.endswith("_bnds")
    }
    encoding = cf.encoding(ds, False, encoding)  # CF time, no fill on coordinates
    with atomic_output(path) as tmp:
        ds.to_netcdf(tmp, engine="netcdf4", encoding=encoding)
    return path


def write_geotiff_atomic(path, bands, x, y, crs, tags: dict | None = None) -> Path:
    """Write a float32 multi-band GeoTIFF (NaN nodata) with band descriptions and units.

    ``bands`` is a list of ``(name, array (y, x), units, description)``; rows are written
    north-up whatever the order of ``y``. ``tags``: dataset metadata (provenance, io.cf).
    """
    rasterio = _rasterio()
    path = Path(path)
    flip = float(y[-1]) > float(y[0])
    profile = {
        "driver": "GTiff",
        "width": len(x),
        "height": len(y),
        "count": len(bands),
        "dtype": "float32",
        "nodata": np.nan,
        "crs": rasterio.crs.CRS.from_wkt(as_metric_crs(crs).to_wkt()),
        "transform": grid_transform(x, y),
        "compress": "deflate",
        "predictor": 3,
    }
    with atomic_output(path) as tmp:
        with rasterio.open(tmp, "w", **profile) as dst:
            for i, (name, values, units, description) in enumerate(bands, start=1):
                arr = np.asarray(values, dtype="float32")
                dst.write(arr[::-1] if flip else arr, i)
                dst.set_band_description(i, f"{name}: {description}")
                dst.set_band_unit(i, units)
                dst.update_tags(i, name=name, units=units)
            if tags:
                dst.update_tags(**{k: str(v) for k, v in tags.items()})
    return path


def _abs(values):
    return None if values is None else np.abs(values)


def _rasterio():
    try:
        import rasterio
        import rasterio.crs
    except ImportError as exc:
        raise MissingDependencyError("rasterio is not installed: pip install rasterio.") from exc
    return rasterio
