"""itslive:findcubes through real Processing runs, on the real catalog and the mirror's."""

from __future__ import annotations

import os
import subprocess

import pytest
from qgis.core import QgsVectorLayer

from tests.conftest import REPO

CATALOG = "catalog/catalog_v02.json"


def _run(catalog, extent):
    import processing

    result = processing.run(
        "itslive:findcubes", {"EXTENT": extent, "CATALOG": str(catalog), "OUTPUT": "memory:cubes"}
    )
    layer = result["OUTPUT"]
    if isinstance(layer, str):
        layer = QgsVectorLayer(layer, "cubes", "ogr")
    return layer, result


def _keys(layer):
    return [
        f["zarr_url"].rsplit("/", 2)[-2] + "/" + f["zarr_url"].rsplit("/", 1)[-1] for f in layer.getFeatures()
    ]


@pytest.mark.parametrize(
    ("extent", "expected"),
    [
        (
            "-49.47,-49.45,69.11,69.12 [EPSG:4326]",
            ["N60W040/ITS_LIVE_vel_EPSG3413_G0120_X-150000_Y-2250000.zarr"],
        ),
        (
            "-146.98,-146.97,61.18,61.185 [EPSG:4326]",
            ["N60W140/ITS_LIVE_vel_EPSG3413_G0120_X-3150000_Y650000.zarr"],
        ),
        # Malaspina, as an EPSG:3413 extent around the projection oracle of the spec
        (
            "-3299427.76,-3297427.76,314689.27,316689.27 [EPSG:3413]",
            ["N60W140/ITS_LIVE_vel_EPSG3413_G0120_X-3250000_Y350000.zarr"],
        ),
    ],
)
def test_findcubes_on_the_real_catalog(plugin, shared_data, extent, expected):
    layer, result = _run(shared_data / CATALOG, extent)
    assert _keys(layer) == expected
    assert result["COUNT"] == len(expected)
    assert layer.crs().authid() == "EPSG:4326"
    names = [f.name() for f in layer.fields()]
    assert names == ["zarr_url", "epsg", "granule_count", "roi_percent_coverage"]
    feature = next(layer.getFeatures())
    assert feature["epsg"] == 3413
    assert 0 <= feature["roi_percent_coverage"] <= 100
    assert feature.geometry().boundingBox().width() < 5  # degrees: a 100 km tile, not a globe-wrapping box


def test_findcubes_seam_point_gives_two_cubes(plugin, shared_data):
    layer, _ = _run(shared_data / CATALOG, "95.961,95.963,29.919,29.921 [EPSG:4326]")
    names = sorted(k.rsplit("/", 1)[-1] for k in _keys(layer))
    assert names == [
        "ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000.zarr",
        "ITS_LIVE_vel_EPSG32647_G0120_X250000_Y3350000.zarr",
    ]


def test_findcubes_open_ocean_is_empty(plugin, shared_data):
    layer, result = _run(shared_data / CATALOG, "-150.5,-150,10,10.5 [EPSG:4326]")
    assert layer.featureCount() == 0 and result["COUNT"] == 0


def test_findcubes_bad_catalog_is_a_clear_error(plugin, tmp_path):
    from qgis.core import QgsProcessingException

    bad = tmp_path / "catalog.json"
    bad.write_text("{not json")
    with pytest.raises(QgsProcessingException) as err:
        _run(bad, "-49.47,-49.45,69.11,69.12 [EPSG:4326]")
    assert "json" in str(err.value).lower()


def test_qgis_process_lists_and_runs_itslive_algorithms(shared_data, tmp_path):
    env = {
        **os.environ,
        "QGIS_PLUGINPATH": str(REPO),
        "PYTHONPATH": str(REPO / ".venv/lib/python3.11/site-packages"),
        "PATH": f"{REPO / '.venv/bin'}:{os.environ['PATH']}",
        "QT_QPA_PLATFORM": "offscreen",
    }
    subprocess.run(
        ["qgis_process", "plugins", "enable", "itslive_qgis"], env=env, capture_output=True, timeout=120
    )
    listing = subprocess.run(["qgis_process", "list"], env=env, capture_output=True, text=True, timeout=120)
    assert "itslive:findcubes" in listing.stdout, listing.stdout[-2000:] + listing.stderr[-2000:]
    out = tmp_path / "cubes.gpkg"
    run = subprocess.run(
        [
            "qgis_process",
            "run",
            "itslive:findcubes",
            "--",
            "EXTENT=-49.47,-49.45,69.11,69.12 [EPSG:4326]",
            f"CATALOG={shared_data / CATALOG}",
            f"OUTPUT={out}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    layer = QgsVectorLayer(str(out), "cubes", "ogr")
    assert layer.featureCount() == 1
