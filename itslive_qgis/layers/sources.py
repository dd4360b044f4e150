"""Inspect a result file with GDAL only: which variables, which time steps, which value range.

A cluster run's Zarr store is first copied to a NetCDF beside it (see :func:`_netcdf_of_store`);
a store at an ``s3://`` URL to a NetCDF in the plugin's cache folder (:func:`_netcdf_of_url`).

Nothing here creates QObjects, so :func:`inspect_result` may run in a worker thread. It reads
the metadata, the time axis (with its CF bounds) and a small decimated sample of each variable
(at most :data:`SAMPLE_BANDS` bands of at most :data:`SAMPLE_PIXELS` pixels) to set colour
ranges: statistics over every band are never computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.errors import DataError, InputError

#: Result kinds understood by the loader.
KINDS = ("inversion", "strain", "flux", "subset", "mosaic", "tracks", "raster", "composite")
STRAIN_VARIABLES = ("e_eff", "exx", "eyy", "exy", "e1", "e2", "e_lon", "e_trn", "e_shr")
FLUX_VARIABLES = ("dynamic_dhdt", "flux_divergence")
VELOCITY_VARIABLES = ("v", "vx", "vy", "v_error", "v_sigma", "vx_error", "vy_error", "count")
VECTOR_EXTENSIONS = (".gpkg", ".shp", ".geojson", ".fgb")
NETCDF_EXTENSIONS = (".nc", ".nc4", ".cdf", ".netcdf")
#: a cluster run's result store (DASK_SCHEDULER): loaded through its NetCDF copy
ZARR_EXTENSION = ".zarr"
SAMPLE_BANDS = 8
SAMPLE_PIXELS = 128
#: Half-width of the band range given to pair-wise layers (mid_date axis), days.
MID_DATE_HALF_WIDTH_DAYS = 0.5

_X_NAMES = {"x", "lon", "longitude", "easting", "cols"}
_Y_NAMES = {"y", "lat", "latitude", "northing", "rows"}
_UNITS_RE = re.compile(
    r"^\s*(day|days|d|hour|hours|hr|h|minute|minutes|min|second|seconds|sec|s)\s+since\s+"
    r"(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?",
    re.IGNORECASE,
)
_DAYS_PER_UNIT = {"d": 1.0, "h": 1.0 / 24.0, "m": 1.0 / 1440.0, "s": 1.0 / 86400.0}


@dataclass
class VariableSource:
    """One variable of a result, as one (possibly multi-band, temporal) raster layer.

    Attributes
    ----------
    name : variable name in the file (``v``, ``exx``, ...).
    uri : GDAL data source (``NETCDF:"file.nc":v`` or the GeoTIFF path).
    band : band holding the variable in a multi-variable GeoTIFF, else 1.
    band_count : bands of ``uri`` (time steps for a temporal variable).
    long_name, units : from the file's attributes (units as written, e.g. ``m/yr``).
    band_start_days, band_end_days : per-band time range in days since 1970-01-01, end
        excluded; ``None`` for a variable without a time axis.
    band_centre_days : per-band time coordinate (days since 1970-01-01) as written in the file.
    time_dimension : name of the band dimension (``time``, ``mid_date``) or ``""``.
    missing_values : extra no-data values (CF ``missing_value`` that GDAL does not mask).
    percentiles : 2nd and 98th percentile of a decimated sample (file units) or ``None``.
    abs_max : 98th percentile of the absolute value of the sample, or ``None``.
    """

    name: str
    uri: str
    band: int = 1
    band_count: int = 1
    long_name: str = ""
    units: str = ""
    band_start_days: np.ndarray | None = None
    band_end_days: np.ndarray | None = None
    band_centre_days: np.ndarray | None = None
    time_dimension: str = ""
    missing_values: list[float] = field(default_factory=list)
    percentiles: tuple[float, float] | None = None
    abs_max: float | None = None
    #: first band (from 1) holding any valid pixel in a decimated read; None when unknown
    first_valid_band: int | None = None

    @property
    def is_temporal(self) -> bool:
        """True when each band has its own time range."""
        return self.band_start_days is not None


@dataclass
class ResultSource:
    """What :func:`inspect_result` found in a result file."""

    path: Path
    file_format: str
    kind: str
    variables: list[VariableSource] = field(default_factory=list)
    global_attrs: dict[str, str] = field(default_factory=dict)
    vector_layer_names: list[str] = field(default_factory=list)
    #: shortest and longest image-pair interval (date_dt, days) of a pair-wise subset, else None
    pair_interval_days: tuple[float, float] | None = None

    def variable(self, name: str) -> VariableSource | None:
        """The variable called ``name``, or None."""
        return next((var for var in self.variables if var.name == name), None)

    @property
    def history(self) -> list[str]:
        """History/provenance lines from the global attributes."""
        keys = ("history", "source", "title", "date_created", "software_version")
        return [f"{key}: {self.global_attrs[key]}" for key in keys if self.global_attrs.get(key)]


def inspect_result(path: str | Path, kind: str = "auto") -> ResultSource:
    """Read the structure of a result file (NetCDF, GeoTIFF or vector file) with GDAL/OGR.

    Parameters
    ----------
    path : result file, or the ``s3://`` URL of a cluster run's result store.
    kind : one of :data:`KINDS` or ``"auto"`` to guess it from the variables.

    Returns
    -------
    ResultSource with one :class:`VariableSource` per 2-D/3-D gridded variable.

    Raises
    ------
    InputError : the file does not exist or ``kind`` is unknown.
    DataError : GDAL cannot read the file or it holds no gridded variable.
    """
    if isinstance(path, str) and "://" in path:
        path = _netcdf_of_url(path)
    path = Path(path).resolve()
    if not path.exists():
        raise InputError(f"Result file not found: {path}. Check the path or run the algorithm again.")
    if kind != "auto" and kind not in KINDS:
        raise InputError(f"Unknown result kind {kind!r}; use one of {', '.join(KINDS)} or 'auto'.")
    suffix = path.suffix.lower()
    if suffix == ZARR_EXTENSION and path.is_dir():
        path, suffix = _netcdf_of_store(path), ".nc"
    if suffix in VECTOR_EXTENSIONS:
        source = _inspect_vector(path)
    elif suffix in NETCDF_EXTENSIONS:
        source = _inspect_netcdf(path)
    else:
        source = _inspect_gdal_raster(path)
    source.kind = _guess_kind(source) if kind == "auto" else kind
    return source


def decode_cf_days(values: np.ndarray, units: str) -> np.ndarray:
    """Convert CF time values (``<unit> since <date>``) to days since 1970-01-01 (float64).

    Raises
    ------
    DataError : ``units`` is not a CF ``since`` expression (e.g. months or years are ambiguous).
    """
    match = _UNITS_RE.match(units or "")
    if match is None:
        raise DataError(f"Time units {units!r} are not understood; expected e.g. 'days since 1970-01-01'.")
    unit, year, month, day, hour, minute, second = match.groups()
    reference = np.datetime64(f"{int(year):04d}-{int(month):02d}-{int(day):02d}", "ms")
    offset_ms = (int(hour or 0) * 3600 + int(minute or 0) * 60 + float(second or 0)) * 1000.0
    reference_days = (reference - np.datetime64("1970-01-01", "ms")).astype(np.float64) + offset_ms
    reference_days /= 86_400_000.0
    return reference_days + np.asarray(values, dtype=np.float64) * _DAYS_PER_UNIT[unit[0].lower()]


def bounds_from_centres(centres_days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Contiguous step ranges (days) around sorted step centres: cut half-way between neighbours."""
    centres = np.asarray(centres_days, dtype=np.float64)
    if centres.size == 1:
        return centres - 0.5, centres + 0.5
    cuts = 0.5 * (centres[1:] + centres[:-1])
    starts = np.concatenate([[centres[0] - (cuts[0] - centres[0])], cuts])
    ends = np.concatenate([cuts, [centres[-1] + (centres[-1] - cuts[-1])]])
    return starts, ends


