"""The ``itslive`` Processing provider."""

from __future__ import annotations

import importlib
import importlib.util

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr
from ..paths import icon_path

#: module (in this package) -> algorithm class name; one algorithm per file
ALGORITHMS = (
    ("alg_find_cubes", "FindCubesAlgorithm"),
    ("alg_download_subset", "DownloadSubsetAlgorithm"),
    ("alg_mosaic", "MosaicAlgorithm"),
    ("alg_invert", "InvertAlgorithm"),
    ("alg_strain_rates", "StrainRatesAlgorithm"),
    ("alg_flux_divergence", "FluxDivergenceAlgorithm"),
    ("alg_track", "TrackAlgorithm"),
)


class ItsLiveProvider(QgsProcessingProvider):
    """Registers every ITS_LIVE algorithm; those whose packages are missing say so in canExecute()."""

    def id(self):
        return "itslive"

    def name(self):
        return "ITS_LIVE"

    def longName(self):
        return tr("ITS_LIVE glacier and ice-sheet velocities")

    def icon(self):
        return QIcon(icon_path())

    def loadAlgorithms(self):
        for module_name, class_name in ALGORITHMS:
            if importlib.util.find_spec(f"{__package__}.{module_name}") is None:
                continue  # not written yet
            try:
                module = importlib.import_module(f"{__package__}.{module_name}")
                self.addAlgorithm(getattr(module, class_name)())
            except Exception as exc:  # one broken algorithm must not hide the others
                QgsMessageLog.logMessage(
                    tr("Could not load algorithm {}: {}").format(class_name, exc),
                    "ITS_LIVE",
                    Qgis.MessageLevel.Warning,
                )
        for alg in _model_algorithms():
            self.addAlgorithm(alg)


def _model_algorithms() -> list:
    """Algorithms made from the .model3 files shipped in resources/models."""
    from pathlib import Path

    from qgis.core import QgsProcessingModelAlgorithm

    from ..paths import resources_dir

    out = []
    for path in sorted(Path(resources_dir(), "models").glob("*.model3")):
        model = QgsProcessingModelAlgorithm()
        if model.fromFile(str(path)):
            out.append(model)
        else:
            QgsMessageLog.logMessage(
                tr("Could not read the model {}").format(path.name), "ITS_LIVE", Qgis.MessageLevel.Warning
            )
    return out
