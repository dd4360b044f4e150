"""Every output is CF-1.8 clean under the IOOS compliance checker, and GDAL reads what xarray reads.

The checker (``compliance-checker==6.1.0``) lives in its own venv, ``.venv-cf`` (``make
cf-tools``): it pulls the pip netCDF4 wheel and cf-units, which must not enter the project's
venv (they break QGIS). It runs in a subprocess on fresh outputs of every algorithm that writes
NetCDF or Zarr: subset (.nc and .zarr, from the moto mirror), inversion, strain rates and flux
divergence (y descending as ITS_LIVE writes it, and y ascending), elevation change (from ATL06
repeats, an ATL15-like file, a height-change cube; (y, x) and (time, y, x)) and mass balance.
Any error or warning that is not in :data:`ALLOWED` fails (the allowed ones are explained in the
README, "CF-1.8 outputs").

Also here: the CF standard names the plugin keeps are in the checker's own table; GDAL and
rasterio read the CRS and geotransform xarray reads (and the same value in the top-left cell);
old-layout subsets (pair dimension ``mid_date``, written before io.cf) and new ones read the
same through every core reader.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
CHECKER = REPO / ".venv-cf" / "bin" / "compliance-checker"
EXTENT = (-182000.0, -2281500.0, -172500.0, -2278500.0)  # EPSG:3413, over the mirror's tiles
START, END = "2019-01-01", "2019-12-31"
#: (output name prefix, check name start, message regex) deliberately accepted; README "CF-1.8 outputs"
ALLOWED = (
    # the checker opens Zarr through netCDF-C's NCZarr, then applies the NetCDF file-name rule
    ("subset.zarr", "§2.1 Filename", r"Dataset path \S+\.zarr#mode=nczarr,file must end with \"\.nc\""),
    # netCDF-C's NCZarr (pure Zarr mode) does not list 0-d arrays: the scalar grid-mapping variable
    # `mapping` is there (xarray and zarr read it: test_gdal_reads_the_zarr_crs) but hidden to it
    ("subset.zarr", "§5.6 Horizontal", r"grid mapping variable mapping must exist in this dataset$"),
    # GDAL's Zarr driver reads a CRS only from its own `_CRS` attribute (io.cf.gdal_zarr_crs); CF §2.3
    # recommends names that begin with a letter. Zarr outputs only; NetCDF outputs have no `_CRS`.
    ("subset.zarr", "§2.3 Naming Conventions", r"attribute \w+:_CRS should begin with a letter"),
)
OUTPUTS = (
    "subset.nc",
    "subset.zarr",
    "inversion.nc",
    "inversion_ascending.nc",
    "strain.nc",
    "strain_ascending.nc",
    "flux.nc",
    "elevationchange_atl06.nc",
    "elevationchange_atl15.nc",
    "elevationchange_atl15_epochs.nc",
    "elevationchange_atl15_windows.nc",
    "elevationchange_cube.nc",
    "elevationchange_cube_epochs.nc",
    "massbalance.nc",
)


@pytest.fixture(scope="module")
def outputs(mirror, tmp_path_factory) -> dict[str, Path]:
    """Fresh outputs of every NetCDF/Zarr-writing algorithm (core functions the algorithms run)."""
    import xarray as xr
    from shapely.geometry import box

    from itslive_qgis.core.catalog.catalog import cube_urls_for_area
    from itslive_qgis.core.fields.flux import flux_divergence_to_file
    from itslive_qgis.core.fields.strain import strain_rates_to_file
    from itslive_qgis.core.inversion import invert_dataset, write_netcdf
    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.core.subset.api import subset_cubes

    root = tmp_path_factory.mktemp("cf_outputs")
    config = StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=root / "cache", retries=2)
    urls = cube_urls_for_area(box(*EXTENT), "EPSG:3413", config)
    out = {}
    for ext in ("nc", "zarr"):
        out[f"subset.{ext}"] = root / f"subset.{ext}"
        subset_cubes(urls, EXTENT, "EPSG:3413", START, END, output_path=out[f"subset.{ext}"], config=config)
    with xr.open_dataset(out["subset.nc"], decode_timedelta=False) as ds:
        loaded = ds.load()
    inversion = invert_dataset(loaded, interval_days=30.0)
    out["inversion.nc"] = write_netcdf(inversion, root / "inversion.nc")
    out["inversion_ascending.nc"] = write_netcdf(inversion.isel(y=slice(None, None, -1)), root / "inv_asc.nc")
    for tag, src in (("", "inversion.nc"), ("_ascending", "inversion_ascending.nc")):
        out[f"strain{tag}.nc"] = strain_rates_to_file(str(out[src]), root / f"strain{tag}.nc")
    thickness = _thickness(root / "thickness.tif")
    out["flux.nc"] = flux_divergence_to_file(str(out["inversion.nc"]), str(thickness), root / "flux.nc")
    out.update(_elevation_outputs(root, out["flux.nc"]))
    return out


def _elevation_outputs(root: Path, flux: Path) -> dict[str, Path]:
    """itslive:elevationchange from ATL06 repeats, an ATL15-like file and a height-change cube (with and
    without a time axis), and itslive:massbalance of the ATL15 rate and the flux divergence."""
    from itslive_qgis.core.elevation import HeightQuery, find_granules, open_granules, read_heights
    from itslive_qgis.core.elevation.dhdt import (
        dhdt_from_gridded,
        dhdt_from_points,
        dhdt_series_from_gridded,
        write_dhdt,
    )
    from itslive_qgis.core.elevation.grids import GridSpec
    from itslive_qgis.core.elevation.massbalance import mass_balance_to_file
    from tests.fixtures import atl06
    from tests.fixtures.height_change import write_atl15, write_height_change_cube

    out = {}
    granules = atl06.write_granules(root / "atl06", seed=5)
    query = HeightQuery()
    with open_granules(find_granules([granules[0].path.parent], query)) as readers:
        heights = read_heights(readers, query)
    tiles = GridSpec.from_extent(-183000.0, -2283000.0, -171000.0, -2277000.0, 1000.0, "EPSG:3413")
    name = "elevationchange_atl06.nc"
    out[name] = write_dhdt(root / name, tiles, dhdt_from_points(heights, tiles), "generated ATL06 granules")
    atl15 = str(write_atl15(root / "ATL15_GL_0314_01km_002_01.nc"))
    on_flux = GridSpec.from_file(flux)
    out["elevationchange_atl15.nc"] = write_dhdt(
        root / "dhdt_atl15.nc", on_flux, dhdt_from_gridded(atl15, on_flux), atl15
    )
    for tag, lag in (("epochs", 0), ("windows", 4)):
        name = f"elevationchange_atl15_{tag}.nc"
        out[name] = write_dhdt(root / name, tiles, dhdt_series_from_gridded(atl15, tiles, lag=lag), atl15)
    cube = str(write_height_change_cube(root / "ANT_G1920V01_GroundedIceHeight.zarr"))
    ant = GridSpec.from_extent(-1_520_000.0, -420_000.0, -1_480_000.0, -385_000.0, 2000.0, "EPSG:3031")
    out["elevationchange_cube.nc"] = write_dhdt(root / "cube.nc", ant, dhdt_from_gridded(cube, ant), cube)
    name = "elevationchange_cube_epochs.nc"
    out[name] = write_dhdt(root / name, ant, dhdt_series_from_gridded(cube, ant), cube)
    out["massbalance.nc"] = mass_balance_to_file(out["elevationchange_atl15.nc"], flux, root / "mb.nc")
    return out


def _thickness(path: Path) -> Path:
    """A 500 m thick slab (GeoTIFF, EPSG:3413, 200 m cells) over the extent."""
    from osgeo import gdal, osr

    ds = gdal.GetDriverByName("GTiff").Create(str(path), 60, 40, 1, gdal.GDT_Float32)
    ds.SetGeoTransform((-185000.0, 200.0, 0.0, -2275000.0, 0.0, -200.0))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(3413)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(np.full((40, 60), 500.0, dtype="float32"))
    ds = None
    return path


def _checker():
    if not CHECKER.exists():
        pytest.skip(f"compliance-checker not installed at {CHECKER}: run `make cf-tools` (its own venv)")
    return CHECKER


def _findings(report: dict) -> list[tuple[str, str]]:
    """(check name, message) of every failed check of any priority (errors and warnings)."""
    found = []
    for result in report.values():
        for priority in ("high_priorities", "medium_priorities", "low_priorities"):
            for item in result.get(priority, []):
                got, total = item["value"]
                if got < total:
                    found += [(item["name"], msg) for msg in item["msgs"]] or [(item["name"], "")]
    return found


def _allowed(check: str, message: str, allowed) -> bool:
    return any(check.startswith(a) and re.match(b, message) for a, b in allowed)


@pytest.mark.parametrize("name", OUTPUTS)
def test_compliance_checker_cf18_is_clean(outputs, name, tmp_path):
    checker = _checker()
    report_path = tmp_path / "report.json"
    proc = subprocess.run(
        [str(checker), "--test=cf:1.8", "--format=json", "-o", str(report_path), str(outputs[name])],
        capture_output=True,
        text=True,
        timeout=600,
    )
    ran = report_path.exists() and report_path.stat().st_size
    assert ran, f"checker failed (rc {proc.returncode}):\n{proc.stderr[-3000:]}"
    report = json.loads(report_path.read_text())
    assert report, "empty report"
    allowed = [(c, m) for kind, c, m in ALLOWED if name.startswith(kind)]
    left = [(c, m) for c, m in _findings(report) if not _allowed(c, m, allowed)]
    listing = "\n".join(f"{c}: {m}" for c, m in left)
    assert not left, f"{name}: CF-1.8 findings not in the allow-list:\n{listing}"
    # the checker really looked at the file: it counted the checks it passed
    scored = next(iter(report.values()))["scored_points"]
    assert scored > 20


def test_kept_standard_names_are_in_the_cf_table():
    """The names io.cf keeps as standard_name are in the checker's CF standard name table."""
    from itslive_qgis.core.io import cf

    pattern = "lib/python*/site-packages/compliance_checker/data/cf-standard-name-table.xml"
    tables = list((REPO / ".venv-cf").glob(pattern))
    if not tables:
        pytest.skip("compliance-checker not installed in .venv-cf: run `make cf-tools`")
    import xml.etree.ElementTree as ET

    names = {e.get("id") for e in ET.parse(tables[0]).getroot().iter("entry")}
    assert len(names) > 4000
    assert sorted(cf.CF_STANDARD_NAMES - names) == []
    assert "vx_error" not in names and "land_ice_surface_velocity" not in names  # why they are moved


