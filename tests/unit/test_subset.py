"""Subset download: values against an independent xarray read, tiles, seams, faults, resume, errors."""

from __future__ import annotations

import filecmp
import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from itslive_qgis.core.errors import CancelledError, InputError, NetworkError
from itslive_qgis.core.io import StoreConfig
from itslive_qgis.core.progress import NullProgress
from itslive_qgis.core.subset.api import estimate_subset, subset_cubes
from tests.fixtures.faultproxy import FaultProxy
from tests.fixtures.generator import REAL_BLOCK_KEY
from tests.fixtures.truth import default_tiles, pair_average_truth, transform_xy

TILE_A, TILE_B, TILE_UTM = default_tiles()
WINDOW = ("2015-01-01", "2021-12-31")
VELOCITIES = ("v", "vx", "vy", "v_error")


# -- helpers -------------------------------------------------------------------------------------------
def _config(endpoint, cache: Path, **kw) -> StoreConfig:
    return StoreConfig(endpoint_url=endpoint, cache_dir=cache, **kw)


def _raw(mirror, tile_key: str):
    """The cube as xarray reads it (decoded, NOT cleaned): the independent reference.

    Read from the folder the mirror serves (the same bytes as the bucket objects), which is faster.
    """
    import xarray as xr

    return xr.open_zarr(mirror.roots[tile_key], decode_timedelta=False)


def _days(values) -> np.ndarray:
    return (np.asarray(values).astype("datetime64[ns]").astype("int64") / 86400e9).astype("float64")


def _expected(raw, start: str, end: str, ys: slice, xs: slice):
    """Independent expectation: pairs with mid_date in [start, end + 1 day), stable sort, img order fixed."""
    mid = _days(raw.mid_date.values)
    lo = _days(np.datetime64(start))
    hi = _days(np.datetime64(end)) + 1.0
    keep = np.flatnonzero((mid >= lo) & (mid < hi))
    keep = keep[np.argsort(mid[keep], kind="stable")]
    ds = raw.isel(mid_date=keep, y=ys, x=xs).load()
    d1, d2 = _days(ds.acquisition_date_img1.values), _days(ds.acquisition_date_img2.values)
    swap = d1 > d2
    sat1 = np.where(swap, ds.satellite_img2.values, ds.satellite_img1.values)
    return ds, np.minimum(d1, d2), np.maximum(d1, d2), sat1


def _index_slice(coords: np.ndarray, lo: float, hi: float) -> slice:
    idx = np.flatnonzero((coords + 60 > lo) & (coords - 60 < hi))
    return slice(int(idx[0]), int(idx[-1]) + 1)


def _open(path):
    import xarray as xr

    from itslive_qgis.core.io.cf import pairs_from_disk

    # the CF pair layout on disk (io.cf) read back into the plugin's in-memory layout
    if str(path).endswith(".zarr"):
        return pairs_from_disk(xr.open_zarr(path, decode_timedelta=False))
    return pairs_from_disk(xr.open_dataset(path, decode_timedelta=False))


class CancelAfter(NullProgress):
    """Cancels once the reported fraction passes ``fraction``; records when."""

    def __init__(self, fraction: float):
        self.fraction = fraction
        self.cancelled_at: float | None = None

    def report(self, fraction: float) -> None:
        if fraction >= self.fraction and self.cancelled_at is None and fraction < 0.85:
            self.cancelled_at = time.monotonic()

    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


def _chunk_gets(proxy: FaultProxy, key: str) -> dict:
    """GET count per data-chunk object of cube ``key`` (.zmetadata and the x/y coordinates excluded:
    every run reads those three small objects directly)."""
    prefix = f"GET /its-live-data/{key}/"
    with proxy.lock:
        return {
            k: c
            for k, c in proxy.requests.items()
            if k.startswith(prefix)
            and not k.rsplit("/", 1)[-1].startswith(".z")
            and k[len(prefix) :].split("/")[0] not in ("x", "y")
        }


