"""The warm-up leaves the data stack's objects out of the collector's generations (issue 13).

Why it matters: a full collection scans every object in the generations in one C call holding
the GIL; with the stack's ~300,000 start-up objects in them, each took ~100 ms of the QGIS main
thread (bench/bench_warmup_gc.py measures the gaps). Run in a fresh interpreter: freezing is
process-wide and must not touch the test process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHILD = r"""
import gc, json, sys
sys.path.insert(0, {repo!r})
from itslive_qgis import warmup
if {without}:
    warmup._settle = lambda: None
report = warmup.warm()
import numpy, xarray
tracked = {{id(o) for o in gc.get_objects()}}  # every generation, what a full collection scans
probes = [xarray.Dataset, xarray.Dataset.__init__, numpy.ma.MaskedArray, sys.modules["pandas"].DataFrame]
print(json.dumps({{"xarray": report.get("xarray") is not None, "frozen": gc.get_freeze_count(),
                  "tracked": len(tracked), "probes_tracked": sum(id(p) in tracked for p in probes)}}))
"""


def _warm(without: bool) -> dict:
    code = CHILD.format(repo=str(REPO), without=without)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_warm_up_freezes_the_start_up_objects():
    frozen = _warm(without=False)
    assert frozen["xarray"]
    assert frozen["probes_tracked"] == 0  # the stack's classes and functions are out of the generations
    assert frozen["frozen"] > 100_000
    assert frozen["tracked"] < frozen["frozen"] / 10  # a full collection scans a small rest


def test_without_the_freeze_the_collector_would_scan_them():
    plain = _warm(without=True)  # the reference: the same warm-up, _settle disabled
    assert plain["frozen"] == 0
    assert plain["probes_tracked"] == 4 and plain["tracked"] > 100_000
