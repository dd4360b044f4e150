"""Dock section: invert the current subset (or a cube) to a regular velocity time series.

Wiring only: builds the parameters of ``itslive:invert`` and runs it in the background;
the result is loaded as temporal rasters with flow arrows.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProject
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ..i18n import tr
from ..processing.alg_invert import InvertAlgorithm
from .panel_base import AlgorithmPanel

ALGORITHM_ID = "itslive:invert"
#: the form's upper bound of LAMBDA (the algorithm has none)
MAX_LAMBDA_SHOWN = 1e9


class InvertPanel(AlgorithmPanel):
    """Parameters of the temporal inversion; the input follows the last downloaded subset."""

    def __init__(self, iface, parent=None, project: QgsProject | None = None):
        super().__init__(iface, parent, project)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.input = QgsFileWidget(self)
        self.input.setFilter(tr("Subset (*.nc *.zarr)"))
        self.input.setToolTip(tr("A subset file, or type a datacube path or URL"))
        form.addRow(tr("Subset or cube"), self.input)
        self.interval = QDoubleSpinBox(self)
        self.interval.setRange(InvertAlgorithm.MIN_INTERVAL_DAYS, InvertAlgorithm.MAX_INTERVAL_DAYS)
        self.interval.setValue(InvertAlgorithm.DEFAULT_INTERVAL_DAYS)
        self.interval.setSuffix(tr(" days"))
        form.addRow(tr("Time step"), self.interval)
        self.lam = QDoubleSpinBox(self)
        self.lam.setRange(InvertAlgorithm.MIN_LAMBDA, MAX_LAMBDA_SHOWN)
        self.lam.setValue(InvertAlgorithm.DEFAULT_LAMBDA)
        self.lam.setDecimals(4)
        self.lam.setSpecialValueText(tr("automatic (cross-validation)"))
        form.addRow(tr("Regularisation weight"), self.lam)
        self.derivative = QComboBox(self)
        self.derivative.addItems([tr("first derivative"), tr("second derivative")])
        self.derivative.setCurrentIndex(InvertAlgorithm.DEFAULT_DERIVATIVE)
        form.addRow(tr("Smoothness of"), self.derivative)
        self.weighting = QComboBox(self)
        self.weighting.addItems([tr("none"), tr("pair errors (1/sigma^2)")])
        self.weighting.setCurrentIndex(InvertAlgorithm.DEFAULT_WEIGHTING)  # as the point panel
        form.addRow(tr("Weighting"), self.weighting)
        self.robust = QCheckBox(tr("Down-weight outliers (robust)"), self)
        self.robust.setChecked(InvertAlgorithm.DEFAULT_ROBUST)
        form.addRow("", self.robust)
        self.satellites = QLineEdit(self)
        self.satellites.setPlaceholderText(tr("all; e.g. 8,9,2A,2B"))
        form.addRow(tr("Satellites"), self.satellites)
        self.device = QComboBox(self)
        self.device.addItems([tr("auto"), "cpu", "cuda"])
        self.device.setCurrentIndex(InvertAlgorithm.DEFAULT_DEVICE)
        form.addRow(tr("Device"), self.device)
        self.output = QgsFileWidget(self)
        self.output.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output.setFilter(tr("NetCDF (*.nc)"))
        form.addRow(tr("Output file"), self.output)
        layout.addLayout(form)
        self.invert_button = QPushButton(tr("Invert"), self)
        self.invert_button.setObjectName("itslive_invert")
        self.invert_button.clicked.connect(self.invert)
        layout.addWidget(self.invert_button)
        self.add_status_row(layout, "itslive_invert_status")
        self.action_buttons = [self.invert_button]
        layout.addStretch(1)

    def set_input(self, path) -> None:
        """Use ``path`` (e.g. the subset just downloaded) as the input."""
        self.input.setFilePath(str(path))

    def parameters(self) -> dict:
        """Parameters of itslive:invert from the widgets."""
        source = self.input.filePath().strip()
        if not source:
            raise ValueError(tr("Choose a subset file (download one first) or give a datacube URL."))
        output = self.output.filePath().strip()
        if not output:
            stem = Path(source.rstrip("/")).stem
            parent = Path(source).parent if Path(source).exists() else Path.home()
            output = str(parent / f"{stem}_inversion.nc")
        return {
            InvertAlgorithm.INPUT: source,
            InvertAlgorithm.INTERVAL_DAYS: self.interval.value(),
            InvertAlgorithm.LAMBDA: self.lam.value(),
            InvertAlgorithm.DERIVATIVE: self.derivative.currentIndex(),
            InvertAlgorithm.WEIGHTING: self.weighting.currentIndex(),
            InvertAlgorithm.ROBUST: self.robust.isChecked(),
            InvertAlgorithm.SATELLITES: self.satellites.text().strip(),
            InvertAlgorithm.DEVICE: self.device.currentIndex(),
            InvertAlgorithm.OUTPUT: output,
        }

    def state(self) -> dict:
        """The form's options (saved with the project)."""
        return {
            "input": self.input.filePath(),
            "interval_days": self.interval.value(),
            "lambda": self.lam.value(),
            "derivative": self.derivative.currentIndex(),
            "weighting": self.weighting.currentIndex(),
            "robust": self.robust.isChecked(),
            "satellites": self.satellites.text(),
            "device": self.device.currentIndex(),
            "output": self.output.filePath(),
        }

    def set_state(self, state: dict) -> None:
        """Restore :meth:`state` (unknown keys ignored)."""
        self.input.setFilePath(str(state.get("input", self.input.filePath())))
        for key, spin in (("interval_days", self.interval), ("lambda", self.lam)):
            if isinstance(state.get(key), int | float):
                spin.setValue(float(state[key]))
        for key, combo in (
            ("derivative", self.derivative),
            ("weighting", self.weighting),
            ("device", self.device),
        ):
            if isinstance(state.get(key), int) and 0 <= state[key] < combo.count():
                combo.setCurrentIndex(state[key])
        self.robust.setChecked(bool(state.get("robust", self.robust.isChecked())))
        self.satellites.setText(str(state.get("satellites", self.satellites.text())))
        self.output.setFilePath(str(state.get("output", self.output.filePath())))

    def invert(self) -> bool:
        """Run itslive:invert in the background; the series is loaded when written."""
        note = tr(
            "The inversion runs on the Dask cluster '{}' (the dask_scheduler setting); its workers write the "
            "Zarr store {}, loaded here when complete."
        )
        return self.start_on_setting(ALGORITHM_ID, tr("Inverting..."), "inversion", note)
