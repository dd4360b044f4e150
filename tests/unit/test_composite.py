"""core.composite on the mirror: the generator's composites mosaicked across tiles and EPSGs, and the
seasonal fit of the mirror's cube against the composite generator's amplitude and phase."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from itslive_qgis.core.errors import InputError
from itslive_qgis.core.io import StoreConfig
from tests.fixtures.composites import YEARS, composite_key, composite_truth
from tests.fixtures.products import HTTP_BUCKET
from tests.fixtures.truth import base_field, default_tiles

TILE_A, TILE_B, TILE_UTM = default_tiles()


def _config(mirror, tmp_path: Path) -> StoreConfig:
    return StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=tmp_path / "cache")


def test_composite_url_is_derived_from_the_cube_url():
    from itslive_qgis.core.composite import composite_url

    cube = f"{HTTP_BUCKET}/{TILE_A.key}"
    assert composite_url(cube) == f"{HTTP_BUCKET}/{composite_key(TILE_A)}"
    assert (
        composite_url(f"s3://its-live-data/{TILE_UTM.key}") == f"s3://its-live-data/{composite_key(TILE_UTM)}"
    )
    with pytest.raises(InputError, match="not an ITS_LIVE datacube URL"):
        composite_url("s3://its-live-data/velocity_mosaic/v2/static/x.nc")


def test_catalog_carries_composite_zarr_url(mirror):
    from itslive_qgis.core.catalog import load_catalog

    cat = load_catalog(config=StoreConfig(endpoint_url=mirror.endpoint_url)).catalog
    by_url = {r.zarr_url: r.composite_zarr_url for r in cat.records}
    assert by_url[f"{HTTP_BUCKET}/{TILE_B.key}"] == f"{HTTP_BUCKET}/{composite_key(TILE_B)}"


def test_two_tiles_of_one_projection_join_exactly(mirror, tmp_path):
    """GRE_A + GRE_B across their shared edge: every value equals the generator's truth (on-disk rounding)."""
    import xarray as xr

    from itslive_qgis.core.composite import composite_to_file

    x0, x1 = TILE_A.x[30] - 10, TILE_B.x[19] + 10
    y0, y1 = TILE_A.y[40] - 10, TILE_A.y[10] + 10
    out = composite_to_file(
        [f"{HTTP_BUCKET}/{TILE_A.key}", f"{HTTP_BUCKET}/{TILE_B.key}"],
        (x0, y0, x1, y1),
        "EPSG:3413",
        tmp_path / "comp.nc",
        start_year=2016,
        end_year=2020,
        config=_config(mirror, tmp_path),
    )
    with xr.open_dataset(out) as ds:
        assert ds.sizes == {"time": 5, "y": 31, "x": 40, "nv": 2}  # nv: time_bnds, each year
        assert [t.year for t in ds["time"].values.astype("datetime64[Y]").tolist()] == list(range(2016, 2021))
        assert ds["v_amp"].attrs["units"] == "meter/year" and ds["dv_dt"].attrs["units"] == "meter/year^2"
        assert ds["mapping"].attrs["spatial_epsg"] == 3413
        for tile, cols in ((TILE_A, slice(0, 20)), (TILE_B, slice(20, 40))):
            truth = composite_truth(tile)
            src_cols = slice(30, 50) if tile is TILE_A else slice(0, 20)
            t = {k: v[..., 10:41, src_cols] for k, v in truth.items()}
            np.testing.assert_allclose(ds["v0"].values[:, cols], t["v0"], rtol=1e-6, atol=1e-3)
            years = slice(2016 - YEARS[0], 2021 - YEARS[0])
            np.testing.assert_allclose(ds["vx"].values[:, :, cols], t["vx"][years], rtol=1e-6, atol=1e-3)
            np.testing.assert_allclose(ds["v_amp"].values[:, cols], t["v_amp"], atol=0.5)
            phase = t["v_phase"]
            ok = np.isfinite(phase)
            np.testing.assert_allclose(ds["v_phase"].values[:, cols][ok], phase[ok], atol=0.5)


