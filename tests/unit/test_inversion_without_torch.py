"""The CPU inversion runs without torch (numpy + numba only); torch is the CUDA path.

Each case runs in a child Python where importing torch is impossible (a meta-path finder that
raises ImportError, put in place before anything of the plugin is imported), and is compared
with independent truths: the dense normal-equation reference (numpy) and, in this process, the
torch solver on the same data.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from itslive_qgis.core.inversion.api import dense_reference_solve, invert_pixels
from tests.conftest import REPO

CUBE = "datacube/ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"

BLOCKER = """
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def __init__(self, names):
        self.names = set(names)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            raise ImportError("blocked for the test: " + name)
        return None

sys.meta_path.insert(0, Block(sys.argv[1].split(",")))
"""


def _run_blocked(blocked: str, body: str, *args: str) -> subprocess.CompletedProcess:
    code = BLOCKER + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", code, blocked, *args], cwd=REPO, capture_output=True, text=True, timeout=600
    )


def _problem(seed=7, n_pairs=400, n_pix=4):
    rng = np.random.default_rng(seed)
    d1 = rng.uniform(0.0, 900.0, n_pairs)
    long = rng.random(n_pairs) < 0.3
    d2 = d1 + np.where(long, rng.uniform(100.0, 300.0, n_pairs), rng.uniform(5.0, 60.0, n_pairs))
    t = 0.5 * (d1 + d2)
    vx = 300 + 80 * np.sin(2 * np.pi * t / 365.25) + rng.normal(0, 10, (n_pix, n_pairs))
    vy = -120 + 30 * np.cos(2 * np.pi * t / 365.25) + rng.normal(0, 10, (n_pix, n_pairs))
    vx[rng.random((n_pix, n_pairs)) < 0.25] = np.nan
    sigma = rng.uniform(3.0, 30.0, n_pairs)
    return d1, d2, np.stack([vx, vy]), sigma


def _rel(a, b):
    ok = np.isfinite(b)
    assert np.array_equal(np.isfinite(a), ok)
    return float(np.max(np.abs(a[ok] - b[ok])) / np.max(np.abs(b[ok])))


def test_band_inversion_runs_without_torch_and_equals_the_references(tmp_path):
    pytest.importorskip("numba", reason="numba is not installed: the band solver cannot run")
    d1, d2, values, sigma = _problem()
    data = tmp_path / "problem.npz"
    np.savez(data, d1=d1, d2=d2, values=values, sigma=sigma)
    out = tmp_path / "result.npz"
    proc = _run_blocked(
        "torch",
        """
        import numpy as np
        from itslive_qgis.core.inversion.api import invert_pixels

        p = np.load(sys.argv[2])
        fixed = invert_pixels(p["values"], p["d1"], p["d2"], lam=3.0, sigma=p["sigma"], max_gap_days=1e9)
        auto = invert_pixels(p["values"][0], p["d1"], p["d2"], max_gap_days=1e9)
        robust = invert_pixels(p["values"][0], p["d1"], p["d2"], lam=3.0, robust=True, max_gap_days=1e9)
        np.savez(sys.argv[3], velocity=fixed.velocity, sigma=fixed.sigma, edges=fixed.edges_days,
                 auto_velocity=auto.velocity, auto_sigma=auto.sigma, auto_lam=auto.lam,
                 robust_velocity=robust.velocity, robust_sigma=robust.sigma)
        assert "torch" not in sys.modules, "torch was imported"
        print(json.dumps({"solver": fixed.info["solver"], "device": fixed.info["device"]}))
        """.replace("import numpy as np", "import json, numpy as np", 1),
        str(data),
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "numba" in info["solver"] and info["device"] == "cpu", info
    got = np.load(out)
    edges = got["edges"]
    # dense reference (numpy normal equations), every component and pixel; a pair is used by a
    # pixel only where both components are finite
    weights = 1.0 / sigma**2
    both = np.where(np.isfinite(values).all(axis=0), values, np.nan)
    for c in range(2):
        for i in range(values.shape[1]):
            ref, ninv, _, _ = dense_reference_solve(both[c, i], d1, d2, edges, 3.0, 2, weights=weights)
            assert _rel(got["velocity"][c, i], ref) <= 1e-10
            assert _rel(got["sigma"][c, i], np.sqrt(ninv)) <= 1e-10
    # the torch solver in this process (the CUDA path, here on the CPU), same data and options
    pytest.importorskip("torch", reason="torch is not installed here: only the dense reference was compared")
    fixed = invert_pixels(values, d1, d2, lam=3.0, sigma=sigma, max_gap_days=1e9, solver="torch")
    auto = invert_pixels(values[0], d1, d2, max_gap_days=1e9, solver="torch")
    robust = invert_pixels(values[0], d1, d2, lam=3.0, robust=True, max_gap_days=1e9, solver="torch")
    assert _rel(got["velocity"], fixed.velocity) <= 1e-10
    assert _rel(got["sigma"], fixed.sigma) <= 1e-10
    np.testing.assert_allclose(got["auto_lam"], auto.lam, rtol=1e-10)
    assert _rel(got["auto_velocity"], auto.velocity) <= 1e-10
    assert _rel(got["auto_sigma"], auto.sigma) <= 1e-10
    assert _rel(got["robust_velocity"], robust.velocity) <= 1e-10
    assert _rel(got["robust_sigma"], robust.sigma) <= 1e-10


def test_invert_dataset_on_the_real_block_without_torch(shared_data, tmp_path):
    pytest.importorskip("numba", reason="numba is not installed: the band solver cannot run")
    cube = shared_data / CUBE
    if not cube.is_dir():
        pytest.skip(f"the real block is absent: {cube}")
    out = tmp_path / "inv.nc"
    proc = _run_blocked(
        "torch",
        """
        from itslive_qgis.core.cube.pairs import clean_pairs, open_cube
        from itslive_qgis.core.inversion import invert_dataset, write_netcdf

        ds = clean_pairs(open_cube(sys.argv[2])).isel(y=slice(3, 6), x=slice(4, 7))
        res = invert_dataset(ds, interval_days=12.0, lam=10.0)
        write_netcdf(res, sys.argv[3])
        assert "torch" not in sys.modules, "torch was imported"
        print(res.attrs["solver"])
        """,
        str(cube),
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    assert "numba" in proc.stdout
    import xarray as xr

    from itslive_qgis.core.cube.pairs import clean_pairs, open_cube, pair_dates_days

    ds = clean_pairs(open_cube(str(cube))).isel(y=slice(3, 6), x=slice(4, 7))
    d1, d2 = pair_dates_days(ds)
    with xr.open_dataset(out) as res:
        edges = np.concatenate([res["time_bnds"].values[:, 0], res["time_bnds"].values[-1:, 1]])
        edges = (edges - np.datetime64("1970-01-01")) / np.timedelta64(1, "D")
        vx = res["vx"].values.astype("float64")
        sx = res["vx_sigma"].values.astype("float64")
    vals = ds["vx"].values.astype("float64")
    err = ds["vx_error"].values.astype("float64")
    checked = 0
    for iy in range(3):
        for ix in range(3):
            y = vals[:, iy, ix]
            if np.isfinite(y).sum() < 3:
                continue
            ref, ninv, _, _ = dense_reference_solve(y, d1, d2, edges, 10.0, 2, weights=1.0 / err**2)
            ok = np.isfinite(vx[:, iy, ix])
            # the file holds float32: compare to float32 rounding
            np.testing.assert_allclose(vx[ok, iy, ix], ref[ok], rtol=1e-6, atol=1e-6 * np.abs(ref).max())
            np.testing.assert_allclose(sx[ok, iy, ix], np.sqrt(ninv[ok]), rtol=1e-6)
            checked += 1
    assert checked >= 5


def test_without_numba_and_torch_the_cpu_inversion_names_numba():
    proc = _run_blocked(
        "torch,numba,llvmlite",
        """
        import numpy as np
        from itslive_qgis.core.errors import MissingDependencyError
        from itslive_qgis.core.inversion.api import invert_pixels

        rng = np.random.default_rng(1)
        d1 = rng.uniform(0.0, 300.0, 50)
        try:
            invert_pixels(rng.normal(100.0, 5.0, (2, 50)), d1, d1 + 30.0, lam=1.0)
        except MissingDependencyError as exc:
            print(exc)
        else:
            raise SystemExit("no error without numba and torch")
        try:
            invert_pixels(rng.normal(100.0, 5.0, (2, 50)), d1, d1 + 30.0, lam=1.0, device="cuda")
        except MissingDependencyError as exc:
            print(exc)
        else:
            raise SystemExit("no error for cuda without torch")
        """,
    )
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.strip().splitlines()[-2:]
    assert "needs numba" in first and "pip install numba" in first
    assert "PyTorch" in second and "'cpu'" in second
