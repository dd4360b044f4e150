"""itslive:downloadsubset and itslive:mosaic through real Processing runs on the local mirror."""

from __future__ import annotations

import numpy as np
import pytest
from qgis.core import QgsProcessingException, QgsRasterLayer

AOI_3413 = "-182000,-172500,-2281500,-2278500 [EPSG:3413]"  # across the GRE_A / GRE_B tile edge


def _run(alg, params):
    import processing

    return processing.run(alg, params)


def test_downloadsubset_across_two_tiles(plugin, mirror, tmp_path):
    import xarray as xr

    out = tmp_path / "subset.nc"
    result = _run(
        "itslive:downloadsubset",
        {"EXTENT": AOI_3413, "START_DATE": "2019-01-01", "END_DATE": "2020-12-31", "OUTPUT": str(out)},
    )
    assert result["OUTPUT"] == str(out) and out.exists()
    from itslive_qgis.core.io.cf import pairs_from_disk

    ds = pairs_from_disk(xr.open_dataset(out, decode_timedelta=False))  # CF pair layout -> in memory
    assert set(ds["vx"].dims) == {"mid_date", "y", "x"}
    # the area spans both tiles: x covers both sides of the shared edge at -177007.5 m
    assert ds["x"].values.min() < -177007.5 < ds["x"].values.max()
    assert ds["y"].values[0] > ds["y"].values[-1]
    days = ds["mid_date"].values
    assert np.all(np.diff(days.astype("datetime64[ns]").astype("int64")) >= 0)
    assert str(days[0]) >= "2019-01-01" and str(days[-1]) < "2021-01-01"
    assert result["PAIRS"] == ds.sizes["mid_date"] > 0
    assert np.nanmin(ds["v"].values) >= 0, "fill values must be NaN, not -32767"
    d1 = ds["acquisition_date_img1"].values
    d2 = ds["acquisition_date_img2"].values
    assert np.all(d1 <= d2)


def test_downloadsubset_outside_every_cube_is_a_clear_error(plugin, mirror, tmp_path):
    out = tmp_path / "none.nc"
    with pytest.raises(QgsProcessingException, match="No ITS_LIVE datacube covers"):
        _run("itslive:downloadsubset", {"EXTENT": "-150.5,-150,10,10.5 [EPSG:4326]", "OUTPUT": str(out)})
    assert not out.exists()


def test_mosaic_clip_gives_rasters_with_units(plugin, mirror, tmp_path):
    result = _run(
        "itslive:mosaic",
        {"EXTENT": AOI_3413, "YEAR": 0, "VARIABLES": "v,vx,vy", "OUTPUT_FOLDER": str(tmp_path)},
    )
    assert len(result["LAYERS"]) == 3
    layer = QgsRasterLayer(result["V"], "v")
    assert layer.isValid() and layer.crs().authid() == "EPSG:3413"
    assert layer.extent().width() <= 9500 + 2 * 120
    stats = layer.dataProvider().bandStatistics(1)
    assert 0 < stats.maximumValue < 20000
    assert QgsRasterLayer(result["VX"], "vx").isValid() and QgsRasterLayer(result["VY"], "vy").isValid()


def test_downloadsubset_in_process_refuses_a_foreign_folder_before_any_work(plugin, mirror, tmp_path):
    """The dock and the model run the algorithm without the dialog's check: prepareAlgorithm refuses too."""
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback

    target = tmp_path / "Field Data.zarr"
    (target / "photos").mkdir(parents=True)
    (target / "photos" / "a.jpg").write_bytes(b"jpeg")
    params = {"EXTENT": AOI_3413, "START_DATE": "2019-01-01", "END_DATE": "2019-02-01", "OUTPUT": str(target)}
    with pytest.raises(QgsProcessingException, match="OUTPUT: .*did not write"):
        _run("itslive:downloadsubset", params)
    alg = QgsApplication.processingRegistry().createAlgorithmById("itslive:downloadsubset")
    feedback = QgsProcessingFeedback()
    results, ok = alg.run(params, QgsProcessingContext(), feedback)
    assert not ok and not results
    assert (target / "photos" / "a.jpg").read_bytes() == b"jpeg"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Field Data.zarr"]
