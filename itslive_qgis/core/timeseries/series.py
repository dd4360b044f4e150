"""Velocity time series at one point: every image pair of the pixel, and its regular inversion.

:func:`point_series` finds the datacube(s) covering a point given in any CRS (all of them at a
tile seam), and reads that pixel's full pair history by fetching only what it needs: the
consolidated metadata, the x/y coordinates, the 1-D pair metadata (acquisition dates,
``date_dt``, satellites, granule URLs, ``vx_error``/``vy_error``, ``mid_date``) and, per 3-D
variable, the one chunk column holding the pixel (``ceil(n_pairs / chunk)`` objects; with
``(20000, 10, 10)`` chunks that is one object per 20,000 pairs). Objects are fetched in three
concurrent rounds (metadata; x and y; everything else), so the time is a few network
round trips whatever the pair count (reader: :mod:`.timeseries_read`).

The pairs are cleaned exactly like :func:`itslive_qgis.core.cube.pairs.clean_pairs` (it is called
on the pixel's pairs): fill values become NaN, pairs are sorted by mid_date (stable) and
``img1 <= img2``. Pairs where the pixel has no velocity are dropped.

:func:`point_series_from_file` reads the same from a local subset file (NetCDF or Zarr with
the cubes' dims and names) or returns the regular series of an inversion result file
(dims ``time, y, x``). :func:`pair_filter_mask` and :func:`invert_point` are cheap pure
functions for an interactive plot; :func:`series_to_csv` exports pairs and inverted series.

Units: velocities and errors m/yr; dates float days since 1970-01-01; coordinates metres
in the cube's projection.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..inversion import DEFAULT_WEIGHTING
from ..io import StoreConfig, atomic_output
from ..progress import NullProgress, Progress, check_cancelled
from .model import SERIES_VARIABLES, PointSeries, RegularSeries

CSV_COLUMNS = (
    "point", "source", "epsg", "pixel_x_m", "pixel_y_m", "lon", "lat", "kind", "date_start", "date_end",
    "mid_date", "date_dt_days", "v_m_per_yr", "vx_m_per_yr", "vy_m_per_yr", "v_error_m_per_yr",
    "vx_error_m_per_yr", "vy_error_m_per_yr", "v_sigma_m_per_yr", "vx_sigma_m_per_yr",
    "vy_sigma_m_per_yr", "count", "satellite_img1", "satellite_img2", "granule_url"
)  # fmt: skip


def point_series(
    x: float,
    y: float,
    crs,
    config: StoreConfig | None = None,
    cube_urls=None,
    variables=SERIES_VARIABLES,
    progress: Progress | None = None,
    catalog=None,
) -> list[PointSeries]:
    """Pair history of the pixel under ``(x, y)`` in every covering datacube.

    Parameters
    ----------
    x, y : float
        The point in ``crs`` units (easting/longitude, northing/latitude).
    crs : int, str or pyproj.CRS
        CRS of the point (``4326``, ``"EPSG:3413"``, WKT, ...).
    config : StoreConfig, optional
        Endpoint settings; default :meth:`StoreConfig.from_env`.
    cube_urls : list of str, optional
        Cubes to read; default: every catalog cube whose tile contains the point.
    variables : sequence of str
        3-D variables to read (m/yr); absent ones are NaN.
    progress : Progress, optional
        Fractions, log lines and cancellation.
    catalog : Catalog, optional
        An already loaded catalog (default: :func:`~itslive_qgis.core.catalog.catalog.load_catalog`).

    Returns
    -------
    list of PointSeries
        One per cube whose grid holds the point (largest catalog overlap first).

    Raises
    ------
    InputError
        When no cube covers the point.
    NetworkError, DataError
        When a cube cannot be read.
    """
    from concurrent.futures import ThreadPoolExecutor

    from .read import read_pixel_series

    config = config or StoreConfig.from_env()
    progress = progress or NullProgress()
    crs = normalise_crs(crs)
    targets: list[tuple[str, int | None]]
    if cube_urls is None:
        if catalog is None:
            from ..catalog import load_catalog

            progress.log("Loading the datacube catalog")
            catalog = load_catalog(config, progress=NullProgress()).catalog
        targets = [(m.record.zarr_url, int(m.record.epsg)) for m in catalog.matches((x, y), crs)]
        if not targets:
            raise InputError(
                f"No ITS_LIVE datacube covers the point ({x:.6g}, {y:.6g}) in {crs_label(crs)}: "
                "click on a glacier inside the datacube footprints."
            )
    else:
        targets = [(str(u), None) for u in cube_urls]
    check_cancelled(progress)
    progress.log(f"Reading the pixel from {len(targets)} datacube(s)")
    done = [0]

    def one(target):
        url, epsg = target
        out = read_pixel_series(url, epsg, x, y, crs, config, tuple(variables), progress)
        done[0] += 1
        progress.report(done[0] / len(targets))
        return out

    with ThreadPoolExecutor(max_workers=min(4, len(targets))) as pool:
        found = list(pool.map(one, targets))
    check_cancelled(progress)
    series = [s for s in found if s is not None]
    if not series:
        raise InputError(
            f"The point ({x:.6g}, {y:.6g}) in {crs_label(crs)} is inside the footprint of "
            f"{len(targets)} datacube(s) but outside their grids: click further inside."
        )
    return series


def point_series_from_file(path, x: float, y: float, crs=None) -> PointSeries:
    """The pixel under ``(x, y)`` of a local subset or inversion result file.

    Parameters
    ----------
    path : str or path-like
        NetCDF (``.nc``) or Zarr (``.zarr``) file written by the subset download (dims
        ``mid_date, y, x``) or by the inversion (dims ``time, y, x``).
    x, y : float
        The point in ``crs`` units.
    crs : optional
        CRS of the point; default the file's own projection.

    Returns
    -------
    PointSeries
        With the pixel's pairs (subset file) or with no pairs and ``regular`` set (inversion file).
    """
    from .read import read_file_series

    return read_file_series(Path(path), x, y, None if crs is None else normalise_crs(crs))


def pair_filter_mask(series: PointSeries, min_dt_days=None, max_dt_days=None, satellites=None) -> np.ndarray:
    """Pairs passing the filters (bool (K,)).

    Parameters
    ----------
    min_dt_days, max_dt_days : float, optional
        Inclusive bounds on the pair separation ``date_dt`` (days).
    satellites : iterable of str, optional
        Satellites allowed for BOTH images of a pair (the rule of every pair filter, see
        :mod:`itslive_qgis.core.cube.filters`); None keeps every pair, an empty list none.
    """
    from ..cube import PairFilter

    pair_filter = PairFilter.create(
        satellites=None if satellites is None else list(satellites),
        min_interval_days=min_dt_days,
        max_interval_days=max_dt_days,
    )
    columns = {
        "date_dt": series.date_dt_days,
        "satellite_img1": series.satellite,
        "satellite_img2": series.satellite_img2,
    }
    return pair_filter.mask(columns, len(series.date_dt_days))


def invert_point(
    series: PointSeries,
    interval_days: float = 12.0,
    lam: float = 0.0,
    derivative: int = 2,
    robust: bool = False,
    weighting: str = DEFAULT_WEIGHTING,
    min_pairs: int = 3,
) -> RegularSeries | None:
    """Invert the pairs of one pixel onto a regular grid (vx and vy; speed derived).

    Parameters
    ----------
    series : PointSeries
        Pairs (already filtered).
    interval_days : float
        Grid step (days).
    lam : float
        Regularisation weight; 0 = automatic (cross-validation over images, this pixel).
    derivative : {1, 2}
        Order of the penalised time derivative.
    robust : bool
        Huber/Tukey re-weighting against outliers.
    weighting : {"errors", "none"}
        ``1 / vx_error^2`` and ``1 / vy_error^2`` (the default of every inversion), or unit weights.
    min_pairs : int
        Fewer usable pairs give None.

    Returns
    -------
    RegularSeries or None
        None when fewer than ``min_pairs`` pairs have both components.
    """
    from ..inversion import invert_pixels

    d1, d2 = np.asarray(series.d1_days, "float64"), np.asarray(series.d2_days, "float64")
    vx, vy = np.asarray(series.vx, "float64"), np.asarray(series.vy, "float64")
    use = np.isfinite(vx) & np.isfinite(vy) & np.isfinite(d1) & np.isfinite(d2) & (d2 > d1)
    sigma = None
    if weighting == "errors":
        ex, ey = np.asarray(series.vx_error, "float64"), np.asarray(series.vy_error, "float64")
        use &= np.isfinite(ex) & (ex > 0) & np.isfinite(ey) & (ey > 0)
        sigma = np.stack([ex[use], ey[use]])[:, None, :]
    elif weighting != "none":
        raise InputError(f"weighting must be 'none' or 'errors', got {weighting!r}.")
    if use.sum() < max(min_pairs, 1):
        return None
    values = np.stack([vx[use], vy[use]])[:, None, :]
    res = invert_pixels(
        values,
        d1[use],
        d2[use],
        interval_days=interval_days,
        lam=lam,
        derivative=derivative,
        sigma=sigma,
        robust=robust,
        device="cpu",
        min_pairs=min_pairs,
    )
    rvx, rvy = res.velocity[0, 0], res.velocity[1, 0]
    svx, svy = res.sigma[0, 0], res.sigma[1, 0]
    speed = np.hypot(rvx, rvy)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed_sigma = np.sqrt((rvx * svx) ** 2 + (rvy * svy) ** 2) / speed
    speed_sigma = np.where(speed > 0, speed_sigma, np.hypot(svx, svy) / np.sqrt(2.0))
    lam_used = np.asarray(res.lam, dtype="float64").ravel()
    return RegularSeries(
        edges_days=res.edges_days,
        centres_days=res.centres_days,
        v=speed,
        vx=rvx,
        vy=rvy,
        v_sigma=speed_sigma,
        vx_sigma=svx,
        vy_sigma=svy,
        count=np.asarray(res.count).reshape(-1, res.centres_days.size)[0],
        lam=float(np.nanmedian(lam_used)) if np.isfinite(lam_used).any() else float("nan"),
        n_pairs=int(np.asarray(res.n_pairs).ravel()[0]),
    )


def series_to_csv(series_list, inverted, path) -> Path:
    """Write the pairs and the regular series of several points to one CSV file (atomically).

    Parameters
    ----------
    series_list : list of PointSeries
        Points; their pairs become rows of ``kind`` ``pair``, and a series read from an
        inversion file (``regular``) rows of kind ``regular``.
    inverted : list of (RegularSeries or None), or None
        Inverted series per point (rows of kind ``inverted``).
    path : str or path-like
        Output file (``.csv``); written under a temporary name, then renamed.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"The folder {path.parent} does not exist: choose another CSV file name.")
    inverted = list(inverted) if inverted is not None else [None] * len(series_list)
    if len(inverted) != len(series_list):
        raise InputError(f"{len(series_list)} series but {len(inverted)} inverted series.")
    try:
        with atomic_output(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS)
            for number, (series, inv) in enumerate(zip(series_list, inverted), start=1):
                head = _csv_head(number, series)
                for row in _pair_rows(series):
                    writer.writerow(head + row)
                for kind, reg in (("regular", series.regular), ("inverted", inv)):
                    if reg is not None:
                        for row in _regular_rows(kind, reg):
                            writer.writerow(head + row)
    except OSError as exc:
        raise InputError(f"Could not write {path}: {exc}. Check that the folder is writable.") from exc
    return path


