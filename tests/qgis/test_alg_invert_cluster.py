"""itslive:invert with DASK_SCHEDULER through real Processing runs (LocalCluster started from QGIS)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("distributed", reason="the optional package distributed is not installed")


def _run(params):
    import processing

    return processing.run("itslive:invert", params)


def test_dask_scheduler_local_equals_the_in_process_run(plugin, mirror, tmp_path):
    import xarray as xr

    from itslive_qgis.core.cluster import COMPLETE_ATTR, open_result
    from tests.fixtures.generator import default_tiles

    tile = next(t for t in default_tiles() if t.label == "GRE_A")
    url = "http://its-live-data.s3.amazonaws.com/" + tile.key  # as written in the catalog
    x0, y0 = -178507.5, -2280402.3  # on the trunk
    params = {
        "INPUT": url,
        "EXTENT": f"{x0 - 1300},{x0 + 1300},{y0 - 700},{y0 + 700} [EPSG:3413]",
        "INTERVAL_DAYS": 30,
        "LAMBDA": 20,
    }
    nc = tmp_path / "inv.nc"
    _run({**params, "OUTPUT": str(nc)})
    store = tmp_path / "inv.zarr"
    result = _run({**params, "DASK_SCHEDULER": "local", "OUTPUT": str(store)})
    assert result["OUTPUT"] == str(store)
    got = open_result(store)
    assert got.attrs[COMPLETE_ATTR] == "yes" and got.attrs["source"].startswith("s3://its-live-data/")
    with xr.open_dataset(nc) as ref:
        assert got.sizes == ref.sizes and ref.sizes["x"] > 10  # more than one chunk column
        for name in ("vx", "vy", "v", "count", "v_sigma"):
            a, b = got[name].values.astype("float64"), ref[name].values.astype("float64")
            np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
            np.testing.assert_allclose(a[np.isfinite(b)], b[np.isfinite(b)], rtol=0, atol=1e-10)
    _the_store_loads_like_the_netcdf(store, nc, tmp_path)


def _load_as_the_dock_does(path, kind="inversion"):
    """LoadResultTask as gui.panel_base starts it; (project, layers, error) once it reported."""
    import time

    from qgis.core import QgsApplication, QgsProject
    from qgis.PyQt.QtCore import QCoreApplication

    from itslive_qgis.layers import LoadResultTask

    project, done = QgsProject(), {}
    task = LoadResultTask(
        path, project, kind=kind, on_loaded=lambda layers, error: done.update(layers=layers, error=error)
    )
    QgsApplication.taskManager().addTask(task)
    started = time.perf_counter()
    while "error" not in done and time.perf_counter() - started < 120:
        QCoreApplication.processEvents()
        time.sleep(0.005)
    return project, done["layers"], done["error"]


def _band_values(layer, band):
    provider = layer.dataProvider()
    block = provider.block(band, provider.extent(), provider.xSize(), provider.ySize())
    values = np.array(
        [[block.value(r, c) for c in range(block.width())] for r in range(block.height())], dtype="float64"
    )
    nodata = np.array([[block.isNoData(r, c) for c in range(block.width())] for r in range(block.height())])
    values[nodata] = np.nan
    return values


def _the_store_loads_like_the_netcdf(store, nc, tmp_path):
    """The .zarr result loads as the same styled temporal layers as the in-process NetCDF, same values."""
    import shutil

    from itslive_qgis.processing.alg_load_result import result_file_problem

    assert result_file_problem(str(store)) == ""
    ref_project, ref_layers, ref_error = _load_as_the_dock_does(nc)
    project, layers, error = _load_as_the_dock_does(store)
    assert ref_error == "" and error == ""
    assert (store.parent / "inv.zarr.nc").is_file()  # the NetCDF copy beside the store
    _assert_same_layers(layers, ref_layers, nc)
    unfinished = tmp_path / "unfinished.zarr"
    shutil.copytree(store, unfinished)
    (unfinished / ".zmetadata").unlink()  # what a run killed before its end leaves
    project, layers, error = _load_as_the_dock_does(unfinished)
    assert layers == [] and "not a complete result" in error and "Run it again" in error
    assert project.mapLayers() == {} and not (tmp_path / "unfinished.zarr.nc").exists()


def _assert_same_layers(layers, ref_layers, nc):
    """Same names, types, CRS, renderers, styles, band time ranges and band values (1e-10) as ref."""
    import xarray as xr
    from qgis.core import QgsRasterLayer

    assert [layer.name() for layer in layers] == [layer.name() for layer in ref_layers]
    by_name = {layer.name(): layer for layer in layers}
    with xr.open_dataset(nc) as ref:
        n_steps = ref.sizes["time"]
        truth = ref["v"].values.astype("float64")
    checked = 0
    for ref_layer in ref_layers:
        layer = by_name[ref_layer.name()]
        assert layer.type() == ref_layer.type() and layer.crs() == ref_layer.crs()
        if not isinstance(layer, QgsRasterLayer):
            continue
        assert layer.renderer().type() == ref_layer.renderer().type()
        assert layer.customProperty("itslive/style") == ref_layer.customProperty("itslive/style")
        got_ranges = layer.temporalProperties().fixedRangePerBand()
        assert got_ranges == ref_layer.temporalProperties().fixedRangePerBand() and len(got_ranges) == n_steps
        band = n_steps // 2 + 1
        a, b = _band_values(layer, band), _band_values(ref_layer, band)
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
        np.testing.assert_allclose(a[np.isfinite(b)], b[np.isfinite(b)], rtol=0, atol=1e-10)
        if layer.customProperty("itslive/variable") == "v":
            np.testing.assert_allclose(b, truth[band - 1], rtol=0, atol=1e-4)  # the band is the file's step
            checked += 1
    assert checked == 1


def test_dask_scheduler_values_are_checked_before_any_work(plugin, mirror, tmp_path):
    from qgis.core import QgsProcessingException

    from tests.fixtures.generator import default_tiles

    tile = next(t for t in default_tiles() if t.label == "GRE_A")
    url = "http://its-live-data.s3.amazonaws.com/" + tile.key
    with pytest.raises(QgsProcessingException, match="DASK_SCHEDULER"):
        _run({"INPUT": url, "DASK_SCHEDULER": "localhost", "OUTPUT": str(tmp_path / "a.zarr")})
    with pytest.raises(QgsProcessingException, match=r"\.zarr"):
        _run({"INPUT": url, "DASK_SCHEDULER": "local", "OUTPUT": str(tmp_path / "a.nc")})
    with pytest.raises(QgsProcessingException, match="only a DASK_SCHEDULER run writes to a URL"):
        _run({"INPUT": url, "OUTPUT": "s3://itslive-results/a.zarr"})
    with pytest.raises(QgsProcessingException, match="not contacted"):
        _run({"INPUT": url, "DASK_SCHEDULER": "local", "OUTPUT": "http://198.51.100.7/b/a.zarr"})
    assert list(tmp_path.iterdir()) == []


def test_strain_rates_with_dask_scheduler_local_equal_the_in_process_run(plugin, tmp_path):
    import processing
    import xarray as xr

    from itslive_qgis.core.cluster import open_result
    from tests.fixtures.velocity_fields import XX, YY, write_velocity

    vx = 300 * np.sin(XX / 900.0) * np.cos(YY / 700.0)
    vy = 200 * np.cos(XX / 800.0) * np.sin(YY / 600.0)
    times = np.array(["2020-01-15", "2020-02-15"], dtype="datetime64[ns]")
    src = write_velocity(tmp_path / "series.nc", [vx, 0.5 * vx], [vy, 0.5 * vy], times=times)
    nc = tmp_path / "strain.nc"
    processing.run("itslive:strainrates", {"INPUT": src, "OUTPUT": str(nc)})
    store = tmp_path / "strain.zarr"
    result = processing.run(
        "itslive:strainrates", {"INPUT": src, "DASK_SCHEDULER": "local", "OUTPUT": str(store)}
    )
    got = open_result(result["OUTPUT"])
    with xr.open_dataset(nc) as ref:
        for name in ("exx", "eyy", "exy", "e_eff"):
            a, b = got[name].values.astype("float64"), ref[name].values.astype("float64")
            np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
            np.testing.assert_allclose(a[np.isfinite(b)], b[np.isfinite(b)], rtol=0, atol=1e-10)
    project, layers, error = _load_as_the_dock_does(store, kind="auto")  # the projects own the layers
    ref_project, ref_layers, ref_error = _load_as_the_dock_does(nc, kind="auto")
    assert error == ref_error == "" and len(layers) == len(ref_layers) >= 4
    for layer, ref_layer in zip(layers, ref_layers):
        assert layer.name() == ref_layer.name() and layer.customProperty("itslive/kind") == "strain"
        for band in (1, 2):
            a, b = _band_values(layer, band), _band_values(ref_layer, band)
            np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
            np.testing.assert_allclose(a[np.isfinite(b)], b[np.isfinite(b)], rtol=0, atol=1e-10)


def test_an_s3_output_is_written_through_the_endpoint_and_loads_like_the_in_process_netcdf(
    plugin, mirror, tmp_path
):
    """OUTPUT=s3://... (the mirror's endpoint): the dock and itslive:loadresult load the URL's result."""
    import os
    import uuid
    from pathlib import Path

    import processing
    import s3fs
    from qgis.core import QgsProject

    from tests.fixtures.generator import default_tiles

    fs = s3fs.S3FileSystem(**mirror.storage_options())
    if not fs.exists("itslive-results"):
        fs.mkdir("itslive-results", acl="public-read-write")
    tile = next(t for t in default_tiles() if t.label == "GRE_A")
    x0, y0 = -178507.5, -2280402.3
    params = {
        "INPUT": "http://its-live-data.s3.amazonaws.com/" + tile.key,
        "EXTENT": f"{x0 - 1300},{x0 + 1300},{y0 - 700},{y0 + 700} [EPSG:3413]",
        "INTERVAL_DAYS": 30,
        "LAMBDA": 20,
    }
    nc = tmp_path / "inv.nc"
    _run({**params, "OUTPUT": str(nc)})
    url = f"s3://itslive-results/qgis/{uuid.uuid4().hex[:8]}/inv.zarr"
    result = _run({**params, "DASK_SCHEDULER": "local", "OUTPUT": url})
    assert result["OUTPUT"] == url and fs.exists(url[5:] + "/.zmetadata")  # written on the mirror
    ref_project, ref_layers, ref_error = _load_as_the_dock_does(nc)
    project, layers, error = _load_as_the_dock_does(url)
    assert ref_error == "" and error == ""
    _assert_same_layers(layers, ref_layers, nc)
    cache = Path(os.environ["ITSLIVE_CACHE_DIR"]) / "cluster_results"
    (copy,) = cache.glob("*/inv.zarr.nc")  # one copy in the cache folder, named from the store
    assert any(str(copy) in layer.source() for layer in layers)  # the layers read the cached copy
    mtime = copy.stat().st_mtime_ns
    loaded = processing.run("itslive:loadresult", {"INPUT": url})
    try:
        assert loaded["OUTPUT"] == url and loaded["LAYERS"] == len(layers)
        assert copy.stat().st_mtime_ns == mtime  # the copy was reused, not made again
    finally:
        QgsProject.instance().removeAllMapLayers()
        QgsProject.instance().layerTreeRoot().removeAllChildren()


