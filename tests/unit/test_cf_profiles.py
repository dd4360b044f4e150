"""itslive:profile outputs are CF-1.8 clean under the IOOS compliance checker (issue 21), in both layouts.

A profile has no grid: its samples' ``x``/``y`` (and ``lat``/``lon``) are auxiliary coordinates of the
sampled velocities, which name the scalar grid-mapping variable (CF 5.6). Fresh outputs: the profile
of a subset (cube pairs: duplicated mid dates, so the ``mid_date(time)`` auxiliary layout, with the
pairs' acquisition dates as ``time_bnds``, along ``pair``), of an inversion (a strictly increasing ``time``
coordinate with the steps' ``time_bnds``) and of a static analytic field ``(distance)``. The checker
helpers are those of test_cf_compliance.py (same checker, same rules, no allow-list here).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.unit.test_cf_compliance import END, EXTENT, START, _checker, _findings

#: a bent line across the mirror's tiles (EPSG:3413 metres)
LINE = [(-181000.0, -2280000.0), (-177000.0, -2279600.0), (-173500.0, -2280400.0)]
PROFILES = ("profile_subset.nc", "profile_inversion.nc", "profile_static.nc")


@pytest.fixture(scope="module")
def profiles(mirror, tmp_path_factory) -> dict[str, Path]:
    import xarray as xr
    from shapely.geometry import box

    from itslive_qgis.core.catalog.catalog import cube_urls_for_area
    from itslive_qgis.core.inversion import invert_dataset, write_netcdf
    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.core.profile import profile_to_file
    from itslive_qgis.core.subset.api import subset_cubes
    from tests.fixtures import velocity_fields as vf

    root = tmp_path_factory.mktemp("cf_profiles")
    config = StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=root / "cache", retries=2)
    urls = cube_urls_for_area(box(*EXTENT), "EPSG:3413", config)
    subset = root / "subset.nc"
    subset_cubes(urls, EXTENT, "EPSG:3413", START, END, output_path=subset, config=config)
    with xr.open_dataset(subset, decode_timedelta=False) as ds:
        loaded = ds.load()
    inversion = write_netcdf(invert_dataset(loaded, interval_days=30.0), root / "inversion.nc")
    out = {"subset": subset, "inversion": inversion}
    for name, src in (("profile_subset.nc", subset), ("profile_inversion.nc", inversion)):
        out[name] = profile_to_file(str(src), root / name, LINE, 120.0)
    (vx, vy) = vf.affine_field(*vf.CASES["extension"][:2])
    field = vf.write_velocity(root / "static.nc", vx, vy)
    line = [(vf.X[4], vf.Y[30]), (vf.X[40], vf.Y[8])]
    out["profile_static.nc"] = profile_to_file(str(field), root / "profile_static.nc", line, 120.0)
    return out


@pytest.mark.parametrize("name", PROFILES)
def test_compliance_checker_cf18_is_clean_on_profiles(profiles, name, tmp_path):
    checker = _checker()
    report_path = tmp_path / "report.json"
    proc = subprocess.run(
        [str(checker), "--test=cf:1.8", "--format=json", "-o", str(report_path), str(profiles[name])],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert report_path.exists() and report_path.stat().st_size, f"checker failed:\n{proc.stderr[-3000:]}"
    report = json.loads(report_path.read_text())
    found = _findings(report)
    assert not found, f"{name}: CF-1.8 findings:\n" + "\n".join(f"{c}: {m}" for c, m in found)
    assert next(iter(report.values()))["scored_points"] > 20  # the checker really looked at the file


def test_duplicated_pair_dates_are_an_auxiliary_coordinate_with_the_pair_intervals(profiles):
    import xarray as xr

    with xr.open_dataset(profiles["profile_subset.nc"], decode_times=False) as raw:
        assert raw["v"].dims == ("distance", "pair") and "time" not in raw.variables
        t = raw["mid_date"]
        assert t.dims == ("pair",) and t.attrs["standard_name"] == "time"
        assert t.attrs["units"] == "days since 1970-01-01" and t.attrs["calendar"] == "proleptic_gregorian"
        assert "mid_date" in raw["v"].encoding["coordinates"].split()
        days = t.values
        assert np.all(np.diff(days) >= 0) and np.any(np.diff(days) == 0)  # sorted, duplicates kept
        bounds = raw[t.attrs["bounds"]].values
    with xr.open_dataset(profiles["subset"]) as sub:  # the truth: the subset's own acquisition dates
        a1, a2 = sub["acquisition_date_img1"].values, sub["acquisition_date_img2"].values
    epoch = np.datetime64("1970-01-01", "ns")
    width = np.sort(np.abs(a2 - a1) / np.timedelta64(1, "D"))
    np.testing.assert_allclose(np.sort(bounds[:, 1] - bounds[:, 0]), width, atol=1e-6)
    assert np.all(bounds[:, 0] <= days) and np.all(days <= bounds[:, 1])
    first = (np.minimum(a1, a2) - epoch) / np.timedelta64(1, "D")
    np.testing.assert_allclose(np.sort(bounds[:, 0]), np.sort(first), atol=1e-6)


def test_inversion_profile_has_a_time_coordinate_with_the_steps_bounds(profiles):
    import xarray as xr

    with xr.open_dataset(profiles["profile_inversion.nc"], decode_times=False) as raw:
        assert raw["v_along"].dims == ("distance", "time")  # CF H.2.1: the samples like stations
        t = raw["time"]
        assert t.dims == ("time",) and np.all(np.diff(t.values) > 0)
        assert t.attrs["standard_name"] == "time" and "_FillValue" not in t.encoding
        bounds = raw[t.attrs["bounds"]].values
    with xr.open_dataset(profiles["inversion"], decode_times=False) as inv:
        np.testing.assert_array_equal(bounds, inv["time_bnds"].values)
        np.testing.assert_array_equal(t.values, inv["time"].values)
    np.testing.assert_allclose(bounds[:, 1] - bounds[:, 0], 30.0, atol=1e-6)


@pytest.mark.parametrize("name", PROFILES)
def test_samples_carry_the_crs_and_their_geographic_position(profiles, name):
    import xarray as xr
    from pyproj import CRS, Transformer

    with xr.open_dataset(profiles[name]) as raw:
        for coord in ("x", "y", "lat", "lon", "distance_m"):
            assert "_FillValue" not in raw[coord].encoding, coord
        assert set(raw["v_along"].encoding["coordinates"].split()) >= {"x", "y", "lat", "lon", "distance_m"}
        assert raw["v_along"].attrs["grid_mapping"] == "mapping"
        mapping = raw[raw["v_along"].attrs["grid_mapping"]].attrs
        crs = CRS.from_cf(mapping)
        assert crs == CRS.from_wkt(mapping["crs_wkt"]) == CRS.from_epsg(3413)
        to_geo = Transformer.from_crs(3413, 4326, always_xy=True)
        lon, lat = to_geo.transform(raw["x"].values, raw["y"].values)
        np.testing.assert_allclose(raw["lat"].values, lat, atol=1e-9)
        np.testing.assert_allclose(raw["lon"].values, lon, atol=1e-9)
        assert raw["x"].attrs["standard_name"] == "projection_x_coordinate" and raw["x"].attrs["units"] == "m"


def test_provenance_names_the_profile_and_keeps_the_chain(profiles):
    import xarray as xr

    with xr.open_dataset(profiles["profile_inversion.nc"]) as ds:
        attrs = ds.attrs
    steps = [line.split()[3] for line in attrs["history"].splitlines()]
    assert steps == ["itslive:profile", "itslive:invert", "itslive:downloadsubset"]
    assert attrs["algorithm"] == "itslive:profile" and attrs["Conventions"] == "CF-1.8"
    assert json.loads(attrs["parameters"]) == {"spacing_m": 120.0, "line_vertices": 3}
    assert str(profiles["inversion"]) in json.loads(attrs["source_urls"])


@pytest.mark.parametrize("name", PROFILES)
def test_open_profile_reads_what_was_sampled(profiles, name):
    """Both on-disk layouts read back as the in-memory profile (``time`` the index), values equal."""
    from itslive_qgis.core.profile import open_profile, profile_curves, profile_dataset

    src = {"profile_subset.nc": "subset", "profile_inversion.nc": "inversion"}.get(name)
    got = open_profile(profiles[name])
    if src is None:
        assert got["v"].dims == ("distance",)
        return
    mem = profile_dataset(str(profiles[src]), LINE, 120.0)
    assert got["v"].dims == mem["v"].dims == ("time", "distance")
    np.testing.assert_array_equal(got["time"].values, mem["time"].values)
    np.testing.assert_array_equal(got["v_along"].values, mem["v_along"].values)
    np.testing.assert_array_equal(got["distance_m"].values, mem["distance_m"].values)
    curves = profile_curves(got, "v_along", by="date", dates=[str(got["time"].values[0])[:10]])
    assert curves.values.shape == (1, got.sizes["distance"]) and np.isfinite(curves.values).any()


def test_profile_of_the_real_cube_block_is_clean_and_keeps_its_pairs(shared_data, tmp_path):
    """A profile straight from the real ITS_LIVE datacube block (its own pair attributes and names)."""
    import xarray as xr

    from itslive_qgis.core.profile import open_profile, profile_to_file

    block = shared_data / "datacube/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"
    with xr.open_zarr(block) as ds:
        x, y, mid = ds["x"].values, ds["y"].values, np.sort(ds["mid_date"].values)
    path = profile_to_file(str(block), tmp_path / "profile_block.nc", [(x[0], y[2]), (x[-1], y[7])], 120.0)
    report_path = tmp_path / "report.json"
    cmd = [str(_checker()), "--test=cf:1.8", "--format=json", "-o", str(report_path), str(path)]
    subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    found = _findings(json.loads(report_path.read_text()))
    assert not found, "\n".join(f"{c}: {m}" for c, m in found)
    prof = open_profile(path)
    np.testing.assert_array_equal(prof["time"].values, mid)  # every pair, duplicates included
    assert prof["time_bnds"].shape == (mid.size, 2)
