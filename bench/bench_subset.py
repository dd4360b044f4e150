"""Benchmark: subset download vs. the tutorials' ``xr.open_zarr(...).sel(...).load()``.

Both read the same area of a mirror cube through the fault proxy with 50 ms latency per
request (a distant S3 region). Printed: wall time, GET requests (all, and those for data
chunks), chunks the area touches, and the speed-up. Run::

    python -m bench.bench_subset [--latency 0.05] [--pairs 4000] [--size 40]

The cube is a synthetic ITS_LIVE cube (tests.fixtures.generator, real on-disk format)
of ``--pairs`` pairs on a 100 x 100 cell tile, uploaded to the local moto mirror; the
area is ``--size`` x ``--size`` cells. "tutorial (same vars)" loads the same four
velocity variables and the pair metadata; "tutorial (all vars)" loads every variable
of the clipped cube, as the tutorials do.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def main(argv=None) -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every request")
    parser.add_argument("--pairs", type=int, default=4000, help="image pairs of the benchmark cube")
    parser.add_argument("--size", type=int, default=40, help="area side in 120 m cells")
    parser.add_argument("--workers", type=int, default=32, help="requests in flight (subset_cubes)")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

    import numpy as np
    import xarray as xr

    from itslive_qgis.core.cube.pairs import DEFAULT_VARIABLES
    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.core.subset.api import estimate_subset, subset_cubes
    from tests.fixtures.faultproxy import FaultProxy

    work = Path(tempfile.mkdtemp(prefix="itslive_bench_"))
    try:
        mirror, tile = mirror_with_cube(args.pairs)
        url = f"s3://its-live-data/{tile.key}"
        x0 = tile.x[10] - 60.0
        y1 = tile.y[10] + 60.0
        area = (x0, y1 - args.size * 120.0, x0 + args.size * 120.0, y1)
        rows = []
        with FaultProxy(mirror.endpoint_url, latency_s=args.latency) as proxy:
            cfg = StoreConfig(endpoint_url=proxy.url, cache_dir=work / "cache")
            plan = estimate_subset(url, area, "EPSG:3413", "1980-01-01", "2030-01-01", config=cfg)
            touched = plan.n_chunks
            shutil.rmtree(work / "cache", ignore_errors=True)
            proxy.reset_counts()
            t0, c0 = time.perf_counter(), time.process_time()
            timer = _PhaseTimer(t0)
            res = subset_cubes(
                url,
                area,
                "EPSG:3413",
                "1980-01-01",
                "2030-01-01",
                output_path=work / "subset.nc",
                config=cfg,
                max_workers=args.workers,
                progress=timer,
            )
            rows.append(("subset_cubes", time.perf_counter() - t0, time.process_time() - c0, proxy.gets, 0))
            chunk_gets_ours = _chunk_gets(proxy, tile.key)
            rows[0] = rows[0][:4] + (chunk_gets_ours,)

            opts = {"anon": True, "client_kwargs": {"endpoint_url": proxy.url, "region_name": "us-west-2"}}
            for label, variables in (
                ("tutorial (same vars)", list(DEFAULT_VARIABLES)),
                ("tutorial (all vars)", None),
            ):
                proxy.reset_counts()
                t0, c0 = time.perf_counter(), time.process_time()
                ds = xr.open_zarr(url, storage_options=opts, decode_timedelta=False)
                if variables is not None:
                    ds = ds[variables]
                clip = ds.sel(x=slice(area[0], area[2]), y=slice(area[3], area[1]))
                clip = clip.isel(mid_date=np.argsort(clip.mid_date.values, kind="stable")).load()
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                rows.append((label, wall, cpu, proxy.gets, _chunk_gets(proxy, tile.key)))
        ours = rows[0][1]
        print(
            f"cube: {args.pairs} pairs, 100 x 100 cells; area {args.size} x {args.size} cells; "
            f"latency {args.latency * 1000:.0f} ms per request"
        )
        print(
            f"chunks the area touches (velocity + pair metadata): {touched}; "
            f"subset data-chunk GETs: {chunk_gets_ours}"
        )
        print(f"{'method':<24}{'wall s':>9}{'CPU s':>8}{'GETs':>7}{'chunk GETs':>12}{'ours faster by':>16}")
        for label, wall, cpu, gets, chunk_gets in rows:
            print(f"{label:<24}{wall:>9.2f}{cpu:>8.2f}{gets:>7}{chunk_gets:>12}{wall / ours:>15.1f}x")
        print(
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
            "CPU s = this process, the in-process proxy included)"
        )
        print(
            f"retries {res.stats['retries']}, bytes {res.stats['bytes_fetched'] / 1e6:.1f} MB; "
            f"its own counters: {res.stats['get_requests']} GET, "
            f"{res.stats.get('list_requests', 0)} LIST requests"
        )
        total = rows[0][1]  # subset_cubes wall time
        plan_s, fetch_s = timer.marks.get(0.05, 0.0), timer.marks.get(0.85, 0.0)
        print(
            f"subset_cubes phases: planning {plan_s:.2f} s, download {fetch_s - plan_s:.2f} s, "
            f"assembly + compressed write {total - fetch_s:.2f} s"
        )
        mirror.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


class _PhaseTimer:
    """Progress sink noting when the planning (5 %) and download (85 %) phases end."""

    def __init__(self, t0: float):
        self.t0 = t0
        self.marks: dict[float, float] = {}

    def report(self, fraction: float) -> None:
        for mark in (0.05, 0.85):
            if fraction >= mark and mark not in self.marks:
                self.marks[mark] = time.perf_counter() - self.t0

    def is_cancelled(self) -> bool:
        return False

    def log(self, message: str) -> None:
        pass


def _chunk_gets(proxy, key: str) -> int:
    """GETs of the cube's data chunks (metadata files .z* and the x/y coordinates excluded)."""
    total = 0
    prefix = f"GET /its-live-data/{key}/"
    with proxy.lock:
        for k, c in proxy.requests.items():
            name = k[len(prefix) :] if k.startswith(prefix) else ""
            if name and not name.rsplit("/", 1)[-1].startswith(".z") and name.split("/")[0] not in ("x", "y"):
                total += c
    return total


def mirror_with_cube(n_pairs: int, mirror_dir: str = "mirror"):
    """The fixture mirror (a separate process, like a real server, its data in ``mirror_dir`` of the
    bench cache) plus a 100 x 100 cell bench cube uploaded to it: ``(mirror, tile)``."""
    import boto3

    from tests.fixtures.generator import write_cube
    from tests.fixtures.mirror import MirrorProcess
    from tests.fixtures.truth import TileSpec

    cache = Path(os.environ.get("ITSLIVE_BENCH_DATA", Path(tempfile.gettempdir()) / "itslive_bench_data"))
    tile = TileSpec("BENCH", 3413, -180000, -2268000, 100, 100, n_pairs, 21)
    local = cache / f"bench_{n_pairs}" / tile.name
    if not (local / ".zmetadata").is_file():
        write_cube(local, tile, pair_chunk=max(1000, math.ceil(n_pairs / 3)))
    mirror = MirrorProcess(cache / mirror_dir, with_real_block=False)
    s3 = boto3.client(
        "s3",
        endpoint_url=mirror.endpoint_url,
        region_name="us-west-2",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )
    for f in sorted(p for p in local.rglob("*") if p.is_file()):
        key = f"{tile.key}/{f.relative_to(local).as_posix()}"
        s3.put_object(Bucket="its-live-data", Key=key, Body=f.read_bytes())
    return mirror, tile


if __name__ == "__main__":
    sys.exit(main())
