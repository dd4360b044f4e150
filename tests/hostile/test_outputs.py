"""Outputs: nothing lost, checked before any work, no leftovers (issue 20, items 1, 5 and 7)."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from tests.hostile.conftest import END, EXTENT, START, refused, tree_checksum

SUBSET = {"EXTENT": EXTENT, "START_DATE": START, "END_DATE": END}


def _field_data(folder):
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "IMG_0001.jpg").write_bytes(b"\xff\xd8 photo " * 100)
    return tree_checksum(folder)


# ---------------------------------------------------------------------------------- data loss
@pytest.mark.parametrize("name", ["My Field Data.zarr", "x.nc"])
def test_downloadsubset_never_deletes_an_existing_folder(qp, workspace, name):
    target = workspace.path / name
    before = _field_data(target)
    run = qp.run("itslive:downloadsubset", {**SUBSET, "OUTPUT": name}, workspace.path)
    refused(run, "OUTPUT", str(target), hint=("choose a new file name",))
    assert tree_checksum(target) == before


@pytest.mark.parametrize(
    "algorithm, extra",
    [
        ("itslive:invert", {"INPUT": "subset"}),
        ("itslive:strainrates", {"INPUT": "inversion"}),
        ("itslive:fluxdivergence", {"INPUT": "inversion", "THICKNESS": "thickness"}),
    ],
)
def test_analysis_outputs_never_replace_a_folder(qp, workspace, inputs, algorithm, extra):
    target = workspace.path / "result.nc"
    before = _field_data(target)
    params = {k: inputs[v] for k, v in extra.items()}
    run = qp.run(algorithm, {**params, "OUTPUT": target}, workspace.path)
    refused(run, "OUTPUT", hint=("choose a new file name",))
    assert tree_checksum(target) == before


def test_a_store_this_plugin_wrote_is_replaced(qp, workspace):
    run = qp.run("itslive:downloadsubset", {**SUBSET, "OUTPUT": "mine.zarr"}, workspace.path)
    assert run.rc == 0, run.out[-2000:]
    attrs = json.loads((workspace.path / "mine.zarr" / ".zattrs").read_text())
    assert attrs["software"].startswith("itslive_qgis")
    (workspace.path / "mine.zarr" / ".zattrs").write_text(json.dumps({**attrs, "run": "first"}))
    run = qp.run("itslive:downloadsubset", {**SUBSET, "OUTPUT": "mine.zarr"}, workspace.path)
    assert run.rc == 0, run.out[-2000:]
    assert "run" not in json.loads((workspace.path / "mine.zarr" / ".zattrs").read_text())
    # a file someone put into that store keeps it from being replaced
    (workspace.path / "mine.zarr" / "notes.txt").write_text("my notes")
    run = qp.run("itslive:downloadsubset", {**SUBSET, "OUTPUT": "mine.zarr"}, workspace.path)
    refused(run, "OUTPUT", hint=("choose a new file name",))
    assert (workspace.path / "mine.zarr" / "notes.txt").read_text() == "my notes"
    assert sorted(p.name for p in workspace.path.iterdir()) == ["My Field Data", "mine.zarr"]


def test_mosaic_output_folder_that_is_a_file_is_refused(qp, workspace):
    target = workspace.path / "clips"
    target.write_text("a file, not a folder")
    run = qp.run("itslive:mosaic", {"EXTENT": EXTENT, "YEAR": 0, "OUTPUT_FOLDER": target}, workspace.path)
    refused(run, "OUTPUT_FOLDER", hint=("choose a folder",))
    assert target.read_text() == "a file, not a folder"


# ------------------------------------------------------------- outputs checked before any work
CASES = {
    "itslive:invert": {"INPUT": "subset"},
    "itslive:strainrates": {"INPUT": "inversion"},
    "itslive:fluxdivergence": {"INPUT": "inversion", "THICKNESS": "thickness"},
    "itslive:downloadsubset": {},
}


@pytest.mark.parametrize("algorithm", sorted(CASES))
@pytest.mark.parametrize("where", ["missing", "readonly"])
def test_output_in_a_missing_or_read_only_folder(qp, workspace, inputs, algorithm, where):
    params = {k: inputs[v] for k, v in CASES[algorithm].items()}
    if algorithm == "itslive:downloadsubset":
        params.update(SUBSET)
    output = workspace.path / "no" / "such" / "out.nc" if where == "missing" else "/proc/out.nc"
    run = qp.run(algorithm, {**params, "OUTPUT": output}, workspace.path)
    hint = ("does not exist: create it",) if where == "missing" else ("Cannot write", "choose another")
    refused(run, "OUTPUT", hint=hint)
    assert not (workspace.path / "no").exists()
    assert run.seconds < 30, "the check must come before the work"


def test_workflow_checks_every_output_before_its_download(qp, workspace):
    (workspace.path / "strain.nc").mkdir()
    params = {
        **SUBSET,
        "INTERVAL_DAYS": 30,
        "footprints": "fp.gpkg",
        "subset": "subset.nc",
        "inversion": "inversion.nc",
        "strain": "strain.nc",
    }
    run = qp.run("itslive:workflow", params, workspace.path)
    refused(run, "strain", hint=("choose a new file name",))
    assert not (workspace.path / "subset.nc").exists() and not (workspace.path / "fp.gpkg").exists()
    assert "pairs written" not in run.out


def test_workflow_output_in_a_read_only_folder_fails_before_the_download(qp, workspace):
    params = {
        **SUBSET,
        "footprints": "fp.gpkg",
        "subset": "subset.nc",
        "inversion": "/proc/inversion.nc",
        "strain": "strain.nc",
    }
    run = qp.run("itslive:workflow", params, workspace.path)
    refused(run, "inversion", hint=("Cannot write",))
    assert not (workspace.path / "subset.nc").exists()


def test_workflow_with_thickness_needs_a_flux_file(qp, workspace, inputs):
    params = {
        **SUBSET,
        "THICKNESS": inputs["thickness"],
        "footprints": "fp.gpkg",
        "subset": "subset.nc",
        "inversion": "inversion.nc",
        "strain": "strain.nc",
    }
    run = qp.run("itslive:workflow", params, workspace.path)
    refused(run, "flux", "THICKNESS")
    assert not (workspace.path / "subset.nc").exists()


def test_workflow_without_thickness_asks_for_no_flux_file(qp, workspace):
    params = {
        **SUBSET,
        "INTERVAL_DAYS": 30,
        "footprints": "fp.gpkg",
        "subset": "subset.nc",
        "inversion": "inversion.nc",
        "strain": "strain.nc",
    }
    run = qp.run("itslive:workflow", params, workspace.path)
    assert run.rc == 0, run.out[-3000:]
    assert (workspace.path / "strain.nc").stat().st_size > 0
    assert not (workspace.path / "flux.nc").exists()
    assert "ResourceWarning" not in run.out and "unclosed" not in run.out
    assert "Traceback" not in run.out


# ---------------------------------------------------------------------------------- leftovers
def test_sigkill_leftover_is_cleaned_by_the_next_run(qp, workspace):
    """Kill -9 a download while its temporary exists; the next run into the folder removes it."""
    params = {"EXTENT": EXTENT, "START_DATE": "1984-01-01", "END_DATE": "2100-01-01", "OUTPUT": "big.nc"}
    proc = qp.start("itslive:downloadsubset", params, workspace.path)
    temporary = None
    deadline = time.monotonic() + 120
    while temporary is None and time.monotonic() < deadline and proc.poll() is None:
        found = [p for p in workspace.path.iterdir() if p.name.startswith(".big.nc.")]
        temporary = found[0] if found else None
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert temporary is not None and temporary.exists(), "the run ended before its temporary was seen"
    assert not (workspace.path / "big.nc").exists()
    run = qp.run("itslive:downloadsubset", {**SUBSET, "OUTPUT": "small.nc"}, workspace.path)
    assert run.rc == 0, run.out[-2000:]
    assert not temporary.exists(), "the stale temporary of the killed run is still there"


def test_failed_mosaic_run_leaves_no_empty_folder(qp, workspace):
    target = workspace.path / "new" / "clips"
    run = qp.run(
        "itslive:mosaic",
        {"EXTENT": "-150.5,-150,10,10.5 [EPSG:4326]", "YEAR": 0, "OUTPUT_FOLDER": target},
        workspace.path,
    )
    refused(run)
    assert not (workspace.path / "new").exists()
