"""Download a clean subset of ITS_LIVE datacubes: an area, a time window, some variables.

Public API: :func:`estimate_subset` (what would be downloaded) and :func:`subset_cubes`
(download and write one CF-1.8 NetCDF4 or Zarr file). Semantics:

* pairs: see :mod:`itslive_qgis.core.subset.pairs` (time window both dates inclusive;
  cleaned like :func:`itslive_qgis.core.cube.pairs.clean_pairs`; filters on the cleaned
  pairs; union of pairs across tiles); ``max_v_error_m_per_yr`` is applied per pixel
  and pair: v, vx, vy, v_error (and va, vr) become NaN where v_error exceeds it, pairs
  are kept;
* grid: cells of the 120 m grid that touch the area (cells outside a polygon are NaN,
  chunks wholly outside it are not read); tiles of one projection are joined on their
  common grid; other projections are resampled onto the target grid (default: the
  projection of the tile covering most of the area) with vx/vy rotated into the
  target axes (see :mod:`itslive_qgis.core.subset.grid`). Where tiles overlap, the
  first tile in ``cube_urls`` order that has a value wins;
* reading: only the chunks that hold selected pixels and pairs, each once, many in
  flight (zarr over s3fs, anonymous), cached under ``config.cache_dir/chunks`` so an
  interrupted run resumes (see :mod:`itslive_qgis.core.zstore`); blocks of the
  output are assembled and written while later chunks still download;
* writing: NetCDF4 (zlib, chunks compressed on all cores) or Zarr v2, under a temporary
  name then renamed; memory stays near ``max_memory_bytes`` (blocks of all pairs x a
  few cells). Equal inputs give byte-identical files (set ``SOURCE_DATE_EPOCH`` to fix
  the creation time).
"""

from __future__ import annotations

import datetime as _dt
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..cube import DEFAULT_VARIABLES, PairFilter
from ..errors import CancelledError, InputError
from ..geo import Area
from ..io import (
    FetchStats,
    StoreConfig,
    check_output,
    confine_url,
    describe_stats,
    is_remote,
    start,
    stop,
    to_s3_url,
    wait,
)
from ..progress import NullProgress, Progress, SubProgress
from .prepare import CubeInput, prepare_cubes

DEFAULT_MAX_MEMORY_BYTES = 2 * 1024**3
DEFAULT_MAX_WORKERS = 32
_EPOCH_DATE = _dt.date(1970, 1, 1)
OUTPUT_SUFFIXES = {".nc": "netcdf", ".nc4": "netcdf", ".netcdf": "netcdf", ".zarr": "zarr"}


@dataclass
class SubsetPlan:
    """What a subset will read and write (shown to the user before downloading).

    Attributes
    ----------
    cube_urls : list of str
        Cubes that contribute pixels (URLs as given).
    target_crs : str
        Output CRS (``EPSG:xxxx`` or WKT).
    resampling : str
        ``"none (shared grid)"``, ``"nearest"`` or ``"bilinear"``.
    n_pairs : int
        Image pairs in the output.
    ny, nx : int
        Output grid rows and columns (120 m cells).
    n_pixels : int
        Output cells that touch the area.
    variables : list of str
        Output variables.
    n_chunks, n_bytes : int
        Zarr chunks to read (compressed object sizes, bytes), metadata chunks included.
    n_chunks_cached, n_bytes_cached : int
        Of those, already in the chunk cache from an earlier run.
    n_chunks_absent : int
        Chunks the stores never wrote (read as fill values, not requested).
    output_bytes : int
        Uncompressed size of the gridded output (float32), bytes.
    """

    cube_urls: list
    target_crs: str
    resampling: str
    n_pairs: int
    ny: int
    nx: int
    n_pixels: int
    variables: list
    n_chunks: int
    n_bytes: int
    n_chunks_cached: int
    n_bytes_cached: int
    n_chunks_absent: int
    output_bytes: int
    stats: dict = field(default_factory=dict)
    #: the planned cubes (stores, placements, selected pairs, chunk keys), for the download itself
    cubes: list = field(default_factory=list, repr=False)
    #: the parsed request
    query: dict = field(default_factory=dict, repr=False)

    def summary(self) -> str:
        """One paragraph for the user's log."""
        to_get = self.n_bytes - self.n_bytes_cached
        absent = (
            f"; {self.n_chunks_absent} chunks were never written by the store (empty: read as fill values)"
            if self.n_chunks_absent
            else ""
        )
        return (
            f"{self.n_pairs} image pairs x {self.ny} x {self.nx} cells ({self.n_pixels} in the area) from "
            f"{len(self.cube_urls)} datacube(s), CRS {self.target_crs}, resampling {self.resampling}; "
            f"{self.n_chunks} chunks, {_mb(self.n_bytes)}, of which {self.n_chunks_cached} chunks "
            f"({_mb(self.n_bytes_cached)}) are already on this computer (the pair metadata just read for "
            f"this estimate, and chunks kept by earlier runs): {_mb(to_get)} to download{absent}; "
            f"output about {_mb(self.output_bytes)} uncompressed."
        )