def _xarray_view(path: Path, var: str):
    import xarray as xr

    from itslive_qgis.core.geo import crs_from_dataset
    from itslive_qgis.core.io import cf

    opener = xr.open_zarr if path.suffix == ".zarr" else xr.open_dataset
    with opener(path, decode_timedelta=False) as raw:
        ds = cf.pairs_from_disk(raw)
        x, y = ds["x"].values, ds["y"].values
        da = ds[var]
        first = da.isel({d: 0 for d in da.dims if d not in ("x", "y")})
        top_left = float(first.sel(x=x.min(), y=y.max()).values)
        return crs_from_dataset(ds), x, y, top_left, ds["mapping"].attrs


@pytest.mark.parametrize(
    "name,var",
    [
        ("subset.nc", "vx"),
        ("inversion.nc", "vx"),
        ("inversion_ascending.nc", "vx"),
        ("strain.nc", "exx"),
        ("strain_ascending.nc", "exx"),
        ("flux.nc", "flux_divergence"),
        ("elevationchange_atl06.nc", "dhdt"),
        ("elevationchange_atl15.nc", "dhdt"),
        ("elevationchange_atl15_windows.nc", "dhdt"),
        ("elevationchange_cube.nc", "dhdt"),
        ("elevationchange_cube_epochs.nc", "dh"),
        ("massbalance.nc", "residual_dhdt"),
    ],
)
def test_gdal_and_rasterio_read_the_crs_and_geotransform_xarray_reads(outputs, name, var):
    from osgeo import gdal
    from pyproj import CRS

    path = outputs[name]
    crs, x, y, top_left, mapping = _xarray_view(path, var)
    dx, dy = abs(x[1] - x[0]), abs(y[1] - y[0])
    expected = (x.min() - dx / 2, dx, 0.0, y.max() + dy / 2, 0.0, -dy)
    src = gdal.Open(f'NETCDF:"{path}":{var}')
    assert src is not None, gdal.GetLastErrorMsg()
    np.testing.assert_allclose(src.GetGeoTransform(), expected, rtol=0, atol=1e-6)
    assert CRS.from_wkt(src.GetProjection()) == crs
    # the attributes agree with each other and with the CRS: CF parameters, crs_wkt, spatial_ref
    assert CRS.from_cf(mapping) == crs
    assert CRS.from_wkt(mapping["crs_wkt"]) == crs and CRS.from_wkt(mapping["spatial_ref"]) == crs
    np.testing.assert_allclose([float(v) for v in mapping["GeoTransform"].split()], expected, atol=1e-6)
    # the same value in the top-left cell (GDAL flips a y-ascending file to north-up)
    band = src.GetRasterBand(1).ReadAsArray()
    if np.isfinite(top_left):
        assert band[0, 0] == pytest.approx(top_left, rel=1e-6)
    else:
        assert not np.isfinite(band[0, 0]) or band[0, 0] == src.GetRasterBand(1).GetNoDataValue()
    import rasterio

    with rasterio.open(f"netcdf:{path}:{var}") as r:
        np.testing.assert_allclose(r.transform.to_gdal(), expected, atol=1e-6)
        assert CRS.from_wkt(r.crs.to_wkt()) == crs


