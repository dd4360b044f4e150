"""Benchmark: the vectorised per-pixel seasonal fit (core.seasonal) against a per-pixel loop.

Fits vx of the fixture tile GRE_A (1200 ITS_LIVE-sampled pairs, 50 x 50 pixels) with the
semi-annual term, robust (Huber IRLS + clipping), and prints pixels per second of
:func:`fit_component` and of a per-pixel Python loop doing the same robust fit one pixel at a time
(the same code on one-column arrays), and their ratio. Run::

    python -m bench.bench_seasonal [--pixels 400]

``--pixels``: pixels timed in the loop (it is slow); the vectorised fit always does the whole tile.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def main(argv=None) -> int:
    from itslive_qgis.core.seasonal import fit_component, interval_design
    from tests.fixtures.pairs import synthesize_pairs
    from tests.fixtures.truth import default_tiles

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pixels", type=int, default=400)
    args = parser.parse_args(argv)
    tile = default_tiles()[0]
    pairs = synthesize_pairs(tile)
    values = np.where(pairs.valid, pairs.vx, np.nan).reshape(pairs.vx.shape[0], -1).astype("float64")
    sigma = pairs.meta["vx_error"]
    design = interval_design(pairs.t_start_days, pairs.t_end_days, semiannual=True)
    t0 = time.perf_counter()
    whole = fit_component(values, sigma, design)
    vector_s = time.perf_counter() - t0
    n = min(args.pixels, values.shape[1])
    t0 = time.perf_counter()
    loop = [fit_component(values[:, [i]], sigma, design).coef[0] for i in range(n)]
    loop_s = time.perf_counter() - t0
    assert np.allclose(np.array(loop), whole.coef[:n], equal_nan=True, rtol=1e-6, atol=1e-6)
    vec_rate, loop_rate = values.shape[1] / vector_s, n / loop_s
    print(f"pairs {values.shape[0]}, pixels {values.shape[1]}, parameters {design.shape[1]}")
    print(f"vectorised: {vector_s:.2f} s, {vec_rate:,.0f} pixels/s")
    print(f"per-pixel loop: {loop_s:.2f} s for {n} pixels, {loop_rate:,.0f} pixels/s")
    print(f"ratio vectorised / loop: {vec_rate / loop_rate:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
