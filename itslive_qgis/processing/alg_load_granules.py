"""itslive:loadgranules — the granules of a table's rows (output of itslive:granules) into the project.

Each granule becomes a group with its speed (log colours, m/yr) and flow arrows, read by HTTP range
requests from the configured store (layers.granule). "Selected features only" loads the rows
selected in the attribute table. Runs on the main thread (it adds layers to the project).
"""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ..i18n import tr
from .base import ItsLiveAlgorithm


class LoadGranulesAlgorithm(ItsLiveAlgorithm):
    """Load the image-pair granules named by a table's rows."""

    NAME = "loadgranules"
    CAPABILITY = "granules"
    INPUT = "INPUT"
    URL_FIELD = "URL_FIELD"
    MAX_GRANULES = "MAX_GRANULES"
    LOADED = "LOADED"

    def displayName(self):
        return tr("Load image-pair granules")

    def shortHelpString(self):
        return tr(
            "Loads the granules named by the granule_url field of a table (the output of 'Image-pair "
            "granules of a datacube'; check 'Selected features only' to load the selected rows) as "
            "groups holding the pair's speed (m/yr, log colours) and flow arrows. Granules are read by "
            "HTTP range requests (GDAL /vsis3/) from the configured store: only the header and the "
            "chunks drawn are fetched. MAX_GRANULES guards against loading a whole table by mistake.\n\n"
            "Data: NASA MEaSUREs ITS_LIVE (Gardner et al., doi:10.5194/egusphere-2025-392)."
        )

    def flags(self):
        return super().flags() | Qgis.ProcessingAlgorithmFlag.NoThreading

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Granule table"), [QgsProcessing.SourceType.TypeVector]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.URL_FIELD, tr("Field holding the granule URL"), "granule_url", self.INPUT
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MAX_GRANULES,
                tr("Most granules loaded"),
                QgsProcessingParameterNumber.Type.Integer,
                defaultValue=10,
                minValue=1,
                maxValue=500,
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.LOADED, tr("Granules loaded")))

    def processAlgorithm(self, parameters, context, feedback):
        from .. import settings
        from ..layers.granule import load_granule

        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        field = self.parameterAsString(parameters, self.URL_FIELD, context) or "granule_url"
        if source.fields().indexOf(field) < 0:
            raise QgsProcessingException(tr("{}: the table has no field {}.").format(self.URL_FIELD, field))
        urls = [str(f[field]) for f in source.getFeatures() if f[field]]
        limit = self.parameterAsInt(parameters, self.MAX_GRANULES, context)
        if not urls:
            raise QgsProcessingException(tr("No granule URL in the table (or in its selected rows)."))
        if len(urls) > limit:
            raise QgsProcessingException(
                tr("{} granules: more than MAX_GRANULES ({}); select fewer rows or raise it.").format(
                    len(urls), limit
                )
            )
        project = context.project()
        if project is None:
            raise QgsProcessingException(tr("No project to load the granules into."))
        config = self.store_config()
        loaded = 0
        for url in urls:
            if feedback.isCanceled():
                break
            group = self.run_core(load_granule, url, project, config, settings.allow_other_hosts())
            loaded += 1
            feedback.pushInfo(tr("Loaded {}").format(group.name()))
            feedback.setProgress(100.0 * loaded / len(urls))
        return {self.LOADED: loaded}