def test_gdal_reads_the_zarr_crs(outputs):
    """The Zarr subset's grid mapping (hidden to NCZarr, see ALLOWED) is there for xarray; GDAL's Zarr
    driver reads the same CRS from its own ``_CRS`` attribute (io.cf.gdal_zarr_crs)."""
    from osgeo import gdal
    from pyproj import CRS

    path = outputs["subset.zarr"]
    crs, x, y, _, mapping = _xarray_view(path, "vx")
    assert crs == CRS.from_epsg(3413) and CRS.from_cf(mapping) == crs
    src = gdal.OpenEx(str(path), gdal.OF_MULTIDIM_RASTER)
    assert src is not None, gdal.GetLastErrorMsg()
    vx = src.GetRootGroup().OpenMDArray("vx")
    assert [d.GetName() for d in vx.GetDimensions()] == ["pair", "y", "x"]
    assert CRS.from_wkt(vx.GetSpatialRef().ExportToWkt()) == crs


def test_polar_stereographic_grid_mappings_are_complete():
    """Exactly one of standard_parallel / scale_factor, and latitude_of_projection_origin (CF Appendix F)."""
    from pyproj import CRS

    from itslive_qgis.core.io import cf

    for epsg, pole, key in ((3413, 90.0, "standard_parallel"), (3031, -90.0, "standard_parallel"),
                            (32661, 90.0, "scale_factor_at_projection_origin")):  # fmt: skip
        attrs = cf.grid_mapping_attrs(epsg)
        assert attrs["latitude_of_projection_origin"] == pole
        assert key in attrs
        assert ("standard_parallel" in attrs) != ("scale_factor_at_projection_origin" in attrs)
        assert CRS.from_cf(attrs) == CRS.from_epsg(epsg) and attrs["spatial_epsg"] == epsg