# -- one cube ------------------------------------------------------------------------------------------
def test_single_cube_equals_independent_xarray_read(mirror, tmp_path):
    x0, y0, _, _ = TILE_A.extent_m
    area = (x0 + 1000, y0 + 700, x0 + 3500, y0 + 2600)
    out = tmp_path / "a.nc"
    res = subset_cubes(
        f"s3://its-live-data/{TILE_A.key}",
        area,
        "EPSG:3413",
        *WINDOW,
        output_path=out,
        config=_config(mirror.endpoint_url, tmp_path / "cache"),
    )
    raw = _raw(mirror, TILE_A.key)
    ys = _index_slice(raw.y.values, area[1], area[3])
    xs = _index_slice(raw.x.values, area[0], area[2])
    exp, t1, t2, sat1 = _expected(raw, *WINDOW, ys, xs)
    got = _open(out)
    assert got.sizes["mid_date"] == exp.sizes["mid_date"] == res.n_pairs > 100
    np.testing.assert_array_equal(got.x.values, exp.x.values)
    np.testing.assert_array_equal(got.y.values, exp.y.values)
    assert got.y.values[0] > got.y.values[-1] and got.attrs["y_order"] == "descending"
    for name in VELOCITIES:
        np.testing.assert_array_equal(got[name].values, exp[name].values)
    assert np.abs(_days(got.mid_date.values) - _days(exp.mid_date.values)).max() < 1e-9
    np.testing.assert_allclose(_days(got.acquisition_date_img1.values), t1, atol=1e-9)
    np.testing.assert_allclose(_days(got.acquisition_date_img2.values), t2, atol=1e-9)
    np.testing.assert_allclose(got.date_dt.values, t2 - t1, rtol=1e-6)
    np.testing.assert_array_equal(got.satellite_img1.values.astype(str), sat1)
    np.testing.assert_array_equal(got.granule_url.values.astype(str), exp.granule_url.values.astype(str))
    assert (np.diff(_days(got.mid_date.values)) >= 0).all()
    # CF: grid mapping, units, provenance
    assert got.v.attrs["grid_mapping"] == "mapping" and got.v.attrs["units"] == "meter/year"
    assert got.mapping.attrs["spatial_epsg"] == 3413
    assert got.mapping.attrs["GeoTransform"].split()[0] == str(float(got.x.values[0] - 60))
    assert got.attrs["Conventions"] == "CF-1.8"
    query = json.loads(got.attrs["query"])
    assert query["start_date"] == WINDOW[0] and query["variables"][:4] == list(VELOCITIES)
    assert json.loads(got.attrs["source_date_updated"]) == {
        f"s3://its-live-data/{TILE_A.key}": "14-Nov-2024 03:12:44"
    }
    assert got.attrs["software"].startswith("itslive_qgis")
    # only the chunks the area touches: 4 velocity vars x 1 time chunk x 3 x 3 spatial chunks, plus
    # 11 pair variables read for the selection and 3 more pair variables of the output (x, y and
    # .zmetadata are read directly, outside the plan)
    assert res.stats["chunks_fetched"] == res.plan.n_chunks == 4 * 9 + 11 + 3
    assert sum(1 for _ in tmp_path.iterdir()) == 2  # a.nc and the cache folder, no leftovers


def test_estimate_lists_the_bytes_the_download_reads(mirror, tmp_path):
    x0, y0, _, _ = TILE_A.extent_m
    area = (x0 + 120, y0 + 120, x0 + 1320, y0 + 1320)  # cells that only touch the edge are left out
    cfg = _config(mirror.endpoint_url, tmp_path / "cache")
    url = f"s3://its-live-data/{TILE_A.key}"
    plan = estimate_subset(url, area, "EPSG:3413", *WINDOW, config=cfg)
    assert (plan.ny, plan.nx) == (10, 10) and plan.n_pixels == 100
    assert not (tmp_path / "x.nc").exists()
    res = subset_cubes(url, area, "EPSG:3413", *WINDOW, output_path=tmp_path / "x.nc", config=cfg)
    assert res.plan.n_bytes == plan.n_bytes
    assert res.stats["bytes_fetched"] + res.stats["bytes_from_cache"] == plan.n_bytes
    assert res.stats["chunks_from_cache"] == plan.n_chunks_cached > 0  # metadata read by the estimate
    assert res.n_pairs == plan.n_pairs


