"""Benchmark: the SlideRule source's client side: the real ``sliderule`` client against a local server.

The local server (tests/fixtures/sliderule_server.py) speaks SlideRule's wire protocol and answers
the generator's ATL06 granules (``--cycles`` repeat cycles, two tracks, six beams, 20 m segments)
for the whole glacier; the service's own processing and the network are NOT measured (SlideRule is
online only). What is measured: the client's request, the decoding of the binary record stream
(pure Python, field by field) and the mapping to the algorithm's columns, against reading the same
granules from local files with the plugin's h5py reader. Prints segments, seconds and segments per
second of each, and checks that they give the same segments. Run::

    python -m bench.bench_sliderule [--cycles 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=8, help="repeat cycles (two granules each)")
    args = parser.parse_args(argv)
    try:
        import sliderule  # noqa: F401
    except ImportError:
        print("bench_sliderule: sliderule is not installed (set 'sliderule'): skipped")
        return 0
    from itslive_qgis.core.elevation import (
        GranuleList,
        HeightQuery,
        open_granules,
        read_heights,
        read_sliderule,
    )
    from tests.fixtures import atl06 as gen
    from tests.fixtures.sliderule_server import SlideRuleServer, segments_from_granules

    with tempfile.TemporaryDirectory() as tmp:
        granules = gen.write_granules(Path(tmp), cycles=tuple(range(3, 3 + args.cycles)), seed=5)
        query = HeightQuery(bbox=gen.glacier_bbox(), quality_only=False)
        t0 = time.perf_counter()
        with open_granules(GranuleList(tuple(str(g.path) for g in granules))) as readers:
            direct = read_heights(readers, query)
        t_files = time.perf_counter() - t0
        with SlideRuleServer(segments_from_granules([g.path for g in granules])) as server:
            t0 = time.perf_counter()
            answer = read_sliderule(query, url=server.url)
            t_client = time.perf_counter() - t0
    same = len(answer) == len(direct)
    n = len(answer)
    print(f"{len(granules)} granules, {n} segments in the extent (all qualities)")
    print(
        f"  h5py, local files:                     {t_files:6.2f} s  {len(direct) / t_files:9.0f} segments/s"
    )
    print(f"  sliderule client, local server (atl06sp): {t_client:6.2f} s  {n / t_client:9.0f} segments/s")
    print(f"  ratio client / files: {t_client / t_files:.1f}x; same segments: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