def test_history_and_provenance_on_every_output(outputs):
    import xarray as xr

    expected = {
        "subset.nc": "itslive:downloadsubset",
        "inversion.nc": "itslive:invert",
        "strain.nc": "itslive:strainrates",
        "flux.nc": "itslive:fluxdivergence",
        "elevationchange_atl15.nc": "itslive:elevationchange",
        "massbalance.nc": "itslive:massbalance",
    }
    for name, algorithm in expected.items():
        with xr.open_dataset(outputs[name], decode_timedelta=False) as ds:
            attrs = ds.attrs
        assert attrs["algorithm"] == algorithm
        assert attrs["software"].startswith("itslive_qgis ") and attrs["software"] != "itslive_qgis"
        assert algorithm in attrs["history"].splitlines()[0]
        assert json.loads(attrs["source_urls"]), name  # every output names where its data came from
        json.loads(attrs["parameters"])
    with xr.open_dataset(outputs["strain.nc"]) as ds:  # the chain is kept: strain <- inversion <- subset
        lines = ds.attrs["history"].splitlines()
    steps = [line.split()[3] for line in lines]  # "<UTC time>: itslive_qgis <version> <algorithm> from ..."
    assert steps == ["itslive:strainrates", "itslive:invert", "itslive:downloadsubset"]