# --------------------------------------------------------------------------------------------
# helpers


def _gdal():
    """osgeo.gdal as QGIS ships it; exceptions are NOT switched on (that is process-wide)."""
    from osgeo import gdal

    return gdal


def _netcdf_of_store(path: Path) -> Path:
    """The NetCDF copy of a complete cluster result store (DataError for an unfinished one).

    GDAL 3.6 opens a 3-D Zarr array only as one 2-D subdataset per time step (no multi-band
    temporal raster, no MDAL arrows), so the store is copied once to ``<store>.nc`` beside it
    (core.cluster.result_as_netcdf) and that file is loaded like an in-process result.
    """
    from ..core.cluster import result_as_netcdf

    return result_as_netcdf(path)


def _netcdf_of_url(url: str) -> Path:
    """The cached NetCDF copy of the complete cluster result at ``url`` (core.cluster.cached_netcdf).

    Read through the configured endpoint only (the plugin's store settings); the copy goes to the
    ``cluster_results`` folder of the cache folder and is reused while the store is unchanged.
    """
    from .. import settings
    from ..core.cluster import cached_netcdf

    return cached_netcdf(url, settings.checked_store_config(), settings.allow_other_hosts())


def _inspect_netcdf(path: Path) -> ResultSource:
    gdal = _gdal()
    dataset = gdal.OpenEx(str(path), gdal.OF_MULTIDIM_RASTER)
    root = dataset.GetRootGroup() if dataset is not None else None
    if root is None:
        raise DataError(f"GDAL cannot read {path.name} as NetCDF: {gdal.GetLastErrorMsg()}")
    source = ResultSource(path=path, file_format="netcdf", kind="raster")
    source.global_attrs = _attributes(root)
    arrays = {name: root.OpenMDArray(name) for name in root.GetMDArrayNames() or []}
    bounds = {_attributes(array).get("bounds") for array in arrays.values()}
    for name, array in arrays.items():
        dims = [dim.GetName() for dim in array.GetDimensions()]
        if name in bounds or len(dims) not in (2, 3):
            continue
        if dims[-1].lower() not in _X_NAMES or dims[-2].lower() not in _Y_NAMES:
            continue
        uri = f'NETCDF:"{path}":{name}'
        classic = gdal.Open(uri)
        if classic is None:
            continue
        attrs = _classic_attributes(classic, name)
        variable = VariableSource(
            name=name,
            uri=uri,
            band_count=array.GetDimensions()[0].GetSize() if len(dims) == 3 else 1,
            long_name=attrs.get("long_name", attrs.get("standard_name", "")),
            units=attrs.get("units", attrs.get("unit", "")),
            missing_values=_numbers(attrs.get("missing_value", "")),
        )
        if len(dims) == 3:
            _set_band_times(variable, dims[0], arrays)
        _sample_statistics(variable, classic)
        if variable.is_temporal and variable.time_dimension != "mid_date":
            variable.first_valid_band = _first_valid_band(variable, classic)
        source.variables.append(variable)
    if not source.variables:
        raise DataError(f"{path.name} holds no gridded (y, x) variable to display.")
    source.pair_interval_days = _pair_intervals(arrays.get("date_dt"))
    return source


