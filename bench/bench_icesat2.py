"""Benchmark: an ATL06 granule's six beams for an extent from S3 at 50 ms latency: h5coro vs the whole file.

A moto S3 server in a child process (its own GIL) holds, in NASA's key layout, a generated
granule with a long track (``--track-km``, 20 m segments, six beams) and the real granule of
``../shared/data/icesat2`` when present; a fault proxy in front adds ``--latency-ms`` per request.
Three ways to get the same segments:

- ``h5coro extent``: the plugin's reader (H5coroReader over s3fs): the HDF5 structure and
  latitude/longitude of each beam, then only the extent's rows of the other datasets;
- ``h5coro all rows``: the same reader without an extent;
- ``whole file``: one GET of the whole object, then h5py on the bytes in memory.

Prints wall time, GET requests and bytes through the proxy for each, the ratio to the whole
file, and checks that they return the same segments of the extent. moto answers a range GET by
reading the whole object (measured and printed: ~80 ms per GET of a 40 MB object against ~15 ms
of a small one), so on this mirror the wall times favour one whole-file GET more than real S3
would; the bytes are what h5coro saves. Run::

    python -m bench.bench_icesat2 [--latency-ms 50] [--track-km 600] [--extent-km 20]
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

REAL = REPO.parent / "shared" / "data" / "icesat2" / "ATL06_20181013235645_02340114_209_01.h5"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--track-km", type=float, default=3000.0, help="a real granule spans ~1/14 orbit")
    parser.add_argument("--cache-lines-kib", default="4096,1024,256", help="h5coro cache lines to try")
    parser.add_argument("--extent-km", type=float, default=20.0)
    parser.add_argument("--extra-datasets", type=int, default=40, help="more per-segment datasets per beam")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

    import numpy as np

    from tests.fixtures import atl06 as gen
    from tests.fixtures.faultproxy import FaultProxy

    with tempfile.TemporaryDirectory(prefix="bench_icesat2_") as tmp:
        y0 = gen.Y0_M - args.track_km * 500.0
        granule = gen.write_granules(
            tmp,
            cycles=(3,),
            tracks=gen.TRACKS[:1],
            y_range_m=(y0, y0 + args.track_km * 1000.0),
            extra_per_beam=args.extra_datasets,
        )[0]
        cases = [("generated", granule.key, granule.path, _extent_bbox(gen, args.extent_km))]
        extra = {}
        if REAL.is_file():
            real_key = "ATLAS/ATL06/209/2018/10/13/" + REAL.name
            extra[real_key] = REAL
            cases.append(("real 209", real_key, REAL, (-125.0, -24.5, -124.0, -24.3)))
        server, endpoint = _start_moto()
        try:
            gen.serve_granules(endpoint, [granule])
            if extra:
                gen.serve_granules(
                    endpoint,
                    [gen.GranuleInfo(Path(p), k, 0, 0, gen.T_REF, gen.T_REF) for k, p in extra.items()],
                )
            with FaultProxy(endpoint, latency_s=args.latency_ms / 1000.0) as proxy:
                for label, key, path, bbox in cases:
                    size_mb = path.stat().st_size / 1e6
                    print(f"\n{label} granule {path.name}: {size_mb:.1f} MB; extent {bbox}")
                    results = {}
                    lines = [int(v) * 1024 for v in args.cache_lines_kib.split(",")]
                    ways = [(f"h5coro extent {n // 1024} KiB", "extent", n) for n in lines]
                    ways += [(f"h5coro all {n // 1024} KiB", "all", n) for n in lines[1:2]]
                    ways.append(("whole file", "whole", 0))
                    for how, kind, line in ways:
                        proxy.reset_counts()
                        t0 = time.perf_counter()
                        df = _read(kind, f"{gen.NASA_BUCKET}/{key}", proxy.url, bbox, line)
                        wall = time.perf_counter() - t0
                        results[how] = (wall, proxy.gets, proxy.bytes_sent, df)
                    probe = _range_get_ms(f"{gen.NASA_BUCKET}/{key}", endpoint)
                    print(
                        f"  (moto's own cost of one 1 KB range GET of this object, no proxy: {probe:.0f} ms)"
                    )
                    whole = results["whole file"][0]
                    for how, (wall, gets, sent, df) in results.items():
                        print(
                            f"  {how:22s} {wall:7.2f} s  {gets:4d} GETs  {sent / 1e6:7.2f} MB  "
                            f"{len(df):6d} segments  x{wall / whole:5.2f} of the whole-file time"
                        )
                    ref = results["whole file"][3]
                    for how in [w[0] for w in ways[:-1]]:
                        got = results[how][3]
                        same = len(got) == len(ref) and np.array_equal(
                            got.h_li.to_numpy(), ref.h_li.to_numpy()
                        )
                        print(f"  {how}: same segments as the whole file: {same}")
                        if not same:
                            return 1
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


def _extent_bbox(gen, extent_km):
    """Degrees around the glacier's centre, ``extent_km`` along the track."""
    from itslive_qgis.core.geo import transform_xy

    half = extent_km * 500.0
    xs = [gen.X0_M - 6000.0, gen.X0_M + 6000.0]
    ys = [gen.Y0_M - half, gen.Y0_M + half]
    lon, lat = transform_xy([xs[0], xs[1], xs[0], xs[1]], [ys[0], ys[0], ys[1], ys[1]], 3413, 4326)
    return (min(lon) - 0.5, min(lat), max(lon) + 0.5, max(lat))


def _read(how, key, endpoint, bbox, cache_line):
    from itslive_qgis.core.elevation import HeightQuery, read_heights
    from itslive_qgis.core.elevation.atl06 import H5coroReader, H5pyReader
    from itslive_qgis.core.elevation.sources import s3_filesystem
    from itslive_qgis.core.io import StoreConfig

    fs = s3_filesystem(StoreConfig(endpoint_url=endpoint))
    query = HeightQuery(bbox=bbox, quality_only=False)
    if how == "whole":
        reader = H5pyReader(io.BytesIO(fs.cat_file(key)))
    else:
        reader = H5coroReader(f"s3://{key}", fs, cache_line_bytes=cache_line)
        if how == "all":
            df = read_heights([reader], HeightQuery(quality_only=False))
            reader.close()
            return df[df.latitude.between(bbox[1], bbox[3]) & df.longitude.between(bbox[0], bbox[2])]
    try:
        return read_heights([reader], query)
    finally:
        reader.close()


def _range_get_ms(key, endpoint, n=10) -> float:
    """Mean ms of a 1 KB range GET straight from moto (moto reads the whole object for a range)."""
    from itslive_qgis.core.elevation.sources import s3_filesystem
    from itslive_qgis.core.io import StoreConfig

    fs = s3_filesystem(StoreConfig(endpoint_url=endpoint))
    fs.cat_file(key, start=0, end=1024)
    t0 = time.perf_counter()
    for i in range(n):
        fs.cat_file(key, start=1024 * i, end=1024 * (i + 1))
    return (time.perf_counter() - t0) / n * 1000.0


def _start_moto():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("moto_server")
    proc = subprocess.Popen(
        [str(exe), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, endpoint
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("moto_server did not start")


if __name__ == "__main__":
    sys.exit(main())