def days_to_iso(days) -> np.ndarray:
    """Float days since 1970-01-01 as ISO strings to the second (``''`` for NaN)."""
    d = np.asarray(days, dtype="float64")
    out = np.full(d.shape, "", dtype=object)
    ok = np.isfinite(d)
    secs = np.round(d[ok] * 86400.0).astype("int64")
    out[ok] = np.datetime_as_string(secs.astype("datetime64[s]"), unit="s")
    return out


def normalise_crs(crs):
    """An int EPSG code becomes ``"EPSG:n"``; strings and pyproj CRS objects pass through."""
    if crs is None:
        raise InputError("The point needs a CRS (e.g. 'EPSG:4326').")
    if isinstance(crs, (int, np.integer)):
        return f"EPSG:{int(crs)}"
    return crs


def crs_label(crs) -> str:
    """Short CRS name for messages."""
    text = str(crs)
    return text if len(text) < 40 else text[:37] + "..."


# --- helpers ------------------------------------------------------------------------------------


def _csv_head(number: int, s: PointSeries) -> list:
    return [number, s.source, s.epsg or "", _num(s.x_m), _num(s.y_m), _num(s.lon, 6), _num(s.lat, 6)]


def _pair_rows(s: PointSeries):
    starts, ends, mids = days_to_iso(s.d1_days), days_to_iso(s.d2_days), days_to_iso(s.mid_date_days)
    for i in range(len(s)):
        yield [
            "pair", starts[i], ends[i], mids[i], _num(s.date_dt_days[i], 4),
            _num(s.v[i]), _num(s.vx[i]), _num(s.vy[i]), _num(s.v_error[i]), _num(s.vx_error[i]),
            _num(s.vy_error[i]), "", "", "", "", s.satellite[i], s.satellite_img2[i], s.granule_url[i],
        ]  # fmt: skip


def _regular_rows(kind: str, r: RegularSeries):
    starts, ends = days_to_iso(r.edges_days[:-1]), days_to_iso(r.edges_days[1:])
    mids = days_to_iso(r.centres_days)
    for i in range(r.centres_days.size):
        yield [
            kind, starts[i], ends[i], mids[i], _num(r.edges_days[i + 1] - r.edges_days[i], 4),
            _num(r.v[i]), _num(r.vx[i]), _num(r.vy[i]), "", "", "",
            _num(r.v_sigma[i]), _num(r.vx_sigma[i]), _num(r.vy_sigma[i]), int(r.count[i]), "", "", "",
        ]  # fmt: skip


def _num(value, digits: int = 3) -> str:
    value = float(value)
    if not np.isfinite(value):
        return ""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
