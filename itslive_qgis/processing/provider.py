"""The ``itslive`` Processing provider."""

from __future__ import annotations

import importlib
import importlib.util

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsProcessingModelAlgorithm, QgsProcessingProvider
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
    ("alg_load_result", "LoadResultAlgorithm"),
    ("alg_export_map", "ExportMapAlgorithm"),
    ("alg_export_animation", "ExportAnimationAlgorithm"),
    ("alg_granules", "GranulesAlgorithm"),
    ("alg_load_granules", "LoadGranulesAlgorithm"),
    ("alg_install_dependencies", "InstallDependenciesAlgorithm"),  # standard library and pip only
    ("alg_icesat2_heights", "Icesat2HeightsAlgorithm"),
    ("alg_elevation_change", "ElevationChangeAlgorithm"),
    ("alg_mass_balance", "MassBalanceAlgorithm"),
    ("alg_composite", "CompositeAlgorithm"),
    ("alg_seasonal_fit", "SeasonalFitAlgorithm"),
    ("alg_flowline", "FlowlineAlgorithm"),
    ("alg_profile", "ProfileAlgorithm"),
    ("alg_glacier_stats", "GlacierStatsAlgorithm"),
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
        models = _model_algorithms()
        for alg in models:
            self.addAlgorithm(alg)
        registry = QgsApplication.processingRegistry()
        if models and registry.providerById(self.id()) is not self:
            # the models' children are this provider's algorithms: they resolve (and the models get
            # their output parameters) only once the provider is registered
            registry.providerAdded.connect(self._reload_models)

    def _reload_models(self, provider_id: str) -> None:
        """Re-read the shipped models once this provider is in the registry."""
        if provider_id != "itslive":
            return
        registry = QgsApplication.processingRegistry()
        registry.providerAdded.disconnect(self._reload_models)
        try:
            algorithms = self.algorithms()
        except RuntimeError:  # this provider was never registered and has been deleted
            return
        for alg in algorithms:
            if isinstance(alg, QgsProcessingModelAlgorithm) and alg.sourceFilePath():
                alg.fromFile(alg.sourceFilePath())


def _model_algorithms() -> list:
    """Algorithms made from the .model3 files shipped in resources/models."""
    from pathlib import Path

    from ..paths import resources_dir

    class ShippedModel(QgsProcessingModelAlgorithm):
        """A shipped model with the icon resources/icons/<model name>.svg (the plugin icon if none)."""

        def icon(self):
            return QIcon(self.svgIconPath())

        def svgIconPath(self):
            own = Path(icon_path(f"{self.name()}.svg"))
            return str(own) if own.is_file() else icon_path()

        def displayName(self):
            if self.name() == "workflow":
                return tr("Workflow: cubes, subset, time series, strain rates, dh/dt")
            return super().displayName()

        def createInstance(self):
            """A copy that keeps these overrides (the C++ copy would lose the output checks)."""
            copy = ShippedModel()
            copy.loadVariant(self.toVariant())
            copy.setSourceFilePath(self.sourceFilePath())
            return copy

        def checkParameterValues(self, parameters, context):
            """Every output checked before the first child runs, so a bad one fails before the download."""
            from .base import number_problem, output_problem

            problem = number_problem(self, parameters) or output_problem(self, parameters)
            names = {p.name() for p in self.parameterDefinitions()}
            if not problem and {"THICKNESS", "flux"} <= names:
                has_thickness = parameters.get("THICKNESS") not in (None, "")
                if has_thickness and parameters.get("flux") in (None, ""):
                    problem = tr("flux: THICKNESS is given, so choose a file for the flux divergence (flux).")
            if not problem and "HEIGHT_CHANGE" in names:
                from .elevation_outputs import height_change_problem

                problem = height_change_problem(parameters)
            if problem:
                return False, problem
            return super().checkParameterValues(parameters, context)

    out = []
    for path in sorted(Path(resources_dir(), "models").glob("*.model3")):
        model = ShippedModel()
        if model.fromFile(str(path)):
            model.setSourceFilePath(str(path))
            out.append(model)
        else:
            QgsMessageLog.logMessage(
                tr("Could not read the model {}").format(path.name), "ITS_LIVE", Qgis.MessageLevel.Warning
            )
    return out
