"""Clip ITS_LIVE velocity mosaics (cloud-optimised GeoTIFFs) to an area, reading only that area.

Mosaic COGs live in the ``its-live-data`` bucket at::

    velocity_mosaic/v2/static/cog/ITS_LIVE_velocity_120m_RGI{NN}A_0000_v02_{var}.tif
    velocity_mosaic/v2/annual/cog/ITS_LIVE_velocity_120m_RGI{NN}A_{YYYY}_v02_{var}.tif

one set per RGI region, each in its region's projection (:data:`RGI_REGIONS`). GDAL reads
them through ``/vsis3/`` with HTTP range requests: the header, then only the tiles under
the area, so a clip never downloads the whole (multi-GB) file.

The region is chosen from the area with a COARSE lon/lat box per RGI first-order region
(:data:`RGI_REGIONS`, approximations drawn around the RGI 6.0 regions, not their
outlines): the region whose box contains the area's centroid wins, the smallest box
when several do (e.g. Novaya Zemlya is in both "Russian Arctic" and "North Asia": the
smaller "Russian Arctic" wins). Regions 13 and 15 (Central and South Asia) are served
by the High Mountain Asia mosaic RGI14A. Region 16 (low latitudes) has no mosaic of its
own here: pass ``region=`` explicitly. Near region borders, pass ``region=`` too.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from pathlib import Path

from ..errors import CancelledError, DataError, InputError, MissingDependencyError, NetworkError
from ..io import StoreConfig, atomic_output, writable_folder
from ..progress import NullProgress, Progress, check_cancelled

MOSAIC_PREFIX = "velocity_mosaic/v2"
ANNUAL_VARIABLES = ("v", "vx", "vy", "v_error", "vx_error", "vy_error", "count")
STATIC_VARIABLES = (
    "landice",
    "floatingice",
    "count",
    "dv_dt",
    "dvx_dt",
    "dvy_dt",
    "outlier_percent",
    "v",
    "vx",
    "vy",
    "v_amp",
    "vx_amp",
    "vy_amp",
    "v_amp_error",
    "vx_amp_error",
    "vy_amp_error",
    "v_error",
    "vx_error",
    "vy_error",
    "v_phase",
    "vx_phase",
    "vy_phase",
)
DEFAULT_MOSAIC_VARIABLES = ("v", "vx", "vy", "v_error")
FIRST_YEAR = 1985
UNITS = {
    "count": "count",
    "landice": "1",
    "floatingice": "1",
    "outlier_percent": "percent",
    "v_phase": "day of year",
    "vx_phase": "day of year",
    "vy_phase": "day of year",
    "dv_dt": "m/yr/yr",
    "dvx_dt": "m/yr/yr",
    "dvy_dt": "m/yr/yr",
}

#: RGI first-order region -> (name, mosaic CRS, coarse lon/lat boxes [(lon_min, lat_min, lon_max, lat_max)])
RGI_REGIONS: dict[int, tuple[str, str, list[tuple[float, float, float, float]]]] = {
    1: ("Alaska", "EPSG:3413", [(-180.0, 51.0, -126.0, 72.0)]),
    2: ("Western Canada and USA", "EPSG:32610", [(-140.0, 30.0, -100.0, 63.0)]),
    3: ("Arctic Canada North", "EPSG:3413", [(-126.0, 74.0, -60.0, 84.0)]),
    4: ("Arctic Canada South", "EPSG:3413", [(-96.0, 58.0, -55.0, 74.0)]),
    5: ("Greenland Periphery", "EPSG:3413", [(-75.0, 58.0, -10.0, 84.0)]),
    6: ("Iceland", "EPSG:3413", [(-25.0, 63.0, -13.0, 67.0)]),
    7: ("Svalbard and Jan Mayen", "EPSG:3413", [(-10.0, 70.0, 35.0, 81.0)]),
    8: ("Scandinavia", "EPSG:3413", [(4.0, 58.0, 33.0, 72.0)]),
    9: ("Russian Arctic", "EPSG:3413", [(35.0, 70.0, 160.0, 82.0)]),
    10: ("North Asia", "EPSG:32645", [(55.0, 42.0, 180.0, 78.0), (-180.0, 60.0, -168.0, 72.0)]),
    11: ("Central Europe", "EPSG:32632", [(-6.0, 40.0, 30.0, 50.0)]),
    12: ("Caucasus and Middle East", "EPSG:32638", [(32.0, 29.0, 60.0, 45.0)]),
    14: ("High Mountain Asia (RGI 13-15)", "ESRI:102027", [(64.0, 25.0, 106.0, 47.0)]),
    17: ("Southern Andes", "EPSG:32718", [(-77.0, -56.0, -66.0, -17.0)]),
    18: ("New Zealand", "EPSG:32759", [(166.0, -47.0, 176.0, -39.0)]),
    19: ("Antarctic and Subantarctic", "EPSG:3031", [(-180.0, -90.0, 180.0, -45.0)]),
}
_FOLDED = {13: 14, 15: 14}


def region_code(region) -> str:
    """Normalise a region ('RGI05A', 'RGI05', '05', 5, 13) to the mosaic code ('RGI05A', 'RGI14A')."""
    m = re.fullmatch(r"(?:RGI)?0*(\d{1,2})A?", str(region).strip().upper())
    if not m:
        raise InputError(f"Unknown region {region!r}: use an RGI region code like 'RGI05A' or 5.")
    number = _FOLDED.get(int(m.group(1)), int(m.group(1)))
    if number not in RGI_REGIONS:
        known = ", ".join(f"RGI{n:02d}A" for n in RGI_REGIONS)
        raise InputError(f"No ITS_LIVE v2 mosaic for RGI region {number}: available regions are {known}.")
    return f"RGI{number:02d}A"


def region_for_area(area, area_crs) -> str:
    """The RGI mosaic region whose coarse lon/lat box holds the area's centroid (see module doc)."""
    from ..geo import area_geometry, as_crs, transform_geometry

    geom, crs = area_geometry(area, area_crs)
    lonlat = transform_geometry(geom, crs, as_crs("EPSG:4326"))
    point = lonlat.centroid
    hits = []
    for number, (_name, _crs, boxes) in RGI_REGIONS.items():
        for lon0, lat0, lon1, lat1 in boxes:
            if lon0 <= point.x <= lon1 and lat0 <= point.y <= lat1:
                hits.append(((lon1 - lon0) * (lat1 - lat0), number))
    if not hits:
        raise InputError(
            f"No ITS_LIVE mosaic region covers {point.y:.2f} N {point.x:.2f} E: pass region= explicitly "
            "(e.g. 'RGI17A')."
        )
    return f"RGI{min(hits)[1]:02d}A"


