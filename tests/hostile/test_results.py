"""No empty result called success; no unbounded work (issue 20, items 3 and 6)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.hostile.conftest import END, EXTENT, START, refused


@pytest.mark.parametrize(
    "raster, hint",
    [
        ("thickness_far", "does not overlap"),
        ("thickness_nodata", "all no-data"),
        ("thickness_negative", "zero or negative"),
    ],
)
def test_flux_with_unusable_thickness_is_an_error(qp, workspace, inputs, raster, hint):
    out = workspace.path / "flux.nc"
    params = {"INPUT": inputs["inversion"], "THICKNESS": inputs[raster], "OUTPUT": out}
    run = qp.run("itslive:fluxdivergence", params, workspace.path)
    refused(run, "THICKNESS", hint=(hint,))
    assert not out.exists()


def test_flux_with_thickness_gives_values(qp, workspace, inputs):
    """The control: a thickness over the grid gives a file with finite flux divergence."""
    import xarray as xr

    out = workspace.path / "flux.nc"
    params = {"INPUT": inputs["inversion"], "THICKNESS": inputs["thickness"], "OUTPUT": out}
    run = qp.run("itslive:fluxdivergence", params, workspace.path)
    assert run.rc == 0, run.out[-2000:]
    with xr.open_dataset(out) as ds:
        assert np.isfinite(ds["flux_divergence"].values).sum() > 100


def test_workflow_with_thickness_outside_the_area_is_an_error(qp, workspace, inputs):
    params = {
        "EXTENT": EXTENT,
        "START_DATE": START,
        "END_DATE": END,
        "INTERVAL_DAYS": 30,
        "THICKNESS": inputs["thickness_far"],
        "footprints": "fp.gpkg",
        "subset": "subset.nc",
        "inversion": "inversion.nc",
        "strain": "strain.nc",
        "flux": "flux.nc",
    }
    run = qp.run("itslive:workflow", params, workspace.path)
    refused(run, "THICKNESS", hint=("does not overlap",))
    assert not (workspace.path / "flux.nc").exists()


def test_strain_length_scale_larger_than_the_grid_is_an_error(qp, workspace, inputs):
    out = workspace.path / "strain.nc"
    params = {"INPUT": inputs["inversion"], "METHOD": 1, "LENGTH_SCALE": 1e9, "OUTPUT": out}
    run = qp.run("itslive:strainrates", params, workspace.path)
    refused(run, "LENGTH_SCALE", hint=("choose a length scale",))
    assert not out.exists()


def test_invert_interval_beyond_the_range_is_refused(qp, workspace, inputs):
    out = workspace.path / "inv.nc"
    params = {"INPUT": inputs["subset"], "INTERVAL_DAYS": 100000, "OUTPUT": out}
    run = qp.run("itslive:invert", params, workspace.path)
    refused(run, "INTERVAL_DAYS", hint=("between 1 and",))
    assert not out.exists()


def test_core_time_axis_must_be_valid_dates(inputs, tmp_path):
    """The core refuses a step that pushes the time axis past 2262 (datetime64[ns] NaT), whoever calls it."""
    import xarray as xr

    from itslive_qgis.core.errors import InputError
    from itslive_qgis.core.inversion import invert_dataset

    with xr.open_dataset(inputs["subset"], decode_timedelta=False) as ds:
        with pytest.raises(InputError, match="INTERVAL_DAYS"):
            invert_dataset(ds.load(), interval_days=100000.0)


def test_core_refuses_to_write_an_all_nan_inversion(inputs, tmp_path):
    import xarray as xr

    from itslive_qgis.core.errors import DataError
    from itslive_qgis.core.inversion import write_netcdf

    with xr.open_dataset(inputs["inversion"]) as ds:
        empty = ds.load()
    for name in ("vx", "vy", "v"):
        empty[name][:] = np.nan
    with pytest.raises(DataError, match="every value is NaN"):
        write_netcdf(empty, tmp_path / "empty.nc")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------- unbounded work
def test_world_sized_download_is_estimated_and_refused(qp, workspace):
    params = {
        "EXTENT": "-180,180,-90,90 [EPSG:4326]",
        "START_DATE": "1984-01-01",
        "END_DATE": "2100-01-01",
        "MAX_SIZE_GB": 0.05,
        "OUTPUT": "world.nc",
    }
    run = qp.run("itslive:downloadsubset", params, workspace.path)
    message = refused(run, "MAX_SIZE_GB", hint=("smaller area",))
    assert "too large" in message
    assert "Wrote" not in run.out and not (workspace.path / "world.nc").exists()


def test_the_size_budget_is_a_setting(qp, workspace, tmp_path_factory):
    small = qp.with_settings(tmp_path_factory.mktemp("small_budget"), {"max_download_gb": "0.001"})
    params = {"EXTENT": EXTENT, "START_DATE": START, "END_DATE": END, "OUTPUT": "s.nc"}
    run = small.run("itslive:downloadsubset", params, workspace.path)
    refused(run, "size budget", hint=("raise the budget",))
    assert not (workspace.path / "s.nc").exists()
    run = small.run("itslive:downloadsubset", {**params, "MAX_SIZE_GB": 0}, workspace.path)
    assert run.rc == 0, run.out[-2000:]


def test_track_with_ten_billion_steps_is_refused_at_once(qp, workspace, inputs):
    params = {
        "INPUT": inputs["inversion"],
        "SEEDS": inputs["seeds"],
        "START_DATE": "2019-06-01",  # the seed has velocities then (a 60-day track from here runs)
        "DURATION_DAYS": 1e7,
        "STEP_DAYS": 0.001,
        "OUTPUT": workspace.path / "tracks.gpkg",
    }
    run = qp.run("itslive:track", params, workspace.path, timeout=60)
    refused(run, "DURATION_DAYS", "STEP_DAYS", hint=("raise STEP_DAYS",))
    assert run.seconds < 30
    assert not (workspace.path / "tracks.gpkg").exists()


def test_core_track_step_cap():
    from itslive_qgis.core.errors import InputError
    from itslive_qgis.core.fields import FlowField, track_particles

    x = np.arange(10) * 120.0
    y = np.arange(10) * 120.0
    field = FlowField.from_arrays(np.ones((10, 10)), np.zeros((10, 10)), x, y, crs="EPSG:3413")
    with pytest.raises(InputError, match="STEP_DAYS"):
        track_particles([[500.0, 500.0]], field, 0.0, 1e7, 0.001)
    tracks = track_particles([[500.0, 500.0]], field, 0.0, 100.0, 1.0)
    assert len(tracks[0].xs) == 101
