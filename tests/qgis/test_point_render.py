"""The point panel's figures are rendered in a worker thread (gui/point_render.py, issue 13)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

from tests.fixtures.point_series import FakeSeries
from tests.qgis.conftest import wait_until

LONG_LABELS = (
    "P1 EPSG:3413 X-180 Y-2280 px (33, 24), 32 m from the click",
    "P2 EPSG:32622 X562 Y7668 px (4, 22), 78 m from the click",
)


@pytest.fixture()
def plot(qgis_app):
    from itslive_qgis.gui.timeseries_plot import PlotEntry, SeriesPlot

    hovered = []
    p = SeriesPlot(on_hover=lambda text, url: hovered.append(url))
    p.hovered = hovered
    p.canvas.resize(560, 420)  # narrow: two columns of these labels do not fit
    p.canvas.show()
    wait_until(lambda: not p.render_pending())
    entries = [PlotEntry(label, colour, FakeSeries(600, seed))
               for seed, (label, colour) in enumerate(zip(LONG_LABELS, ("#1f4e9c", "#c0392b")))]  # fmt: skip
    p.draw(entries)
    yield p
    p.canvas.close()
    p.canvas.deleteLater()


def _pixels(image) -> np.ndarray:
    ptr = image.constBits()
    ptr.setsize(image.sizeInBytes())
    return np.frombuffer(ptr, np.uint8).reshape(image.height(), image.width(), 4).copy()


def _direct(figure):
    """The truth: matplotlib's own synchronous Agg draw, on this thread, of the figure as it is now."""
    import pickle

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    copy = pickle.loads(pickle.dumps(figure))
    FigureCanvasAgg(copy)
    copy.set_dpi(figure.dpi)
    copy.set_size_inches(*figure.get_size_inches(), forward=False)
    copy.canvas.draw()
    return np.asarray(copy.canvas.buffer_rgba()).copy(), copy


def test_the_figure_is_rendered_in_the_worker_and_painted_like_a_direct_draw(plot):
    canvas = plot.canvas
    wait_until(lambda: not plot.render_pending())
    before = canvas.background_renders
    canvas.draw_idle()
    assert plot.render_pending()  # asked, not drawn on this thread
    direct, _ = _direct(plot.figure)  # the state the worker was given
    wait_until(lambda: not plot.render_pending())
    assert canvas.background_renders == before + 1 and canvas.last_error is None
    image = _pixels(canvas._image)
    assert image.shape == direct.shape == (420, 560, 4)
    differ = np.abs(image.astype(int) - direct.astype(int)).max(axis=2) > 40
    assert differ.mean() < 0.01, differ.mean()


def test_hover_and_clicks_hit_the_bars_drawn_by_the_worker(plot):
    wait_until(lambda: not plot.render_pending())
    plot.canvas.draw_idle()
    _, drawn = _direct(plot.figure)  # what the worker draws: its axes where its layout put them
    wait_until(lambda: not plot.render_pending())
    number, pair = 0, int(np.argmax(plot.entries[0].series.date_dt_days))  # the longest bar
    s = plot.entries[0].series
    on_screen = drawn.axes[0].transData.transform((0.5 * (s.d1_days[pair] + s.d2_days[pair]), s.v[pair]))
    x, y = plot.display_xy(number, pair)  # the panel's hit tests: the positions copied back
    assert np.allclose((x, y), on_screen, atol=0.5), ((x, y), on_screen)
    inside = MouseEvent("motion_notify_event", plot.canvas, x, y)
    assert plot.pair_at(inside) is not None
    plot.canvas.callbacks.process("motion_notify_event", inside)
    assert plot.hovered[-1] in set(s.granule_url)


def test_requests_during_a_render_are_coalesced_and_the_legend_fits(plot):
    wait_until(lambda: not plot.render_pending())
    before = plot.canvas.background_renders
    for _ in range(6):
        plot.canvas.draw_idle()
    wait_until(lambda: not plot.render_pending())
    assert 1 <= plot.canvas.background_renders - before <= 2
    renderer = plot.figure.canvas.get_renderer()
    box = plot.ax.get_legend().get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= plot.figure.bbox.width, (box, plot.figure.bbox.width)
    texts = [t.get_text() for t in plot.ax.get_legend().get_texts()]
    assert any(LONG_LABELS[1] in t for t in texts)


def test_a_hidden_figure_is_rendered_when_it_shows_not_before(plot):
    wait_until(lambda: not plot.render_pending())
    before = plot.canvas.background_renders
    plot.canvas.hide()
    plot.canvas.resize(600, 400)  # what a hidden tab's canvas gets when the dock changes width
    plot.canvas.draw_idle()
    assert not plot.render_pending()
    end = time.monotonic() + 0.5
    wait_until(lambda: time.monotonic() > end)  # the event loop runs: nothing is rendered meanwhile
    assert plot.canvas.background_renders == before  # no work for a figure nobody sees
    plot.canvas.show()
    wait_until(lambda: plot.canvas.background_renders == before + 1 and not plot.render_pending())
    assert (plot.canvas._image.width(), plot.canvas._image.height()) == (600, 400)