def test_polygon_area_filters_and_zarr_output(mirror, tmp_path):
    from shapely.geometry import Polygon

    x0, y0, _, _ = TILE_A.extent_m
    tri = Polygon([(x0 + 100, y0 + 100), (x0 + 3000, y0 + 100), (x0 + 100, y0 + 3000)])
    url = f"s3://its-live-data/{TILE_A.key}"
    cfg = _config(mirror.endpoint_url, tmp_path / "cache")
    kw = dict(
        satellites=["S2A", "2B"], min_interval_days=10, max_interval_days=100, max_v_error_m_per_yr=60.0
    )
    res = subset_cubes(url, tri, "EPSG:3413", *WINDOW, config=cfg, output_path=tmp_path / "t.zarr", **kw)
    got = _open(tmp_path / "t.zarr")
    raw = _raw(mirror, TILE_A.key)
    ys, xs = _index_slice(raw.y.values, y0 + 100, y0 + 3000), _index_slice(raw.x.values, x0 + 100, x0 + 3000)
    exp, t1, t2, sat1 = _expected(raw, *WINDOW, ys, xs)
    dt = t2 - t1
    keep = np.isin(sat1, ["2A", "2B"]) & (dt >= 10) & (dt <= 100)
    assert res.n_pairs == keep.sum() > 50
    assert set(got.satellite_img1.values.astype(str)) <= {"2A", "2B"}
    # cells whose 120 m square misses the triangle are NaN; inside, v_error > 60 m/yr masked per pixel
    xx, yy = np.meshgrid(got.x.values, got.y.values)
    outside = (xx - 60 - x0 - 100) + (yy - 60 - y0 - 100) > 2900
    ve = exp.v_error.values[keep]
    for name in VELOCITIES:
        want = np.where(ve > 60.0, np.nan, exp[name].values[keep])
        want[:, outside] = np.nan
        np.testing.assert_array_equal(got[name].values, want)
    assert np.isnan(got.v.values[:, outside]).all() and outside.any()
    # of the 3 x 3 chunks (1200 m) of the bounding box, the 3 beyond the hypotenuse are not read
    assert res.plan.n_chunks == len(VELOCITIES) * 6 + 11 + 3


def test_two_tiles_of_one_projection_join_on_their_grid(mirror, tmp_path):
    seam = TILE_A.x_max_m
    area = (seam - 700, -2281500, seam + 700, -2279000)
    urls = [f"s3://its-live-data/{TILE_A.key}", f"s3://its-live-data/{TILE_B.key}"]
    res = subset_cubes(
        urls,
        area,
        "EPSG:3413",
        *WINDOW,
        output_path=tmp_path / "ab.nc",
        config=_config(mirror.endpoint_url, tmp_path / "cache"),
    )
    got = _open(tmp_path / "ab.nc")
    assert np.allclose(np.diff(got.x.values), 120.0) and got.x.values.size == 12
    assert "common 120 m grid" in got.attrs["method_across_cubes"]
    mids = got.mid_date.values.astype("int64")
    assert (np.diff(mids) >= 0).all()
    for tile, cols in ((TILE_A, got.x.values < seam), (TILE_B, got.x.values > seam)):
        raw = _raw(mirror, tile.key)
        ys = _index_slice(raw.y.values, area[1], area[3])
        xs = _index_slice(raw.x.values, area[0], area[2])
        exp, *_ = _expected(raw, *WINDOW, ys, xs)
        mine = np.isin(mids, exp.mid_date.values.astype("int64"))
        assert mine.sum() == exp.sizes["mid_date"]  # every pair of the tile, in the same order
        for name in VELOCITIES:
            vals = got[name].values[:, :, cols]
            np.testing.assert_array_equal(vals[mine], exp[name].values)
            assert np.isnan(vals[~mine]).all()  # pairs of the other tile: NaN over this one
    n_a = _expected(_raw(mirror, TILE_A.key), *WINDOW, slice(0, 1), slice(0, 1))[0].sizes["mid_date"]
    n_b = _expected(_raw(mirror, TILE_B.key), *WINDOW, slice(0, 1), slice(0, 1))[0].sizes["mid_date"]
    assert res.n_pairs == n_a + n_b  # the tiles share no pair


