"""Dock section: download a subset of the selected (or covering) datacubes.

Wiring only: the form builds the parameters of ``itslive:downloadsubset`` and runs that
algorithm in the background; "Estimate" asks the core what the download would read
(bytes, chunks, pairs) in a background task before anything is fetched.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from qgis.core import Qgis, QgsProject, QgsRectangle
from qgis.gui import QgsExtentWidget, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from .. import settings
from ..i18n import tr
from ..processing.alg_download_subset import DownloadSubsetAlgorithm as Subset
from ..processing.base import split_list
from ..tasks.base import CallableTask, start
from .composite_form import (
    COMPOSITE_ALGORITHM_ID,
    composite_estimate_note,
    composite_message,
    composite_parameters,
    product_combo,
    product_state,
    set_product_state,
    wants_composite,
)
from .panel_base import AlgorithmPanel

ALGORITHM_ID = "itslive:downloadsubset"
#: the form's upper bounds where the algorithm has none (its lower bounds are the algorithm's)
MAX_DT_DAYS_SHOWN = 5000.0
MAX_V_ERROR_SHOWN = 100000.0


class DownloadPanel(AlgorithmPanel):
    """Area, time window, variables and filters of a subset download; the output is loaded."""

    def __init__(self, iface, parent=None, project: QgsProject | None = None):
        super().__init__(iface, parent, project)
        self.selected_cubes: list[str] = []
        self.estimate_task = None
        self.last_plan = None
        layout = QVBoxLayout(self)

        area_group = QGroupBox(tr("Area"), self)
        area_layout = QVBoxLayout(area_group)
        self.extent_box = QgsExtentWidget(area_group, QgsExtentWidget.WidgetStyle.CondensedStyle)
        self.extent_box.setNullValueAllowed(True, tr("Not set: use the map canvas extent button or draw one"))
        area_layout.addWidget(self.extent_box)
        self.area_crs_label = QLabel(area_group)
        self.area_crs_label.setObjectName("itslive_area_crs")
        self.area_crs_label.setWordWrap(True)
        area_layout.addWidget(self.area_crs_label)
        layout.addWidget(area_group)
        self.cubes_label = QLabel(self)
        self.cubes_label.setObjectName("itslive_download_cubes")
        self.cubes_label.setWordWrap(True)
        layout.addWidget(self.cubes_label)
        self.canvas = iface.mapCanvas() if iface is not None else None
        if self.canvas is not None:
            self.extent_box.setMapCanvas(self.canvas)
            self.canvas.destinationCrsChanged.connect(self._follow_canvas_crs)
            self.canvas.extentsChanged.connect(self._follow_canvas_extent)
            self._follow_canvas_crs()
        self.extent_box.clear()  # an empty project's canvas extent is +/- DBL_MAX: nothing is set
        self.extent_box.extentChanged.connect(self._show_area_crs)
        self._show_area_crs()
        self.set_selected_cubes([])

        form = QFormLayout()
        self.product = product_combo(self)  # image pairs or the annual composite
        form.addRow(tr("Product"), self.product)
        self.aoi_combo = QgsMapLayerComboBox(self)
        self.aoi_combo.setFilters(Qgis.LayerFilter.PolygonLayer)
        self.aoi_combo.setAllowEmptyLayer(True, tr("(use the extent above)"))
        self.aoi_combo.setLayer(None)
        form.addRow(tr("Or polygons"), self.aoi_combo)
        self.selected_only = QCheckBox(tr("Selected features only"), self)
        form.addRow("", self.selected_only)

        dates = QHBoxLayout()
        self.start_date = QDateEdit(QDate(2014, 1, 1), self)
        self.end_date = QDateEdit(QDate.currentDate(), self)
        for edit in (self.start_date, self.end_date):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
            dates.addWidget(edit)
        form.addRow(tr("Time window (mid_date)"), dates)

        self.variables = QLineEdit(self)
        self.variables.setPlaceholderText(tr("default: v, vx, vy, v_error and pair metadata"))
        form.addRow(tr("Variables"), self.variables)
        self.satellites = QLineEdit(self)
        self.satellites.setPlaceholderText(tr("all; e.g. 8,9,2A,2B"))
        form.addRow(tr("Satellites"), self.satellites)
        dt = QHBoxLayout()
        low_dt = Subset.MIN_DT_BOUND_DAYS  # the lowest value means "no filter" (the parameter is not sent)
        self.min_dt = _spin(self, low_dt, low_dt, MAX_DT_DAYS_SHOWN, tr(" d"))
        self.max_dt = _spin(self, low_dt, low_dt, MAX_DT_DAYS_SHOWN, tr(" d"))
        self.max_dt.setSpecialValueText(tr("no limit"))
        dt.addWidget(self.min_dt)
        dt.addWidget(self.max_dt)
        form.addRow(tr("date_dt min / max"), dt)
        low_pct, high_pct = Subset.MIN_VALID_PCT_RANGE
        self.min_valid = _spin(self, low_pct, low_pct, high_pct, " %")
        form.addRow(tr("Minimum valid pixels"), self.min_valid)
        low_error = Subset.MIN_V_ERROR_M_PER_YR
        self.max_v_error = _spin(self, low_error, low_error, MAX_V_ERROR_SHOWN, tr(" m/yr"))
        self.max_v_error.setSpecialValueText(tr("no limit"))
        self.max_v_error.setToolTip(tr("Pixels whose v_error is larger are blanked (MAX_V_ERROR)"))
        form.addRow(tr("Maximum v_error"), self.max_v_error)
        self.output = QgsFileWidget(self)
        self.output.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output.setFilter(tr("NetCDF (*.nc);;Zarr (*.zarr)"))
        form.addRow(tr("Output file"), self.output)
        layout.addLayout(form)

        buttons = QHBoxLayout()
        self.estimate_button = QPushButton(tr("Estimate size"), self)
        self.estimate_button.clicked.connect(self.estimate)
        self.download_button = QPushButton(tr("Download"), self)
        self.download_button.setObjectName("itslive_download")
        self.download_button.clicked.connect(self.download)
        buttons.addWidget(self.estimate_button)
        buttons.addWidget(self.download_button)
        layout.addLayout(buttons)
        self.add_status_row(layout, "itslive_download_status")
        self.action_buttons = [self.estimate_button, self.download_button]
        layout.addStretch(1)

    # -- parameters ------------------------------------------------------------------------------
    def set_selected_cubes(self, urls: list[str]) -> None:
        """Cubes chosen in the Datacubes tab (empty: the algorithm finds them from the area)."""
        self.selected_cubes = list(urls)
        if not urls:
            self.cubes_label.setText(tr("Reads: every datacube under the area (none selected in Datacubes)."))
            self.cubes_label.setToolTip("")
            return
        names = [_cube_name(url) for url in urls]
        self.cubes_label.setText(
            tr("Reads the {} cube(s) selected in Datacubes: {}").format(len(urls), ", ".join(names))
        )
        self.cubes_label.setToolTip("\n".join(urls))

    # -- area ------------------------------------------------------------------------------------
    def _follow_canvas_crs(self, *_args):
        """The area is given in the canvas CRS (an area already set is transformed into it)."""
        crs = self.canvas.mapSettings().destinationCrs()
        if crs.isValid():
            self.extent_box.setOutputCrs(crs)
        self._follow_canvas_extent()
        self._show_area_crs()

    def _follow_canvas_extent(self, *_args):
        extent = self.canvas.extent()
        crs = self.canvas.mapSettings().destinationCrs()
        if _sane(extent) and crs.isValid():
            self.extent_box.setCurrentExtent(extent, crs)
            self.extent_box.setOriginalExtent(extent, crs)

    def _show_area_crs(self, *_args):
        crs = self.extent_box.outputCrs()
        if not crs.isValid():
            self.area_crs_label.setText(tr("Area CRS: not set"))
            return
        self.area_crs_label.setText(tr("Area CRS: {} - {}").format(crs.authid(), crs.description()))

    def parameters(self) -> dict:
        """Parameters of itslive:downloadsubset from the widgets."""
        params = {
            Subset.START_DATE: self.start_date.date().toString("yyyy-MM-dd"),
            Subset.END_DATE: self.end_date.date().toString("yyyy-MM-dd"),
            Subset.VARIABLES: self.variables.text().strip(),
            Subset.SATELLITES: self.satellites.text().strip(),
            Subset.MIN_DT_DAYS: self.min_dt.value() or None,
            Subset.MAX_DT_DAYS: self.max_dt.value() or None,
            Subset.MIN_VALID_PCT: self.min_valid.value() or None,
            Subset.MAX_V_ERROR: self.max_v_error.value() or None,
            Subset.CUBES: ",".join(self.selected_cubes),
            Subset.OUTPUT: self._output_path(),
        }
        layer = self.aoi_combo.currentLayer()
        if layer is not None:
            if self.selected_only.isChecked() and layer.selectedFeatureCount() == 0:
                raise ValueError(tr("No feature of {} is selected.").format(layer.name()))
            from qgis.core import QgsProcessingFeatureSourceDefinition

            params[Subset.AOI] = QgsProcessingFeatureSourceDefinition(
                layer.id(), self.selected_only.isChecked()
            )
        else:
            extent = self.extent_box.outputExtent()
            if not self.extent_box.isValid() or not _sane(extent):
                raise ValueError(tr("Choose an area: the canvas extent, a drawn extent or polygons."))
            crs = self.extent_box.outputCrs()
            params[Subset.EXTENT] = "{},{},{},{} [{}]".format(  # noqa: UP032 (QGIS extent string)
                extent.xMinimum(), extent.xMaximum(), extent.yMinimum(), extent.yMaximum(), crs.authid()
            )
        return {k: v for k, v in params.items() if v not in (None, "")}

    def _output_path(self) -> str:
        path = self.output.filePath().strip()
        if path:
            return path
        folder = Path(tempfile.gettempdir()) / "itslive_qgis"
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder / f"subset_{QDate.currentDate().toString('yyyyMMdd')}.nc")

    # -- project state ---------------------------------------------------------------------------
    def state(self) -> dict:
        """The form's options (saved with the project)."""
        return {
            "start_date": self.start_date.date().toString("yyyy-MM-dd"),
            "end_date": self.end_date.date().toString("yyyy-MM-dd"),
            "variables": self.variables.text(),
            "satellites": self.satellites.text(),
            "min_dt_days": self.min_dt.value(),
            "max_dt_days": self.max_dt.value(),
            "min_valid_pct": self.min_valid.value(),
            "max_v_error": self.max_v_error.value(),
            "output": self.output.filePath(),
            **product_state(self.product),
        }

    def set_state(self, state: dict) -> None:
        """Restore :meth:`state` (unknown keys ignored)."""
        for key, edit in (("start_date", self.start_date), ("end_date", self.end_date)):
            date = QDate.fromString(str(state.get(key, "")), "yyyy-MM-dd")
            if date.isValid():
                edit.setDate(date)
        self.variables.setText(str(state.get("variables", self.variables.text())))
        self.satellites.setText(str(state.get("satellites", self.satellites.text())))
        for key, spin in (
            ("min_dt_days", self.min_dt),
            ("max_dt_days", self.max_dt),
            ("min_valid_pct", self.min_valid),
            ("max_v_error", self.max_v_error),
        ):
            if isinstance(state.get(key), int | float):
                spin.setValue(float(state[key]))
        self.output.setFilePath(str(state.get("output", self.output.filePath())))
        set_product_state(self.product, state)

    # -- actions ---------------------------------------------------------------------------------
    def download(self) -> bool:
        """Run itslive:downloadsubset (or itslive:composite) in the background; the result is loaded."""
        if wants_composite(self.product):
            message = composite_message()
            build = lambda: composite_parameters(self.parameters())  # noqa: E731
            return self.start_algorithm(COMPOSITE_ALGORITHM_ID, build, message, "composite")
        if self.selected_cubes:
            message = tr("Downloading the subset from {} cube(s): {}").format(
                len(self.selected_cubes), ", ".join(_cube_name(url) for url in self.selected_cubes)
            )
        else:
            message = tr("Downloading the subset from every datacube under the area...")
        note = tr(
            "The download runs on the Dask cluster '{}' (the dask_scheduler setting); its workers write the "
            "Zarr store {}, loaded here when complete."
        )
        return self.start_on_setting(ALGORITHM_ID, message, "subset", note)

    def estimate(self) -> bool:
        """What the download would read, computed in a background task (nothing is downloaded)."""
        from ..core.catalog import cube_urls_for_area
        from ..core.subset import estimate_subset

        if wants_composite(self.product):
            self._show(composite_estimate_note())
            return False
        try:
            params = self.parameters()
            area = self._area(params)
        except ValueError as exc:
            self._show(str(exc), error=True)
            return False
        cubes = params.get(Subset.CUBES, "").split(",") if params.get(Subset.CUBES) else None
        config = settings.store_config()

        def work(progress):
            urls = cubes or cube_urls_for_area(area.geometry, area.crs, config, progress)
            return estimate_subset(
                urls,
                area,
                area.crs,
                params[Subset.START_DATE],
                params[Subset.END_DATE],
                variables=split_list(params.get(Subset.VARIABLES)),
                satellites=split_list(params.get(Subset.SATELLITES)),
                min_interval_days=params.get(Subset.MIN_DT_DAYS),
                max_interval_days=params.get(Subset.MAX_DT_DAYS),
                min_roi_valid_percentage=params.get(Subset.MIN_VALID_PCT),
                max_v_error_m_per_yr=params.get(Subset.MAX_V_ERROR),
                config=config,
                progress=progress,
            )

        self._show(tr("Estimating..."))
        self.estimate_task = start(CallableTask(tr("Estimating the ITS_LIVE subset"), work, self._estimated))
        return True

    def _estimated(self, plan, error):
        self.estimate_task = None
        if error is not None:
            self._show(tr("Cannot estimate: {}").format(error), error=True)
            return
        self.last_plan = plan
        self._show(plan.summary())

    def _area(self, params: dict):
        """The area the download would read, as the core's Area (the same conversion as Processing's)."""
        from ..geometry import area_from_qgis

        if Subset.AOI in params:
            from qgis.core import QgsGeometry

            layer = self.aoi_combo.currentLayer()
            feats = layer.selectedFeatures() if self.selected_only.isChecked() else layer.getFeatures()
            return area_from_qgis(QgsGeometry.unaryUnion([f.geometry() for f in feats]), layer.crs())
        return area_from_qgis(self.extent_box.outputExtent(), self.extent_box.outputCrs())

    def shutdown(self):
        super().shutdown()
        if self.canvas is not None:
            for signal, slot in (
                (self.canvas.destinationCrsChanged, self._follow_canvas_crs),
                (self.canvas.extentsChanged, self._follow_canvas_extent),
            ):
                try:
                    signal.disconnect(slot)
                except TypeError:
                    pass
        if self.estimate_task is not None:
            self.estimate_task.on_done = None
            self.estimate_task.cancel()
            self.estimate_task = None


def _spin(parent, value: float, minimum: float, maximum: float, suffix: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox(parent)
    spin.setRange(minimum, maximum)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


def _cube_name(url: str) -> str:
    """``EPSG3413 X-180000_Y-2280000`` from a cube URL."""
    stem = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".zarr")
    parts = stem.split("_")
    epsg = next((p for p in parts if p.startswith("EPSG")), "")
    marker = stem.rfind("_X")
    return f"{epsg} {stem[marker + 1 :]}".strip() if marker >= 0 else stem


def _sane(extent: QgsRectangle) -> bool:
    """A finite, non-empty rectangle (an empty project's canvas reports +/- DBL_MAX)."""
    values = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
    return not extent.isEmpty() and all(abs(v) < 1e15 for v in values)
