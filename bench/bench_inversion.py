"""Benchmark: the temporal inversion against the seed notebook's per-pixel algorithm, real block.

Data: the real 10 x 10 ITS_LIVE block (47,892 pairs, 12-day grid, 1,166 steps). The 100 pixels
are repeated to ``--pixels`` (default 1,024) for a stable figure. Runs, in the same process:

* the project's inversion (:func:`itslive_qgis.core.inversion.api.invert_pixels`) with each CPU
  solver: ``band`` (compiled numba band kernels, the default on the CPU) and ``torch`` (batched
  block-tridiagonal, the CUDA path and the fallback without numba). For each: vx with the lambda
  fixed (the solver alone, with the posterior sigma), vx with the automatic lambda (end to
  end), and vx + vy together (one shared factorisation, the default path of ``invert_dataset``);
  every timing is repeated ``--repeats`` times and the median and the best are printed, because
  other tenants of a 2-core virtual machine change single runs by up to 40 %;
* the SEED baseline, reimplemented from the ITS_LIVE_TOOL inversion notebook: nearest-step
  design matrix built once, then per pixel the dense regularised system ``[A_m[mask]; reg]``,
  normal equations and ``numpy.linalg.solve`` (timed on ``--baseline-pixels`` pixels);
* the dense reference solver (normal equations with the exact design matrix, numpy) on a
  few pixels, for the maximum relative difference of each solver's velocities;
* CUDA (torch solver), when ``torch.cuda.is_available()``.

Run from the repository root::

    python -m bench.bench_inversion [--pixels 1024] [--repeats 3] [--solvers band,torch]

Timings are wall-clock seconds of this process. Skips (exit 0) when the block is absent.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

BLOCK = (
    REPO.parent / "shared" / "data" / "itslive" / "datacube"
    / "ITS_LIVE_vel_EPSG32646_G0120_X750000_Y3350000_clip_block22.zarr"
)  # fmt: skip
SEED_LAMBDA = 10.0  # the seed notebook's smoothing coefficient
INTERVAL_DAYS = 12.0
TARGET_PX_S = 1000.0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print px/s lines; 0 also when skipped for want of the data."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pixels", type=int, default=1024, help="pixels to invert (the 100 repeated)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each case")
    parser.add_argument("--solvers", default="band,torch", help="CPU solvers to time (band, torch)")
    parser.add_argument("--baseline-pixels", type=int, default=3, help="pixels for the seed baseline")
    parser.add_argument("--reference-pixels", type=int, default=3, help="pixels for the dense reference")
    parser.add_argument("--threads", type=int, default=0, help="torch threads = workers (0 = torch default)")
    parser.add_argument("--block-size", type=int, default=None, help="pixels per batch")
    args = parser.parse_args(argv)
    if not BLOCK.is_dir():
        print(f"SKIPPED: the real block {BLOCK} is not present: nothing to time.")
        return 0

    import torch

    from itslive_qgis.core.cube.pairs import clean_pairs, open_cube, pair_dates_days
    from itslive_qgis.core.inversion import band as inversion_band
    from itslive_qgis.core.inversion.api import invert_pixels

    if args.threads:
        torch.set_num_threads(args.threads)
    ds = clean_pairs(open_cube(str(BLOCK)))
    d1, d2 = pair_dates_days(ds)
    n_pairs = ds.sizes["mid_date"]
    vx = ds["vx"].values.reshape(n_pairs, -1).T.astype("float64")  # (100, K)
    vy = ds["vy"].values.reshape(n_pairs, -1).T.astype("float64")
    reps = -(-args.pixels // vx.shape[0])
    vx_p = np.tile(vx, (reps, 1))[: args.pixels]
    vy_p = np.tile(vy, (reps, 1))[: args.pixels]
    print(f"real block: {n_pairs} pairs, {vx.shape[0]} pixels repeated to {args.pixels}; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip

    solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    if "band" in solvers and not inversion_band.available():
        print("band solver: not measured (numba is not installed)")
        solvers.remove("band")
    kw = {"block_size": args.block_size}
    lam = None
    fixed_px = {}
    for solver in solvers:
        invert_pixels(vx_p[:32], d1, d2, lam=1.0, solver=solver)  # compile / warm up
        kw["solver"] = solver
        t_auto, auto = _timed(args.repeats, invert_pixels, vx_p, d1, d2, **kw)
        if lam is None:
            lam = float(np.nanmedian(auto.lam))
            solvable = int((auto.n_pairs >= 3).sum())
            print(f"grid: {auto.centres_days.size} steps of {INTERVAL_DAYS:g} days; auto lambda {lam:.4g} "
                  f"({auto.lam_method}); {solvable} of {args.pixels} pixels have data "
                  f"(the others cost nothing)")  # fmt: skip
        t_fixed, fixed = _timed(args.repeats, invert_pixels, vx_p, d1, d2, lam=lam, **kw)
        t_both, _ = _timed(args.repeats, invert_pixels, np.stack([vx_p, vy_p]), d1, d2, lam=lam, **kw)
        fixed_px[solver] = args.pixels / np.median(t_fixed)
        print(f"[{solver}] {fixed.info['solver']}")
        _print_rate(solver, "vx, lambda fixed, with sigma", args.pixels, t_fixed)
        _print_rate(solver, "vx, automatic lambda end to end", args.pixels, t_auto)
        _print_rate(solver, "vx+vy, shared factorisation", 2 * args.pixels, t_both)
        rel = _max_rel_diff(fixed, vx, d1, d2, lam, args.reference_pixels)
        print(f"[{solver}] max relative difference to the dense reference ({args.reference_pixels} pixels): "
              f"{rel:.2e}")  # fmt: skip

    base_s = _time_seed(vx, d1, d2, ds, args.baseline_pixels)
    print(
        f"seed baseline cpu (dense per pixel): {1.0 / base_s:.2f} px/s per component ({base_s:.3f} s/pixel)"
    )
    for solver, px in fixed_px.items():
        print(f"ratio {solver}/seed (vx, lambda fixed): {px * base_s:.0f}x; "
              f"target {TARGET_PX_S:.0f} px/s: {px / TARGET_PX_S:.2f}x")  # fmt: skip
    if "band" in fixed_px and "torch" in fixed_px:
        print(f"ratio band/torch solver: {fixed_px['band'] / fixed_px['torch']:.2f}x")

    if torch.cuda.is_available():
        invert_pixels(vx_p[:64], d1, d2, lam=lam, device="cuda")  # warm-up
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        invert_pixels(vx_p, d1, d2, lam=lam, device="cuda", block_size=args.block_size)
        torch.cuda.synchronize()
        px_cuda = args.pixels / (time.perf_counter() - t0)
        print(f"inversion cuda (vx, lambda fixed): {px_cuda:.1f} px/s per component")
    else:
        print("inversion cuda: not measured (torch.cuda.is_available() is False)")
    return 0


def _timed(repeats: int, fn, *args, **kwargs):
    """Wall-clock seconds of ``repeats`` calls ``fn(*args, **kwargs)`` (array) and the last result."""
    times, out = [], None
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        times.append(time.perf_counter() - t0)
    return np.asarray(times), out


def _print_rate(solver: str, what: str, n: int, times) -> None:
    rates = n / np.asarray(times)
    print(f"[{solver}] inversion cpu ({what}): {np.median(rates):.0f} px/s per component "
          f"(median of {rates.size}; best {rates.max():.0f})")  # fmt: skip


def _time_seed(vx, d1, d2, ds, n_pixels: int) -> float:
    """Seconds per pixel of the seed notebook's per-pixel solve (median over ``n_pixels``)."""
    from itslive_qgis.core.cube.pairs import to_days

    mid = to_days(ds["mid_date"].values)
    dates = np.arange(mid.min(), mid.max(), INTERVAL_DAYS)  # seed: arange(mid_dates[0], mid_dates[-1], 12 d)
    a_m = _seed_design(d1, d2, dates)
    m = dates.size
    reg = np.zeros((m - 1, m))
    coef = SEED_LAMBDA / INTERVAL_DAYS**2
    for j in range(m - 2):
        reg[j, j : j + 3] = (coef, -2 * coef, coef)
    order = np.argsort(-np.isfinite(vx).sum(axis=1))[:n_pixels]
    times = []
    for p in order:
        t0 = time.perf_counter()
        mask = np.isfinite(vx[p])
        a_des = np.vstack((a_m[mask], reg))
        obs = np.hstack((vx[p][mask], np.zeros(reg.shape[0])))
        np.linalg.solve(a_des.T @ a_des, a_des.T @ obs)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def _seed_design(d1, d2, dates):
    """The seed's nearest-step rows: 1/n on the steps from the nearest date to the last date <= d2."""
    a_m = np.zeros((d1.size, dates.size))
    start = np.abs(dates[None, :] - d1[:, None]).argmin(axis=1)
    end = np.searchsorted(dates, d2, side="right") - 1
    for j in range(d1.size):
        s, e = start[j], max(end[j], start[j])
        a_m[j, s : e + 1] = 1.0 / (1 + e - s)
    return a_m


def _max_rel_diff(result, vx, d1, d2, lam, n_pixels: int) -> float:
    from itslive_qgis.core.inversion.api import dense_reference_solve

    worst = 0.0
    for p in range(n_pixels):
        got = result.velocity[p]
        if not np.isfinite(got).any():
            continue
        ref, _, _, _ = dense_reference_solve(vx[p], d1, d2, result.edges_days, lam, 2)
        ok = np.isfinite(got)
        worst = max(worst, float(np.max(np.abs(got[ok] - ref[ok])) / np.max(np.abs(ref[ok]))))
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