def test_utm_seam_rotates_vx_vy_into_the_target_grid(mirror, tmp_path):
    seam = TILE_A.x_max_m
    area = (seam - 1500, -2281000, seam + 600, -2279000)
    urls = [f"s3://its-live-data/{TILE_A.key}", f"s3://its-live-data/{TILE_UTM.key}"]
    subset_cubes(
        urls,
        area,
        "EPSG:3413",
        *WINDOW,
        output_path=tmp_path / "u.nc",
        target_crs="EPSG:32622",
        config=_config(mirror.endpoint_url, tmp_path / "cache"),
    )
    got = _open(tmp_path / "u.nc")
    assert got.attrs["projection"] == "32622" and np.allclose(np.mod(got.x.values, 120), 52.5)
    assert "rotated" in got.attrs["method_across_cubes"]
    raw = _raw(mirror, TILE_A.key)
    mid_a = set(raw.mid_date.values.astype("int64").tolist())
    from_a = np.array([m in mid_a for m in got.mid_date.values.astype("int64")])
    exp, t1, t2, _ = _expected(raw, *WINDOW, slice(None), slice(None))
    # the EPSG:3413 source pixel of every output cell (independent nearest-neighbour look-up)
    xx, yy = np.meshgrid(got.x.values, got.y.values)
    sx, sy = transform_xy(32622, 3413, xx, yy)
    col = np.rint((sx - raw.x.values[0]) / 120).astype(int)
    row = np.rint((raw.y.values[0] - sy) / 120).astype(int)
    vx_a, vy_a = got.vx.values[from_a], got.vy.values[from_a]
    cells = np.argwhere((col >= 0) & (col < 50) & (row >= 0) & (row < 50) & np.isfinite(vx_a).any(axis=0))
    assert len(cells) > 100
    speeds = []
    for i, j in cells:
        src_x, src_y = exp.vx.values[:, row[i, j], col[i, j]], exp.vy.values[:, row[i, j], col[i, j]]
        ok = np.isfinite(src_x)
        assert np.array_equal(np.isfinite(vx_a[:, i, j]), ok)
        # rotation preserves the speed of every pair
        np.testing.assert_allclose(
            np.hypot(vx_a[ok, i, j], vy_a[ok, i, j]), np.hypot(src_x[ok], src_y[ok]), rtol=1e-5, atol=1e-3
        )
        speeds.append((np.nanmedian(np.hypot(src_x, src_y)), i, j))
    _, i, j = max(speeds)
    gx, gy = transform_xy(3413, 32622, raw.x.values[col[i, j]], raw.y.values[row[i, j]])
    tvx, tvy = pair_average_truth(32622, t1, t2, gy, gx)
    ok = np.isfinite(vx_a[:, i, j])
    angle_out = np.degrees(np.arctan2(np.median(vy_a[ok, i, j]), np.median(vx_a[ok, i, j])))
    angle_truth = np.degrees(np.arctan2(np.median(tvy[ok]), np.median(tvx[ok])))
    angle_raw = np.degrees(
        np.arctan2(
            np.nanmedian(exp.vy.values[:, row[i, j], col[i, j]]),
            np.nanmedian(exp.vx.values[:, row[i, j], col[i, j]]),
        )
    )
    assert abs(angle_out - angle_truth) < 0.5  # the grids differ by ~6 degrees here
    assert abs(angle_raw - angle_truth) > 4.0
    # cells of the UTM tile keep that tile's own values (no rotation)
    raw_u = _raw(mirror, TILE_UTM.key)
    exp_u, *_ = _expected(raw_u, *WINDOW, slice(None), slice(None))
    i, j = got.sizes["y"] // 2, got.sizes["x"] // 2
    ri = int(np.flatnonzero(raw_u.y.values == got.y.values[i])[0])
    ci = int(np.flatnonzero(raw_u.x.values == got.x.values[j])[0])
    assert np.isfinite(exp_u.vx.values[:, ri, ci]).sum() > 100
    np.testing.assert_array_equal(got.vx.values[~from_a, i, j], exp_u.vx.values[:, ri, ci])


