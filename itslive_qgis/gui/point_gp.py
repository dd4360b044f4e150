"""The point panel's second smoother: the interval-mean Gaussian process (core.gp) beside the inversion.

A checkbox in the panel's form; when ticked, every point's filtered pairs are fitted in a background
task (vx and vy, the panel's step and weighting) and the posterior step means are drawn over the
plot after each redraw (dashed line, 1-sigma band), in the point's colour. Fits are cached per point
and options, so changing only the component or the colours does not refit.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QObject
from qgis.PyQt.QtWidgets import QCheckBox

from ..i18n import tr
from ..tasks.base import CallableTask, start

GP_COLOUR = "#d35400"


class PointGP(QObject):
    """Owns the checkbox, the fits and the overlay; ``panel`` is the TimeSeriesPanel."""

    def __init__(self, panel, form):
        super().__init__(panel)
        self.panel = panel
        self.check = QCheckBox(tr("Gaussian process (pairs as interval means)"))
        self.check.setToolTip(
            tr(
                "A second smoother: trend + seasonal (quasi-periodic) + noise Gaussian process in which each "
                "pair observes the mean velocity over its interval; hyper-parameters by marginal "
                "likelihood. Dashed line: posterior step means, band: 1 sigma."
            )
        )
        self.check.setObjectName("itslive_ts_gp")
        form.addRow(tr("Second smoother"), self.check)
        self.fits: dict = {}  # id(point) -> (key, RegularSeries)
        self.task = None
        self._generation = 0
        self.check.toggled.connect(lambda on: self.update(redraw=True) if on else panel.redraw())
        panel.plotUpdated.connect(self._overlay)

    def key(self, series) -> tuple:
        """What a fit depends on: the pairs kept by the filters, the step, the weighting."""
        return (len(series), float(series.d1_days.sum()) if len(series) else 0.0, self.panel.interval.value(),
                self.panel.errors_check.isChecked())  # fmt: skip

    def update(self, redraw: bool = False):
        """Fit the points whose pairs or options changed (background), then redraw.

        ``redraw``: redraw now also when every fit is cached (the panel's refresh has just redrawn).
        """
        self._generation += 1
        generation = self._generation
        if not self.check.isChecked():
            return
        todo = []
        for p, s in zip(self.panel.points, self.panel.filtered()):
            k = self.key(s)
            if p.series.regular is None and self.fits.get(id(p), (None,))[0] != k and len(s) >= 10:
                todo.append((p, s, k))
        if not todo:
            if redraw:
                self.panel.redraw()  # the overlay is drawn after every redraw (plotUpdated)
            return
        interval = self.panel.interval.value()
        weighting = "errors" if self.panel.errors_check.isChecked() else "none"

        def work(_progress):
            from ..core.gp import gp_point  # imported here, in the task: not on the main thread

            return [gp_point(s, interval_days=interval, weighting=weighting) for _, s, _ in todo]

        def done(result, error):
            self.task = None
            if generation != self._generation:
                return
            if error is not None:
                self.panel.status.setText(tr("Gaussian process failed: {}").format(error))
            for (p, _, k), r in zip(todo, result or []):
                self.fits[id(p)] = (k, r)
            self.panel.schedule_redraw()

        self.task = CallableTask(tr("ITS_LIVE point Gaussian process"), work, on_done=done)
        start(self.task)

    def fitted(self, point):
        """The GP series of ``point`` when it is up to date, else None."""
        return self.fits.get(id(point), (None, None))[1]

    def _overlay(self):
        plot = self.panel.plot
        if plot is None or not self.check.isChecked():
            return
        component = self.panel.component_combo.currentData()
        drawn = False
        for number, p in enumerate(self.panel.points):
            reg = self.fitted(p)
            if reg is None:
                continue
            values, sigma = reg.component(component)
            colour = GP_COLOUR if len(self.panel.points) == 1 else p.colour
            band = (values - sigma, values + sigma)
            plot.ax.fill_between(reg.centres_days, *band, color=colour, alpha=0.15, lw=0, zorder=3)
            label = tr("Gaussian process") if number == 0 else None
            plot.ax.plot(reg.centres_days, values, color=colour, lw=1.4, ls="--", zorder=5, label=label)
            drawn = True
        if drawn:
            plot.request_render()
