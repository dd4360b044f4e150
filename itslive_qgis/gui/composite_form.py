"""The Datacubes tab's product choice: image pairs (itslive:downloadsubset) or the annual composite
(itslive:composite) of the same area and cubes; wiring only."""

from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtWidgets import QComboBox

from ..i18n import tr
from ..processing.alg_composite import CompositeAlgorithm as Composite
from ..processing.alg_download_subset import DownloadSubsetAlgorithm as Subset

COMPOSITE_ALGORITHM_ID = "itslive:composite"
IMAGE_PAIRS, ANNUAL_COMPOSITE = 0, 1


def product_combo(parent) -> QComboBox:
    """ "Image pairs" / "Annual composite" (the composite of the selected cubes, by year)."""
    combo = QComboBox(parent)
    combo.setObjectName("itslive_download_product")
    combo.addItem(tr("Image pairs"), IMAGE_PAIRS)
    combo.addItem(tr("Annual composite"), ANNUAL_COMPOSITE)
    combo.setToolTip(
        tr("Annual composite: annual mean velocities of the years in the time window, with the climatology, "
           "trend and seasonal amplitude and phase (itslive:composite)")
    )  # fmt: skip
    return combo


#: the product choice as saved with the project (a name, not an index: stable if items are added)
PRODUCT_NAMES = {IMAGE_PAIRS: "image_pairs", ANNUAL_COMPOSITE: "annual_composite"}


def product_state(combo: QComboBox) -> dict:
    """The product choice for the panel's project state."""
    return {"product": PRODUCT_NAMES.get(combo.currentData(), "image_pairs")}


def set_product_state(combo: QComboBox, state: dict) -> None:
    """Restore :func:`product_state` (an unknown or missing name leaves the choice as it is)."""
    wanted = {name: data for data, name in PRODUCT_NAMES.items()}.get(str(state.get("product", "")))
    index = combo.findData(wanted) if wanted is not None else -1
    if index >= 0:
        combo.setCurrentIndex(index)


def wants_composite(combo: QComboBox) -> bool:
    return combo.currentData() == ANNUAL_COMPOSITE


def composite_message() -> str:
    return tr(
        "Reading the annual composites of the area (years of the time window; pair filters do not apply)..."
    )


def composite_estimate_note() -> str:
    return tr(
        "The size estimate is for image pairs: an annual composite holds one layer per year (a few MB)."
    )


def composite_parameters(subset_params: dict) -> dict:
    """itslive:composite's parameters from the subset form's: area, cubes, years of the window, output."""
    params = {
        key: subset_params[key] for key in (Subset.EXTENT, Subset.AOI, Subset.CUBES) if key in subset_params
    }
    params[Composite.START_YEAR] = int(str(subset_params[Subset.START_DATE])[:4])
    params[Composite.END_YEAR] = int(str(subset_params[Subset.END_DATE])[:4])
    output = Path(str(subset_params[Subset.OUTPUT]))
    params[Composite.OUTPUT] = str(output.with_name(output.stem + "_composite.nc"))
    return params
