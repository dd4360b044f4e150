"""Legend of temporal rasters: the time span in dates instead of GDAL's band name.

GDAL names the bands of a NetCDF variable after the raw coordinate ("Band 001:
mid_date=16102.6056"); in the Layers panel a user needs the dates, the number of steps and
their length (or the range of the image-pair intervals of a subset).
"""

from __future__ import annotations

import numpy as np
from qgis.core import QgsMapLayerLegend, QgsSimpleLegendNode
from qgis.PyQt import sip

from ..i18n import tr
from . import temporal


def time_caption(source, variable) -> str:
    """``"36 steps of 30 days, 2016-01-01 to 2018-12-27"`` / ``"697 pairs by mid_date, ... (6-546 days)"``."""
    first = temporal.datetime_from_days(float(np.min(variable.band_start_days))).toString("yyyy-MM-dd")
    last = temporal.datetime_from_days(float(np.max(variable.band_end_days))).toString("yyyy-MM-dd")
    if variable.time_dimension == "mid_date":
        centres = (
            variable.band_centre_days if variable.band_centre_days is not None else variable.band_start_days
        )
        first = temporal.datetime_from_days(float(np.min(centres))).toString("yyyy-MM-dd")
        last = temporal.datetime_from_days(float(np.max(centres))).toString("yyyy-MM-dd")
        text = tr("{} image pairs by mid_date, {} to {}").format(variable.band_count, first, last)
        if source.pair_interval_days is not None:
            low, high = source.pair_interval_days
            text += tr(" (pair intervals {:.0f}-{:.0f} days)").format(low, high)
        return text
    step = float(np.median(np.asarray(variable.band_end_days) - np.asarray(variable.band_start_days)))
    return tr("{} steps of {:g} days, {} to {}").format(variable.band_count, round(step, 2), first, last)


class DatedRasterLegend(QgsMapLayerLegend):
    """QGIS' raster legend with its first line (the band name) replaced by ``caption``."""

    def __init__(self, caption: str):
        super().__init__()
        self.caption = caption

    def createLayerTreeModelLegendNodes(self, node_layer):
        default = QgsMapLayerLegend.defaultRasterLegend(node_layer.layer())
        nodes = default.createLayerTreeModelLegendNodes(node_layer)
        if nodes and isinstance(nodes[0], QgsSimpleLegendNode):
            nodes[0] = QgsSimpleLegendNode(node_layer, self.caption)
        else:
            nodes.insert(0, QgsSimpleLegendNode(node_layer, self.caption))
        for node in nodes:  # the layer tree model owns the nodes it gets (else Python frees them)
            sip.transferto(node, None)
        return nodes
