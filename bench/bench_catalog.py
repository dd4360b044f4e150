"""Benchmark: :meth:`Catalog.matches` on the real ITS_LIVE datacube catalog.

Times one look-up per query of a fixed set (a point, map canvases in polar, UTM and Web
Mercator CRSs, an extent across the antimeridian, the whole world) against the real
``catalog_v02.json`` (3086 cubes) and prints the median time per query (ms) and its ratio
to the 50 ms budget of an interactive canvas look-up (ratio < 1 is within budget). Run::

    python -m bench.bench_catalog [--repeats 30] [--catalog PATH]

Each query is run once untimed first (pyproj sets up its transformers on first use), then
``--repeats`` times. Building the catalog (parsing and indexing) is timed once and printed.
Skips with a message (exit status 0) when the catalog file is absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_CATALOG = REPO.parent / "shared" / "data" / "itslive" / "catalog" / "catalog_v02.json"
BUDGET_MS = 50.0  # interactive budget of one look-up (ms)

#: name -> (point (x, y) or extent (xmin, ymin, xmax, ymax), CRS)
QUERIES: dict[str, tuple[tuple[float, ...], str]] = {
    "point 4326 (Jakobshavn)": ((-49.4604, 69.1117), "EPSG:4326"),
    "200 km canvas 3413 (Jakobshavn)": ((-300_000.0, -2_350_000.0, -100_000.0, -2_150_000.0), "EPSG:3413"),
    "200 km canvas 32646 (UTM 46/47 seam)": ((650_000.0, 3_250_000.0, 850_000.0, 3_450_000.0), "EPSG:32646"),
    "1500 km canvas 3857 (S Alaska)": ((-16_750_000.0, 8_000_000.0, -15_250_000.0, 9_000_000.0), "EPSG:3857"),
    "Ross Ice Shelf 3031 (across 180)": ((-230_000.0, -880_000.0, 170_000.0, -520_000.0), "EPSG:3031"),
    "world 4326": ((-180.0, -90.0, 180.0, 90.0), "EPSG:4326"),
}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table; 0 also when skipped for want of the catalog."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed runs per query")
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG, help="catalog_v02.json to use")
    args = parser.parse_args(argv)
    if not args.catalog.is_file():
        print(f"SKIPPED: the real catalog {args.catalog} is not present: nothing to time.")
        return 0

    from itslive_qgis.core.catalog.catalog import Catalog

    t0 = time.perf_counter()
    catalog = Catalog.from_geojson(args.catalog)
    build_ms = 1000.0 * (time.perf_counter() - t0)
    print(f"catalog {args.catalog.name}: {len(catalog)} cubes, built in {build_ms:.0f} ms")
    print(f"{'query':40s} {'cubes':>6s} {'median ms':>10s} {'max ms':>8s} {'/ 50 ms':>8s}")
    worst = 0.0
    for name, (geometry, crs) in QUERIES.items():
        n_cubes = len(catalog.matches(geometry, crs))  # untimed: transformer setup
        times_ms = []
        for _ in range(max(1, args.repeats)):
            t0 = time.perf_counter()
            catalog.matches(geometry, crs)
            times_ms.append(1000.0 * (time.perf_counter() - t0))
        median_ms = statistics.median(times_ms)
        worst = max(worst, median_ms / BUDGET_MS)
        print(f"{name:40s} {n_cubes:6d} {median_ms:10.2f} {max(times_ms):8.2f} {median_ms / BUDGET_MS:8.2f}")
    verdict = "within" if worst <= 1.0 else "OVER"
    print(f"worst median / budget: {worst:.2f} ({verdict} the {BUDGET_MS:.0f} ms budget)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