@dataclass
class SubsetResult:
    """A written subset: where it is, what it holds, what it cost."""

    path: Path
    plan: SubsetPlan
    stats: dict
    elapsed_s: float

    @property
    def n_pairs(self) -> int:
        """Image pairs in the file."""
        return self.plan.n_pairs


def estimate_subset(
    cube_urls,
    area,
    area_crs,
    start_date: str,
    end_date: str,
    variables=None,
    satellites=None,
    missions=None,
    min_interval_days: float | None = None,
    max_interval_days: float | None = None,
    min_roi_valid_percentage: float | None = None,
    max_v_error_m_per_yr: float | None = None,
    target_crs=None,
    resampling: str = "nearest",
    config: StoreConfig | None = None,
    progress: Progress | None = None,
    max_workers: int = DEFAULT_MAX_WORKERS,
    allow_other_hosts: bool = False,
) -> SubsetPlan:
    """Plan a subset without downloading velocities.

    Reads each cube's ``.zmetadata``, x/y and the 1-D pair metadata needed for the
    selection (mid_date, acquisition dates, satellites, ...; cached for the download),
    and lists the sizes of the chunks to read. Parameters as :func:`subset_cubes`.

    Returns
    -------
    SubsetPlan
    """
    query = _query(
        cube_urls,
        area,
        area_crs,
        start_date,
        end_date,
        variables,
        satellites,
        missions,
        min_interval_days,
        max_interval_days,
        min_roi_valid_percentage,
        max_v_error_m_per_yr,
        target_crs,
        resampling,
    )
    return _plan(
        query, area, config, progress, max_workers, FetchStats(), threading.Event(), allow_other_hosts
    )


