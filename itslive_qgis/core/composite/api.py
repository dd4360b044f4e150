"""itslive:composite's core: the ITS_LIVE annual composites under an area, mosaicked onto one grid.

ITS_LIVE publishes one annual-composite Zarr per datacube tile
(``composites/annual/v2-updated-september2025/{N60W040}/ITS_LIVE_velocity_EPSG{epsg}_120m_X{x}_Y{y}.zarr``):
annual ``v vx vy`` (+ ``_error``, ``count``) on (time, y, x) and the climatology ``v0 vx0 vy0``, trends
``dv*_dt`` (m/yr^2), seasonal amplitude ``*_amp`` and phase ``*_phase`` (day of year of the maximum) on
(y, x). :func:`composite_to_file` reads the composites of the given cubes (the catalog's
``composite_zarr_url``, else the URL derived from the cube's: :func:`composite_url`), places every tile
on one output grid with core/subset's grid functions (:mod:`itslive_qgis.core.subset.grid`: tiles of
the output's projection are copied, others resampled by NEAREST neighbour: counts, masks and phases are
not interpolable) and rotates the vector quantities into the output axes: (vx, vy), (vx0, vy0),
(dvx_dt, dvy_dt), errors as ``sqrt(c^2 sx^2 + s^2 sy^2)``, and the seasonal cycle through its cos/sin
coefficients (amp, phase) -> (A, B) -> rotated -> (amp, phase). Speeds (``v*``) are invariant.
Output: CF NetCDF (names and units of the composite: :mod:`itslive_qgis.core.seasonal.attrs`; CF attributes,
time_bnds of each year, provenance: :mod:`itslive_qgis.core.io.cf`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..errors import DataError, InputError
from ..io import StoreConfig, atomic_output
from ..progress import NullProgress, check_cancelled
from .mosaic import ERROR_PAIRS, SEASON_PAIR, VECTOR_PAIRS

COMPOSITE_PREFIX = "composites/annual/v2-updated-september2025"
#: the older composites (2023 production), read where a cube has no composite in the 2025 layout
COMPOSITE_PREFIX_V02 = "composites/annual/v02"
ANNUAL_VARIABLES = ("v", "vx", "vy", "v_error", "vx_error", "vy_error", "count")
SUMMARY_VARIABLES = (
    "v0", "vx0", "vy0", "v0_error", "vx0_error", "vy0_error", "dv_dt", "dvx_dt", "dvy_dt",
    "v_amp", "vx_amp", "vy_amp", "v_amp_error", "vx_amp_error", "vy_amp_error",
    "v_phase", "vx_phase", "vy_phase", "count0", "outlier_percent", "landice", "floatingice",
)  # fmt: skip
DEFAULT_VARIABLES = ANNUAL_VARIABLES + SUMMARY_VARIABLES
#: on (sensor, y, x), written only when asked for in ``variables``: the longest valid pair (days) and
#: whether the sensor group contributed (1) or not (0), per sensor group (``sensor`` coordinate)
SENSOR_VARIABLES = ("dt_max", "sensor_flag")
KNOWN_VARIABLES = DEFAULT_VARIABLES + SENSOR_VARIABLES
DAYS_PER_YEAR = 365.25
_CUBE_NAME = re.compile(r"ITS_LIVE_vel_EPSG(?P<epsg>\d+)_G0120_X(?P<x>-?\d+)_Y(?P<y>-?\d+)\.zarr$")


def composite_url(cube_url: str, layout: str = "v2025") -> str:
    """The annual-composite URL of the datacube ``cube_url`` (same bucket and region folder).

    ``layout="v02"``: the older key,
    ``composites/annual/v02/<region>/ITS_LIVE_vel_annual_EPSG<epsg>_G0120_X<x>_Y<y>.zarr``.

    ``.../datacubes/v2-updated-october2024/N60W040/ITS_LIVE_vel_EPSG3413_G0120_X-180000_Y-2280000.zarr`` ->
    ``.../composites/annual/v2-updated-september2025/N60W040/ITS_LIVE_velocity_EPSG3413_120m_X-180000_Y-2280000.zarr``
    """
    text = str(cube_url).rstrip("/")
    head, _, name = text.rpartition("/")
    m = _CUBE_NAME.match(name)
    if m is None or "/datacubes/" not in f"/{head}/":
        raise InputError(
            f"{cube_url} is not an ITS_LIVE datacube URL (…/datacubes/<version>/<region>/ITS_LIVE_vel_EPSG…"
            ".zarr): give the composite URL itself."
        )
    root, _, rest = f"/{head}".rpartition("/datacubes/")
    region = rest.rsplit("/", 1)[-1]
    if layout == "v02":
        prefix, new = (
            COMPOSITE_PREFIX_V02,
            f"ITS_LIVE_vel_annual_EPSG{m['epsg']}_G0120_X{m['x']}_Y{m['y']}.zarr",
        )
    elif layout == "v2025":
        prefix, new = COMPOSITE_PREFIX, f"ITS_LIVE_velocity_EPSG{m['epsg']}_120m_X{m['x']}_Y{m['y']}.zarr"
    else:
        raise InputError(f"layout must be 'v2025' or 'v02', got {layout!r}.")
    return f"{root[1:]}/{prefix}/{region}/{new}" if root else f"{prefix}/{region}/{new}"


def composite_to_file(
    cube_urls,
    area,
    area_crs,
    output_path,
    start_year: int | None = None,
    end_year: int | None = None,
    variables=None,
    target_crs=None,
    composite_urls=None,
    config: StoreConfig | None = None,
    progress=None,
) -> Path:
    """Mosaic the annual composites of ``cube_urls`` over ``area`` and write a CF NetCDF (atomic).

    Parameters
    ----------
    cube_urls : str or list of str
        Datacube URLs (catalog ``zarr_url``); their composites are read.
    area, area_crs
        The area (shapely geometry or (xmin, ymin, xmax, ymax)) and its CRS.
    output_path : str or Path
        ``.nc``.
    start_year, end_year : int, optional
        Years of the annual layers kept (inclusive); default all.
    variables : list of str, optional
        Default :data:`DEFAULT_VARIABLES`; the x/y partner of a vector variable is read too.
    target_crs : optional
        Output CRS; default that of the tile covering most of the area.
    composite_urls : list of str, optional
        The catalog's ``composite_zarr_url`` of each cube (None entries: derived).
    """
    progress = progress or NullProgress()
    path = Path(output_path)
    if path.suffix.lower() not in (".nc", ".nc4"):
        raise InputError(f"OUTPUT must be a NetCDF file (.nc), got {path.name}.")
    ds = composite_dataset(
        cube_urls,
        area,
        area_crs,
        start_year,
        end_year,
        variables,
        target_crs,
        composite_urls,
        config,
        progress,
    )
    encoding = {n: {"zlib": True, "complevel": 4, "_FillValue": np.float32(np.nan)}
                for n, v in ds.data_vars.items() if v.ndim >= 2 and n != "time_bnds"}  # fmt: skip
    from ..seasonal.attrs import write_cf_netcdf

    parameters = {
        "area": _area_text(area),
        "area_crs": str(area_crs),
        "start_year": start_year,
        "end_year": end_year,
        "variables": [n for n in ds.data_vars if n not in ("mapping", "time_bnds")],
        "target_crs": str(target_crs) if target_crs is not None else None,
    }
    sources = [s.strip() for s in ds.attrs.get("composites", "").split(",") if s.strip()]
    check_cancelled(progress)
    with atomic_output(path) as tmp:
        write_cf_netcdf(ds, tmp, "itslive:composite", parameters, sources, base=encoding)
    progress.report(1.0)
    progress.log(f"Wrote the annual composite ({', '.join(ds.data_vars)}) to {path}")
    return path


def composite_dataset(
    cube_urls,
    area,
    area_crs,
    start_year=None,
    end_year=None,
    variables=None,
    target_crs=None,
    composite_urls=None,
    config=None,
    progress=None,
):
    """The mosaicked composite as an xarray Dataset (see :func:`composite_to_file`)."""
    from ..cube import require_xarray
    from .mosaic import mosaic_variables, open_composites, place_tiles

    xr = require_xarray()
    progress = progress or NullProgress()
    config = config or StoreConfig.from_env()
    urls = [cube_urls] if isinstance(cube_urls, str) else [str(u) for u in cube_urls or []]
    if not urls:
        raise InputError("No datacube given: choose at least one cube from the catalog.")
    extra = list(composite_urls or [None] * len(urls))
    if len(extra) != len(urls):
        raise InputError("composite_urls must give one URL (or None) per cube.")
    candidates = [[c] if c else [composite_url(u), composite_url(u, "v02")] for u, c in zip(urls, extra)]
    names = _variables(variables)
    tiles = open_composites(candidates, config, names, start_year, end_year, progress)
    sources = [t.url for t in tiles]
    progress.report(0.1)
    grid, mask, tiles = place_tiles(tiles, area, area_crs, target_crs)
    arrays = mosaic_variables(tiles, grid, mask, names, progress)
    return _dataset(xr, grid, tiles, arrays, names, sources)


def _area_text(area) -> str:
    """The area as WKT (a geometry or a geo.Area) or its four numbers (a box), for the provenance."""
    geometry = getattr(area, "geometry", area)
    wkt = getattr(geometry, "wkt", None)
    if wkt:
        return wkt
    try:
        return ", ".join(str(float(v)) for v in area)
    except (TypeError, ValueError):
        return str(area)


def _variables(variables) -> list[str]:
    if not variables:
        return list(DEFAULT_VARIABLES)
    names = [variables] if isinstance(variables, str) else [str(v) for v in variables]
    unknown = [n for n in names if n not in KNOWN_VARIABLES]
    if unknown:
        raise InputError(
            f"VARIABLES: unknown composite variable(s) {', '.join(unknown)}; choose among "
            f"{', '.join(KNOWN_VARIABLES)}."
        )
    out = list(dict.fromkeys(names))
    for group in (
        VECTOR_PAIRS + ERROR_PAIRS + ((SEASON_PAIR[0], SEASON_PAIR[2]), (SEASON_PAIR[1], SEASON_PAIR[3]))
    ):
        if any(n in out for n in group):
            out += [n for n in group if n not in out]
    if any(n in out for n in SEASON_PAIR):  # amplitudes and phases rotate together
        out += [n for n in SEASON_PAIR if n not in out]
    return out


def _dataset(xr, grid, tiles, arrays, names, sources):
    from ..seasonal.attrs import (
        annual_time,
        coordinate_attrs,
        global_attrs,
        grid_mapping_attrs,
        variable_attrs,
    )

    times = tiles[0].times
    data = {}
    for name in names:
        values = arrays[name]
        dims = ("y", "x")
        if values.ndim == 3:
            dims = ("sensor", "y", "x") if name in SENSOR_VARIABLES else ("time", "y", "x")
        data[name] = (dims, values.astype("float32"), variable_attrs(name))
    coords = {"x": ("x", grid.x, coordinate_attrs("x")), "y": ("y", grid.y, coordinate_attrs("y"))}
    if any(n in SENSOR_VARIABLES for n in names):
        coords["sensor"] = (
            "sensor",
            _sensors(tiles),
            {"long_name": "sensor group (L7, L8 = Landsat 8/9, S1, S2)"},
        )
    if any(arrays[n].ndim == 3 for n in names if n not in SENSOR_VARIABLES):
        time_coords, bounds = annual_time(times)
        coords.update(time_coords)
        data.update(bounds)
    ds = xr.Dataset(data, coords=coords)
    finite = [np.isfinite(ds[n].values).any() for n in ("v", "v0", "vx", "vx0") if n in ds]
    if finite and not any(finite):
        raise DataError(
            "The composites hold no velocity over the area (every value is missing): nothing written."
        )
    ds["mapping"] = xr.DataArray(np.int32(0), attrs=grid_mapping_attrs(grid.crs, grid.x, grid.y))
    ds.attrs.update(
        global_attrs(
            "ITS_LIVE annual composites of image pair velocities (mosaic)",
            {"composites": ", ".join(sources), "resampling": "nearest",
             "climatology_centre_date": tiles[0].attrs.get("climatology_centre_date", "2018-01-01")},
        )
    )  # fmt: skip
    return ds


def _sensors(tiles) -> np.ndarray:
    """The sensor groups of the tiles (the same in every tile, else the mosaic would mix them)."""
    first = [str(s) for s in np.asarray(tiles[0].ds["sensor"].values).astype(str)]
    for tile in tiles[1:]:
        other = [str(s) for s in np.asarray(tile.ds["sensor"].values).astype(str)]
        if other != first:
            raise DataError(
                f"{tile.url} has the sensor groups {other}, {tiles[0].url} {first}: dt_max and sensor_flag "
                "need composites of one version; leave them out of VARIABLES."
            )
    return np.array(first)


def composites_for_area(area, area_crs, config: StoreConfig | None = None, progress=None):
    """(cube zarr_urls, their catalog composite_zarr_url or None) of the catalog's cubes covering ``area``."""
    from ..catalog import load_catalog

    progress = progress or NullProgress()
    loaded = load_catalog(config, progress=progress)
    progress.log(loaded.message)
    records = loaded.catalog.find(area, area_crs)
    if not records:
        raise InputError("No ITS_LIVE datacube covers the area: check its position and CRS.")
    progress.log("Datacubes covering the area: " + ", ".join(r.tile_name for r in records))
    return [r.zarr_url for r in records], [r.composite_zarr_url for r in records]
