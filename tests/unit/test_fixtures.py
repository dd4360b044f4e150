"""The synthetic ITS_LIVE fixtures are faithful: real on-disk format, known truth, served anonymously.

Independent truths used here: the REAL block's ``.zmetadata`` and the real catalog (format), the
numerical time integral of the truth (closed-form pair averages), pyproj's meridian convergence
(UTM rotation), and the noise model stated in ``tests/fixtures/pairs.py``.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from tests.fixtures.generator import (
    CATALOG_KEY,
    REAL_BLOCK_KEY,
    REAL_BLOCK_NAME,
    build_bucket_tree,
    default_tiles,
    mosaic_grid,
    mosaic_keys,
    mosaic_truth,
    pair_average_truth,
    synthesize_pairs,
    truth_velocity,
    write_cube,
)
from tests.fixtures.truth import TileSpec, centreline_y, transform_xy

TILES = {t.label: t for t in default_tiles()}
REAL_CATALOG = "catalog/catalog_v02.json"
DATE_IN_ID = re.compile(r"_(\d{8})(?=[T_])")
_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # numpy < 2 has only trapz


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> dict[str, Path]:
    return build_bucket_tree(tmp_path_factory.mktemp("bucket"), with_real_block=True)


def _zmeta(path: Path) -> dict:
    return json.loads((path / ".zmetadata").read_text())["metadata"]


def _raw(path: Path, name: str):
    import zarr

    return zarr.open_group(str(path), mode="r")[name][...]


# --- format ------------------------------------------------------------------------------------


@pytest.mark.real_data
@pytest.mark.parametrize("label", sorted(TILES))
def test_zmetadata_matches_the_real_block(tree, shared_data, label):
    real = _zmeta(shared_data / "datacube" / REAL_BLOCK_NAME)
    synth = _zmeta(tree[TILES[label].key])
    assert synth[".zgroup"] == {"zarr_format": 2}
    assert sorted(synth[".zattrs"]) == sorted(real[".zattrs"])  # the 19 global attributes
    names = {k.split("/")[0] for k in real if "/" in k} & {k.split("/")[0] for k in synth if "/" in k}
    names -= {"mapping", "spatial_ref"}  # clip: rioxarray int64 scalars; production: '' string
    assert len(names) >= 62
    for name in sorted(names):
        r_arr, s_arr = real[f"{name}/.zarray"], synth[f"{name}/.zarray"]
        r_att, s_att = real[f"{name}/.zattrs"], synth[f"{name}/.zattrs"]
        assert s_arr["dtype"] == r_arr["dtype"], name
        assert s_arr["fill_value"] == r_arr["fill_value"], name  # "NaN", null, -32767.0, 0.0
        assert s_arr["zarr_format"] == 2 and s_arr["order"] == "C" and s_arr["filters"] is None
        assert s_att.get("missing_value") == r_att.get("missing_value"), name
        assert s_att["_ARRAY_DIMENSIONS"] == r_att["_ARRAY_DIMENSIONS"], name
        if name in ("x", "y"):  # production x/y: zlib L2, units 'm' (the clip was re-written by rioxarray)
            assert s_arr["compressor"]["cname"] == "zlib" and s_att["units"] == "m"
            continue
        assert s_arr["compressor"] == r_arr["compressor"], name
        assert s_att.get("units") == r_att.get("units"), name
        assert set(s_att) == set(r_att) - {"coordinates"}, name
        if len(r_att["_ARRAY_DIMENSIONS"]) == 3:
            assert s_arr["chunks"][1:] == r_arr["chunks"][1:] == [10, 10]
    attrs = synth[".zattrs"]
    assert attrs["Conventions"] == "CF-1.8" and attrs["projection"] == str(TILES[label].epsg)
    assert isinstance(attrs["latitude"], float) and isinstance(attrs["longitude"], float)
    assert len(json.loads(attrs["geo_polygon"])) == 17 and len(json.loads(attrs["proj_polygon"])) == 17
    for key in ("date_created", "date_updated"):
        assert re.fullmatch(r"\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d", attrs[key])


@pytest.mark.parametrize("label", sorted(TILES))
def test_grid_descending_y_and_invariant(tree, label):
    tile = TILES[label]
    path = tree[tile.key]
    x, y = _raw(path, "x"), _raw(path, "y")
    assert np.all(np.diff(x) == 120.0) and np.all(np.diff(y) == -120.0)
    assert np.all(np.mod(x, 120.0) == 52.5) and np.all(np.mod(y, 120.0) == 67.5)
    mapping = _zmeta(path)["mapping/.zattrs"]
    gt = [float(v) for v in mapping["GeoTransform"].split()]
    assert gt == [x[0] - 60.0, 120.0, 0.0, y[0] + 60.0, 0.0, -120.0]  # corner based
    assert mapping["spatial_epsg"] == tile.epsg
    expected = "polar_stereographic" if tile.epsg == 3413 else "universal_transverse_mercator"
    assert mapping["grid_mapping_name"] == expected
    # the name's centre is the actual centre, to the grid-invariant shift (< 60 m)
    assert abs(0.5 * (x[0] + x[-1]) - tile.x_centre_m) < 60
    assert abs(0.5 * (y[0] + y[-1]) - tile.y_centre_m) < 60


def test_tile_names_and_bins():
    from pyproj import Transformer

    for tile in TILES.values():
        to_lonlat = Transformer.from_crs(tile.epsg, 4326, always_xy=True)
        lon, lat = to_lonlat.transform(tile.x_centre_m, tile.y_centre_m)
        assert tile.bin_name == f"N{int(lat // 10) * 10:02d}W{int(-lon // 10) * 10:03d}" == "N60W040"
        assert tile.key == (
            f"datacubes/v2-updated-october2024/N60W040/ITS_LIVE_vel_EPSG{tile.epsg}_G0120_"
            f"X{tile.x_centre_m}_Y{tile.y_centre_m}.zarr"
        )
    a, b = TILES["GRE_A"], TILES["GRE_B"]
    assert a.x_max_m == b.x_min_m and a.y.tolist() == b.y.tolist()  # shared edge


@pytest.mark.parametrize("label", sorted(TILES))
def test_pair_axis_like_production(tree, label):
    path = tree[TILES[label].key]
    mid = _raw(path, "mid_date")
    d1, d2 = _raw(path, "acquisition_date_img1"), _raw(path, "acquisition_date_img2")
    assert np.any(np.diff(mid) < 0), "mid_date must be unsorted (appended in batches)"
    assert 0.85 * mid.size < np.unique(mid).size < mid.size, "mid_date must be partly duplicated"
    reversed_ = d1 > d2
    assert 0.005 < reversed_.mean() < 0.08
    assert np.all(np.abs(mid - 0.5 * (d1 + d2)) < 1.0 / 86400)  # within 1 s (granule-centroid microseconds)
    assert np.allclose(_raw(path, "date_center"), 0.5 * (d1 + d2), rtol=0, atol=1e-9)
    dt = _raw(path, "date_dt")
    assert np.allclose(dt, np.abs(d2 - d1), atol=1e-3)
    assert dt.min() >= 4.9 and dt.max() <= 560 and np.mean(dt <= 60) > 0.5
    sat1, sen1, mis1 = _raw(path, "satellite_img1"), _raw(path, "sensor_img1"), _raw(path, "mission_img1")
    assert set(sat1) <= {"7", "8", "9", "2A", "2B", "1A"} and {"8", "2A", "2B", "1A"} <= set(sat1)
    allowed = {"7": {"E"}, "8": {"O", "C"}, "9": {"O", "C"}, "2A": {"MSI"}, "2B": {"MSI"}, "1A": {"C"}}
    assert all(s in allowed[k] for k, s in zip(sat1, sen1))
    assert all((m == "L") == (k in "789") for k, m in zip(sat1, mis1))
    urls = _raw(path, "granule_url")
    sat2 = _raw(path, "satellite_img2")
    for url, a, b, s1, s2 in zip(urls, d1, d2, sat1, sat2):
        id1, id2 = url.rsplit("/", 1)[1].split("_G0120V02_")[0].split("_X_")
        for image_id, day, sat in ((id1, a, s1), (id2, b, s2)):
            stamp = np.datetime64(int(round(day * 86400)), "s").astype("datetime64[D]")
            assert DATE_IN_ID.search(image_id).group(1) == str(stamp).replace("-", ""), url
            sat_in_id = image_id[2:4].lstrip("0") if image_id.startswith("L") else image_id[1:3]
            assert sat_in_id == sat, url


# --- truth -----------------------------------------------------------------------------------


def test_pair_average_truth_is_the_time_integral():
    tile = TILES["GRE_A"]
    y, x = centreline_y(-179000.0) - 300.0, -179000.0
    for t1, t2 in [(17000.3, 17005.3), (17100.0, 17160.0), (18000.0, 18547.0)]:
        t = np.linspace(t1, t2, 20001)
        vx, vy = truth_velocity(tile, t, y, x)
        ax, ay = pair_average_truth(tile, t2, t1, y, x)
        assert _trapezoid(vx, t) / (t2 - t1) == pytest.approx(float(ax), rel=1e-8)
        assert _trapezoid(vy, t) / (t2 - t1) == pytest.approx(float(ay), rel=1e-8)


def test_truth_has_glacier_shape_season_and_trend():
    tile = TILES["GRE_A"]
    x = -180000.0
    yc = float(centreline_y(x))
    summer, winter = 17167.0 + 195, 17167.0 + 15  # 2017-07-15, 2017-01-16
    trunk = np.hypot(*truth_velocity(tile, summer, yc, x))
    assert 1000 < trunk < 3500
    assert np.hypot(*truth_velocity(tile, summer, yc + 1900.0, x)) < 30  # slow margin
    assert np.hypot(*truth_velocity(tile, summer, yc + 2900.0, x)) < 1e-3  # rock
    assert trunk > 1.2 * np.hypot(*truth_velocity(tile, winter, yc, x))  # summer speed-up
    later = np.hypot(*pair_average_truth(tile, 19358.0, 19723.0, yc, x))  # 2023
    earlier = np.hypot(*pair_average_truth(tile, 16436.0, 16801.0, yc, x))  # 2015
    assert later / earlier == pytest.approx((1 + 0.03 * 4.5) / (1 - 0.03 * 3.5), rel=0.02)


def test_utm_truth_is_the_same_ground_velocity_rotated():
    from pyproj import Proj

    a, utm = TILES["GRE_A"], TILES["GRE_UTM22"]
    x3413 = a.x_max_m - 500.0
    y3413 = float(centreline_y(x3413))
    xu, yu = transform_xy(3413, utm.epsg, x3413, y3413)
    lon, lat = transform_xy(3413, 4326, x3413, y3413)
    va = np.array(truth_velocity(a, 18000.0, y3413, x3413), dtype=float)
    vu = np.array(truth_velocity(utm, 18000.0, yu, xu), dtype=float)
    assert np.hypot(*vu) == pytest.approx(np.hypot(*va), rel=1e-9)
    gamma = [Proj(f"EPSG:{e}").get_factors(lon, lat).meridian_convergence for e in (3413, utm.epsg)]
    turn = math.degrees(math.atan2(vu[1], vu[0]) - math.atan2(va[1], va[0]))
    assert turn == pytest.approx(gamma[1] - gamma[0], abs=1e-3)  # grid north moves by the convergence


@pytest.mark.parametrize("label", sorted(TILES))
def test_stored_pairs_are_truth_average_plus_stated_noise(tree, label):
    tile = TILES[label]
    path = tree[tile.key]
    d1, d2 = _raw(path, "acquisition_date_img1"), _raw(path, "acquisition_date_img2")
    vx, vy, v = (_raw(path, n).astype("float64") for n in ("vx", "vy", "v"))
    ex, ey = _raw(path, "vx_error").astype("float64"), _raw(path, "vy_error").astype("float64")
    valid = vx != -32767
    assert np.array_equal(valid, vy != -32767) and np.array_equal(valid, v != -32767)
    assert 0.3 < valid.mean() < 0.9 and np.any(~valid.any(axis=(1, 2)))  # gaps, some empty pairs
    assert np.array_equal(v[valid], np.round(np.hypot(vx, vy))[valid])
    yy, xx = np.meshgrid(tile.y, tile.x, indexing="ij")
    t1, t2 = np.minimum(d1, d2)[:, None, None], np.maximum(d1, d2)[:, None, None]
    tx, ty = pair_average_truth(tile, t1, t2, yy[None], xx[None])
    zx = ((vx - tx) / ex[:, None, None])[valid]
    zy = ((vy - ty) / ey[:, None, None])[valid]
    outlier = (np.abs(zx) > 6) | (np.abs(zy) > 6)
    assert 0 < outlier.mean() < 0.005  # a few blunders
    for z in (zx[~outlier], zy[~outlier]):
        assert abs(z.mean()) < 0.02 and z.std() == pytest.approx(1.0, abs=0.03)
    # the blunders are exactly the generator's documented outliers
    pairs = synthesize_pairs(tile)
    assert np.array_equal(pairs.valid, valid)
    assert np.all(pairs.outlier[valid][outlier])


def test_write_cube_round_trip_with_pair_chunks(tmp_path):
    from itslive_qgis.core.cube.pairs import open_cube

    tile = TileSpec("tiny", 32622, 562000, 7668000, 23, 17, 130, 7)
    pairs = synthesize_pairs(tile)
    path = write_cube(tmp_path / tile.name, tile, pair_chunk=40, pairs=pairs)
    meta = _zmeta(path)
    assert meta["vx/.zarray"]["chunks"] == [40, 10, 10] and meta["vx/.zarray"]["shape"] == [130, 17, 23]
    assert meta["mid_date/.zarray"]["chunks"] == [40]
    assert not [p for p in tmp_path.iterdir() if p.name != tile.name]  # no temporary left behind
    ds = open_cube(str(path))
    assert np.array_equal(ds["vx"].values, np.where(pairs.valid, pairs.vx, np.nan), equal_nan=True)
    assert ds["mapping"].attrs["utm_zone_number"] == 22


def test_generation_is_deterministic():
    tile = TileSpec("tiny", 3413, -180000, -2280000, 20, 20, 120, 5)
    a, b, c = synthesize_pairs(tile), synthesize_pairs(tile), synthesize_pairs(tile, seed=6)
    assert np.array_equal(a.vx, b.vx) and np.array_equal(a.meta["mid_date"], b.meta["mid_date"])
    assert not np.array_equal(a.meta["mid_date"], c.meta["mid_date"])


# --- catalog and mosaics -----------------------------------------------------------------------


def test_catalog_like_the_real_one(tree, shared_data):
    from shapely.geometry import Point, shape

    real = json.loads((shared_data / REAL_CATALOG).read_text())
    synth = json.loads(Path(tree[CATALOG_KEY]).read_text())
    assert synth["type"] == real["type"] == "FeatureCollection" and synth["name"] == real["name"]
    real_props = real["features"][0]["properties"]
    by_url = {}
    for feat in synth["features"]:
        props = feat["properties"]
        assert set(props) == set(real_props) | {"granule_count"}
        for name, value in real_props.items():
            assert type(props[name]) is type(value), name
        assert isinstance(props["granule_count"], int) and props["datacube_exist"] == 1
        assert props["fill-opacity"] == pytest.approx(1 - props["roi_percent_coverage"] / 100)
        ring = feat["geometry"]["coordinates"][0]
        assert feat["geometry"]["type"] == "Polygon" and ring[0] == ring[-1] and len(ring) == 5
        by_url[props["zarr_url"]] = feat
    for tile in TILES.values():
        feat = by_url[f"http://its-live-data.s3.amazonaws.com/{tile.key}"]
        x, y = _raw(tree[tile.key], "x"), _raw(tree[tile.key], "y")
        corners = feat["properties"]["geometry_epsg"]["coordinates"][0]
        assert corners[0] == [x[0] - 60, y[-1] - 60] and corners[2] == [x[-1] + 60, y[0] + 60]
        assert feat["properties"]["epsg"] == tile.epsg
        assert feat["properties"]["granule_count"] == _raw(tree[tile.key], "mid_date").size
    # a point just west of the seam on the glacier is in GRE_A and the UTM tile, not GRE_B
    seam = TILES["GRE_A"].x_max_m
    for dx, inside in ((-300.0, {"GRE_A", "GRE_UTM22"}), (300.0, {"GRE_B", "GRE_UTM22"})):
        lon, lat = transform_xy(3413, 4326, seam + dx, float(centreline_y(seam + dx)))
        hits = {
            label
            for label, tile in TILES.items()
            if shape(by_url[f"http://its-live-data.s3.amazonaws.com/{tile.key}"]["geometry"]).contains(
                Point(float(lon), float(lat))
            )
        }
        assert hits == inside
    block = by_url[f"http://its-live-data.s3.amazonaws.com/{REAL_BLOCK_KEY}"]
    assert block["properties"]["geometry_epsg"]["coordinates"][0][0] == [786592.5, 3312247.5]
    assert block["properties"]["granule_count"] == 47892


def test_mosaic_cogs_are_valid_and_hold_the_truth_mean(tree):
    import rasterio

    x, y = mosaic_grid()
    for label, key in mosaic_keys().items():
        with rasterio.open(tree[key]) as src:
            assert src.crs.to_epsg() == 3413 and src.res == (120.0, 120.0)
            assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
            assert src.profile["tiled"] and src.block_shapes[0] == (64, 64) and src.overviews(1)
            assert (src.transform.c + 60) % 120 == 52.5 and (src.transform.f - 60) % 120 == 67.5
            if label.split("_", 1)[1] in ("v", "vx", "vy"):
                assert src.nodata == -32767 and src.dtypes[0] == "float32"
                assert src.units[0] == "meter/year" and src.tags(1)["units"] == "meter/year"
    # an independent check of the values: numerical time mean of the instantaneous truth
    row, col = 40, 90
    for year, bounds in ((2018, (17532.0, 17897.0)), (None, (16071.0, 19358.0))):
        t = np.linspace(*bounds, 40001)
        vx_t, vy_t = truth_velocity(3413, t, y[row], x[col])
        prefix = "static" if year is None else str(year)
        with rasterio.open(tree[mosaic_keys()[f"{prefix}_vx"]]) as src:
            assert src.read(1)[row, col] == pytest.approx(_trapezoid(vx_t, t) / (t[-1] - t[0]), rel=1e-5)
        with rasterio.open(tree[mosaic_keys()[f"{prefix}_v"]]) as src:
            mx, my = mosaic_truth(year, y[row], x[col])
            assert src.read(1)[row, col] == pytest.approx(float(np.hypot(mx, my)), rel=1e-6)
        with rasterio.open(tree[mosaic_keys()[f"{prefix}_vy"]]) as src:
            assert src.read(1)[row, col] == pytest.approx(_trapezoid(vy_t, t) / (t[-1] - t[0]), rel=1e-5)


# --- the mirror ------------------------------------------------------------------------------------


@pytest.mark.mirror
def test_mirror_serves_anonymously(mirror):
    import s3fs
    import xarray as xr

    fs = s3fs.S3FileSystem(anon=True, client_kwargs={"endpoint_url": mirror.endpoint_url})
    assert fs.ls("its-live-data/datacubes/v2-updated-october2024/N60W040", detail=False) == sorted(
        f"its-live-data/{t.key}" for t in TILES.values()
    )
    catalog = json.loads(fs.cat(f"its-live-data/{CATALOG_KEY}"))
    assert len(catalog["features"]) >= 3
    key = TILES["GRE_UTM22"].key
    ds = xr.open_zarr(mirror.url(key), storage_options=mirror.storage_options(), decode_timedelta=False)
    assert ds.sizes["x"] == 40 and ds["y"].values[0] > ds["y"].values[-1]
    local = _raw(mirror.roots[key], "vx")[:50]
    served = ds["vx"].isel(mid_date=slice(0, 50)).values
    assert np.array_equal(np.where(local == -32767, np.nan, local), served, equal_nan=True)


@pytest.mark.mirror
def test_core_open_cube_reads_the_mirror(mirror):
    from itslive_qgis.core.cube.pairs import clean_pairs, open_cube
    from itslive_qgis.core.io import StoreConfig

    config = StoreConfig(endpoint_url=mirror.endpoint_url)
    url = f"http://its-live-data.s3.amazonaws.com/{TILES['GRE_A'].key}"  # as the catalog names it
    ds = clean_pairs(open_cube(url, config))
    assert ds.sizes["mid_date"] == TILES["GRE_A"].n_pairs and ds.attrs["pairs_swapped"] > 0
    if any(k.startswith(REAL_BLOCK_KEY + "/") for k in mirror.keys):
        real = open_cube(f"s3://its-live-data/{REAL_BLOCK_KEY}", config)
        assert real.sizes["mid_date"] == 47892  # ITSLIVE_FORMAT_SPEC.md section 5


@pytest.mark.mirror
def test_rasterio_reads_cogs_through_vsis3(mirror):
    import rasterio

    key = mosaic_keys()["static_v"]
    with rasterio.Env(**mirror.gdal_env()):
        with rasterio.open(f"/vsis3/its-live-data/{key}") as src:
            assert src.crs.to_epsg() == 3413 and src.overviews(1)
            data = src.read(1)
    with rasterio.open(mirror.roots[key]) as local:
        assert np.array_equal(local.read(1), data)