def test_utm_seam_bilinear(mirror, tmp_path):
    """Bilinear resampling: the flow direction still matches the truth in the target axes."""
    seam = TILE_A.x_max_m
    area = (seam - 1500, -2280600, seam - 300, -2279400)
    urls = [f"s3://its-live-data/{TILE_A.key}"]
    out = tmp_path / "b.nc"
    subset_cubes(
        urls,
        area,
        "EPSG:3413",
        *WINDOW,
        output_path=out,
        target_crs="EPSG:32622",
        resampling="bilinear",
        variables=["vx", "vy"],
        config=_config(mirror.endpoint_url, tmp_path / "c"),
    )
    got = _open(out)
    assert "bilinear" in got.attrs["method_across_cubes"]
    exp, t1, t2, _ = _expected(_raw(mirror, TILE_A.key), *WINDOW, slice(0, 1), slice(0, 1))
    speed = np.nanmedian(np.hypot(got.vx.values, got.vy.values), axis=0)
    i, j = np.unravel_index(np.nanargmax(speed), speed.shape)
    tvx, tvy = pair_average_truth(32622, t1, t2, got.y.values[i], got.x.values[j])
    ok = np.isfinite(got.vx.values[:, i, j])
    assert ok.sum() > 100
    angle_out = np.degrees(np.arctan2(np.median(got.vy.values[ok, i, j]), np.median(got.vx.values[ok, i, j])))
    angle_truth = np.degrees(np.arctan2(np.median(tvy[ok]), np.median(tvx[ok])))
    assert abs(angle_out - angle_truth) < 0.5
    assert abs(speed[i, j] - np.median(np.hypot(tvx[ok], tvy[ok]))) < 0.05 * speed[i, j]


