"""itslive:downloadsubset with DASK_SCHEDULER, and the dock with the dask_scheduler setting (LocalCluster).

Truth: the in-process run of the same request (its NetCDF file and the layers the dock loads from it).
"""

from __future__ import annotations

import numpy as np
import pytest
from qgis.core import QgsCoordinateReferenceSystem, QgsProject

from tests.qgis.conftest import wait_until
from tests.qgis.test_alg_invert_cluster import _band_values, _load_as_the_dock_does
from tests.qgis.test_dock_download import AREA, _dock, _fill

pytest.importorskip("distributed", reason="the optional package distributed is not installed")

EPOCH = "1700000000"


def _params(tmp_path, name):
    from tests.fixtures.generator import default_tiles

    tile = next(t for t in default_tiles() if t.label == "GRE_A")
    x0, y0 = -178507.5, -2280402.3
    return {
        "CUBES": "http://its-live-data.s3.amazonaws.com/" + tile.key,  # as written in the catalog
        "EXTENT": f"{x0 - 2500},{x0 + 1500},{y0 - 1500},{y0 + 1500} [EPSG:3413]",
        "START_DATE": "2018-01-01",
        "END_DATE": "2020-12-31",
        "OUTPUT": str(tmp_path / name),
    }


def _assert_same_layers(layers, ref_layers, ref_nc):
    import xarray as xr
    from qgis.core import QgsRasterLayer

    assert [layer.name() for layer in layers] == [layer.name() for layer in ref_layers] and layers
    with xr.open_dataset(ref_nc) as ref:
        n_pairs = ref.sizes["pair"]
    checked = 0
    for layer, ref_layer in zip(layers, ref_layers):
        assert layer.type() == ref_layer.type() and layer.crs() == ref_layer.crs()
        if not isinstance(layer, QgsRasterLayer):
            continue
        assert layer.bandCount() == ref_layer.bandCount() == n_pairs
        assert (
            layer.temporalProperties().fixedRangePerBand()
            == ref_layer.temporalProperties().fixedRangePerBand()
        )
        for band in (1, n_pairs // 2 + 1, n_pairs):
            a, b = _band_values(layer, band), _band_values(ref_layer, band)
            np.testing.assert_array_equal(a, b)  # NaN where NaN
            checked += int(np.isfinite(b).any())
    assert checked > 0


def test_downloadsubset_with_dask_scheduler_local_equals_the_in_process_run(
    plugin, mirror, tmp_path, monkeypatch
):
    import processing
    import xarray as xr

    from itslive_qgis.core.cluster import COMPLETE_ATTR

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # inherited by the LocalCluster's workers
    ref_nc = tmp_path / "ref.nc"
    ref = processing.run("itslive:downloadsubset", _params(tmp_path, "ref.nc"))
    store = tmp_path / "sub.zarr"
    result = processing.run(
        "itslive:downloadsubset", {**_params(tmp_path, "sub.zarr"), "DASK_SCHEDULER": "local"}
    )
    assert result["OUTPUT"] == str(store) and result["PAIRS"] == ref["PAIRS"] > 10
    with (
        xr.open_zarr(store, decode_timedelta=False) as got,
        xr.open_dataset(ref_nc, decode_timedelta=False) as want,
    ):
        assert got.attrs[COMPLETE_ATTR] == "yes" and got.sizes == want.sizes and want.sizes["x"] > 16
        for name in ("v", "vx", "vy", "v_error", "mid_date", "date_dt", "satellite_img1"):
            np.testing.assert_array_equal(got[name].values, want[name].values, err_msg=name)
    project, layers, error = _load_as_the_dock_does(store, kind="subset")
    ref_project, ref_layers, ref_error = _load_as_the_dock_does(ref_nc, kind="subset")
    assert error == ref_error == ""
    assert (tmp_path / "sub.zarr.nc").is_file()  # loaded through its NetCDF copy
    _assert_same_layers(layers, ref_layers, ref_nc)
    _loadresult_picks_the_store(store, ref_nc, len(ref_layers), tmp_path)


def _loadresult_picks_the_store(store, ref_nc, n_layers, tmp_path):
    """itslive:loadresult's dialog: STORE is a folder picker; INPUT = the store's .zmetadata is the store."""
    import processing
    from qgis.core import Qgis, QgsApplication, QgsProcessingContext, QgsProcessingException
    from qgis.gui import QgsFileWidget, QgsGui, QgsProcessingGui

    alg = QgsApplication.processingRegistry().algorithmById("itslive:loadresult")
    param = alg.parameterDefinition("STORE")
    assert param.behavior() == Qgis.ProcessingFileParameterBehavior.Folder and param.flags() & (
        param.Flag.FlagOptional
    )
    wrapper = QgsGui.processingGuiRegistry().createParameterWidgetWrapper(
        param, QgsProcessingGui.WidgetType.Standard
    )
    context = QgsProcessingContext()
    widget = wrapper.createWrappedWidget(context)
    picker = widget if isinstance(widget, QgsFileWidget) else widget.findChild(QgsFileWidget)
    assert picker is not None and picker.storageMode() == QgsFileWidget.StorageMode.GetDirectory
    wrapper.setParameterValue(str(store), context)
    assert wrapper.parameterValue() == str(store)
    for params in ({"STORE": str(store)}, {"INPUT": str(store / ".zmetadata")}):
        result = processing.run("itslive:loadresult", params)
        assert result["OUTPUT"] == str(store) and result["LAYERS"] == n_layers, params
    with pytest.raises(QgsProcessingException, match="not both"):
        processing.run("itslive:loadresult", {"STORE": str(store), "INPUT": str(ref_nc)})
    folder = tmp_path / "photos"
    folder.mkdir()
    with pytest.raises(QgsProcessingException, match="not a Zarr store"):
        processing.run("itslive:loadresult", {"STORE": str(folder)})
    with pytest.raises(QgsProcessingException, match="No result given"):
        processing.run("itslive:loadresult", {})


def test_downloadsubset_refuses_a_netcdf_output_with_a_scheduler(plugin, mirror, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=r"Zarr store.*\.zarr folder or an s3:// URL"):
        processing.run("itslive:downloadsubset", {**_params(tmp_path, "a.nc"), "DASK_SCHEDULER": "local"})
    with pytest.raises(QgsProcessingException, match="DASK_SCHEDULER"):
        processing.run(
            "itslive:downloadsubset", {**_params(tmp_path, "a.zarr"), "DASK_SCHEDULER": "localhost"}
        )
    assert list(tmp_path.iterdir()) == []


def test_the_dock_with_the_dask_scheduler_setting_downloads_to_a_zarr_store_and_loads_it(
    plugin, mirror, tmp_path
):
    """dask_scheduler = local: the dock's download goes to <name>.zarr on the cluster, is loaded like the
    in-process download (same layers, same values); the inversion form takes the store and inverts it
    on the cluster into a .zarr store, loaded too."""
    from qgis.core import QgsApplication

    from itslive_qgis import settings

    dock = _dock(plugin)
    panel = dock.download
    crs = QgsCoordinateReferenceSystem("EPSG:3413")
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda message, tag, level: logged.append(message))
    runs = {}
    try:
        for scheduler, name in (("", "ref.nc"), ("local", "sub.nc")):
            settings.DASK_SCHEDULER.setValue(scheduler)
            _fill(panel, tmp_path, name)
            panel.extent_box.setOutputExtentFromUser(AREA, crs)
            finished = []
            panel.runFinished.connect(lambda ok, msg, f=finished: f.append((ok, msg)))
            assert panel.download()
            wait_until(lambda f=finished: f, timeout_s=600)
            assert finished[0][0], finished[0][1]
            runs[scheduler] = (panel.last_output, list(panel.last_layers), finished[0][1])
        # the inversion form follows the store and, with the setting still 'local', inverts on the cluster
        assert dock.invert.input.filePath() == str(runs["local"][0])
        dock.invert.interval.setValue(30)
        dock.invert.lam.setValue(20)
        dock.invert.output.setFilePath(str(tmp_path / "inv.nc"))  # a .nc name: the store is inv.zarr
        done = []
        dock.invert.runFinished.connect(lambda ok, msg: done.append((ok, msg)))
        assert dock.invert.invert()
        wait_until(lambda: done, timeout_s=600)
        assert done[0][0], done[0][1]
    finally:
        settings.DASK_SCHEDULER.setValue("")
    assert dock.invert.last_output == tmp_path / "inv.zarr" and (tmp_path / "inv.zarr.nc").is_file()
    assert not (tmp_path / "inv.nc").exists()
    assert any(layer.name().startswith("v") for layer in dock.invert.last_layers)
    assert any("inversion runs on the Dask cluster 'local'" in m for m in logged), logged
    ref_nc, ref_layers, _ = runs[""]
    store, layers, message = runs["local"]
    assert store == tmp_path / "sub.zarr" and store.is_dir() and not (tmp_path / "sub.nc").exists()
    assert (tmp_path / "sub.zarr.nc").is_file() and "sub.zarr" in message
    assert any("Dask cluster 'local'" in m and "sub.zarr" in m for m in logged), logged
    _assert_same_layers(layers, ref_layers, ref_nc)
    assert all(layer.id() in QgsProject.instance().mapLayers() for layer in layers)


