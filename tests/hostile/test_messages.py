"""Messages a user can act on: ranges, satellites, dates, wrong inputs, endpoints (issue 20, items 5, 8)."""

from __future__ import annotations

import pytest

from tests.hostile.conftest import END, EXTENT, START, refused

SUBSET = {"EXTENT": EXTENT, "START_DATE": START, "END_DATE": END}


# ------------------------------------------------------------------------ numbers out of range
@pytest.mark.parametrize(
    "algorithm, base, name, value, allowed",
    [
        ("itslive:invert", {"INPUT": "subset"}, "INTERVAL_DAYS", 0, "between 1 and 3653"),
        ("itslive:invert", {"INPUT": "subset"}, "LAMBDA", -1, "at least 0"),
        ("itslive:downloadsubset", SUBSET, "MIN_VALID_PCT", 150, "between 0 and 100"),
        ("itslive:downloadsubset", SUBSET, "MAX_DT_DAYS", -5, "at least 0"),
        ("itslive:downloadsubset", SUBSET, "MAX_SIZE_GB", -1, "at least 0"),
        ("itslive:strainrates", {"INPUT": "inversion"}, "LENGTH_SCALE", 0, "at least 1"),
        (
            "itslive:fluxdivergence",
            {"INPUT": "inversion", "THICKNESS": "thickness"},
            "DEPTH_FACTOR",
            5,
            "between 0.01 and 1.1",
        ),
        ("itslive:track", {"INPUT": "inversion", "SEEDS": "seeds"}, "STEP_DAYS", -1, "at least 0.001"),
        ("itslive:track", {"INPUT": "inversion", "SEEDS": "seeds"}, "DURATION_DAYS", "nan", "at least 0.001"),
    ],
)
def test_out_of_range_numbers_say_the_range(qp, workspace, inputs, algorithm, base, name, value, allowed):
    params = {k: (inputs[v] if v in inputs else v) for k, v in base.items()}
    out = "out.gpkg" if algorithm == "itslive:track" else "out.nc"
    run = qp.run(algorithm, {**params, name: value, "OUTPUT": out}, workspace.path)
    refused(run, name, allowed)
    assert not (workspace.path / out).exists()


# --------------------------------------------------------------------------- satellites, dates
@pytest.mark.parametrize("algorithm", ["itslive:downloadsubset", "itslive:invert"])
def test_unknown_satellites_are_named_readably(qp, workspace, inputs, algorithm):
    params = SUBSET if algorithm == "itslive:downloadsubset" else {"INPUT": inputs["subset"]}
    run = qp.run(algorithm, {**params, "SATELLITES": "99,XX", "OUTPUT": "o.nc"}, workspace.path)
    message = refused(run, "SATELLITES", "99", "XX", hint=("e.g. 8,9,2A",))
    assert "{" not in message and "'" not in message, f"a Python repr reached the user: {message}"


@pytest.mark.parametrize("algorithm", ["itslive:downloadsubset", "itslive:invert"])
def test_reversed_dates_say_which_is_before(qp, workspace, inputs, algorithm):
    params = {"EXTENT": EXTENT} if algorithm == "itslive:downloadsubset" else {"INPUT": inputs["subset"]}
    dates = {"START_DATE": "2020-01-01", "END_DATE": "2019-01-01"}
    run = qp.run(algorithm, {**params, **dates, "OUTPUT": "o.nc"}, workspace.path)
    refused(run, "END_DATE", "is before START_DATE", hint=("swap",))


def test_a_date_that_is_no_date(qp, workspace, inputs):
    params = {"INPUT": inputs["subset"], "START_DATE": "last summer", "OUTPUT": "o.nc"}
    run = qp.run("itslive:invert", params, workspace.path)
    refused(run, "START_DATE", hint=("YYYY-MM-DD",))


