"""The point panel's annual-composite overlay: the composite's annual values at the clicked pixel
(markers with 1-sigma error bars at mid-year) over the pairs, and its seasonal curve
``v0 + dv_dt (t - t0) + v_amp cos(2 pi (doy - v_phase) / 365.25)`` (dashed), in the point's colour.

Wiring only: the composite is read by :func:`itslive_qgis.core.composite.composite_point` in a
background task per plotted pixel; the panel calls :meth:`CompositeOverlay.fetch` when series are
added and :meth:`CompositeOverlay.draw` after each redraw.
"""

from __future__ import annotations

import numpy as np
from qgis.core import Qgis, QgsMessageLog

from ..i18n import tr
from ..tasks.base import CallableTask, start

MID_YEAR_DAYS = 182.625


class CompositeOverlay:
    """Composites of the panel's pixels, read once per (cube, pixel), drawn over the plot."""

    def __init__(self, panel):
        self.panel = panel
        self.points: dict[tuple, object] = {}  # (source, col, row) -> CompositePoint or None
        self.tasks: set = set()

    def fetch(self, points) -> None:
        """Read the composite of every new pixel of ``points`` (cube series only) in the background."""
        config = self.panel.config_factory()
        for p in points:
            s = p.series
            key = (s.source, s.col, s.row)
            if key in self.points or s.regular is not None or "/datacubes/" not in str(s.source):
                continue
            self.points[key] = None

            def work(_progress, s=s):
                from ..core.composite import composite_point

                return composite_point(s.source, s.x_m, s.y_m, config)

            task = CallableTask(tr("ITS_LIVE annual composite at the point"), work)
            task.on_done = lambda result, error, key=key, task=task: self._read(task, key, result, error)
            self.tasks.add(task)
            start(task)

    def draw(self, plot, points, component: str) -> None:
        """Markers and the seasonal curve of each point's composite on ``plot.ax`` (m/yr)."""
        if plot is None:
            return
        ax = plot.ax
        drawn = False
        for p in points:
            comp = self.points.get((p.series.source, p.series.col, p.series.row))
            if comp is None or component not in comp.annual:
                continue
            t = comp.year_start_days + MID_YEAR_DAYS
            values, errors = comp.annual[component], comp.annual_error[component]
            ok = np.isfinite(values)
            if not ok.any():
                continue
            ax.errorbar(
                t[ok], values[ok], yerr=np.nan_to_num(errors[ok]), fmt="s", ms=5, color=p.colour, mec="black",
                mew=0.7, ecolor="black", elinewidth=0.9, capsize=2.5, zorder=6,
            )  # fmt: skip
            lo, hi = ax.get_xlim()
            curve_t = np.linspace(lo, hi, 800)
            ax.plot(curve_t, comp.curve(component, curve_t), ls="--", lw=1.2, color=p.colour, zorder=5)
            ax.set_xlim(lo, hi)
            drawn = True
        if drawn:
            _extend_legend(ax)
            plot.place()  # the legend grew: room for its rows under the axes
            plot.request_render()

    def shutdown(self) -> None:
        for task in list(self.tasks):
            task.on_done = None
            task.cancel()
        self.tasks.clear()

    def _read(self, task, key, result, error) -> None:
        self.tasks.discard(task)
        if error is not None:
            QgsMessageLog.logMessage(
                tr("No annual composite for the point: {}").format(error), "ITS_LIVE", Qgis.MessageLevel.Info
            )
            return
        self.points[key] = result
        panel = self.panel
        if panel.plot is None or panel.redraw_pending():
            panel.schedule_redraw()  # a redraw is coming anyway: it draws this composite too
            return
        # only this composite's artists over the drawn plot: a whole redraw (every pair's bar,
        # the heights plot after it) while the other reads ran was the point-series step's
        # largest gap (the main thread shares the GIL with the task threads)
        points = [p for p in panel.points if (p.series.source, p.series.col, p.series.row) == key]
        self.draw(panel.plot, points, panel.component_combo.currentData())
        panel.plotUpdated.emit()


def _extend_legend(ax) -> None:
    """The plot's legend (below the axes) with the composite's two symbols added."""
    from matplotlib.lines import Line2D

    from .timeseries_plot import legend_below

    legend = ax.get_legend()
    if legend is None:
        return
    handles = list(getattr(legend, "legend_handles", None) or legend.legendHandles)
    labels = [text.get_text() for text in legend.get_texts()]
    if tr("annual composite (± 1σ)") in labels:
        return  # an earlier composite of this drawing added them
    handles += [
        Line2D([], [], marker="s", ls="none", color="#999999", mec="black", label=""),
        Line2D([], [], ls="--", lw=1.2, color="#666666"),
    ]
    labels += [tr("annual composite (± 1σ)"), tr("composite seasonal model")]
    legend_below(ax, handles, labels)
