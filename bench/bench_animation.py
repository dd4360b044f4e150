"""Benchmark: memory and time of the animation writers (GIF, MP4) as the number of frames grows.

Streams ``--frames`` synthetic 800 x 450 page images (a moving band, so every frame differs) into
:class:`GifWriter` and :class:`Mp4Writer` and prints the resident memory (RSS, from /proc) after
the first tenth of the frames and at the end: bounded memory means the growth stays near 0 MB
whatever the number of frames (ratio end/start ~ 1), and the time per frame. Frames are made
with QPainter, not rendered layouts, so the figures are the writers' own. Run::

    python -m bench.bench_animation [--frames 400]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def rss_mb() -> float:
    """Resident memory of this process, MB."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def frame(index: int, total: int):
    from qgis.PyQt.QtGui import QColor, QImage, QPainter

    image = QImage(800, 450, QImage.Format.Format_RGB888)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    x = int(700 * index / max(total - 1, 1))
    painter.fillRect(x, 50, 100, 350, QColor(30 + index % 200, 120, 200))
    painter.drawText(20, 30, f"frame {index + 1} of {total}")
    painter.end()
    return image


def run(writer_cls, path: Path, total: int) -> tuple[float, float, float]:
    """(RSS after a tenth of the frames, RSS at the end, seconds per frame)."""
    writer = writer_cls(path, 100) if writer_cls.__name__ == "GifWriter" else writer_cls(path, 100, ["x"])
    tenth = max(1, total // 10)
    start_mb = 0.0
    t0 = time.perf_counter()
    with writer:
        for index in range(total):
            writer.add(frame(index, total), f"frame {index + 1}")
            if index + 1 == tenth:
                start_mb = rss_mb()
    seconds = (time.perf_counter() - t0) / total
    return start_mb, rss_mb(), seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=400)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication.instance()
    if app is None:  # alone; under bench/run_all another bench may have started QGIS already
        app = QgsApplication([], False)
        app.initQgis()
    from itslive_qgis.layers.animation import GifWriter, Mp4Writer

    writers = [GifWriter]
    try:
        import imageio_ffmpeg  # noqa: F401

        writers.append(Mp4Writer)
    except ImportError:
        print("imageio-ffmpeg missing: MP4 not measured")
    with tempfile.TemporaryDirectory() as folder:
        for writer_cls in writers:
            suffix = ".gif" if writer_cls is GifWriter else ".mp4"
            path = Path(folder) / f"bench{suffix}"
            start_mb, end_mb, per_frame = run(writer_cls, path, args.frames)
            growth, ratio = end_mb - start_mb, end_mb / start_mb
            print(
                f"{writer_cls.__name__}: {args.frames} frames, RSS {start_mb:.1f} MB after "
                f"{args.frames // 10}, {end_mb:.1f} MB at the end "
                f"(growth {growth:+.1f} MB, ratio {ratio:.3f}); "
                f"{1000 * per_frame:.1f} ms/frame; file {path.stat().st_size / 1e6:.2f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
