"""Mosaic clipping: names, region choice, windowed reads against a direct rasterio read."""

from __future__ import annotations

import numpy as np
import pytest

from itslive_qgis.core.errors import InputError
from itslive_qgis.core.io import StoreConfig
from itslive_qgis.core.mosaic import clip_mosaic
from itslive_qgis.core.mosaic.clip import mosaic_urls, region_code, region_for_area
from tests.fixtures.faultproxy import FaultProxy
from tests.fixtures.generator import mosaic_grid, mosaic_keys

BIG_KEY = "velocity_mosaic/v2/annual/cog/ITS_LIVE_velocity_120m_RGI11A_2018_v02_v.tif"


def test_mosaic_urls_use_the_real_names():
    assert mosaic_urls("RGI05A", None, ["v"]) == {
        "v": "s3://its-live-data/velocity_mosaic/v2/static/cog/ITS_LIVE_velocity_120m_RGI05A_0000_v02_v.tif"
    }
    urls = mosaic_urls(5, 2018, ["vx", "count"])
    assert urls["vx"].endswith("velocity_mosaic/v2/annual/cog/ITS_LIVE_velocity_120m_RGI05A_2018_v02_vx.tif")
    assert mosaic_urls("13", 2020, ["v"])["v"].endswith("_RGI14A_2020_v02_v.tif")  # 13-15 -> HMA mosaic
    with pytest.raises(InputError, match="dv_dt"):
        mosaic_urls("RGI05A", 2018, ["dv_dt"])  # a static-only variable
    with pytest.raises(InputError, match="1985"):
        mosaic_urls("RGI05A", 1970, ["v"])
    with pytest.raises(InputError, match="RGI"):
        region_code("RGI16A")


@pytest.mark.parametrize(
    "lat, lon, region",
    [
        (69.1117, -49.4604, "RGI05A"),  # Jakobshavn
        (60.08343, -140.46707, "RGI01A"),  # Malaspina
        (29.92, 95.962, "RGI14A"),  # the real cube's glacier, High Mountain Asia
        (46.5, 8.0, "RGI11A"),  # Alps
        (75.0, 60.0, "RGI09A"),  # Novaya Zemlya: in two boxes, the smaller wins
        (-75.0, 0.0, "RGI19A"),
        (-50.0, -73.0, "RGI17A"),
        (-43.5, 170.5, "RGI18A"),
        (78.5, 16.0, "RGI07A"),
    ],
)
def test_region_from_the_area(lat, lon, region):
    from shapely.geometry import Point

    assert region_for_area(Point(lon, lat).buffer(0.01), "EPSG:4326") == region


def test_region_outside_every_box_asks_for_an_explicit_region():
    with pytest.raises(InputError, match="region="):
        region_for_area((37.3, -3.1, 37.4, -3.0), "EPSG:4326")  # Kilimanjaro (RGI 16)


def test_clip_equals_a_direct_windowed_read(mirror, tmp_path):
    import rasterio
    from rasterio.windows import Window

    x, y = mosaic_grid()
    area = (x[40] - 60, y[60] - 60, x[70] + 60, y[30] + 60)  # 31 x 31 cells, EPSG:3413
    cfg = StoreConfig(endpoint_url=mirror.endpoint_url)
    paths = clip_mosaic(area, "EPSG:3413", ["v", "vx", "v_error"], year=2018, output_dir=tmp_path, config=cfg)
    assert [p.name for p in paths] == [
        f"ITS_LIVE_velocity_120m_RGI05A_2018_v02_{v}_clip.tif" for v in ("v", "vx", "v_error")
    ]
    for path, var in zip(paths, ("v", "vx", "v_error")):
        with rasterio.open(mirror.roots[mosaic_keys()[f"2018_{var}"]]) as ref:
            want = ref.read(1, window=Window(40, 30, 31, 31))
            want_transform = ref.window_transform(Window(40, 30, 31, 31))
            nodata = ref.nodata
        with rasterio.open(path) as got:
            np.testing.assert_array_equal(got.read(1), want)
            assert got.transform == want_transform and got.crs.to_epsg() == 3413 and got.nodata == nodata
            assert (
                got.units == ("m/yr",) and got.tags()["region"] == "RGI05A" and got.tags()["year"] == "2018"
            )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # no temporary files


