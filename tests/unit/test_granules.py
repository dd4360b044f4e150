"""Image-pair granules of a cube (core.granules): listing with filters and extent, against the generator's
pairs (the cube's own bytes read independently), and the granule URLs / names of the real files."""

from __future__ import annotations

import numpy as np
import pytest

from itslive_qgis.core.cube import PairFilter
from itslive_qgis.core.errors import DataError, InputError
from itslive_qgis.core.granules import (
    browse_url,
    granule_key,
    granule_source,
    list_granules,
    parse_granule_name,
)
from itslive_qgis.core.io import StoreConfig
from tests.fixtures.granule_files import granule_key_of, pick_pairs
from tests.fixtures.pairs import synthesize_pairs
from tests.fixtures.truth import default_tiles

TILE_A = default_tiles()[0]
REAL_V1 = (
    "LE07_L1GT_001113_20121118_20161127_01_T2_X_LE07_L1GT_232113_20121104_20161127_01_T2_G0240V01_P059.nc"
)
REAL_V2 = (
    "LT05_L1GS_219121_19841206_20200918_02_T2_X_LT05_L1GS_226120_19850124_20200918_02_T2_G0120V02_P000.nc"
)


@pytest.fixture(scope="module")
def pairs():
    """The generator's pairs of tile GRE_A (what the mirror's cube holds, on-disk order)."""
    return synthesize_pairs(TILE_A)


def _config(mirror, tmp_path) -> StoreConfig:
    return StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=tmp_path)


@pytest.mark.mirror
def test_all_pairs_of_the_cube_in_mid_date_order(mirror, tmp_path, pairs):
    granules = list_granules(mirror.url(TILE_A.key), config=_config(mirror, tmp_path))
    assert len(granules) == pairs.meta["mid_date"].size
    assert sorted(g.granule_url for g in granules) == sorted(str(u) for u in pairs.meta["granule_url"])
    mids = np.array([g.mid_date for g in granules])
    assert np.all(np.diff(mids) >= 0)
    first = min(range(mids.size), key=lambda k: pairs.meta["mid_date"][k])
    assert granules[0].granule_url == str(pairs.meta["granule_url"][first])
    for g in granules[:50]:
        assert g.acquisition_date_img1 <= g.acquisition_date_img2
        assert g.date_dt_days == pytest.approx(g.acquisition_date_img2 - g.acquisition_date_img1, abs=1e-3)
        assert g.valid_cells_in_extent == -1


@pytest.mark.mirror
def test_filters_and_window_match_an_independent_selection(mirror, tmp_path, pairs):
    meta = pairs.meta
    start, end = 17000.0, 18500.0
    found = list_granules(
        mirror.url(TILE_A.key),
        start_days=start,
        end_days=end,
        pair_filter=PairFilter.create(
            satellites="2A,2B", min_interval_days=5, max_interval_days=40, min_roi_valid_percentage=50
        ),
        config=_config(mirror, tmp_path),
    )
    sat_ok = np.isin(meta["satellite_img1"], ["2A", "2B"]) & np.isin(meta["satellite_img2"], ["2A", "2B"])
    dt = meta["date_dt"].astype(float)
    want = (
        (meta["mid_date"] >= start)
        & (meta["mid_date"] <= end)
        & sat_ok
        & (dt >= 5)
        & (dt <= 40)
        & (meta["roi_valid_percentage"] >= 50)
    )
    assert want.sum() > 10
    assert sorted(g.granule_url for g in found) == sorted(str(u) for u in meta["granule_url"][want])
    assert {g.satellite_img1 for g in found} <= {"2A", "2B"}
    assert all(g.sensor_img1 == "MSI" and g.mission_img1 == "S" for g in found)


@pytest.mark.mirror
def test_extent_keeps_the_pairs_with_a_valid_cell_there(mirror, tmp_path, pairs):
    ix, iy = slice(20, 23), slice(10, 13)
    xs, ys = TILE_A.x[ix], TILE_A.y[iy]
    extent = (xs.min() - 1, ys.min() - 1, xs.max() + 1, ys.max() + 1)
    found = list_granules(mirror.url(TILE_A.key), extent=extent, config=_config(mirror, tmp_path))
    cells = (pairs.v[:, iy, ix] != -32767).reshape(pairs.v.shape[0], -1).sum(axis=1)
    urls = pairs.meta["granule_url"]
    assert 0 < len(found) < urls.size
    assert sorted(g.granule_url for g in found) == sorted(str(u) for u in urls[cells > 0])
    by_url = {}
    for url, n in zip(urls, cells):
        by_url.setdefault(str(url), []).append(int(n))
    assert all(g.valid_cells_in_extent in by_url[g.granule_url] for g in found)
    # the same extent in lon/lat finds at least those pairs (its bounding box in the cube CRS is larger)
    from tests.fixtures.truth import to_lonlat

    lon, lat = to_lonlat(3413, np.array([extent[0], extent[2]]), np.array([extent[1], extent[3]]))
    wider = list_granules(
        mirror.url(TILE_A.key),
        extent=(lon.min(), lat.min(), lon.max(), lat.max()),
        extent_crs="EPSG:4326",
        config=_config(mirror, tmp_path),
    )
    assert {g.granule_url for g in found} <= {g.granule_url for g in wider}


