"""Build the ITS_LIVE workflow model (resources/models/itslive_workflow.model3) and its diagram.

``python scripts/make_model.py`` writes both the .model3 (loaded by the provider as
``itslive:workflow``) and docs/model_workflow.png (the diagram as the model designer draws it),
using the PyQGIS model API, so the model is reviewed as code and never edited by hand.

The model: findcubes -> downloadsubset -> invert -> strainrates, and (when a thickness raster
is given) fluxdivergence, and (when a height-change source is given too) elevationchange on the
flux grid -> massbalance; each analysis file is then loaded styled into the project by
itslive:loadresult.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, "/usr/share/qgis/python/plugins")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_HASH_SEED", "0")  # the same XML attribute order on every run (reviewable diffs)

MODEL_PATH = REPO / "resources" / "models" / "itslive_workflow.model3"
PNG_PATH = REPO / "docs" / "model_workflow.png"
MODEL_NAME = "workflow"
MODEL_GROUP = "Workflows"
DEFAULT_START = "2014-01-01"
DEFAULT_END = "2100-01-01"
DEFAULT_INTERVAL_DAYS = 30.0
#: name of the conditional-branch output that lets the flux branch run
HAS_THICKNESS = "thickness given"
#: the same for the height-change branch (elevationchange -> massbalance)
HAS_HEIGHT_CHANGE = "height change given"

#: diagram layout (pixels): item centres, columns left to right in data-flow order
COLUMN_X = (150.0, 460.0, 770.0, 1080.0, 1390.0, 1700.0)
ROW_Y = {"top": 100.0, "main": 300.0, "strain": 190.0, "flux": 520.0, "load_inversion": 410.0, "dhdt": 700.0}
INPUT_ROWS_Y = (100.0, 200.0, 300.0, 400.0, 520.0, 700.0)
COMPONENT_SIZE = (240.0, 46.0)
OUTPUT_DX, OUTPUT_DY = 40.0, 85.0

HELP = """Runs the whole ITS_LIVE chain on one area in one go, from the datacube catalog to \
strain rates and dynamic thinning, and loads the results styled into the project.

Steps: (1) itslive:findcubes lists the datacubes covering EXTENT; (2) itslive:downloadsubset \
downloads their clean image-pair velocities under EXTENT with mid_date in [START_DATE, END_DATE]; \
(3) itslive:invert turns the pairs into a regular time series with INTERVAL_DAYS steps (automatic \
regularisation by cross-validation over images); (4) itslive:strainrates computes strain rates of \
every step; (5) when THICKNESS is given, itslive:fluxdivergence computes the flux divergence and \
the dynamic dh/dt; (6) when HEIGHT_CHANGE is given too, itslive:elevationchange computes the \
observed dh/dt on the flux grid and itslive:massbalance the part the flow does not explain \
(dhdt_observed - dynamic_dhdt); (7) itslive:loadresult adds the time series, strain, flux and mass \
balance files to the project, each in its own group, as temporal rasters.

Inputs: EXTENT: the area, in any CRS (the result is on the 120 m grid of the datacube covering \
most of it). START_DATE, END_DATE: YYYY-MM-DD, inclusive, on the pairs' mid_date (default \
2014-01-01 .. 2100-01-01: everything since Landsat 8). INTERVAL_DAYS: time step of the series, \
days (default 30). THICKNESS: ice thickness raster, metres, any CRS and resolution (reprojected \
bilinearly); optional, but dh/dt needs it: without it the flux branch is skipped and no FLUX \
file is written. HEIGHT_CHANGE (optional, needs THICKNESS): an ATL15 .nc, an ITS_LIVE \
height-change cube (path or URL) or ATL06 files / a folder, as itslive:elevationchange takes them.

Outputs (command-line names): footprints: datacube footprints (polygons, EPSG:4326, with \
zarr_url). subset: pair velocities (NetCDF; vx, vy, v in m/yr on mid_date, y, x; date_dt in days). \
inversion: time series (NetCDF; vx, vy, v and their 1-sigma in m/yr on time, y, x; time at step \
centres with time_bnds). strain: strain rates (NetCDF; exx, eyy, exy, e_eff, e1, e2, e_lon, e_trn, \
e_shr in 1/yr, positive = extension). flux: flux_divergence and dynamic_dhdt (NetCDF; m/yr; \
dynamic_dhdt = -flux_divergence, negative = dynamic thinning; surface and basal mass balance not \
included). dhdt: observed dh/dt, dhdt_sigma, count (NetCDF; m/yr) on the flux grid. mass_balance: \
residual_dhdt = dhdt_observed - dynamic_dhdt and its sigma (NetCDF; m/yr of ice; positive = gain \
the flow does not explain).

