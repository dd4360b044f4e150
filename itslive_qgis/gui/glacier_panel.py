"""Dock section "Glaciers": the profile plot of an itslive:profile result (one curve per year or per
date, coloured by time, CSV/PNG export) and the time series of an itslive:glacierstats table.

Wiring only: files are read and curves computed in background tasks (core.profile.profile_curves,
pandas for the table); matplotlib draws on the main thread.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from qgis.core import QgsApplication, QgsTask
from qgis.PyQt.QtCore import QTimer, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..tasks.base import CallableTask, start

DAYS_PER_YEAR = 365.25
#: how long a read may wait for a free task thread before it is done on the main thread (ms)
QUEUE_GRACE_MS = 1500


class GlacierPanel(QWidget):
    """Profile curves and glacier statistics; ``loaded(kind)`` after a file is drawn ("profile"/"stats")."""

    loaded = pyqtSignal(str)

    def __init__(self, iface=None, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.profile = None  # the loaded profile dataset
        self.curves = None
        self.stats = None  # the loaded statistics table (pandas)
        self.tasks: set = set()
        self.profile_figure = self.stats_figure = None
        self._build()

    # -- public API --------------------------------------------------------------------------------
    def load_profile(self, path):
        """Read a profile (.nc from itslive:profile) in the background, then draw its curves."""
        path = str(path)

        def work(_progress):
            from ..core.profile import open_profile

            return open_profile(path)  # any on-disk layout, as (time, distance)

        self._run(tr("Reading the profile"), work, lambda ds: self._profile_read(ds, path))

    def load_stats(self, path):
        """Read a glacier statistics table (CSV from itslive:glacierstats) and draw it.

        Read on the main thread: a table is one row per outline and pair (a few thousand rows, a few
        milliseconds). (A background read was seen queued for minutes: the task manager's threads were
        all held by earlier tasks; profile reads now fall back to the main thread then, see ``_run``.)
        """
        import pandas as pd

        path = str(path)
        try:
            frame = pd.read_csv(path)
        except (OSError, ValueError) as exc:
            self.status.setText(tr("{} cannot be read as a table: {}").format(path, exc))
            return
        missing = {"outline_id", "time", "v_mean", "v_median", "observed_fraction"} - set(frame.columns)
        if missing:
            self.status.setText(
                tr("{} is not a glacier statistics table (no {}).").format(path, sorted(missing))
            )
            return
        # QGIS writes "2016/06/25 04:10:37+00", the core ISO 8601: both read as UTC
        frame["time"] = pd.to_datetime(frame["time"], format="mixed", utc=True).dt.tz_convert(None)
        self._stats_read(frame, path)

    def redraw_profile(self):
        """Recompute the curves for the chosen variable and grouping, and draw them."""
        if self.profile is None:
            return
        from ..core.profile import profile_curves

        by = self.by_combo.currentData()
        text = self.dates_edit.text().strip()
        dates = [d.strip() for d in text.split(",") if d.strip()] if by == "date" and text else None
        try:
            self.curves = profile_curves(self.profile, self.variable_combo.currentData(), by, dates=dates)
        except Exception as exc:  # a message, not a traceback (a date that does not parse, ...)
            self.status.setText(str(exc))
            return
        self._draw_profile()

    def export_profile_csv(self, path=None) -> Path | None:
        """The curves as CSV (distance_km, one column per curve, m/yr)."""
        from ..core.profile import curves_to_csv

        path = path or self._ask(tr("Export the profile curves"), "CSV (*.csv)", ".csv")
        if not path or self.curves is None:
            return None
        return curves_to_csv(self.curves, path)

    def export_profile_png(self, path=None) -> Path | None:
        """The profile plot as PNG."""
        return self._save(self.profile_figure, path, tr("Export the profile plot"))

    def export_stats_png(self, path=None) -> Path | None:
        """The glacier statistics plot as PNG."""
        return self._save(self.stats_figure, path, tr("Export the glacier statistics plot"))

    def is_busy(self) -> bool:
        return bool(self.tasks) or self.run_form.is_busy()

    def shutdown(self):
        """Cancel running reads and runs (plugin unload)."""
        self.run_form.shutdown()
        for task in list(self.tasks):
            task.on_done = None
            task.cancel()
        self.tasks.clear()

    # -- drawing -------------------------------------------------------------------------------------
    def _draw_profile(self):
        import matplotlib as mpl

        fig = self._figure("profile")
        fig.clear()
        ax = fig.add_subplot()
        c = self.curves
        finite = np.isfinite(c.time_days)
        norm = mpl.colors.Normalize(
            *(np.nanmin(c.time_days), np.nanmax(c.time_days)) if finite.any() else (0.0, 1.0)
        )
        cmap = mpl.colormaps["viridis"]
        for label, t, values in zip(c.labels, c.time_days, c.values):
            colour = cmap(norm(t)) if np.isfinite(t) else "black"
            ax.plot(c.distance_km, values, color=colour, lw=1.2, label=label if len(c.labels) <= 12 else None)
        names = {"v": tr("Speed"), "v_along": tr("Along the line"), "v_across": tr("Across the line")}
        ax.set_xlabel(tr("Distance along the line (km)"))
        ax.set_ylabel(tr("{} (m/yr)").format(names[c.variable]))
        ax.grid(True, alpha=0.3)
        if finite.sum() > 1:
            mappable = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
            bar = fig.colorbar(mappable, ax=ax)
            ticks = bar.get_ticks()
            bar.set_ticks(ticks)
            if norm.vmax - norm.vmin < 2 * DAYS_PER_YEAR:  # decimal years would repeat: dates
                days = np.round(ticks).astype("int64").astype("datetime64[D]")
                bar.set_ticklabels([str(d) for d in days])
                bar.set_label(tr("Date"))
            else:
                bar.set_ticklabels([f"{1970 + t / DAYS_PER_YEAR:.1f}" for t in ticks])
                bar.set_label(tr("Time (year)"))
        if len(c.labels) <= 12:
            ax.legend(fontsize="small")
        ax.set_title(tr("{} curve(s) along a {:.1f} km line").format(len(c.labels), float(c.distance_km[-1])))
        fig.canvas.draw_idle()

    def _draw_stats(self):
        fig = self._figure("stats")
        fig.clear()
        ax = fig.add_subplot()
        frac = ax.twinx()
        for number, (name, rows) in enumerate(self.stats.groupby("outline_id", sort=False)):
            t = rows["time"].to_numpy()
            ax.plot(t, rows["v_mean"], ".", ms=3, label=tr("{}: mean").format(name), color=f"C{2 * number}")
            ax.plot(
                t,
                rows["v_median"],
                ".",
                ms=3,
                label=tr("{}: median").format(name),
                color=f"C{2 * number + 1}",
            )
            frac.plot(t, rows["observed_fraction"], "|", ms=4, color="grey", alpha=0.4)
        ax.set_ylabel(tr("Glacier speed (m/yr)"))
        frac.set_ylabel(tr("Fraction observed"))
        frac.set_ylim(0, 1.05)
        ax.set_zorder(frac.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small", loc="upper left")
        fig.canvas.draw_idle()

    # -- helpers ---------------------------------------------------------------------------------------
    def _build(self):
        from .glacier_form import GlacierRunForm

        layout = QVBoxLayout(self)
        self.run_form = GlacierRunForm(self)  # itslive:profile / itslive:glacierstats as tasks
        layout.addWidget(self.run_form)
        prof = QGroupBox(tr("Velocity profile along a line (itslive:profile)"))
        p_layout = QVBoxLayout(prof)
        row = QHBoxLayout()
        open_profile = QPushButton(tr("Open profile..."))
        open_profile.clicked.connect(self._ask_profile)
        self.variable_combo = QComboBox()
        for key, label in (("v_along", tr("along the line")), ("v", tr("speed")), ("v_across", tr("across"))):
            self.variable_combo.addItem(label, key)
        self.by_combo = QComboBox()
        self.by_combo.addItem(tr("one curve per year"), "year")
        self.by_combo.addItem(tr("one curve per date"), "date")
        self.dates_edit = QLineEdit()
        self.dates_edit.setPlaceholderText(tr("dates YYYY-MM-DD, comma-separated (empty: 24 spread)"))
        self.dates_edit.setToolTip(
            tr("The profiles nearest to these dates, one curve each (one curve per date).")
        )
        for w in (open_profile, self.variable_combo, self.by_combo, self.dates_edit):
            row.addWidget(w)
        p_layout.addLayout(row)
        self._profile_slot = QVBoxLayout()
        p_layout.addLayout(self._profile_slot, 1)
        out = QHBoxLayout()
        for text, action in (
            (tr("Export CSV..."), self.export_profile_csv),
            (tr("Export PNG..."), self.export_profile_png),
        ):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, a=action: self._guarded(a))
            out.addWidget(button)
        p_layout.addLayout(out)
        layout.addWidget(prof, 1)
        stats = QGroupBox(tr("Glacier statistics (itslive:glacierstats)"))
        s_layout = QVBoxLayout(stats)
        row = QHBoxLayout()
        open_stats = QPushButton(tr("Open statistics table..."))
        open_stats.clicked.connect(self._ask_stats)
        png = QPushButton(tr("Export PNG..."))
        png.clicked.connect(lambda: self._guarded(self.export_stats_png))
        row.addWidget(open_stats)
        row.addWidget(png)
        s_layout.addLayout(row)
        self._stats_slot = QVBoxLayout()
        s_layout.addLayout(self._stats_slot, 1)
        layout.addWidget(stats, 1)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.variable_combo.currentIndexChanged.connect(self.redraw_profile)
        self.by_combo.currentIndexChanged.connect(self.redraw_profile)
        self.dates_edit.editingFinished.connect(self.redraw_profile)

    def _figure(self, which: str):
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        attr = f"{which}_figure"
        if getattr(self, attr) is None:
            fig = Figure(figsize=(6.5, 3.6), dpi=100, layout="constrained")
            canvas = FigureCanvasQTAgg(fig)
            (self._profile_slot if which == "profile" else self._stats_slot).addWidget(canvas)
            setattr(self, attr, fig)
        return getattr(self, attr)

    def _run(self, description, work, on_result):
        """Run ``work`` in a task; if the task manager cannot start it within :data:`QUEUE_GRACE_MS`
        (all its threads busy: it runs at most one task per core, FIFO, and an earlier task can hold
        a thread for minutes, e.g. a catalog load on a stalled network), the queued task is cancelled
        and the file is read here instead, with the reason in the status line: a read the user asked
        for never waits behind unrelated work."""
        task = CallableTask(description, work)

        def done(result, error):
            self.tasks.discard(task)
            if error is not None:
                self.status.setText(str(error))
                return
            on_result(result)

        task.on_done = done
        self.tasks.add(task)
        start(task)
        QTimer.singleShot(QUEUE_GRACE_MS, lambda: self._unqueue(task, work, on_result))

    def _unqueue(self, task, work, on_result):
        if task not in self.tasks:
            return
        try:
            queued = task.status() == QgsTask.TaskStatus.Queued
        except RuntimeError:  # the task manager already deleted it: it ran
            return
        if not queued:
            return
        busy = [t.description() for t in QgsApplication.taskManager().activeTasks()]
        task.on_done = None
        task.cancel()
        self.tasks.discard(task)
        names = ", ".join(busy) or tr("other tasks")
        note = tr("Read here: the background queue is busy ({}).").format(names)
        try:
            result = work(None)
        except Exception as exc:  # a message in the panel, as from the task
            self.status.setText(str(exc))
            return
        on_result(result)
        self.status.setText(f"{self.status.text()} {note}")

    def _profile_read(self, ds, path):
        self.profile = ds
        self.status.setText(tr("Profile {}: {} samples").format(Path(path).name, ds.sizes.get("distance", 0)))
        self.redraw_profile()
        self.loaded.emit("profile")

    def _stats_read(self, frame, path):
        self.stats = frame
        self.status.setText(
            tr("Statistics {}: {} rows, {} outline(s)").format(
                Path(path).name, len(frame), frame["outline_id"].nunique()
            )
        )
        self._draw_stats()
        self.loaded.emit("stats")

    def _ask(self, title, filters, suffix):
        path, _ = QFileDialog.getSaveFileName(self, title, "", filters)
        if not path:
            return None
        return path if path.lower().endswith(suffix) else path + suffix

    def _ask_profile(self):
        path, _ = QFileDialog.getOpenFileName(self, tr("Open a profile"), "", "NetCDF (*.nc)")
        if path:
            self.load_profile(path)

    def _ask_stats(self):
        path, _ = QFileDialog.getOpenFileName(self, tr("Open glacier statistics"), "", "CSV (*.csv)")
        if path:
            self.load_stats(path)

    def _save(self, figure, path, title):
        if figure is None:
            return None
        path = path or self._ask(title, "PNG (*.png)", ".png")
        if not path:
            return None
        from ..core.io import atomic_output

        with atomic_output(Path(path), "PNG") as tmp:
            figure.savefig(tmp, format="png", dpi=150)
        return Path(path)

    def _guarded(self, action):
        try:
            action()
        except Exception as exc:  # a message in the panel, not a traceback
            self.status.setText(str(exc))
