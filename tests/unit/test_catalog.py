"""Datacube catalog: validation, cache behaviour and look-ups checked against independent truth.

Truth for the look-ups is (a) the tile names of the format spec section 5 and (b) a brute
force over the RAW JSON features: the query is densified and projected with pyproj straight
into each candidate cube's EPSG and intersected with its ``geometry_epsg`` square in shapely.
"""

from __future__ import annotations

import http.server
import json
import math
import os
import shutil
import threading
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import shapely
import shapely.affinity
import shapely.geometry
from pyproj import CRS, Geod, Proj, Transformer

from itslive_qgis.core.catalog import (
    FOOTPRINT_FIELDS,
    STATUS_CACHE,
    STATUS_REFRESH_FAILED,
    STATUS_REFRESHED,
    Catalog,
    load_catalog,
    tile_name,
)
from itslive_qgis.core.errors import DataError, InputError, NetworkError
from itslive_qgis.core.store import StoreConfig

CATALOGS = {
    "2023": "catalog_v02.json",
    "2024": "catalog_v2_updated_october2024_stripped.json",
    "2022": "catalog_v02_regions_2022.json",
}
# Format spec section 5: (lat, lon) -> tile(s) in the real catalogs.
LOOKUPS = {
    "jakobshavn": ((69.1117, -49.4604), ["N60W040/ITS_LIVE_vel_EPSG3413_G0120_X-150000_Y-2250000.zarr"]),
    "columbia": ((61.1804, -146.9751), ["N60W140/ITS_LIVE_vel_EPSG3413_G0120_X-3150000_Y650000.zarr"]),
    "malaspina": ((60.08343, -140.46707), ["N60W140/ITS_LIVE_vel_EPSG3413_G0120_X-3250000_Y350000.zarr"]),
    "kangerlussuaq": ((68.63, -33.0), ["N60W030/ITS_LIVE_vel_EPSG3413_G0120_X450000_Y-2250000.zarr"]),
    "bering": ((60.2, -143.3), ["N60W140/ITS_LIVE_vel_EPSG3413_G0120_X-3250000_Y450000.zarr"]),
    "seam": (
        (29.92, 95.962),
        [
            "N30E090/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000.zarr",
            "N30E090/ITS_LIVE_vel_EPSG32647_G0120_X250000_Y3350000.zarr",
        ],
    ),
}
# Projected CRSs in which each place is also queried as a small extent.
EXTENT_CRS = {
    "jakobshavn": ["EPSG:3413", "EPSG:3857", "EPSG:32622"],
    "columbia": ["EPSG:3413", "EPSG:3857", "EPSG:32606", "EPSG:3338"],
    "malaspina": ["EPSG:3413", "EPSG:3857", "EPSG:32607"],
    "kangerlussuaq": ["EPSG:3413", "EPSG:3857", "EPSG:32625"],
    "bering": ["EPSG:3413", "EPSG:3857", "EPSG:32607"],
    "seam": ["EPSG:32646", "EPSG:32647", "EPSG:3857", "EPSG:4326"],
}


# --------------------------------------------------------------------------- fixtures and truth
@pytest.fixture(scope="module")
def catalog_dir(shared_data) -> Path:
    path = shared_data / "catalog"
    if not (path / CATALOGS["2023"]).is_file():
        pytest.skip(f"real ITS_LIVE catalogs not present in {path}: real-catalog checks skipped")
    return path


@pytest.fixture(scope="module")
def catalogs(catalog_dir) -> dict[str, Catalog]:
    return {k: Catalog.from_geojson(catalog_dir / v) for k, v in CATALOGS.items()}


@pytest.fixture(scope="module")
def raw(catalog_dir) -> list[dict]:
    """The 2023 catalog's features read with json + shapely only (independent of the module)."""
    out = []
    for f in json.loads((catalog_dir / CATALOGS["2023"]).read_text())["features"]:
        p = f["properties"]
        lon, lat = np.asarray(f["geometry"]["coordinates"][0])[:4].T
        out.append(
            {
                "url": p["zarr_url"],
                "epsg": int(p["epsg"]),
                "square": shapely.Polygon(p["geometry_epsg"]["coordinates"][0]),
                "centre": _mean_lonlat(lon, lat),
            }
        )
    return out