def test_downloadsubset_to_an_s3_output_equals_the_in_process_run_and_loads(
    plugin, mirror, tmp_path, monkeypatch
):
    """OUTPUT=s3://... on the mirror's endpoint: the store equals the in-process subset and loads.

    A URL in process is refused before any work (only a cluster run writes a Zarr store at a URL).
    """
    import uuid

    import processing
    import s3fs
    import xarray as xr
    from qgis.core import QgsProcessingException

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    fs = s3fs.S3FileSystem(**mirror.storage_options())
    if not fs.exists("itslive-results"):
        fs.mkdir("itslive-results", acl="public-read-write")
    url = f"s3://itslive-results/qgis/{uuid.uuid4().hex[:8]}/sub.zarr"
    with pytest.raises(QgsProcessingException, match="only a DASK_SCHEDULER run writes to a URL"):
        processing.run("itslive:downloadsubset", {**_params(tmp_path, "x.nc"), "OUTPUT": url})
    assert not fs.exists(url[5:])
    ref_nc = tmp_path / "ref.nc"
    ref = processing.run("itslive:downloadsubset", _params(tmp_path, "ref.nc"))
    result = processing.run(
        "itslive:downloadsubset", {**_params(tmp_path, "x.nc"), "OUTPUT": url, "DASK_SCHEDULER": "local"}
    )
    assert result["OUTPUT"] == url and result["PAIRS"] == ref["PAIRS"] > 10
    assert fs.exists(url[5:] + "/.zmetadata")  # written through the configured endpoint
    with (
        xr.open_zarr(url, storage_options=mirror.storage_options(), decode_timedelta=False) as got,
        xr.open_dataset(ref_nc, decode_timedelta=False) as want,
    ):
        assert got.sizes == want.sizes
        for name in ("v", "vx", "vy", "mid_date", "date_dt"):
            np.testing.assert_array_equal(got[name].values, want[name].values, err_msg=name)
    try:
        loaded = processing.run("itslive:loadresult", {"INPUT": url})
        assert loaded["OUTPUT"] == url and loaded["LAYERS"] > 0
    finally:
        QgsProject.instance().removeAllMapLayers()
        QgsProject.instance().layerTreeRoot().removeAllChildren()
