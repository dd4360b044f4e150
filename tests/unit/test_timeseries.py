"""Point time series: pairs against an independent xarray read and the generator, GET counts,
seams, the real block's numbers (ITSLIVE_FORMAT_SPEC.md section 5), filters, inversion, files, CSV."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from itslive_qgis.core.errors import InputError
from itslive_qgis.core.io import StoreConfig
from itslive_qgis.core.timeseries import RegularSeries
from itslive_qgis.core.timeseries.model import PAIR_METADATA
from itslive_qgis.core.timeseries.series import (
    invert_point,
    pair_filter_mask,
    point_series,
    point_series_from_file,
    series_to_csv,
)
from tests.fixtures.faultproxy import FaultProxy
from tests.fixtures.generator import REAL_BLOCK_KEY, synthesize_pairs
from tests.fixtures.truth import default_tiles, pair_average_truth

TILE_A, TILE_B, TILE_UTM = default_tiles()
TRUNK_3413 = (-178507.5, -2280402.3)  # = lon/lat -49.47593, 69.10975, on the trunk in GRE_A
TRUNK_LONLAT = (-49.47593, 69.10975)
SEAM_3413 = (-177007.5, -2280006.5)  # shared edge of GRE_A and GRE_B, inside GRE_UTM22
BLOCK_PIXEL = (787252.5, 3312787.5)  # pixel (y=5, x=5) of the real block, EPSG:32646
VARS_1D = PAIR_METADATA  # the names the reader reads; the values are read independently below


def _config(endpoint: str, tmp_path: Path) -> StoreConfig:
    return StoreConfig(endpoint_url=endpoint, cache_dir=tmp_path / "cache")


def _days(values) -> np.ndarray:
    return (np.asarray(values).astype("datetime64[ns]").astype("int64") / 86400e9).astype("float64")


def _raw_pixel(mirror, key: str, x: float, y: float):
    """Independent reference: xarray's decoded pixel, NaN pairs dropped, stable-sorted, dates ordered."""
    import xarray as xr

    raw = xr.open_zarr(mirror.roots[key], decode_timedelta=False)
    col = int(np.argmin(np.abs(raw.x.values - x)))
    row = int(np.argmin(np.abs(raw.y.values - y)))
    px = raw[["v", "vx", "vy", "v_error", *VARS_1D]].isel(x=col, y=row).load()
    keep = np.flatnonzero(np.isfinite(px.v.values))
    mid = _days(px.mid_date.values)[keep]
    keep = keep[np.argsort(mid, kind="stable")]
    px = px.isel(mid_date=keep)
    a1, a2 = _days(px.acquisition_date_img1.values), _days(px.acquisition_date_img2.values)
    swap = a1 > a2
    sat1 = np.where(swap, px.satellite_img2.values, px.satellite_img1.values).astype(str)
    return px, np.minimum(a1, a2), np.maximum(a1, a2), sat1, col, row


def _gets(proxy: FaultProxy, key: str) -> list[str]:
    prefix = f"/its-live-data/{key}/"
    return [
        path[len(prefix) :] for method, path, _ in proxy.log if method == "GET" and path.startswith(prefix)
    ]


def _expected_keys(store: Path, col: int, row: int) -> set[str]:
    """Objects a pixel read needs, from the store's own .zmetadata (independent of the reader)."""
    meta = json.loads((store / ".zmetadata").read_text())["metadata"]
    keys = {".zmetadata"}
    for name in ("x", "y", "mid_date", *VARS_1D):
        z = meta[f"{name}/.zarray"]
        keys |= {f"{name}/{i}" for i in range(math.ceil(z["shape"][0] / z["chunks"][0]))}
    for name in ("v", "vx", "vy", "v_error"):
        z = meta[f"{name}/.zarray"]
        n, cy, cx = math.ceil(z["shape"][0] / z["chunks"][0]), z["chunks"][1], z["chunks"][2]
        keys |= {f"{name}/{i}.{row // cy}.{col // cx}" for i in range(n)}
    return keys