@lru_cache(maxsize=256)
def _tr(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def _mean_lonlat(lon, lat) -> tuple[float, float]:
    v = np.array(
        [
            np.cos(np.radians(lat)) * np.cos(np.radians(lon)),
            np.cos(np.radians(lat)) * np.sin(np.radians(lon)),
            np.sin(np.radians(lat)),
        ]
    ).mean(axis=1)
    return math.degrees(math.atan2(v[1], v[0])), math.degrees(math.atan2(v[2], math.hypot(v[0], v[1])))


def _angle_deg(a, b) -> float:
    return Geod(ellps="sphere").inv(a[0], a[1], b[0], b[1])[2] / 6370997.0 * 180.0 / math.pi


def brute_force(raw, query, crs: str, near=None, max_deg=30.0, epsgs=None) -> set[str]:
    """URLs whose square meets ``query`` (in ``crs``) projected straight into the cube's EPSG."""
    dense = shapely.segmentize(query, max(query.length / 2000.0, 1e-6)) if query.length > 0 else query
    projected: dict[int, object] = {}
    out = set()
    for f in raw:
        if epsgs is not None and f["epsg"] not in epsgs:
            continue
        if near is not None and _angle_deg(near, f["centre"]) > max_deg:
            continue
        if f["epsg"] not in projected:
            tr = _tr(crs, f"EPSG:{f['epsg']}")
            projected[f["epsg"]] = shapely.make_valid(
                shapely.transform(dense, lambda c, tr=tr: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
            )
        if projected[f["epsg"]].intersects(f["square"]):
            out.add(f["url"])
    return out


def box_around(lat: float, lon: float, crs: str, half_m: float = 1000.0):
    """A square of side 2 * half_m (CRS units; degrees/111 km for geographic) around a place."""
    x, y = _tr("EPSG:4326", crs).transform(lon, lat)
    h = half_m / 111_000.0 if CRS.from_user_input(crs).is_geographic else half_m
    return shapely.box(x - h, y - h, x + h, y + h)


def urls(records) -> set[str]:
    return {r.zarr_url for r in records}


def _ends(found: list[str], expected: list[str]) -> bool:
    return sorted(e for e in expected if any(f.endswith(e) for f in found)) == sorted(expected)


# --------------------------------------------------------------------------- look-ups
@pytest.mark.parametrize("generation", ["2023", "2024", "2022"])
@pytest.mark.parametrize("place", list(LOOKUPS))
def test_spec_lookups_as_points(catalogs, generation, place):
    (lat, lon), expected = LOOKUPS[place]
    found = [r.zarr_url for r in catalogs[generation].find(shapely.Point(lon, lat), "EPSG:4326")]
    assert len(found) == len(expected), found
    assert _ends(found, expected), found
    assert catalogs[generation].find((lon, lat), 4326)[0].zarr_url == found[0]


@pytest.mark.parametrize("place", list(LOOKUPS))
def test_spec_lookups_as_small_extents_in_other_crs(catalogs, raw, place):
    (lat, lon), expected = LOOKUPS[place]
    for crs in EXTENT_CRS[place]:
        query = box_around(lat, lon, crs)
        matches = catalogs["2023"].matches(query, crs)
        found = [m.record.zarr_url for m in matches]
        assert set(found) == brute_force(raw, query, crs, near=(lon, lat), max_deg=5.0), crs
        assert _ends(found, expected), (crs, found)
        if len(expected) == 1:
            assert found[0].endswith(expected[0]), crs
            assert matches[0].overlap_percent > 50.0
        extent = catalogs["2023"].find(query.bounds, crs)
        assert [r.zarr_url for r in extent] == found


def test_seam_point_is_covered_by_both_zones_at_full_overlap(catalogs):
    (lat, lon), _ = LOOKUPS["seam"]
    matches = catalogs["2023"].matches((lon, lat), "EPSG:4326")
    assert sorted(m.record.epsg for m in matches) == [32646, 32647]
    assert all(m.overlap_percent == pytest.approx(100.0) for m in matches)


def test_ross_ice_shelf_extent_across_the_antimeridian_in_3031(catalogs, raw):
    cat = catalogs["2023"]
    query = shapely.box(-230_000.0, -880_000.0, 170_000.0, -520_000.0)  # x = 0, y < 0 is 180 degrees
    truth = brute_force(raw, query, "EPSG:3031", epsgs={3031})
    found = cat.find(query, "EPSG:3031")
    assert urls(found) == truth
    assert {r.epsg for r in found} == {3031}
    centres = [r.centre_xy_m[0] for r in found]
    assert min(centres) < 0 < max(centres), "cubes on both sides of 180 degrees expected"
    assert len(truth) >= 8
    # The same square in a polar stereographic turned by 180 degrees (x, y) -> (-x, -y):
    turned = "+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=180 +datum=WGS84 +units=m +no_defs"
    rotated = shapely.affinity.scale(query, -1.0, -1.0, origin=(0, 0))
    assert urls(cat.find(rotated, turned)) == truth
    # and the rotated one brute-forced on its own as an independent check of the rotation
    assert brute_force(raw, rotated, turned, epsgs={3031}) == truth


def test_geographic_extent_across_the_antimeridian_over_the_ross_ice_shelf(catalogs, raw):
    cat = catalogs["2023"]
    query = shapely.box(170.0, -84.0, 190.0, -80.0)  # lon/lat, crossing 180
    truth = brute_force(raw, query, "EPSG:4326", epsgs={3031})
    found = cat.find(query, "EPSG:4326")
    assert urls(found) == truth and len(truth) > 10
    assert min(r.centre_xy_m[0] for r in found) < 0 < max(r.centre_xy_m[0] for r in found)
    assert urls(cat.find((170.0, -84.0, -170.0, -80.0), "EPSG:4326")) == truth  # xmin > xmax form
    assert urls(cat.find((-190.0, -84.0, -170.0, -80.0), "EPSG:4326")) == truth


@pytest.mark.parametrize(
    ("crs", "half_m", "hemisphere"),
    [
        ("EPSG:3995", 1_700_000.0, "north"),  # Arctic polar stereographic, extent holding the pole
        ("EPSG:3976", 1_200_000.0, "south"),  # NSIDC south polar stereographic, holding the pole
    ],
)
def test_extent_holding_a_pole_in_another_polar_crs(catalogs, raw, crs, half_m, hemisphere):
    query = shapely.box(-half_m + 123_456.0, -half_m + 65_432.0, half_m, half_m)
    pole = (0.0, 90.0 if hemisphere == "north" else -90.0)
    truth = brute_force(raw, query, crs, near=pole, max_deg=35.0)
    found = catalogs["2023"].find(query, crs)
    assert urls(found) == truth and len(truth) > 20


def test_web_mercator_extent_over_southern_alaska(catalogs, raw):
    query = shapely.box(-16_700_000.0, 8_100_000.0, -15_300_000.0, 8_900_000.0)
    truth = brute_force(raw, query, "EPSG:3857", near=(-143.0, 60.5), max_deg=20.0)
    matches = catalogs["2023"].matches(query, "EPSG:3857")
    assert {m.record.zarr_url for m in matches} == truth and len(truth) > 20
    assert all(0.0 < m.overlap_percent <= 100.0 for m in matches)
    assert sum(m.overlap_percent for m in matches) < 100.0  # the extent is larger than the cubes


def test_web_mercator_extent_across_the_antimeridian_over_the_aleutians(catalogs, raw):
    # x beyond the world edge, as a wrapped QGIS canvas gives it: lon 169.2 .. 195 (= -165)
    query = shapely.box(18_840_000.0, 6_700_000.0, 21_710_000.0, 7_400_000.0)
    truth = brute_force(raw, query, "EPSG:3857", near=(-178.0, 53.0), max_deg=25.0)
    found = catalogs["2023"].find(query, "EPSG:3857")
    assert urls(found) == truth
    assert {32602, 32603} <= {r.epsg for r in found}


def test_geographic_world_extent_returns_every_cube(catalogs):
    cat = catalogs["2023"]
    assert len(cat.find((-180.0, -90.0, 180.0, 90.0), "EPSG:4326")) == len(cat)


@pytest.mark.parametrize(
    ("geometry", "crs"),
    [
        (shapely.Point(-150.0, 0.0), "EPSG:4326"),
        ((-160.0, -10.0, -140.0, 10.0), "EPSG:4326"),
        ((160.0, -20.0, 200.0, 20.0), "EPSG:4326"),  # central Pacific across 180
        ((-17_000_000.0, -1_000_000.0, -15_000_000.0, 1_000_000.0), "EPSG:3857"),
        ((19_000_000.0, -2_000_000.0, 21_000_000.0, 2_000_000.0), "EPSG:3857"),
    ],
)
def test_open_ocean_gives_no_cube(catalogs, geometry, crs):
    assert catalogs["2023"].find(geometry, crs) == []


def test_query_crs_that_cannot_be_inverted_over_the_extent(catalogs, raw):
    """Orthographic view over Greenland zoomed out beyond the disk: footprints go to the view."""
    crs = "+proj=ortho +lat_0=72 +lon_0=-40 +datum=WGS84 +units=m +no_defs"
    found = urls(catalogs["2023"].find((-9e6, -9e6, 9e6, 9e6), crs))
    visible = {f["url"] for f in raw if _angle_deg((-40.0, 72.0), f["centre"]) < 85.0}
    hidden = {f["url"] for f in raw if _angle_deg((-40.0, 72.0), f["centre"]) > 95.0}
    assert visible <= found and not (hidden & found)
    robinson = urls(catalogs["2023"].find((-2e7, -1e7, 2e7, 1e7), "ESRI:54030"))
    assert len(robinson) == len(catalogs["2023"])


def test_lines_and_multipoints(catalogs):
    (lat1, lon1), exp1 = LOOKUPS["jakobshavn"]
    (lat2, lon2), exp2 = LOOKUPS["kangerlussuaq"]
    points = catalogs["2023"].find(shapely.MultiPoint([(lon1, lat1), (lon2, lat2)]), "EPSG:4326")
    assert _ends([r.zarr_url for r in points], exp1 + exp2)
    line = catalogs["2023"].find(shapely.LineString([(lon1, lat1), (lon1 + 0.01, lat1)]), "EPSG:4326")
    assert _ends([r.zarr_url for r in line], exp1)


def test_bad_queries_are_clear_errors(catalogs):
    cat = catalogs["2023"]
    with pytest.raises(InputError, match="coordinate reference system"):
        cat.find((0.0, 0.0), "EPSG:999999")
    with pytest.raises(InputError, match="xmin > xmax"):
        cat.find((10.0, 0.0, 0.0, 1.0), "EPSG:3413")
    with pytest.raises(InputError, match="empty"):
        cat.find(shapely.Polygon(), "EPSG:4326")


# --------------------------------------------------------------------------- records and footprints
def test_record_fields_of_each_generation(catalogs):
    old, new, y2022 = catalogs["2023"], catalogs["2024"], catalogs["2022"]
    assert (len(old), len(new), len(y2022)) == (3086, 3160, 2471)
    r = old[0]
    assert r.epsg == 32718 and r.granule_count is None
    assert r.roi_percent_coverage == pytest.approx(1.5133544414164224)
    assert r.tile_name == "ITS_LIVE_vel_EPSG32718_G0120_X450000_Y4450000"
    assert r.footprint_epsg.bounds == (400000.0, 4400000.0, 500000.0, 4500000.0)
    assert r.footprint_lonlat.bounds[0] == pytest.approx(-76.411339)
    assert r.properties["RGI_CODE"] == 17
    assert y2022[0].epsg == 32718  # from data_epsg 'EPSG:32718'
    assert new[0].zarr_url.startswith(
        "https://its-live-data.s3.amazonaws.com/datacubes/v2-updated-october2024/"
    )
    assert r.to_s3_url(StoreConfig()) == (
        "s3://its-live-data/datacubes/v2/S50W070/ITS_LIVE_vel_EPSG32718_G0120_X450000_Y4450000.zarr"
    )


def test_tile_name():
    assert tile_name(
        "http://x/datacubes/v2/N60W040/ITS_LIVE_vel_EPSG3413_G0120_X-150000_Y-2250000.zarr/"
    ) == ("ITS_LIVE_vel_EPSG3413_G0120_X-150000_Y-2250000")
    assert tile_name("s3://b/a/cube.zarr?x=1") == "cube"


def test_footprints_for_output_are_antimeridian_safe_and_have_the_true_area(catalogs):
    cat = catalogs["2023"]
    feats = cat.footprint_features()
    assert len(feats) == len(cat)
    assert set(feats[0]["properties"]) == {name for name, _ in FOOTPRINT_FIELDS}
    geod = Geod(ellps="WGS84")
    for feat, rec in zip(feats[::7], cat.records[::7]):
        geom = shapely.geometry.shape(feat["geometry"])
        for part in shapely.get_parts(geom):
            lo, _, hi, _ = part.bounds
            assert -180.0 <= lo and hi <= 180.0 and hi - lo < 180.0
        # true area = projected area / areal scale of the projection at the tile centre
        lon, lat = _tr(f"EPSG:{rec.epsg}", "EPSG:4326").transform(*rec.centre_xy_m)
        scale = Proj(f"EPSG:{rec.epsg}").get_factors(lon, lat).areal_scale
        assert abs(geod.geometry_area_perimeter(geom)[0]) == pytest.approx(1e10 / scale, rel=2e-3)


def _feature(epsg, square, lonlat=None, **props):
    x0, y0, x1, y1 = square
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    p = {"zarr_url": f"s3://b/c/ITS_LIVE_vel_EPSG{epsg}_G0120_X{(x0 + x1) // 2}_Y{(y0 + y1) // 2}.zarr"}
    p.update({"epsg": epsg, "geometry_epsg": {"type": "Polygon", "coordinates": [ring]}}, **props)
    geometry = {"type": "Polygon", "coordinates": [lonlat]} if lonlat is not None else None
    return {"type": "Feature", "properties": p, "geometry": geometry}


def test_synthetic_tiles_across_the_antimeridian_and_over_a_pole():
    # UTM 60 (central meridian 177E) tile reaching past 180; 3031 tile centred on the South Pole
    utm = _feature(32660, (700000, 5500000, 800000, 5600000))
    corners = np.column_stack(
        _tr("EPSG:32660", "EPSG:4326").transform([7e5, 8e5, 8e5, 7e5, 7e5], [55e5, 55e5, 56e5, 56e5, 55e5])
    )
    utm_naive = _feature(32660, (700000, 5500000, 800000, 5600000), lonlat=corners.tolist())  # 175 .. -179
    pole = _feature(3031, (-50000, -50000, 50000, 50000))
    cat = Catalog.from_geojson({"type": "FeatureCollection", "features": [utm, pole, utm_naive]})
    utm_ll = cat.footprint_features()[0]["geometry"]
    parts = shapely.get_parts(shapely.geometry.shape(utm_ll))
    assert len(parts) == 2 and all(p.bounds[2] - p.bounds[0] < 5.0 for p in parts)
    for rec in (cat[0], cat[2]):  # derived from the square / the catalog's corners, split at 180
        assert rec.footprint_lonlat.geom_type == "MultiPolygon"
        assert all(p.bounds[2] - p.bounds[0] < 5.0 for p in shapely.get_parts(rec.footprint_lonlat))
    east_lon, east_lat = _tr("EPSG:32660", "EPSG:4326").transform(790000.0, 5550000.0)
    assert -180.0 < east_lon < -178.0  # this part of the tile lies past 180 degrees
    assert [r.epsg for r in cat.find((east_lon, east_lat), "EPSG:4326")] == [32660, 32660]
    assert [r.epsg for r in cat.find((123.0, -89.8), "EPSG:4326")] == [3031]
    assert cat.find((-170.0, 45.0, 170.0, 55.0), "EPSG:4326") == []  # no wrap-around of the tile
    pole_ll = shapely.geometry.shape(cat.footprint_features()[1]["geometry"])
    assert pole_ll.bounds[1] == -90.0 and pole_ll.bounds[2] - pole_ll.bounds[0] == pytest.approx(360.0)
    scale = Proj("EPSG:3031").get_factors(0.0, -90.0).areal_scale
    assert abs(Geod(ellps="WGS84").geometry_area_perimeter(pole_ll)[0]) == pytest.approx(
        1e10 / scale, rel=2e-3
    )


# --------------------------------------------------------------------------- validation
def _collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON|not UTF-8"),
        (json.dumps({"type": "Feature"}).encode(), "not a GeoJSON FeatureCollection"),
        (json.dumps([1, 2]).encode(), "not a GeoJSON FeatureCollection"),
        (json.dumps(_collection()).encode(), "has no features"),
    ],
)
def test_malformed_catalog_content_is_a_clear_error(content, message):
    with pytest.raises(DataError, match=message):
        Catalog.from_geojson(content)


