"""The raw read of chunk columns (io.raw_pairs) equals xarray's CF-decoded read, and is refused when unsure.

Truth: the same variables read through xarray (``open_zarr``, dask, CF decoding) after the
same pair sort (clean_pairs) and pair filter; on the real block and on a mirror cube over S3
with fill values. The inversion result with the raw read must equal the one read through xarray
bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from itslive_qgis.core.cube.pairs import open_pairs
from itslive_qgis.core.inversion import dataset as inv_dataset
from itslive_qgis.core.io.raw_pairs import RawPairReader, raw_pair_reader

CUBE = "datacube/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"
NAMES = ["vx", "vy", "v_error", "v"]


def _real(shared_data):
    cube = shared_data / CUBE
    if not cube.is_dir():
        pytest.skip(f"the real block is absent: {cube}")
    return open_pairs(str(cube))


def _assert_raw_equals_xarray(ds, keep, names, tiles):
    sub = ds.isel(mid_date=keep)
    reader = raw_pair_reader(ds, names, keep)
    assert reader is not None, "the raw path was refused on a dataset opened from a cube"
    fills = 0
    for ys, xs in tiles:
        for name in names:
            ref = sub[name].isel(y=ys, x=xs).values
            got = np.full(ref.shape, 12345.0, dtype=ref.dtype)
            reader.read_into(name, ys, xs, got)
            assert got.dtype == ref.dtype
            np.testing.assert_array_equal(got, ref)  # NaN where NaN, every value bit for bit
            fills += int(np.isnan(ref).sum())
    return fills


def test_raw_read_equals_xarray_on_the_real_block(shared_data):
    ds = _real(shared_data)
    assert not np.array_equal(np.argsort(ds.mid_date.values), np.arange(ds.sizes["mid_date"]))
    keep, _, _ = inv_dataset.select_pairs(ds, min_dt_days=10.0)  # a filter: not every pair
    assert 0 < keep.size < ds.sizes["mid_date"]
    tiles = [(slice(0, 10), slice(0, 10)), (slice(3, 7), slice(2, 9))]
    fills = _assert_raw_equals_xarray(ds, keep, NAMES, tiles)
    assert fills > 0  # the block has -32767 fills: they must be NaN in both reads


def test_raw_read_equals_xarray_on_a_mirror_cube_with_fills(mirror):
    from tests.fixtures.truth import default_tiles

    tile = default_tiles()[0]
    ds = open_pairs(f"s3://its-live-data/{tile.key}")  # through moto (ITSLIVE_S3_ENDPOINT_URL)
    keep, _, _ = inv_dataset.select_pairs(ds)
    ny, nx = ds.sizes["y"], ds.sizes["x"]
    tiles = [(slice(0, min(ny, 12)), slice(0, min(nx, 10))), (slice(ny - 5, ny), slice(nx - 13, nx))]
    fills = _assert_raw_equals_xarray(ds, keep, ["vx", "vy"], tiles)
    assert fills > 0


def test_raw_read_is_refused_when_the_dataset_is_not_the_store_as_read(shared_data):
    ds = _real(shared_data)
    keep = np.arange(ds.sizes["mid_date"])
    assert raw_pair_reader(ds, ["vx"], keep) is not None
    assert raw_pair_reader(ds.isel(mid_date=slice(1, None)), ["vx"]) is None  # pairs no longer as recorded
    changed = ds.copy()
    changed["vx"] = ds["vx"] * 2.0
    assert raw_pair_reader(changed, ["vx"]) is None  # computed, not read
    renamed = ds.drop_vars("vy").rename({"vx": "vy"})
    assert raw_pair_reader(renamed, ["vy"]) is None  # another variable under the name
    shifted = ds.assign_coords(x=ds["x"].values + 1.0)
    assert raw_pair_reader(shifted, ["vx"]) is None  # x not found in the store
    assert raw_pair_reader(ds.isel(y=slice(0, 2)).compute(), ["vx"]) is None  # in memory: nothing to read
    sel = ds.isel(y=slice(2, 6), x=slice(1, 8))  # a spatial selection is still the store's arrays
    assert raw_pair_reader(sel, ["vx"]) is not None


def test_inversion_with_the_raw_read_equals_the_xarray_read(shared_data, monkeypatch):
    pytest.importorskip("numba", reason="numba is not installed: the columns path does not run")
    ds = _real(shared_data).isel(y=slice(0, 6), x=slice(0, 5))
    reads = []

    def counting(method):
        real = getattr(RawPairReader, method)

        def counted(self, name, *args):
            reads.append((method, name))
            return real(self, name, *args)

        monkeypatch.setattr(RawPairReader, method, counted)

    counting("read_into")
    counting("read_stored")
    cases = [  # chunk columns (fixed and cross-validated lambda), per-pixel errors, the batch path (robust)
        ({"weighting": "errors", "lam": 10.0}, {"read_stored"}),
        ({"weighting": "none", "lam": 10.0}, {"read_stored"}),
        ({"weighting": "errors", "lam": 0.0}, {"read_stored", "read_into"}),  # lambda's tile: decoded
        ({"weighting": "errors", "lam": 10.0, "robust": True}, {"read_into"}),
    ]
    for kw, methods in cases:
        reads.clear()
        got = inv_dataset.invert_dataset(ds, interval_days=12.0, **kw)
        assert {m for m, _ in reads} == methods, kw  # the chunk columns as stored, or decoded first
        assert {"vx", "vy"} <= {n for _, n in reads}, kw  # the raw read ran
        with monkeypatch.context() as m:
            m.setattr(inv_dataset, "RAW_READ", False)
            reads.clear()
            ref = inv_dataset.invert_dataset(ds, interval_days=12.0, **kw)
            assert not reads
        assert np.isfinite(got["vx"].values).any()
        assert got.attrs["lambda"] == ref.attrs["lambda"]
        for name in inv_dataset.OUTPUT_VARS:
            np.testing.assert_array_equal(got[name].values, ref[name].values)


def test_per_pixel_errors_from_the_stored_columns_equal_the_xarray_read(shared_data, monkeypatch):
    """Without per-pair vx_error/vy_error the weights are the per-pixel v_error (int16 as stored)."""
    pytest.importorskip("numba", reason="numba is not installed: the columns path does not run")
    ds = _real(shared_data).isel(y=slice(2, 8), x=slice(0, 6)).drop_vars(["vx_error", "vy_error"])
    assert ds["v_error"].dims == ("mid_date", "y", "x")
    stored = []
    real = RawPairReader.read_stored
    monkeypatch.setattr(
        RawPairReader, "read_stored", lambda self, n, *a: (stored.append(n), real(self, n, *a))
    )
    got = inv_dataset.invert_dataset(ds, interval_days=12.0, weighting="errors", lam=10.0)
    assert sorted(set(stored)) == ["v_error", "vx", "vy"]
    monkeypatch.setattr(inv_dataset, "RAW_READ", False)
    ref = inv_dataset.invert_dataset(ds, interval_days=12.0, weighting="errors", lam=10.0)
    assert np.isfinite(got["vx_sigma"].values).any()
    for name in inv_dataset.OUTPUT_VARS:
        np.testing.assert_array_equal(got[name].values, ref[name].values)


def test_a_damaged_chunk_is_an_error_naming_the_variable(shared_data, tmp_path):
    import shutil

    from itslive_qgis.core.errors import DataError

    cube = tmp_path / "block.zarr"
    shutil.copytree(shared_data / CUBE, cube)
    victim = sorted(p for p in (cube / "vx").iterdir() if not p.name.startswith("."))[0]
    victim.write_bytes(b"not a compressed chunk" * 10)
    ds = open_pairs(str(cube))
    reader = raw_pair_reader(ds, ["vx"])
    assert reader is not None
    target = np.empty((ds.sizes["mid_date"], 10, 10), dtype="float32")
    with pytest.raises(DataError, match="Reading vx of"):
        reader.read_into("vx", slice(0, 10), slice(0, 10), target)


def test_the_pair_record_pickles_without_its_store(shared_data):
    import copy
    import pickle

    from itslive_qgis.core.io.cube_store import PAIR_SOURCE_KEY, pair_store

    ds = _real(shared_data)
    src = ds.encoding[PAIR_SOURCE_KEY]
    assert pair_store(src) is not None
    again = pickle.loads(pickle.dumps(src))  # plain arrays and a token: a dask worker can hold it
    np.testing.assert_array_equal(again.positions, src.positions)
    assert copy.deepcopy(ds.encoding)[PAIR_SOURCE_KEY].token == src.token
    # the positions are the stable mid_date sort of the store (clean_pairs), checked independently
    import zarr

    stored = zarr.open_group(str(shared_data / CUBE), mode="r", zarr_format=2)["mid_date"][:]
    np.testing.assert_array_equal(src.positions, np.argsort(stored, kind="stable"))


def test_the_chunk_columns_as_stored_say_their_shared_fill_or_nothing(tmp_path):
    """``stored_fills``: the one fill of integer variables coded by it alone, else None (decode first)."""
    import zarr

    root = zarr.open_group(str(tmp_path / "s.zarr"), mode="w", zarr_format=2)
    arrays = {}
    for name, fill, attrs in (
        ("vx", -32767, {}),
        ("vy", -32767, {}),
        ("v_error", -32767, {}),
        ("other_fill", 0, {}),
        ("scaled", -32767, {"scale_factor": 0.1}),
    ):
        arrays[name] = root.create_array(
            name, shape=(4, 2, 2), dtype="int16", fill_value=fill, attributes=attrs
        )
    reader = RawPairReader(None, arrays, np.arange(4), 0, 0)
    assert reader.stored_fills(["vx", "vy", "v_error"]) == [-32767]
    assert reader.stored_fills(["vx", "vy", "other_fill"]) is None  # two fills: each decoded by its own
    assert reader.stored_fills(["vx", "scaled"]) is None  # scale_factor: xarray decodes
    assert reader.n_stored("vx") == 4
