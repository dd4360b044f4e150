"""A Hovmoller diagram of a profile: a raster with distance along the line (km) across and time down.

Columns are the profile's samples every ``spacing_m`` (the last, shorter step to the line's end is
left out so columns are regular); rows are time bins of ``bin_days`` (the mean of the profiles whose
time falls in each bin, NaN where none does), the LATEST at the top. The raster's "map" units are
km (x, distance from the line's first vertex) and decimal years (y): it has no CRS; its pixels hold
m/yr. Written with rasterio (GeoTIFF, float32, NaN no-data), atomically.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError

DAYS_PER_YEAR = 365.25
#: default time bin (days) of a Hovmoller raster
DEFAULT_BIN_DAYS = 30.0
#: most rows of a Hovmoller raster
MAX_ROWS = 20_000


def hovmoller(profile, variable: str = "v_along", bin_days: float = DEFAULT_BIN_DAYS):
    """``(values (rows, columns), row_edges_days, distance_km)`` of a (time, distance) profile dataset.

    ``row_edges_days`` ascend (days since 1970-01-01); ``values[0]`` is the EARLIEST bin.
    """
    from ..cube import to_days

    if variable not in profile or profile[variable].dims != ("time", "distance"):
        raise InputError(
            f"A Hovmoller diagram needs a (time, distance) variable '{variable}' (a profile over time)."
        )
    if not (np.isfinite(bin_days) and bin_days > 0):
        raise InputError("The Hovmoller time bin must be a positive number of days.")
    spacing = float(profile.attrs.get("spacing_m", 0.0))
    d = np.asarray(profile["distance_m"].values, "float64")
    regular = (
        np.isclose(d / spacing, np.round(d / spacing), atol=1e-6) if spacing > 0 else np.ones(d.size, bool)
    )
    days = to_days(profile["time"].values)
    lo = np.floor(np.nanmin(days))  # bins start on the day of the first profile
    n_rows = int(np.floor((np.nanmax(days) - lo) / bin_days)) + 1
    if n_rows > MAX_ROWS:
        raise InputError(
            f"{n_rows} time bins of {bin_days:g} days: raise the bin to at least "
            f"{bin_days * n_rows / MAX_ROWS:.0f} days."
        )
    edges = lo + bin_days * np.arange(n_rows + 1)
    row = np.clip(((days - lo) // bin_days).astype(int), 0, n_rows - 1)
    values = np.asarray(profile[variable].values, "float64")[:, regular]
    total = np.zeros((n_rows, values.shape[1]))
    count = np.zeros_like(total)
    ok = np.isfinite(values)
    np.add.at(total, row, np.where(ok, values, 0.0))
    np.add.at(count, row, ok)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / count, np.nan)
    return mean, edges, d[regular] / 1000.0


def write_hovmoller(profile, path, variable: str = "v_along", bin_days: float = DEFAULT_BIN_DAYS) -> Path:
    """Write :func:`hovmoller` as a GeoTIFF (x: km along the line, y: decimal year, no CRS)."""
    import rasterio
    from affine import Affine

    from ..io import atomic_output, check_output

    path = check_output(path, "HOVMOLLER", suffixes=(".tif", ".tiff"))
    values, edges, km = hovmoller(profile, variable, bin_days)
    if not np.isfinite(values).any():
        raise InputError(f"The profile holds no valid '{variable}' value: no Hovmoller diagram to write.")
    dkm = float(km[1] - km[0]) if km.size > 1 else float(profile.attrs.get("spacing_m", 120.0)) / 1000.0
    top_year = 1970.0 + edges[-1] / DAYS_PER_YEAR
    transform = Affine(dkm, 0.0, float(km[0]) - dkm / 2, 0.0, -bin_days / DAYS_PER_YEAR, top_year)
    profile_kw = {
        "driver": "GTiff", "width": values.shape[1], "height": values.shape[0], "count": 1,
        "dtype": "float32", "nodata": np.nan, "transform": transform, "compress": "deflate",
    }  # fmt: skip
    with atomic_output(path, "HOVMOLLER", suffixes=(".tif", ".tiff")) as tmp:
        with rasterio.open(tmp, "w", **profile_kw) as dst:
            dst.write(values[::-1].astype("float32"), 1)  # latest bin at the top
            dst.set_band_description(1, f"{variable} (m/yr): x = km along the line, y = decimal year")
            dst.set_band_unit(1, "m/yr")
            dst.update_tags(1, name=variable, units="m/yr", bin_days=str(bin_days))
    return path
