"""Issue 20 items 3 and 4, made true by the data-stack rewrite (zarr + fsspec, core/zstore.py):
a chunk missing from a local store is an error, chunks the bucket never wrote are counted in the
log, a corrupted cached chunk is fetched again."""

from __future__ import annotations

import re
import shutil

from tests.hostile.conftest import END, EXTENT, START, refused


def test_a_missing_chunk_in_a_local_zarr_store_is_an_error(qp, workspace, inputs):
    store = workspace.path / "holed.zarr"
    shutil.copytree(inputs["subset_zarr"], store)
    chunks = sorted(p for p in (store / "vx").iterdir() if not p.name.startswith("."))
    chunks[len(chunks) // 2].unlink()
    run = qp.run("itslive:invert", {"INPUT": store, "OUTPUT": "o.nc"}, workspace.path)
    refused(run, "INPUT", hint=("missing", "deleted"))
    assert not (workspace.path / "o.nc").exists()


def test_the_log_counts_chunks_the_bucket_never_wrote(qp, workspace):
    params = {"EXTENT": EXTENT, "START_DATE": START, "END_DATE": END, "OUTPUT": "s.nc"}
    run = qp.run("itslive:downloadsubset", params, workspace.path)
    assert run.rc == 0, run.out[-2000:]
    assert re.search(
        r"\d+ (empty |absent |missing )?chunks? (absent|missing|never written|not in the)", run.out
    )


def test_a_corrupted_cached_chunk_is_fetched_again(qp, mirror, workspace, inputs, tmp_path):
    import numpy as np
    import xarray as xr

    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.core.subset.api import subset_cubes

    cache = tmp_path / "cache"
    config = StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=cache, retries=2)
    area = tuple(float(v) for v in EXTENT.split(" ")[0].split(","))
    box = (area[0], area[2], area[1], area[3])
    subset_cubes(
        inputs["cube_urls"], box, "EPSG:3413", START, END, output_path=tmp_path / "first.nc", config=config,
        keep_chunk_cache=True,
    )  # fmt: skip
    chunk = max((p for p in cache.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    data = bytearray(chunk.read_bytes())
    data[16:] = bytes(len(data) - 16)  # same size, garbage after the header
    chunk.write_bytes(bytes(data))
    params = {"EXTENT": EXTENT, "START_DATE": START, "END_DATE": END, "OUTPUT": "again.nc"}
    run = qp.run("itslive:downloadsubset", params, workspace.path, ITSLIVE_CACHE_DIR=cache)
    assert run.rc == 0, run.out[-2000:]
    with xr.open_dataset(tmp_path / "first.nc") as a, xr.open_dataset(workspace.path / "again.nc") as b:
        np.testing.assert_array_equal(a["vx"].values, b["vx"].values)
