"""Endpoint settings and URL mapping."""

from pathlib import Path

import pytest

from itslive_qgis.core.errors import InputError
from itslive_qgis.core.store import StoreConfig, to_s3_url


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