Conventions: velocities are ground distances per year along the grid axes (x east, y north of \
the grid); y descends like in ITS_LIVE files; dates are UTC. Data: NASA MEaSUREs ITS_LIVE \
(Gardner et al., doi:10.5194/egusphere-2025-392)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(MODEL_PATH), help="where to write the .model3")
    parser.add_argument("--png", default=str(PNG_PATH), help="where to write the diagram ('' = none)")
    args = parser.parse_args(argv)
    app = start_qgis()
    try:
        model = build_model()
        problems = model_problems(model)
        if problems:
            print("the model is not valid:\n  " + "\n  ".join(problems), file=sys.stderr)
            return 1
        Path(args.model).parent.mkdir(parents=True, exist_ok=True)
        if not model.toFile(args.model):
            print(f"could not write {args.model}", file=sys.stderr)
            return 1
        print(f"wrote {args.model}")
        if args.png:
            size = render_model_png(model, Path(args.png))
            print(f"wrote {args.png} ({size[0]} x {size[1]} px)")
    finally:
        stop_qgis(app)
    return 0


def build_model():
    """The workflow as a QgsProcessingModelAlgorithm (children resolved through the registry)."""
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildDependency,
        QgsProcessingModelChildParameterSource,
        QgsProcessingParameterExtent,
        QgsProcessingParameterNumber,
        QgsProcessingParameterRasterLayer,
        QgsProcessingParameterString,
    )

    model = QgsProcessingModelAlgorithm(MODEL_NAME, MODEL_GROUP, MODEL_GROUP.lower())
    model.setHelpContent({"ALG_DESC": HELP, "ALG_CREATOR": "ITS_LIVE for QGIS", "ALG_VERSION": "1.0"})

    # -- inputs: column 0, top to bottom
    _add_input(model, QgsProcessingParameterExtent("EXTENT", "Area (any CRS)"), 0)
    _add_input(model, QgsProcessingParameterString("START_DATE", "Start date (YYYY-MM-DD)", DEFAULT_START), 1)
    _add_input(model, QgsProcessingParameterString("END_DATE", "End date (YYYY-MM-DD)", DEFAULT_END), 2)
    _add_input(
        model,
        QgsProcessingParameterNumber(
            "INTERVAL_DAYS",
            "Time step of the series (days)",
            QgsProcessingParameterNumber.Type.Double,
            DEFAULT_INTERVAL_DAYS,
            minValue=1.0,
        ),
        3,
    )
    _add_input(
        model,
        QgsProcessingParameterRasterLayer(
            "THICKNESS", "Ice thickness (m; optional, needed for dh/dt)", optional=True
        ),
        4,
    )
    _add_input(
        model,
        QgsProcessingParameterString(
            "HEIGHT_CHANGE",
            "Height change (optional; ATL15, height-change cube or ATL06 files; needs THICKNESS)",
            optional=True,
        ),
        5,
    )

    param = QgsProcessingModelChildParameterSource.fromModelParameter
    child_output = QgsProcessingModelChildParameterSource.fromChildOutput
    static = QgsProcessingModelChildParameterSource.fromStaticValue

    _add_child(
        model,
        "findcubes",
        "itslive:findcubes",
        "Find the datacubes",
        {"EXTENT": [param("EXTENT")]},
        (1, ROW_Y["top"]),
        {"OUTPUT": ("FOOTPRINTS", "Footprints")},
        output_at=(COLUMN_X[2], ROW_Y["top"]),
    )
    _add_child(
        model,
        "downloadsubset",
        "itslive:downloadsubset",
        "Download the pair velocities",
        {
            "EXTENT": [param("EXTENT")],
            "START_DATE": [param("START_DATE")],
            "END_DATE": [param("END_DATE")],
            "CUBES_LAYER": [child_output("findcubes", "OUTPUT")],
        },
        (2, ROW_Y["main"]),
        {"OUTPUT": ("SUBSET", "Subset")},
        output_at=(COLUMN_X[2] - 50.0, ROW_Y["main"] + OUTPUT_DY),
    )
    _add_child(
        model,
        "invert",
        "itslive:invert",
        "Invert to a time series",
        {
            "INPUT": [child_output("downloadsubset", "OUTPUT")],
            "INTERVAL_DAYS": [param("INTERVAL_DAYS")],
            "LAMBDA": [static(0.0)],
        },
        (3, ROW_Y["main"]),
        {"OUTPUT": ("INVERSION", "Inversion")},
        output_at=(COLUMN_X[3] - 115.0, ROW_Y["main"] + OUTPUT_DY),  # left of the link to the flux step
    )
    _add_child(
        model,
        "strainrates",
        "itslive:strainrates",
        "Strain rates",
        {"INPUT": [child_output("invert", "OUTPUT")], "METHOD": [static(0)]},
        (4, ROW_Y["strain"]),
        {"OUTPUT": ("STRAIN", "Strain")},
    )
    condition = _add_child(
        model,
        "has_thickness",
        "native:condition",
        "Thickness given?",
        {},
        (3, ROW_Y["flux"]),
        {},
        configuration={"conditions": [{"name": HAS_THICKNESS, "expression": "@THICKNESS IS NOT NULL"}]},
    )
    flux = _add_child(
        model,
        "fluxdivergence",
        "itslive:fluxdivergence",
        "Flux divergence and dh/dt",
        {"INPUT": [child_output("invert", "OUTPUT")], "THICKNESS": [param("THICKNESS")]},
        (4, ROW_Y["flux"]),
        {"OUTPUT": ("FLUX", "Flux")},
    )
    flux.setDependencies([QgsProcessingModelChildDependency(condition.childId(), HAS_THICKNESS)])
    model.setChildAlgorithm(flux)
    _add_height_change_branch(model, param, child_output)
    for child_id, source, group, row in (
        ("load_inversion", "invert", "ITS_LIVE workflow — velocity time series", ROW_Y["load_inversion"]),
        ("load_strain", "strainrates", "ITS_LIVE workflow — strain rates", ROW_Y["strain"]),
        ("load_flux", "fluxdivergence", "ITS_LIVE workflow — flux divergence", ROW_Y["flux"]),
        ("load_mass_balance", "massbalance", "ITS_LIVE workflow — mass balance", ROW_Y["dhdt"]),
    ):
        _add_child(
            model,
            child_id,
            "itslive:loadresult",
            "Load " + group.split("— ")[1],
            {"INPUT": [child_output(source, "OUTPUT")], "GROUP": [static(group)]},
            (5, row),
            {},
        )
    return model


