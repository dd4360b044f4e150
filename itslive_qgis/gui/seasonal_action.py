"""The Analysis tab's "Seasonal fit" action: itslive:seasonalfit of the chosen velocity layer (a loaded
subset or inversion result) run in the background, its output loaded as styled layers (the composite's
styles: speed, amplitude, phase on the cyclic month ramp). Wiring only: the panel's velocity layer and
its background run (:meth:`gui.panel_base.AlgorithmPanel.start_algorithm`) are reused."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from qgis.gui import QgsCollapsibleGroupBox
from qgis.PyQt.QtWidgets import QCheckBox, QFormLayout, QPushButton

from ..i18n import tr
from ..processing.alg_seasonal_fit import SeasonalFitAlgorithm as Seasonal
from ..processing.velocity_inputs import VelocityParameterIds as Velocity

SEASONAL_ID = "itslive:seasonalfit"
OUTPUT_SUFFIX = "_seasonal.nc"
#: the loader's kind of a seasonal fit (the composite's names, so the composite's styles)
RESULT_KIND = "composite"


def add_seasonal_fit(panel, layout) -> QPushButton:
    """Add the "Seasonal cycle" box to ``panel`` (an AnalysisPanel); returns its button."""
    box = QgsCollapsibleGroupBox(tr("Seasonal cycle"), panel)
    form = QFormLayout(box)
    panel.semiannual_check = QCheckBox(tr("Fit a semi-annual term too"), box)
    panel.semiannual_check.setObjectName("itslive_seasonal_semiannual")
    form.addRow(panel.semiannual_check)
    button = QPushButton(tr("Seasonal fit"), box)
    button.setObjectName("itslive_seasonal_button")
    button.setToolTip(
        tr("Mean, trend, annual amplitude and phase of every pixel of the velocity layer (a subset or an "
           "inversion result), with their 1-sigma errors (itslive:seasonalfit)")
    )  # fmt: skip
    button.clicked.connect(lambda: run_seasonal_fit(panel))
    form.addRow(button)
    layout.addWidget(box)
    return button


def seasonal_parameters(panel) -> dict:
    """itslive:seasonalfit's parameters from the panel's velocity layer; ValueError if it cannot run."""
    params = panel.velocity_parameters()
    source = params.get(Velocity.INPUT)
    if not source:
        raise ValueError(
            tr("The seasonal fit needs a subset or an inversion result (NetCDF or Zarr), not a GeoTIFF pair.")
        )
    return {
        Seasonal.INPUT: source,
        Seasonal.SEMIANNUAL: panel.semiannual_check.isChecked(),
        Seasonal.ROBUST: True,
        Seasonal.OUTPUT: _output_path(panel, source),
    }


def run_seasonal_fit(panel) -> bool:
    """Start itslive:seasonalfit in the background; False (with a message) if it cannot start."""
    return panel.start_algorithm(
        SEASONAL_ID, lambda: seasonal_parameters(panel), tr("Fitting the seasonal cycle..."), RESULT_KIND
    )


def _output_path(panel, source: str) -> str:
    """``<stem>_seasonal.nc`` in the panel's output folder (else beside the source, else the temporary
    folder), never an existing file (``_2``, ``_3``, ... as the panel's other actions)."""
    folder = panel.output_folder.filePath().strip()
    path = Path(str(source).rstrip("/"))
    target = Path(folder) if folder else path.parent
    if not (target.is_dir() and os.access(target, os.W_OK)):
        target = Path(tempfile.gettempdir()) / "itslive_qgis"
        target.mkdir(parents=True, exist_ok=True)
    candidate, n = target / (path.stem + OUTPUT_SUFFIX), 2
    while candidate.exists():
        candidate = target / f"{path.stem}{OUTPUT_SUFFIX[:-3]}_{n}.nc"
        n += 1
    return str(candidate)
