"""The point panel's figures rendered off the main thread (issue 13: the UI never stalls).

matplotlib draws a figure on the thread that asks: on the QGIS main thread the point panel's
velocity figure (about 1,200 pair bars, constrained layout, date ticks, a two-column legend) took
150-330 ms per draw, and the scenario suite measured event-loop gaps of 290-520 ms while a point
series arrived. :class:`BackgroundCanvas` is the Qt widget of such a figure that renders it in a
worker thread instead:

* the figure stays the main thread's model (artists, limits, hit tests of hover and clicks);
* a render request (``draw_idle``) takes a copy of the figure (``pickle``: matplotlib figures are
  picklable, without their canvas and callbacks), and the worker renders the copy with the Agg
  renderer into an RGBA image. The main thread never waits for it;
* when the image arrives (a queued Qt signal), the widget paints it; the axes' positions that the
  layout engine computed on the copy are copied back to the model (``Axes.set_position``, the
  axes then put back in the layout), so the hover and click hit tests agree with the bars on
  screen; the figure's ``draw_event`` callbacks are then called (listeners that wait for the
  velocity plot's draw, gui/point_elevation.py);
* requests that arrive while a render runs are coalesced into one render of the latest state;
  requests while the widget is hidden (a resize in another tab of the dock) wait until it shows.

Why hand-written: matplotlib has no asynchronous renderer (its ``draw_idle`` defers a draw to the
same thread's event loop). The worker is one thread for all canvases: its fonts stay in
matplotlib's per-thread font cache (``font_manager._get_font`` is keyed by thread). A direct
``canvas.draw()`` still renders synchronously on the calling thread (exports, tests); an older
background image never replaces it.
"""

from __future__ import annotations

import pickle
import queue
import threading

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg  # imported with the first figure
from qgis.PyQt.QtCore import QObject, Qt, pyqtSignal
from qgis.PyQt.QtGui import QImage, QPainter


class _Delivery(QObject):
    """Carries finished images from the worker thread to the main thread (queued signal)."""

    rendered = pyqtSignal(object)


class _Worker:
    """One daemon thread that renders figure copies, in the order asked."""

    def __init__(self):
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name="itslive-figure-render", daemon=True)
        self.thread.start()

    def submit(self, job) -> None:
        self.jobs.put(job)

    def _run(self) -> None:
        from ..tasks import gil

        while True:
            job = self.jobs.get()
            with gil.shared():  # the main thread's slots get the GIL in short slices meanwhile
                job.run()


_WORKER: _Worker | None = None
_WORKER_LOCK = threading.Lock()


def _worker() -> _Worker:
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None:
            _WORKER = _Worker()
    return _WORKER


class _Job:
    """One render: the pickled figure in, an RGBA image and the axes' positions out."""

    def __init__(self, number: int, data: bytes, dpi: float, size_in, delivery: _Delivery):
        self.number, self.data, self.dpi, self.size_in = number, data, dpi, size_in
        self.delivery = delivery
        self.image = None
        self.positions = []
        self.error = None

    def run(self) -> None:  # worker thread: touches only its own copy
        try:
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            figure = pickle.loads(self.data)
            FigureCanvasAgg(figure)
            figure.set_dpi(self.dpi)
            figure.set_size_inches(*self.size_in, forward=False)
            figure.canvas.draw()
            pixels = np.ascontiguousarray(np.asarray(figure.canvas.buffer_rgba()))
            height, width = pixels.shape[:2]
            buffer = pixels.tobytes()
            image = QImage(buffer, width, height, 4 * width, QImage.Format.Format_RGBA8888)
            self.image = image.copy()  # owns its pixels (the bytes object goes away)
            self.positions = [
                (ax.get_position(original=True).frozen(), ax.get_position(original=False).frozen())
                for ax in figure.axes
            ]
        except Exception as exc:  # shown by the main thread's synchronous draw instead
            self.error = exc
        self.data = None
        try:
            self.delivery.rendered.emit(self)
        except RuntimeError:  # the canvas (and its QObject) was deleted meanwhile
            pass


