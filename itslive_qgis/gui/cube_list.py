"""The dock's list of datacubes under the canvas, with footprint highlighting.

The catalog is loaded (and refreshed) in a background task; look-ups run on the main
thread because they take a few milliseconds (measured in tests/qgis/test_dock.py),
debounced after canvas extent or CRS changes.
"""

from __future__ import annotations

import time

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsField,
    QgsGeometry,
    QgsMessageLog,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.gui import QgsRubberBand
from qgis.PyQt.QtCore import QItemSelection, QItemSelectionModel, QMetaType, Qt, QTimer, pyqtSignal
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import settings
from ..geometry import multipolygon_from_geojson
from ..i18n import tr
from ..paths import style_path
from ..tasks.base import CallableTask, start

DEBOUNCE_MS = 250


def column_titles() -> list[str]:
    """Translated headers of the cube table."""
    return [tr("Tile (centre)"), tr("EPSG"), tr("Granules"), tr("Coverage %")]


def footprints_layer_name() -> str:
    """Translated name of the footprints layer."""
    return tr("ITS_LIVE datacube footprints")


def short_tile_name(tile_name: str) -> str:
    """The part of a tile name that differs between tiles: ``X-180000_Y-2280000``."""
    marker = tile_name.rfind("_X")
    return tile_name[marker + 1 :] if marker >= 0 else tile_name


