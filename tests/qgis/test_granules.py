"""Image-pair granules in QGIS: itslive:granules' table, itslive:loadgranules, the layer a granule
becomes (values against the cube's own pair values), the range requests that read it (counted by the
fault proxy in front of the mirror), its browse image, and the two real granules."""

from __future__ import annotations

import numpy as np
import pytest
from qgis.core import (
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingFeedback,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)

from itslive_qgis.core.errors import DataError
from itslive_qgis.core.io import StoreConfig
from itslive_qgis.layers.granule import configure_gdal, granule_layers, load_granule, read_browse_image
from tests.fixtures.faultproxy import FaultProxy
from tests.fixtures.granule_files import MARGIN, granule_key_of, pick_pairs
from tests.fixtures.pairs import synthesize_pairs
from tests.fixtures.truth import default_tiles

TILE_A = default_tiles()[0]
REAL_V1 = (
    "LE07_L1GT_001113_20121118_20161127_01_T2_X_LE07_L1GT_232113_20121104_20161127_01_T2_G0240V01_P059.nc"
)
REAL_V2 = (
    "LT05_L1GS_219121_19841206_20200918_02_T2_X_LT05_L1GS_226120_19850124_20200918_02_T2_G0120V02_P000.nc"
)


@pytest.fixture(scope="module")
def pairs():
    return synthesize_pairs(TILE_A)


@pytest.fixture()
def project(qgis_app):
    project = QgsProject()
    yield project
    project.clear()


def _run(algorithm, params, project):
    import processing

    context = QgsProcessingContext()
    context.setProject(project)
    return processing.run(algorithm, params, context=context, feedback=QgsProcessingFeedback())


def _cell_value(layer: QgsRasterLayer, x: float, y: float) -> float | None:
    value, ok = layer.dataProvider().sample(QgsPointXY(x, y), 1)
    return float(value) if ok else None


@pytest.mark.mirror
def test_granule_table_and_loading_the_selected_rows(plugin, mirror, project, pairs):
    picked = pick_pairs(pairs)
    s2 = next(k for k in picked if pairs.family[k] == "S2")
    mid = float(pairs.meta["mid_date"][s2])
    day = lambda d: str(np.datetime64("1970-01-01") + np.timedelta64(int(d), "D"))  # noqa: E731
    result = _run(
        "itslive:granules",
        {
            "CUBE": mirror.url(TILE_A.key),
            "START_DATE": day(mid - 1),
            "END_DATE": day(mid + 1),
            "SATELLITES": "2A,2B",
            "OUTPUT": "memory:",
        },
        project,
    )
    table = result["OUTPUT"]
    table = table if isinstance(table, QgsVectorLayer) else QgsProject.instance().mapLayer(table)
    meta = pairs.meta
    sats = np.isin(meta["satellite_img1"], ["2A", "2B"]) & np.isin(meta["satellite_img2"], ["2A", "2B"])
    lo, hi = np.floor(mid - 1), np.floor(mid + 1) + 1
    want = sats & (meta["mid_date"] >= lo) & (meta["mid_date"] < hi)
    assert result["COUNT"] == int(want.sum()) == table.featureCount() >= 1
    rows = {f["granule_url"]: f for f in table.getFeatures()}
    url = str(meta["granule_url"][s2])
    assert url in rows
    row = rows[url]
    assert row["date_dt_days"] == pytest.approx(float(meta["date_dt"][s2]), abs=1e-3)
    assert row["satellite_img1"] in ("2A", "2B") and row["sensor_img1"] == "MSI"
    assert row["acquisition_date_img1"].toString("yyyy-MM-dd") == day(
        min(pairs.t_start_days[s2], pairs.t_end_days[s2])
    )
    assert [a.name() for a in table.actions().actions()] == ["Load image-pair granule"]
    project.addMapLayer(table)
    table.selectByIds([row.id()])
    loaded = _run(
        "itslive:loadgranules",
        {"INPUT": QgsProcessingFeatureSourceDefinition(table.id(), selectedFeaturesOnly=True)},
        project,
    )
    assert loaded["LOADED"] == 1
    group = project.layerTreeRoot().children()[0]
    assert group.name().startswith("ITS_LIVE pair ") and url.rsplit("/", 1)[-1] in group.name()
    layers = [node.layer() for node in group.findLayers()]
    speed = next(layer for layer in layers if isinstance(layer, QgsRasterLayer))
    # the granule holds the cube's values for this pair inside the tile (cell by cell)
    v = pairs.v[s2]
    for iy, ix in ((5, 7), (25, 25), (40, 12)):
        got = _cell_value(speed, TILE_A.x[ix], TILE_A.y[iy])
        assert (got is None) if v[iy, ix] == -32767 else got == pytest.approx(float(v[iy, ix]))
    assert speed.width() == TILE_A.nx + 2 * MARGIN and speed.crs().authid() == "EPSG:3413"
    # the table's action loads one row's granule into the current project (as from the attribute table)
    from itslive_qgis.layers.granule import load_feature_granule

    current = QgsProject.instance()
    current.addMapLayer(table.clone())
    clone = next(lyr for lyr in current.mapLayers().values() if lyr.name() == table.name())
    group = None
    try:
        group = load_feature_granule(clone.id(), row.id())
        assert group is not None and url.rsplit("/", 1)[-1] in group.name()
        assert {node.layer().customProperty("itslive/granule_url") for node in group.findLayers()} == {url}
    finally:
        if group is not None:
            current.layerTreeRoot().removeChildNode(group)
        current.removeMapLayers(list(current.mapLayers()))


