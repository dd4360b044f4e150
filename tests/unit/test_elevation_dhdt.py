"""dh/dt from ATL06 repeat tracks, ATL15-like and height-change-like files, and the mass-balance residual.

Truths: the generators' dh/dt fields (tests/fixtures/atl06.py, height_change.py) and, for the
mass balance, analytic velocity and thickness fields whose flux divergence is known.
"""

from __future__ import annotations

import numpy as np
import pytest

from itslive_qgis.core.elevation import HeightQuery, find_granules, open_granules, read_heights
from itslive_qgis.core.elevation.dhdt import dhdt_from_gridded, dhdt_from_points, write_dhdt
from itslive_qgis.core.elevation.grids import GridSpec, write_grid
from itslive_qgis.core.elevation.massbalance import SIGN_CONVENTION, mass_balance_to_file
from itslive_qgis.core.errors import InputError
from tests.fixtures import atl06 as gen
from tests.fixtures.height_change import antarctic_dhdt, write_atl15, write_height_change_cube

#: the glacier tiles of the mirror (EPSG:3413), with 1 km cells
TILES = (-183000.0, -2283000.0, -171000.0, -2277000.0)


@pytest.fixture(scope="module")
def heights(tmp_path_factory):
    granules = gen.write_granules(tmp_path_factory.mktemp("atl06"), seed=5)
    query = HeightQuery()
    with open_granules(find_granules([granules[0].path.parent], query)) as readers:
        return read_heights(readers, query)


def test_dhdt_from_repeat_tracks_recovers_the_generators_thinning(heights):
    grid = GridSpec.from_extent(*TILES, 1000.0, "EPSG:3413")
    out = dhdt_from_points(heights, grid)
    ok = np.isfinite(out["dhdt"])
    assert ok.sum() >= 20, "cells crossed by the repeat tracks"
    # truth at the segments' centroid in each cell (dh/dt varies by 0.1 m/yr across a 1 km cell)
    from itslive_qgis.core.geo import transform_xy

    px, py = transform_xy(heights.longitude.to_numpy(), heights.latitude.to_numpy(), 4326, 3413)
    col = np.floor((px - TILES[0]) / 1000.0).astype(int)
    row = np.floor((TILES[3] - py) / 1000.0).astype(int)
    rows, cols = np.nonzero(ok)
    truth = np.array(
        [gen.true_dhdt(px[(row == r) & (col == c)].mean(), 0.0) for r, c in zip(rows, cols, strict=True)]
    )
    error = out["dhdt"][ok] - truth
    rms = float(np.sqrt(np.mean(error**2)))
    print(
        f"dh/dt from ATL06 repeat tracks: {ok.sum()} cells, RMS error {rms:.4f} m/yr, "
        f"max {np.abs(error).max():.4f}"
    )
    assert rms < 0.015 and np.abs(error).max() < 0.04
    # passes: 8 cycles of one track, 16 where both tracks cross a cell
    assert (out["count"][ok] >= 3).all() and np.median(out["count"][ok]) == len(gen.CYCLES)
    assert out["count"][ok].max() <= len(gen.CYCLES) * len(gen.TRACKS)
    assert (out["dhdt_sigma"][ok] > 0).all() and np.median(out["dhdt_sigma"][ok]) < 0.02
    assert (out["count"][~ok] == 0).all()


def test_dhdt_window_too_short_is_refused_not_written(heights, tmp_path):
    grid = GridSpec.from_extent(*TILES, 1000.0, "EPSG:3413")
    out = dhdt_from_points(heights, grid, start="2019-03-01", end="2019-07-01")
    assert not np.isfinite(out["dhdt"]).any()
    with pytest.raises(InputError, match="passes"):
        write_dhdt(tmp_path / "x.nc", grid, out, "test")
    assert not list(tmp_path.iterdir())


def test_dhdt_output_is_cf_netcdf_with_the_grid_mapping(heights, tmp_path):
    import xarray as xr

    grid = GridSpec.from_extent(*TILES, 1000.0, "EPSG:3413")
    path = write_dhdt(tmp_path / "dhdt.nc", grid, dhdt_from_points(heights, grid), "generated ATL06")
    with xr.open_dataset(path) as ds:
        assert ds["dhdt"].attrs["units"] == "m/yr" and ds["dhdt"].attrs["grid_mapping"] == "mapping"
        assert ds["mapping"].attrs["spatial_epsg"] == 3413 and ds.attrs["Conventions"] == "CF-1.8"
        assert ds["count"].dtype.kind == "i" and ds["y"].values[0] > ds["y"].values[-1]
        back = GridSpec.from_file(path)
    assert np.allclose(back.x, grid.x) and back.crs.to_epsg() == 3413


