"""Outlines on cube grids and per-glacier statistics: exact cell fractions, a generated cube with known
truth, the noise bias of averaging speeds, and the real RGI outline with the real block."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import LineString, Polygon, box

from itslive_qgis.core.errors import DataError, InputError
from itslive_qgis.core.glacier import (
    glacier_stats,
    outline_mask,
    read_outlines,
    weighted_median,
    write_stats_csv,
)

X = 1000.0 + 120.0 * np.arange(30)
Y = 5000.0 - 120.0 * np.arange(20)  # descending
BLOCK = "datacube/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"
OUTLINE = "datacube/RGI2000-v7.0-G-15-16257_outline_EPSG32646.geojson"


def test_cell_fractions_of_a_rectangle_are_exact():
    # cell (row i, col j) spans x in [X[j] - 60, X[j] + 60], y in [Y[i] - 60, Y[i] + 60]
    poly = box(X[3] - 60 + 30, Y[8] - 60 + 90, X[6] + 60, Y[5] + 60 - 24)  # 1/4 col 3, 1/4 row 8, 0.8 row 5
    m = outline_mask(poly, X, Y)
    expected = np.zeros((Y.size, X.size))
    expected[5:9, 3:7] = 1.0
    expected[:, 3] *= 0.75
    expected[8, :] *= 0.25
    expected[5, :] *= 0.8
    np.testing.assert_allclose(m.fraction, expected, atol=1e-12)
    assert m.area_m2 == pytest.approx(poly.area, rel=1e-12)
    assert m.inside.sum() == 16
    assert m.chunks(10, 10) == {(0, 0)}
    assert outline_mask(box(X[9], Y[9], X[12], Y[12]), X, Y).chunks(10, 10) == {
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
    }


def test_fractions_of_a_tilted_polygon_sum_to_its_area_and_the_outside_is_refused():
    poly = Polygon([(1500, 3000), (3500, 2800), (4000, 4200), (2000, 4700)])
    m = outline_mask(poly, X, Y)
    assert m.area_m2 == pytest.approx(poly.area, rel=1e-9)
    assert set(np.unique(m.fraction[m.fraction > 0]).round(12)) - {1.0}  # partial cells exist
    with pytest.raises(InputError, match="does not overlap"):
        outline_mask(box(0, 0, 10, 10), X, Y).window()


def test_weighted_median_equals_the_median_of_repeated_values():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(50, 9))
    values[3, :4] = np.nan
    weights = rng.integers(1, 5, size=9)
    got = weighted_median(values, weights)
    for row, g in zip(values, got):
        rep = np.repeat(row, weights)
        rep = np.sort(rep[np.isfinite(rep)])
        total = rep.size
        assert g == rep[int(np.ceil(total / 2)) - 1]  # the lower weighted median


def _noise_dataset(sigma, n_time=400, seed=0):
    import pyproj
    import xarray as xr

    rng = np.random.default_rng(seed)
    shape = (n_time, Y.size, X.size)
    crs = pyproj.CRS.from_epsg(3413)
    return xr.Dataset(
        {
            "vx": (("time", "y", "x"), 5.0 + rng.normal(0, sigma, shape)),
            "vy": (("time", "y", "x"), rng.normal(0, sigma, shape)),
            "mapping": ((), 0, {"crs_wkt": crs.to_wkt()}),
        },
        coords={
            "x": X,
            "y": Y,
            "time": np.datetime64("2020-01-01") + np.arange(n_time).astype("timedelta64[D]"),
        },
    )


def test_averaging_components_is_unbiased_and_averaging_speeds_is_not():
    sigma = 40.0  # m/yr of noise on a 5 m/yr glacier
    poly = box(X[2], Y[17], X[27], Y[2])
    ds = _noise_dataset(sigma)
    frame = glacier_stats(ds, [("slow", poly)])  # an inversion-like result: one row per step
    assert frame["observed_fraction"].eq(1.0).all()
    assert len(frame) == ds.sizes["time"] and frame["date_start"].isna().all()
    static = glacier_stats(ds.isel(time=0), [("slow", poly)])  # a static field: one row, no time
    assert len(static) == 1 and static["time"].isna().all()
    np.testing.assert_allclose(static["vx_mean"], frame["vx_mean"].iloc[0])
    print(
        f"\nslow glacier, true speed 5 m/yr, noise {sigma} m/yr: mean of components "
        f"{frame['v_mean'].mean():.2f}, mean of speeds {frame['v_mean_of_speeds'].mean():.1f} m/yr"
    )
    assert frame["vx_mean"].mean() == pytest.approx(5.0, abs=0.2)
    assert frame["v_mean"].mean() < 7.0
    assert frame["v_mean_of_speeds"].mean() == pytest.approx(np.sqrt(np.pi / 2) * sigma, rel=0.05)  # Rayleigh


def test_generated_cube_with_a_generated_outline_matches_the_truth(tmp_path):
    import xarray as xr

    from tests.fixtures import truth
    from tests.fixtures.generator import write_cube
    from tests.fixtures.pairs import synthesize_pairs

    tile = truth.default_tiles()[0]
    pairs = synthesize_pairs(tile, 300)
    cube = write_cube(tmp_path / "gre_a.zarr", tile, pairs=pairs)
    xs = np.linspace(tile.x_min_m + 500, tile.x_min_m + 5500, 60)
    outline = LineString(np.c_[xs, truth.centreline_y(xs)]).buffer(1500.0)  # the fast trunk, in the ice
    frame = glacier_stats(cube, [("trunk", outline)], outline_crs="EPSG:3413")
    with xr.open_zarr(cube) as ds:
        order = np.argsort(ds["mid_date"].values, kind="stable")
        x, y = ds["x"].values, ds["y"].values
        vx = ds["vx"].values[order].astype(float)
        err = ds["vx_error"].values[order].astype(float)
        d1 = ds["acquisition_date_img1"].values[order]
        d2 = ds["acquisition_date_img2"].values[order]
    m = outline_mask(outline, x, y)
    xx, yy = np.meshgrid(x, y)
    days = lambda t: t.astype("datetime64[ns]").astype("int64") / 86400e9  # noqa: E731
    clean = ~pairs.outlier[order].any(axis=(1, 2))
    valid = np.isfinite(vx) & (m.fraction > 0)
    kept = np.flatnonzero(valid.any(axis=(1, 2)))  # the rows of the table, in time order
    assert len(frame) == kept.size
    checked = 0
    for i, k in enumerate(kept):
        if not clean[k] or checked >= 150:
            continue
        w = np.where(valid[k], m.fraction, 0.0)
        tx, ty = truth.pair_average_truth(tile, days(d1[k]), days(d2[k]), yy, xx)
        row = frame.iloc[i]
        truth_vx = (w * tx).sum() / w.sum()
        truth_vy = (w * ty).sum() / w.sum()
        noise = err[k] * np.sqrt((w**2).sum()) / w.sum() + 0.5  # + integer rounding
        assert abs(row["vx_mean"] - truth_vx) < 5 * noise
        assert row["v_mean"] == pytest.approx(np.hypot(truth_vx, truth_vy), abs=5 * np.sqrt(2) * noise)
        assert row["observed_fraction"] == pytest.approx(w.sum() / m.fraction.sum())
        checked += 1
    assert checked >= 100 and frame["time"].is_monotonic_increasing
    cells = box(x.min() - 60, y.min() - 60, x.max() + 60, y.max() + 60)  # the buffer's caps leave the tile
    assert frame["area_km2"].iloc[0] == pytest.approx(outline.intersection(cells).area / 1e6, rel=1e-9)


def test_real_rgi_outline_on_the_real_block(shared_data, tmp_path):
    import xarray as xr

    outlines, crs = read_outlines(shared_data / OUTLINE)
    assert outlines[0][0] == "RGI2000-v7.0-G-15-16257" and "32646" in crs
    frame = glacier_stats(shared_data / BLOCK, outlines, outline_crs=crs)
    with xr.open_zarr(shared_data / BLOCK) as ds:
        x, y = ds["x"].values, ds["y"].values
        n_pairs = ds.sizes["mid_date"]
        vx, vy = ds["vx"].values.astype(float), ds["vy"].values.astype(float)
        mid = ds["mid_date"].values
    m = outline_mask(outlines[0][1], x, y)
    # the block was masked to this outline upstream (PROVENANCE.md): no data outside it
    assert not np.isfinite(vx[:, ~m.inside]).any()
    cells = box(x.min() - 60, y.min() - 60, x.max() + 60, y.max() + 60)
    assert m.area_m2 == pytest.approx(outlines[0][1].intersection(cells).area, rel=1e-9)
    assert 0 < len(frame) <= n_pairs and frame["observed_fraction"].between(0, 1).all()
    assert frame["date_start"].le(frame["date_end"]).all()
    order = np.argsort(mid, kind="stable")
    wv = np.where(np.isfinite(vx) & np.isfinite(vy), m.fraction, 0.0)[order]  # (pairs, y, x)
    mean_x = np.nansum(wv * vx[order], axis=(1, 2)) / wv.sum(axis=(1, 2))
    mean_y = np.nansum(wv * vy[order], axis=(1, 2)) / wv.sum(axis=(1, 2))
    seen = wv.sum(axis=(1, 2)) > 0
    np.testing.assert_allclose(frame["v_mean"], np.hypot(mean_x, mean_y)[seen], rtol=1e-9)
    np.testing.assert_allclose(frame["observed_fraction"], wv.sum(axis=(1, 2))[seen] / m.fraction.sum())
    print(
        f"\nRGI2000-v7.0-G-15-16257 on the block: {len(frame)} pair dates, "
        f"median glacier speed {frame['v_mean'].median():.1f} m/yr (mean of pixel speeds: "
        f"{frame['v_mean_of_speeds'].median():.1f} m/yr)"
    )
    out = write_stats_csv(frame, tmp_path / "stats.csv")
    head = out.read_text().splitlines()[0].split(",")
    assert head[:3] == ["outline_id", "time", "date_start"]


def test_an_outline_with_no_observation_is_refused():
    ds = _noise_dataset(1.0, n_time=3)
    ds["vx"][:] = np.nan
    with pytest.raises(DataError, match="No outline is observed"):
        glacier_stats(ds, [("g", box(X[2], Y[10], X[8], Y[2]))])


def test_mask_dataset_sets_the_outside_to_nan_and_never_reads_chunks_wholly_outside(tmp_path):
    import dask
    import xarray as xr
    from dask.core import flatten
    from dask.optimization import cull

    from itslive_qgis.core.glacier import mask_dataset
    from tests.fixtures import truth
    from tests.fixtures.generator import write_cube

    tile = truth.default_tiles()[0]
    cube = write_cube(tmp_path / "gre_a.zarr", tile, n_pairs=40)
    ds = xr.open_zarr(cube)
    x0, y1 = float(ds.x.min()), float(ds.y.max())
    # a triangle over the north-west 3 x 3 chunks (1200 m): the 3 beyond its hypotenuse are outside
    tri = Polygon([(x0, y1), (x0 + 3300, y1), (x0, y1 - 3300)])
    masked, m = mask_dataset(ds, tri)
    assert 20 < masked.sizes["x"] == masked.sizes["y"] <= 30
    source = ds["vx"].data
    graph = dict(masked["vx"].data.__dask_graph__())
    needed, _ = cull(graph, list(flatten(masked["vx"].data.__dask_keys__())))
    read = {k[1:] for k in needed if isinstance(k, tuple) and k[0] == source.name}
    assert read == {(0, i, j) for i in range(3) for j in range(3) if i + j <= 2}  # 6 of the 9 chunks
    with dask.config.set(scheduler="synchronous"):
        got = masked["vx"].values
    want = ds["vx"].isel(x=slice(0, masked.sizes["x"]), y=slice(0, masked.sizes["y"])).values
    np.testing.assert_array_equal(got[:, m.inside], want[:, m.inside])
    assert np.isnan(got[:, ~m.inside]).all() and (~m.inside).any()
    assert masked["vx"].dims == ds["vx"].dims