def test_tiles_of_two_projections_are_rotated_into_the_output_axes(mirror, tmp_path):
    """Output in UTM 22N over the UTM tile and beyond it (filled from the EPSG:3413 tiles, rotated)."""
    import xarray as xr

    from itslive_qgis.core.composite import composite_to_file

    xs, ys = TILE_UTM.x, TILE_UTM.y
    area = (xs[20], ys[30], xs[-1] + 3000.0, ys[10])  # 3 km east of the UTM tile: 3413 tiles fill
    out = composite_to_file(
        [f"{HTTP_BUCKET}/{t.key}" for t in (TILE_A, TILE_B, TILE_UTM)],
        area,
        "EPSG:32622",
        tmp_path / "utm.nc",
        variables=["v0", "vx0", "v_amp", "vx_amp", "vx_phase"],
        target_crs="EPSG:32622",
        config=_config(mirror, tmp_path),
    )
    with xr.open_dataset(out) as ds:
        assert {"vy0", "vy_amp", "vy_phase"} <= set(ds.data_vars)  # partners read for the rotation
        xx, yy = np.meshgrid(ds["x"].values, ds["y"].values)
        beyond = xx > TILE_UTM.x_max_m
        assert beyond.sum() > 100
        bx, by, a1 = base_field(32622, yy, xx)  # truth in UTM axes at the output cell centres
        v0, vx0, vy0 = ds["v0"].values, ds["vx0"].values, ds["vy0"].values
        fast = np.isfinite(v0) & (v0 > 300)
        assert (fast & beyond).sum() > 20 and (fast & ~beyond).sum() > 20
        # rotation keeps the norm; the direction is the truth's direction in UTM axes
        np.testing.assert_allclose(np.hypot(vx0, vy0)[fast], v0[fast], rtol=1e-5)
        angle = np.degrees(np.arctan2(vy0, vx0) - np.arctan2(by, bx))
        angle = (angle + 180) % 360 - 180
        print(f"flow direction error: max {np.abs(angle[fast]).max():.2f} deg")
        assert np.abs(angle[fast]).max() < 1.0
        # the seasonal cycle of vx rotated: amplitude a1 |bx| / |b| of v_amp, phase 196 (or half a year later)
        expect = ds["v_amp"].values * np.abs(bx) / np.hypot(bx, by)
        good = fast & (expect > 40)
        rel = np.abs(ds["vx_amp"].values[good] - expect[good]) / expect[good]
        print(f"rotated vx_amp error: median {np.median(rel):.2%} max {rel.max():.2%}")
        assert np.median(rel) < 0.01 and rel.max() < 0.05
        want = np.where(bx >= 0, 196.0, 196.0 + 182.625 - 365.25 * (196.0 + 182.625 > 366.25))
        dphase = np.abs((ds["vx_phase"].values - want + 182.625) % 365.25 - 182.625)
        assert np.max(dphase[good]) < 2.0


def test_seasonal_fit_of_the_mirror_cube_agrees_with_the_composite(mirror, tmp_path):
    """seasonal_fit of the served cube (pairs over S3) vs the composite generator's amplitude and phase."""
    import xarray as xr

    from itslive_qgis.core.seasonal import seasonal_dataset

    comp = xr.open_zarr(mirror.roots[composite_key(TILE_A)])
    ix = 25
    iy = int(np.nanargmax(comp["v_amp"].values[:, ix]))
    rows, cols = slice(iy - 3, iy + 4), slice(ix - 3, ix + 4)
    extent = (TILE_A.x[ix - 3] - 1, TILE_A.y[iy + 3] - 1, TILE_A.x[ix + 3] + 1, TILE_A.y[iy - 3] + 1)
    fit = seasonal_dataset(
        f"s3://its-live-data/{TILE_A.key}", extent=extent, semiannual=True, config=_config(mirror, tmp_path)
    )
    amp_c = comp["v_amp"].values[rows, cols]
    phase_c = comp["v_phase"].values[rows, cols]
    rel = np.abs(fit["v_amp"].values - amp_c) / amp_c
    dphase = np.abs(fit["v_phase"].values - phase_c)
    dv0 = np.abs(fit["v0"].values - comp["v0"].values[rows, cols]) / comp["v0"].values[rows, cols]
    print(f"fit vs composite over 7x7 px: amplitude {np.median(rel):.2%} (max {rel.max():.2%}), "
          f"phase {np.median(dphase):.2f} d (max {dphase.max():.2f} d), v0 max {dv0.max():.3%}")  # fmt: skip
    assert rel.max() < 0.03 and dphase.max() < 2.0 and dv0.max() < 0.003
    # the same names, units and grid as the composite, so the two compare layer for layer
    for name in ("v0", "vx0", "dv_dt", "v_amp", "vx_phase", "v_amp_error"):
        assert name in fit
    np.testing.assert_array_equal(fit["x"].values, comp["x"].values[cols])
    np.testing.assert_array_equal(fit["y"].values, comp["y"].values[rows])