def test_dhdt_from_atl15_like_file(tmp_path):
    path = write_atl15(tmp_path / "ATL15_GL_0314_01km_002_01.nc")
    grid = GridSpec.from_extent(*TILES, 500.0, "EPSG:3413")
    out = dhdt_from_gridded(path, grid)
    xx, yy = np.meshgrid(grid.x, grid.y)
    error = out["dhdt"] - gen.true_dhdt(xx, yy)
    assert np.isfinite(error).all()
    rms = float(np.sqrt(np.mean(error**2)))
    print(f"dh/dt from ATL15 delta_h: RMS error {rms:.4f} m/yr (noise 0.05 m, 12 quarters)")
    assert rms < 0.03 and (out["count"] == 12).all()
    assert np.median(np.abs(error) / out["dhdt_sigma"]) < 1.5  # sigma says the size of the error
    lag4 = dhdt_from_gridded(path, grid, lag=4)
    assert np.sqrt(np.nanmean((lag4["dhdt"] - gen.true_dhdt(xx, yy)) ** 2)) < 0.05
    short = dhdt_from_gridded(path, grid, start="2019-01-01", end="2019-12-31")
    assert (short["count"] == 4).all()


def test_atl15_with_a_time_axis_dh_per_epoch_and_dhdt_per_window(tmp_path):
    """(time, y, x) outputs: dh at each ATL15 epoch, and dh/dt per lag window with its time_bnds."""
    import xarray as xr

    from itslive_qgis.core.elevation.dhdt import dhdt_series_from_gridded
    from tests.fixtures.height_change import ATL15_STEP_DAYS

    path = write_atl15(tmp_path / "ATL15.nc")
    grid = GridSpec.from_extent(*TILES, 500.0, "EPSG:3413")
    xx, yy = np.meshgrid(grid.x, grid.y)
    rate = gen.true_dhdt(xx, yy)
    epochs = np.datetime64("2018-01-01") + (273.0 + ATL15_STEP_DAYS * np.arange(12)) * np.timedelta64(
        86400, "s"
    )
    got = dhdt_series_from_gridded(path, grid, start="2019-01-01")
    keep = epochs >= np.datetime64("2019-01-01")
    assert got["dh"].shape == (keep.sum(), *grid.shape) and "time_bnds" not in got
    np.testing.assert_array_equal(got["time"], epochs[keep].astype("datetime64[ns]"))
    years = (epochs[keep] - epochs[0]) / np.timedelta64(1, "D") / 365.25
    truth = rate[None] * years[:, None, None]  # the generator's dh, relative to its first epoch
    rms = float(np.sqrt(np.mean((got["dh"] - truth) ** 2)))
    print(f"ATL15 dh per epoch: {keep.sum()} epochs, RMS error {rms:.4f} m (noise 0.05 m)")
    assert rms < 0.05 and got["dhdt"].shape == grid.shape
    out = write_dhdt(tmp_path / "dh.nc", grid, got, str(path), "2019-01-01")
    with xr.open_dataset(out) as ds:
        assert ds["dh"].dims == ("time", "y", "x") and ds["dh"].attrs["units"] == "m"
        assert ds["time"].attrs["standard_name"] == "time" and ds["dhdt"].dims == ("y", "x")
    lag = dhdt_series_from_gridded(path, grid, lag=4)
    assert lag["dhdt"].shape == (8, *grid.shape)
    err = lag["dhdt"] - rate[None]
    print(f"ATL15 dh/dt per lag-4 window: RMS error {np.sqrt(np.mean(err**2)):.4f} m/yr")
    assert np.sqrt(np.mean(err**2)) < np.mean(lag["dhdt_sigma"])  # within the stated 1-sigma
    width = (lag["time_bnds"][:, 1] - lag["time_bnds"][:, 0]) / np.timedelta64(1, "D")
    np.testing.assert_allclose(width, 4 * ATL15_STEP_DAYS, atol=1e-3)  # the window a lag-4 rate spans
    # the window starts and ends at the epochs it differences
    np.testing.assert_allclose(
        (lag["time_bnds"][:, 0] - epochs[:8].astype("datetime64[ns]")) / np.timedelta64(1, "s"), 0, atol=1
    )
    out = write_dhdt(tmp_path / "lag.nc", grid, lag, str(path))
    with xr.open_dataset(out, decode_times=False) as ds:
        assert ds["dhdt"].dims == ("time", "y", "x") and ds["time"].attrs["bounds"] == "time_bnds"
        assert ds["time"].attrs["units"] == "days since 1970-01-01" and "_FillValue" not in ds["time"].attrs
        assert ds["time_bnds"].shape == (8, 2) and (ds["count"].values == 8).all()


