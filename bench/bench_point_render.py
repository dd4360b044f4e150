"""Benchmark: main-thread time of a point-plot redraw, drawn directly vs rendered in the worker.

The point panel's velocity figure (``--points`` series of ``--pairs`` pairs each, the scenario's
size by default: 2 x 600) is redrawn ``--repeat`` times two ways in an offscreen QGIS
application:

* direct: build the artists, then ``canvas.draw()`` on the main thread (what the panel did);
* worker: build the artists, then ``draw_idle()`` of :class:`gui.point_render.BackgroundCanvas`
  (pickle the figure; the Agg render runs in the render thread), waiting until it is painted.

Printed: the median main-thread milliseconds per redraw of each (thread CPU time of the main
thread, ``time.thread_time``, plus the wall time of the calls), the worker's wall time until
the image is painted, and the ratio direct / worker of the main thread's time. The event loop is
blocked for the main thread's share only. Run::

    QT_QPA_PLATFORM=offscreen python -m bench.bench_point_render [--points 2 --pairs 600]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2)
    parser.add_argument("--pairs", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    try:
        import matplotlib  # noqa: F401
        from qgis.core import QgsApplication
    except ImportError as exc:
        print(f"skipped: {exc}")
        return 0
    app = QgsApplication.instance() or QgsApplication([], True)
    from itslive_qgis.gui.timeseries_plot import POINT_COLOURS, PlotEntry, SeriesPlot
    from tests.fixtures.point_series import FakeSeries

    plot = SeriesPlot()
    plot.canvas.resize(700, 420)
    plot.canvas.show()

    def settle(limit_s=30.0):
        end = time.monotonic() + limit_s
        while plot.render_pending() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.002)

    def entries(k):
        return [
            PlotEntry(f"P{i + 1} label", POINT_COLOURS[i % len(POINT_COLOURS)], FakeSeries(args.pairs, k + i))
            for i in range(args.points)
        ]

    settle()
    direct, worker_main, worker_wall = [], [], []
    for k in range(args.repeat):
        batch = entries(k)
        cpu, wall = time.thread_time(), time.perf_counter()
        plot.draw(batch)
        plot.canvas.draw()
        direct.append((time.thread_time() - cpu) * 1e3)
        settle()
        cpu, wall = time.thread_time(), time.perf_counter()
        plot.draw(batch)
        plot.render_now()
        worker_main.append((time.thread_time() - cpu) * 1e3)
        settle()
        worker_wall.append((time.perf_counter() - wall) * 1e3)
    if plot.canvas.last_error is not None:
        print(f"worker render failed: {plot.canvas.last_error!r}")
        return 1
    d, m, w = (statistics.median(x) for x in (direct, worker_main, worker_wall))
    print(f"{args.points} point(s) x {args.pairs} pairs, median of {args.repeat} redraws")
    print(f"  direct draw, main thread:            {d:7.1f} ms")
    print(f"  worker render, main thread:          {m:7.1f} ms  (build + pickle)")
    print(f"  worker render, request to painted:   {w:7.1f} ms  (wall)")
    print(f"  main-thread time direct / worker:    {d / m:7.2f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