def test_unusable_features_are_listed():
    good = _feature(3413, (0, 0, 100000, 100000))
    no_url = _feature(3413, (0, 0, 100000, 100000))
    del no_url["properties"]["zarr_url"]
    no_epsg = _feature(3413, (0, 0, 100000, 100000))
    del no_epsg["properties"]["epsg"]
    no_square = _feature(3413, (0, 0, 100000, 100000))
    del no_square["properties"]["geometry_epsg"]
    point = _feature(3413, (0, 0, 100000, 100000))
    point["geometry"] = {"type": "Point", "coordinates": [0, 90]}
    unknown = _feature(999999, (0, 0, 100000, 100000))
    with pytest.raises(DataError) as err:
        Catalog.from_geojson(_collection(good, no_url, no_epsg, no_square, point, unknown))
    text = str(err.value)
    for expected in (
        "feature 1: missing 'zarr_url'",
        "feature 2: missing or invalid 'epsg'",
        "feature 3",
        "geometry_epsg",
        "feature 4: geometry is a Point",
        "EPSG:999999",
    ):
        assert expected in text


def test_data_epsg_strings_and_geometry_epsg_as_json_text_are_accepted():
    f = _feature(3413, (0, 0, 100000, 100000))
    del f["properties"]["epsg"]
    f["properties"]["data_epsg"] = "EPSG:3413"
    f["properties"]["geometry_epsg"] = json.dumps(f["properties"]["geometry_epsg"])
    f["properties"]["granule_count"] = 1234
    cat = Catalog.from_geojson(json.dumps(_collection(f)))
    assert cat[0].epsg == 3413 and cat[0].granule_count == 1234
    with pytest.raises(InputError, match="does not exist"):
        Catalog.from_geojson(Path("/nonexistent/catalog_v02.json"))


