"""itslive:invert through real Processing runs: a mirror cube against its known truth, the real block."""

from __future__ import annotations

import numpy as np
import pytest

BLOCK = "datacube/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"


def _run(params):
    import processing

    return processing.run("itslive:invert", params)


def test_invert_mirror_cube_recovers_the_truth(plugin, mirror, tmp_path):
    import xarray as xr

    from tests.fixtures.generator import default_tiles, truth_velocity

    tile = next(t for t in default_tiles() if t.label == "GRE_A")
    url = "http://its-live-data.s3.amazonaws.com/" + tile.key  # as written in the catalog
    x0, y0 = -178507.5, -2280402.3  # on the trunk
    out = tmp_path / "inv.nc"
    _run(
        {
            "INPUT": url,
            "EXTENT": f"{x0 - 200},{x0 + 200},{y0 - 200},{y0 + 200} [EPSG:3413]",
            "INTERVAL_DAYS": 30,
            "OUTPUT": str(out),
        }
    )
    ds = xr.open_dataset(out)
    assert set(ds["vx"].dims) == {"time", "y", "x"}
    assert ds["y"].values[0] > ds["y"].values[-1], "y stays descending"
    assert "time_bnds" in ds and ds["vx"].attrs["units"] == "m/yr"
    assert ds["vx"].attrs["long_name"].startswith("x component")
    t_days = (ds["time"].values - np.datetime64("1970-01-01")) / np.timedelta64(1, "D")
    errors = []
    for iy, yv in enumerate(ds["y"].values):
        for ix, xv in enumerate(ds["x"].values):
            vx_true, vy_true = truth_velocity(
                tile, t_days, np.full_like(t_days, yv), np.full_like(t_days, xv)
            )
            speed_true = np.hypot(vx_true, vy_true)
            est = ds["v"].values[:, iy, ix]
            ok = np.isfinite(est) & (ds["count"].values[:, iy, ix] > 0)
            assert ok.sum() > 0.5 * ok.size
            errors.append(np.abs(est[ok] - speed_true[ok]) / speed_true[ok])
    rel = np.concatenate(errors)
    print(f"median relative speed error {np.median(rel):.3f}, 90th percentile {np.percentile(rel, 90):.3f}")
    assert np.median(rel) < 0.05


def test_invert_real_block_end_to_end(plugin, shared_data, tmp_path):
    import xarray as xr

    out = tmp_path / "block.nc"
    _run(
        {
            "INPUT": str(shared_data / BLOCK),
            "INTERVAL_DAYS": 12,
            "START_DATE": "2018-01-01",
            "OUTPUT": str(out),
        }
    )
    ds = xr.open_dataset(out)
    assert ds.sizes["y"] == 10 and ds.sizes["x"] == 10
    assert ds.attrs["interval_days"] == 12
    from itslive_qgis.core.inversion import band as inversion_band

    if inversion_band.available():  # numba's compiled kernels run inside the QGIS process
        assert "numba" in ds.attrs["solver"], ds.attrs["solver"]
    else:
        assert "torch" in ds.attrs["solver"], ds.attrs["solver"]
    v = ds["v"].values
    assert np.isfinite(v).mean() > 0.5
    # the block's pair speeds are 0..2312 m/yr with a median of 7 m/yr: the series must stay in that range
    assert np.nanmedian(v) < 50 and np.nanmax(v) < 2312


def test_invert_bad_input_is_a_clear_error(plugin, tmp_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="No ITS_LIVE datacube|No such file"):
        _run({"INPUT": str(tmp_path / "missing.zarr"), "OUTPUT": str(tmp_path / "o.nc")})
    assert not (tmp_path / "o.nc").exists()