# ---------------------------------------------------------------------------- the wrong input
@pytest.mark.parametrize(
    "algorithm, what, hint",
    [
        ("itslive:invert", "thickness", "is a GeoTIFF raster"),
        ("itslive:invert", "empty", "is empty"),
        ("itslive:invert", "text", "is a text file"),
        ("itslive:invert", "folder", "not a Zarr store"),
        ("itslive:invert", "truncated", "truncated or damaged"),
        ("itslive:strainrates", "thickness", "VX and VY"),
        ("itslive:strainrates", "truncated", "truncated or damaged"),
        ("itslive:fluxdivergence", "empty", "is empty"),
        ("itslive:track", "csv", "is a text file"),
    ],
)
def test_wrong_input_file_says_what_is_expected(qp, workspace, inputs, algorithm, what, hint):
    params = {"INPUT": inputs[what], "OUTPUT": "out.nc"}
    if algorithm == "itslive:fluxdivergence":
        params["THICKNESS"] = inputs["thickness"]
    if algorithm == "itslive:track":
        params.update(SEEDS=inputs["seeds"], OUTPUT="out.gpkg")
    run = qp.run(algorithm, params, workspace.path)
    message = refused(run, "INPUT", hint=(hint,))
    assert "IO backends" not in message and "engine" not in message
    assert "NetCDF" in message


@pytest.mark.parametrize(
    "what, hint",
    [
        ("text", "is a text file"),
        ("csv", "is a text file"),
        ("truncated", "truncated or damaged"),
        ("folder", "is a folder"),
        ("empty", "is empty"),
    ],
)
def test_loadresult_on_something_else(qp, workspace, inputs, what, hint):
    run = qp.run("itslive:loadresult", {"INPUT": inputs[what]}, workspace.path)
    refused(run, "INPUT", hint=(hint,))


def test_truncated_zarr_chunk_is_a_message_not_a_traceback(qp, workspace, inputs):
    import shutil

    store = workspace.path / "damaged.zarr"
    shutil.copytree(inputs["subset_zarr"], store)
    chunks = sorted(p for p in (store / "vx").iterdir() if not p.name.startswith("."))
    chunks[0].write_bytes(chunks[0].read_bytes()[:10])
    run = qp.run("itslive:invert", {"INPUT": store, "OUTPUT": "o.nc"}, workspace.path)
    refused(run, "INPUT", hint=("download it again",))
    assert not (workspace.path / "o.nc").exists()


def test_output_with_the_wrong_extension(qp, workspace):
    run = qp.run("itslive:downloadsubset", {**SUBSET, "OUTPUT": "subset.tif"}, workspace.path)
    refused(run, "OUTPUT", ".nc", ".zarr")


def test_flux_alone_without_an_output_file(qp, workspace, inputs):
    params = {"INPUT": inputs["inversion"], "THICKNESS": inputs["thickness"]}
    run = qp.run("itslive:fluxdivergence", params, workspace.path)
    refused(run, "OUTPUT", hint=("choose a .nc or .tif file",))


# ---------------------------------------------------------------------------------- endpoints
@pytest.mark.parametrize("endpoint", ["file:///tmp/bucket", "garbage", "http://127.0.0.1:notaport"])
@pytest.mark.parametrize("algorithm", ["itslive:downloadsubset", "itslive:findcubes"])
def test_bad_endpoint_says_how_to_fix_it(qp, workspace, endpoint, algorithm):
    out = "o.nc" if algorithm == "itslive:downloadsubset" else "fp.gpkg"
    run = qp.run(algorithm, {**SUBSET, "OUTPUT": out}, workspace.path, ITSLIVE_S3_ENDPOINT_URL=endpoint)
    message = refused(run, "ITSLIVE_S3_ENDPOINT_URL", hint=("http(s)://host[:port]",))
    assert "Invalid endpoint" not in message and "ValueError" not in message


# ------------------------------------------------------------------------------------- the log
def test_download_log_is_coherent_and_quiet(qp, workspace):
    cache = workspace.path / "fresh_cache"
    run = qp.run(
        "itslive:downloadsubset", {**SUBSET, "OUTPUT": "s.nc"}, workspace.path, ITSLIVE_CACHE_DIR=cache
    )
    assert run.rc == 0, run.out[-2000:]
    assert "ResourceWarning" not in run.out and "unclosed" not in run.out
    assert "Traceback" not in run.out
    # the chunks "in the local cache" of the estimate are the pair metadata it has just read
    assert "just read for this estimate" in run.out
    import shutil

    shutil.rmtree(cache, ignore_errors=True)
