"""The point panel's second plot: ICESat-2 heights near each clicked point, under the velocity history.

Heights come from the project's ICESat-2 layers (those with ``h_li`` and ``time`` fields, as
``itslive:icesat2heights`` writes them): the segments within :data:`RADIUS_M` metres of a
clicked point, drawn in that point's colour with their ``h_li_sigma`` as error bars, on the
velocity plot's time axis (the same x limits; matplotlib dates are days since 1970-01-01, as
the velocity plot's).
"""

from __future__ import annotations

import math

import numpy as np
from qgis.core import (
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)

from ..i18n import tr

RADIUS_M = 500.0
MS_PER_DAY = 86_400_000.0


class ElevationPlot:
    """A small matplotlib figure for h_li (m) against time."""

    def __init__(self, parent=None):
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(7.0, 2.2), dpi=100, layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setObjectName("itslive_elevation_plot")
        if parent is not None:
            self.canvas.setParent(parent)
        self.canvas.setMinimumHeight(150)
        self.ax = self.figure.add_subplot()
        #: segments drawn at the last redraw, per point
        self.counts: list[int] = []

    def draw(self, points, xlim, project: QgsProject | None = None) -> None:
        """Heights near each point (``PlottedPoint`` with ``click`` and ``colour``), on ``xlim``."""
        project = project or QgsProject.instance()
        ax = self.ax
        ax.clear()
        self.counts = []
        for p in points:
            if p.click is None:
                self.counts.append(0)
                continue
            days, h, sigma = heights_near(project, p.click)
            self.counts.append(int(days.size))
            if days.size:
                ax.errorbar(
                    days, h, yerr=sigma, fmt="o", ms=3, color=p.colour, ecolor=p.colour, elinewidth=0.6
                )
        ax.set_xlim(*xlim)
        ax.xaxis_date()
        ax.set_ylabel(tr("ICESat-2 h_li (m)"), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_title(
            tr("ICESat-2 heights within {:.0f} m of each point: {} segment(s)").format(
                RADIUS_M, sum(self.counts)
            ),
            fontsize=8,
        )
        self.canvas.draw_idle()


def heights_near(project: QgsProject, click, radius_m: float = RADIUS_M):
    """(days since 1970, h_li m, h_li_sigma m) of segments within ``radius_m`` of ``click`` (x, y, crs)."""
    x, y, crs = click
    days, heights, sigmas = [], [], []
    for layer in project.mapLayers().values():
        if not isinstance(layer, QgsVectorLayer) or not {"h_li", "time"} <= set(layer.fields().names()):
            continue
        to_layer = QgsCoordinateTransform(crs, layer.crs(), project)
        centre = to_layer.transform(QgsPointXY(x, y))
        if layer.crs().isGeographic():
            dlat = radius_m / 111_320.0
            dlon = dlat / max(math.cos(math.radians(centre.y())), 1e-6)
        else:
            dlat = dlon = radius_m
        box = QgsRectangle(centre.x() - dlon, centre.y() - dlat, centre.x() + dlon, centre.y() + dlat)
        has_sigma = "h_li_sigma" in layer.fields().names()
        for feature in layer.getFeatures(QgsFeatureRequest().setFilterRect(box)):
            when, h = feature["time"], feature["h_li"]
            if h is None or not hasattr(when, "toMSecsSinceEpoch"):
                continue
            days.append(when.toMSecsSinceEpoch() / MS_PER_DAY)
            heights.append(float(h))
            sigma = feature["h_li_sigma"] if has_sigma else None
            sigmas.append(float(sigma) if sigma not in (None, "") else 0.0)
    return np.asarray(days), np.asarray(heights), np.asarray(sigmas)


def attach_elevation_plot(panel, slot):
    """Add the heights plot under the velocity plot of ``panel`` (in its plot layout ``slot``)."""
    plot = ElevationPlot(panel)
    slot.addWidget(plot.canvas)
    panel.elevation = plot
    return plot


def draw_elevation(panel) -> None:
    """Redraw the heights plot of ``panel`` on its velocity plot's time axis (no-op without one)."""
    plot = getattr(panel, "elevation", None)
    if plot is not None and panel.plot is not None:
        plot.draw(panel.points, panel.plot.ax.get_xlim())
