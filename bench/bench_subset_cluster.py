"""Benchmark: itslive:downloadsubset in process vs on a LocalCluster (DASK_SCHEDULER), same request.

A synthetic ITS_LIVE cube (tests.fixtures.generator, real on-disk format) of ``--pairs`` pairs on a
100 x 100 cell tile is served by the moto mirror (a child process) through the fault proxy with
``--latency`` seconds per request; the area is ``--size`` x ``--size`` cells. Printed per variant:
wall time, GET requests (all, and data chunks), cells per second, the ratio to the in-process
run, and whether the store equals the in-process Zarr subset (every array, NaN where NaN). The
cluster runs on a LocalCluster of ``--workers`` single-threaded processes started once (its start
is printed apart); "cold" is its first run (fresh workers: imports, S3 sessions), "warm" the next.
Run::

    python -m bench.bench_subset_cluster [--latency 0.05] [--pairs 4000] [--size 80] [--workers 2]
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--size", type=int, default=80, help="area side in 120 m cells")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")  # equal attributes in both stores
    try:
        import distributed
    except ImportError:
        print("distributed is not installed: nothing to measure")
        return 0

    from bench.bench_subset import mirror_with_cube
    from itslive_qgis.core.cluster import subset_on_cluster
    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.core.subset import subset_cubes
    from tests.fixtures.faultproxy import FaultProxy

    work = Path(tempfile.mkdtemp(prefix="itslive_bench_dsub_"))
    mirror, tile = mirror_with_cube(args.pairs, "mirror_dsub")
    try:
        url = f"s3://its-live-data/{tile.key}"
        x0, y1 = tile.x[10] - 60.0, tile.y[10] + 60.0
        area = (x0, y1 - args.size * 120.0, x0 + args.size * 120.0, y1)
        window = ("1980-01-01", "2030-01-01")
        rows = []
        with FaultProxy(mirror.endpoint_url, latency_s=args.latency) as proxy:
            cfg = StoreConfig(endpoint_url=proxy.url, cache_dir=work / "cache")

            def measure(label, run, out):
                shutil.rmtree(work / "cache", ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
                proxy.reset_counts()
                t0 = time.perf_counter()
                value = run(out)
                wall = time.perf_counter() - t0
                same = out == work / "ref.zarr" or _equal(out, work / "ref.zarr")
                rows.append((label, wall, proxy.gets, _chunk_gets(proxy, tile.key), same))
                return value

            def in_process(out):
                return subset_cubes(url, area, "EPSG:3413", *window, output_path=out, config=cfg)

            ref = measure("in process", in_process, work / "ref.zarr")
            n_cells = ref.plan.ny * ref.plan.nx
            t0 = time.perf_counter()
            with distributed.LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None,
            ) as cluster:  # fmt: skip
                start_s = time.perf_counter() - t0

                def on_cluster(out):
                    address = cluster.scheduler_address
                    return subset_on_cluster(url, area, "EPSG:3413", *window, out, address, config=cfg)

                # interleaved, so that the other tenants' load hits both alike
                result = measure("cluster, cold", on_cluster, work / "cold.zarr")
                for _ in range(2):
                    measure("cluster, warm", on_cluster, work / "warm.zarr")
                    measure("in process", in_process, work / "again.zarr")
        print(
            f"cube {args.pairs} pairs, area {ref.plan.ny} x {ref.plan.nx} cells, {ref.plan.n_pairs} pairs, "
            f"{args.latency * 1000:.0f} ms per request; LocalCluster of {args.workers} workers started in "
            f"{start_s:.1f} s; {result.n_blocks} tasks"
        )
        print(
            f"{'variant':<16}{'wall (s)':>10}{'cells/s':>10}{'GETs':>8}{'chunk GETs':>12}"
            f"{'x best in process':>19}  equal"
        )
        base = min(r[1] for r in rows if r[0] == "in process")
        for label, wall, gets, chunk_gets, equal in rows:
            print(
                f"{label:<16}{wall:>10.2f}{n_cells / wall:>10.0f}{gets:>8}{chunk_gets:>12}"
                f"{base / wall:>19.2f}  {equal}"
            )
        best = min(r[1] for r in rows if r[0] == "cluster, warm")
        print(f"best warm cluster / best in process: {base / best:.2f} of the in-process rate")
        return 0 if all(r[4] for r in rows) else 1
    finally:
        mirror.stop()
        shutil.rmtree(work, ignore_errors=True)


def _equal(store: Path, ref: Path) -> bool:
    import numpy as np
    import zarr

    got, want = zarr.open_group(str(store), mode="r"), zarr.open_group(str(ref), mode="r")
    if sorted(got.array_keys()) != sorted(want.array_keys()):
        return False
    return all(
        np.array_equal(got[n][...], want[n][...], equal_nan=want[n].dtype.kind == "f")
        for n in want.array_keys()
    )


def _chunk_gets(proxy, key: str) -> int:
    """GETs of the cube's data chunks (not its .zmetadata / .zarray / .zattrs objects)."""
    prefix = f"GET /its-live-data/{key}/"
    with proxy.lock:
        return sum(
            c
            for k, c in proxy.requests.items()
            if k.startswith(prefix) and not k.rsplit("/", 1)[-1].startswith(".z")
        )


if __name__ == "__main__":
    sys.exit(main())