@pytest.mark.mirror
def test_the_mirror_serves_the_granules_its_cube_names(mirror, pairs):
    picked = pick_pairs(pairs)
    assert len(picked) >= 3
    for k in picked:
        key = granule_key_of(str(pairs.meta["granule_url"][k]))
        assert key in mirror.keys and key[:-3] + ".png" in mirror.keys


def test_errors_say_what_to_fix(tmp_path):
    with pytest.raises(InputError, match="swap"):
        list_granules("/nowhere.zarr", start_days=10, end_days=1)
    config = StoreConfig(endpoint_url="http://127.0.0.1:9", cache_dir=tmp_path)
    with pytest.raises(InputError, match="not contacted"):
        granule_source("https://example.com/velocity_image_pair/a.nc", config)
    with pytest.raises(InputError, match="No granule file"):
        granule_source(str(tmp_path / "missing.nc"), config)
    with pytest.raises(InputError, match="granule_url"):
        granule_source("", config)
    with pytest.raises(InputError, match="browse"):
        browse_url("https://its-live-data.s3.amazonaws.com/x.zarr")


def test_urls_map_onto_the_configured_store(tmp_path):
    url = f"https://its-live-data.s3.amazonaws.com/velocity_image_pair/landsatOLI/v02/N60W040/{REAL_V2}"
    config = StoreConfig(endpoint_url="http://127.0.0.1:9", bucket="its-live-data", cache_dir=tmp_path)
    assert granule_key(url) == f"velocity_image_pair/landsatOLI/v02/N60W040/{REAL_V2}"
    assert (
        granule_source(url, config)
        == f"/vsis3/its-live-data/velocity_image_pair/landsatOLI/v02/N60W040/{REAL_V2}"
    )
    assert granule_source(
        url.replace("https://its-live-data.s3.amazonaws.com/", "s3://its-live-data/"), config
    ) == (granule_source(url, config))
    assert browse_url(url) == url[:-3] + ".png"
    assert (
        granule_source("https://example.com/a.nc", config, allow_other_hosts=True)
        == "/vsicurl/https://example.com/a.nc"
    )


def test_names_of_the_real_granules(shared_data):
    v1 = parse_granule_name(REAL_V1)
    assert v1 == {
        "id1": "LE07_L1GT_001113_20121118_20161127_01_T2",
        "id2": "LE07_L1GT_232113_20121104_20161127_01_T2",
        "grid_m": 240,
        "version": 1,
        "valid_percent": 59,
    }
    v2 = parse_granule_name(REAL_V2)
    assert (v2["grid_m"], v2["version"], v2["valid_percent"]) == (120, 2, 0)
    assert (shared_data / "granules" / REAL_V1).is_file()
    assert granule_source(str(shared_data / "granules" / REAL_V1)) == str(shared_data / "granules" / REAL_V1)
    with pytest.raises(InputError):
        parse_granule_name("ITS_LIVE_vel_EPSG3413_G0120_X-150000_Y-2250000.zarr")


def test_a_cube_without_granule_url_is_refused():
    import xarray as xr

    ds = xr.Dataset(
        {"date_dt": ("mid_date", np.array([10.0]))},
        coords={"mid_date": np.array(["2020-01-01"], dtype="datetime64[ns]")},
    )
    with pytest.raises(DataError, match="granule_url"):
        list_granules(ds)


def test_the_real_block_first_pair_at_a_pixel_and_a_filtered_year(shared_data):
    """The real 10x10 clip: the first pair with a valid v at pixel (5, 5) is the one ITSLIVE_FORMAT_SPEC.md
    section 5 names; the Landsat 8/9 pairs of 2020 are those an independent xarray read selects."""
    import xarray as xr

    from tests.fixtures.generator import real_block_path

    path = real_block_path()
    if path is None:
        pytest.skip("the real block is not in ../shared/data")
    x, y = 787252.5, 3312787.5
    first = list_granules(str(path), end_days=6240.0, extent=(x - 1, y - 1, x + 1, y + 1))[0]
    when = np.datetime64("1970-01-01") + np.timedelta64(int(round(first.mid_date * 86400)), "s")
    assert str(when) == "1986-11-22T03:29:27"
    assert first.date_dt_days == pytest.approx(47.9998, abs=1e-3) and first.satellite_img1 == "5"
    assert first.valid_cells_in_extent == 1 and first.granule_url.endswith(".nc")
    start, end = 18262.0, 18627.0  # 2020-01-01 .. 2020-12-31
    found = list_granules(str(path), start, end, PairFilter.create(satellites="8,9"))
    raw = xr.open_zarr(path, decode_timedelta=False)
    mid = (raw.mid_date.values.astype("datetime64[ns]").astype("int64") / 86400e9).astype(float)
    sats = lambda name: np.char.strip(raw[name].values.astype(str))  # noqa: E731
    keep = (mid >= start) & (mid <= end) & np.isin(sats("satellite_img1"), ["8", "9"])
    keep &= np.isin(sats("satellite_img2"), ["8", "9"])
    urls = raw.granule_url.values[keep]
    assert len(found) == keep.sum() > 20
    assert sorted(g.granule_url for g in found) == sorted(str(u).strip() for u in urls)
