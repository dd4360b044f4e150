"""QGIS reads the CF outputs (core.io.cf) as xarray does: CRS, extent, top-left value, subset band times.

Old subsets (pair dimension ``mid_date``, written before io.cf) and new ones (index dimension
``pair``, ``mid_date`` auxiliary) load with the same band times in the dock's loader.
"""

from __future__ import annotations

import numpy as np
import pytest
from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRasterLayer

from itslive_qgis.layers import load_result
from tests.fixtures.results import START_DAYS, write_subset


@pytest.fixture()
def project(qgis_app) -> QgsProject:
    project = QgsProject()
    yield project
    project.clear()


def _inversion(tmp_path, ascending: bool):
    """A small inversion result written by the plugin's own writer (io.cf), y in either order."""
    import xarray as xr

    from itslive_qgis.core.inversion import write_netcdf
    from tests.fixtures.results import write_inversion

    src = write_inversion(tmp_path / "synthetic.nc", nt=3, ny=8, nx=10)
    with xr.open_dataset(src) as ds:
        ds = ds.load()
    from itslive_qgis.core.io import cf

    ds["mapping"].attrs = cf.grid_mapping_attrs(3413, ds["x"].values, ds["y"].values)
    ds["vx"].values[0] = np.arange(80, dtype="float32").reshape(8, 10)  # a unique value per cell
    if ascending:
        ds = ds.isel(y=slice(None, None, -1))
    ds = cf.finalize(ds, "itslive:invert", {}, ["synthetic"])
    return write_netcdf(ds, tmp_path / f"inv_{'asc' if ascending else 'desc'}.nc"), ds


@pytest.mark.parametrize("ascending", [False, True])
def test_qgis_reads_the_crs_extent_and_top_left_value_xarray_reads(qgis_app, tmp_path, ascending):
    path, ds = _inversion(tmp_path, ascending)
    layer = QgsRasterLayer(f'NETCDF:"{path}":vx', "vx", "gdal")
    assert layer.isValid()
    assert layer.crs() == QgsCoordinateReferenceSystem("EPSG:3413")
    x, y = ds["x"].values, ds["y"].values
    ext = layer.extent()
    assert (ext.xMinimum(), ext.xMaximum()) == pytest.approx((x.min() - 60, x.max() + 60))
    assert (ext.yMinimum(), ext.yMaximum()) == pytest.approx((y.min() - 60, y.max() + 60))
    assert (layer.width(), layer.height()) == (x.size, y.size)
    block = layer.dataProvider().block(1, ext, x.size, y.size)
    expected = float(ds["vx"].isel(time=0).sel(x=x.min(), y=y.max()).values)
    assert block.value(0, 0) == pytest.approx(expected)  # top-left cell = north-west value


def test_old_and_new_subsets_load_with_the_same_band_times(project, tmp_path):
    import xarray as xr

    from itslive_qgis.core.io import cf

    mid_dates = START_DAYS + np.array([5.0, 12.25, 30.0, 30.0, 61.5])  # sorted, one duplicate
    old = write_subset(tmp_path / "subset_old.nc", mid_dates)
    with xr.open_dataset(old, decode_times=False) as ds:
        new_ds = cf.pairs_to_disk(ds.load())
    assert new_ds["v"].dims == ("pair", "y", "x")
    new = tmp_path / "subset_new.nc"
    new_ds.to_netcdf(new)
    times = {}
    for tag, path in (("old", old), ("new", new)):
        layers = {lyr.customProperty("itslive/variable"): lyr for lyr in load_result(path, project)}
        ranges = layers["v"].temporalProperties().fixedRangePerBand()
        times[tag] = [ranges[b].begin().toMSecsSinceEpoch() for b in sorted(ranges)]
    assert len(times["new"]) == mid_dates.size and times["old"] == times["new"]
    centres = np.array(times["new"]) / 86_400_000 + 0.0
    assert np.all(np.diff(centres) >= 0)


def _pair_subsets(tmp_path):
    """One analytic subset (duplicated mid_dates, vx/vy growing with the pair) in the old and new layout."""
    import xarray as xr

    from itslive_qgis.core.io import cf
    from tests.fixtures.velocity_fields import CASES, X_ATTRS, Y_ATTRS, X, Y, affine_field

    v0, grad, _ = CASES["extension"]
    vx, vy = affine_field(v0, grad)
    mid = np.array([17000.0, 17012.0, 17012.0, 17030.0]).astype("datetime64[D]").astype("datetime64[ns]")
    scale = np.array([1.0, 2.0, 3.0, 4.0], dtype="float32")[:, None, None]
    attrs = {"units": "m/yr", "grid_mapping": "mapping"}
    half = np.timedelta64(6, "D")
    ds = xr.Dataset(
        {
            "vx": (("mid_date", "y", "x"), (vx * scale).astype("float32"), attrs),
            "vy": (("mid_date", "y", "x"), (vy * scale).astype("float32"), attrs),
            "acquisition_date_img1": (("mid_date",), mid - half),
            "acquisition_date_img2": (("mid_date",), mid + half),
            "mapping": ((), np.int32(0), cf.grid_mapping_attrs(3413, X, Y)),
        },
        coords={"mid_date": mid, "x": ("x", X, X_ATTRS), "y": ("y", Y, Y_ATTRS)},
    )
    old, new = tmp_path / "old_subset.nc", tmp_path / "new_subset.nc"
    ds.to_netcdf(old)
    disk = cf.pairs_to_disk(ds)
    disk.to_netcdf(new, encoding=cf.encoding(disk))
    return old, new, scale.ravel()


def test_processing_reads_old_and_new_subsets_alike(plugin, tmp_path):
    import processing
    import xarray as xr

    old, new, scale = _pair_subsets(tmp_path)
    with xr.open_dataset(new) as raw:
        assert raw["vx"].dims == ("pair", "y", "x")
    from itslive_qgis.core.io.cf import pairs_from_disk

    results = {}
    for tag, path in (("old", old), ("new", new)):
        params = {"INPUT": str(path), "OUTPUT": str(tmp_path / f"s_{tag}.nc")}
        out = processing.run("itslive:strainrates", params)
        with xr.open_dataset(out["OUTPUT"]) as res:
            results[tag] = pairs_from_disk(res).load()
    a, b = results["old"], results["new"]
    assert a["exx"].dims == b["exx"].dims == ("mid_date", "y", "x")
    np.testing.assert_array_equal(a["exx"].values, b["exx"].values)
    centre = b["exx"].values[:, b.sizes["y"] // 2, b.sizes["x"] // 2]
    np.testing.assert_allclose(centre / centre[0], scale, rtol=1e-4)  # each pair kept its own field (float32)