class CubeList(QWidget):
    """Table of the cubes intersecting the canvas; emits ``selectionChanged(list_of_zarr_urls)``."""

    selectionChanged = pyqtSignal(list)
    catalogLoaded = pyqtSignal()

    def __init__(self, canvas, parent=None, iface=None):
        super().__init__(parent)
        self.canvas = canvas
        self.iface = iface
        self.catalog = None
        self.records: list = []
        self.last_query_ms = 0.0
        self.load_task = None
        self.query_task = None
        self._query_generation = 0
        #: the user's selection, by cube key (zarr_url), in the order chosen; kept across refreshes
        self._selected: list[str] = []
        self._selected_records: dict = {}
        self.footprints_layer_id: str | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel(tr("Loading the datacube catalog..."))
        self.status.setObjectName("itslive_catalog_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        titles = column_titles()
        self.table = QTableWidget(0, len(titles))
        self.table.setObjectName("itslive_cube_table")
        self.table.setHorizontalHeaderLabels(titles)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setMouseTracking(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.cellEntered.connect(lambda row, _col: self.highlight_rows([row], hover=True))
        layout.addWidget(self.table)

        self.show_all = QCheckBox(tr("Show all datacube footprints on the map"))
        self.show_all.setObjectName("itslive_show_footprints")
        self.show_all.toggled.connect(self.set_footprints_layer_visible)
        layout.addWidget(self.show_all)

        self.rubber_band = QgsRubberBand(canvas, QgsWkbTypes.GeometryType.PolygonGeometry)
        self.rubber_band.setColor(QColor(255, 80, 0, 200))
        self.rubber_band.setFillColor(QColor(255, 160, 0, 20))  # light: results are drawn under it
        self.rubber_band.setWidth(2)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.refresh)
        canvas.extentsChanged.connect(self.schedule_refresh)
        canvas.destinationCrsChanged.connect(self.schedule_refresh)

    # -- catalog ---------------------------------------------------------------------------
    def load_catalog(self, source: str | None = None, refresh: bool = True):
        """Load the catalog in a background task (replacing one still running); the table fills when ready."""
        self.cancel_loading()
        config = settings.store_config()

        def work(progress):
            # imported in the task: on the main thread it was the dock opening's stall (the dock may
            # open before the warm-up has imported it)
            from ..core.catalog import load_catalog

            return load_catalog(config, source=source, refresh=refresh, progress=_QuietProgress(progress))

        self.load_task = start(CallableTask(tr("Loading the ITS_LIVE catalog"), work, self._catalog_loaded))
        return self.load_task

    def _catalog_loaded(self, result, error):
        self.load_task = None
        if error is not None:
            self.status.setText(tr("The datacube catalog could not be loaded: {}").format(error))
            self.status.setToolTip(str(error))
            return
        self.catalog = result.catalog
        self._record_by_url = None
        self.status.setText(catalog_status(result))
        self.status.setToolTip(result.message)  # the details (source, cache path), as the core says them
        level = Qgis.MessageLevel.Warning if result.status == "refresh_failed" else Qgis.MessageLevel.Info
        QgsMessageLog.logMessage(self.status.text(), "ITS_LIVE", level)
        self.catalogLoaded.emit()
        self.refresh()

    # -- look-ups -------------------------------------------------------------------------
    def schedule_refresh(self):
        """Refresh after the canvas stopped moving for DEBOUNCE_MS."""
        self.timer.start()

    def refresh(self):
        """List the cubes intersecting the canvas extent (in its CRS).

        The look-up runs in a background task (a few ms for a canvas, ~50-150 ms for the whole
        world); only the answer to the latest request is shown.
        """
        if self.catalog is None:
            return
        extent = self.canvas.extent()
        crs = self.canvas.mapSettings().destinationCrs()
        if extent.isEmpty() or not crs.isValid():
            return
        bounds = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
        crs_spec = crs.authid() or crs.toWkt()
        catalog = self.catalog
        self._query_generation += 1
        generation = self._query_generation

        def work(_progress):
            t0 = time.perf_counter()
            matches = catalog.matches(bounds, crs_spec)
            return matches, (time.perf_counter() - t0) * 1000.0

        self.query_task = start(
            CallableTask(
                tr("Looking up ITS_LIVE datacubes"),
                work,
                lambda result, error: self._show_matches(generation, result, error),
            )
        )

    def _show_matches(self, generation: int, result, error):
        if generation != self._query_generation:
            return  # a newer request is on its way
        self.query_task = None
        if error is not None:  # e.g. a CRS pyproj cannot read: say so, keep the list
            self.status.setText(tr("Cannot look up cubes in this map CRS: {}").format(error))
            return
        matches, self.last_query_ms = result
        self._remember_records()
        listed = {m.record.zarr_url for m in matches}
        kept = [self._selected_records[url] for url in self._selected if url not in listed and url in
                self._selected_records]  # fmt: skip
        rows = [(m.record, f"{m.overlap_percent:.1f}") for m in matches] + [(rec, "0.0") for rec in kept]
        self.records = [rec for rec, _ in rows]
        self.table.blockSignals(True)
        self.table.selectionModel().blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(rows))
        for row, (rec, coverage) in enumerate(rows):
            values = (
                short_tile_name(rec.tile_name),
                str(rec.epsg),
                "" if rec.granule_count is None else str(rec.granule_count),
                coverage,
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{rec.tile_name}\n{rec.zarr_url}")
                item.setData(Qt.ItemDataRole.UserRole, rec.zarr_url)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self._apply_selection()
        self.table.selectionModel().blockSignals(False)
        self.table.blockSignals(False)
        self.table.resizeColumnToContents(0)
        self._emit_selection()

    def _apply_selection(self):
        """Select exactly the rows of ``self._selected`` (one selection change, not row by row)."""
        model = self.table.model()
        selection = QItemSelection()
        wanted = set(self._selected)
        last = model.columnCount() - 1
        for row, rec in enumerate(self.records):
            if rec.zarr_url in wanted:
                selection.select(model.index(row, 0), model.index(row, last))
        self.table.selectionModel().select(
            selection,
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )

    # -- selection and highlighting -----------------------------------------------------------
    def selected_urls(self) -> list[str]:
        """zarr_urls of the cubes the user selected, in the order chosen (kept across refreshes)."""
        return list(self._selected)

    def selected_records(self) -> list:
        """Catalog records of :meth:`selected_urls`."""
        return [self._selected_records[url] for url in self._selected if url in self._selected_records]

    def select_urls(self, urls: list[str]):
        """Select exactly these cubes (e.g. restored from the project), by cube key."""
        self._selected = list(dict.fromkeys(urls))
        self._remember_records()
        if self.catalog is not None:
            self.refresh()
        self._emit_selection()

    def _remember_records(self):
        if self.catalog is None:
            return
        if getattr(self, "_record_by_url", None) is None:
            self._record_by_url = {rec.zarr_url: rec for rec in self.catalog.records}
        for url in self._selected:
            rec = self._record_by_url.get(url)
            if rec is not None:
                self._selected_records[url] = rec
        unknown = [url for url in self._selected if url not in self._record_by_url]
        if unknown:  # e.g. a project saved against another catalog: say so, do not download them
            self._selected = [url for url in self._selected if url in self._record_by_url]
            QgsMessageLog.logMessage(
                tr("{} selected cube(s) are not in the catalog and were deselected: {}").format(
                    len(unknown), ", ".join(unknown)
                ),
                "ITS_LIVE",
                Qgis.MessageLevel.Info,
            )

    def _on_selection(self):
        """The user changed the selection in the table: it becomes the selection."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        chosen = [self.records[r].zarr_url for r in rows if r < len(self.records)]
        order = {url: n for n, url in enumerate(self._selected)}
        self._selected = sorted(chosen, key=lambda url: order.get(url, len(order)))
        for r in rows:
            if r < len(self.records):
                self._selected_records[self.records[r].zarr_url] = self.records[r]
        self._emit_selection()

    def _emit_selection(self):
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        self.highlight_rows(rows)
        self.selectionChanged.emit(self.selected_urls())

    def highlight_rows(self, rows: list[int], hover: bool = False):
        """Draw the footprints of ``rows`` on the canvas (rubber band in the canvas CRS)."""
        if hover and not rows:
            return
        self.rubber_band.reset(QgsWkbTypes.GeometryType.PolygonGeometry)
        dest = self.canvas.mapSettings().destinationCrs()
        for row in rows:
            if row >= len(self.records):
                continue
            geom = footprint_geometry(self.records[row], dest)
            if geom is not None:
                self.rubber_band.addGeometry(geom, dest)
        self.rubber_band.show()

    def leaveEvent(self, event):
        self.highlight_rows(sorted({i.row() for i in self.table.selectedIndexes()}))
        super().leaveEvent(event)

    # -- all footprints layer ---------------------------------------------------------------
    def set_footprints_layer_visible(self, visible: bool):
        """Add or remove the styled, labelled layer of every footprint."""
        project = QgsProject.instance()
        if not visible:
            if self.footprints_layer_id and project.mapLayer(self.footprints_layer_id):
                project.removeMapLayer(self.footprints_layer_id)
            self.footprints_layer_id = None
            return
        if self.catalog is None:
            self.status.setText(tr("The catalog is not loaded yet; footprints will show when it is."))
            return
        layer = footprints_layer(self.catalog)
        from .view_guard import ViewGuard

        with ViewGuard(self.iface, project, zoom_to_first=False):
            project.addMapLayer(layer)
        self.footprints_layer_id = layer.id()

    def cancel_loading(self):
        """Forget and cancel the catalog task still running, if any."""
        if self.load_task is not None:
            self.load_task.on_done = None
            self.load_task.cancel()
            self.load_task = None

    def shutdown(self):
        """Cancel the catalog task, disconnect from the canvas, remove the highlight."""
        self.cancel_loading()
        try:
            self.canvas.extentsChanged.disconnect(self.schedule_refresh)
            self.canvas.destinationCrsChanged.disconnect(self.schedule_refresh)
        except TypeError:
            pass
        self.timer.stop()
        self.rubber_band.reset(QgsWkbTypes.GeometryType.PolygonGeometry)
        self.canvas.scene().removeItem(self.rubber_band)


def footprint_geometry(record, dest_crs: QgsCoordinateReferenceSystem) -> QgsGeometry | None:
    """A cube's tile square, densified, transformed from its EPSG to ``dest_crs``."""
    geom = QgsGeometry.fromWkt(record.footprint_epsg.wkt)
    geom = geom.densifyByDistance(2000.0)
    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(f"EPSG:{record.epsg}"), dest_crs, QgsProject.instance()
    )
    try:
        geom.transform(transform)
    except Exception:  # outside the destination CRS's domain
        return None
    return geom


