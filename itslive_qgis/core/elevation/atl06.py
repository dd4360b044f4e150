"""ICESat-2 ATL06 land-ice heights: one row per along-track segment, for an extent and a date window.

An ATL06 granule (HDF5) holds six ground tracks ``gt1l gt1r gt2l gt2r gt3l gt3r``, each with a
``land_ice_segments`` group (``h_li``, ``h_li_sigma``, ``latitude``, ``longitude``,
``delta_time``, ``atl06_quality_summary``, ...) and the attribute ``atlas_beam_type``
(strong/weak); ``orbit_info/cycle_number`` and ``orbit_info/rgt`` give the 91-day cycle and the
reference ground track; ``ancillary_data/atlas_sdp_gps_epoch`` the GPS seconds of the ATLAS
epoch (2018-01-01).

Time: ``GPS time = atlas_sdp_gps_epoch + delta_time`` seconds since the GPS epoch
1980-01-06T00:00:00; ``UTC = GPS - 18 s`` (the GPS-UTC leap-second offset since 2017-01-01,
constant over the whole ICESat-2 mission so far, see :data:`GPS_UTC_LEAP_SECONDS`).

Two readers with one interface (:class:`GranuleReader`):

- local files through h5py (Debian's build: pip wheels of h5py crash QGIS);
- S3 objects through h5coro (``h5coro.H5Coro``), which reads the HDF5 structure itself and fetches
  only the byte ranges of the datasets and rows asked for, many ranges in flight, over an fsspec
  S3 filesystem made from the plugin's :class:`StoreConfig` (its endpoint, so the local mirror
  serves tests). Latitude and longitude of each beam are read first; the other datasets are read
  only over the row range that falls in the extent (a hyperslice).

``h_li`` fill values (3.4028235e+38, the dataset's ``_FillValue``) never reach the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError, InputError, MissingDependencyError
from ..progress import check_cancelled

BEAMS = ("gt1l", "gt1r", "gt2l", "gt2r", "gt3l", "gt3r")
#: GPS - UTC in seconds since 2017-01-01 (no leap second has been added since)
GPS_UTC_LEAP_SECONDS = 18
GPS_EPOCH = np.datetime64("1980-01-06T00:00:00", "ns")
#: values at or above this are fill (ATL06 _FillValue 3.4028235e+38)
FILL_THRESHOLD = 3.0e38
#: h5coro's cache line: every uncached read fetches this many bytes around it. h5coro's default
#: 4 MiB: at 50 ms per request the number of (mostly sequential) requests decides, not the bytes
#: (bench/bench_icesat2.py: 112 MB granule, 20 km extent: 4 MiB 58 GETs 54 MB 8.2 s; 1 MiB 73 GETs
#: 29 MB 11.6 s; 256 KiB 120 GETs 20 MB 15.9 s)
CACHE_LINE_BYTES = 4 << 20
#: the segment datasets read per beam (relative to ``<beam>/land_ice_segments``)
SEGMENT_DATASETS = ("longitude", "h_li", "h_li_sigma", "delta_time", "atl06_quality_summary", "segment_id")
COLUMNS = (
    "longitude",
    "latitude",
    "h_li",
    "h_li_sigma",
    "time",
    "beam",
    "strong",
    "cycle",
    "rgt",
    "quality",
    "segment_id",
    "granule",
)
_NAME = re.compile(r"ATL06_(\d{14})_(\d{4})(\d{2})(\d{2})_(\d{3})_(\d{2})")


@dataclass(frozen=True)
class HeightQuery:
    """What to read: an extent (lon/lat degrees), a UTC date window, beams and the quality filter.

    ``bbox`` is ``(west, south, east, north)`` in degrees (EPSG:4326) or None for all;
    ``start``/``end`` are ``numpy.datetime64``-compatible (inclusive) or None;
    ``beams``: ``"all"`` or ``"strong"``; ``quality_only``: keep ``atl06_quality_summary == 0``.
    """

    bbox: tuple[float, float, float, float] | None = None
    start: object = None
    end: object = None
    beams: str = "all"
    quality_only: bool = True

    def __post_init__(self):
        if self.beams not in ("all", "strong"):
            raise InputError(f"BEAMS must be 'all' or 'strong', not {self.beams!r}.")
        if self.bbox is not None:
            w, s, e, n = (float(v) for v in self.bbox)
            if not (s < n and -90 <= s and n <= 90 and w < e):
                raise InputError(
                    f"The extent {self.bbox} is empty or not in degrees (west, south, east, north)."
                )
        if self.start is not None and self.end is not None and _dt(self.start) > _dt(self.end):
            raise InputError(f"START_DATE {self.start} is after END_DATE {self.end}.")


class GranuleReader:
    """Reads datasets (optionally a row range) and group attributes of one granule."""

    name = ""

    def read(self, paths: list[str], rows: dict | None = None) -> dict[str, np.ndarray]:
        """``{path: array}``; ``rows[path] = (start, stop)`` reads only those rows of a 1-D dataset."""
        raise NotImplementedError

    def attrs(self, group: str) -> dict[str, str]:
        """String attributes of ``group``."""
        raise NotImplementedError

    def attrs_of(self, groups: list[str]) -> dict[str, dict[str, str]]:
        """:meth:`attrs` of several groups (concurrently where the reader is remote)."""
        return {g: self.attrs(g) for g in groups}

    def groups(self) -> set[str]:
        """Top-level group names."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the file or connection."""


