"""Opening and cleaning the real ITS_LIVE block (numbers from ITSLIVE_FORMAT_SPEC.md section 5)."""

import numpy as np
import pytest

from itslive_qgis.core.cube.pairs import clean_pairs, open_cube, pair_dates_days, to_days
from itslive_qgis.core.errors import InputError

BLOCK = "datacube/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"


@pytest.fixture(scope="module")
def block(shared_data):
    return clean_pairs(open_cube(str(shared_data / BLOCK)))


def test_raw_cube_has_duplicate_mid_dates(shared_data):
    # (this tutorial clip was re-written sorted; production cubes are not: see test_fixtures)
    raw = open_cube(str(shared_data / BLOCK))
    days = to_days(raw["mid_date"].values)
    assert raw.sizes["mid_date"] == 47892
    assert np.unique(days).size == 26715


def test_clean_pairs_sorts_stably_and_swaps_reversed_pairs(shared_data):
    names = [
        "v",
        "acquisition_date_img1",
        "acquisition_date_img2",
        "satellite_img1",
        "satellite_img2",
        "date_dt",
    ]
    raw = open_cube(str(shared_data / BLOCK))[names].load()
    rng = np.random.default_rng(0)
    shuffled = raw.isel(mid_date=rng.permutation(raw.sizes["mid_date"]))
    a1 = shuffled["acquisition_date_img1"].values.copy()
    a2 = shuffled["acquisition_date_img2"].values.copy()
    s1 = shuffled["satellite_img1"].values.copy()
    s2 = shuffled["satellite_img2"].values.copy()
    flip = np.zeros(a1.size, bool)
    flip[::7] = True
    shuffled["acquisition_date_img1"].values[:] = np.where(flip, a2, a1)
    shuffled["acquisition_date_img2"].values[:] = np.where(flip, a1, a2)
    shuffled["satellite_img1"].values[:] = np.where(flip, s2, s1)
    shuffled["satellite_img2"].values[:] = np.where(flip, s1, s2)
    cleaned = clean_pairs(shuffled)
    reference = clean_pairs(raw)
    # duplicates keep a stable order: the permutation's order among equal mid_dates
    days = to_days(cleaned["mid_date"].values)
    assert np.all(np.diff(days) >= 0)
    assert cleaned.attrs["pairs_swapped"] == int((flip & (a1 != a2)).sum())
    key = np.lexsort(
        (to_days(reference["acquisition_date_img1"].values), to_days(reference["mid_date"].values))
    )
    key2 = np.lexsort((to_days(cleaned["acquisition_date_img1"].values), days))
    np.testing.assert_array_equal(
        reference["acquisition_date_img1"].values[key], cleaned["acquisition_date_img1"].values[key2]
    )
    np.testing.assert_array_equal(
        reference["satellite_img2"].values[key], cleaned["satellite_img2"].values[key2]
    )


def test_clean_block_matches_the_spec(block):
    days = to_days(block["mid_date"].values)
    assert block.sizes["mid_date"] == 47892
    assert np.unique(days).size == 26715
    assert np.all(np.diff(days) >= 0)
    assert str(block["mid_date"].values[0])[:19] == "1986-09-11T03:31:15"
    assert str(block["mid_date"].values[-1])[:19] == "2024-10-29T04:18:09"
    d1, d2 = pair_dates_days(block)
    assert np.all(d1 <= d2)
    a1 = to_days(block["acquisition_date_img1"].values)
    a2 = to_days(block["acquisition_date_img2"].values)
    assert np.all(a1 <= a2)
    assert block["date_dt"].dtype == np.float32
    assert block.attrs["y_order"] == "descending"


def test_first_and_last_valid_pixel_values(block):
    v = block["v"].isel(y=5, x=5).values
    assert np.isnan(v).any(), "-32767 must be decoded to NaN"
    assert np.nanmin(block["v"].values) >= 0
    valid = np.flatnonzero(np.isfinite(v))
    first, last = valid[0], valid[-1]
    assert float(block["x"][5]) == 787252.5 and float(block["y"][5]) == 3312787.5
    assert str(block["mid_date"].values[first])[:19] == "1986-11-22T03:29:27"
    assert v[first] == 9
    assert float(block["vx"].isel(y=5, x=5).values[first]) == 4
    assert float(block["vy"].isel(y=5, x=5).values[first]) == -8
    assert float(block["date_dt"].values[first]) == pytest.approx(47.9998, abs=1e-3)
    assert str(block["satellite_img1"].values[first]) == "5"
    assert v[last] == 62
    assert str(block["satellite_img1"].values[last]) == "2B"
    assert np.nanmedian(v) == 7
    assert int(np.isfinite(block["v"].values).sum()) == 433139
    assert np.nanmax(block["v"].values) == 2312


def test_missing_cube_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="No ITS_LIVE datacube"):
        open_cube(str(tmp_path / "nothing.zarr"))