def test_height_change_cube_with_a_time_axis(tmp_path):
    from itslive_qgis.core.elevation.dhdt import dhdt_series_from_gridded

    path = write_height_change_cube(tmp_path / "cube.zarr")
    grid = GridSpec.from_extent(-1_520_000.0, -420_000.0, -1_480_000.0, -385_000.0, 2000.0, "EPSG:3031")
    got = dhdt_series_from_gridded(path, grid)
    xx, yy = np.meshgrid(grid.x, grid.y)
    years = np.arange(20.0)  # the generator's yearly epochs from 1993-01-01
    assert str(got["time"][0])[:10] == "1993-01-01" and got["dh"].shape == (20, *grid.shape)
    truth = antarctic_dhdt(xx, yy)[None] * years[:, None, None]
    err = got["dh"] - truth
    ok = np.isfinite(err)
    assert 0.6 < ok.mean() < 1.0  # flagged values (5 %) blank their neighbours, never enter
    rms = float(np.sqrt(np.mean(err[ok] ** 2)))
    print(f"height-change cube dh per epoch: RMS error {rms:.3f} m over {ok.sum()} values (noise 0.2 m)")
    assert rms < 0.2 and np.abs(err[ok]).max() < 1.5


def test_dhdt_from_height_change_cube_skips_flagged_values(tmp_path):
    path = write_height_change_cube(tmp_path / "ANT_G1920V01_GroundedIceHeight.zarr")
    grid = GridSpec.from_extent(-1_520_000.0, -420_000.0, -1_480_000.0, -385_000.0, 2000.0, "EPSG:3031")
    out = dhdt_from_gridded(path, grid)
    xx, yy = np.meshgrid(grid.x, grid.y)
    error = out["dhdt"] - antarctic_dhdt(xx, yy)
    ok = np.isfinite(error)
    assert ok.mean() > 0.9
    rms = float(np.sqrt(np.mean(error[ok] ** 2)))
    print(f"dh/dt from the height-change cube: RMS error {rms:.4f} m/yr (flagged dh of +-50 m excluded)")
    assert rms < 0.03


def _flux_inputs(tmp_path):
    """Velocities vx = 100 + a (x - xc), vy = 0 and thickness H = 400 + g (y - yc): div = a H."""
    import rasterio
    import xarray as xr
    from affine import Affine

    from itslive_qgis.core.io import cf

    x = -180000.0 + 120.0 * np.arange(60) + 60.0
    y = -2276000.0 - 120.0 * np.arange(50) - 60.0
    xc, yc = x.mean(), y.mean()
    a, g = 2e-3, 0.05
    xx, yy = np.meshgrid(x, y)
    mapping = cf.grid_mapping_attrs("EPSG:3413", x, y)
    vel = xr.Dataset(
        {
            "vx": (("y", "x"), 100.0 + a * (xx - xc), {"units": "m/yr", "grid_mapping": "mapping"}),
            "vy": (("y", "x"), np.zeros_like(xx), {"units": "m/yr", "grid_mapping": "mapping"}),
            "mapping": ((), np.int32(0), mapping),
        },
        coords={"x": x, "y": y},
    )
    vel_path = tmp_path / "velocity.nc"
    vel.to_netcdf(vel_path)
    thk_path = tmp_path / "thickness.tif"
    with rasterio.open(
        thk_path, "w", driver="GTiff", width=x.size, height=y.size, count=1, dtype="float64",
        crs="EPSG:3413", transform=Affine(120.0, 0, x[0] - 60.0, 0, -120.0, y[0] + 60.0),
    ) as dst:  # fmt: skip
        dst.write(400.0 + g * (yy - yc), 1)
    return vel_path, thk_path, (xc, yc, a, g)


def test_mass_balance_recovers_the_surface_term(tmp_path):
    """Observed = dynamic thinning (from the real flux code) + a known surface term; the residual is it."""
    import xarray as xr

    from itslive_qgis.core.fields import flux_divergence_to_file

    vel, thk, (xc, yc, a, g) = _flux_inputs(tmp_path)
    flux = flux_divergence_to_file(
        str(vel), str(thk), tmp_path / "flux.nc", crs="EPSG:3413", scale_correction=False
    )

    def surface(x, y):  # the known surface mass balance, m/yr of ice
        return 0.5 - 1.0e-4 * (x - xc)

    def dynamic(x, y):  # -div(H v) of the analytic fields
        return -a * (400.0 + g * (y - yc))

    # the observed rate on ANOTHER grid (500 m), as itslive:elevationchange would write it
    obs_grid = GridSpec.from_extent(-181000.0, -2283000.0, -172000.0, -2275000.0, 500.0, "EPSG:3413")
    ox, oy = np.meshgrid(obs_grid.x, obs_grid.y)
    observed = {
        "dhdt": dynamic(ox, oy) + surface(ox, oy),
        "dhdt_sigma": np.full(ox.shape, 0.1),
        "count": ox * 0 + 5,
    }
    from itslive_qgis.core.elevation.dhdt import DHDT_VARIABLES

    obs = write_grid(tmp_path / "dhdt.nc", obs_grid, observed, DHDT_VARIABLES, "test")
    out = mass_balance_to_file(obs, flux, tmp_path / "mb.nc")
    with xr.open_dataset(out) as ds:
        xx, yy = np.meshgrid(ds.x.values, ds.y.values)
        inner = (slice(2, -2), slice(2, -2))
        residual = ds["residual_dhdt"].values[inner]
        truth = surface(xx, yy)[inner]
        ok = np.isfinite(residual)
        assert ok.mean() > 0.95
        err = np.abs(residual[ok] - truth[ok])
        print(f"mass balance: surface term recovered, max error {err.max():.2e} m/yr over {ok.sum()} cells")
        assert err.max() < 1e-3
        assert np.allclose(ds["residual_dhdt_sigma"].values[inner][ok], 0.1, atol=1e-3)
        assert ds.attrs["sign_convention"] == SIGN_CONVENTION and "-flux_divergence" in SIGN_CONVENTION
        # the dynamic term really is thinning here (negative), so a sign slip would double it
        assert np.nanmax(ds["dynamic_dhdt"].values) < 0