# --------------------------------------------------------------------------- cache and refresh
SMALL = _collection(_feature(3413, (0, 0, 100000, 100000)), _feature(3031, (0, 0, 100000, 100000)))
SMALL2 = _collection(*SMALL["features"], _feature(3413, (100000, 0, 200000, 100000)))


def _config(tmp_path) -> StoreConfig:
    return StoreConfig(cache_dir=tmp_path / "cache", retries=1, timeout_s=5.0)


def _cache_files(config) -> list[Path]:
    return sorted((config.cache_dir / "catalog").glob("*"))


def test_file_source_cache_refresh_and_failures(tmp_path):
    config = _config(tmp_path)
    src = tmp_path / "catalog_v02.json"
    src.write_text(json.dumps(SMALL))
    first = load_catalog(config, source=src)
    assert first.status == STATUS_REFRESHED and len(first.catalog) == 2
    assert first.path.parent == config.cache_dir / "catalog" and len(_cache_files(config)) == 2
    meta = json.loads(first.path.with_name(first.path.stem + ".meta.json").read_text())
    assert meta["source"] == str(src.resolve()) and meta["etag"]
    assert load_catalog(config, source=src).status == STATUS_CACHE  # unchanged: not re-read
    cached_bytes = first.path.read_bytes()

    src.write_text('{"type": "FeatureCollection", "features": [ {"type": "Feat')  # truncated download
    bad = load_catalog(config, source=src)
    assert bad.status == STATUS_REFRESH_FAILED and "not valid JSON" in bad.message
    assert len(bad.catalog) == 2 and first.path.read_bytes() == cached_bytes

    missing_epsg = _collection(_feature(3413, (0, 0, 100000, 100000)))
    del missing_epsg["features"][0]["properties"]["epsg"]
    src.write_text(json.dumps(missing_epsg))
    os.utime(src, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    bad = load_catalog(config, source=src)
    assert bad.status == STATUS_REFRESH_FAILED and "'epsg'" in bad.message
    assert first.path.read_bytes() == cached_bytes

    src.unlink()
    gone = load_catalog(config, source=src)
    assert gone.status == STATUS_REFRESH_FAILED and "cannot be read" in gone.message
    assert load_catalog(config, source=src, refresh=False).status == STATUS_CACHE

    src.write_text(json.dumps(SMALL2))
    new = load_catalog(config, source=src)
    assert new.status == STATUS_REFRESHED and len(new.catalog) == 3
    assert not [p for p in _cache_files(config) if p.name.endswith(".tmp")]


def test_corrupted_cache_is_ignored_and_replaced(tmp_path):
    config = _config(tmp_path)
    src = tmp_path / "c.json"
    src.write_text(json.dumps(SMALL))
    path = load_catalog(config, source=src).path
    path.write_text("{ broken")  # checksum no longer matches the metadata
    again = load_catalog(config, source=src)
    assert again.status == STATUS_REFRESHED and len(again.catalog) == 2


def test_no_cache_and_unreadable_source_raises(tmp_path):
    with pytest.raises(InputError, match="cannot be read"):
        load_catalog(_config(tmp_path), source=tmp_path / "absent.json")


class _Server:
    """A tiny HTTP server on 127.0.0.1 serving one body with an ETag and counting downloads."""

    def __init__(self):
        state = self
        self.body, self.etag, self.full, self.not_modified = b"", '"0"', 0, 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.headers.get("If-None-Match") == state.etag:
                    state.not_modified += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                state.full += 1
                self.send_response(200)
                self.send_header("ETag", state.etag)
                self.send_header("Content-Length", str(len(state.body)))
                self.end_headers()
                self.wfile.write(state.body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/datacubes/catalog_v02.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, body: bytes, etag: str):
        self.body, self.etag = body, etag

    def stop(self):
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join()


@pytest.fixture()
def server():
    s = _Server()
    yield s
    s.stop()


def test_http_source_conditional_refresh(tmp_path, server, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    config = _config(tmp_path)
    server.serve(json.dumps(SMALL).encode(), '"v1"')
    assert load_catalog(config, source=server.url).status == STATUS_REFRESHED
    again = load_catalog(config, source=server.url)
    assert again.status == STATUS_CACHE and (server.full, server.not_modified) == (1, 1)

    server.serve(b"<html>Service Unavailable</html>", '"v2"')
    bad = load_catalog(config, source=server.url)
    assert bad.status == STATUS_REFRESH_FAILED and "not valid JSON" in bad.message and len(bad.catalog) == 2

    server.serve(json.dumps({"type": "Topology"}).encode(), '"v3"')
    bad = load_catalog(config, source=server.url)
    assert bad.status == STATUS_REFRESH_FAILED and "FeatureCollection" in bad.message

    server.serve(json.dumps(SMALL2).encode(), '"v4"')
    new = load_catalog(config, source=server.url)
    assert new.status == STATUS_REFRESHED and len(new.catalog) == 3
    assert load_catalog(config, source=server.url).status == STATUS_CACHE

    url = server.url
    server.stop()
    down = load_catalog(config, source=url)
    assert down.status == STATUS_REFRESH_FAILED and "Could not reach" in down.message
    assert len(down.catalog) == 3
    with pytest.raises(NetworkError, match="Could not reach"):
        load_catalog(_config(tmp_path / "fresh"), source=url)


@pytest.fixture()
def s3_mirror(monkeypatch):
    """A moto S3 server on 127.0.0.1 with a public-read its-live-data bucket."""
    moto_server = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    for k, v in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(k, v)
    srv = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    srv.start()
    host, port = srv.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-west-2")
    client.create_bucket(
        Bucket="its-live-data",
        ACL="public-read",
        CreateBucketConfiguration={"LocationConstraint": "us-west-2"},
    )

    def put(body: bytes):
        client.put_object(
            Bucket="its-live-data", Key="datacubes/catalog_v02.json", Body=body, ACL="public-read"
        )

    yield endpoint, put
    srv.stop()


def test_s3_endpoint_conditional_refresh(tmp_path, s3_mirror):
    endpoint, put = s3_mirror
    config = StoreConfig(endpoint_url=endpoint, cache_dir=tmp_path / "cache", retries=1, timeout_s=5.0)
    put(json.dumps(SMALL).encode())
    first = load_catalog(config)
    assert (
        first.status == STATUS_REFRESHED and "s3://its-live-data/datacubes/catalog_v02.json" in first.message
    )
    assert json.loads(first.path.with_name(first.path.stem + ".meta.json").read_text())["etag"]
    assert load_catalog(config).status == STATUS_CACHE
    put(b"not json at all")
    assert load_catalog(config).status == STATUS_REFRESH_FAILED
    put(json.dumps(SMALL2).encode())
    assert len(load_catalog(config).catalog) == 3
    same_key = load_catalog(
        config, source="https://its-live-data.s3.amazonaws.com/datacubes/catalog_v02.json"
    )
    assert same_key.status == STATUS_CACHE  # the bucket's https URL is read as s3 through the endpoint


def test_real_catalog_round_trips_through_the_cache(tmp_path, catalog_dir):
    config = _config(tmp_path)
    src = tmp_path / "catalog_v02.json"
    shutil.copy(catalog_dir / CATALOGS["2024"], src)
    result = load_catalog(config, source=src)
    assert result.status == STATUS_REFRESHED and len(result.catalog) == 3160


def test_overlap_percent_against_exact_halves(catalogs):
    # Half of the query lies in the Jakobshavn tile (x -200..-100 km), half in its east neighbour
    query = shapely.box(-150_000.0, -2_290_000.0, -50_000.0, -2_210_000.0)
    matches = catalogs["2023"].matches(query, "EPSG:3413")
    assert sorted(m.record.tile_name for m in matches) == [
        "ITS_LIVE_vel_EPSG3413_G0120_X-150000_Y-2250000",
        "ITS_LIVE_vel_EPSG3413_G0120_X-50000_Y-2250000",
    ]
    assert [m.overlap_percent for m in matches] == pytest.approx([50.0, 50.0], abs=1e-9)
    tr = _tr("EPSG:3413", "EPSG:3995")
    in_3995 = shapely.transform(
        shapely.segmentize(query, 500.0), lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1]))
    )
    other = catalogs["2023"].matches(in_3995, "EPSG:3995")
    assert [m.overlap_percent for m in other] == pytest.approx([50.0, 50.0], abs=0.5)


