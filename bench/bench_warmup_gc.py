"""Benchmark: the main thread's longest wait while the warm-up imports the data stack, with and
without the garbage-collector freeze of itslive_qgis/warmup.py (issue 13: the UI never stalls).

Each variant runs in a fresh interpreter: a thread runs :func:`itslive_qgis.warmup.warm` while
the main thread sleeps 1 ms in a loop (as the QGIS event loop's Python slots would want the GIL)
and records the gaps between its wake-ups. "without" replaces ``warmup._settle`` by a no-op.
Prints the largest gaps, how many exceed 40 ms and 150 ms (the scenario suite's bound), and the
ratio of the largest gaps. Run::

    python -m bench.bench_warmup_gc [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import gc, json, sys, threading, time
sys.path.insert(0, {repo!r})
from itslive_qgis import warmup
if {without}:
    warmup._settle = lambda: None
sys.setswitchinterval(0.0005)  # as tasks/gil.py sets it while background work runs
thread = threading.Thread(target=warmup.warm)
began = time.perf_counter()
thread.start()
gaps, last = [], time.perf_counter()
while thread.is_alive():
    time.sleep(0.001)
    now = time.perf_counter()
    gaps.append((now - last) * 1000.0)
    last = now
print(json.dumps({{"gaps_ms": sorted(gaps, reverse=True)[:5], "over_40": sum(g > 40 for g in gaps),
                  "over_150": sum(g > 150 for g in gaps), "seconds": time.perf_counter() - began,
                  "frozen": gc.get_freeze_count()}}))
"""


def run(without: bool) -> dict:
    code = CHILD.format(repo=str(REPO), without=without)
    command = [sys.executable, "-c", code]
    out = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    largest = {"without": [], "with": []}
    for _ in range(args.repeats):
        for label, without in (("without", True), ("with", False)):  # back to back
            r = run(without)
            largest[label].append(r["gaps_ms"][0])
            gaps = ", ".join(f"{g:.0f}" for g in r["gaps_ms"])
            print(
                f"{label:>7} freeze: largest gaps {gaps} ms; > 40 ms: {r['over_40']}, > 150 ms: "
                f"{r['over_150']}; warm-up {r['seconds']:.1f} s; frozen objects {r['frozen']}"
            )
    ratio = max(largest["without"]) / max(max(largest["with"]), 1e-9)
    print(f"largest gap without / with the freeze: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