def subset_cubes(
    cube_urls,
    area,
    area_crs,
    start_date: str,
    end_date: str,
    variables=None,
    satellites=None,
    missions=None,
    min_interval_days: float | None = None,
    max_interval_days: float | None = None,
    min_roi_valid_percentage: float | None = None,
    max_v_error_m_per_yr: float | None = None,
    target_crs=None,
    resampling: str = "nearest",
    output_path=None,
    config: StoreConfig | None = None,
    progress: Progress | None = None,
    max_memory_bytes: int = DEFAULT_MAX_MEMORY_BYTES,
    max_workers: int = DEFAULT_MAX_WORKERS,
    keep_chunk_cache: bool = False,
    max_download_bytes: float | None = None,
    allow_other_hosts: bool = False,
) -> SubsetResult:
    """Download the pairs of ``cube_urls`` over ``area`` and write one clean file.

    Parameters
    ----------
    cube_urls : str or list of str
        Datacube URLs (``s3://``, ITS_LIVE ``http(s)://`` URLs mapped onto the configured
        endpoint, or local paths), e.g. from the catalog.
    area : shapely geometry or (xmin, ymin, xmax, ymax)
        The area; cells of 120 m that touch it are kept.
    area_crs : str, int or pyproj.CRS
        CRS of ``area`` (any; e.g. ``"EPSG:4326"``).
    start_date, end_date : str
        ``YYYY-MM-DD``; pairs whose mid_date falls on these days or between are kept.
    variables : list of str, optional
        Output variables; default :data:`itslive_qgis.core.cube.pairs.DEFAULT_VARIABLES`.
    satellites : list of str, optional
        Keep pairs whose two images are from these satellites ('8', 'L9', '2A', ...; see
        :mod:`itslive_qgis.core.cube.filters`).
    missions : list of str, optional
        Keep pairs whose two images are from these missions ('L' Landsat, 'S' Sentinel).
    min_interval_days, max_interval_days : float, optional
        Bounds on date_dt (days), inclusive.
    min_roi_valid_percentage : float, optional
        Lowest roi_valid_percentage (percent) kept.
    max_v_error_m_per_yr : float, optional
        Per pixel and pair: velocities with v_error above this (m/yr) become NaN.
    target_crs : optional
        Output CRS when tiles of several projections are involved; default the
        projection of the tile covering most of the area.
    resampling : str
        ``"nearest"`` or ``"bilinear"`` for tiles in another projection than the output.
    output_path : str or Path
        ``.nc`` (NetCDF4, zlib) or ``.zarr``; written under a temporary name, then renamed.
    config : StoreConfig, optional
        Endpoint, retries, timeouts, cache folder; default :meth:`StoreConfig.from_env`.
    progress : Progress, optional
        Progress (fraction of bytes, then of blocks written) and cancellation.
    max_memory_bytes : int
        Memory budget of the assembly; larger subsets are streamed block by block.
    max_workers : int
        Requests in flight.
    keep_chunk_cache : bool
        Keep the downloaded chunks after success (they are always kept on failure or
        cancellation, so a re-run resumes).
    max_download_bytes : float, optional
        Size budget: refuse (after the estimate, before reading velocities) when the bytes
        to download or the uncompressed output exceed it; None means no limit.
    allow_other_hosts : bool
        Read cube URLs on hosts other than the configured store (see :func:`store.confine_url`);
        by default they are refused.

    Returns
    -------
    SubsetResult

    Raises
    ------
    InputError
        Bad area, dates, variables, filters, output path; no pairs; area outside the cubes.
    NetworkError
        A request still failed after ``config.retries`` attempts.
    CancelledError
        ``progress`` asked to stop (no file is written; downloaded chunks are kept).
    """
    t0 = time.monotonic()
    output_path = _check_output(output_path)
    progress = progress or NullProgress()
    query = _query(
        cube_urls,
        area,
        area_crs,
        start_date,
        end_date,
        variables,
        satellites,
        missions,
        min_interval_days,
        max_interval_days,
        min_roi_valid_percentage,
        max_v_error_m_per_yr,
        target_crs,
        resampling,
    )
    stats = FetchStats()
    cancel = threading.Event()
    plan = _plan(
        query, area, config, SubProgress(progress, 0.0, 0.05), max_workers, stats, cancel, allow_other_hosts
    )
    progress.log(plan.summary())
    check_size_budget(plan, max_download_bytes)
    stats.chunks_missing = plan.n_chunks_absent
    from .output import build_output

    download = _Download(plan.cubes, SubProgress(progress, 0.05, 0.85), max_workers)
    try:  # the pair metadata of the output is read while the gridded chunks already download
        out = build_output(plan, query, max_memory_bytes, progress)
    except BaseException:
        download.stop()
        raise
    _download_and_write(out, download, output_path, cancel, progress)
    if not keep_chunk_cache:
        for cube in plan.cubes:
            for key in cube.data_keys + cube.meta_keys:
                cube.store.drop_cached(key)
    progress.report(1.0)
    elapsed = time.monotonic() - t0
    progress.log(
        f"Wrote {output_path} in {elapsed:.1f} s: {stats.chunks_fetched} chunks downloaded "
        f"({_mb(stats.bytes_fetched)}), {stats.chunks_from_cache} reused from the chunk cache "
        f"({Path(_config(config).cache_dir) / 'chunks'}); {describe_stats(stats)}."
    )
    return SubsetResult(path=output_path, plan=plan, stats=stats.as_dict(), elapsed_s=elapsed)


def subset_layout(
    cube_urls,
    area,
    area_crs,
    start_date: str,
    end_date: str,
    variables=None,
    satellites=None,
    missions=None,
    min_interval_days: float | None = None,
    max_interval_days: float | None = None,
    min_roi_valid_percentage: float | None = None,
    max_v_error_m_per_yr: float | None = None,
    target_crs=None,
    resampling: str = "nearest",
    config: StoreConfig | None = None,
    progress: Progress | None = None,
    max_memory_bytes: int = DEFAULT_MAX_MEMORY_BYTES,
    max_workers: int = DEFAULT_MAX_WORKERS,
    allow_other_hosts: bool = False,
):
    """The plan and the output of a subset before any velocity is read: ``(SubsetPlan, OutputPlan)``.

    The same steps as :func:`subset_cubes` up to the download (parameters as there): the
    OutputPlan holds the small part of the output (coordinates, pair metadata, attributes),
    its gridded variables and the block assembler (``plan_out.assembler(ys, xs)`` reads and
    assembles one block). Used by the cluster (core.cluster.subset), whose workers each plan
    the same subset and assemble their own blocks.
    """
    query = _query(
        cube_urls,
        area,
        area_crs,
        start_date,
        end_date,
        variables,
        satellites,
        missions,
        min_interval_days,
        max_interval_days,
        min_roi_valid_percentage,
        max_v_error_m_per_yr,
        target_crs,
        resampling,
    )
    progress = progress or NullProgress()
    plan = _plan(
        query, area, config, progress, max_workers, FetchStats(), threading.Event(), allow_other_hosts
    )
    from .output import build_output

    return plan, build_output(plan, query, max_memory_bytes, progress)