def test_polygon_query_with_a_hole(catalogs, raw):
    tile = next(r for r in catalogs["2023"] if r.tile_name.endswith("EPSG3413_G0120_X-150000_Y-2250000"))
    outer = tile.footprint_epsg.buffer(150_000.0, join_style="mitre")
    hole = tile.footprint_epsg.buffer(10_000.0, join_style="mitre")
    ring = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
    tr = _tr("EPSG:3413", "EPSG:3857")
    query = shapely.transform(
        shapely.segmentize(ring, 1000.0), lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1]))
    )
    found = urls(catalogs["2023"].find(query, "EPSG:3857"))
    assert tile.zarr_url not in found
    assert (
        found == brute_force(raw, query, "EPSG:3857", near=(-49.46, 69.11), max_deg=10.0) and len(found) >= 8
    )


class _Cancelling:
    def __init__(self):
        self.lines: list[str] = []

    def report(self, fraction):
        pass

    def is_cancelled(self):
        return True

    def log(self, message):
        self.lines.append(message)


def test_cancelled_load_writes_no_cache(tmp_path):
    from itslive_qgis.core.errors import CancelledError

    config = _config(tmp_path)
    src = tmp_path / "c.json"
    src.write_text(json.dumps(SMALL))
    with pytest.raises(CancelledError):
        load_catalog(config, source=src, progress=_Cancelling())
    assert not (config.cache_dir / "catalog").exists() or _cache_files(config) == []


@pytest.mark.mirror
def test_catalog_of_the_local_mirror(mirror, tmp_path):
    """The project's S3 mirror (tests/fixtures/mirror.py): every catalog entry points at a cube it serves."""
    config = StoreConfig.from_env(cache_dir=tmp_path / "cache", retries=2, timeout_s=10.0)
    assert config.endpoint_url == mirror.endpoint_url
    first = load_catalog(config)
    assert first.status == STATUS_REFRESHED and len(first.catalog) >= 1
    assert load_catalog(config).status == STATUS_CACHE
    prefixes = {k.split(".zarr/", 1)[0] + ".zarr" for k in mirror.keys if ".zarr/" in k}
    for rec in first.catalog:
        assert rec.to_s3_url(config).removeprefix("s3://its-live-data/") in prefixes
        centre = _tr(f"EPSG:{rec.epsg}", "EPSG:4326").transform(*rec.centre_xy_m)
        assert rec.zarr_url in urls(first.catalog.find(centre, "EPSG:4326"))
