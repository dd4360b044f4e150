"""The one atomic-write helper (core/files.py): what it replaces, what it refuses, what it cleans."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from itslive_qgis.core.errors import InputError
from itslive_qgis.core.io import atomic_output, check_output
from itslive_qgis.core.io.files import TEMP_TAG, clean_stale_temporaries, is_own_store, temp_path


def _own_store(path):
    path.mkdir()
    (path / ".zattrs").write_text(json.dumps({"software": "itslive_qgis 0.9"}), encoding="utf-8")
    (path / "vx").mkdir()
    (path / "vx" / ".zarray").write_text("{}", encoding="utf-8")
    (path / "vx" / "0.0.0").write_text("old", encoding="utf-8")
    return path


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_foreign_folder_is_refused_and_kept(tmp_path):
    folder = tmp_path / "My Field Data.zarr"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "a.jpg").write_bytes(b"jpeg")
    with pytest.raises(InputError, match="OUTPUT: .* existing folder that this plugin did not write"):
        with atomic_output(folder) as tmp:
            tmp.write_text("x")
    assert (folder / "photos" / "a.jpg").read_bytes() == b"jpeg"
    assert [p.name for p in tmp_path.iterdir()] == ["My Field Data.zarr"]


def test_a_folder_named_like_a_file_is_refused(tmp_path):
    (tmp_path / "x.nc").mkdir()
    with pytest.raises(InputError, match="THE_PARAM: .*x.nc is an existing folder"):
        check_output(tmp_path / "x.nc", "THE_PARAM")


def test_a_foreign_zarr_store_is_refused(tmp_path):
    store = tmp_path / "theirs.zarr"
    store.mkdir()
    (store / ".zattrs").write_text(json.dumps({"software": "someone else's tool"}), encoding="utf-8")
    assert not is_own_store(store)
    with pytest.raises(InputError, match="did not write"):
        check_output(store)


def test_own_store_is_replaced_whole(tmp_path):
    store = _own_store(tmp_path / "mine.zarr")
    with atomic_output(store) as tmp:
        tmp.mkdir()
        (tmp / ".zattrs").write_text(json.dumps({"software": "itslive_qgis 1.0"}), encoding="utf-8")
    assert not (store / "vx").exists()
    assert json.loads((store / ".zattrs").read_text())["software"] == "itslive_qgis 1.0"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.zarr"]


def test_own_store_with_someone_elses_files_in_it_is_refused(tmp_path):
    store = _own_store(tmp_path / "mine.zarr")
    (store / "field_photo.jpg").write_bytes(b"jpeg")
    with pytest.raises(InputError, match="did not write"):
        check_output(store)
    assert (store / "field_photo.jpg").exists() and (store / "vx" / "0.0.0").exists()


def test_an_existing_file_is_replaced_and_an_error_keeps_it(tmp_path):
    out = tmp_path / "out.nc"
    out.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_output(out) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk full")
    assert out.read_text() == "old"
    with atomic_output(out) as tmp:
        tmp.write_text("new")
    assert out.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nc"]


def test_one_temporary_name_scheme(tmp_path):
    tmp = temp_path(tmp_path / "subset.nc")
    assert tmp.parent == tmp_path and tmp.name.startswith(".subset.nc.")
    assert f".{os.getpid()}." in tmp.name and tmp.name.endswith(f"{TEMP_TAG}.nc")


def test_stale_temporaries_of_killed_runs_are_cleaned_by_the_next_write(tmp_path):
    dead = _dead_pid()
    stale = tmp_path / f".subset.nc.{dead}.0123abcd{TEMP_TAG}.nc"
    stale.write_text("half a file")
    stale_store = tmp_path / f".s.zarr.{dead}.89abcdef{TEMP_TAG}.zarr"
    (stale_store / "vx").mkdir(parents=True)
    legacy = tmp_path / ".subset.nc.deadbeef.part"
    legacy.write_text("old scheme")
    old = time.time() - 2 * 3600
    os.utime(legacy, (old, old))
    fresh_legacy = tmp_path / ".other.nc.cafebabe.part"  # may belong to a run of an older version
    fresh_legacy.write_text("running")
    live = tmp_path / f".live.nc.{os.getppid()}.00000000{TEMP_TAG}.nc"  # a live process's temporary
    live.write_text("being written")
    with atomic_output(tmp_path / "inv.nc") as tmp:
        tmp.write_text("ok")
    assert not stale.exists() and not stale_store.exists() and not legacy.exists()
    assert fresh_legacy.exists() and live.exists()


def test_clean_keeps_unrelated_hidden_files(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".notes.part.txt").write_text("mine")
    assert clean_stale_temporaries(tmp_path) == []
    assert (tmp_path / ".git").is_dir() and (tmp_path / ".notes.part.txt").exists()


@pytest.mark.parametrize(
    "where, match",
    [("missing/out.nc", "does not exist"), ("/proc/out.nc", "Cannot write")],
)
def test_output_folder_checked(tmp_path, where, match):
    target = tmp_path / where if not where.startswith("/") else where
    with pytest.raises(InputError, match=match):
        check_output(target, "OUTPUT")
    assert not (tmp_path / "missing").exists()
