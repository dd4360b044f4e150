"""Endpoint settings and URL mapping."""

from pathlib import Path

import pytest

from itslive_qgis.core.errors import InputError
from itslive_qgis.core.io import StoreConfig, to_s3_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://its-live-data.s3.amazonaws.com/datacubes/v2/N60W040/ITS_LIVE_vel_EPSG3413_G0120_X-150000_Y-2250000.zarr",
            "s3://its-live-data/datacubes/v2/N60W040/ITS_LIVE_vel_EPSG3413_G0120_X-150000_Y-2250000.zarr",
        ),
        (
            "https://its-live-data.s3.us-west-2.amazonaws.com/velocity_mosaic/v2/static/cog/x_v.tif",
            "s3://its-live-data/velocity_mosaic/v2/static/cog/x_v.tif",
        ),
        ("https://s3.amazonaws.com/its-live-data/datacubes/a.zarr", "s3://its-live-data/datacubes/a.zarr"),
        ("s3://its-live-data/datacubes/a.zarr", "s3://its-live-data/datacubes/a.zarr"),
        ("datacubes/catalog_v02.json", "s3://its-live-data/datacubes/catalog_v02.json"),
        ("/tmp/local.zarr", "/tmp/local.zarr"),
    ],
)
def test_to_s3_url(url, expected):
    assert to_s3_url(url) == expected


def test_empty_url_is_a_clear_error():
    with pytest.raises(InputError, match="Empty data URL"):
        to_s3_url("  ")


def test_default_is_the_public_bucket_anonymous(monkeypatch):
    monkeypatch.delenv("ITSLIVE_S3_ENDPOINT_URL", raising=False)
    cfg = StoreConfig.from_env()
    assert cfg.bucket == "its-live-data"
    assert cfg.endpoint_url is None
    assert cfg.anon is True
    assert cfg.region == "us-west-2"
    assert cfg.catalog_url == "s3://its-live-data/datacubes/catalog_v02.json"
    assert "endpoint_url" not in cfg.storage_options()["client_kwargs"]


def test_environment_overrides_the_configured_endpoint(monkeypatch, tmp_path):
    monkeypatch.setenv("ITSLIVE_S3_ENDPOINT_URL", "http://127.0.0.1:9999")
    cfg = StoreConfig.from_env(endpoint_url="http://example.invalid:1", cache_dir=str(tmp_path))
    assert cfg.endpoint_url == "http://127.0.0.1:9999"
    assert cfg.cache_dir == Path(tmp_path)
    assert cfg.storage_options()["client_kwargs"]["endpoint_url"] == "http://127.0.0.1:9999"


def test_cache_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ITSLIVE_CACHE_DIR", str(tmp_path / "c"))
    assert StoreConfig.from_env().cache_dir == tmp_path / "c"


def test_retries_from_environment(monkeypatch):
    monkeypatch.setenv("ITSLIVE_RETRIES", "2")
    cfg = StoreConfig.from_env()
    assert cfg.retries == 2
    assert cfg.storage_options()["config_kwargs"]["retries"]["max_attempts"] == 2


# -- the one store (core/zstore.py): optional metadata, absent and damaged chunks ------------------------
WINDOW = ("2015-01-01", "2021-12-31")


def _tiny_cube(path: Path, **root_attrs):
    """A small ITS_LIVE-like cube written by zarr itself (ragged chunks); returns (mid, v)."""
    import numcodecs
    import numpy as np
    import zarr

    rng = np.random.default_rng(3)
    n, ny, nx = 23, 12, 9
    mid = rng.uniform(17000, 17500, n)
    v = rng.integers(0, 500, (n, ny, nx)).astype("int16")
    g = zarr.open_group(str(path), mode="w", zarr_format=2)
    blosc = numcodecs.Blosc(cname="zlib", clevel=2, shuffle=1)
    g.attrs.update({"projection": "3413", "date_updated": "01-Jan-2025 00:00:00", **root_attrs})
    for name, data, dims, chunks, attrs in (
        ("mid_date", mid, ["mid_date"], (10,), {"units": "days since 1970-01-01", "calendar": "standard"}),
        ("x", -200000.0 + 52.5 + 120 * np.arange(nx), ["x"], (nx,), {"units": "m"}),
        ("y", -2200000.0 + 67.5 - 120 * np.arange(ny), ["y"], (ny,), {"units": "m"}),
        ("v", v, ["mid_date", "y", "x"], (7, 5, 4), {"missing_value": -32767, "units": "meter/year"}),
    ):
        a = g.create_array(
            name, shape=data.shape, dtype=data.dtype, chunks=chunks, compressors=blosc,
            fill_value=None, attributes={"_ARRAY_DIMENSIONS": dims, **attrs},
        )  # fmt: skip
        a[...] = data
    zarr.consolidate_metadata(str(path), zarr_format=2)
    return mid, v


