"""Cube URLs are keys of the configured store; no link is followed to another host (issue 20, item 2).

A canary HTTP server on 127.0.0.2 records every request: it must stay silent unless the user
allowed other hosts.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import REPO
from tests.hostile.conftest import END, EXTENT, START, refused

SUBSET = {"EXTENT": EXTENT, "START_DATE": START, "END_DATE": END}
CUBE_KEY = "datacubes/v2-updated-october2024/N60W040/ITS_LIVE_vel_EPSG3413_G0120_X-180000_Y-2280000.zarr"


@pytest.mark.parametrize(
    "cubes, hint",
    [
        ("../../etc/passwd", "is not a datacube"),
        ("/etc/passwd", "is not a datacube"),
        ("file:///etc", "is not a datacube"),
        ("datacubes/../../secret.zarr", "does not name a datacube key"),
        ("s3://someone-elses-bucket/cube.zarr", "not in the configured"),
        ("ftp://127.0.0.2/cube.zarr", "is not a datacube URL"),
    ],
)
def test_cubes_parameter_outside_the_store_is_refused(qp, workspace, cubes, hint):
    run = qp.run("itslive:downloadsubset", {**SUBSET, "CUBES": cubes, "OUTPUT": "s.nc"}, workspace.path)
    refused(run, "CUBES", hint=(hint,))
    assert not (workspace.path / "s.nc").exists()


def test_cubes_on_another_host_are_not_contacted(qp, workspace, canary):
    before = len(canary.requests)
    url = f"{canary.url}/{CUBE_KEY}"
    run = qp.run("itslive:downloadsubset", {**SUBSET, "CUBES": url, "OUTPUT": "s.nc"}, workspace.path)
    refused(run, "CUBES", "127.0.0.2", hint=("allow other hosts",))
    assert len(canary.requests) == before, canary.requests


def test_local_catalog_pointing_elsewhere_is_not_followed(qp, workspace, canary):
    catalog = json.loads((REPO / ".mirror_data/bucket/datacubes/catalog_v02.json").read_text())
    for feature in catalog["features"]:
        url = feature["properties"]["zarr_url"]
        feature["properties"]["zarr_url"] = url.replace("http://its-live-data.s3.amazonaws.com", canary.url)
    (workspace.path / "catalog.json").write_text(json.dumps(catalog))
    before = len(canary.requests)
    run = qp.run(
        "itslive:findcubes",
        {"EXTENT": EXTENT, "CATALOG": "catalog.json", "OUTPUT": "fp.gpkg"},
        workspace.path,
    )
    assert run.rc == 0, run.out[-2000:]
    run = qp.run(
        "itslive:downloadsubset", {**SUBSET, "CUBES_LAYER": "fp.gpkg", "OUTPUT": "s.nc"}, workspace.path
    )
    refused(run, "CUBES_LAYER", "127.0.0.2", hint=("allow other hosts",))
    assert len(canary.requests) == before, canary.requests


def test_the_endpoints_own_catalog_pointing_elsewhere_is_not_followed(
    qp, workspace, canary, mirror, tmp_path_factory
):
    """A store (bucket setting) whose catalog names cubes on another host: the cubes are not fetched."""
    import boto3

    catalog = json.loads((REPO / ".mirror_data/bucket/datacubes/catalog_v02.json").read_text())
    for feature in catalog["features"]:
        url = feature["properties"]["zarr_url"]
        feature["properties"]["zarr_url"] = url.replace("http://its-live-data.s3.amazonaws.com", canary.url)
    s3 = boto3.client(
        "s3",
        endpoint_url=mirror.endpoint_url,
        region_name="us-west-2",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    bucket = "hostile-redirecting-catalog"
    s3.create_bucket(
        Bucket=bucket, ACL="public-read", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    s3.put_object(
        Bucket=bucket, Key="datacubes/catalog_v02.json", Body=json.dumps(catalog).encode(), ACL="public-read"
    )
    other_store = qp.with_settings(tmp_path_factory.mktemp("redirecting_profile"), {"bucket": bucket})
    before = len(canary.requests)
    run = other_store.run(
        "itslive:downloadsubset",
        {**SUBSET, "OUTPUT": "s.nc"},
        workspace.path,
        ITSLIVE_CACHE_DIR=tmp_path_factory.mktemp("redirecting_cache"),
    )
    refused(run, "catalog", "127.0.0.2", hint=("allow other hosts",))
    assert "Downloaded the datacube catalog" in run.out, "the catalog itself should have been read"
    assert len(canary.requests) == before, canary.requests


def test_invert_input_url_on_another_host_is_refused(qp, workspace, canary):
    before = len(canary.requests)
    run = qp.run("itslive:invert", {"INPUT": f"{canary.url}/{CUBE_KEY}", "OUTPUT": "o.nc"}, workspace.path)
    refused(run, "INPUT", "127.0.0.2", hint=("allow other hosts",))
    assert len(canary.requests) == before


def test_allowing_other_hosts_is_an_explicit_setting(qp, workspace, canary, tmp_path_factory):
    """With allow_other_hosts=true in the options, the other host is contacted (and answers 404)."""
    trusting = qp.with_settings(tmp_path_factory.mktemp("trusting_profile"), {"allow_other_hosts": "true"})
    before = len(canary.requests)
    url = f"{canary.url}/{CUBE_KEY}"
    run = trusting.run("itslive:downloadsubset", {**SUBSET, "CUBES": url, "OUTPUT": "s.nc"}, workspace.path)
    assert run.rc != 0 and "Traceback" not in run.out
    assert len(canary.requests) > before, "the allowed host was never asked"
    assert not (workspace.path / "s.nc").exists()


def test_urls_of_the_bucket_and_of_the_mirror_are_keys_of_the_configured_store():
    from itslive_qgis.core.errors import InputError
    from itslive_qgis.core.io import StoreConfig, confine_url

    mirror = StoreConfig(endpoint_url="http://127.0.0.1:9000")
    key = CUBE_KEY
    expected = f"s3://its-live-data/{key}"
    assert confine_url(f"http://its-live-data.s3.amazonaws.com/{key}", mirror) == expected
    assert confine_url(f"https://its-live-data.s3.us-west-2.amazonaws.com/{key}", mirror) == expected
    assert confine_url(f"https://s3.us-west-2.amazonaws.com/its-live-data/{key}", mirror) == expected
    assert confine_url(f"http://127.0.0.1:9000/its-live-data/{key}", mirror) == expected
    assert confine_url(f"s3://its-live-data/{key}", mirror) == expected
    assert confine_url(key, mirror) == expected
    with pytest.raises(InputError, match="127.0.0.1:9001"):
        confine_url(f"http://127.0.0.1:9001/its-live-data/{key}", mirror)
    with pytest.raises(InputError, match="CATALOG_ENTRY"):
        confine_url("https://example.org/x.zarr", mirror, parameter="CATALOG_ENTRY")
    assert (
        confine_url("https://example.org/x.zarr", mirror, allow_other_hosts=True)
        == "https://example.org/x.zarr"
    )
