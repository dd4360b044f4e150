"""The Glaciers tab's run form: itslive:profile (a line layer) and itslive:glacierstats (an outline
layer) on a velocity dataset, run as Processing tasks (gui.runner), the results loaded in the tab.

Wiring only: the parameters are the toolbox's; outputs go to Processing's temporary folder unless the
caller names them (tests, scripts).
"""

from __future__ import annotations

from qgis.core import QgsMapLayerProxyModel, QgsProcessingUtils, QgsProject
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ..i18n import tr
from ..processing.alg_glacier_stats import GlacierStatsAlgorithm as Stats
from ..processing.alg_profile import ProfileAlgorithm as Profile
from .runner import AlgorithmRun

PROFILE_ID = "itslive:profile"
STATS_ID = "itslive:glacierstats"


class GlacierRunForm(QGroupBox):
    """Velocity input, a line and an outline layer; two buttons that run the algorithms as tasks."""

    def __init__(self, panel, parent=None):
        super().__init__(tr("Run on a velocity dataset"), parent)
        self.panel = panel  # the GlacierPanel: load_profile / load_stats / status
        self.runs: set = set()
        layout = QFormLayout(self)
        self.input_edit = QLineEdit()
        self.input_edit.setPlaceholderText(tr("datacube (.zarr), subset or inversion (.nc); vx, vy in m/yr"))
        browse = QPushButton(tr("Browse..."))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.input_edit, 1)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        layout.addRow(tr("Velocity dataset"), holder)
        self.line_combo = QgsMapLayerComboBox()
        self.line_combo.setFilters(QgsMapLayerProxyModel.Filter.LineLayer)
        self.outline_combo = QgsMapLayerComboBox()
        self.outline_combo.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.profile_button = QPushButton(tr("Run profile"))
        self.profile_button.clicked.connect(lambda: self.run_profile())
        self.stats_button = QPushButton(tr("Run glacier statistics"))
        self.stats_button.clicked.connect(lambda: self.run_stats())
        layout.addRow(tr("Line (first or selected feature)"), _pair(self.line_combo, self.profile_button))
        layout.addRow(tr("Outlines (polygons)"), _pair(self.outline_combo, self.stats_button))

    def is_busy(self) -> bool:
        return bool(self.runs)

    def run_profile(self, output=None) -> AlgorithmRun | None:
        """Run itslive:profile along the chosen line; the result is drawn when it ends."""
        layer = self.line_combo.currentLayer()
        if not self._ready(layer, tr("Choose a line layer.")):
            return None
        output = str(output or QgsProcessingUtils.generateTempFilename("profile.nc"))
        params = {Profile.INPUT: self.input_edit.text().strip(), Profile.LINE: layer, Profile.OUTPUT: output}
        return self._start(PROFILE_ID, params, lambda res: self.panel.load_profile(res[Profile.OUTPUT]))

    def run_stats(self, output=None) -> AlgorithmRun | None:
        """Run itslive:glacierstats over the chosen outlines; the table is drawn when it ends."""
        layer = self.outline_combo.currentLayer()
        if not self._ready(layer, tr("Choose an outline (polygon) layer.")):
            return None
        output = str(output or QgsProcessingUtils.generateTempFilename("glacier_stats.csv"))
        params = {Stats.INPUT: self.input_edit.text().strip(), Stats.OUTLINE: layer, Stats.OUTPUT: output}
        return self._start(STATS_ID, params, lambda res: self.panel.load_stats(res[Stats.OUTPUT]))

    def shutdown(self):
        for run in list(self.runs):
            run.on_done = None
            run.cancel()
        self.runs.clear()

    def _ready(self, layer, message) -> bool:
        if not self.input_edit.text().strip():
            self.panel.status.setText(tr("Choose a velocity dataset."))
            return False
        if layer is None:
            self.panel.status.setText(message)
            return False
        return True

    def _start(self, algorithm_id, params, on_result) -> AlgorithmRun:
        def done(ok, results, error):
            self.runs.discard(run)
            if not ok:
                self.panel.status.setText(tr("{} failed: {}").format(algorithm_id, error))
                return
            on_result(results)

        run = AlgorithmRun(algorithm_id, params, QgsProject.instance(), on_done=done)
        self.runs.add(run)
        self.panel.status.setText(tr("Running {}...").format(algorithm_id))
        return run.start()

    def _browse(self):
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Velocity dataset"), "", tr("Velocity datasets (*.nc *.zarr .zmetadata)")
        )
        if path:
            self.input_edit.setText(path[: -len("/.zmetadata")] if path.endswith("/.zmetadata") else path)


def _pair(combo, button) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(combo, 1)
    row.addWidget(button)
    return holder