def _add_height_change_branch(model, param, child_output) -> None:
    """elevationchange on the flux grid -> massbalance, when HEIGHT_CHANGE and THICKNESS are given."""
    from qgis.core import QgsProcessingModelChildDependency

    condition = _add_child(
        model,
        "has_height_change",
        "native:condition",
        "Height change given?",
        {},
        (2, ROW_Y["dhdt"]),
        {},
        configuration={
            "conditions": [
                {
                    "name": HAS_HEIGHT_CHANGE,
                    "expression": (
                        "@HEIGHT_CHANGE IS NOT NULL AND @HEIGHT_CHANGE <> '' AND @THICKNESS IS NOT NULL"
                    ),
                }
            ]
        },
    )
    dhdt = _add_child(
        model,
        "elevationchange",
        "itslive:elevationchange",
        "Observed dh/dt on the flux grid",
        {
            "INPUT": [param("HEIGHT_CHANGE")],
            "REFERENCE_GRID": [child_output("fluxdivergence", "OUTPUT")],
            "START_DATE": [param("START_DATE")],
            "END_DATE": [param("END_DATE")],
        },
        (3, ROW_Y["dhdt"]),
        {"OUTPUT": ("DHDT", "dhdt")},
    )
    dhdt.setDependencies([QgsProcessingModelChildDependency(condition.childId(), HAS_HEIGHT_CHANGE)])
    model.setChildAlgorithm(dhdt)
    _add_child(
        model,
        "massbalance",
        "itslive:massbalance",
        "Mass balance (observed - dynamic dh/dt)",
        {
            "DHDT": [child_output("elevationchange", "OUTPUT")],
            "FLUX_DIVERGENCE": [child_output("fluxdivergence", "OUTPUT")],
        },
        (4, ROW_Y["dhdt"]),
        {"OUTPUT": ("MASS_BALANCE", "mass_balance")},
    )