class H5pyReader(GranuleReader):
    """A local granule through h5py (a path, or a file-like object holding the whole file)."""

    def __init__(self, path):
        try:
            import h5py
        except ImportError as exc:
            raise MissingDependencyError(
                "h5py is not installed: it reads local ICESat-2 files (Debian: apt install python3-h5py)."
            ) from exc
        self.name = Path(path).name if isinstance(path, str | Path) else "granule in memory"
        try:
            self._file = h5py.File(path, "r")
        except OSError as exc:
            raise DataError(f"{path} is not a readable HDF5 file ({exc}): download it again.") from exc

    def read(self, paths, rows=None):
        out = {}
        for path in paths:
            try:
                dset = self._file[path]
                span = (rows or {}).get(path)
                out[path] = dset[span[0] : span[1]] if span is not None and dset.ndim == 1 else dset[()]
            except (OSError, KeyError) as exc:
                raise DataError(
                    f"{self.name}: the dataset {path} could not be read ({exc}): the file is damaged or "
                    "not an ATL06 granule; download it again."
                ) from exc
        return out

    def attrs(self, group):
        return {k: _text(v) for k, v in self._file[group].attrs.items()}

    def groups(self):
        return set(self._file)

    def close(self):
        self._file.close()


class H5coroReader(GranuleReader):
    """An S3 granule through h5coro over an fsspec filesystem (only the byte ranges needed)."""

    def __init__(self, url: str, fs, cache_line_bytes: int = CACHE_LINE_BYTES):
        try:
            from h5coro import h5coro
        except ImportError as exc:
            raise MissingDependencyError(
                "h5coro is not installed: it reads ICESat-2 granules on S3 "
                "(itslive:installdependencies SETS=icesat2, or pip install h5coro==1.0.7)."
            ) from exc
        self.name = url.rsplit("/", 1)[-1]
        self.url = url
        key = url.split("://", 1)[-1]
        self._h5 = h5coro.H5Coro(
            key, fsspec_driver(fs), cacheLineSize=int(cache_line_bytes), errorChecking=True, verbose=False
        )
        self._groups: set[str] | None = None

    def read(self, paths, rows=None):
        rows = rows or {}
        table = [{"dataset": p, "hyperslice": [list(rows[p])] if p in rows else []} for p in paths]
        promise = self._h5.readDatasets(table, block=True)
        out = {}
        for p in paths:
            value = promise[p]
            if value is None:
                raise DataError(
                    f"{self.url}: the dataset {p} could not be read (missing or damaged granule)."
                )
            out[p] = np.asarray(value)
        return out

    def attrs(self, group):
        _, attributes, _ = self._h5.inspectPath(group, w_attr=True)
        return {k: _text(v) for k, v in attributes.items()}

    def attrs_of(self, groups):
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, len(groups))) as pool:
            return dict(zip(groups, pool.map(self.attrs, groups), strict=True))

    def groups(self):
        if self._groups is None:
            links, _, _ = self._h5.inspectPath("/", w_attr=False)
            self._groups = set(links)
        return self._groups

    def close(self):
        self._h5.close()