def test_missing_composite_and_bad_years_are_refused(mirror, tmp_path):
    from itslive_qgis.core.composite import composite_to_file

    area = (TILE_A.x[10], TILE_A.y[20], TILE_A.x[20], TILE_A.y[10])
    with pytest.raises(InputError, match="No annual layer between 2030"):
        cube = f"{HTTP_BUCKET}/{TILE_A.key}"
        composite_to_file(
            cube, area, "EPSG:3413", tmp_path / "a.nc", start_year=2030, config=_config(mirror, tmp_path)
        )
    with pytest.raises(InputError, match="No annual composite"):
        composite_to_file("s3://its-live-data/datacubes/v2/N60W040/ITS_LIVE_vel_EPSG3413_G0120_X0_Y0.zarr",
                          area, "EPSG:3413", tmp_path / "b.nc", config=_config(mirror, tmp_path))  # fmt: skip
    assert not list(tmp_path.glob("*.nc"))


def test_composite_point_gives_the_annual_values_and_the_seasonal_curve(mirror, tmp_path):
    from itslive_qgis.core.composite import composite_point
    from tests.fixtures.composites import seasonal_truth_curve

    iy, ix = 24, 20
    point = composite_point(
        f"{HTTP_BUCKET}/{TILE_A.key}", TILE_A.x[ix] + 30.0, TILE_A.y[iy] - 40.0, _config(mirror, tmp_path)
    )
    truth = composite_truth(TILE_A)
    assert (point.x_m, point.y_m) == (TILE_A.x[ix], TILE_A.y[iy])
    np.testing.assert_allclose(point.annual["v"], truth["v"][:, iy, ix], rtol=1e-6)
    assert point.year_start_days.size == len(YEARS) and np.all(point.annual_error["v"] > 0)
    t = np.linspace(17000.0, 19000.0, 400)
    curve = point.curve("v", t)
    # the composite's model against the truth's annual model (amplitude and phase rounded on disk)
    full = seasonal_truth_curve(TILE_A, t, TILE_A.y[iy], TILE_A.x[ix])
    amp = truth["v_amp"][iy, ix]
    assert np.max(np.abs(curve - full)) < 1.0 + 0.01 * amp
    assert abs(t[np.argmax(curve[:183])] % 365.25 + 1 - 196) < 3  # the maximum in mid-July


def test_seasonal_fit_of_a_downloaded_subset_agrees_with_the_composite(mirror, tmp_path):
    """The same comparison from a subset file (itslive:downloadsubset's output) instead of the cube."""
    import xarray as xr

    from itslive_qgis.core.seasonal import seasonal_dataset
    from itslive_qgis.core.subset import subset_cubes

    comp = xr.open_zarr(mirror.roots[composite_key(TILE_A)])
    ix = 25
    iy = int(np.nanargmax(comp["v_amp"].values[:, ix]))
    area = (TILE_A.x[ix - 1] - 1, TILE_A.y[iy + 1] - 1, TILE_A.x[ix + 1] + 1, TILE_A.y[iy - 1] + 1)
    result = subset_cubes(
        [f"{HTTP_BUCKET}/{TILE_A.key}"], area, "EPSG:3413", "2013-01-01", "2025-01-01",
        output_path=tmp_path / "subset.nc", config=_config(mirror, tmp_path),
    )  # fmt: skip
    fit = seasonal_dataset(str(result.path), semiannual=True)
    sel = comp.sel(x=fit["x"], y=fit["y"])
    rel = np.abs(fit["v_amp"].values - sel["v_amp"].values) / sel["v_amp"].values
    dphase = np.abs(fit["v_phase"].values - sel["v_phase"].values)
    print(f"subset fit vs composite: amplitude max {rel.max():.2%}, phase max {dphase.max():.2f} d")
    assert fit.sizes == {"y": 3, "x": 3} and rel.max() < 0.03 and dphase.max() < 2.0