def test_interval_quantities_carry_time_bounds(outputs):
    import xarray as xr

    for name in ("inversion.nc", "strain.nc", "elevationchange_atl15_windows.nc"):
        with xr.open_dataset(outputs[name], decode_times=False) as ds:
            t = ds["time"]
            assert t.attrs["standard_name"] == "time" and t.attrs["calendar"] == "proleptic_gregorian"
            assert t.attrs["units"] == "days since 1970-01-01" and t.dtype == np.float64
            bounds = ds[t.attrs["bounds"]].values
            centres = t.values
            assert np.all(bounds[:, 0] < centres) and np.all(centres < bounds[:, 1])
            width = 4 * 91.3125 if name.startswith("elevationchange") else 30.0  # lag-4 ATL15 windows
            np.testing.assert_allclose(bounds[:, 1] - bounds[:, 0], width, atol=1e-3)


# ------------------------------------------------------------------ old and new pair layouts
@pytest.fixture(scope="module")
def old_and_new(outputs, tmp_path_factory):
    """The same subset in the layout written before io.cf (pair dim ``mid_date``) and the CF one."""
    import xarray as xr

    from itslive_qgis.core.io import cf

    root = tmp_path_factory.mktemp("layouts")
    new = outputs["subset.nc"]
    with xr.open_dataset(new, decode_timedelta=False) as raw:
        assert raw["vx"].dims == ("pair", "y", "x") and raw["mid_date"].dims == ("pair",)
        assert "mid_date" not in raw.indexes
        mem = cf.pairs_from_disk(raw).load()
    assert mem["vx"].dims == ("mid_date", "y", "x")
    assert not mem.indexes["mid_date"].is_unique  # duplicates kept, as they must be
    old = root / "old_subset.nc"
    enc = {n: {"_FillValue": np.nan} for n in mem.data_vars if mem[n].dtype.kind == "f"}
    enc.update({n: {"dtype": "S1"} for n in mem.variables if mem[n].dtype.kind in "OU"})
    mem.to_netcdf(old, encoding=enc)  # the old layout: mid_date is the (non-monotonic) dimension
    old_zarr = root / "old_subset.zarr"
    mem.to_zarr(old_zarr, zarr_format=2, consolidated=True)
    return {"old": old, "new": new, "old_zarr": old_zarr, "new_zarr": outputs["subset.zarr"]}


