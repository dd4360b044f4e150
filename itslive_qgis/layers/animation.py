"""Animated GIFs and MP4 videos written one frame at a time (memory: one frame, whatever the length).

Pillow's own ``save(save_all=True)`` keeps every frame in memory before writing; this writer
uses Pillow only to quantise and LZW-encode each frame and streams it to the file. Each frame
has its own colour table (no colour drift between frames), a GIF comment holding its date
label (Pillow reads it back as ``im.info["comment"]``) and loops forever. The file is written
under a temporary name in the destination folder and renamed on :meth:`GifWriter.close`;
:meth:`GifWriter.abort` removes it, so a cancelled run leaves nothing behind.

MP4 (:class:`Mp4Writer`) goes through imageio-ffmpeg (imageio's own ffmpeg wheel, BSD-2): it ships
a static ffmpeg build with libx264 for Linux, macOS and Windows in the wheel, so nothing outside
pip is needed, and it streams raw RGB frames to the ffmpeg process through a pipe
(``write_frames``), so only one frame is in memory. PyAV would also work but builds against
FFmpeg's shared libraries (wheels are larger and pinned to an FFmpeg version); OpenCV's writer
has no H.264 in its pip wheels. The video is H.264 (yuv420p, even sizes: an odd page is padded
with white), ``+faststart`` (plays while downloading); the frames' date labels are written in
the container's ``comment`` metadata, one per line.
"""

from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtGui import QImage


