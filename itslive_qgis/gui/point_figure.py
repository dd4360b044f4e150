"""The title and ITS_LIVE citation of the point plot's exported PNG (issue 15's figure conventions).

:func:`figure_labels` adds, for the time of a save only, a bold title at the top of the figure and
the data citation (the one of every exported map, :data:`itslive_qgis.layers.layout.CITATION`) at
the bottom, and shrinks the axes' area (constrained layout's rect, or the fixed margins of
:func:`~itslive_qgis.gui.timeseries_plot.place_axes`) so neither overlaps the axes or the legend;
the figure on screen is left as it was.
"""

from __future__ import annotations

from contextlib import contextmanager

from ..i18n import tr

#: figure fractions kept free at the top (title) and bottom (citation) of an exported figure
TITLE_BAND, CITATION_BAND = 0.075, 0.04


def citation() -> str:
    """The ITS_LIVE data citation printed on every figure."""
    from ..layers.layout import CITATION

    return CITATION


def export_title(labels: list[str], component: str) -> str:
    """'Speed (m/yr) from ITS_LIVE image pairs at P1 EPSG:3413 ... px (37, 28)' (or 'at 2 points').

    ``labels``: the plotted points' legend labels; ``component``: 'Speed', 'vx' or 'vy'. One line:
    the points' full labels are in the legend below the axes.
    """
    name = tr("{} (m/yr) from ITS_LIVE image pairs").format(component)
    # 'P1 EPSG:3413 X-180 Y-2280 px (10, 45), 5 m from the click': up to the pixel's ')'
    labels = [label[: label.find(")") + 1] or label for label in labels]
    if len(labels) == 1:
        return tr("{} at {}").format(name, labels[0])
    return tr("{} at {} points").format(name, len(labels)) if labels else name


@contextmanager
def figure_labels(figure, title: str):
    """Title on top, citation at the bottom of ``figure`` inside the ``with`` block only."""
    engine = figure.get_layout_engine()
    rect = engine.get().get("rect", (0, 0, 1, 1)) if engine is not None else None
    pars = figure.subplotpars
    bottom, top = pars.bottom, pars.top
    if engine is not None:
        engine.set(rect=(0, CITATION_BAND, 1, 1 - CITATION_BAND - TITLE_BAND))
    else:  # fixed margins (timeseries_plot.place_axes): the bands come out of the axes' height
        figure.subplots_adjust(bottom=bottom + CITATION_BAND, top=top - TITLE_BAND)
    texts = [
        figure.text(0.5, 1 - 0.012, title, ha="center", va="top", fontsize=10, fontweight="bold"),
        figure.text(0.01, 0.008, citation(), ha="left", va="bottom", fontsize=6, color="#333333"),
    ]
    try:
        yield texts
    finally:
        for text in texts:
            text.remove()
        if engine is not None:
            engine.set(rect=rect)
        else:
            figure.subplots_adjust(bottom=bottom, top=top)