def fsspec_driver(fs):
    """An h5coro driver class reading ``bucket/key`` byte ranges through the fsspec filesystem ``fs``.

    h5coro's own S3 driver builds a boto3 client for AWS only (no endpoint, no retries we count);
    this one goes through the filesystem the plugin configured, so the endpoint and its
    confinement are the plugin's. h5coro calls ``read`` from many threads at once.
    """

    class FsspecDriver:
        def __init__(self, resource, credentials=None):
            self.resource = resource
            self.cached_credentials = credentials

        def read(self, pos, size):
            return fs.cat_file(self.resource, start=int(pos), end=int(pos) + int(size))

        def copy(self, max_connections=None):
            return FsspecDriver(self.resource, self.cached_credentials)

        def close(self):
            pass

    return FsspecDriver


def read_heights(readers, query: HeightQuery, progress=None):
    """A pandas DataFrame of the segments of ``readers`` (granules) that ``query`` selects.

    Columns :data:`COLUMNS`: ``longitude``/``latitude`` (degrees), ``h_li`` and ``h_li_sigma``
    (metres above the WGS84 ellipsoid), ``time`` (UTC, datetime64[ns]), ``beam`` (gt1l..gt3r),
    ``strong`` (bool), ``cycle``, ``rgt``, ``quality`` (``atl06_quality_summary``, 0 = good),
    ``segment_id``, ``granule`` (file name). Rows are ordered by granule, beam, time.
    """
    import pandas as pd

    frames = []
    readers = list(readers)
    for i, reader in enumerate(readers):
        check_cancelled(progress)
        frames.append(read_granule(reader, query))
        if progress is not None:
            progress.report((i + 1) / max(len(readers), 1))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: [] for c in COLUMNS})
    return pd.concat(frames, ignore_index=True)


def read_granule(reader: GranuleReader, query: HeightQuery):
    """The segments of one granule selected by ``query`` (see :func:`read_heights`).

    Two rounds of reads, each over all beams at once (h5coro reads the datasets of a round
    concurrently): the metadata and every beam's latitude, then longitude and the other datasets
    over the row range whose latitudes fall in the extent (a track crosses a latitude band once
    in a granule: ATL06 regions are cut at the orbit's turning latitudes), filtered by longitude
    afterwards.
    """
    import pandas as pd

    groups = reader.groups()
    beams = [b for b in BEAMS if b in groups]
    if "ancillary_data" not in groups or not beams:
        raise DataError(f"{reader.name} is not an ATL06 granule (no ground-track groups gt1l..gt3r).")
    types = reader.attrs_of(beams)
    strong = {b: types[b].get("atlas_beam_type", "").lower() == "strong" for b in beams}
    if query.beams == "strong":
        beams = [b for b in beams if strong[b]]
    meta_paths = ["ancillary_data/atlas_sdp_gps_epoch", "orbit_info/cycle_number", "orbit_info/rgt"]
    pos_paths = [f"{b}/land_ice_segments/latitude" for b in beams]
    first = reader.read(meta_paths + pos_paths)
    epoch_s = float(np.ravel(first[meta_paths[0]])[0])
    cycle = int(np.ravel(first[meta_paths[1]])[0])
    rgt = int(np.ravel(first[meta_paths[2]])[0])
    spans, inside = {}, {}
    for b in beams:
        lat = first[f"{b}/land_ice_segments/latitude"].astype(float)
        band = (
            np.ones(lat.shape, bool)
            if query.bbox is None
            else (lat >= query.bbox[1]) & (lat <= query.bbox[3])
        )
        rows = np.flatnonzero(band)
        if rows.size:
            spans[b] = (int(rows[0]), int(rows[-1]) + 1)
            inside[b] = lat
    paths = [f"{b}/land_ice_segments/{d}" for b in spans for d in SEGMENT_DATASETS]
    data = reader.read(paths, rows={p: spans[p.split("/", 1)[0]] for p in paths}) if paths else {}
    frames = []
    for b, (i0, i1) in spans.items():
        lat = inside[b][i0:i1]
        beam_data = {d: np.asarray(data[f"{b}/land_ice_segments/{d}"]) for d in SEGMENT_DATASETS}
        lon = beam_data["longitude"].astype(float)
        mask = np.ones(lat.shape, bool) if query.bbox is None else _in_bbox(lon, lat, query.bbox)
        cols = _select(beam_data, lat, lon, mask, query, epoch_s)
        if cols is None:
            continue
        n = len(cols["h_li"])
        cols.update(beam=[b] * n, strong=np.full(n, strong[b]), cycle=np.full(n, cycle), rgt=np.full(n, rgt))
        cols["granule"] = [reader.name] * n
        frames.append(pd.DataFrame({c: cols[c] for c in COLUMNS}))
    if not frames:
        return pd.DataFrame({c: [] for c in COLUMNS})
    return pd.concat(frames, ignore_index=True)


