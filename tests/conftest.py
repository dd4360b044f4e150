"""Fixtures shared by the unit and QGIS tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data" / "itslive"
OUTPUT = REPO / "tests" / "output"

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout."""
    return REPO


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data/itslive`` (real ITS_LIVE files); skips the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real ITS_LIVE data not present at {SHARED_DATA}: real-data check skipped")
    return SHARED_DATA


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """tests/output/ (gitignored) for PNGs and files a person may want to look at."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def mirror():
    """A real S3-compatible server (moto) on 127.0.0.1 laid out like the its-live-data bucket.

    Sets ``ITSLIVE_S3_ENDPOINT_URL`` for the session, so the plugin and the core read from it.
    The generated bucket tree is cached in ``.mirror_data/`` (rebuilt when the generator changes).
    """
    from tests.fixtures.mirror import start_mirror

    m = start_mirror(data_root=REPO / ".mirror_data")
    old = os.environ.get("ITSLIVE_S3_ENDPOINT_URL")
    os.environ["ITSLIVE_S3_ENDPOINT_URL"] = m.endpoint_url
    try:
        yield m
    finally:
        if old is None:
            os.environ.pop("ITSLIVE_S3_ENDPOINT_URL", None)
        else:
            os.environ["ITSLIVE_S3_ENDPOINT_URL"] = old
        m.stop()


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch) -> Path:
    """A fresh cache folder, also set as ``ITSLIVE_CACHE_DIR``."""
    path = tmp_path / "cache"
    path.mkdir()
    monkeypatch.setenv("ITSLIVE_CACHE_DIR", str(path))
    return path