def footprints_layer(catalog, records=None) -> QgsVectorLayer:
    """Memory layer (EPSG:4326) of every footprint, styled from resources/styles/footprints.qml."""
    from ..core.catalog import FOOTPRINT_FIELDS

    types = {"text": QMetaType.Type.QString, "int": QMetaType.Type.Int, "double": QMetaType.Type.Double}
    layer = QgsVectorLayer("MultiPolygon?crs=EPSG:4326", footprints_layer_name(), "memory")
    provider = layer.dataProvider()
    provider.addAttributes([QgsField(name, types[kind]) for name, kind in FOOTPRINT_FIELDS])
    provider.addAttributes([QgsField("tile", QMetaType.Type.QString)])
    layer.updateFields()
    features = []
    for record, item in zip(records or catalog.records, catalog.footprint_features(records)):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(multipolygon_from_geojson(item["geometry"]))
        props = item["properties"]
        feature.setAttributes([props[name] for name, _ in FOOTPRINT_FIELDS] + [record.tile_name])
        features.append(feature)
    provider.addFeatures(features)
    layer.updateExtents()
    layer.loadNamedStyle(style_path("footprints.qml"))
    return layer


def catalog_status(result) -> str:
    """One translated line about the catalog just loaded (the core's English details go to the tooltip)."""
    count = len(result.catalog)
    if result.status == "refreshed":
        return tr("Datacube catalog downloaded: {} cubes.").format(count)
    if result.status == "refresh_failed":
        return tr("The datacube catalog could not be refreshed; using the cached copy ({} cubes).").format(
            count
        )
    return tr("Datacube catalog up to date: {} cubes.").format(count)


class _QuietProgress:
    """The task's progress without the core's (English) log lines; the dock logs its own summary."""

    def __init__(self, progress):
        self._progress = progress

    def report(self, fraction: float) -> None:
        self._progress.report(fraction)

    def is_cancelled(self) -> bool:
        return self._progress.is_cancelled()

    def log(self, message: str) -> None:
        pass
