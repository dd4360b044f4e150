"""Datacube catalog look-ups and footprints checked against independent truth.

Truth for the look-ups is (a) the tile names of the format spec section 5 and (b) a brute
force over the RAW JSON features: the query is densified and projected with pyproj straight
into each candidate cube's EPSG and intersected with its ``geometry_epsg`` square in shapely.
Loading, cache, refresh and validation: test_catalog_cache.py.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely
import shapely.affinity
import shapely.geometry
from pyproj import CRS, Geod, Proj

from itslive_qgis.core.catalog.catalog import FOOTPRINT_FIELDS, Catalog, tile_name
from itslive_qgis.core.errors import InputError
from itslive_qgis.core.io import StoreConfig
from tests.fixtures.catalog_helpers import CATALOGS, feature, real_catalog_dir, transformer, urls

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
    return real_catalog_dir(shared_data)


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
            tr = transformer(crs, f"EPSG:{f['epsg']}")
            projected[f["epsg"]] = shapely.make_valid(
                shapely.transform(dense, lambda c, tr=tr: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
            )
        if projected[f["epsg"]].intersects(f["square"]):
            out.add(f["url"])
    return out


def box_around(lat: float, lon: float, crs: str, half_m: float = 1000.0):
    """A square of side 2 * half_m (CRS units; degrees/111 km for geographic) around a place."""
    x, y = transformer("EPSG:4326", crs).transform(lon, lat)
    h = half_m / 111_000.0 if CRS.from_user_input(crs).is_geographic else half_m
    return shapely.box(x - h, y - h, x + h, y + h)


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


def test_overlap_percent_against_exact_halves(catalogs):
    # Half of the query lies in the Jakobshavn tile (x -200..-100 km), half in its east neighbour
    query = shapely.box(-150_000.0, -2_290_000.0, -50_000.0, -2_210_000.0)
    matches = catalogs["2023"].matches(query, "EPSG:3413")
    assert sorted(m.record.tile_name for m in matches) == [
        "ITS_LIVE_vel_EPSG3413_G0120_X-150000_Y-2250000",
        "ITS_LIVE_vel_EPSG3413_G0120_X-50000_Y-2250000",
    ]
    assert [m.overlap_percent for m in matches] == pytest.approx([50.0, 50.0], abs=1e-9)
    tr = transformer("EPSG:3413", "EPSG:3995")
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
    tr = transformer("EPSG:3413", "EPSG:3857")
    query = shapely.transform(
        shapely.segmentize(ring, 1000.0), lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1]))
    )
    found = urls(catalogs["2023"].find(query, "EPSG:3857"))
    assert tile.zarr_url not in found
    assert (
        found == brute_force(raw, query, "EPSG:3857", near=(-49.46, 69.11), max_deg=10.0) and len(found) >= 8
    )


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
        lon, lat = transformer(f"EPSG:{rec.epsg}", "EPSG:4326").transform(*rec.centre_xy_m)
        scale = Proj(f"EPSG:{rec.epsg}").get_factors(lon, lat).areal_scale
        assert abs(geod.geometry_area_perimeter(geom)[0]) == pytest.approx(1e10 / scale, rel=2e-3)


def test_synthetic_tiles_across_the_antimeridian_and_over_a_pole():
    # UTM 60 (central meridian 177E) tile reaching past 180; 3031 tile centred on the South Pole
    utm = feature(32660, (700000, 5500000, 800000, 5600000))
    corners = np.column_stack(
        transformer("EPSG:32660", "EPSG:4326").transform(
            [7e5, 8e5, 8e5, 7e5, 7e5], [55e5, 55e5, 56e5, 56e5, 55e5]
        )
    )
    utm_naive = feature(32660, (700000, 5500000, 800000, 5600000), lonlat=corners.tolist())  # 175 .. -179
    pole = feature(3031, (-50000, -50000, 50000, 50000))
    cat = Catalog.from_geojson({"type": "FeatureCollection", "features": [utm, pole, utm_naive]})
    utm_ll = cat.footprint_features()[0]["geometry"]
    parts = shapely.get_parts(shapely.geometry.shape(utm_ll))
    assert len(parts) == 2 and all(p.bounds[2] - p.bounds[0] < 5.0 for p in parts)
    for rec in (cat[0], cat[2]):  # derived from the square / the catalog's corners, split at 180
        assert rec.footprint_lonlat.geom_type == "MultiPolygon"
        assert all(p.bounds[2] - p.bounds[0] < 5.0 for p in shapely.get_parts(rec.footprint_lonlat))
    east_lon, east_lat = transformer("EPSG:32660", "EPSG:4326").transform(790000.0, 5550000.0)
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