# -- helpers ------------------------------------------------------------------------------------------
class _Download:
    """The planned pair and gridded chunks of every cube coming into the cache, in the background.

    Requests start at once, ``max_workers`` in flight, in plan order (pair metadata, then the
    gridded chunks by spatial chunk: the assembly order). Progress is the fraction of bytes done
    (cached chunks count as done).
    """

    def __init__(self, cubes, progress: Progress, max_workers: int):
        import asyncio

        self.cubes = cubes
        self.progress = progress
        jobs = [(cube, cube.pair_keys + cube.grid_keys) for cube in cubes]
        self.total = sum(cube.size(k) for cube, keys in jobs for k in keys) or 1
        self.done = 0

        def note(cube):
            def mark(key):
                self.done += cube.size(key)

            return mark

        async def fetch_all():
            await asyncio.gather(
                *(cube.store.prefetch(keys, max_workers, note(cube)) for cube, keys in jobs if keys)
            )

        self.future = start(fetch_all())

    def wait(self, failure: list) -> None:
        """Until every chunk is in; cancellation and a writer failure are checked every 0.1 s.

        No request is started after either; those in flight may finish writing their chunk
        (at most ~0.5 s), then the error is raised.
        """

        def poll():
            self.progress.report(self.done / self.total)
            if self.progress.is_cancelled():
                raise CancelledError("Cancelled by the user.")
            if failure:
                raise failure[0]

        wait(self.future, poll=poll, on_cancel=self._cancel)
        self.progress.report(1.0)

    def stop(self) -> None:
        """Stop the download (an error elsewhere)."""
        stop(self.future, self._cancel)

    def _cancel(self) -> None:
        for cube in self.cubes:
            cube.store.cancel.set()


def _download_and_write(out, download: _Download, output_path, cancel, progress) -> None:
    """Fetch the gridded chunks while a writer thread assembles and writes the blocks they complete.

    The main thread owns the progress (bytes downloaded, then blocks written); the writer reads
    each chunk through the cube's store, which waits for a chunk in flight rather than fetching
    it twice, so download and assembly overlap.
    """
    writer_progress = _WriterProgress(progress)
    failure: list[BaseException] = []

    def write() -> None:
        try:
            out.write(output_path, writer_progress)
        except BaseException as exc:  # handed to the main thread
            failure.append(exc)

    thread = threading.Thread(target=write, name="itslive-subset-writer", daemon=True)
    thread.start()
    try:
        download.wait(failure)
    except BaseException:
        cancel.set()
        thread.join(timeout=0.8)
        raise
    while thread.is_alive():
        thread.join(timeout=0.1)
        progress.report(0.85 + 0.15 * writer_progress.fraction)
        if progress.is_cancelled():
            cancel.set()
    if failure:
        raise failure[0]


class _WriterProgress(NullProgress):
    """The writer thread's progress: cancellation and log lines pass through, fractions are kept."""

    def __init__(self, parent: Progress):
        self.parent = parent
        self.fraction = 0.0

    def report(self, fraction: float) -> None:
        self.fraction = fraction

    def is_cancelled(self) -> bool:
        return self.parent.is_cancelled()

    def log(self, message: str) -> None:
        self.parent.log(message)


def _config(config: StoreConfig | None) -> StoreConfig:
    return config or StoreConfig.from_env()