TINY_AREA = (-200000.0, -2201500.0, -199100.0, -2199900.0)


def test_absent_objects_in_a_bucket_are_empty_chunks_counted_and_logged(mirror, tmp_path):
    import boto3
    import numpy as np
    import xarray as xr

    from itslive_qgis.core.progress import NullProgress
    from itslive_qgis.core.subset.api import subset_cubes

    local = tmp_path / "tiny.zarr"
    mid, v = _tiny_cube(local)
    (local / "v" / "1.1.1").unlink()  # never written: ITS_LIVE's documented empty chunk
    s3 = boto3.client("s3", endpoint_url=mirror.endpoint_url, region_name="us-west-2",
                      aws_access_key_id="t", aws_secret_access_key="t")  # fmt: skip
    key = f"test-absent/{tmp_path.name}/tiny.zarr"
    for f in sorted(p for p in local.rglob("*") if p.is_file()):
        s3.put_object(
            Bucket="its-live-data", Key=f"{key}/{f.relative_to(local).as_posix()}", Body=f.read_bytes()
        )

    class Log(NullProgress):
        lines: list = []

        def log(self, message):
            self.lines.append(message)

    log = Log()
    res = subset_cubes(
        f"s3://its-live-data/{key}", TINY_AREA, 3413, "2016-01-01", "2018-01-01", variables=["v"],
        output_path=tmp_path / "t.nc", config=StoreConfig(endpoint_url=mirror.endpoint_url,
        cache_dir=tmp_path / "cache"), progress=log,
    )  # fmt: skip
    assert res.stats["chunks_missing"] == res.plan.n_chunks_absent == 1
    assert any("1 chunks were never written" in line for line in log.lines)
    got = xr.open_dataset(tmp_path / "t.nc")
    ref = xr.open_zarr(local).isel(mid_date=np.argsort(mid, kind="stable"))  # zarr's own reading
    np.testing.assert_array_equal(got.v.values, ref.v.values[:, :, : got.sizes["x"]])


def test_absent_chunk_of_a_store_written_complete_is_an_error(tmp_path):
    from itslive_qgis.core.errors import DataError
    from itslive_qgis.core.io import ALL_CHUNKS_ATTR
    from itslive_qgis.core.subset.api import subset_cubes

    store = tmp_path / "complete.zarr"
    _tiny_cube(store, **{ALL_CHUNKS_ATTR: "yes"})
    (store / "v" / "1.1.1").unlink()  # damage: a file deleted
    with pytest.raises(DataError, match=r"Chunk v/1\.1\.1 .* is missing"):
        subset_cubes(str(store), TINY_AREA, 3413, "2016-01-01", "2018-01-01", variables=["v"],
                     output_path=tmp_path / "t.nc")  # fmt: skip
    assert not (tmp_path / "t.nc").exists()


def test_subset_zarr_output_is_complete_and_read_strictly(mirror, tmp_path):
    from itslive_qgis.core.cube.pairs import open_pairs
    from itslive_qgis.core.errors import DataError
    from itslive_qgis.core.subset.api import subset_cubes
    from tests.fixtures.truth import default_tiles

    tile = default_tiles()[0]
    x0, y0, _, _ = tile.extent_m
    out = tmp_path / "s.zarr"
    subset_cubes(str(mirror.roots[tile.key]), (x0 + 100, y0 + 100, x0 + 2500, y0 + 2500), 3413, *WINDOW,
                 variables=["v", "vx"], output_path=out)  # fmt: skip
    assert open_pairs(out).v.load().size > 0  # every chunk is there
    victim = sorted(p for p in (out / "v").iterdir() if not p.name.startswith("."))[0]
    victim.unlink()
    with pytest.raises(DataError, match=f"Chunk v/{victim.name} .* is missing"):
        open_pairs(out).v.load()