@pytest.mark.mirror
def test_a_granule_is_read_by_range_requests(qgis_app, mirror, pairs, tmp_path):
    from osgeo import gdal

    k = next(k for k in pick_pairs(pairs) if pairs.family[k] == "L89")
    url = str(pairs.meta["granule_url"][k])
    key = granule_key_of(url)
    size = mirror.roots[key].stat().st_size
    gdal.VSICurlClearCache()
    with FaultProxy(mirror.endpoint_url) as proxy:
        config = StoreConfig(endpoint_url=proxy.url, cache_dir=tmp_path, retries=1)
        layers = granule_layers(url, config)
        arrows, speed = layers
        assert isinstance(arrows, QgsVectorLayer) and arrows.featureCount() > 100
        # arrows: speed = |(vx, vy)| of the granule cells they stand on
        feature = next(iter(arrows.getFeatures()))
        assert feature["speed"] > 0
        gets = len([line for line in proxy.log if line[0] == "GET" and line[1].endswith(key)])
        sent = proxy.bytes_sent
        ranged = [line for line in proxy.log if line[0] == "GET"]
    assert gets >= 2, proxy.log
    granule_gets = [line for line in ranged if line[1].endswith(key)]
    assert granule_gets and all(line[2] == "206" for line in granule_gets), granule_gets  # ranges only
    # the rest: GDAL's probes for sidecar files (.aux, .aux.xml), answered 404, nothing else
    others = [line for line in ranged if not line[1].endswith(key)]
    assert all(line[1].startswith(f"/{config.bucket}/{key[:-3]}") and line[2] == "404" for line in others)
    # the whole view (arrows from every vx/vy chunk, speed statistics from every v chunk) needs
    # nearly every byte of the file: each is fetched once (404 bodies of the probes included)
    assert sent < 1.05 * size, f"{sent} bytes fetched for a {size}-byte granule"
    print(
        f"granule {size} B: {gets} range GETs, {len(others)} sidecar probes, "
        f"{sent} B fetched ({100 * sent / size:.0f} %)"
    )
    # a view of a small part of the granule, from a cold cache, fetches the header and a few chunks
    gdal.VSICurlClearCache()
    with FaultProxy(mirror.endpoint_url) as proxy:
        configure_gdal(StoreConfig(endpoint_url=proxy.url, cache_dir=tmp_path, retries=1))
        dataset = gdal.Open(speed.source())
        header_bytes = proxy.bytes_sent
        window = dataset.GetRasterBand(1).ReadAsArray(160, 160, 10, 10)
        window_bytes = proxy.bytes_sent
        dataset = None
        assert window.shape == (10, 10)
    print(
        f"opening: {header_bytes} B; with a 10 x 10 cell window: {window_bytes} B "
        f"({100 * window_bytes / size:.0f} %)"
    )
    assert window_bytes < 0.5 * size and window_bytes - header_bytes < 0.15 * size
    png = read_browse_image(url, StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=tmp_path))
    assert png == mirror.roots[key[:-3] + ".png"].read_bytes() and png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.mirror
def test_the_real_v1_granule_through_s3_reads_a_fraction_of_it(qgis_app, mirror, shared_data, tmp_path):
    """The real 0.9 MB v1 granule put in the mirror: opening it and reading a window fetch a part of it."""
    import boto3
    from osgeo import gdal

    path = shared_data / "granules" / REAL_V1
    key = f"velocity_image_pair/landsat/v01/S70W100/{REAL_V1}"
    client = boto3.client(
        "s3",
        endpoint_url=mirror.endpoint_url,
        region_name="us-west-2",
        aws_access_key_id="fixture",
        aws_secret_access_key="fixture",
    )
    client.put_object(Bucket=mirror.bucket, Key=key, Body=path.read_bytes(), ACL="public-read")
    size = path.stat().st_size
    gdal.VSICurlClearCache()
    with FaultProxy(mirror.endpoint_url) as proxy:
        configure_gdal(StoreConfig(endpoint_url=proxy.url, cache_dir=tmp_path, retries=1))
        dataset = gdal.Open(f'NETCDF:"/vsis3/{mirror.bucket}/{key}":v')
        header_bytes = proxy.bytes_sent
        window = dataset.GetRasterBand(1).ReadAsArray(300, 300, 20, 20)
        window_bytes = proxy.bytes_sent
        dataset = None
    local_dataset = gdal.Open(f'NETCDF:"{path}":v')  # kept: a band outlived by its dataset crashes GDAL
    local = local_dataset.GetRasterBand(1).ReadAsArray(300, 300, 20, 20)
    assert np.array_equal(window, local)
    print(
        f"real v1 granule {size} B: opening {header_bytes} B, + 20 x 20 window {window_bytes} B "
        f"({100 * window_bytes / size:.0f} %)"
    )
    assert window_bytes < 0.5 * size