def mosaic_urls(
    region, year: int | None = None, variables=DEFAULT_MOSAIC_VARIABLES, bucket: str = "its-live-data"
):
    """``s3://`` URLs of the mosaic COGs of ``region`` (static when ``year`` is None).

    Returns
    -------
    dict
        variable -> ``s3://its-live-data/velocity_mosaic/v2/.../ITS_LIVE_velocity_120m_RGI05A_2018_v02_v.tif``
    """
    code = region_code(region)
    if isinstance(variables, str):
        variables = [variables]
    allowed = STATIC_VARIABLES if year is None else ANNUAL_VARIABLES
    unknown = [v for v in variables if v not in allowed]
    if unknown:
        kind = "static" if year is None else "annual"
        raise InputError(
            f"Unknown {kind} mosaic variable(s) {', '.join(unknown)}: choose from {', '.join(allowed)}."
        )
    if year is None:
        folder, tag = "static/cog", "0000"
    else:
        year = int(year)
        if not FIRST_YEAR <= year <= _dt.date.today().year:
            raise InputError(f"Annual mosaics start in {FIRST_YEAR}; {year} is out of range.")
        folder, tag = "annual/cog", f"{year:04d}"
    return {
        v: f"s3://{bucket}/{MOSAIC_PREFIX}/{folder}/ITS_LIVE_velocity_120m_{code}_{tag}_v02_{v}.tif"
        for v in variables
    }


def gdal_env(config: StoreConfig) -> dict:
    """GDAL options that make ``/vsis3/`` read the bucket (or its mirror) anonymously, with retries.

    They come from the same settings as every zarr read (:func:`itslive_qgis.core.zstore.gdal_options`).
    """
    from ..io import gdal_options

    return {**gdal_options(config), "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif,.TIF,.tiff"}