def test_strain_rates_to_an_s3_output_load_like_the_in_process_file(plugin, mirror, tmp_path):
    """itslive:strainrates with OUTPUT=s3://... on a LocalCluster: the dock loads the URL's result."""
    import uuid

    import processing
    import s3fs

    from tests.fixtures.velocity_fields import XX, YY, write_velocity

    fs = s3fs.S3FileSystem(**mirror.storage_options())
    if not fs.exists("itslive-results"):
        fs.mkdir("itslive-results", acl="public-read-write")
    vx = 300 * np.sin(XX / 900.0) * np.cos(YY / 700.0)
    vy = 200 * np.cos(XX / 800.0) * np.sin(YY / 600.0)
    times = np.array(["2020-01-15", "2020-02-15"], dtype="datetime64[ns]")
    src = write_velocity(tmp_path / "series.nc", [vx, 0.5 * vx], [vy, 0.5 * vy], times=times)
    nc = tmp_path / "strain.nc"
    processing.run("itslive:strainrates", {"INPUT": src, "OUTPUT": str(nc)})
    url = f"s3://itslive-results/qgis/{uuid.uuid4().hex[:8]}/strain.zarr"
    result = processing.run("itslive:strainrates", {"INPUT": src, "DASK_SCHEDULER": "local", "OUTPUT": url})
    assert result["OUTPUT"] == url
    project, layers, error = _load_as_the_dock_does(url, kind="auto")
    ref_project, ref_layers, ref_error = _load_as_the_dock_does(nc, kind="auto")
    assert error == ref_error == "" and len(layers) == len(ref_layers) >= 4
    for layer, ref_layer in zip(layers, ref_layers):
        assert layer.name() == ref_layer.name() and layer.customProperty("itslive/kind") == "strain"
        for band in (1, 2):
            a, b = _band_values(layer, band), _band_values(ref_layer, band)
            np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
            np.testing.assert_allclose(a[np.isfinite(b)], b[np.isfinite(b)], rtol=0, atol=1e-10)
