"""Dock section: velocity time series of points clicked on the map.

Wiring only. A click (:class:`~itslive_qgis.gui.point_tool.PointTool`) starts a background
task that runs :func:`itslive_qgis.core.timeseries.series.point_series` (or, in "active layer" mode,
:func:`~itslive_qgis.core.timeseries.series.point_series_from_file` on the layer's subset or
inversion file); the result is plotted by :class:`~itslive_qgis.gui.timeseries_plot.SeriesPlot`.
Filters (date_dt range, satellites) redraw the pairs at once and re-run the one-pixel
inversion (:func:`~itslive_qgis.core.timeseries.series.invert_point`) in the background.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsProject
from qgis.gui import QgsVertexMarker
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, QTimer, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QColor, QDesktopServices
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..tasks.base import CallableTask, start
from .point_composite import CompositeOverlay
from .point_tool import PointTool

SOURCE_CUBES = 0
SOURCE_LAYER = 1
FILE_SUFFIXES = (".nc", ".nc4", ".zarr")
_GDAL_SUBDATASET = re.compile(r'^(?:NETCDF|HDF5|ZARR):"?(?P<path>[^"]+?)"?(?::[^:]*)?$')


@dataclass
class PlottedPoint:
    """A series in the panel: full pairs, colour, map marker and its current inversion."""

    series: object
    colour: str
    marker: object = None
    inverted: object = None
    inverted_key: tuple | None = None
    #: the map click (x, y, CRS) that produced the series
    click: tuple | None = None


class TimeSeriesPanel(QWidget):
    """Pick points on the map and compare their image-pair velocities and inverted series.

    Signals: ``seriesLoaded(n)`` after a pick added ``n`` series, ``pickFailed(message)``,
    ``plotUpdated()`` after every redraw.
    """

    seriesLoaded = pyqtSignal(int)
    pickFailed = pyqtSignal(str)
    plotUpdated = pyqtSignal()

    def __init__(self, iface, parent=None, config_factory=None):
        super().__init__(parent)
        self.iface = iface
        self.canvas = iface.mapCanvas()
        if config_factory is None:
            from ..settings import store_config as config_factory
        self.config_factory = config_factory
        self.points: list[PlottedPoint] = []
        self.catalog = None
        self.source_file: str | None = None
        self.pick_tasks: set = set()
        self.inversion_task = None
        self._generation = 0
        self.plot = None
        self.tool = PointTool(self.canvas)
        self.tool.pointPicked.connect(self.pick_point)
        self.tool.deactivated.connect(self._tool_deactivated)
        self._inversion_timer = QTimer(self)
        self._inversion_timer.setSingleShot(True)
        self._inversion_timer.setInterval(150)
        self._inversion_timer.timeout.connect(self._start_inversion)
        # task results arriving together (inversion, composites, GP) are drawn once, in the next pass
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(0)
        self._redraw_timer.timeout.connect(self.redraw)
        self._status_timer = QTimer(self)  # a child: it dies with the panel, never fires after it
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(8000)
        self._status_timer.timeout.connect(lambda: self.status.setStyleSheet(""))
        self._build()
        self.composites = CompositeOverlay(self)  # the annual composite at each point (point_composite.py)
        self.canvas.destinationCrsChanged.connect(self._place_markers)
        # matplotlib takes ~0.5 s to import: do it in the background, not when the tab first shows
        self.warm_task = start(CallableTask(tr("Preparing the time-series plot"), _import_matplotlib))

    # -- public API --------------------------------------------------------------------------------
    def start_pick(self):
        """Activate the point tool on the canvas."""
        self.tool.activate_on_canvas()
        self.pick_button.setChecked(True)

    def stop_pick(self):
        """Give the canvas back to the previous map tool."""
        self.tool.release()
        self.pick_button.setChecked(False)

    def pick_point(self, point: QgsPointXY, crs: QgsCoordinateReferenceSystem):
        """Read the series under ``point`` (in ``crs``) in the background, then plot it."""
        crs_text = crs.authid() if crs.authid().upper().startswith("EPSG:") else crs.toWkt()
        x, y = point.x(), point.y()
        from_file = self.source_combo.currentIndex() == SOURCE_LAYER
        path = self.active_file() if from_file else None
        if from_file and path is None:
            self._fail(tr("The active layer is not a subset or inversion file (.nc or .zarr): select one."))
            return None
        config = None if from_file else self.config_factory()
        catalog = self.catalog

        def work(progress):
            if path is not None:
                from ..core.timeseries import point_series_from_file

                return [point_series_from_file(path, x, y, crs_text)], None
            from ..core.catalog import load_catalog
            from ..core.timeseries import point_series

            cat = catalog if catalog is not None else load_catalog(config, progress=progress).catalog
            return point_series(x, y, crs_text, config, progress=progress, catalog=cat), cat

        task = CallableTask(tr("ITS_LIVE time series at {:.6g}, {:.6g}").format(x, y), work)
        click = (x, y, QgsCoordinateReferenceSystem(crs))
        task.on_done = lambda result, error: self._picked(task, result, error, click)
        self.pick_tasks.add(task)
        self._set_busy()
        self.status.setText(tr("Reading the image pairs under the point..."))
        start(task)
        return task

    def add_series(self, series_list, click=None):
        """Add series (PointSeries) to the plot, each with its own colour and map marker.

        ``click``: the map point (x, y, QgsCoordinateReferenceSystem) the series were read at.
        """
        from .timeseries_plot import POINT_COLOURS

        for s in series_list:
            colour = POINT_COLOURS[len(self.points) % len(POINT_COLOURS)]
            point = PlottedPoint(series=s, colour=colour, marker=self._marker(colour), click=click)
            self.points.append(point)
        self._place_markers()
        self._update_satellite_list()
        # drawn in the next pass, and the composites' reads started after that draw (redraw): the
        # series' arrival, its artists and two more tasks' threads in one slot were the point
        # series step's stall (the main thread shares the GIL with the tasks it starts)
        self.schedule_redraw()
        self._inversion_timer.start()
        self.gp.update()

    def clear(self):
        """Remove every point, marker and inverted series."""
        self._generation += 1
        for p in self.points:
            if p.marker is not None:
                self.canvas.scene().removeItem(p.marker)
        self.points = []
        self.satellite_list.clear()
        self.refresh()

    def filters(self) -> dict:
        """Current filters as keyword arguments of :func:`core.timeseries.pair_filter_mask`."""
        sats = [self.satellite_list.item(i) for i in range(self.satellite_list.count())]
        checked = [i.data(Qt.ItemDataRole.UserRole) for i in sats if i.checkState() == Qt.CheckState.Checked]
        return {
            "min_dt_days": self.min_dt.value(),
            "max_dt_days": self.max_dt.value(),
            "satellites": None if len(checked) == len(sats) else checked,
        }

    def set_satellites(self, satellites):
        """Check exactly ``satellites`` in the satellite list (None = all)."""
        self.satellite_list.blockSignals(True)
        for i in range(self.satellite_list.count()):
            item = self.satellite_list.item(i)
            on = satellites is None or item.data(Qt.ItemDataRole.UserRole) in satellites
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.satellite_list.blockSignals(False)
        self.refresh()

    def filtered(self):
        """The series of every point with the filters applied (list of PointSeries)."""
        from ..core.timeseries import pair_filter_mask

        f = self.filters()
        return [p.series.subset(pair_filter_mask(p.series, **f)) for p in self.points]

    def refresh(self):
        """Redraw the pairs now and re-run the inversions (in the background) when the filters changed."""
        self.redraw()
        self._inversion_timer.start()
        self.gp.update()

    def schedule_redraw(self):
        """Redraw in the next event-loop pass (task results: several arrivals, one redraw)."""
        self._redraw_timer.start()

    def redraw_pending(self) -> bool:
        """True while a redraw is scheduled (:meth:`schedule_redraw`) and not done yet."""
        return self._redraw_timer.isActive()

    def redraw(self):
        """Redraw the plot from the current state."""
        self._redraw_timer.stop()
        if self.ensure_plot() is None:
            return
        from .timeseries_plot import PlotEntry

        entries = []
        for p, s in zip(self.points, self.filtered()):
            regular = p.series.regular if p.series.regular is not None else p.inverted
            entries.append(PlotEntry(self._label(p), p.colour, s, regular))
        self.plot.draw(
            entries,
            self.component_combo.currentData(),
            self.colour_combo.currentData(),
            self.error_bars.isChecked(),
        )
        self.composites.draw(self.plot, self.points, self.component_combo.currentData())
        self.composites.fetch(self.points)  # new points' composites (nothing to do for the others)
        from .point_elevation import schedule_elevation

        schedule_elevation(self)  # after the velocity plot's draw: it takes that plot's time axis
        self.plotUpdated.emit()

    def is_busy(self) -> bool:
        """True while a pick or an inversion is running or scheduled."""
        elevation = getattr(self, "elevation", None)
        return (
            bool(self.pick_tasks)
            or self.inversion_task is not None
            or self._inversion_timer.isActive()
            or self._redraw_timer.isActive()
            or (self.plot is not None and self.plot.render_pending())
            or (elevation is not None and elevation.busy())
        )

    def export_csv(self, path=None):
        """Write the filtered pairs and inverted series of every point to ``path`` (CSV)."""
        from ..core.timeseries import series_to_csv

        path = path or self._ask_path(tr("Export the time series (CSV)"), tr("CSV files (*.csv)"), ".csv")
        if not path:
            return None
        out = series_to_csv(self.filtered(), [p.inverted for p in self.points], path)
        self.status.setText(tr("Wrote {}").format(out))
        return out

    def export_png(self, path=None):
        """Write the figure to ``path`` (PNG)."""
        if self.ensure_plot() is None:
            return None
        path = path or self._ask_path(tr("Export the plot (PNG)"), tr("PNG images (*.png)"), ".png")
        if not path:
            return None
        out = self.plot.save_png(path)
        self.status.setText(tr("Wrote {}").format(out))
        return out

    def open_url(self, url: str):
        """Open a granule URL in the browser (tests override this)."""
        if url:
            QDesktopServices.openUrl(QUrl(url))

    def active_file(self) -> str | None:
        """``source_file`` if set, else the subset/inversion file of the active layer (or None)."""
        if self.source_file:
            return self.source_file
        layer = self.iface.activeLayer() if self.iface is not None else None
        return layer_file(layer)

    def shutdown(self):
        """Release the map tool, cancel running tasks and remove the markers (plugin unload)."""
        self._inversion_timer.stop()
        self._redraw_timer.stop()
        self._status_timer.stop()
        self.composites.shutdown()
        if getattr(self, "elevation", None) is not None:
            self.elevation.shutdown()
        self._generation += 1
        for task in list(self.pick_tasks) + ([self.inversion_task] if self.inversion_task else []):
            task.on_done = None
            task.cancel()
        self.pick_tasks.clear()
        self.inversion_task = None
        self.stop_pick()
        for signal, slot in (
            (self.canvas.destinationCrsChanged, self._place_markers),
            (self.tool.deactivated, self._tool_deactivated),
            (self.tool.pointPicked, self.pick_point),
        ):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass
        for p in self.points:
            if p.marker is not None:
                self.canvas.scene().removeItem(p.marker)
                p.marker = None

    # -- widgets -------------------------------------------------------------------------------------
    def _build(self):
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.pick_button = QPushButton(tr("Pick a point on the map"))
        self.pick_button.setObjectName("itslive_ts_pick")
        self.pick_button.setCheckable(True)
        self.pick_button.toggled.connect(lambda on: self.start_pick() if on else self.stop_pick())
        self.source_combo = QComboBox()
        self.source_combo.addItem(tr("Datacubes (network)"))
        self.source_combo.addItem(tr("Active layer (subset or inversion file)"))
        self.clear_button = QPushButton(tr("Clear"))
        self.clear_button.clicked.connect(self.clear)
        for w in (self.pick_button, self.source_combo, self.clear_button):
            row.addWidget(w)
        layout.addLayout(row)

        form = QFormLayout()
        self.component_combo = QComboBox()
        for label, key in ((tr("Speed v"), "v"), ("vx", "vx"), ("vy", "vy")):
            self.component_combo.addItem(label, key)
        self.colour_combo = QComboBox()
        for label, key in ((tr("Satellite (one point) / point"), "auto"), (tr("Satellite"), "satellite"),
                           (tr("Point"), "point")):  # fmt: skip
            self.colour_combo.addItem(label, key)
        show = QHBoxLayout()
        show.addWidget(self.component_combo)
        show.addWidget(QLabel(tr("colour pairs by")))
        show.addWidget(self.colour_combo)
        self.error_bars = QCheckBox(tr("error bars"))
        show.addWidget(self.error_bars)
        form.addRow(tr("Show"), show)
        self.min_dt, self.max_dt = QDoubleSpinBox(), QDoubleSpinBox()
        for spin, value in ((self.min_dt, 0.0), (self.max_dt, 10000.0)):
            spin.setRange(0.0, 10000.0)
            spin.setDecimals(0)
            spin.setSuffix(tr(" days"))
            spin.setValue(value)
            spin.valueChanged.connect(self.refresh)
        dt_row = QHBoxLayout()
        dt_row.addWidget(self.min_dt)
        dt_row.addWidget(QLabel(tr("to")))
        dt_row.addWidget(self.max_dt)
        form.addRow(tr("Baseline (date_dt)"), dt_row)
        self.satellite_list = QListWidget()
        self.satellite_list.setFlow(QListWidget.Flow.LeftToRight)
        self.satellite_list.setWrapping(True)
        self.satellite_list.setMaximumHeight(48)
        self.satellite_list.itemChanged.connect(lambda _item: self.refresh())
        form.addRow(tr("Satellites"), self.satellite_list)
        inv = QHBoxLayout()
        self.invert_check = QCheckBox(tr("inverted series, step"))
        self.invert_check.setChecked(True)
        self.interval = QDoubleSpinBox()
        from ..processing.alg_invert import InvertAlgorithm

        self.interval.setRange(InvertAlgorithm.MIN_INTERVAL_DAYS, 365.0)
        self.interval.setDecimals(0)
        self.interval.setValue(InvertAlgorithm.DEFAULT_INTERVAL_DAYS)
        self.interval.setSuffix(tr(" days"))
        self.robust_check = QCheckBox(tr("robust"))
        self.robust_check.setChecked(True)
        for w in (self.invert_check, self.interval, self.robust_check):
            inv.addWidget(w)
        form.addRow(tr("Inversion"), inv)
        smooth = QHBoxLayout()
        self.lam_spin = QDoubleSpinBox()
        self.lam_spin.setRange(InvertAlgorithm.MIN_LAMBDA, 1e6)
        self.lam_spin.setDecimals(3)
        self.lam_spin.setSpecialValueText(tr("automatic (cross-validation)"))
        self.lam_spin.setToolTip(
            tr(
                "Regularisation weight lambda; larger is smoother. "
                "0 = chosen by cross-validation over images."
            )
        )
        self.errors_check = QCheckBox(tr("weight pairs by their errors"))
        self.errors_check.setChecked(True)
        smooth.addWidget(self.lam_spin)
        smooth.addWidget(self.errors_check)
        form.addRow(tr("Smoothing"), smooth)
        from .point_gp import PointGP  # the second smoother (interval-mean Gaussian process)

        self.gp = PointGP(self, form)
        self.invert_check.toggled.connect(self.refresh)
        self.interval.valueChanged.connect(self.refresh)
        self.robust_check.toggled.connect(self.refresh)
        self.lam_spin.valueChanged.connect(self.refresh)
        self.errors_check.toggled.connect(self.refresh)
        self.component_combo.currentIndexChanged.connect(self.redraw)
        self.colour_combo.currentIndexChanged.connect(self.redraw)
        self.error_bars.toggled.connect(self.redraw)
        layout.addLayout(form)

        self._plot_slot = QVBoxLayout()  # the figure is made when first needed (matplotlib import)
        layout.addLayout(self._plot_slot, 1)
        self.hover_label = QLabel("")
        self.hover_label.setWordWrap(True)
        self.hover_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.hover_label)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        out = QHBoxLayout()
        self.csv_button = QPushButton(tr("Export CSV..."))
        self.csv_button.clicked.connect(lambda: self._guarded(self.export_csv))
        self.png_button = QPushButton(tr("Export PNG..."))
        self.png_button.clicked.connect(lambda: self._guarded(self.export_png))
        out.addWidget(self.csv_button)
        out.addWidget(self.png_button)
        layout.addLayout(out)

    # -- task callbacks ---------------------------------------------------------------------------
    def _picked(self, task, result, error, click=None):
        self.pick_tasks.discard(task)
        self._set_busy()
        if error is not None:
            self._fail(str(error))
            return
        series, catalog = result
        self.status.setStyleSheet("")
        if catalog is not None:
            self.catalog = catalog
        n = sum(len(s) for s in series)
        self.status.setText(
            tr("{} series, {} image pairs ({} objects read)").format(
                len(series), n, sum(s.requests for s in series)
            )
        )
        self.add_series(series, click)
        self.seriesLoaded.emit(len(series))

    def _start_inversion(self):
        """Invert every point whose filtered pairs or options changed, in one background task."""
        from ..core.timeseries import invert_point

        self._generation += 1
        generation = self._generation
        options = {
            "interval_days": self.interval.value(),
            "robust": self.robust_check.isChecked(),
            "lam": self.lam_spin.value(),
            "weighting": "errors" if self.errors_check.isChecked() else "none",
        }
        f = self.filters()
        key = (f["min_dt_days"], f["max_dt_days"], tuple(f["satellites"] or ()), f["satellites"] is None,
               tuple(sorted(options.items())), self.invert_check.isChecked())  # fmt: skip
        todo = []
        for p, s in zip(self.points, self.filtered()):
            if not self.invert_check.isChecked() or p.series.regular is not None:
                p.inverted, p.inverted_key = None, key
            elif p.inverted_key != key:
                todo.append((p, s))
        if not todo:
            self._finish_inversion(generation, [], None, key)
            return

        def work(_progress):
            return [invert_point(s, **options) for _, s in todo]

        task = CallableTask(tr("ITS_LIVE point inversion"), work)
        task.on_done = lambda result, error: self._finish_inversion(
            generation, [p for p, _ in todo], result, key, error
        )
        self.inversion_task = task
        self._set_busy()
        start(task)

    def _finish_inversion(self, generation, points, results, key, error=None):
        if generation != self._generation:
            return  # a newer request replaced this one
        self.inversion_task = None
        self._set_busy()
        if error is not None:
            self.status.setText(tr("Inversion failed: {}").format(error))
        for p, r in zip(points, results or []):
            p.inverted, p.inverted_key = r, key
        self.schedule_redraw()

    # -- helpers ---------------------------------------------------------------------------------
    def ensure_plot(self):
        """Create the matplotlib figure (first show or first series); None when matplotlib is missing."""
        if self.plot is None and self._plot_slot.count() == 0:
            try:
                from .timeseries_plot import SeriesPlot
            except ImportError:
                missing = QLabel(
                    tr("Plotting needs matplotlib: install python3-matplotlib (or pip install matplotlib).")
                )
                missing.setWordWrap(True)
                self._plot_slot.addWidget(missing)
                return None
            self.plot = SeriesPlot(self, on_hover=self._hovered, on_click=lambda url: self.open_url(url))
            from .point_granule import attach  # the pair's granule: context menu, double click

            self.granules = attach(self, self.plot)
            self.plot.canvas.setMinimumHeight(280)
            self._plot_slot.addWidget(self.plot.canvas)
            from .point_elevation import attach_elevation_plot

            attach_elevation_plot(self, self._plot_slot)  # ICESat-2 heights under the velocity
        return self.plot

    def showEvent(self, event):
        self.ensure_plot()
        super().showEvent(event)

    def _tool_deactivated(self):
        if not sip.isdeleted(self.pick_button):
            self.pick_button.setChecked(False)

    def _hovered(self, text: str, _url: str):
        self.hover_label.setText(text)
        if self.plot is not None:
            self.plot.canvas.setToolTip(text)

    def _fail(self, message: str):
        self.status.setText(message)
        self.status.setStyleSheet("color: #a00000")
        self._status_timer.start()
        self.pickFailed.emit(message)

    def _set_busy(self):
        self.progress.setVisible(bool(self.pick_tasks) or self.inversion_task is not None)

    def _label(self, p: PlottedPoint) -> str:
        s = p.series
        label = tr("P{} {} px ({}, {})").format(self.points.index(p) + 1, _short_source(s), s.col, s.row)
        distance = _distance_to_pixel_m(p)
        if distance is not None:
            label += tr(", {:.0f} m from the click").format(distance)
        return label

    def _update_satellite_list(self):
        from ..core.timeseries import sort_satellites

        present = {
            self.satellite_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.satellite_list.count())
        }
        wanted = sort_satellites({k for p in self.points for k in p.series.satellites()})
        self.satellite_list.blockSignals(True)
        for code in wanted:
            if code not in present:
                item = QListWidgetItem(code)
                item.setData(Qt.ItemDataRole.UserRole, code)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                self.satellite_list.addItem(item)
        self.satellite_list.blockSignals(False)

    def _marker(self, colour: str):
        marker = QgsVertexMarker(self.canvas)
        marker.setIconType(QgsVertexMarker.IconType.ICON_CIRCLE)
        marker.setColor(QColor(colour))
        marker.setFillColor(QColor(colour))
        marker.setIconSize(9)
        marker.setPenWidth(2)
        return marker

    def _place_markers(self, *_args):
        """Put every marker on its pixel centre, in the canvas CRS."""
        dest = self.canvas.mapSettings().destinationCrs()
        wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
        xform = QgsCoordinateTransform(wgs84, dest, QgsProject.instance())
        for p in self.points:
            s = p.series
            if p.marker is None:
                continue
            try:
                if s.lon == s.lon:  # not NaN
                    p.marker.setCenter(xform.transform(QgsPointXY(s.lon, s.lat)))
                else:
                    p.marker.setCenter(QgsPointXY(s.x_m, s.y_m))
            except Exception:
                continue

    def _ask_path(self, title: str, filters: str, suffix: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, title, "", filters)
        if path and not path.lower().endswith(suffix):
            path += suffix
        return path or None

    def _guarded(self, action):
        try:
            action()
        except Exception as exc:
            self._fail(str(exc))


def layer_file(layer) -> str | None:
    """The local NetCDF/Zarr file behind a raster or mesh layer (None for anything else)."""
    if layer is None:
        return None
    source = layer.source().strip()
    match = _GDAL_SUBDATASET.match(source)
    path = match.group("path") if match else source.split("|", 1)[0]
    if path.startswith("file://"):
        path = path[len("file://") :]
    if os.path.exists(path) and path.lower().rstrip("/").endswith(FILE_SUFFIXES):
        return path
    return None


def _short_source(series) -> str:
    name = series.name
    m = re.search(r"EPSG(\d+)_G\d+_X(-?\d+)_Y(-?\d+)", name)
    if m:
        return f"EPSG:{m.group(1)} X{int(m.group(2)) // 1000} Y{int(m.group(3)) // 1000}"
    return name


def _distance_to_pixel_m(point: PlottedPoint) -> float | None:
    """Ground distance (m, in the cube's projection) from the click to the centre of the pixel read."""
    s = point.series
    if point.click is None or not s.epsg or not (s.x_m == s.x_m and s.y_m == s.y_m):
        return None
    x, y, crs = point.click
    try:
        xform = QgsCoordinateTransform(
            crs, QgsCoordinateReferenceSystem(f"EPSG:{s.epsg}"), QgsProject.instance()
        )
        there = xform.transform(QgsPointXY(x, y))
    except Exception:
        return None
    return float(((there.x() - s.x_m) ** 2 + (there.y() - s.y_m) ** 2) ** 0.5)


def _import_matplotlib(_progress) -> bool:
    """Import the modules the plot uses (worker thread; no figure, no widget is created)."""
    try:
        import matplotlib.backends.backend_agg
        import matplotlib.collections
        import matplotlib.dates
        import matplotlib.figure
        import matplotlib.lines
        import matplotlib.patheffects  # noqa: F401
    except ImportError:
        return False
    return True