def model_problems(model) -> list[str]:
    """Why the model cannot run ([] when it can): missing algorithms, unlinked or wrong sources."""
    problems = []
    for child_id, child in model.childAlgorithms().items():
        if child.algorithm() is None:
            problems.append(f"{child_id}: algorithm {child.algorithmId()} is not registered")
            continue
        names = {p.name() for p in child.algorithm().parameterDefinitions()}
        for name in child.parameterSources():
            if name not in names:
                problems.append(f"{child_id}: {child.algorithmId()} has no parameter {name}")
        ok, errors = model.validateChildAlgorithm(child_id)
        if not ok:
            problems += [f"{child_id}: {e}" for e in errors]
    ok, errors = model.validate()
    if not ok:
        problems += list(errors)
    return problems


def render_model_png(model, path: Path, scale: float = 1.5) -> tuple[int, int]:
    """Draw the model as the designer does (QgsModelGraphicsScene) into a PNG; returns its size (px)."""
    from qgis.core import QgsProcessingContext
    from qgis.gui import QgsModelGraphicsScene
    from qgis.PyQt.QtCore import QRectF, Qt
    from qgis.PyQt.QtGui import QColor, QImage, QPainter

    scene = QgsModelGraphicsScene()
    scene.setFlag(QgsModelGraphicsScene.Flag.FlagHideControls, True)
    scene.setModel(model)
    context = QgsProcessingContext()
    scene.createItems(model, context)
    bounds = scene.itemsBoundingRect().adjusted(-30, -30, 30, 30)
    width, height = int(bounds.width() * scale), int(bounds.height() * scale)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(Qt.GlobalColor.white))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, width, height), bounds)
    painter.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return width, height


def start_qgis():
    """A headless QGIS with Processing and the itslive provider (from this checkout) registered."""
    from qgis.core import QgsApplication

    app = QgsApplication([], True)
    app.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    from itslive_qgis.processing.provider import ItsLiveProvider

    if QgsApplication.processingRegistry().providerById("itslive") is None:
        app._itslive_provider = ItsLiveProvider()  # keep a Python reference
        QgsApplication.processingRegistry().addProvider(app._itslive_provider)
    return app


def stop_qgis(app) -> None:
    """Exit QGIS cleanly."""
    app.exitQgis()


# ------------------------------------------------------------------------------------------------
# helpers


def _add_input(model, definition, row: int) -> None:
    from qgis.core import QgsProcessingModelParameter
    from qgis.PyQt.QtCore import QPointF, QSizeF

    component = QgsProcessingModelParameter(definition.name())
    component.setPosition(QPointF(COLUMN_X[0], INPUT_ROWS_Y[row]))
    component.setSize(QSizeF(*COMPONENT_SIZE))
    component.setDescription(definition.description())
    model.addModelParameter(definition, component)


def _add_child(
    model, child_id, algorithm_id, description, sources, cell, outputs, configuration=None, output_at=None
):
    """Add a child at (column, y); ``outputs``: child output -> (model output name, description).

    Its model outputs are drawn below it, or at ``output_at`` (x, y).
    """
    from qgis.core import QgsProcessingModelChildAlgorithm, QgsProcessingModelOutput
    from qgis.PyQt.QtCore import QPointF, QSizeF

    child = QgsProcessingModelChildAlgorithm(algorithm_id)
    child.setChildId(child_id)
    child.setDescription(description)
    if configuration is not None:
        child.setConfiguration(configuration)
    child.setPosition(QPointF(COLUMN_X[cell[0]], cell[1]))
    child.setSize(QSizeF(*COMPONENT_SIZE))
    for name, parameter_sources in sources.items():
        child.addParameterSources(name, parameter_sources)
    model_outputs = {}
    for child_output, (name, output_description) in outputs.items():
        output = QgsProcessingModelOutput(name, output_description)
        output.setChildId(child_id)
        output.setChildOutputName(child_output)
        x, y = output_at or (COLUMN_X[cell[0]] + OUTPUT_DX, cell[1] + OUTPUT_DY)
        output.setPosition(QPointF(x, y))
        output.setSize(QSizeF(*COMPONENT_SIZE))
        model_outputs[name] = output
    child.setModelOutputs(model_outputs)
    model.addChildAlgorithm(child)
    return model.childAlgorithm(child_id)


if __name__ == "__main__":
    sys.exit(main())