def test_every_core_reader_reads_old_and_new_subsets_alike(old_and_new):
    import xarray as xr

    from itslive_qgis.core.cube.pairs import open_pairs
    from itslive_qgis.core.fields.grid import read_velocity_dataset
    from itslive_qgis.core.inversion import invert_dataset
    from itslive_qgis.core.io import StoreConfig, open_cube_dataset
    from itslive_qgis.core.timeseries.read import read_file_series

    a, b = open_pairs(str(old_and_new["old"])).load(), open_pairs(str(old_and_new["new"])).load()
    assert a["vx"].dims == b["vx"].dims == ("mid_date", "y", "x")
    np.testing.assert_array_equal(a["mid_date"].values, b["mid_date"].values)
    np.testing.assert_array_equal(a["vx"].values, b["vx"].values)
    np.testing.assert_array_equal(a["satellite_img1"].values, b["satellite_img1"].values)
    za = open_cube_dataset(str(old_and_new["old_zarr"]), StoreConfig.from_env())
    zb = open_cube_dataset(str(old_and_new["new_zarr"]), StoreConfig.from_env())
    assert za["vx"].dims == zb["vx"].dims == ("mid_date", "y", "x")
    np.testing.assert_array_equal(za["vx"].values, zb["vx"].values)
    sat_a, sat_b = (z["satellite_img1"].values.astype(str) for z in (za, zb))
    np.testing.assert_array_equal(sat_a, sat_b)
    x, y = float(a["x"].values[3]), float(a["y"].values[2])
    sa = read_file_series(Path(old_and_new["old"]), x, y, None)
    sb = read_file_series(Path(old_and_new["new"]), x, y, None)
    np.testing.assert_array_equal(sa.mid_date_days, sb.mid_date_days)
    np.testing.assert_array_equal(sa.vx, sb.vx)
    assert np.isfinite(sb.vx).sum() > 10
    ga, gb = read_velocity_dataset(str(old_and_new["old"])), read_velocity_dataset(str(old_and_new["new"]))
    assert ga.time_dim == gb.time_dim == "mid_date"
    np.testing.assert_array_equal(ga.vx, gb.vx)
    # a notebook's xr.open_dataset of a new subset goes straight into invert_dataset
    with xr.open_dataset(old_and_new["new"], decode_timedelta=False) as raw:
        ib = invert_dataset(raw.load(), interval_days=60.0)
    ia = invert_dataset(a, interval_days=60.0)
    np.testing.assert_array_equal(ia["vx"].values, ib["vx"].values)
    assert np.isfinite(ib["vx"].values).any()


def test_geotiff_outputs_carry_the_provenance(outputs, mirror, tmp_path):
    """GeoTIFF outputs (strain/flux .tif, mosaic clips) are outside CF, but carry the same provenance."""
    import rasterio
    import xarray as xr

    from itslive_qgis.core.fields.strain import strain_rates_to_file
    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.core.mosaic.clip import clip_mosaic
    from tests.fixtures.generator import mosaic_grid

    with xr.open_dataset(outputs["inversion.nc"]) as ds:
        step = ds.isel(time=0).load()
    tif = strain_rates_to_file(step, tmp_path / "strain.tif")
    with rasterio.open(tif) as src:
        tags = src.tags()
    assert tags["algorithm"] == "itslive:strainrates" and "itslive:invert" in tags["history"].splitlines()[1]
    assert json.loads(tags["parameters"])["strain_method"] == "central differences"
    x, y = mosaic_grid()
    area = (x[40] - 60, y[60] - 60, x[50] + 60, y[50] + 60)
    cfg = StoreConfig(endpoint_url=mirror.endpoint_url)
    (clip,) = clip_mosaic(area, "EPSG:3413", ["v"], year=2018, output_dir=tmp_path, config=cfg)
    with rasterio.open(clip) as src:
        tags = src.tags()
    assert tags["algorithm"] == "itslive:mosaic" and tags["software"].startswith("itslive_qgis 0")
    assert json.loads(tags["source_urls"]) == [tags["source"]] and tags["source"] in tags["history"]
    assert json.loads(tags["parameters"]) == {"variable": "v", "region": "RGI05A", "year": 2018}


def test_point_series_reads_old_and_new_zarr_subsets_alike(old_and_new):
    """The raw zarr pixel reader (the dock's point panel on a store) sees the ``pair`` index as mid_date."""
    import xarray as xr

    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.core.timeseries import point_series

    with xr.open_dataset(old_and_new["old"]) as ds:
        x, y = float(ds["x"].values[3]), float(ds["y"].values[2])
    got, config = {}, StoreConfig.from_env()
    for tag in ("old_zarr", "new_zarr"):
        (got[tag],) = point_series(x, y, "EPSG:3413", config=config, cube_urls=[old_and_new[tag]])
    a, b = got["old_zarr"], got["new_zarr"]
    assert len(b) == len(a) > 10
    np.testing.assert_array_equal(a.mid_date_days, b.mid_date_days)
    np.testing.assert_array_equal(a.vx, b.vx)
    np.testing.assert_array_equal(a.satellite, b.satellite)


