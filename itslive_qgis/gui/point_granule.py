"""The image pair behind a bar of the point plot: its granule into the project, its browse image.

A right click on a pair's bar opens a menu ("Load this pair's granule", "Show its browse image");
a double click loads the granule. The granule is read in a background task (GDAL range requests
through ``/vsis3/``, :mod:`itslive_qgis.layers.granule`) and its layers are added to the project on
the main thread; the browse image (``.png`` beside the ``.nc``) is fetched the same way and shown
in a small window. Hooked into the time-series panel by :func:`attach` (one line there).
"""

from __future__ import annotations

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QCursor, QPixmap
from qgis.PyQt.QtWidgets import QDialog, QLabel, QMenu, QScrollArea, QVBoxLayout

from ..i18n import tr
from ..tasks.base import CallableTask, start


class PairGranules:
    """Context menu and double click on the pair bars of a :class:`SeriesPlot` of ``panel``."""

    def __init__(self, panel, plot):
        self.panel = panel
        self.plot = plot
        self.tasks: list = []
        self.browse_windows: list[QDialog] = []
        #: the last menu shown (tests trigger its actions)
        self.menu: QMenu | None = None
        plot.canvas.mpl_connect("button_press_event", self._on_press)

    def url_at(self, event) -> str:
        """The granule URL of the bar under a matplotlib mouse event ('' when none)."""
        found = self.plot.pair_at(event)
        if found is None:
            return ""
        number, pair = found
        return str(self.plot.entries[number].series.granule_url[pair])

    def _on_press(self, event):
        url = self.url_at(event)
        if not url:
            return
        if getattr(event, "button", None) == 3:
            self.menu = self.context_menu(url)
            self.menu.popup(QCursor.pos())
        elif getattr(event, "button", None) == 1 and getattr(event, "dblclick", False):
            self.load(url)

    def context_menu(self, url: str) -> QMenu:
        """The pair's menu (actions with object names, for tests and scripts)."""
        menu = QMenu(self.panel)
        load = menu.addAction(tr("Load this pair's granule (speed and arrows)"))
        load.setObjectName("itslive_ts_load_granule")
        load.triggered.connect(lambda: self.load(url))
        browse = menu.addAction(tr("Show its browse image"))
        browse.setObjectName("itslive_ts_browse_granule")
        browse.triggered.connect(lambda: self.show_browse(url))
        link = menu.addAction(tr("Open the granule URL"))
        link.setObjectName("itslive_ts_open_granule")
        link.triggered.connect(lambda: self.panel.open_url(url))
        return menu

    def load(self, url: str):
        """Read the granule in the background, then add its layers to the project."""
        from .. import settings
        from ..layers.granule import granule_layers

        config, allow = self.panel.config_factory(), settings.allow_other_hosts()
        main = QCoreApplication.instance().thread()

        def work(_progress):
            layers = granule_layers(url, config, allow)
            for layer in layers:
                layer.moveToThread(main)
            return layers

        return self._start(tr("Loading the image-pair granule"), work, lambda layers: self._add(url, layers))

    def show_browse(self, url: str):
        """Fetch the browse image in the background and show it in a window."""
        from .. import settings
        from ..layers.granule import read_browse_image

        config, allow = self.panel.config_factory(), settings.allow_other_hosts()
        return self._start(
            tr("Fetching the browse image"),
            lambda _progress: read_browse_image(url, config, allow),
            lambda data: self._show_image(url, data),
        )

    # -- helpers ---------------------------------------------------------------------------------
    def _start(self, title: str, work, done):
        def on_done(result, error):
            if error is not None or result is None:
                self.panel.status.setText(tr("{}: {}").format(title, error or tr("cancelled")))
                self.panel.status.setStyleSheet("color: #a00000")
                return
            done(result)

        task = CallableTask(title, work, on_done)
        self.tasks = [t for t in self.tasks if _alive(t)] + [task]
        self.panel.status.setText(title + "…")
        return start(task)

    def _add(self, url: str, layers):
        from ..layers.granule import group_title

        project = QgsProject.instance()
        group = project.layerTreeRoot().insertGroup(0, group_title(url, layers[-1]))
        for layer in layers:
            project.addMapLayer(layer, False)
            group.addLayer(layer)
        self.panel.status.setText(tr("Loaded {}").format(group.name()))
        self.panel.status.setStyleSheet("")

    def _show_image(self, url: str, data: bytes):
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            self.panel.status.setText(tr("The browse image of this granule is not a readable image."))
            return
        window = QDialog(self.panel)
        window.setObjectName("itslive_granule_browse")
        window.setWindowTitle(tr("Browse image — {}").format(url.rsplit("/", 1)[-1]))
        label = QLabel()
        label.setObjectName("itslive_granule_browse_image")
        label.setPixmap(pixmap)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(label)
        layout = QVBoxLayout(window)
        layout.addWidget(scroll)
        window.resize(min(pixmap.width() + 40, 900), min(pixmap.height() + 40, 900))
        window.show()
        self.browse_windows.append(window)
        self.panel.status.setText(tr("Browse image of {}").format(url.rsplit("/", 1)[-1]))


def attach(panel, plot) -> PairGranules:
    """Give ``plot`` (the panel's SeriesPlot) the granule menu and double click."""
    return PairGranules(panel, plot)


def _alive(task) -> bool:
    try:
        return not task.isCanceled() and task.status() not in (
            task.TaskStatus.Complete,
            task.TaskStatus.Terminated,
        )
    except RuntimeError:  # deleted by the task manager
        return False