def _plan(query, area, config, progress, max_workers, stats, cancel, allow_other_hosts=False) -> SubsetPlan:
    config = _config(config)
    query["s3_urls"] = [confine_url(u, config, allow_other_hosts, "cube_urls") for u in query["cube_urls"]]
    progress = progress or NullProgress()
    cubes: list[CubeInput] = prepare_cubes(query, area, config, progress, max_workers, stats, cancel)
    keys = [(c, k) for c in cubes for k in c.meta_keys + c.data_keys]
    cached = [(c, k) for c, k in keys if c.store.is_cached(k)]
    first = cubes[0]
    n_pairs = first.union.size
    ny, nx = first.placement.valid.shape
    n3d = len(first.vars3d)
    return SubsetPlan(
        cube_urls=[c.url for c in cubes],
        target_crs=first.target_crs_name,
        resampling=first.resampling_label,
        n_pairs=n_pairs,
        ny=ny,
        nx=nx,
        n_pixels=int(first.area_mask.sum()),
        variables=list(query.get("variables_read", query["variables"])),
        n_chunks=len(keys),
        n_bytes=sum(c.size(k) for c, k in keys),
        n_chunks_cached=len(cached),
        n_bytes_cached=sum(c.size(k) for c, k in cached),
        n_chunks_absent=sum(c.n_absent for c in cubes),
        output_bytes=n_pairs * ny * nx * 4 * n3d,
        stats=stats.as_dict(),
        cubes=cubes,
        query=query,
    )


def _query(
    cube_urls,
    area,
    area_crs,
    start_date,
    end_date,
    variables,
    satellites,
    missions,
    min_dt,
    max_dt,
    min_roi,
    max_v_error,
    target_crs,
    resampling,
) -> dict:
    if isinstance(cube_urls, (str, os.PathLike)):
        cube_urls = [cube_urls]
    urls = [str(u) for u in (cube_urls or [])]
    if not urls:
        raise InputError("No datacube given: choose at least one cube from the catalog.")
    parsed_area = Area.parse(area, None if isinstance(area, Area) else area_crs)
    start = _parse_date(start_date, "start")
    end = _parse_date(end_date, "end")
    if end < start:
        raise InputError(f"The end date {end_date} is before the start date {start_date}.")
    default_variables = variables is None or len(variables) == 0
    if default_variables:
        variables = list(DEFAULT_VARIABLES)
    elif isinstance(variables, str):
        variables = [variables]
    if resampling not in ("nearest", "bilinear"):
        raise InputError(f"Unknown resampling {resampling!r}: use 'nearest' or 'bilinear'.")
    filters = PairFilter.create(
        satellites=satellites,
        missions=missions,
        min_interval_days=min_dt,
        max_interval_days=max_dt,
        min_roi_valid_percentage=min_roi,
        max_v_error_m_per_yr=max_v_error,
    )
    return {
        "cube_urls": urls,
        "area_crs": parsed_area.crs_name,
        "area_wkt": parsed_area.geometry.wkt,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "start_day": float((start - _EPOCH_DATE).days),
        "end_day_exclusive": float((end - _EPOCH_DATE).days + 1),
        "variables": list(dict.fromkeys(str(v) for v in variables)),
        "default_variables": default_variables,
        "filters": filters,
        "target_crs": None if target_crs is None else str(target_crs),
        "target_crs_input": target_crs,
        "area_crs_input": parsed_area.crs,
        "resampling": resampling,
        "s3_urls": [to_s3_url(u) if is_remote(u) else u for u in urls],
    }


def _parse_date(value, which: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"The {which} date {value!r} is not a date: use YYYY-MM-DD.") from None


def _check_output(output_path) -> Path:
    if output_path is None or str(output_path).strip() == "":
        raise InputError("OUTPUT: no output file given: choose a .nc or .zarr path.")
    path = Path(output_path).expanduser()
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError(f"OUTPUT: {path.name} must end in .nc (NetCDF4) or .zarr (Zarr).")
    return check_output(path, "OUTPUT")


def check_size_budget(plan: SubsetPlan, max_download_bytes: float | None) -> None:
    """InputError when the plan would download or write more than ``max_download_bytes`` (None: no limit).

    Both the compressed bytes still to download and the uncompressed output count, so a
    world-sized request is refused after its (cheap) estimate, before any velocity is read.
    """
    if max_download_bytes is None or max_download_bytes <= 0:
        return
    to_get = plan.n_bytes - plan.n_bytes_cached
    worst = max(to_get, plan.output_bytes)
    if worst > max_download_bytes:
        raise InputError(
            f"This subset is too large: {_gb(to_get)} to download and about {_gb(plan.output_bytes)} of "
            f"output ({plan.n_pairs} pairs x {plan.ny} x {plan.nx} cells), above the size budget of "
            f"{_gb(max_download_bytes)}. Choose a smaller area (EXTENT/AOI), fewer dates or variables, "
            "or raise the budget (MAX_SIZE_GB, or the plugin option 'Largest download')."
        )


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e8 else _mb(n)