def test_default_variables_are_those_the_cube_has(mirror, tmp_path):
    import json
    import shutil

    import xarray as xr

    from itslive_qgis.core.progress import NullProgress
    from itslive_qgis.core.subset.api import subset_cubes
    from tests.fixtures.truth import default_tiles

    tile = default_tiles()[0]
    local = tmp_path / "cube.zarr"
    shutil.copytree(mirror.roots[tile.key], local)
    optional = ("sensor_img1", "sensor_img2", "granule_url")
    meta = json.loads((local / ".zmetadata").read_text())
    meta["metadata"] = {k: v for k, v in meta["metadata"].items() if k.split("/")[0] not in optional}
    (local / ".zmetadata").write_text(json.dumps(meta))
    for name in optional:
        shutil.rmtree(local / name)
    x0, y0, _, _ = tile.extent_m
    area = (x0 + 100, y0 + 100, x0 + 1300, y0 + 1300)
    lines = []

    class Log(NullProgress):
        def log(self, message):
            lines.append(message)

    subset_cubes(str(local), area, 3413, *WINDOW, output_path=tmp_path / "d.nc", progress=Log())
    got = xr.open_dataset(tmp_path / "d.nc")
    assert "v" in got and "satellite_img1" in got and not any(n in got for n in optional)
    assert any("sensor_img1, sensor_img2, granule_url" in line for line in lines)
    with pytest.raises(InputError, match="Unknown variable.*granule_url"):
        subset_cubes(str(local), area, 3413, *WINDOW, variables=["v", "granule_url"],
                     output_path=tmp_path / "e.nc")  # fmt: skip


def test_damaged_cached_chunk_is_fetched_again_once(mirror, tmp_path):
    import numpy as np
    import xarray as xr

    from itslive_qgis.core.subset.api import subset_cubes
    from tests.fixtures.truth import default_tiles

    tile = default_tiles()[0]
    x0, y0, _, _ = tile.extent_m
    cfg = StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=tmp_path / "cache")
    kw = dict(variables=["v"], config=cfg, keep_chunk_cache=True)
    area = (x0 + 100, y0 + 100, x0 + 1300, y0 + 1300)
    first = subset_cubes(
        f"s3://its-live-data/{tile.key}", area, 3413, *WINDOW, output_path=tmp_path / "a.nc", **kw
    )
    cached = sorted((tmp_path / "cache").rglob("v/0.*__*"))
    assert cached and first.stats["chunks_refetched"] == 0
    cached[0].write_bytes(b"\x00" * cached[0].stat().st_size)  # same size: passes the size check
    again = subset_cubes(
        f"s3://its-live-data/{tile.key}", area, 3413, *WINDOW, output_path=tmp_path / "b.nc", **kw
    )
    assert again.stats["chunks_refetched"] == 1 and again.stats["chunks_fetched"] == 1
    assert cached[0].read_bytes() != b"\x00" * cached[0].stat().st_size
    np.testing.assert_array_equal(
        xr.open_dataset(tmp_path / "a.nc").v.values, xr.open_dataset(tmp_path / "b.nc").v.values
    )


def test_gdal_options_come_from_the_same_settings():
    from itslive_qgis.core.mosaic.clip import gdal_env

    cfg = StoreConfig(endpoint_url="http://127.0.0.1:9999", retries=3, timeout_s=7.0, concurrency=12)
    env = gdal_env(cfg)
    assert (env["AWS_S3_ENDPOINT"], env["AWS_HTTPS"], env["AWS_NO_SIGN_REQUEST"]) == (
        "127.0.0.1:9999",
        "NO",
        "YES",
    )
    assert (env["GDAL_HTTP_MAX_RETRY"], env["GDAL_HTTP_TIMEOUT"], env["GDAL_HTTP_MAX_CONNECTIONS"]) == (
        "2",
        "7",
        "12",
    )