class BackgroundCanvas(FigureCanvasQTAgg):
    """A FigureCanvasQTAgg whose ``draw_idle`` renders in a worker thread (see module doc)."""

    _delivery = None
    _jobs = 0  # numbers given to jobs
    _running = None  # the job in the worker, or None
    _again = False  # a request came while a job ran
    _shown = -1  # number of the job whose image is painted (-1: the Agg buffer's)
    _image = None
    _hidden_stale = False  # a render was asked for while the widget was hidden
    _queued = None  # the zero-delay timer of a request not yet copied (QTimer), or None
    #: renders done in the worker, and the last one's failure (for tests and the bench)
    background_renders = 0
    last_error = None

    def __init__(self, figure):
        super().__init__(figure)
        self._delivery = _Delivery(self)
        self._delivery.rendered.connect(self._arrived)

    # -- requests ----------------------------------------------------------------------------------
    def draw_idle(self):
        """Render the current figure in the worker thread (coalesced); returns at once.

        The copy is taken in a later event-loop pass: the requests of one pass (a resize, the
        widget shown, the plot's own) cost one copy, and the loop ticks between them and it (the
        copy of a figure of ~1,200 pair bars takes tens of ms: three of them back to back were
        one stall of the point-series step).
        """
        if self._delivery is None:  # during the base class's __init__
            return
        if not self.isVisible():  # e.g. resized in a hidden tab: rendered when shown (showEvent)
            self._hidden_stale = True
            return
        if self._queued is None:
            from qgis.PyQt.QtCore import QTimer

            self._queued = QTimer(self)
            self._queued.setSingleShot(True)
            self._queued.setInterval(0)
            self._queued.timeout.connect(self._submit)
        self._queued.start()

    def _submit(self):
        """Copy the figure and hand it to the worker (the queued request of :meth:`draw_idle`)."""
        if not self.isVisible():  # e.g. resized in a hidden tab: rendered when shown (showEvent)
            self._hidden_stale = True
            return
        if self._running is not None:
            self._again = True
            return
        self._again = False
        self._jobs += 1
        figure = self.figure
        try:
            data = pickle.dumps(figure, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an unpicklable artist: render here, as matplotlib would
            self.last_error = exc
            super().draw_idle()
            return
        self._running = _Job(self._jobs, data, figure.dpi, tuple(figure.get_size_inches()), self._delivery)
        _worker().submit(self._running)

    def showEvent(self, event):
        super().showEvent(event)
        if self._hidden_stale:
            self._hidden_stale = False
            self.draw_idle()

    def rendering(self) -> bool:
        """True while a background render runs or is asked for."""
        queued = self._queued is not None and self._queued.isActive()
        return self._running is not None or self._again or queued

    def draw(self):
        """Synchronous render on this thread (exports, tests); newer than any image in flight."""
        self._shown = self._jobs
        self._image = None
        super().draw()

    # -- arrivals ------------------------------------------------------------------------------------
    def _arrived(self, job: _Job) -> None:
        if job is not self._running:
            return
        self._running = None
        self.background_renders += 1
        if job.error is not None:
            self.last_error = job.error
        elif job.number > self._shown:
            self._shown, self._image = job.number, job.image
            self._image.setDevicePixelRatio(self.device_pixel_ratio)
            axes = self.figure.axes
            # only a layout engine's positions are copied back: without one the model placed its
            # axes itself, maybe anew since this copy was taken (an older image must not undo that)
            if self.figure.get_layout_engine() is not None and len(axes) == len(job.positions):
                for ax, (original, active) in zip(axes, job.positions):
                    in_layout = ax.get_in_layout()
                    ax.set_position(original, which="original")
                    ax.set_position(active, which="active")
                    ax.set_in_layout(in_layout)  # set_position takes an axes out of the layout
            self.update()
            self.callbacks.process("draw_event", _DrawEvent(self))
        if self._again:
            self.draw_idle()  # the newer state, copied in a later pass

    def paintEvent(self, event):
        if self._image is None:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), Qt.GlobalColor.white)  # a larger widget: until the next image
            painter.drawImage(0, 0, self._image)
        finally:
            painter.end()


class _DrawEvent:
    """What a ``draw_event`` callback receives (matplotlib's DrawEvent needs the renderer)."""

    name = "draw_event"

    def __init__(self, canvas):
        self.canvas = canvas
        self.renderer = None
        self.guiEvent = None