# -- robustness ----------------------------------------------------------------------------------------
def test_faults_are_retried_and_give_a_byte_identical_file(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    x0, y0, _, _ = TILE_B.extent_m
    area = (x0 + 500, y0 + 500, x0 + 2900, y0 + 2900)
    url = f"s3://its-live-data/{TILE_B.key}"
    clean = subset_cubes(
        url,
        area,
        "EPSG:3413",
        *WINDOW,
        output_path=tmp_path / "clean.nc",
        config=_config(mirror.endpoint_url, tmp_path / "c1"),
    )
    with FaultProxy(
        mirror.endpoint_url, latency_s=0.01, fail_every=5, drop_every=7, truncate_every=11
    ) as proxy:
        flaky = subset_cubes(
            url,
            area,
            "EPSG:3413",
            *WINDOW,
            output_path=tmp_path / "flaky.nc",
            config=_config(proxy.url, tmp_path / "c2"),
        )
        faults = dict(proxy.faults)
    assert faults["503"] > 0 and faults["drop"] > 0 and faults["truncate"] > 0
    assert flaky.stats["retries"] == sum(faults.values())
    assert flaky.stats["chunks_fetched"] == clean.stats["chunks_fetched"]
    assert filecmp.cmp(tmp_path / "clean.nc", tmp_path / "flaky.nc", shallow=False)


def test_persistent_failure_raises_network_error_and_writes_nothing(mirror, tmp_path):
    x0, y0, _, _ = TILE_A.extent_m
    with FaultProxy(mirror.endpoint_url, fail_every=1) as proxy:
        with pytest.raises(NetworkError, match="SlowDown"):
            subset_cubes(
                f"s3://its-live-data/{TILE_A.key}",
                (x0, y0, x0 + 500, y0 + 500),
                "EPSG:3413",
                *WINDOW,
                output_path=tmp_path / "n.nc",
                config=_config(proxy.url, tmp_path / "c", retries=3),
            )
        assert proxy.gets == 3  # .zmetadata, three attempts
    assert not any(p.suffix in (".nc", ".part") for p in tmp_path.iterdir())


def test_cancel_then_resume_fetches_each_chunk_once(mirror, tmp_path):
    url = f"s3://its-live-data/{TILE_B.key}"
    area = TILE_B.extent_m
    out = tmp_path / "r.nc"
    with FaultProxy(mirror.endpoint_url, latency_s=0.03) as proxy:
        cfg = _config(proxy.url, tmp_path / "cache")
        progress = CancelAfter(0.35)
        with pytest.raises(CancelledError):
            subset_cubes(
                url, area, "EPSG:3413", *WINDOW, output_path=out, config=cfg, progress=progress, max_workers=4
            )
        latency = time.monotonic() - progress.cancelled_at
        assert latency < 1.0
        assert not out.exists() and not list(tmp_path.glob(".r.nc*"))
        first = _chunk_gets(proxy, TILE_B.key)
        proxy.reset_counts()
        res = subset_cubes(url, area, "EPSG:3413", *WINDOW, output_path=out, config=cfg, max_workers=4)
        second = _chunk_gets(proxy, TILE_B.key)
    assert out.exists()
    assert set(first).isdisjoint(second)  # nothing fetched twice
    assert all(c == 1 for c in list(first.values()) + list(second.values()))
    assert len(first) + len(second) == res.plan.n_chunks == 25 * 4 + 11 + 3
    assert res.stats["chunks_from_cache"] == len(first) > 0 and res.stats["chunks_fetched"] == len(second) > 0
    assert not any((tmp_path / "cache").rglob("*.part"))


def test_streaming_in_small_blocks_gives_the_same_values(mirror, tmp_path):
    x0, y0, _, _ = TILE_A.extent_m
    area = (x0 + 200, y0 + 200, x0 + 5000, y0 + 4300)
    url = f"s3://its-live-data/{TILE_A.key}"
    cfg = _config(mirror.endpoint_url, tmp_path / "cache")
    kw = dict(variables=["v", "vx", "landice", "date_dt"], output_path=tmp_path / "s.nc", config=cfg)
    from itslive_qgis.core.subset.write import block_shape

    res = subset_cubes(url, area, "EPSG:3413", *WINDOW, max_memory_bytes=4_000_000, **kw)
    assert block_shape(res.n_pairs, 2, res.plan.ny, res.plan.nx, 4_000_000, 2) < (res.plan.ny, res.plan.nx)
    raw = _raw(mirror, TILE_A.key)
    ys, xs = _index_slice(raw.y.values, area[1], area[3]), _index_slice(raw.x.values, area[0], area[2])
    exp, *_ = _expected(raw, *WINDOW, ys, xs)
    got = _open(tmp_path / "s.nc")
    for name in ("v", "vx", "landice"):
        np.testing.assert_array_equal(got[name].values, exp[name].values)
    assert set(got.data_vars) == {"v", "vx", "landice", "date_dt", "mapping"}


# -- bad inputs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change, message",
    [
        ({"area": "empty"}, "empty"),
        ({"area": (0.0, 0.0, 1000.0, 1000.0)}, "outside every given datacube"),
        ({"start_date": "1950-01-01", "end_date": "1951-01-01"}, "No image pairs"),
        ({"variables": ["v", "speed"]}, "Unknown variable.*speed.*Available: .*vx"),
        ({"output_path": "/proc/itslive_test/out.nc"}, "output folder"),
        ({"output_path": "/proc/out.nc"}, "Cannot write"),
        ({"output_path": "out.tif"}, r"\.nc .*\.zarr"),
        ({"start_date": "2020-01-02", "end_date": "2020-01-01"}, "before the start"),
        ({"start_date": "2020-13-01"}, "YYYY-MM-DD"),
        ({"satellites": ["L8"], "missions": ["S"]}, "none passes the filters"),
    ],
)
def test_bad_inputs_raise_clear_errors_and_write_nothing(mirror, tmp_path, change, message):
    from shapely.geometry import Polygon

    x0, y0, _, _ = TILE_A.extent_m
    args = {
        "area": (x0, y0, x0 + 500, y0 + 500),
        "start_date": WINDOW[0],
        "end_date": WINDOW[1],
        "output_path": tmp_path / "bad.nc",
    }
    args.update(change)
    if args["area"] == "empty":
        args["area"] = Polygon()
    if args["output_path"] == "out.tif":
        args["output_path"] = tmp_path / "out.tif"
    local = mirror.roots[TILE_A.key]  # the same cube as a local folder
    with pytest.raises(InputError, match=message):
        subset_cubes(
            str(local),
            args.pop("area"),
            "EPSG:3413",
            args.pop("start_date"),
            args.pop("end_date"),
            config=_config(None, tmp_path / "cache"),
            **args,
        )
    assert [p.name for p in tmp_path.iterdir() if p.name != "cache"] == []


