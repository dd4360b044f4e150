"""Animated GIFs written one frame at a time (memory bounded by one frame, whatever the length).

Pillow's own ``save(save_all=True)`` keeps every frame in memory before writing; this writer
uses Pillow only to quantise and LZW-encode each frame and streams it to the file. Each frame
has its own colour table (no colour drift between frames), a GIF comment holding its date
label (Pillow reads it back as ``im.info["comment"]``) and loops forever. The file is written
under a temporary name in the destination folder and renamed on :meth:`GifWriter.close`;
:meth:`GifWriter.abort` removes it, so a cancelled run leaves nothing behind.
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