@pytest.fixture(scope="module")
def trunk(mirror, tmp_path_factory):
    """The GRE_A trunk pixel read through a counting proxy, with the proxy's GET log."""
    tmp = tmp_path_factory.mktemp("ts")
    with FaultProxy(mirror.endpoint_url) as proxy:
        found = point_series(*TRUNK_3413, "EPSG:3413", _config(proxy.url, tmp))
        log = {t.key: _gets(proxy, t.key) for t in (TILE_A, TILE_B, TILE_UTM)}
    return found, log


def test_trunk_pixel_equals_the_raw_cube_and_the_generator(trunk, mirror):
    found, _ = trunk
    assert [s.epsg for s in found] == [32622, 3413] or [s.epsg for s in found] == [3413, 32622]
    s = next(s for s in found if s.epsg == 3413)
    px, d1, d2, sat1, col, row = _raw_pixel(mirror, TILE_A.key, *TRUNK_3413)
    assert (s.col, s.row) == (col, row) == (37, 28)
    assert (s.x_m, s.y_m) == (TILE_A.x[col], TILE_A.y[row]) == (-178507.5, -2280412.5)
    assert s.lon == pytest.approx(TRUNK_LONLAT[0], abs=2e-3) and s.lat == pytest.approx(
        TRUNK_LONLAT[1], abs=2e-3
    )
    # the generator's own count of valid pairs at this pixel
    pairs = synthesize_pairs(TILE_A)
    assert len(s) == int(pairs.valid[:, row, col].sum()) == px.sizes["mid_date"]
    assert s.n_pairs_total == TILE_A.n_pairs
    np.testing.assert_array_equal(s.mid_date_days, _days(px.mid_date.values))
    np.testing.assert_array_equal(s.d1_days, d1)
    np.testing.assert_array_equal(s.d2_days, d2)
    for name in ("v", "vx", "vy", "v_error", "vx_error", "vy_error"):
        np.testing.assert_array_equal(getattr(s, name), px[name].values.astype("float64"), err_msg=name)
    np.testing.assert_array_equal(s.satellite, sat1)
    assert list(s.granule_url) == list(px.granule_url.values.astype(str))
    assert (s.d1_days <= s.d2_days).all() and np.all(np.diff(s.mid_date_days) >= 0)
    assert s.info["pairs_swapped"] > 0  # the generator writes some reversed pairs
    # chronological dates of the generator's valid pairs, as multisets
    ok = pairs.valid[:, row, col]
    np.testing.assert_allclose(np.sort(s.d1_days), np.sort(pairs.t_start_days[ok]), atol=1e-4)
    np.testing.assert_allclose(np.sort(s.d2_days), np.sort(pairs.t_end_days[ok]), atol=1e-4)
    assert (s.v[0], s.v[-1]) == (float(px.v.values[0]), float(px.v.values[-1]))


def test_only_the_pixel_chunk_column_is_fetched(trunk, mirror):
    found, log = trunk
    for s in found:
        tile = TILE_A if s.epsg == 3413 else TILE_UTM
        gets = log[tile.key]
        assert len(gets) == len(set(gets)), "an object was fetched twice"
        expected = _expected_keys(Path(mirror.roots[tile.key]), s.col, s.row)
        assert set(gets) == expected
        assert s.requests == len(gets)
        # (1200 or 700 pairs, chunk 20000): one object per 3-D variable
        assert sum(1 for g in gets if g.startswith(("v/", "vx/", "vy/", "v_error/"))) == 4
    assert log[TILE_B.key] == []


def test_seam_point_gives_one_series_per_covering_cube(mirror, tmp_path):
    found = point_series(*SEAM_3413, 3413, _config(mirror.endpoint_url, tmp_path))
    names = sorted(s.name for s in found)
    assert names == sorted(t.name.removesuffix(".zarr") for t in (TILE_A, TILE_B, TILE_UTM))
    by = {s.name + ".zarr": s for s in found}
    a, b = by[TILE_A.name], by[TILE_B.name]
    assert (a.col, b.col) == (TILE_A.nx - 1, 0)  # the last column of A, the first of B
    assert a.x_m == pytest.approx(SEAM_3413[0] - 60) and b.x_m == pytest.approx(SEAM_3413[0] + 60)
    for s in found:
        assert len(s) > 100 and np.isfinite(s.v).all()


