"""The values of a point's velocity history: its image pairs and a regular series.

Shared by the readers (:mod:`.timeseries_read`) and the functions on series (:mod:`.timeseries`).
Units: velocities and errors m/yr; dates float days since 1970-01-01; coordinates metres in
the source projection.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

#: 3-D variables read by default (m/yr).
SERIES_VARIABLES = ("v", "vx", "vy", "v_error")
#: 1-D pair metadata read with every series (satellite_img2 is needed to clean swapped pairs).
PAIR_METADATA = (
    "acquisition_date_img1",
    "acquisition_date_img2",
    "date_dt",
    "satellite_img1",
    "satellite_img2",
    "granule_url",
    "vx_error",
    "vy_error",
)


@dataclass
class RegularSeries:
    """A velocity series on a regular time grid (an inversion, computed or read from a file).

    Attributes
    ----------
    edges_days, centres_days : numpy.ndarray
        Step edges (T+1) and centres (T), days since 1970-01-01.
    v, vx, vy : numpy.ndarray (T,)
        Speed and components, m/yr; NaN where not reported.
    v_sigma, vx_sigma, vy_sigma : numpy.ndarray (T,)
        Posterior 1-sigma, m/yr.
    count : numpy.ndarray (T,)
        Pairs overlapping each step.
    lam : float
        Regularisation weight used (NaN when unknown, e.g. read from a file).
    n_pairs : int
        Pairs used (0 when unknown).
    """

    edges_days: np.ndarray
    centres_days: np.ndarray
    v: np.ndarray
    vx: np.ndarray
    vy: np.ndarray
    v_sigma: np.ndarray
    vx_sigma: np.ndarray
    vy_sigma: np.ndarray
    count: np.ndarray
    lam: float = float("nan")
    n_pairs: int = 0

    def component(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(values, sigma)`` of ``"v"``, ``"vx"`` or ``"vy"`` (m/yr)."""
        return getattr(self, name), getattr(self, f"{name}_sigma")


@dataclass
class PointSeries:
    """The image pairs of one pixel of one datacube (or subset file), cleaned and sorted.

    Attributes
    ----------
    source : str
        Cube URL (as in the catalog) or file path.
    epsg : int or None
        EPSG code of the source grid.
    x_m, y_m : float
        Centre of the pixel in the source projection (metres).
    col, row : int
        Pixel indices in the source grid (row counted along the stored, descending y).
    lon, lat : float
        Pixel centre in degrees (NaN when the CRS is unknown).
    mid_date_days, d1_days, d2_days, date_dt_days : numpy.ndarray (K,)
        Pair centre, first and second acquisition date (days since 1970-01-01; d1 <= d2) and
        separation (days).
    v, vx, vy, v_error : numpy.ndarray (K,)
        Pair speed, components and speed error at the pixel, m/yr (NaN = missing).
    vx_error, vy_error : numpy.ndarray (K,)
        Per-pair component errors, m/yr.
    satellite, satellite_img2 : numpy.ndarray of str (K,)
        Satellites of image 1 and 2 (``'8'``, ``'2A'``, ...).
    granule_url : numpy.ndarray of str (K,)
        Source granule of each pair.
    n_pairs_total : int
        Pairs in the source (before dropping pairs without a value at the pixel).
    requests : int
        Objects fetched to build the series (0 for local files).
    regular : RegularSeries or None
        The series read from an inversion result file (then there are no pairs).
    """

    source: str
    epsg: int | None
    x_m: float
    y_m: float
    col: int
    row: int
    lon: float
    lat: float
    mid_date_days: np.ndarray
    d1_days: np.ndarray
    d2_days: np.ndarray
    date_dt_days: np.ndarray
    v: np.ndarray
    vx: np.ndarray
    vy: np.ndarray
    v_error: np.ndarray
    vx_error: np.ndarray
    vy_error: np.ndarray
    satellite: np.ndarray
    satellite_img2: np.ndarray
    granule_url: np.ndarray
    n_pairs_total: int = 0
    requests: int = 0
    regular: RegularSeries | None = None
    info: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.mid_date_days.size)

    @property
    def name(self) -> str:
        """Short source name (cube tile or file name, without extension)."""
        base = self.source.rstrip("/").rsplit("/", 1)[-1]
        for suffix in (".zarr", ".nc", ".nc4"):
            if base.endswith(suffix):
                base = base[: -len(suffix)]
        return base

    @property
    def label(self) -> str:
        """Legend text: EPSG and pixel centre."""
        where = (
            f"{self.lat:.4f}N {self.lon:.4f}E" if np.isfinite(self.lat) else f"{self.x_m:.0f}, {self.y_m:.0f}"
        )
        return f"{where} (EPSG:{self.epsg}, x {self.x_m:.1f} y {self.y_m:.1f})"

    def subset(self, mask) -> PointSeries:
        """A copy keeping the pairs where ``mask`` (bool (K,) or indices) is true."""
        arrays = {name: getattr(self, name)[mask] for name in _PAIR_ARRAYS}
        return replace(self, **arrays)

    def to_frame(self):
        """The pairs as a geopandas GeoDataFrame: one row per pair at the pixel centre (source CRS).

        Columns: ``mid_date``, ``date_start``, ``date_end`` (datetime64), ``date_dt_days``,
        ``v``, ``vx``, ``vy``, ``v_error``, ``vx_error``, ``vy_error`` (m/yr), ``satellite_img1``,
        ``satellite_img2``, ``granule_url``.
        """
        from shapely.geometry import Point

        from ..io import geodataframe

        def dates(days):
            return (np.asarray(days, "float64") * 86400e9).astype("int64").astype("datetime64[ns]")

        columns = {
            "mid_date": dates(self.mid_date_days),
            "date_start": dates(self.d1_days),
            "date_end": dates(self.d2_days),
            "date_dt_days": self.date_dt_days,
            **{n: getattr(self, n) for n in ("v", "vx", "vy", "v_error", "vx_error", "vy_error")},
            "satellite_img1": self.satellite,
            "satellite_img2": self.satellite_img2,
            "granule_url": self.granule_url,
        }
        rows = [dict(zip(columns, values)) for values in zip(*columns.values())]
        point = Point(self.x_m, self.y_m)
        return geodataframe(rows, [point] * len(rows), f"EPSG:{self.epsg}" if self.epsg else None)

    def satellites(self) -> list[str]:
        """Distinct satellites of image 1 and 2, sorted (Landsat numbers first)."""
        names = set(np.asarray(self.satellite).astype(str)) | set(np.asarray(self.satellite_img2).astype(str))
        return sort_satellites(n for n in names if n.strip())


_PAIR_ARRAYS = (
    "mid_date_days", "d1_days", "d2_days", "date_dt_days", "v", "vx", "vy", "v_error", "vx_error",
    "vy_error", "satellite", "satellite_img2", "granule_url"
)  # fmt: skip


def sort_satellites(names) -> list[str]:
    """Satellite codes sorted: Landsat numbers (4, 5, 7, 8, 9) first, then Sentinel (1A, ..., 2B)."""
    return sorted(
        {str(n).strip() for n in names}, key=lambda s: (not s.isdigit(), int(s) if s.isdigit() else 0, s)
    )
