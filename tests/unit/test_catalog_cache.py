"""Datacube catalog loading: validation of the GeoJSON, the local cache and its refresh from a file,
HTTP (ETag), S3 (moto) and the project's mirror, with failures that keep the cached copy.

Look-ups and footprints: test_catalog.py.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from itslive_qgis.core.catalog.catalog import (
    STATUS_CACHE,
    STATUS_REFRESH_FAILED,
    STATUS_REFRESHED,
    Catalog,
    load_catalog,
)
from itslive_qgis.core.errors import DataError, InputError, NetworkError
from itslive_qgis.core.io import StoreConfig
from tests.fixtures.catalog_helpers import CATALOGS, collection, feature, real_catalog_dir, transformer, urls


@pytest.fixture(scope="module")
def catalog_dir(shared_data) -> Path:
    return real_catalog_dir(shared_data)


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON|not UTF-8"),
        (json.dumps({"type": "Feature"}).encode(), "not a GeoJSON FeatureCollection"),
        (json.dumps([1, 2]).encode(), "not a GeoJSON FeatureCollection"),
        (json.dumps(collection()).encode(), "has no features"),
    ],
)
def test_malformed_catalog_content_is_a_clear_error(content, message):
    with pytest.raises(DataError, match=message):
        Catalog.from_geojson(content)


def test_unusable_features_are_listed():
    good = feature(3413, (0, 0, 100000, 100000))
    no_url = feature(3413, (0, 0, 100000, 100000))
    del no_url["properties"]["zarr_url"]
    no_epsg = feature(3413, (0, 0, 100000, 100000))
    del no_epsg["properties"]["epsg"]
    no_square = feature(3413, (0, 0, 100000, 100000))
    del no_square["properties"]["geometry_epsg"]
    point = feature(3413, (0, 0, 100000, 100000))
    point["geometry"] = {"type": "Point", "coordinates": [0, 90]}
    unknown = feature(999999, (0, 0, 100000, 100000))
    with pytest.raises(DataError) as err:
        Catalog.from_geojson(collection(good, no_url, no_epsg, no_square, point, unknown))
    text = str(err.value)
    for expected in (
        "feature 1: missing 'zarr_url'",
        "feature 2: missing or invalid 'epsg'",
        "feature 3",
        "geometry_epsg",
        "feature 4: geometry is a Point",
        "EPSG:999999",
    ):
        assert expected in text


def test_data_epsg_strings_and_geometry_epsg_as_json_text_are_accepted():
    f = feature(3413, (0, 0, 100000, 100000))
    del f["properties"]["epsg"]
    f["properties"]["data_epsg"] = "EPSG:3413"
    f["properties"]["geometry_epsg"] = json.dumps(f["properties"]["geometry_epsg"])
    f["properties"]["granule_count"] = 1234
    cat = Catalog.from_geojson(json.dumps(collection(f)))
    assert cat[0].epsg == 3413 and cat[0].granule_count == 1234
    with pytest.raises(InputError, match="does not exist"):
        Catalog.from_geojson(Path("/nonexistent/catalog_v02.json"))


# --------------------------------------------------------------------------- cache and refresh
SMALL = collection(feature(3413, (0, 0, 100000, 100000)), feature(3031, (0, 0, 100000, 100000)))
SMALL2 = collection(*SMALL["features"], feature(3413, (100000, 0, 200000, 100000)))


def _config(tmp_path) -> StoreConfig:
    return StoreConfig(cache_dir=tmp_path / "cache", retries=1, timeout_s=5.0)


def _cache_files(config) -> list[Path]:
    return sorted((config.cache_dir / "catalog").glob("*"))


def test_file_source_cache_refresh_and_failures(tmp_path):
    config = _config(tmp_path)
    src = tmp_path / "catalog_v02.json"
    src.write_text(json.dumps(SMALL))
    first = load_catalog(config, source=src)
    assert first.status == STATUS_REFRESHED and len(first.catalog) == 2
    assert first.path.parent == config.cache_dir / "catalog" and len(_cache_files(config)) == 2
    meta = json.loads(first.path.with_name(first.path.stem + ".meta.json").read_text())
    assert meta["source"] == str(src.resolve()) and meta["etag"]
    assert load_catalog(config, source=src).status == STATUS_CACHE  # unchanged: not re-read
    cached_bytes = first.path.read_bytes()

    src.write_text('{"type": "FeatureCollection", "features": [ {"type": "Feat')  # truncated download
    bad = load_catalog(config, source=src)
    assert bad.status == STATUS_REFRESH_FAILED and "not valid JSON" in bad.message
    assert len(bad.catalog) == 2 and first.path.read_bytes() == cached_bytes

    missing_epsg = collection(feature(3413, (0, 0, 100000, 100000)))
    del missing_epsg["features"][0]["properties"]["epsg"]
    src.write_text(json.dumps(missing_epsg))
    os.utime(src, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    bad = load_catalog(config, source=src)
    assert bad.status == STATUS_REFRESH_FAILED and "'epsg'" in bad.message
    assert first.path.read_bytes() == cached_bytes

    src.unlink()
    gone = load_catalog(config, source=src)
    assert gone.status == STATUS_REFRESH_FAILED and "cannot be read" in gone.message
    assert load_catalog(config, source=src, refresh=False).status == STATUS_CACHE

    src.write_text(json.dumps(SMALL2))
    new = load_catalog(config, source=src)
    assert new.status == STATUS_REFRESHED and len(new.catalog) == 3
    assert not [p for p in _cache_files(config) if p.name.endswith(".tmp")]


def test_corrupted_cache_is_ignored_and_replaced(tmp_path):
    config = _config(tmp_path)
    src = tmp_path / "c.json"
    src.write_text(json.dumps(SMALL))
    path = load_catalog(config, source=src).path
    path.write_text("{ broken")  # checksum no longer matches the metadata
    again = load_catalog(config, source=src)
    assert again.status == STATUS_REFRESHED and len(again.catalog) == 2


def test_no_cache_and_unreadable_source_raises(tmp_path):
    with pytest.raises(InputError, match="cannot be read"):
        load_catalog(_config(tmp_path), source=tmp_path / "absent.json")


class _Server:
    """A tiny HTTP server on 127.0.0.1 serving one body with an ETag and counting downloads."""

    def __init__(self):
        state = self
        self.body, self.etag, self.full, self.not_modified = b"", '"0"', 0, 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.headers.get("If-None-Match") == state.etag:
                    state.not_modified += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                state.full += 1
                self.send_response(200)
                self.send_header("ETag", state.etag)
                self.send_header("Content-Length", str(len(state.body)))
                self.end_headers()
                self.wfile.write(state.body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/datacubes/catalog_v02.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, body: bytes, etag: str):
        self.body, self.etag = body, etag

    def stop(self):
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join()


@pytest.fixture()
def server():
    s = _Server()
    yield s
    s.stop()


def test_http_source_conditional_refresh(tmp_path, server, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    config = _config(tmp_path)
    server.serve(json.dumps(SMALL).encode(), '"v1"')
    assert load_catalog(config, source=server.url).status == STATUS_REFRESHED
    again = load_catalog(config, source=server.url)
    assert again.status == STATUS_CACHE and (server.full, server.not_modified) == (1, 1)

    server.serve(b"<html>Service Unavailable</html>", '"v2"')
    bad = load_catalog(config, source=server.url)
    assert bad.status == STATUS_REFRESH_FAILED and "not valid JSON" in bad.message and len(bad.catalog) == 2

    server.serve(json.dumps({"type": "Topology"}).encode(), '"v3"')
    bad = load_catalog(config, source=server.url)
    assert bad.status == STATUS_REFRESH_FAILED and "FeatureCollection" in bad.message

    server.serve(json.dumps(SMALL2).encode(), '"v4"')
    new = load_catalog(config, source=server.url)
    assert new.status == STATUS_REFRESHED and len(new.catalog) == 3
    assert load_catalog(config, source=server.url).status == STATUS_CACHE

    url = server.url
    server.stop()
    down = load_catalog(config, source=url)
    assert down.status == STATUS_REFRESH_FAILED and "Could not reach" in down.message
    assert len(down.catalog) == 3
    with pytest.raises(NetworkError, match="Could not reach"):
        load_catalog(_config(tmp_path / "fresh"), source=url)


@pytest.fixture()
def s3_mirror(monkeypatch):
    """A moto S3 server on 127.0.0.1 with a public-read its-live-data bucket."""
    moto_server = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    for k, v in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(k, v)
    srv = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    srv.start()
    host, port = srv.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-west-2")
    client.create_bucket(
        Bucket="its-live-data",
        ACL="public-read",
        CreateBucketConfiguration={"LocationConstraint": "us-west-2"},
    )

    def put(body: bytes):
        client.put_object(
            Bucket="its-live-data", Key="datacubes/catalog_v02.json", Body=body, ACL="public-read"
        )

    yield endpoint, put
    srv.stop()


def test_s3_endpoint_conditional_refresh(tmp_path, s3_mirror):
    endpoint, put = s3_mirror
    config = StoreConfig(endpoint_url=endpoint, cache_dir=tmp_path / "cache", retries=1, timeout_s=5.0)
    put(json.dumps(SMALL).encode())
    first = load_catalog(config)
    assert (
        first.status == STATUS_REFRESHED and "s3://its-live-data/datacubes/catalog_v02.json" in first.message
    )
    assert json.loads(first.path.with_name(first.path.stem + ".meta.json").read_text())["etag"]
    assert load_catalog(config).status == STATUS_CACHE
    put(b"not json at all")
    assert load_catalog(config).status == STATUS_REFRESH_FAILED
    put(json.dumps(SMALL2).encode())
    assert len(load_catalog(config).catalog) == 3
    same_key = load_catalog(
        config, source="https://its-live-data.s3.amazonaws.com/datacubes/catalog_v02.json"
    )
    assert same_key.status == STATUS_CACHE  # the bucket's https URL is read as s3 through the endpoint


def test_real_catalog_round_trips_through_the_cache(tmp_path, catalog_dir):
    config = _config(tmp_path)
    src = tmp_path / "catalog_v02.json"
    shutil.copy(catalog_dir / CATALOGS["2024"], src)
    result = load_catalog(config, source=src)
    assert result.status == STATUS_REFRESHED and len(result.catalog) == 3160


class _Cancelling:
    def __init__(self):
        self.lines: list[str] = []

    def report(self, fraction):
        pass

    def is_cancelled(self):
        return True

    def log(self, message):
        self.lines.append(message)


def test_cancelled_load_writes_no_cache(tmp_path):
    from itslive_qgis.core.errors import CancelledError

    config = _config(tmp_path)
    src = tmp_path / "c.json"
    src.write_text(json.dumps(SMALL))
    with pytest.raises(CancelledError):
        load_catalog(config, source=src, progress=_Cancelling())
    assert not (config.cache_dir / "catalog").exists() or _cache_files(config) == []


@pytest.mark.mirror
def test_catalog_of_the_local_mirror(mirror, tmp_path):
    """The project's S3 mirror (tests/fixtures/mirror.py): every catalog entry points at a cube it serves."""
    config = StoreConfig.from_env(cache_dir=tmp_path / "cache", retries=2, timeout_s=10.0)
    assert config.endpoint_url == mirror.endpoint_url
    first = load_catalog(config)
    assert first.status == STATUS_REFRESHED and len(first.catalog) >= 1
    assert load_catalog(config).status == STATUS_CACHE
    prefixes = {k.split(".zarr/", 1)[0] + ".zarr" for k in mirror.keys if ".zarr/" in k}
    for rec in first.catalog:
        assert rec.to_s3_url(config).removeprefix("s3://its-live-data/") in prefixes
        centre = transformer(f"EPSG:{rec.epsg}", "EPSG:4326").transform(*rec.centre_xy_m)
        assert rec.zarr_url in urls(first.catalog.find(centre, "EPSG:4326"))
