"""The point panel's second plot: ICESat-2 heights near each clicked point, under the velocity history.

Heights come from the project's ICESat-2 layers (those with ``h_li`` and ``time`` fields, as
``itslive:icesat2heights`` writes them): the segments within :data:`RADIUS_M` metres of a
clicked point, drawn in that point's colour with their ``h_li_sigma`` as error bars, on the
velocity plot's time axis (the same x limits; matplotlib dates are days since 1970-01-01, as
the velocity plot's).

Where a height-change source is loaded or configured, its series at each clicked point's cell
(``core.elevation.height_change_at``: dh in m against time) is drawn on the same time axis, on a
second y axis (dh is relative to the source's own reference epoch, the heights are absolute).
Sources: the project's layers whose file is an ATL15 file, a height-change cube or an
``itslive:elevationchange`` output with a time axis, and the paths in the project entry
``itslive/height_change_sources`` (';'-separated; ``make demo`` sets it).
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

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
from .timeseries_plot import RENDER_DELAY_MS

RADIUS_M = 500.0
MS_PER_DAY = 86_400_000.0
#: project entry (scope, key) of configured height-change sources, ';'-separated
SOURCES_ENTRY = ("itslive", "height_change_sources")
#: the heights plot's margins (inches; smaller fonts than the velocity plot's, same left edge)
ELEVATION_MARGINS_IN = {"top": 0.26, "bottom": 0.3}
#: room kept right of both plots' axes for the height-change axis's ticks and label (inches)
RIGHT_AXIS_IN = 0.55
#: the heights plot waits for the velocity plot's draw, at most this long (ms)
ELEVATION_FALLBACK_MS = 200


class ElevationPlot:
    """A small matplotlib figure for h_li (m) against time."""

    def __init__(self, parent=None):
        from matplotlib.figure import Figure

        from .point_render import BackgroundCanvas

        # no layout engine: the axes are put at the velocity axes' columns (:meth:`follow`), so a
        # date is at the same screen column in both plots (each laid out on its own, they were
        # 30-65 px apart); the draw itself runs in the render worker (point_render.py)
        self.figure = Figure(figsize=(7.0, 2.2), dpi=100)
        self.canvas = BackgroundCanvas(self.figure)  # rendered in a worker thread
        self.canvas.mpl_connect("resize_event", lambda _event: self.place())
        from .timeseries_plot import single_shot

        self._render_timer = single_shot(self.canvas, self.canvas.draw_idle)
        self.canvas.setObjectName("itslive_elevation_plot")
        if parent is not None:
            self.canvas.setParent(parent)
        self.canvas.setMinimumHeight(150)
        self.ax = self.figure.add_subplot()
        self.dh_ax = None
        #: segments drawn at the last redraw, per point
        self.counts: list[int] = []
        #: height-change values drawn at the last redraw, per point
        self.dh_counts: list[int] = []
        #: (click, sources) -> ([HeightChangeSeries], [error message]) once read; None while reading
        self.dh_cache: dict[tuple, tuple | None] = {}
        self.tasks: set = set()
        #: called on the main thread when a read came back (the panel redraws)
        self.on_series = None
        #: what the last drawing showed (points, axis, layers, reads): the same again is not redrawn
        self.drawn_key = None
        #: schedules the next redraw after the velocity plot's (attach_elevation_plot sets it)
        self.timer = None
        #: the velocity axes' left and right edges, inches from their figure's left edge (follow)
        self.columns_in: tuple[float, float] | None = None

    def follow(self, velocity_ax) -> bool:
        """Take the velocity axes' columns (as last rendered); True when they moved."""
        box = velocity_ax.get_position()
        width_in = velocity_ax.figure.get_size_inches()[0]
        columns = (round(box.x0 * width_in, 3), round(box.x1 * width_in, 3))
        moved, self.columns_in = columns != self.columns_in, columns
        return moved

    def place(self) -> None:
        """The velocity axes' columns (:meth:`follow`) and fixed top and bottom margins."""
        from .timeseries_plot import place_axes

        width_in, height_in = self.figure.get_size_inches()
        if self.columns_in is None or width_in <= 0.5 or height_in <= 0.5:
            place_axes(self.figure, self.ax, margins=ELEVATION_MARGINS_IN, right_axis=self.dh_ax is not None)
            return
        left, right = (c / width_in for c in self.columns_in)
        bottom = ELEVATION_MARGINS_IN["bottom"] / height_in
        top = 1.0 - ELEVATION_MARGINS_IN["top"] / height_in
        for ax in (self.ax, self.dh_ax):
            if ax is not None:
                ax.set_position([left, bottom, max(right - left, 0.05), max(top - bottom, 0.05)])

    def draw(self, points, xlim, project: QgsProject | None = None) -> None:
        """Heights near each point (``PlottedPoint`` with ``click`` and ``colour``), on ``xlim``."""
        project = project or QgsProject.instance()
        if self._key(points, xlim, project) == self.drawn_key:
            return  # nothing it shows has changed: no redraw (each one is a main-thread figure draw)
        from .timeseries_plot import clear_artists

        ax = self.ax
        clear_artists(ax)  # not ax.clear(): it rebuilt every tick and spine, on the main thread
        ax.set_axis_on()
        ax.tick_params(axis="y", left=True, labelleft=True)
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
        ax.relim()  # the y limits from this drawing's heights only
        ax.autoscale_view(scalex=False)
        ax.set_xlim(*xlim)
        ax.xaxis_date()
        ax.set_ylabel(tr("ICESat-2 h_li (m)"), fontsize=8)
        ax.tick_params(labelsize=7)
        title = tr("ICESat-2 heights within {:.0f} m of each point: {} segment(s)").format(
            RADIUS_M, sum(self.counts)
        )
        if self._draw_height_change(points, xlim, project):
            title += tr("; lines: height change dh at the point's cell (right axis)")
            if not sum(self.counts):  # no heights: no empty left axis beside the height change
                ax.tick_params(axis="y", left=False, labelleft=False)
                ax.set_ylabel("")
        ax.set_title(title, fontsize=8, y=1.0)  # y given: no tight-bbox pass to place it
        self.drawn_key = self._key(points, xlim, project)
        if not self._show_or_hide(points, project):
            return
        self.place()
        self._render_timer.start(RENDER_DELAY_MS)

    def _show_or_hide(self, points, project) -> bool:
        """Hide the plot when it has nothing to show; True when it is shown (and must be drawn).

        No ICESat-2 layer and no height change: hidden (the velocity plot gets the room). ICESat-2
        layers but no segment near any point: a sentence, not an empty axis.
        """
        if sum(self.counts) or any(self.dh_counts):
            self.canvas.setVisible(True)
            return True
        if not points or not height_layers(project):
            self.canvas.setVisible(False)
            return False
        from .timeseries_plot import clear_artists

        ax = self.ax
        clear_artists(ax)
        ax.set_axis_off()
        ax.text(0.5, 0.5, tr("No ICESat-2 segment within {:.0f} m of the clicked point(s)").format(RADIUS_M),
                transform=ax.transAxes, ha="center", va="center", color="#666666", fontsize=8)  # fmt: skip
        self.canvas.setVisible(True)
        return True

    def _key(self, points, xlim, project) -> tuple:
        """What a drawing depends on: clicks and colours, the time axis, the height layers, the reads."""
        clicks = tuple((p.colour, None if p.click is None else _series_key(p.click, ())) for p in points)
        layers = tuple((layer.id(), layer.featureCount()) for layer in height_layers(project))
        reads = tuple((key, value is not None) for key, value in self.dh_cache.items())
        return clicks, tuple(xlim), layers, tuple(candidate_sources(project)), reads, self.columns_in

    def _draw_height_change(self, points, xlim, project) -> bool:
        """The height-change series of each point on a right-hand axis; True when one was drawn.

        The series are read in a background task (:meth:`_fetch`): finding which of the project's
        files are height-change sources, and reading a cell's series, open NetCDF/Zarr files, which
        on the main thread froze the window (0.3-0.5 s per redraw, measured in the scenario suite)
        and raced QGIS's own GDAL readers of the same files. Until a point's read has come back it
        is drawn without its height change; the plot redraws when it has.
        """
        if self.dh_ax is not None:
            self.dh_ax.remove()
            self.dh_ax = None
        self.dh_counts = []
        candidates = tuple(candidate_sources(project))
        if not candidates:
            return False
        series = []
        for p in points:
            got = []
            if p.click is not None:
                key = _series_key(p.click, candidates)
                if key not in self.dh_cache:
                    self._fetch(key, p.click, candidates)
                found = self.dh_cache.get(key)
                if found is not None:
                    got, errors = found
                    for message in errors:  # a damaged source: said, not hidden
                        self.ax.text(0.01, 0.02, message[:80], transform=self.ax.transAxes, fontsize=6)
            series.append(got)
            self.dh_counts.append(sum(len(s) for s in got))
        if not any(self.dh_counts):
            return False
        self.dh_ax = self.ax.twinx()
        for p, got in zip(points, series, strict=True):
            for s in got:
                self.dh_ax.plot(s.days, s.dh, "-", color=p.colour, lw=1.2, marker="s", ms=2.5)
                if np.isfinite(s.sigma).any():
                    band = (s.dh - s.sigma, s.dh + s.sigma)
                    self.dh_ax.fill_between(s.days, *band, color=p.colour, alpha=0.15)
        self.dh_ax.set_xlim(*xlim)
        self.dh_ax.set_ylabel(tr("height change dh (m)"), fontsize=8)
        self.dh_ax.tick_params(labelsize=7)
        return True

    def _fetch(self, key, click, candidates) -> None:
        """Read the height-change series at ``click`` from every source among ``candidates``."""
        from ..tasks.base import CallableTask, start

        self.dh_cache[key] = None  # pending
        x, y, crs = click
        wkt = crs.toWkt()

        def work(_progress):
            from ..core.elevation import height_change_at

            got, errors = [], []
            for path in candidates:
                try:
                    if not _is_source(path, _mtime(path)):
                        continue
                    s = height_change_at(path, x, y, wkt)
                except (OSError, ValueError, KeyError) as exc:
                    errors.append(str(exc))
                    continue
                if len(s):
                    got.append(s)
            return got, errors

        task = CallableTask(tr("ITS_LIVE height change at the point"), work)
        task.on_done = lambda result, error, task=task: self._read(task, key, result, error)
        self.tasks.add(task)
        start(task)

    def _read(self, task, key, result, error) -> None:
        self.tasks.discard(task)
        self.dh_cache[key] = result if error is None else ([], [str(error)])
        if self.on_series is not None:
            self.on_series()

    def busy(self) -> bool:
        """True while a height-change read is running or a redraw is scheduled."""
        scheduled = self.timer is not None and self.timer.isActive()
        rendering = self._render_timer.isActive() or self.canvas.rendering()
        return bool(self.tasks) or scheduled or rendering

    def shutdown(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        self._render_timer.stop()
        for task in list(self.tasks):
            task.on_done = None
            task.cancel()
        self.tasks.clear()


def height_layers(project: QgsProject) -> list[QgsVectorLayer]:
    """The project's ICESat-2 height layers (vector layers with ``h_li`` and ``time`` fields)."""
    return [
        layer
        for layer in project.mapLayers().values()
        if isinstance(layer, QgsVectorLayer) and {"h_li", "time"} <= set(layer.fields().names())
    ]


def heights_near(project: QgsProject, click, radius_m: float = RADIUS_M):
    """(days since 1970, h_li m, h_li_sigma m) of segments within ``radius_m`` of ``click`` (x, y, crs)."""
    x, y, crs = click
    days, heights, sigmas = [], [], []
    for layer in height_layers(project):
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


def candidate_sources(project: QgsProject) -> list[str]:
    """Files of the project's NetCDF/Zarr layers, then the configured sources (each once).

    Cheap (no file is opened): which of them hold a height-change series is found in the
    background (:func:`_is_source`).
    """
    found: list[str] = []
    for layer in project.mapLayers().values():
        path = _file_of(layer.source())
        if path and path not in found:
            found.append(path)
    text, _ = project.readEntry(*SOURCES_ENTRY, "")
    for path in (p.strip() for p in (text or "").split(";")):
        if path and path not in found:
            found.append(path)
    return found


def _series_key(click, candidates) -> tuple:
    x, y, crs = click
    return (round(float(x), 3), round(float(y), 3), crs.authid() or crs.toWkt(), candidates)


def _mtime(path: str) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return 0.0


@lru_cache(maxsize=64)
def _is_source(path: str, mtime: float) -> bool:
    """Whether ``path`` (as of ``mtime``: a rewritten file is looked at again) is a height-change source."""
    from ..core.elevation import is_height_change_source

    del mtime
    return is_height_change_source(path)


def _file_of(source: str) -> str:
    """The NetCDF/Zarr file behind a layer source (``NETCDF:"f.nc":var``, ``f.nc``, ``f.zarr``), or ''."""
    import re

    match = re.match(r'^(?:NETCDF|ZARR):"([^"]+)"', source)
    path = match.group(1) if match else source.split("|")[0]
    return path if Path(path).suffix.lower() in (".nc", ".nc4", ".zarr") and Path(path).exists() else ""


def attach_elevation_plot(panel, slot):
    """Add the heights plot under the velocity plot of ``panel`` (in its plot layout ``slot``)."""
    from qgis.PyQt.QtCore import QTimer

    plot = ElevationPlot(panel)
    plot.canvas.setVisible(False)  # shown once a point has heights (or ICESat-2 layers) to show
    slot.addWidget(plot.canvas)
    panel.elevation = plot
    plot.on_series = lambda: schedule_elevation(panel)
    # the heights are drawn in their own event-loop pass, after the velocity figure's draw: two
    # figure draws back to back were one long stall (issue 13, the UI never stalls)
    plot.timer = QTimer(panel)
    plot.timer.setSingleShot(True)
    plot.timer.timeout.connect(lambda: draw_elevation(panel))
    if panel.plot is not None:
        panel.plot.canvas.mpl_connect("draw_event", lambda _event: _after_velocity_draw(panel, plot))
    return plot


def schedule_elevation(panel) -> None:
    """Redraw the heights plot once the velocity plot has drawn (at the latest in 0.2 s)."""
    plot = getattr(panel, "elevation", None)
    if plot is not None and plot.timer is not None:
        plot.timer.start(ELEVATION_FALLBACK_MS)
    else:
        draw_elevation(panel)


def _after_velocity_draw(panel, plot) -> None:
    # in a later pass than this draw (the ticks of the loop between); also when the velocity axes
    # moved (a resize, the right axis's room): the heights follow their columns
    if plot.timer.isActive() or (plot.canvas.isVisible() and plot.follow(panel.plot.ax)):
        plot.timer.start(RENDER_DELAY_MS)


def keep_right_axis_room(velocity_plot, room_in: float) -> bool:
    """Leave ``room_in`` inches right of the velocity axes (the heights' right axis); True if changed."""
    engine = velocity_plot.figure.get_layout_engine()
    width_in = velocity_plot.figure.get_size_inches()[0]
    if engine is None or width_in <= 2 * room_in:
        return False
    rect = (0.0, 0.0, round(1.0 - room_in / width_in, 4), 1.0)
    if tuple(engine.get().get("rect", (0, 0, 1, 1))) == rect:
        return False
    engine.set(rect=rect)
    return True


def draw_elevation(panel) -> None:
    """Redraw the heights plot of ``panel`` on its velocity plot's time axis (no-op without one)."""
    plot = getattr(panel, "elevation", None)
    if plot is not None and panel.plot is not None:
        if plot.timer is not None:
            plot.timer.stop()
        plot.follow(panel.plot.ax)
        plot.draw(panel.points, panel.plot.ax.get_xlim())
        room = RIGHT_AXIS_IN if plot.canvas.isVisible() and plot.dh_ax is not None else 0.0
        if keep_right_axis_room(panel.plot, room):
            panel.plot.request_render()  # its draw_event then moves the heights to the new columns
            if plot.timer is not None:
                plot.timer.start(ELEVATION_FALLBACK_MS)