def _select(data, lat, lon, inside, query, epoch_s):
    """The columns of the segments of one beam's row range that ``query`` keeps (None if none)."""
    h = data["h_li"].astype(float)
    sigma = data["h_li_sigma"].astype(float)
    quality = data["atl06_quality_summary"].astype(int)
    time = gps_to_utc(epoch_s, data["delta_time"].astype(float))
    keep = inside & (np.abs(h) < FILL_THRESHOLD)
    if query.quality_only:
        keep &= quality == 0
    if query.start is not None:
        keep &= time >= _dt(query.start)
    if query.end is not None:
        keep &= time <= _end_of(query.end)
    if not keep.any():
        return None
    sigma = np.where(np.abs(sigma) < FILL_THRESHOLD, sigma, np.nan)
    return {
        "longitude": lon[keep],
        "latitude": lat[keep],
        "h_li": h[keep],
        "h_li_sigma": sigma[keep],
        "time": time[keep],
        "quality": quality[keep],
        "segment_id": data["segment_id"].astype(np.int64)[keep],
    }


def gps_to_utc(atlas_sdp_gps_epoch_s: float, delta_time_s) -> np.ndarray:
    """UTC datetime64[ns] of ``atlas_sdp_gps_epoch + delta_time`` GPS seconds (minus the 18 leap seconds)."""
    seconds = float(atlas_sdp_gps_epoch_s) + np.asarray(delta_time_s, float) - GPS_UTC_LEAP_SECONDS
    return GPS_EPOCH + np.round(seconds * 1e9).astype("int64").astype("timedelta64[ns]")


def granule_time(name: str):
    """(UTC start from the file name ATL06_YYYYMMDDhhmmss_..., rgt, cycle) or None for another name."""
    m = _NAME.search(name)
    if not m:
        return None
    t = m.group(1)
    stamp = np.datetime64(f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}", "ns")
    return stamp, int(m.group(2)), int(m.group(3))


def _in_bbox(lon, lat, bbox):
    w, s, e, n = bbox
    lon = ((lon - w) % 360.0) + w  # an extent crossing the antimeridian has east > 180
    return (lat >= s) & (lat <= n) & (lon >= w) & (lon <= e)


def _dt(value):
    return np.datetime64(value, "ns")


def _end_of(value):
    """An end date without a time means the whole day."""
    end = np.datetime64(value, "ns")
    if isinstance(value, str) and len(value.strip()) <= 10:
        end = end + np.timedelta64(1, "D") - np.timedelta64(1, "ns")
    return end


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        value = value.ravel()[0] if value.size else ""
        return _text(value)
    return str(value)