def test_polygon_clip_masks_outside_cells_and_static_mosaic(mirror, tmp_path):
    import rasterio
    from rasterio.windows import Window
    from shapely.geometry import Polygon

    x, y = mosaic_grid()
    tri = Polygon([(x[60], y[50]), (x[90], y[50]), (x[60], y[20])])  # cell centres as vertices
    paths = clip_mosaic(
        tri, "EPSG:3413", ["vy"], output_dir=tmp_path, config=StoreConfig(endpoint_url=mirror.endpoint_url)
    )
    with rasterio.open(mirror.roots[mosaic_keys()["static_vy"]]) as ref:
        full = ref.read(1, window=Window(60, 20, 31, 31))
    with rasterio.open(paths[0]) as got:
        data = got.read(1)
        assert got.shape == (31, 31) and "0000" in paths[0].name
    rows, cols = np.mgrid[0:31, 0:31]
    # vertices at window cells (col, row) (0, 30), (30, 30), (0, 0): inside is col <= row
    inside, outside = cols <= rows, cols >= rows + 2  # (col == row + 1 only touches a corner)
    np.testing.assert_array_equal(data[inside], full[inside])
    assert (data[outside] == -32767).all() and outside.sum() > 300


def test_clip_reads_only_the_tiles_under_the_area(mirror, tmp_path):
    """A 2048 x 2048 incompressible COG (16 MB): a 20 x 20 cell clip moves a few hundred kB."""
    import boto3
    import rasterio
    import rasterio.shutil
    from rasterio.io import MemoryFile
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    rng = np.random.default_rng(0)
    data = rng.normal(100, 30, (2048, 2048)).astype("float32")
    transform = from_origin(400000.0 - 52.5 * 0 + 52.5 - 60, 5200000.0 + 67.5 + 60, 120.0, 120.0)
    local = tmp_path / "big.tif"
    profile = dict(
        driver="GTiff",
        width=2048,
        height=2048,
        count=1,
        dtype="float32",
        crs="EPSG:32632",
        transform=transform,
        nodata=-32767.0,
    )
    with MemoryFile() as mem:
        with mem.open(**profile) as ds:
            ds.write(data, 1)
        with mem.open() as src:
            rasterio.shutil.copy(src, str(local), driver="COG", BLOCKSIZE=256, COMPRESS="DEFLATE")
    s3 = boto3.client(
        "s3",
        endpoint_url=mirror.endpoint_url,
        region_name="us-west-2",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    s3.put_object(Bucket="its-live-data", Key=BIG_KEY, Body=local.read_bytes())
    size = local.stat().st_size
    x0, y0 = transform.c + 1000 * 120, transform.f - 900 * 120
    area = (x0, y0 - 20 * 120, x0 + 20 * 120, y0)
    out = tmp_path / "out"
    out.mkdir()
    with FaultProxy(mirror.endpoint_url, fail_every=2) as proxy:  # throttled too: GDAL retries
        paths = clip_mosaic(
            area,
            "EPSG:32632",
            ["v"],
            year=2018,
            region="RGI11A",
            output_dir=out,
            config=StoreConfig(endpoint_url=proxy.url),
        )
        moved = proxy.bytes_sent
        assert proxy.faults["503"] > 0
    with rasterio.open(paths[0]) as got:
        np.testing.assert_array_equal(got.read(1), data[900:920, 1000:1020])
        assert got.crs.to_epsg() == 32632
    assert size > 15_000_000 and moved < 0.05 * size
    with rasterio.open(local) as ref:
        np.testing.assert_array_equal(ref.read(1, window=Window(1000, 900, 20, 20)), data[900:920, 1000:1020])


def test_bad_mosaic_inputs(mirror, tmp_path):
    cfg = StoreConfig(endpoint_url=mirror.endpoint_url)
    x, y = mosaic_grid()
    with pytest.raises(InputError, match="outside the RGI05A mosaic"):
        clip_mosaic(
            (0.0, 0.0, 1000.0, 1000.0), "EPSG:3413", ["v"], region="RGI05A", output_dir=tmp_path, config=cfg
        )
    with pytest.raises(InputError, match="does not exist"):
        clip_mosaic((x[0], y[5], x[5], y[0]), "EPSG:3413", ["v"], output_dir=tmp_path / "nope", config=cfg)
    with pytest.raises(InputError, match="empty"):
        from shapely.geometry import Polygon

        clip_mosaic(Polygon(), "EPSG:3413", ["v"], output_dir=tmp_path, config=cfg)
    assert list(tmp_path.iterdir()) == []
