"""The matplotlib figure of the time-series panel: pair bars, inverted series, hover and click.

Each image pair is a horizontal bar from its first to its second acquisition date at its
velocity (m/yr), coloured by satellite (or by point when several points are compared), more
transparent when its error is large relative to its value (optional vertical error bars).
The inverted regular series is drawn on top with its 1-sigma band. Dates on the x axis are
matplotlib date numbers, which are days since 1970-01-01: the core's own unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.io import atomic_output
from ..core.timeseries import days_to_iso
from ..i18n import tr

#: Satellite colours: Landsat in warm/earthy tones, Sentinel-1 purple, Sentinel-2 blue/teal.
SATELLITE_COLOURS = {
    "4": "#8c564b",
    "5": "#d62728",
    "7": "#ff7f0e",
    "8": "#bcbd22",
    "9": "#2ca02c",
    "1A": "#9467bd",
    "1B": "#e377c2",
    "2A": "#1f77b4",
    "2B": "#17becf",
}
OTHER_SATELLITE = "#7f7f7f"
#: Point colours (distinct, dark enough for a line over light bars).
POINT_COLOURS = ("#1f4e9c", "#c0392b", "#1e8449", "#7d3c98", "#b9770e", "#117a65", "#a93226", "#2e4053")
COMPONENT_LABELS = {"v": "Speed", "vx": "vx", "vy": "vy"}
ERROR_NAME = {"v": "v_error", "vx": "vx_error", "vy": "vy_error"}
PICK_RADIUS_PX = 5


@dataclass
class PlotEntry:
    """One series to draw: legend label, point colour, filtered pairs and regular series (or None)."""

    label: str
    colour: str
    series: object
    regular: object = None


class SeriesPlot:
    """A matplotlib Figure in a Qt canvas, with pair hover and click callbacks.

    ``on_hover(text, url)`` is called with the description of the pair under the mouse (``""``
    when none); ``on_click(url)`` when a pair is clicked with the left button, once the
    desktop's double-click interval has passed without a second press: the first press of a
    double click (which loads the pair's granule, gui/point_granule.py) is not a click.
    """

    def __init__(self, parent=None, on_hover=None, on_click=None):
        from matplotlib.figure import Figure

        from .point_render import BackgroundCanvas

        # constrained layout: its tight-bbox pass (~115 ms of a ~190 ms draw) runs in the render
        # worker with the rest of the draw (gui/point_render.py), not on the main thread
        self.figure = Figure(figsize=(7.0, 4.2), dpi=100, layout="constrained")
        self.canvas = BackgroundCanvas(self.figure)
        if parent is not None:
            self.canvas.setParent(parent)
        self.ax = self.figure.add_subplot()
        self.on_hover = on_hover
        self.on_click = on_click
        self.entries: list[PlotEntry] = []
        self.component = "v"
        self._bars: list[tuple] = []  # (LineCollection, entry index, pair indices drawn)
        self._annotation = None
        self._pending_click = ""  # the URL of a single click waiting for the double-click interval
        self._click_timer = single_shot(self.canvas, self._click_now)
        # the figure is rendered in its own event-loop pass, a moment after its artists are built
        self._render_timer = single_shot(self.canvas, self.render_now)
        self.canvas.mpl_connect("motion_notify_event", self._on_motion)
        self.canvas.mpl_connect("button_press_event", self._on_press)
        self.canvas.mpl_connect("resize_event", lambda _event: self.place())
        self.draw([], "v")

    # -- drawing -------------------------------------------------------------------------------
    def draw(self, entries: list[PlotEntry], component: str = "v", colour_by: str = "auto", error_bars=False):
        """Redraw everything (``colour_by``: ``auto``, ``satellite`` or ``point``)."""
        import matplotlib.dates as mdates
        from matplotlib import patheffects
        from matplotlib.collections import LineCollection

        self.entries, self.component = list(entries), component
        ax = self.ax
        clear_artists(ax)
        self._bars = []
        by_point = colour_by == "point" or (colour_by == "auto" and len(entries) > 1)
        values_for_limits, inverted_for_limits = [], []
        satellites_seen: set[str] = set()
        for number, entry in enumerate(entries):
            s = entry.series
            vals = np.asarray(getattr(s, component), dtype="float64")
            errs = np.asarray(getattr(s, ERROR_NAME[component]), dtype="float64")
            shown = np.flatnonzero(np.isfinite(vals) & np.isfinite(s.d1_days) & np.isfinite(s.d2_days))
            if shown.size:
                segs = np.stack(
                    [
                        np.stack([s.d1_days[shown], vals[shown]], 1),
                        np.stack([s.d2_days[shown], vals[shown]], 1),
                    ],
                    1,
                )
                rgba = self._bar_colours(s, shown, vals, errs, entry.colour if by_point else None)
                satellites_seen |= set(np.asarray(s.satellite)[shown].astype(str))
                bars = LineCollection(segs, colors=rgba, linewidths=2.2, capstyle="butt", zorder=2)
                bars.set_pickradius(PICK_RADIUS_PX)
                ax.add_collection(bars)
                self._bars.append((bars, number, shown))
                values_for_limits.append(vals[shown])
                if error_bars:
                    mid = 0.5 * (s.d1_days[shown] + s.d2_days[shown])
                    e = np.where(np.isfinite(errs[shown]), errs[shown], 0.0)
                    ax.vlines(mid, vals[shown] - e, vals[shown] + e, colors=rgba, linewidths=0.7, zorder=1)
            reg = entry.regular
            if reg is not None:
                rv, rs = reg.component(component)
                line_colour = "black" if not by_point and len(entries) == 1 else entry.colour
                ok = np.isfinite(rv)
                if ok.any():
                    sig = np.where(np.isfinite(rs), rs, 0.0)
                    ax.fill_between(
                        reg.centres_days, rv - sig, rv + sig, where=ok, color=line_colour, alpha=0.22, lw=0,
                        zorder=3, interpolate=False,
                    )  # fmt: skip
                    outline = [patheffects.withStroke(linewidth=3.6, foreground="white")]
                    ax.plot(reg.centres_days, rv, color=line_colour, lw=1.8, zorder=4, path_effects=outline)
                    inverted_for_limits.append(rv[ok])
        self._annotation = None
        self._decorate(entries, component, by_point, satellites_seen, mdates)
        if entries:
            self._set_limits(values_for_limits, inverted_for_limits)
        self.place()
        self.request_render()

    def request_render(self) -> None:
        """Render the figure soon, in a later event-loop pass (several requests: one render)."""
        self._render_timer.start(RENDER_DELAY_MS)

    def render_pending(self) -> bool:
        """True while a requested render has not been painted yet."""
        return self._render_timer.isActive() or self.canvas.rendering()

    def render_now(self) -> None:
        """Render the figure (Agg, in the render worker) and have Qt paint it when done."""
        self._render_timer.stop()
        self.canvas.draw_idle()

    def place(self) -> None:
        """Put the axes inside fixed margins that leave room for the labels and the legend below."""
        place_axes(self.figure, self.ax, self.ax.get_legend())

    def pair_count(self) -> int:
        """Pairs currently drawn (all points)."""
        return int(sum(idx.size for _, _, idx in self._bars))

    def save_png(self, path, dpi: int = 150) -> Path:
        """Write the figure to ``path`` (temporary name, then rename)."""
        path = Path(path)
        if self._annotation is not None:
            self._annotation.set_visible(False)
        from .point_figure import export_title, figure_labels  # title and ITS_LIVE citation

        title = export_title([entry.label for entry in self.entries], component_label(self.component))
        with atomic_output(path, "PNG") as tmp, figure_labels(self.figure, title):
            self.figure.savefig(tmp, format="png", dpi=dpi)
        return path

    # -- hover and click -------------------------------------------------------------------------
    def pair_at(self, event):
        """``(entry index, pair index)`` of the bar under a matplotlib mouse event, or None."""
        if event.inaxes is not self.ax:
            return None
        best = None
        for bars, number, shown in reversed(self._bars):
            hit, info = bars.contains(event)
            if not hit:
                continue
            for i in info.get("ind", []):
                pair = int(shown[i])
                val = getattr(self.entries[number].series, self.component)[pair]
                _, ydisp = self.ax.transData.transform((0.0, val))
                dist = abs(ydisp - event.y)
                if best is None or dist < best[0]:
                    best = (dist, number, pair)
            if best is not None:
                break
        return None if best is None else (best[1], best[2])

    def display_xy(self, number: int, pair: int) -> tuple[float, float]:
        """Display (pixel) coordinates of the middle of a pair's bar (for tests and tooltips)."""
        s = self.entries[number].series
        x = 0.5 * (s.d1_days[pair] + s.d2_days[pair])
        return tuple(self.ax.transData.transform((x, getattr(s, self.component)[pair])))

    def describe(self, number: int, pair: int) -> str:
        """Dates, baseline, value and granule of a pair, as shown on hover."""
        s = self.entries[number].series
        d1, d2 = days_to_iso(np.array([s.d1_days[pair], s.d2_days[pair]]))
        val = getattr(s, self.component)[pair]
        err = getattr(s, ERROR_NAME[self.component])[pair]
        err_text = "" if not np.isfinite(err) else f" ± {err:.0f}"
        return tr("{} → {} (baseline {:.1f} days)\n{} {:.0f}{} m/yr, satellites {}/{}\n{}").format(
            d1.replace("T", " "),
            d2.replace("T", " "),
            float(s.date_dt_days[pair]),
            component_label(self.component),
            val,
            err_text,
            s.satellite[pair],
            s.satellite_img2[pair],
            s.granule_url[pair],
        )

    def _on_motion(self, event):
        found = self.pair_at(event)
        if found is None:
            if self._annotation is not None and self._annotation.get_visible():
                self._annotation.set_visible(False)
                self.canvas.draw_idle()
            if self.on_hover:
                self.on_hover("", "")
            return
        number, pair = found
        s = self.entries[number].series
        text = self.describe(number, pair)
        self._show_annotation(number, pair, text.rsplit("\n", 1)[0])
        if self.on_hover:
            self.on_hover(text, str(s.granule_url[pair]))

    def _on_press(self, event):
        if getattr(event, "button", None) != 1:
            return
        if getattr(event, "dblclick", False):  # the second press of a double click: no single click
            self._click_timer.stop()
            self._pending_click = ""
            return
        found = self.pair_at(event)
        if found is not None and self.on_click:
            from qgis.PyQt.QtWidgets import QApplication

            number, pair = found
            self._pending_click = str(self.entries[number].series.granule_url[pair])
            self._click_timer.start(QApplication.doubleClickInterval())

    def _click_now(self):
        url, self._pending_click = self._pending_click, ""
        if url and self.on_click:
            self.on_click(url)

    def _show_annotation(self, number, pair, text):
        s = self.entries[number].series
        x = 0.5 * (s.d1_days[pair] + s.d2_days[pair])
        y = getattr(s, self.component)[pair]
        if self._annotation is None:
            self._annotation = self.ax.annotate(
                "", (x, y), xytext=(12, 12), textcoords="offset points", fontsize=8, zorder=10,
                bbox={"boxstyle": "round", "fc": "#fffff0", "ec": "#888888", "alpha": 0.95},
            )  # fmt: skip
        # keep the box inside the axes: to the left of the pair in the right half, below it in the top half
        (x0, x1), (y0, y1) = self.ax.get_xlim(), self.ax.get_ylim()
        right, top = x > 0.5 * (x0 + x1), y > 0.5 * (y0 + y1)
        self._annotation.set_position((-12 if right else 12, -12 if top else 12))
        self._annotation.set_ha("right" if right else "left")
        self._annotation.set_va("top" if top else "bottom")
        self._annotation.xy = (x, y)
        self._annotation.set_text(text)
        self._annotation.set_visible(True)
        self.canvas.draw_idle()

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _bar_colours(s, shown, vals, errs, point_colour):
        from matplotlib.colors import to_rgba

        if point_colour is not None:
            rgba = np.tile(to_rgba(point_colour), (shown.size, 1))
        else:
            sats = np.asarray(s.satellite)[shown].astype(str)
            rgba = np.array([to_rgba(SATELLITE_COLOURS.get(k, OTHER_SATELLITE)) for k in sats]).reshape(-1, 4)
        rgba[:, 3] = _alpha_by_error(errs[shown], 0.95 if point_colour is None else 0.6)
        return rgba

    def _decorate(self, entries, component, by_point, satellites_seen, mdates):
        from matplotlib.lines import Line2D

        from ..core.timeseries import sort_satellites

        ax = self.ax
        if not entries:  # a hint, not an empty 1970 axis
            ax.set_axis_off()
            ax.text(0.5, 0.5, tr("Click on the map to plot the velocity history of a point"),
                    transform=ax.transAxes, ha="center", va="center", color="#666666", wrap=True)  # fmt: skip
            return
        ax.set_axis_on()
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlabel(tr("Date (acquisition interval of each image pair)"))
        ax.set_ylabel(tr("{} (m/yr)").format(component_label(component)))
        ax.grid(True, color="#dddddd", lw=0.6, zorder=0)
        handles = []
        if not by_point:
            handles += [
                Line2D(
                    [], [], color=SATELLITE_COLOURS.get(k, OTHER_SATELLITE), lw=3, label=_satellite_name(k)
                )
                for k in sort_satellites(satellites_seen)
            ]
        else:
            handles.append(
                Line2D([], [], color="#999999", lw=3, label=tr("image pair (bar = acquisition interval)"))
            )
        for entry in entries:
            single = not by_point and len(entries) == 1
            colour = "black" if single else entry.colour
            has_reg = entry.regular is not None
            label = entry.label + (tr(" (inverted ± 1σ)") if has_reg else "")
            handles.append(Line2D([], [], color=colour, lw=1.8 if has_reg else 3, label=label))
        legend_below(ax, handles, [h.get_label() for h in handles])  # never over the data
        title = tr("{} at {} point(s): {} image pairs")
        ax.set_title(
            title.format(component_label(component), len(entries), self.pair_count()), fontsize=9, y=1.0
        )

    def _set_limits(self, values, inverted):
        all_x = [(e.series.d1_days, e.series.d2_days) for e in self.entries if len(e.series)]
        all_x += [
            (e.regular.edges_days[:1], e.regular.edges_days[-1:])
            for e in self.entries
            if e.regular is not None
        ]
        if all_x:
            lo = min(float(np.nanmin(a)) for a, _ in all_x if a.size)
            hi = max(float(np.nanmax(b)) for _, b in all_x if b.size)
            pad = max((hi - lo) * 0.02, 5.0)
            self.ax.set_xlim(lo - pad, hi + pad)
        # robust limits: a 32,767 m/yr sentinel or a spike of the inversion does not squash the plot
        bounds = []
        for arrays, q in ((values, 0.01), (inverted, 0.02)):
            vals = np.concatenate([np.asarray(v, "float64") for v in arrays]) if arrays else np.zeros(0)
            vals = vals[np.isfinite(vals)]
            if vals.size:
                bounds.append(np.quantile(vals, [q, 1.0 - q]))
        if bounds:
            lo, hi = min(b[0] for b in bounds), max(b[1] for b in bounds)
            pad = max((hi - lo) * 0.12, 1.0)
            self.ax.set_ylim(lo - pad, hi + pad)


#: margins (inches) around the axes: y tick labels and label; right edge; title; x tick labels and label
MARGINS_IN = {"left": 0.78, "right": 0.2, "top": 0.32, "bottom": 0.5}
#: the legend's anchor below the axes, in axes heights (``bbox_to_anchor=(0.5, -LEGEND_DROP)``)
LEGEND_DROP = 0.16


def legend_below(ax, handles, labels) -> None:
    """The legend under the axes, inside the figure's width: two columns when they fit, else one,
    else a smaller font (long labels, e.g. 'P2 EPSG:32622 X562 Y7668 px (4, 22), 78 m from the
    click (inverted ± 1σ)', were cut at the figure's right edge)."""
    figure = ax.figure
    width = figure.bbox.width
    key = (tuple(labels), round(width), figure.dpi)
    tries = [(2, 7), (1, 7), (1, 6)] if len(handles) > 3 else [(1, 7), (1, 6)]
    if key in _LEGEND_FITS:  # measured before (each redraw of the same points): no trial legends
        tries = [_LEGEND_FITS[key]]
    renderer = figure.canvas.get_renderer()
    for ncol, size in tries:
        legend = ax.legend(handles, labels, fontsize=size, loc="upper center", ncol=ncol, frameon=False,
                           bbox_to_anchor=(0.5, -LEGEND_DROP))  # fmt: skip
        if len(tries) == 1 or legend.get_window_extent(renderer).width <= 0.98 * width:
            break
    if len(_LEGEND_FITS) > 256:
        _LEGEND_FITS.clear()
    _LEGEND_FITS[key] = (ncol, size)


#: (labels, figure width px, dpi) -> (columns, font size) of a legend that fits
_LEGEND_FITS: dict[tuple, tuple[int, int]] = {}


def place_axes(figure, ax, legend=None, margins: dict | None = None, right_axis: bool = False) -> None:
    """Place ``ax`` in ``figure`` with fixed margins (inches), leaving room for ``legend`` below it.

    Replaces constrained layout, whose tight-bbox pass (every tick label laid out, then the figure
    drawn) doubled the cost of each draw. The legend's height is measured (its texts only); the
    space under the axes is solved for a legend anchored ``LEGEND_DROP`` axes heights below them.
    ``right_axis``: keep the left margin's width on the right too (a twin y axis).
    """
    if figure.get_layout_engine() is not None:
        return  # the layout engine places the axes
    m = {**MARGINS_IN, **(margins or {})}
    width, height = figure.get_size_inches()
    if width <= 0.5 or height <= 0.5:
        return
    bottom = m["bottom"]
    if legend is not None:
        legend_in = legend.get_window_extent(figure.canvas.get_renderer()).height / figure.dpi
        # bottom = LEGEND_DROP * (height - top - bottom) + legend + pad, solved for bottom
        bottom = max(bottom, (LEGEND_DROP * (height - m["top"]) + legend_in + 0.1) / (1.0 + LEGEND_DROP))
    right = m["left"] if right_axis else m["right"]
    left_f, right_f = min(m["left"] / width, 0.4), max(1.0 - right / width, 0.6)
    bottom_f, top_f = min(bottom / height, 0.7), max(1.0 - m["top"] / height, 0.75)
    if top_f - bottom_f < 0.1:
        bottom_f = top_f - 0.1
    figure.subplots_adjust(left=left_f, right=right_f, bottom=bottom_f, top=top_f)


#: delay (ms) between building a figure's artists and rendering it: another event-loop pass
RENDER_DELAY_MS = 15
#: axis labels' distance (inches) from the axes: below the x tick labels, left of the y tick labels
X_LABEL_DROP_IN, Y_LABEL_OFFSET_IN = 0.3, 0.55


def fix_label_positions(
    ax, x_drop_in: float = X_LABEL_DROP_IN, y_offset_in: float = Y_LABEL_OFFSET_IN
) -> None:
    """Axis labels at fixed distances from the axes (inches), not placed from the tick labels' boxes.

    matplotlib places a label automatically by laying out every tick label of the axis first, in
    each draw (~60 ms of a 100 ms draw here); the margins are fixed anyway (:func:`place_axes`).
    """
    from matplotlib.transforms import ScaledTranslation

    scale = ax.figure.dpi_scale_trans
    ax.xaxis.set_label_coords(0.5, 0.0, ax.transAxes + ScaledTranslation(0.0, -x_drop_in, scale))
    ax.yaxis.set_label_coords(0.0, 0.5, ax.transAxes + ScaledTranslation(-y_offset_in, 0.0, scale))


def clear_artists(ax) -> None:
    """Remove what was drawn on ``ax`` but keep its axes, ticks and locators.

    ``ax.clear()`` rebuilt every tick, spine and axis, and the next draw made their tick objects
    again (a third of each redraw, on the main thread).
    """
    for artist in [*ax.collections, *ax.lines, *ax.texts, *ax.patches, *ax.images]:
        artist.remove()
    ax.containers.clear()
    if ax.get_legend() is not None:
        ax.get_legend().remove()


def single_shot(parent, slot):
    from qgis.PyQt.QtCore import QTimer

    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.timeout.connect(slot)
    return timer


def component_label(component: str) -> str:
    """Translated name of a velocity component (``Speed``, ``vx``, ``vy``)."""
    return tr("Speed") if component == "v" else COMPONENT_LABELS[component]


def _alpha_by_error(errors: np.ndarray, top: float) -> np.ndarray:
    """Opacity from the rank of each pair's error in the series: ``top`` (best) down to 0.25 (worst)."""
    e = np.asarray(errors, dtype="float64")
    out = np.full(e.size, 0.5 * top)
    ok = np.isfinite(e)
    if ok.sum() > 1:
        rank = np.argsort(np.argsort(e[ok], kind="stable"), kind="stable") / (ok.sum() - 1)
        out[ok] = top - (top - 0.25) * rank
    elif ok.any():
        out[ok] = top
    return out


def _satellite_name(code: str) -> str:
    if code.isdigit():
        return tr("Landsat {}").format(code)
    if code[:1] in "12":
        return tr("Sentinel-{}").format(code)
    return code
