"""ICESat-2 height points as a temporal layer: one instant per segment (the ``time`` field, UTC)."""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsProcessingLayerPostProcessorInterface,
    QgsVectorLayer,
    QgsVectorLayerTemporalProperties,
)
from qgis.PyQt import sip

#: Python sides of the post-processors handed to processing contexts (see :func:`keep_alive`)
_ALIVE: list = []


def make_temporal(layer: QgsVectorLayer, field: str = "time") -> None:
    """Each feature is shown at the instant of its ``field`` (QDateTime, UTC)."""
    props = layer.temporalProperties()
    props.setIsActive(True)
    props.setMode(Qgis.VectorTemporalMode.FeatureDateTimeInstantFromField)
    props.setStartField(field)
    props.setLimitMode(Qgis.VectorTemporalLimitMode.IncludeBeginIncludeEnd)
    assert isinstance(props, QgsVectorLayerTemporalProperties)


class HeightsPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Main thread, once the framework loaded the heights layer: make it temporal."""

    def postProcessLayer(self, layer, context, feedback):
        if isinstance(layer, QgsVectorLayer) and layer.fields().indexOf("time") >= 0:
            make_temporal(layer)


def keep_alive(processor: QgsProcessingLayerPostProcessorInterface):
    """Give the C++ side to the context (it deletes it) and keep the Python side until then."""
    _ALIVE[:] = [p for p in _ALIVE if not sip.isdeleted(p)]
    sip.transferto(processor, None)
    _ALIVE.append(processor)
    return processor