def test_lonlat_click_and_explicit_cube(mirror, tmp_path):
    cfg = _config(mirror.endpoint_url, tmp_path)
    url = f"s3://its-live-data/{TILE_A.key}"
    (s,) = point_series(*TRUNK_LONLAT, 4326, cfg, cube_urls=[url])
    assert (s.col, s.row, s.source) == (37, 28, url)
    with pytest.raises(InputError, match="No ITS_LIVE datacube covers"):
        point_series(0.0, 0.0, "EPSG:4326", cfg)


def test_real_block_pixel_matches_the_format_spec(mirror, shared_data, tmp_path):
    key = REAL_BLOCK_KEY
    with FaultProxy(mirror.endpoint_url) as proxy:
        found = point_series(*BLOCK_PIXEL, "EPSG:32646", _config(proxy.url, tmp_path))
        gets = _gets(proxy, key)
    s = next(s for s in found if s.epsg == 32646)
    assert (s.col, s.row, s.x_m, s.y_m) == (5, 5, *BLOCK_PIXEL)
    assert s.n_pairs_total == 47892
    first = np.datetime64(round(s.mid_date_days[0] * 86400), "s")
    last = np.datetime64(round(s.mid_date_days[-1] * 86400), "s")
    assert str(first) == "1986-11-22T03:29:27"
    assert (s.v[0], s.vx[0], s.vy[0], s.satellite[0]) == (9, 4, -8, "5")
    assert s.date_dt_days[0] == pytest.approx(47.9998, abs=1e-4)
    assert str(last) == "2024-10-29T04:18:09"
    assert (s.v[-1], s.vx[-1], s.vy[-1], s.satellite[-1]) == (62, 53, -33, "2B")
    assert s.date_dt_days[-1] == pytest.approx(10.0007, abs=1e-4)
    assert np.median(s.v) == 7
    # 47,892 pairs in (20000, 10, 10) chunks: 3 objects per 3-D variable, nothing else twice
    assert sum(1 for g in gets if g.startswith("v/")) == 3
    assert len(gets) == len(set(gets)) == s.requests


def test_filters_are_pure_masks(trunk):
    s = next(s for s in trunk[0] if s.epsg == 3413)
    all_pass = pair_filter_mask(s)
    assert all_pass.all()
    m = pair_filter_mask(s, min_dt_days=10, max_dt_days=60)
    np.testing.assert_array_equal(m, (s.date_dt_days >= 10) & (s.date_dt_days <= 60))
    sats = s.satellites()
    assert set(sats) <= {"4", "5", "7", "8", "9", "1A", "1B", "2A", "2B"} and len(sats) >= 2
    keep = [sats[0]]
    m = pair_filter_mask(s, satellites=keep)
    np.testing.assert_array_equal(m, (s.satellite == sats[0]) & (s.satellite_img2 == sats[0]))
    assert not pair_filter_mask(s, satellites=[]).any()
    sub = s.subset(m)
    assert len(sub) == int(m.sum()) and (sub.satellite == sats[0]).all()


def test_inverted_series_follows_the_truth(trunk):
    s = next(s for s in trunk[0] if s.epsg == 3413)
    r = invert_point(s, robust=True)
    tvx, tvy = pair_average_truth(TILE_A, r.edges_days[:-1], r.edges_days[1:], s.y_m, s.x_m)
    truth = np.hypot(tvx, tvy)
    ok = np.isfinite(r.v)
    assert ok.sum() > 0.9 * r.v.size
    rel = np.abs(r.v[ok] - truth[ok]) / truth[ok]
    assert np.median(rel) < 0.02 and np.quantile(rel, 0.9) < 0.05
    assert np.all(r.v_sigma[ok] > 0) and r.n_pairs == len(s)
    assert np.all(np.diff(r.centres_days) == pytest.approx(12.0))
    assert invert_point(s.subset(np.arange(2))) is None  # fewer than 3 pairs


