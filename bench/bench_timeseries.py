"""Benchmark: the velocity time series of one pixel (the map click of the time-series panel).

Every read goes through the fault proxy with ``--latency`` seconds (default 50 ms) added to
each request (a distant S3 region), from the fixture mirror running in a child process (its
own GIL, like a remote server). Printed per case: wall time, GET requests, pairs in the cube,
valid pairs at the pixel, and the tutorials' ``xr.open_zarr(url).sel(x, y, method='nearest')``
read of the same variables for comparison. Target: < 2 s per click. Run::

    python -m bench.bench_timeseries [--latency 0.05] [--pairs 60000]

Cases: a fixture tile (1,200 pairs, one chunk per variable) read by URL and found through the
catalog (two covering cubes); a synthetic cube of ``--pairs`` pairs in (20000, 10, 10) chunks
(the production layout: ceil(pairs / 20000) chunks per variable); the real 10 x 10 block
(47,892 pairs, its mid_date in 137 chunks of 352) when ../shared/data is present.
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

TARGET_S = 2.0
TUTORIAL_VARS = ["v", "vx", "vy", "v_error", "acquisition_date_img1", "acquisition_date_img2", "date_dt",
                 "satellite_img1", "satellite_img2", "granule_url", "vx_error", "vy_error"]  # fmt: skip


def main(argv=None) -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every request")
    parser.add_argument("--pairs", type=int, default=60000, help="image pairs of the large synthetic cube")
    parser.add_argument("--no-tutorial", action="store_true", help="skip the xarray comparison reads")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

    from itslive_qgis.core.catalog.catalog import load_catalog
    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.core.timeseries.series import point_series
    from tests.fixtures.faultproxy import FaultProxy
    from tests.fixtures.generator import REAL_BLOCK_KEY, real_block_path
    from tests.fixtures.mirror import MirrorProcess
    from tests.fixtures.truth import default_tiles

    work = Path(tempfile.mkdtemp(prefix="itslive_bench_ts_"))
    mirror = None
    try:
        mirror = MirrorProcess(Path(tempfile.gettempdir()) / "itslive_bench_data" / "mirror_ts")
        big = _upload_big_cube(mirror.endpoint_url, args.pairs)
        tile_a = default_tiles()[0]
        cases = [
            ("fixture tile GRE_A, by URL (1,200 pairs)", (-178507.5, -2280402.3, "EPSG:3413"), [tile_a.key]),
            ("map click, catalog loaded first (GRE_A + UTM 22N)", (-49.47593, 69.10975, "EPSG:4326"), None),
            (
                "map click, catalog already in memory (the panel)",
                (-49.47593, 69.10975, "EPSG:4326"),
                "catalog",
            ),
            (
                f"synthetic cube, {args.pairs:,} pairs in 20000-chunks",
                (big.x[7], big.y[7], "EPSG:3413"),
                [big.key],
            ),
        ]
        if real_block_path() is not None:
            cases.append(
                ("real block N30E090 (47,892 pairs)", (787252.5, 3312787.5, "EPSG:32646"), [REAL_BLOCK_KEY])
            )
        print(f"latency {args.latency * 1000:.0f} ms per request; target < {TARGET_S:.0f} s per click\n")
        print(f"{'case':52s} {'run':>6s} {'wall s':>7s} {'GETs':>5s} {'pairs':>7s} {'valid':>6s}")
        with FaultProxy(mirror.endpoint_url, latency_s=args.latency) as proxy:
            cfg = StoreConfig(endpoint_url=proxy.url, cache_dir=work / "cache")
            worst = 0.0
            catalog = None
            for label, (x, y, crs), keys in cases:
                urls = None if keys in (None, "catalog") else [f"s3://its-live-data/{k}" for k in keys]
                if keys == "catalog":
                    catalog = load_catalog(cfg).catalog
                    keys = None
                for run in ("cold", "warm") if label.startswith("fixture") else ("warm",):
                    proxy.reset_counts()
                    t0 = time.perf_counter()
                    found = point_series(x, y, crs, cfg, cube_urls=urls, catalog=catalog)
                    wall = time.perf_counter() - t0
                    if run == "warm":
                        worst = max(worst, wall)
                    pairs = sum(s.n_pairs_total for s in found)
                    valid = sum(len(s) for s in found)
                    print(f"{label:52s} {run:>6s} {wall:7.2f} {proxy.gets:5d} {pairs:7d} {valid:6d}")
                if not args.no_tutorial and keys is not None:
                    proxy.reset_counts()
                    wall = _tutorial_read(f"s3://its-live-data/{keys[0]}", x, y, crs, proxy.url)
                    print(
                        f"{'  tutorial xr.open_zarr().sel(nearest).load()':52s} {'':>6s} "
                        f"{wall:7.2f} {proxy.gets:5d}"
                    )
        verdict = "OK" if worst < TARGET_S else "SLOWER THAN TARGET"
        print(f"\nslowest warm click: {worst:.2f} s ({verdict}; target < {TARGET_S:.0f} s)")
        return 0
    finally:
        if mirror is not None:
            mirror.stop()
        shutil.rmtree(work, ignore_errors=True)


def _tutorial_read(url: str, x: float, y: float, crs: str, endpoint: str) -> float:
    """What the ITS_LIVE notebooks do: open the cube with xarray, select the nearest pixel, load."""
    import pyproj
    import xarray as xr

    t0 = time.perf_counter()
    ds = xr.open_zarr(
        url,
        storage_options={
            "anon": True,
            "client_kwargs": {"endpoint_url": endpoint, "region_name": "us-west-2"},
        },
        decode_timedelta=False,
    )
    epsg = int(str(ds.attrs.get("projection", "3413")))
    px, py = pyproj.Transformer.from_crs(crs, f"EPSG:{epsg}", always_xy=True).transform(x, y)
    names = [n for n in TUTORIAL_VARS if n in ds]
    ds[names].sel(x=px, y=py, method="nearest").load()
    return time.perf_counter() - t0


def _upload_big_cube(endpoint: str, n_pairs: int):
    """A 20 x 20 cell cube of ``n_pairs`` pairs in (20000, 10, 10) chunks, uploaded to the mirror."""
    import boto3

    from tests.fixtures.generator import write_cube
    from tests.fixtures.truth import TileSpec

    tile = TileSpec("BENCH_TS", 3413, -180000, -2290000, 20, 20, n_pairs, 31)
    local = Path(tempfile.gettempdir()) / "itslive_bench_data" / f"ts_{n_pairs}" / tile.name
    if not (local / ".zmetadata").is_file():
        print(f"(writing a {n_pairs:,}-pair bench cube once: {local})", flush=True)
        write_cube(local, tile, pair_chunk=20000)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-west-2",
                      aws_access_key_id="bench", aws_secret_access_key="bench")  # fmt: skip
    for f in sorted(p for p in local.rglob("*") if p.is_file()):
        s3.put_object(
            Bucket="its-live-data", Key=f"{tile.key}/{f.relative_to(local).as_posix()}", Body=f.read_bytes()
        )
    return tile


if __name__ == "__main__":
    sys.exit(main())