class GifWriter:
    """Stream frames (QImage) into an animated GIF at ``path``; use as a context manager."""

    def __init__(self, path: str | Path, frame_ms: int = 500):
        self.path = Path(path)
        self.frame_ms = max(20, int(frame_ms))
        self.temporary = self.path.with_name(f".{self.path.stem}.tmp{self.path.suffix}")
        self.frames = 0
        self.size: tuple[int, int] | None = None
        self._file = open(self.temporary, "wb")

    def add(self, image: QImage, comment: str = "") -> None:
        """Append one frame (all frames must have the first one's size)."""
        from PIL import GifImagePlugin, Image

        frame = qimage_to_pil(image)
        if self.size is None:
            self.size = frame.size
        elif frame.size != self.size:
            raise ValueError(f"frame {self.frames + 1} is {frame.size}, not {self.size}")
        paletted = frame.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        if self.frames == 0:
            header, _ = GifImagePlugin.getheader(paletted, None, {"loop": 0, "duration": self.frame_ms})
            for block in header:
                self._file.write(block)
        if comment:
            self._file.write(_comment_block(comment))
        for block in GifImagePlugin.getdata(paletted, duration=self.frame_ms, include_color_table=True):
            self._file.write(block)
        self.frames += 1

    def close(self) -> Path:
        """Finish the file and move it to ``path``."""
        if self._file.closed:
            return self.path
        if self.frames == 0:
            self.abort()
            raise ValueError("no frame was written")
        self._file.write(b";")
        self._file.close()
        self.temporary.replace(self.path)
        return self.path

    def abort(self) -> None:
        """Drop the partial file."""
        if not self._file.closed:
            self._file.close()
        self.temporary.unlink(missing_ok=True)

    def __enter__(self) -> GifWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class Mp4Writer:
    """Stream frames (QImage) into an H.264 MP4 at ``path`` through ffmpeg; use as a context manager.

    ``labels``: the frames' date labels, stored in the container's ``comment`` (one per line).
    Raises ImportError (with the pip command) when imageio-ffmpeg is missing.
    """

    def __init__(self, path: str | Path, frame_ms: int = 500, labels=()):
        import imageio_ffmpeg  # noqa: F401 (ImportError here: nothing is created)

        self.path = Path(path)
        self.frame_ms = max(20, int(frame_ms))
        self.temporary = self.path.with_name(f".{self.path.stem}.tmp{self.path.suffix}")
        self.labels = list(labels)
        self.frames = 0
        self.size: tuple[int, int] | None = None
        self._pipe = None
        self._closed = False

    def add(self, image: QImage, comment: str = "") -> None:
        """Append one frame (all frames must have the first one's size); ``comment`` is unused."""
        frame = _even_rgb(image)
        size = (frame.width(), frame.height())
        if self.size is None:
            self.size = size
            self._pipe = self._open(size)
        elif size != self.size:
            raise ValueError(f"frame {self.frames + 1} is {size}, not {self.size}")
        stride = frame.bytesPerLine()
        data = frame.constBits().asstring(stride * frame.height())
        if stride != 3 * frame.width():  # rows are padded to 4 bytes: drop the padding
            data = b"".join(data[r * stride : r * stride + 3 * frame.width()] for r in range(frame.height()))
        self._pipe.send(data)
        self.frames += 1

    def close(self) -> Path:
        """Finish the video (ffmpeg writes the index) and move it to ``path``."""
        if self._closed:
            return self.path
        if self.frames == 0:
            self.abort()
            raise ValueError("no frame was written")
        self._pipe.close()
        self._closed = True
        if not self.temporary.is_file() or self.temporary.stat().st_size == 0:
            self.temporary.unlink(missing_ok=True)
            raise OSError(f"ffmpeg wrote no video for {self.path}")
        self.temporary.replace(self.path)
        return self.path

    def abort(self) -> None:
        """Stop ffmpeg and drop the partial file."""
        if self._pipe is not None and not self._closed:
            try:
                self._pipe.close()
            except Exception:  # ffmpeg already gone: the partial file goes anyway
                pass
        self._closed = True
        self.temporary.unlink(missing_ok=True)

    def _open(self, size: tuple[int, int]):
        import imageio_ffmpeg

        comment = "\n".join(self.labels).replace("=", "-")
        pipe = imageio_ffmpeg.write_frames(
            str(self.temporary),
            size,
            fps=1000.0 / self.frame_ms,
            codec="libx264",
            pix_fmt_in="rgb24",
            pix_fmt_out="yuv420p",
            quality=8,
            macro_block_size=2,
            ffmpeg_log_level="error",
            output_params=["-movflags", "+faststart", "-metadata", f"comment={comment}", "-f", "mp4"],
        )
        pipe.send(None)  # start ffmpeg
        return pipe

    def __enter__(self) -> Mp4Writer:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def animation_writer(path: str | Path, frame_ms: int, labels=()):
    """A :class:`GifWriter` or :class:`Mp4Writer` from the suffix of ``path`` (.gif / .mp4)."""
    if str(path).lower().endswith(".mp4"):
        return Mp4Writer(path, frame_ms, labels)
    return GifWriter(path, frame_ms)


def _even_rgb(image: QImage) -> QImage:
    """``image`` as RGB888 with even width and height (H.264 4:2:0), padded with white."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = rgb.width() + rgb.width() % 2, rgb.height() + rgb.height() % 2
    if (width, height) == (rgb.width(), rgb.height()):
        return rgb
    from qgis.PyQt.QtGui import QColor, QPainter

    padded = QImage(width, height, QImage.Format.Format_RGB888)
    padded.fill(QColor(255, 255, 255))
    painter = QPainter(padded)
    painter.drawImage(0, 0, rgb)
    painter.end()
    return padded


def qimage_to_pil(image: QImage):
    """A Pillow RGB image with the pixels of ``image``."""
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    stride = rgb.bytesPerLine()
    data = rgb.constBits().asstring(stride * rgb.height())
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), data, "raw", "RGB", stride, 1).copy()


def _comment_block(text: str) -> bytes:
    data = text.encode("utf-8")
    block = b"!\xfe"
    for start in range(0, len(data), 255):
        chunk = data[start : start + 255]
        block += bytes([len(chunk)]) + chunk
    return block + b"\x00"