def test_subset_and_inversion_files(trunk, mirror, tmp_path):
    import xarray as xr

    s_net = next(s for s in trunk[0] if s.epsg == 3413)
    raw = xr.open_zarr(mirror.roots[TILE_A.key], decode_timedelta=False)
    names = ["v", "vx", "vy", "v_error", "mapping", *VARS_1D]
    sub = raw[names].isel(x=slice(35, 40), y=slice(26, 31)).load()
    sub["mapping"].attrs["spatial_epsg"] = 3413
    path = tmp_path / "subset.nc"
    sub.to_netcdf(path)
    s = point_series_from_file(path, *TRUNK_LONLAT, "EPSG:4326")
    assert (s.x_m, s.y_m, s.epsg) == (s_net.x_m, s_net.y_m, 3413) and (s.col, s.row) == (2, 2)
    np.testing.assert_array_equal(s.v, s_net.v)
    np.testing.assert_array_equal(s.d1_days, s_net.d1_days)
    np.testing.assert_array_equal(s.satellite, s_net.satellite)
    # an inversion result file (dims time, y, x) with known values
    t = np.datetime64("2020-01-01") + np.arange(4) * np.timedelta64(12, "D")
    bnds = np.stack([t - np.timedelta64(6, "D"), t + np.timedelta64(6, "D")], axis=1)
    v = np.arange(4 * 2 * 3, dtype="float32").reshape(4, 2, 3)
    inv = xr.Dataset(
        {
            "time_bnds": (("time", "nv"), bnds),
            "vx": (("time", "y", "x"), v),
            "vy": (("time", "y", "x"), -v),
            "v": (("time", "y", "x"), np.abs(v) * np.sqrt(2)),
            "v_sigma": (("time", "y", "x"), np.full_like(v, 2.0)),
            "count": (("time", "y", "x"), np.full(v.shape, 7, dtype="int32")),
            "mapping": ((), np.int32(0), {"spatial_epsg": 3413}),
        },
        coords={"time": t, "y": [-2280292.5, -2280412.5], "x": [-178627.5, -178507.5, -178387.5]},
    )
    inv_path = tmp_path / "inversion.nc"
    inv.to_netcdf(inv_path)
    r = point_series_from_file(inv_path, *TRUNK_3413, 3413)
    assert len(r) == 0 and isinstance(r.regular, RegularSeries) and (r.col, r.row) == (1, 1)
    np.testing.assert_array_equal(r.regular.vx, v[:, 1, 1])
    np.testing.assert_array_equal(r.regular.count, 7)
    assert r.regular.edges_days[0] == pytest.approx(_days(np.datetime64("2019-12-26"))[()])
    assert np.isnan(r.regular.vx_sigma).all()
    with pytest.raises(InputError, match="outside the grid"):
        point_series_from_file(inv_path, 0.0, 0.0, 3413)


def test_csv_export(trunk, tmp_path):
    found = trunk[0]
    inverted = [invert_point(found[0]), None]
    path = series_to_csv(found, inverted, tmp_path / "points.csv")
    assert [p.name for p in tmp_path.iterdir()] == ["points.csv"]  # no temporary file left
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pairs = [r for r in rows if r["kind"] == "pair"]
    assert len(pairs) == len(found[0]) + len(found[1])
    inv_rows = [r for r in rows if r["kind"] == "inverted"]
    assert len(inv_rows) == inverted[0].centres_days.size and {r["point"] for r in inv_rows} == {"1"}
    first = next(r for r in pairs if r["point"] == "2")
    s = found[1]
    assert float(first["v_m_per_yr"]) == s.v[0] and first["satellite_img1"] == s.satellite[0]
    assert first["granule_url"] == s.granule_url[0] and int(first["epsg"]) == s.epsg
    start = np.datetime64(round(s.d1_days[0] * 86400), "s")
    assert first["date_start"] == str(start)
    assert float(first["date_dt_days"]) == pytest.approx(s.date_dt_days[0], abs=1e-4)
    with pytest.raises(InputError, match="does not exist"):
        series_to_csv(found, None, tmp_path / "missing" / "x.csv")