def test_mass_balance_of_rates_per_window_uses_their_mean(tmp_path):
    """An elevationchange output with a time axis (dh/dt per lag window): the residual of their mean."""
    import xarray as xr

    from itslive_qgis.core.elevation.dhdt import dhdt_series_from_gridded

    atl15 = write_atl15(tmp_path / "ATL15.nc")
    grid = GridSpec.from_extent(*TILES, 1000.0, "EPSG:3413")
    windows = write_dhdt(tmp_path / "w.nc", grid, dhdt_series_from_gridded(atl15, grid, lag=1), str(atl15))
    xx, _ = np.meshgrid(grid.x, grid.y)
    dyn = -0.5 + 0 * xx
    flux = write_grid(
        tmp_path / "flux.nc", grid, {"dynamic_dhdt": dyn}, {"dynamic_dhdt": ("d", "m/yr", None)}, "test"
    )
    out = mass_balance_to_file(windows, flux, tmp_path / "mb.nc")
    with xr.open_dataset(windows) as w, xr.open_dataset(out) as ds:
        mean = w["dhdt"].mean("time").values  # independent: xarray's mean of the written windows
        np.testing.assert_allclose(ds["residual_dhdt"].values, mean + 0.5, atol=1e-5)
        assert ds.attrs["dhdt_observed_time_mean"].startswith("yes")
        assert ds.attrs["algorithm"] == "itslive:massbalance"


def test_mass_balance_refuses_files_that_are_not_its_inputs(tmp_path):
    from itslive_qgis.core.errors import DataError

    vel, _, _ = _flux_inputs(tmp_path)
    with pytest.raises(DataError, match="dynamic_dhdt"):
        mass_balance_to_file(vel, vel, tmp_path / "mb.nc")
    assert not (tmp_path / "mb.nc").exists()


HEIGHT_CHANGE_KEY = "height_change/Antarctica/Grounded/ANT_G1920V01_GroundedIceHeight.zarr"


def test_height_change_cube_from_the_its_live_bucket_anonymously(tmp_path):
    """The cube read from s3://its-live-data (a moto server, public-read, anonymous) equals the local read."""
    import boto3
    from moto.server import ThreadedMotoServer

    from itslive_qgis.core.io import StoreConfig

    local = write_height_change_cube(tmp_path / "cube.zarr")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-west-2",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        try:
            s3.create_bucket(
                Bucket="its-live-data",
                ACL="public-read",
                CreateBucketConfiguration={"LocationConstraint": "us-west-2"},
            )
        except s3.exceptions.BucketAlreadyOwnedByYou:
            pass  # moto keeps one backend per process: the mirror fixture of an earlier test made it
        for f in local.rglob("*"):
            if f.is_file():
                s3.put_object(
                    Bucket="its-live-data",
                    Key=f"{HEIGHT_CHANGE_KEY}/{f.relative_to(local)}",
                    Body=f.read_bytes(),
                )
        grid = GridSpec.from_extent(-1_520_000.0, -420_000.0, -1_480_000.0, -385_000.0, 2000.0, "EPSG:3031")
        config = StoreConfig(endpoint_url=endpoint)
        ref = dhdt_from_gridded(local, grid)
        for url in (
            f"s3://its-live-data/{HEIGHT_CHANGE_KEY}",
            f"https://its-live-data.s3.amazonaws.com/{HEIGHT_CHANGE_KEY}",
        ):
            got = dhdt_from_gridded(url, grid, config=config)
            np.testing.assert_array_equal(got["dhdt"], ref["dhdt"])
        with pytest.raises(InputError, match="not contacted"):
            dhdt_from_gridded("https://example.com/cube.zarr", grid, config=config)
    finally:
        server.stop()