def test_seasonal_fit_refuses_what_it_cannot_fit(tmp_path):
    from itslive_qgis.core.errors import DataError
    from itslive_qgis.core.seasonal import seasonal_fit

    path = tmp_path / "flat.nc"
    import xarray as xr

    xr.Dataset({"vx": (("y", "x"), np.ones((2, 2)))}, coords={"x": [0.0, 1.0], "y": [1.0, 0.0]}).to_netcdf(
        path
    )
    with pytest.raises(DataError, match="mid_date"):
        seasonal_fit(str(path), tmp_path / "out.nc")
    assert not (tmp_path / "out.nc").exists()


def test_generator_writes_the_composite_layout(mirror):
    """Dims, dtypes and fill values of the served composite, as the 2025 production writes them."""
    import zarr

    key = composite_key(TILE_UTM)
    assert key == (
        "composites/annual/v2-updated-september2025/N60W040/ITS_LIVE_velocity_EPSG32622_120m_X"
        f"{TILE_UTM.x_centre_m}_Y{TILE_UTM.y_centre_m}.zarr"
    )
    assert any(k.startswith(key + "/") for k in mirror.keys)
    group = zarr.open_group(str(mirror.roots[key]), mode="r", zarr_format=2)
    spec = {
        ("time", "y", "x"): {"v": ("f4", -32767), "vx": ("f4", -32767), "vy": ("f4", -32767),
                             "v_error": ("u2", 32767), "vx_error": ("u2", 32767), "count": ("u4", 0)},
        ("y", "x"): {"v0": ("f4", -32767), "vx0_error": ("u2", 32767), "dvy_dt": ("f4", -32767),
                     "v_amp": ("u2", 32767), "vy_amp_error": ("u2", 32767), "vx_phase": ("u2", 32767),
                     "count0": ("u4", 0), "outlier_percent": ("u1", 255), "landice": ("u1", 0),
                     "floatingice": ("u1", 0)},
        ("sensor", "y", "x"): {"dt_max": ("u2", 0), "sensor_flag": ("u1", 0)},
    }  # fmt: skip
    for dims, names in spec.items():
        for name, (dtype, fill) in names.items():
            arr = group[name]
            assert tuple(arr.attrs["_ARRAY_DIMENSIONS"]) == dims, name
            assert arr.dtype == np.dtype(dtype) and arr.fill_value == fill, (name, arr.dtype, arr.fill_value)
    assert group["v"].chunks == (1, TILE_UTM.ny, TILE_UTM.nx)
    assert group["time"].attrs["units"] == "days since 1970-01-01"
    days = np.asarray(group["time"][:])
    assert days[0] == (np.datetime64(f"{YEARS[0]}-01-01") - np.datetime64("1970-01-01")).astype(int)


