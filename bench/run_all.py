"""Run every benchmark of bench/ in turn (``make bench``); each prints its own figures and ratios."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

BENCHMARKS = (
    "bench_catalog",
    "bench_subset",
    "bench_inversion",
    "bench_timeseries",
    "bench_layers",
    "bench_icesat2",
    "bench_sliderule",
    "bench_seasonal",
    "bench_gp",
    "bench_animation",
    "bench_point_render",
    "bench_warmup_gc",
)


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        if importlib.util.find_spec(f"bench.{name}") is None:
            continue
        print(f"\n=== {name} ===", flush=True)
        t0 = time.monotonic()
        try:
            status = importlib.import_module(f"bench.{name}").main([])
        except SystemExit as exc:
            status = exc.code
        except Exception as exc:  # report and go on with the others
            print(f"{name} failed: {exc!r}")
            status = 1
        print(f"=== {name}: exit {status}, {time.monotonic() - t0:.1f} s ===", flush=True)
        if status:
            failed.append(name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
