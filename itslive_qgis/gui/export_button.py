"""The dock's "Export map…" button beside each loaded result: the itslive:exportmap dialog, filled in.

:func:`add_export_button` puts the button in a section's status row (disabled until a result is
loaded); a click opens ``processing.execAlgorithmDialog("itslive:exportmap", ...)`` on the main
thread with the result's visible layers (LAYERS), the map canvas's extent (EXTENT), the frame the
temporal controller shows (DATE) and a layout named after the result (LAYOUT_NAME), so the user
only chooses the output file. The layout stays in the project for the layout designer.
"""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QPushButton

from ..i18n import tr

ALGORITHM_ID = "itslive:exportmap"


def add_export_button(panel, row) -> QPushButton:
    """A disabled "Export map…" button at the end of ``row``; enabled by :func:`result_loaded`."""
    button = QPushButton(tr("Export map…"), panel)
    button.setObjectName("itslive_export_map")
    button.setToolTip(
        tr("A figure of this result: legend with units, scale bar, north arrow, date, citation")
    )
    button.setEnabled(False)
    button.clicked.connect(lambda: open_export_dialog(panel))
    row.addWidget(button)
    return button


def result_loaded(panel, layers) -> None:
    """Enable the button when the section's last run loaded layers."""
    button = getattr(panel, "export_button", None)
    if button is not None:
        button.setEnabled(bool(layers))


def export_parameters(panel) -> dict:
    """The exportmap parameters for the section's last loaded result (see the module docstring)."""
    from ..processing.alg_export_map import ExportMapAlgorithm as Alg

    project = panel.project
    root = project.layerTreeRoot()
    layers = [layer for layer in panel.last_layers if project.mapLayer(layer.id()) is not None]
    visible = [
        layer for layer in layers if root.findLayer(layer.id()) and root.findLayer(layer.id()).isVisible()
    ]
    params = {
        Alg.LAYERS: [layer.id() for layer in (visible or layers)],
        Alg.LAYOUT_NAME: tr("ITS_LIVE map — {}").format(panel.last_output.stem if panel.last_output else ""),
    }
    canvas = panel.iface.mapCanvas() if panel.iface is not None else None
    if canvas is not None and not canvas.extent().isEmpty():
        extent = canvas.extent()
        crs = canvas.mapSettings().destinationCrs().authid()
        params[Alg.EXTENT] = (
            f"{extent.xMinimum()},{extent.xMaximum()},{extent.yMinimum()},{extent.yMaximum()} [{crs}]"
        )
    frame = canvas.temporalRange() if canvas is not None else None
    if frame is not None and frame.begin().isValid() and canvas.mapSettings().isTemporal():
        params[Alg.DATE] = frame.begin().toString("yyyy-MM-dd")
    return params


def open_export_dialog(panel):
    """Open the exportmap dialog with :func:`export_parameters` (main thread; non-blocking for tests
    that replace ``panel.exec_dialog``)."""
    params = export_parameters(panel)
    runner = getattr(panel, "exec_dialog", None)
    if runner is not None:
        return runner(ALGORITHM_ID, params)
    import processing

    return processing.execAlgorithmDialog(ALGORITHM_ID, params)