def test_point_area_gives_the_cell_under_it(mirror, tmp_path):
    from shapely.geometry import Point

    local = mirror.roots[TILE_A.key]
    raw = _raw(mirror, TILE_A.key)
    px, py = float(raw.x.values[7]), float(raw.y.values[31])
    out = tmp_path / "p.nc"
    lon, lat = transform_xy(3413, 4326, px + 20.0, py - 30.0)  # inside that cell, given in lon/lat
    subset_cubes(str(local), Point(lon, lat), "EPSG:4326", *WINDOW, variables=["v"], output_path=out)
    got = _open(out)
    assert (got.sizes["y"], got.sizes["x"]) == (1, 1) and (got.x.values[0], got.y.values[0]) == (px, py)
    exp, *_ = _expected(raw, *WINDOW, slice(31, 32), slice(7, 8))
    np.testing.assert_array_equal(got.v.values, exp.v.values)


# -- own tiny store and the real block -----------------------------------------------------------------
def test_tiny_cube_with_ragged_chunks_and_a_missing_chunk(tmp_path):
    import numcodecs
    import xarray as xr
    import zarr

    rng = np.random.default_rng(3)
    n, ny, nx = 23, 12, 9
    mid = rng.uniform(17000, 17500, n)
    mid[5] = mid[6]  # a duplicated mid_date stays duplicated, in on-disk order
    v = rng.integers(0, 500, (n, ny, nx)).astype("int16")
    v[rng.random(v.shape) < 0.2] = -32767
    store = tmp_path / "tiny.zarr"
    g = zarr.open_group(str(store), mode="w", zarr_format=2)
    blosc = numcodecs.Blosc(cname="zlib", clevel=2, shuffle=1)
    g.attrs.update({"projection": "3413", "date_updated": "01-Jan-2025 00:00:00"})

    def arr(name, data, dims, chunks, **attrs):
        a = g.create_array(
            name,
            shape=data.shape,
            dtype=data.dtype,
            chunks=chunks,
            compressors=blosc,
            fill_value=attrs.pop("fill", None),
            attributes={"_ARRAY_DIMENSIONS": dims, **attrs},
        )
        a[...] = data

    arr(
        "mid_date",
        mid,
        ["mid_date"],
        (10,),
        units="days since 1970-01-01",
        calendar="proleptic_gregorian",
        fill=np.nan,
    )
    arr("x", -200000.0 + 52.5 + 120 * np.arange(nx), ["x"], (nx,), units="m")
    arr("y", -2200000.0 + 67.5 - 120 * np.arange(ny), ["y"], (ny,), units="m")
    arr("v", v, ["mid_date", "y", "x"], (7, 5, 4), missing_value=-32767, units="meter/year")
    zarr.consolidate_metadata(str(store), zarr_format=2)
    (store / "v" / "1.1.1").unlink()  # a chunk never written: zarr reads the fill value (null -> 0)
    got_path = tmp_path / "tiny.nc"
    subset_cubes(
        str(store),
        (-200000.0, -2201500.0, -199100.0, -2199900.0),
        3413,
        "2016-01-01",
        "2018-01-01",
        variables=["v"],
        output_path=got_path,
    )
    got = _open(got_path)
    order = np.argsort(mid, kind="stable")
    want = np.where(v == -32767, np.nan, v.astype("float32"))
    want[7:14, 5:10, 4:8] = 0.0
    want = want[order][:, :, : got.sizes["x"]]
    assert got.sizes["x"] == 8 and got.sizes["y"] == 12
    np.testing.assert_array_equal(got.v.values, want)
    ref = xr.open_zarr(store).isel(mid_date=order)  # zarr and xarray themselves agree
    np.testing.assert_array_equal(got.v.values, ref.v.values[:, :, :8])
    assert (np.diff(got.mid_date.values.astype("int64")) >= 0).all()