# ------------------------------------------------------------------ composites and seasonal fits
#: itslive:composite (the mirror's annual composites under EXTENT) and itslive:seasonalfit (of the subset's
#: pairs, of the inversion result, and of the y-ascending inversion result)
COMP_OUTPUTS = ("composite.nc", "seasonal_pairs.nc", "seasonal_inversion.nc", "seasonal_ascending.nc")


@pytest.fixture(scope="module")
def comp_outputs(outputs, mirror, tmp_path_factory) -> dict[str, Path]:
    from shapely.geometry import box

    from itslive_qgis.core.catalog.catalog import cube_urls_for_area
    from itslive_qgis.core.composite import KNOWN_VARIABLES, composite_to_file
    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.core.seasonal import seasonal_fit

    root = tmp_path_factory.mktemp("cf_comp")
    config = StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=root / "cache", retries=2)
    urls = cube_urls_for_area(box(*EXTENT), "EPSG:3413", config)
    out = {"composite.nc": root / "composite.nc"}
    composite_to_file(
        urls, EXTENT, "EPSG:3413", out["composite.nc"], 2016, 2020, KNOWN_VARIABLES, config=config
    )
    for name, src in (("seasonal_pairs.nc", "subset.nc"), ("seasonal_inversion.nc", "inversion.nc"),
                      ("seasonal_ascending.nc", "inversion_ascending.nc")):  # fmt: skip
        out[name] = seasonal_fit(str(outputs[src]), root / name)
    return out


@pytest.mark.parametrize("name", COMP_OUTPUTS)
def test_composite_and_seasonal_outputs_pass_the_checker(comp_outputs, name, tmp_path):
    test_compliance_checker_cf18_is_clean(comp_outputs, name, tmp_path)


@pytest.mark.parametrize(
    "name,var",
    [
        ("composite.nc", "vx"),
        ("composite.nc", "v_amp"),
        ("seasonal_pairs.nc", "vx0"),
        ("seasonal_inversion.nc", "v_amp"),
        ("seasonal_ascending.nc", "vx0"),
    ],
)
def test_gdal_reads_the_composite_and_seasonal_crs_and_geotransform(comp_outputs, name, var):
    test_gdal_and_rasterio_read_the_crs_and_geotransform_xarray_reads(comp_outputs, name, var)


def test_composite_and_seasonal_provenance_and_annual_time_bounds(comp_outputs):
    import xarray as xr

    for name, algorithm, previous in (
        ("composite.nc", "itslive:composite", None),
        ("seasonal_pairs.nc", "itslive:seasonalfit", "itslive:downloadsubset"),
        ("seasonal_inversion.nc", "itslive:seasonalfit", "itslive:invert"),
    ):
        with xr.open_dataset(comp_outputs[name]) as ds:
            attrs = ds.attrs
        assert attrs["algorithm"] == algorithm and attrs["Conventions"] == "CF-1.8"
        lines = attrs["history"].splitlines()
        assert algorithm in lines[0] and (previous is None or previous in lines[1])
        sources = json.loads(attrs["source_urls"])
        assert sources and all(isinstance(s, str) for s in sources)
        json.loads(attrs["parameters"])
    with xr.open_dataset(comp_outputs["composite.nc"], decode_times=False) as ds:
        t = ds["time"]
        assert t.attrs["standard_name"] == "time" and t.attrs["units"] == "days since 1970-01-01"
        assert "_FillValue" not in t.attrs and "_FillValue" not in ds["x"].attrs
        bounds = ds[t.attrs["bounds"]].values
    years = np.arange(2016, 2021)
    starts = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype("float64")
    ends = (years - 1969).astype("datetime64[Y]").astype("datetime64[D]").astype("float64")
    np.testing.assert_array_equal(t.values, starts)  # 1 January of each year
    np.testing.assert_array_equal(bounds[:, 0], starts)
    np.testing.assert_array_equal(bounds[:, 1], ends)  # each year's interval, 365 or 366 days
    assert sorted(set(np.diff(bounds, axis=1).ravel())) == [365.0, 366.0]
