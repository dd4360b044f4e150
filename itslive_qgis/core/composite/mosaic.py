"""Opening composite tiles, placing them on one grid (core/subset's grid functions) and rotating vectors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError, InputError
from ..progress import SubProgress, check_cancelled
from ..subset.grid import Grid, area_mask, grid_footprint, place, rotate, target_grid

DAYS_PER_YEAR = 365.25
OMEGA_PER_DAY = 2.0 * np.pi / DAYS_PER_YEAR
#: (x, y) partners rotated together; errors and amplitudes/phases are handled by their own rules
VECTOR_PAIRS = (("vx", "vy"), ("vx0", "vy0"), ("dvx_dt", "dvy_dt"))
ERROR_PAIRS = (("vx_error", "vy_error"), ("vx0_error", "vy0_error"), ("vx_amp_error", "vy_amp_error"))
SEASON_PAIR = ("vx_amp", "vx_phase", "vy_amp", "vy_phase")


@dataclass
class Tile:
    """One opened composite: its dataset (years selected), grid and attributes; ``placement`` once placed."""

    url: str
    ds: object
    grid: Grid
    times: np.ndarray
    attrs: dict
    placement: object = None


def open_composites(urls, config, names, start_year, end_year, progress=None) -> list[Tile]:
    """Open every composite (lazily), check the variables, select the years.

    ``urls``: one entry per cube, a URL or a list of candidate URLs tried in order (the 2025 key, then
    the older ``v02`` key); the first that exists is read and logged, none: an InputError naming them all.
    """
    from ..cube import require_xarray
    from ..geo import crs_from_dataset

    require_xarray()
    tiles = []
    for entry in urls:
        url, ds = open_first_composite([entry] if isinstance(entry, str) else list(entry), config, chunks={})
        if progress is not None and not isinstance(entry, str) and url != entry[0]:
            progress.log(f"No composite at {entry[0]}; reading the older one at {url}")
        missing = [n for n in names if n not in ds.variables]
        if missing:
            raise DataError(f"{url} lacks {', '.join(missing)}: it is not an ITS_LIVE annual composite.")
        if "time" in ds.dims:
            years = ds["time"].dt.year.values
            keep = np.ones(years.size, bool)
            if start_year is not None:
                keep &= years >= int(start_year)
            if end_year is not None:
                keep &= years <= int(end_year)
            if not keep.any():
                raise InputError(
                    f"No annual layer between {start_year} and {end_year} in {url} "
                    f"(it holds {years.min()}-{years.max()}): widen the years."
                )
            ds = ds.isel(time=np.flatnonzero(keep))
        crs = crs_from_dataset(ds, source=url)
        grid = Grid(crs=crs, x=np.asarray(ds["x"].values, "float64"), y=np.asarray(ds["y"].values, "float64"))
        times = ds["time"].values if "time" in ds.dims else np.array([], "datetime64[ns]")
        tiles.append(Tile(url=url, ds=ds, grid=grid, times=times, attrs=dict(ds.attrs)))
    first = tiles[0].times
    for tile in tiles[1:]:
        if not np.array_equal(tile.times, first):
            raise DataError(
                f"{tile.url} has other years than {tiles[0].url}: composites of one version only."
            )
    return tiles


def open_first_composite(candidates, config, chunks=None, parameter: str = "CUBES"):
    """(url, dataset) of the first candidate composite that exists (``chunks``: see open_cube_dataset)."""
    from pathlib import Path

    from ..io import confine_url, is_remote, open_cube_dataset

    problems = []
    for candidate in candidates:
        text = str(candidate)
        if not is_remote(text) and not Path(text.removeprefix("file://")).exists():
            problems.append(FileNotFoundError(f"no such folder: {text}"))
            continue
        url = confine_url(text, config, parameter=parameter)  # a refused host is an error, not a miss
        try:
            return url, open_cube_dataset(url, config, chunks=chunks)
        except FileNotFoundError as exc:
            problems.append(exc)
        except Exception as exc:
            if type(exc).__name__ not in ("GroupNotFoundError", "NodeNotFoundError", "KeyError"):
                raise
            problems.append(exc)
    where = " nor at ".join(str(c) for c in candidates)
    raise InputError(f"No annual composite at {where}: this cube may have none yet ({problems[-1]}).")


def place_tiles(tiles, area, area_crs, target_crs):
    """(grid, mask, tiles kept) of the output grid that covers the area, like the subset's."""
    from ..geo import area_geometry, as_crs, transform_geometry

    geom, crs = area_geometry(area, area_crs)
    shares = []
    for tile in tiles:
        local = transform_geometry(geom, crs, tile.grid.crs)
        foot = grid_footprint(tile.grid)
        shares.append(local.intersection(foot).area if local.intersects(foot) else -1.0)
    if max(shares) < 0:
        raise InputError("The area lies outside every given composite: choose cubes that cover it.")
    order = np.argsort(shares)[::-1]
    tiles = [tiles[i] for i in order if shares[i] >= 0]
    tcrs = as_crs(target_crs) if target_crs is not None else tiles[0].grid.crs
    ref = next((t.grid for t in tiles if t.grid.crs == tcrs), None)
    pixel = ref.dx if ref is not None else 120.0
    phase_x = float(np.mod(ref.x[0], pixel)) if ref is not None else 52.5
    phase_y = float(np.mod(ref.y[0], pixel)) if ref is not None else 67.5
    area_t = transform_geometry(geom, crs, tcrs)
    feet = [transform_geometry(grid_footprint(t.grid), t.grid.crs, tcrs) for t in tiles]
    grid = target_grid(area_t, feet, tcrs, phase_x, phase_y, pixel)
    mask = area_mask(grid, area_t)
    kept = []
    for tile in tiles:
        tile.placement = place(grid, tile.grid, mask, "nearest")
        if tile.placement.valid.any():
            kept.append(tile)
    if not kept:
        raise InputError("The area touches no 120 m cell of the given composites.")
    return grid, mask, kept