def test_real_block_through_the_mirror(mirror, tmp_path, shared_data):
    if REAL_BLOCK_KEY not in mirror.roots:
        pytest.skip("the mirror serves no real block")
    url = f"https://its-live-data.s3.amazonaws.com/{REAL_BLOCK_KEY}"  # catalog-style URL -> mirror
    area = (786592.5, 3312247.5, 787792.5, 3313447.5)
    out = tmp_path / "real.nc"
    res = subset_cubes(
        url,
        area,
        "EPSG:32646",
        "1980-01-01",
        "2025-12-31",
        output_path=out,
        config=_config(mirror.endpoint_url, tmp_path / "cache"),
    )
    got = _open(out)
    assert res.n_pairs == got.sizes["mid_date"] == 47892
    assert np.unique(got.mid_date.values).size == 26715
    v55 = got.v.values[:, 5, 5]
    first = int(np.flatnonzero(np.isfinite(v55))[0])
    assert str(got.mid_date.values[first])[:19] == "1986-11-22T03:29:27"
    assert (v55[first], got.vx.values[first, 5, 5], got.vy.values[first, 5, 5]) == (9.0, 4.0, -8.0)
    assert got.satellite_img1.values[first] == "5" and abs(float(got.date_dt.values[first]) - 47.9998) < 1e-3
    assert (got.x.values[5], got.y.values[5]) == (787252.5, 3312787.5)
    assert int(np.isfinite(got.v.values).sum()) == 433139


def test_fetch_is_thread_safe_under_concurrency(mirror, tmp_path):
    """Two subsets of the same cube at once share the cache folder without corrupting it."""
    url = f"s3://its-live-data/{TILE_A.key}"
    x0, y0, _, _ = TILE_A.extent_m
    cfg = _config(mirror.endpoint_url, tmp_path / "cache")
    errors = []

    def run(name):
        try:
            subset_cubes(
                url,
                (x0, y0, x0 + 2400, y0 + 2400),
                "EPSG:3413",
                *WINDOW,
                output_path=tmp_path / name,
                config=cfg,
                keep_chunk_cache=True,
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"t{i}.nc",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    a, b = _open(tmp_path / "t0.nc"), _open(tmp_path / "t1.nc")
    np.testing.assert_array_equal(a.v.values, b.v.values)