def test_dt_max_and_sensor_flag_when_asked_for(mirror, tmp_path):
    """(sensor, y, x) dt_max and sensor_flag across GRE_A/GRE_B equal the generator's per-sensor values."""
    import xarray as xr

    from itslive_qgis.core.composite import composite_to_file
    from tests.fixtures.composites import SENSORS
    from tests.fixtures.composites import composite_dataset as generator_composite
    from tests.fixtures.pairs import synthesize_pairs

    x0, x1 = TILE_A.x[30] - 10, TILE_B.x[9] + 10
    y0, y1 = TILE_A.y[30] - 10, TILE_A.y[20] + 10
    cubes = [f"{HTTP_BUCKET}/{TILE_A.key}", f"{HTTP_BUCKET}/{TILE_B.key}"]
    asked = ["v", "dt_max", "sensor_flag"]
    config = _config(mirror, tmp_path)
    out = composite_to_file(
        cubes, (x0, y0, x1, y1), "EPSG:3413", tmp_path / "c.nc", 2016, 2017, asked, config=config
    )
    with xr.open_dataset(out) as ds:
        got = ds.load()
    assert got["dt_max"].dims == ("sensor", "y", "x") and list(got["sensor"].values) == list(SENSORS)
    assert got["dt_max"].attrs["units"] == "days" and "time" in got.dims
    checked = 0
    for tile in (TILE_A, TILE_B):
        ref = generator_composite(tile, synthesize_pairs(tile))
        xs = [x for x in got["x"].values if tile.x.min() <= x <= tile.x.max()]
        truth = ref[["dt_max", "sensor_flag"]].sel(x=xs, y=got["y"].values)
        flag = got["sensor_flag"].sel(x=xs).values
        np.testing.assert_array_equal(flag, truth["sensor_flag"].values)  # 0 where the group gave no pair
        dt = got["dt_max"].sel(x=xs).values
        np.testing.assert_array_equal(np.nan_to_num(dt), truth["dt_max"].values)
        checked += dt.size
    assert checked == got["dt_max"].size and np.nanmax(got["dt_max"].values) > 300  # year-long pairs present
    assert set(np.unique(got["sensor_flag"].values)) <= {0.0, 1.0}
    with pytest.raises(InputError, match="unknown composite variable"):
        composite_to_file(cubes, (x0, y0, x1, y1), "EPSG:3413", tmp_path / "d.nc", variables=["dt_min"],
                          config=_config(mirror, tmp_path))  # fmt: skip


def test_the_older_v02_composite_layout_is_read(mirror, tmp_path):
    """A cube without a 2025 composite: the older ``composites/annual/v02/...`` key is read (on the mirror and
    from a local tree); the values are the generator's truth; the log says which was read."""
    import xarray as xr

    from itslive_qgis.core.composite import composite_to_file, composite_url
    from tests.fixtures.composites import composite_key, write_composite
    from tests.fixtures.mirror import _upload

    region = "N70W050"  # a region folder of no 2025 composite on the mirror
    old_key = composite_key(TILE_A, "v02", region=region)
    assert old_key == (f"composites/annual/v02/{region}/ITS_LIVE_vel_annual_EPSG3413_G0120_"
                       f"X{TILE_A.x_centre_m}_Y{TILE_A.y_centre_m}.zarr")  # fmt: skip
    cube = f"{HTTP_BUCKET}/{TILE_A.key}".replace(f"/{TILE_A.bin_name}/", f"/{region}/")
    assert composite_url(cube, "v02") == f"{HTTP_BUCKET}/{old_key}"
    local_root = tmp_path / "bucket"
    write_composite(local_root / old_key, TILE_A)
    _upload(mirror.endpoint_url, {old_key: local_root / old_key})
    local_cube = str(local_root / TILE_A.key.replace(f"/{TILE_A.bin_name}/", f"/{region}/"))
    area = (TILE_A.x[10] - 10, TILE_A.y[20] - 10, TILE_A.x[19] + 10, TILE_A.y[10] + 10)
    truth = {k: v[..., 10:21, 10:20] for k, v in composite_truth(TILE_A).items()}

    class Log:
        lines: list[str] = []

        def log(self, text):
            self.lines.append(text)

        def report(self, *_):
            pass

        def is_cancelled(self):
            return False

    for tag, source in (("mirror", cube), ("local", local_cube)):
        log = Log()
        out = composite_to_file(source, area, "EPSG:3413", tmp_path / f"{tag}.nc", 2016, 2018,
                                config=_config(mirror, tmp_path), progress=log)  # fmt: skip
        with xr.open_dataset(out) as ds:
            np.testing.assert_allclose(ds["v0"].values, truth["v0"], rtol=1e-6, atol=1e-3)
            np.testing.assert_allclose(
                ds["vx"].values, truth["vx"][2016 - YEARS[0] : 2019 - YEARS[0]], atol=1e-3
            )
            assert "composites/annual/v02/" in ds.attrs["source_urls"]
        assert any("reading the older one" in line and "v02" in line for line in log.lines), log.lines
    # the point panel's reader finds the older composite too
    from itslive_qgis.core.composite import composite_point

    point = composite_point(cube, TILE_A.x[15], TILE_A.y[15], _config(mirror, tmp_path))
    assert "composites/annual/v02/" in point.url
    np.testing.assert_allclose(point.annual["v"], composite_truth(TILE_A)["v"][:, 15, 15], rtol=1e-6)