def _pair_intervals(array) -> tuple[float, float] | None:
    """(min, max) of a 1-D date_dt array in days, or None."""
    if array is None or len(array.GetDimensions()) != 1:
        return None
    values = np.asarray(array.ReadAsArray(), dtype=np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    return (float(values.min()), float(values.max())) if values.size else None


def _set_band_times(variable: VariableSource, dimension: str, arrays: dict) -> None:
    coordinate = arrays.get(dimension)
    if coordinate is None and dimension == "pair":  # CF subsets (core.io.cf): mid_date(pair) is auxiliary
        coordinate, dimension = arrays.get("mid_date"), "mid_date"
    if coordinate is None:
        return
    attrs = _attributes(coordinate)
    units = coordinate.GetUnit() or attrs.get("units", "")
    try:
        centres = decode_cf_days(coordinate.ReadAsArray(), units)
    except DataError:
        return
    bounds_name = attrs.get("bounds")
    if bounds_name in arrays:
        bounds = decode_cf_days(arrays[bounds_name].ReadAsArray(), units)
        starts, ends = bounds[:, 0], bounds[:, 1]
    elif dimension == "mid_date" or np.any(np.diff(centres) <= 0):
        starts = centres - MID_DATE_HALF_WIDTH_DAYS
        ends = centres + MID_DATE_HALF_WIDTH_DAYS
    else:
        starts, ends = bounds_from_centres(centres)
    variable.band_start_days, variable.band_end_days = starts, ends
    variable.band_centre_days = centres
    variable.time_dimension = dimension


def _inspect_gdal_raster(path: Path) -> ResultSource:
    gdal = _gdal()
    dataset = gdal.Open(str(path))
    if dataset is None or dataset.RasterCount == 0:
        raise DataError(f"GDAL cannot read {path.name} as a raster: {gdal.GetLastErrorMsg()}")
    source = ResultSource(path=path, file_format=dataset.GetDriver().ShortName.lower(), kind="raster")
    source.global_attrs = {k.lower(): v for k, v in (dataset.GetMetadata() or {}).items()}
    names = [_band_name(dataset.GetRasterBand(b)) for b in range(1, dataset.RasterCount + 1)]
    if dataset.RasterCount > 1 and all(names) and len(set(names)) == len(names):
        # one variable per band (the core's GeoTIFF writer: "name: long name" descriptions)
        for band, name in enumerate(names, start=1):
            source.variables.append(_gtiff_variable(dataset, path, name, band, 1))
    else:
        name = names[0] if dataset.RasterCount == 1 and names[0] else _name_from_stem(path)
        variable = _gtiff_variable(dataset, path, name, 1, dataset.RasterCount)
        _set_gtiff_band_times(variable, dataset)
        source.variables.append(variable)
    for variable in source.variables:
        _sample_statistics(variable, dataset)
    return source


def _band_name(band) -> str:
    """Variable held by a GeoTIFF band: ``name`` tag, else the description up to ``": "``."""
    metadata = band.GetMetadata() or {}
    return metadata.get("name") or band.GetDescription().split(": ", 1)[0].strip()


def _gtiff_variable(dataset, path: Path, name: str, band: int, band_count: int) -> VariableSource:
    raster_band = dataset.GetRasterBand(band)
    metadata = raster_band.GetMetadata() or {}
    description = raster_band.GetDescription()
    long_name = metadata.get("long_name") or (description.split(": ", 1)[1] if ": " in description else "")
    return VariableSource(
        name=name,
        uri=str(path),
        band=band,
        band_count=band_count,
        long_name=long_name,
        units=raster_band.GetUnitType() or metadata.get("units", ""),
    )


def _set_gtiff_band_times(variable: VariableSource, dataset) -> None:
    """Time per band from NETCDF_DIM_time band metadata (gdal_translate from NetCDF keeps it)."""
    if variable.band_count < 2:
        return
    units = (dataset.GetMetadata() or {}).get("time#units", "days since 1970-01-01")
    values = []
    for band in range(1, variable.band_count + 1):
        value = (dataset.GetRasterBand(band).GetMetadata() or {}).get("NETCDF_DIM_time")
        if value is None:
            return
        values.append(float(value))
    centres = decode_cf_days(np.array(values), units)
    if np.all(np.diff(centres) > 0):
        variable.band_start_days, variable.band_end_days = bounds_from_centres(centres)
        variable.band_centre_days = centres
        variable.time_dimension = "time"


def _name_from_stem(path: Path) -> str:
    """Variable of an ITS_LIVE COG from its name (``..._v02_vx.tif`` -> ``vx``)."""
    stem = path.stem.lower()
    known = sorted(VELOCITY_VARIABLES + STRAIN_VARIABLES + FLUX_VARIABLES + ("dhdt",), key=len, reverse=True)
    for name in known:
        if stem == name or stem.endswith("_" + name):
            return name
    return path.stem


def _inspect_vector(path: Path) -> ResultSource:
    from osgeo import ogr

    dataset = ogr.Open(str(path))
    if dataset is None:
        raise DataError(f"OGR cannot read {path.name} as a vector file.")
    names = [dataset.GetLayer(i).GetName() for i in range(dataset.GetLayerCount())]
    if not names:
        raise DataError(f"{path.name} holds no vector layer.")
    return ResultSource(path=path, file_format="vector", kind="tracks", vector_layer_names=names)


def _sample_statistics(variable: VariableSource, dataset) -> None:
    """Percentiles from at most SAMPLE_BANDS bands read at most SAMPLE_PIXELS wide (cheap)."""
    width, height = dataset.RasterXSize, dataset.RasterYSize
    scale = max(width, height) / SAMPLE_PIXELS
    buf_x, buf_y = (max(1, int(width / scale)), max(1, int(height / scale))) if scale > 1 else (width, height)
    if variable.band_count > 1:
        bands = np.unique(
            np.linspace(1, variable.band_count, min(SAMPLE_BANDS, variable.band_count)).astype(int)
        )
    else:
        bands = [variable.band]
    samples = []
    for number in bands:
        band = dataset.GetRasterBand(int(number))
        values = band.ReadAsArray(buf_xsize=buf_x, buf_ysize=buf_y).astype(np.float64)
        for nodata in [band.GetNoDataValue(), *variable.missing_values]:
            if nodata is not None:
                values[values == nodata] = np.nan
        values = values * (band.GetScale() or 1.0) + (band.GetOffset() or 0.0)
        samples.append(values[np.isfinite(values)])
    sample = np.concatenate(samples) if samples else np.empty(0)
    if sample.size:
        low, high = np.percentile(sample, [2.0, 98.0])
        variable.percentiles = (float(low), float(high))
        variable.abs_max = float(np.percentile(np.abs(sample), 98.0))


def _first_valid_band(variable: VariableSource, dataset) -> int | None:
    """First band with a finite, non-no-data pixel, read at most SAMPLE_PIXELS wide."""
    width, height = dataset.RasterXSize, dataset.RasterYSize
    scale = max(width, height) / SAMPLE_PIXELS
    buf_x, buf_y = (max(1, int(width / scale)), max(1, int(height / scale))) if scale > 1 else (width, height)
    for number in range(1, variable.band_count + 1):
        band = dataset.GetRasterBand(number)
        values = band.ReadAsArray(buf_xsize=buf_x, buf_ysize=buf_y)
        if values is None:
            return None
        values = values.astype(np.float64)
        valid = np.isfinite(values)
        for nodata in [band.GetNoDataValue(), *variable.missing_values]:
            if nodata is not None:
                valid &= values != nodata
        if valid.any():
            return number
    return None


def _classic_attributes(dataset, name: str) -> dict[str, str]:
    """``name#key`` items of a classic-API NetCDF dataset (units and missing_value included)."""
    prefix = name + "#"
    metadata = dataset.GetMetadata() or {}
    return {key[len(prefix) :]: value for key, value in metadata.items() if key.startswith(prefix)}


def _numbers(text: str) -> list[float]:
    """Numbers of a GDAL metadata value (``-32767`` or ``{1,2}``); non-numbers are skipped."""
    values = []
    for item in text.strip("{} ").split(","):
        try:
            values.append(float(item))
        except ValueError:
            continue
    return [value for value in values if np.isfinite(value)]


def _attributes(obj) -> dict[str, str]:
    """Attributes of a GDAL multidim group/array as strings (lists joined with spaces)."""
    result = {}
    for attribute in obj.GetAttributes() or []:
        value = attribute.Read()
        if isinstance(value, (list, tuple)):
            value = " ".join(str(item) for item in value)
        result[attribute.GetName()] = str(value)
    return result


def _guess_kind(source: ResultSource) -> str:
    if source.file_format == "vector":
        return "tracks"
    names = {variable.name for variable in source.variables}
    if names & set(STRAIN_VARIABLES):
        return "strain"
    if names & set(FLUX_VARIABLES):
        return "flux"
    if source.file_format == "netcdf" and names & {"v0", "v_amp", "vx_amp"}:  # composite or seasonal fit
        return "composite"
    dims = {variable.time_dimension for variable in source.variables}
    if "mid_date" in dims:
        return "subset"
    if {"vx", "vy"} <= names and any(variable.is_temporal for variable in source.variables):
        return "inversion"
    if names & set(VELOCITY_VARIABLES):
        return "mosaic"
    return "raster"