def mosaic_variables(tiles, grid, mask, names, progress) -> dict[str, np.ndarray]:
    """Every variable on the output grid: first tile (largest share of the area) wins; vectors rotated."""
    ny, nx = grid.y.size, grid.x.size
    out: dict[str, np.ndarray] = {}
    filled = np.zeros((ny, nx), bool)
    for i, tile in enumerate(tiles):
        check_cancelled(progress)
        take = tile.placement.valid & ~filled
        if not take.any():
            continue
        values = _read_tile(tile, names, take)
        if "sensor_flag" in values:  # 0 (the on-disk fill) = the sensor group gave no pair: 0, not missing
            values["sensor_flag"] = np.nan_to_num(values["sensor_flag"], nan=0.0)
        if tile.placement.cos is not None:
            _rotate_tile(values, tile.placement.cos[take], tile.placement.sin[take])
        for name, v in values.items():
            if name not in out:
                shape = (v.shape[0], ny, nx) if v.ndim == 2 else (ny, nx)
                out[name] = np.full(shape, np.nan)
            out[name][..., take] = v
        filled |= take
        SubProgress(progress, 0.1, 0.9).report((i + 1) / len(tiles))
    for name in out:
        out[name][..., ~mask] = np.nan
    return out


def _read_tile(tile, names, take) -> dict[str, np.ndarray]:
    """Values (leading time axis kept) of the output pixels ``take`` from one tile (nearest)."""
    rows = tile.placement.row[take]
    cols = tile.placement.col[take]
    r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    window = tile.ds.isel(y=slice(r0, r1), x=slice(c0, c1))
    out = {}
    for name in names:
        arr = np.asarray(window[name].values, dtype="float64")
        out[name] = arr[..., rows - r0, cols - c0]
    return out


def _rotate_tile(values: dict, cos, sin) -> None:
    """Rotate the vector quantities of one tile into the output axes, in place."""
    for xname, yname in VECTOR_PAIRS:
        if xname in values:
            values[xname], values[yname] = rotate(values[xname], values[yname], cos, sin)
    for xname, yname in ERROR_PAIRS:
        if xname in values:
            sx, sy = values[xname], values[yname]
            values[xname] = np.sqrt((cos * sx) ** 2 + (sin * sy) ** 2)
            values[yname] = np.sqrt((sin * sx) ** 2 + (cos * sy) ** 2)
    ax, px, ay, py = SEASON_PAIR
    if ax in values:
        # amp cos(w (t - t*)) = A cos(w t) + B sin(w t) with w t* = w (phase - 1)
        cx, sx_ = _coefficients(values[ax], values[px])
        cy, sy_ = _coefficients(values[ay], values[py])
        ca, cb = rotate(cx, cy, cos, sin)
        sa, sb = rotate(sx_, sy_, cos, sin)
        values[ax], values[px] = _amp_phase(ca, sa)
        values[ay], values[py] = _amp_phase(cb, sb)


def _coefficients(amp, phase):
    angle = OMEGA_PER_DAY * (phase - 1.0)
    amp0 = np.where(amp == 0, 0.0, amp)
    return np.where(amp == 0, 0.0, amp0 * np.cos(angle)), np.where(amp == 0, 0.0, amp0 * np.sin(angle))


def _amp_phase(a, b):
    amp = np.hypot(a, b)
    phase = 1.0 + np.mod(np.arctan2(b, a) / OMEGA_PER_DAY, DAYS_PER_YEAR)
    return amp, np.where(amp > 0, phase, np.nan)