def clip_mosaic(
    area,
    area_crs,
    variables=DEFAULT_MOSAIC_VARIABLES,
    year: int | None = None,
    region=None,
    output_dir=None,
    config: StoreConfig | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Clip mosaic COGs to ``area``; one GeoTIFF per variable.

    Parameters
    ----------
    area : shapely geometry or (xmin, ymin, xmax, ymax)
        The area; cells of the mosaic grid that overlap it are kept, the rest of the
        bounding window is nodata.
    area_crs : str, int or pyproj.CRS
        CRS of ``area``.
    variables : list of str
        Mosaic variables (velocities in m/yr).
    year : int, optional
        Annual mosaic of this year; None for the static (summary) mosaic.
    region : str or int, optional
        RGI region ('RGI05A', 5); default chosen from the area (:func:`region_for_area`).
    output_dir : str or Path
        Existing writable folder; files are written under a temporary name, then renamed.
    config : StoreConfig, optional
        Endpoint and retries; default :meth:`StoreConfig.from_env`.
    progress : Progress, optional
        Progress per variable and cancellation between variables.

    Returns
    -------
    list of pathlib.Path
        ``ITS_LIVE_velocity_120m_{region}_{year|0000}_v02_{var}_clip.tif`` in ``output_dir``.
    """
    try:
        import rasterio
    except ImportError as exc:
        raise MissingDependencyError("rasterio is not installed: pip install rasterio") from exc
    config = config or StoreConfig.from_env()
    progress = progress or NullProgress()
    out_dir = _check_dir(output_dir)
    from ..geo import area_geometry

    geom, crs = area_geometry(area, area_crs)
    code = region_code(region) if region is not None else region_for_area(geom, crs)
    urls = mosaic_urls(code, year, variables, bucket=config.bucket)
    written: list[Path] = []
    try:
        with rasterio.Env(**gdal_env(config)):
            for i, (var, url) in enumerate(urls.items()):
                check_cancelled(progress)
                written.append(_clip_one(url, var, geom, crs, code, year, out_dir, progress))
                progress.report((i + 1) / len(urls))
    except CancelledError:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def vsi_path(url: str) -> str:
    """GDAL path of a mosaic URL: ``s3://b/k`` -> ``/vsis3/b/k``; local paths unchanged."""
    if url.startswith("s3://"):
        return "/vsis3/" + url[5:]
    if url.startswith(("http://", "https://")):
        return "/vsicurl/" + url
    return url


# -- helpers ------------------------------------------------------------------------------------------
def _clip_one(url, var, geom, crs, code, year, out_dir: Path, progress) -> Path:
    import numpy as np
    import rasterio
    from rasterio.errors import RasterioIOError
    from rasterio.features import geometry_mask
    from rasterio.windows import Window, from_bounds

    from ..geo import as_crs, transform_geometry

    try:
        src = rasterio.open(vsi_path(url))
    except RasterioIOError as exc:
        text = str(exc)
        if "404" in text or "does not exist" in text or "No such file" in text:
            raise DataError(f"No mosaic at {url} (region {code}, year {year or 'static'}): {text}") from exc
        raise NetworkError(f"Reading {url} failed: {text}. Check the network or the mirror.") from exc
    with src:
        local = transform_geometry(geom, crs, as_crs(src.crs.to_wkt()))
        exact = from_bounds(*local.bounds, transform=src.transform)  # fractional cells
        col0, row0 = math.floor(exact.col_off + 1e-6), math.floor(exact.row_off + 1e-6)
        col1 = max(col0 + 1, math.ceil(exact.col_off + exact.width - 1e-6))
        row1 = max(row0 + 1, math.ceil(exact.row_off + exact.height - 1e-6))
        win = Window(col0, row0, col1 - col0, row1 - row0)  # every cell the bounds touch
        full = Window(0, 0, src.width, src.height)
        try:
            win = win.intersection(full)
        except rasterio.errors.WindowError:
            win = None
        if win is None or win.width < 1 or win.height < 1:
            raise InputError(
                f"The area lies outside the {code} mosaic ({url}): choose another region or area."
            )
        progress.log(
            f"Reading {var}: window {int(win.width)} x {int(win.height)} cells of {src.width} x {src.height}"
        )
        data = src.read(1, window=win)
        transform = src.window_transform(win)
        nodata = src.nodata if src.nodata is not None else (-32767 if data.dtype.kind in "fi" else 0)
        if local.geom_type not in ("Point", "MultiPoint") and local.area > 0:
            outside = geometry_mask([local], out_shape=data.shape, transform=transform, all_touched=True)
            data = np.where(outside, np.asarray(nodata, dtype=data.dtype), data)
        tags = src.tags()
        band_tags = src.tags(1)
        profile = {
            "driver": "GTiff",
            "width": data.shape[1],
            "height": data.shape[0],
            "count": 1,
            "dtype": data.dtype.name,
            "crs": src.crs,
            "transform": transform,
            "nodata": nodata,
            "tiled": data.shape[0] >= 256 and data.shape[1] >= 256,
            "compress": "deflate",
        }
    from ..io import cf

    units = UNITS.get(var, "m/yr")
    name = (
        f"ITS_LIVE_velocity_120m_{code}_{'0000' if year is None else f'{int(year):04d}'}_v02_{var}_clip.tif"
    )
    final = out_dir / name
    with atomic_output(final, "OUTPUT_FOLDER") as tmp:
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(data, 1)
            dst.set_band_description(1, var)
            dst.units = (units,)
            dst.update_tags(1, units=units, long_name=band_tags.get("long_name", var))
            dst.update_tags(
                AREA_OR_POINT="Area",
                source=url,
                region=code,
                year="0000" if year is None else str(year),
                title=tags.get("title", "ITS_LIVE velocity mosaic"),
                clip_area_wkt=local.wkt[:2000],
                **cf.provenance("itslive:mosaic", {"variable": var, "region": code, "year": year}, [url]),
            )
    return final


def _check_dir(output_dir) -> Path:
    if output_dir is None or str(output_dir).strip() == "":
        raise InputError("No output folder given: choose a folder for the clipped GeoTIFFs.")
    return writable_folder(output_dir, "OUTPUT_FOLDER")