def test_the_real_v1_granule_loads(qgis_app, shared_data, project, output_dir):
    path = shared_data / "granules" / REAL_V1
    group = load_granule(str(path), project)
    layers = [node.layer() for node in group.findLayers()]
    speed = next(layer for layer in layers if isinstance(layer, QgsRasterLayer))
    arrows = next(layer for layer in layers if isinstance(layer, QgsVectorLayer))
    assert speed.crs().authid() == "EPSG:3031"
    assert "2012-11-04 – 2012-11-18" in group.name()
    from osgeo import gdal

    v = gdal.Open(f'NETCDF:"{path}":v').ReadAsArray().astype(float)
    valid = v[v != -32767]
    assert valid.size == 163_268 and valid.max() == 5505  # ITSLIVE_FORMAT_SPEC.md section 5
    stats = speed.dataProvider().bandStatistics(1)
    assert stats.maximumValue == 5505
    assert arrows.featureCount() > 100
    abstract = speed.metadata().abstract()
    assert "aquisition_date_img1: 20121118" in abstract and "satellite_img1: 7\n" in abstract
    assert speed.name() == "v (m/yr) — pair 2012-11-04 – 2012-11-18 (7/7)"
    from itslive_qgis.layers import render_png

    render_png([arrows, speed], None, "EPSG:3031", (636, 592), None, output_dir / "granule_real_v1.png")


def test_the_real_empty_granule_is_refused(qgis_app, shared_data, project):
    with pytest.raises(DataError, match="no valid velocity"):
        load_granule(str(shared_data / "granules" / REAL_V2), project)
    assert not project.mapLayers()


@pytest.mark.mirror
def test_a_saved_project_with_a_granule_reopens(qgis_app, mirror, pairs, tmp_path):
    """The plugin's start sets the store's GDAL options again, so a saved granule layer reads the store."""
    from osgeo import gdal

    from itslive_qgis.layers.granule import configure_gdal_from_settings

    url = str(pairs.meta["granule_url"][pick_pairs(pairs)[0]])
    project = QgsProject()
    load_granule(url, project, StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=tmp_path))
    path = tmp_path / "with_granule.qgz"
    assert project.write(str(path))
    project.clear()
    gdal.ClearPathSpecificOptions()
    gdal.VSICurlClearCache()
    assert configure_gdal_from_settings()  # what initGui does (ITSLIVE_S3_ENDPOINT_URL = the mirror)
    reopened = QgsProject()
    assert reopened.read(str(path))
    speed = next(lyr for lyr in reopened.mapLayers().values() if isinstance(lyr, QgsRasterLayer))
    assert speed.isValid() and speed.source().startswith('NETCDF:"/vsis3/its-live-data/velocity_image_pair/')
    reopened.clear()


@pytest.mark.mirror
def test_granule_table_of_an_extent_in_lon_lat(plugin, mirror, project, pairs):
    """EXTENT in EPSG:4326 around three trunk cells: the rows are the pairs with a valid v there."""
    from tests.fixtures.truth import to_lonlat

    ix, iy = slice(20, 23), slice(25, 28)
    xs, ys = TILE_A.x[ix], TILE_A.y[iy]
    corners_x = np.array([xs.min(), xs.max(), xs.min(), xs.max()])
    corners_y = np.array([ys.min(), ys.min(), ys.max(), ys.max()])
    lon, lat = to_lonlat(3413, corners_x, corners_y)  # the box of the four corners (the grid is rotated)
    result = _run(
        "itslive:granules",
        {
            "CUBE": mirror.url(TILE_A.key),
            "EXTENT": f"{lon.min()},{lon.max()},{lat.min()},{lat.max()} [EPSG:4326]",
            "MIN_DT_DAYS": 100,
            "OUTPUT": "memory:",
        },
        project,
    )
    table = result["OUTPUT"]
    table = table if isinstance(table, QgsVectorLayer) else QgsProject.instance().mapLayer(table)
    rows = list(table.getFeatures())
    assert result["COUNT"] == len(rows) > 0
    assert all(row["valid_cells_in_extent"] > 0 and row["date_dt_days"] >= 100 for row in rows)
    # the lon/lat box, projected, holds at least the three cells: every pair valid there is listed
    cells = (pairs.v[:, iy, ix] != -32767).reshape(pairs.v.shape[0], -1).sum(axis=1)
    want = {
        str(u) for u, n, dt in zip(pairs.meta["granule_url"], cells, pairs.meta["date_dt"]) if n and dt >= 100
    }
    assert want <= {row["granule_url"] for row in rows}
