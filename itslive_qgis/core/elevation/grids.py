"""Output grids of the elevation room: a reference grid or an extent and pixel size, regridding, writing.

:class:`GridSpec` is a north-up grid of cell centres (``x`` ascending, ``y`` descending as in
ITS_LIVE files) in a projected CRS. :func:`sample_onto` carries a field from its own grid (any
projected CRS) onto a :class:`GridSpec` by bilinear interpolation at the target cell centres
(transformed into the source CRS through :func:`core.geo.transform_xy`); cells whose four
neighbours are not all valid are NaN (no extrapolation, no filling).

Outputs are written by :func:`write_grid` through :mod:`core.io.cf` (the one CF writer: grid
mapping, provenance and history, CF time with ``time_bnds``, no fill on coordinates).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..geo import as_crs, crs_from_dataset, transform_xy

MAX_CELLS = 25_000_000


@dataclass(frozen=True)
class GridSpec:
    """Cell-centre coordinates ``x`` (ascending) and ``y`` (descending), metres, and the CRS."""

    x: np.ndarray
    y: np.ndarray
    crs: object

    @property
    def shape(self) -> tuple[int, int]:
        return (self.y.size, self.x.size)

    @property
    def pixel_m(self) -> float:
        return float(abs(self.x[1] - self.x[0])) if self.x.size > 1 else float("nan")

    @classmethod
    def from_extent(cls, xmin, ymin, xmax, ymax, pixel_m: float, crs) -> GridSpec:
        """Cells of ``pixel_m`` metres covering the extent (edges snapped outward to the pixel size)."""
        crs = as_crs(crs, require_metres=True)
        if not pixel_m or pixel_m <= 0:
            raise InputError(f"PIXEL_SIZE_M must be positive, not {pixel_m}.")
        if not (xmax > xmin and ymax > ymin):
            raise InputError("The EXTENT is empty: draw or choose an extent.")
        x0, x1 = np.floor(xmin / pixel_m) * pixel_m, np.ceil(xmax / pixel_m) * pixel_m
        y0, y1 = np.floor(ymin / pixel_m) * pixel_m, np.ceil(ymax / pixel_m) * pixel_m
        nx, ny = int(round((x1 - x0) / pixel_m)), int(round((y1 - y0) / pixel_m))
        if nx * ny > MAX_CELLS:
            raise InputError(
                f"The grid would have {nx} x {ny} cells: choose a larger PIXEL_SIZE_M or a smaller EXTENT."
            )
        x = x0 + pixel_m * (np.arange(nx) + 0.5)
        y = y1 - pixel_m * (np.arange(ny) + 0.5)
        return cls(x, y, crs)

    @classmethod
    def from_file(cls, path) -> GridSpec:
        """The grid of a NetCDF/Zarr file (x, y and its grid mapping) or of a GeoTIFF."""
        path = str(path)
        if Path(path).suffix.lower() in (".tif", ".tiff", ".vrt"):
            import rasterio

            with rasterio.open(path) as src:
                t = src.transform
                if t.b or t.d:
                    raise InputError(f"REFERENCE_GRID {path} is rotated: warp it north-up first.")
                x = t.c + t.a * (np.arange(src.width) + 0.5)
                y = t.f + t.e * (np.arange(src.height) + 0.5)
                if src.crs is None:
                    raise InputError(f"REFERENCE_GRID {path} has no CRS: assign one.")
                return cls(x, y, as_crs(src.crs.to_wkt(), require_metres=True))
        ds = open_dataset(path)
        try:
            if "x" not in ds.coords or "y" not in ds.coords:
                raise InputError(f"REFERENCE_GRID {path} has no x and y coordinates.")
            return cls(
                ds["x"].values.astype(float),
                ds["y"].values.astype(float),
                as_crs(crs_from_dataset(ds, source=path), require_metres=True),
            )
        finally:
            ds.close()


def open_dataset(path, group=None, storage_options=None):
    """An xarray dataset of a NetCDF file or Zarr store, optionally one group.

    ``s3://`` Zarr stores are opened with ``storage_options`` (the configured store's: anonymous,
    its endpoint); see :func:`dhdt.dhdt_from_gridded` for which URLs are accepted.
    """
    import xarray as xr

    path = str(path)
    if path.startswith("s3://"):
        return xr.open_zarr(path, group=group, consolidated=None, storage_options=storage_options)
    if (
        path.rstrip("/").endswith(".zarr")
        or Path(path, ".zmetadata").exists()
        or Path(path, "zarr.json").exists()
    ):
        return xr.open_zarr(path, group=group, consolidated=None)
    return xr.open_dataset(path, group=group, engine="netcdf4", cache=False)


def sample_onto(values, x, y, crs, grid: GridSpec) -> np.ndarray:
    """Bilinear samples of ``values`` (y, x on its own grid and CRS) at the cell centres of ``grid``."""
    values = np.asarray(values, float)
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    if y[0] > y[-1]:
        y, values = y[::-1], values[::-1]
    if x[0] > x[-1]:
        x, values = x[::-1], values[:, ::-1]
    gx, gy = np.meshgrid(grid.x, grid.y)
    sx, sy = transform_xy(gx, gy, grid.crs, crs)
    sx, sy = np.asarray(sx), np.asarray(sy)
    fx = (sx - x[0]) / (x[1] - x[0])
    fy = (sy - y[0]) / (y[1] - y[0])
    ix, iy = np.floor(fx).astype(int), np.floor(fy).astype(int)
    inside = (ix >= 0) & (iy >= 0) & (ix < x.size - 1) & (iy < y.size - 1)
    ix, iy = np.clip(ix, 0, x.size - 2), np.clip(iy, 0, y.size - 2)
    wx, wy = fx - ix, fy - iy
    out = (
        values[iy, ix] * (1 - wx) * (1 - wy)
        + values[iy, ix + 1] * wx * (1 - wy)
        + values[iy + 1, ix] * (1 - wx) * wy
        + values[iy + 1, ix + 1] * wx * wy
    )
    return np.where(inside, out, np.nan)


def variable_attrs(variables: dict, name: str) -> dict:
    """CF attributes of one output variable from ``variables[name] = (long_name, units, standard_name)``.

    A ``standard_name`` that is not in the CF table is moved to ``itslive_standard_name`` by
    :func:`core.io.cf.finalize` (the one CF writer).
    """
    long_name, units, standard_name = variables.get(name, (name, "", None))
    attrs = {"long_name": long_name, "units": units, "grid_mapping": "mapping"}
    if standard_name:
        attrs["standard_name"] = standard_name
    return attrs


def write_grid(
    path,
    grid: GridSpec,
    fields: dict,
    variables: dict,
    title: str,
    extra: dict | None = None,
    *,
    algorithm: str = "itslive:elevationchange",
    parameters: dict | None = None,
    sources=(),
    time=None,
    time_bnds=None,
    previous: str | None = None,
) -> Path:
    """Write ``fields`` (name -> (y, x) or (time, y, x) array) on ``grid`` to CF-1.8 NetCDF, atomically.

    Attributes, grid mapping, provenance (``history``, ``algorithm``, ``parameters``,
    ``source_urls``), CF time and encodings come from :mod:`core.io.cf`. ``time``: datetime64
    values of a (time, y, x) output; ``time_bnds`` (time, 2) for interval quantities (a rate over a
    window). ``previous``: an input's ``history``, kept under the new line.
    """
    import xarray as xr

    from ..io import NETCDF_WRITE_LOCK, atomic_output, cf

    coords = {
        "x": ("x", np.asarray(grid.x, float), cf.coordinate_attrs("x")),
        "y": ("y", np.asarray(grid.y, float), cf.coordinate_attrs("y")),
    }
    if time is not None:
        bounds = "time_bnds" if time_bnds is not None else None
        coords["time"] = ("time", np.asarray(time, "datetime64[ns]"), cf.time_attrs("time", bounds))
    data, base = {}, {}
    for name, values in fields.items():
        arr = np.asarray(values)
        dims = ("time", "y", "x")[3 - arr.ndim :]
        if name == "count" or arr.dtype.kind in "iub":
            data[name] = (dims, arr.astype("int32"), variable_attrs(variables, name))
            base[name] = {"zlib": True, "complevel": 4}
        else:
            data[name] = (dims, arr.astype("float32"), variable_attrs(variables, name))
            base[name] = {"zlib": True, "complevel": 4, "_FillValue": np.float32(np.nan)}
    if time_bnds is not None:
        data["time_bnds"] = (("time", "nv"), np.asarray(time_bnds, "datetime64[ns]"))
    data["mapping"] = ((), np.int32(0), cf.grid_mapping_attrs(grid.crs, grid.x, grid.y))
    attrs = {"title": title, "source": "itslive_qgis", **(extra or {})}
    if previous:
        attrs["history"] = previous
    ds = xr.Dataset(data, coords=coords, attrs=attrs)
    ds = cf.finalize(ds, algorithm, parameters, [str(s) for s in sources])
    path = Path(path)
    with NETCDF_WRITE_LOCK, atomic_output(path, suffixes=(".nc",)) as tmp:
        ds.to_netcdf(tmp, engine="netcdf4", encoding=cf.encoding(ds, False, base))
    return path
