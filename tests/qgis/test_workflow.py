"""One workflow everywhere: the shipped model itslive:workflow, itslive:loadresult and qgis_process.

The model runs once (module fixture) on the local mirror over the demo area, which spans the
GRE_A / GRE_B tiles, with an ice-thickness ramp written here. Its files are checked against the
generator's known truth; its layers are loaded by the same post-processing step the toolbox and
the model designer run after an algorithm (``handleAlgorithmResults``).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsLayerTreeGroup,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProject,
)

from tests.conftest import REPO

EXTENT = "-182600,-171400,-2282600,-2277400 [EPSG:3413]"  # the demo area, across two tiles
START_DATE, END_DATE = "2014-01-01", "2024-12-31"
TRUNK_XY = (-178507.5, -2280402.3)  # on the glacier trunk, tile GRE_A
#: thickness ramp H = H_REF_M + H_GRADIENT * (x - X_REF_M): thicker downstream (west)
H_REF_M, H_GRADIENT, X_REF_M = 600.0, -0.02, -177000.0
OUTPUTS = ("footprints", "subset", "inversion", "strain", "flux")
GROUPS = {
    "inversion": "ITS_LIVE workflow — velocity time series",
    "strain": "ITS_LIVE workflow — strain rates",
    "flux": "ITS_LIVE workflow — flux divergence",
}


@pytest.fixture(scope="module")
def workflow(mirror, qgis_processing, tmp_path_factory):
    """Run itslive:workflow once with a thickness ramp and load its results into a project."""
    import processing
    from processing.gui.Postprocessing import handleAlgorithmResults

    out = tmp_path_factory.mktemp("workflow")
    old_cache = os.environ.get("ITSLIVE_CACHE_DIR")
    os.environ["ITSLIVE_CACHE_DIR"] = str(out / "cache")
    provider = _ensure_provider()  # only for this run: the plugin fixture registers its own later
    try:
        params = {
            "EXTENT": EXTENT,
            "START_DATE": START_DATE,
            "END_DATE": END_DATE,
            "INTERVAL_DAYS": 30,
            "THICKNESS": str(write_thickness_ramp(out / "thickness.tif")),
            **{name: str(out / _file_name(name)) for name in OUTPUTS},
        }
        project = QgsProject()
        context = QgsProcessingContext()
        context.setProject(project)
        feedback = QgsProcessingFeedback()
        t0 = time.monotonic()
        results = processing.run("itslive:workflow", params, context=context, feedback=feedback)
        print(f"itslive:workflow on the demo area: {time.monotonic() - t0:.1f} s")
        # what the toolbox and the model designer do once the model has finished
        model = QgsApplication.processingRegistry().createAlgorithmById("itslive:workflow")
        loaded_ok = handleAlgorithmResults(model, context, feedback, params)
    finally:
        if provider is not None:
            QgsApplication.processingRegistry().removeProvider(provider)
        if old_cache is None:
            os.environ.pop("ITSLIVE_CACHE_DIR", None)
        else:
            os.environ["ITSLIVE_CACHE_DIR"] = old_cache
    yield {"results": results, "params": params, "project": project, "loaded_ok": loaded_ok}
    project.clear()  # a QgsProject destroyed while it holds layers crashes the pytest-qgis session


# ---------------------------------------------------------------------------------------------
# the provider and the model


def test_every_itslive_algorithm_has_help_icon_and_typed_parameters(plugin):
    registry = QgsApplication.processingRegistry()
    algorithms = registry.providerById("itslive").algorithms()
    ids = {alg.id() for alg in algorithms}
    assert {"itslive:loadresult", "itslive:workflow", "itslive:invert", "itslive:findcubes"} <= ids
    expected_type = {"EXTENT": "extent", "START_DATE": "string", "END_DATE": "string", "THICKNESS": "raster"}
    for alg in algorithms:
        assert alg.shortHelpString().strip(), f"{alg.id()} has no help"
        assert not alg.icon().isNull(), f"{alg.id()} has no icon"
        assert alg.group(), f"{alg.id()} has no group"
        for param in alg.parameterDefinitions():
            where = f"{alg.id()} {param.name()}"
            assert registry.parameterType(param.type()) is not None, f"{where}: unknown type {param.type()}"
            assert param.description().strip(), f"{where} has no label"
            if param.name() in expected_type:
                assert param.type() == expected_type[param.name()], f"{where} is a {param.type()}"
            if param.name().endswith("_DAYS") or param.name() in ("LAMBDA", "DEPTH_FACTOR", "MAX_V_ERROR"):
                assert param.type() == "number", f"{where} is a {param.type()}"
            if param.name() == "OUTPUT" or param.name() in OUTPUTS:
                assert param.isDestination(), f"{where} is not an output"
        assert alg.outputDefinitions(), f"{alg.id()} declares no output"


def test_workflow_model_chains_the_algorithms(plugin):
    model = QgsApplication.processingRegistry().algorithmById("itslive:workflow")
    assert isinstance(model, QgsProcessingModelAlgorithm)
    assert model.group() == "Workflows" and "dh/dt" in model.shortHelpString()
    assert Path(model.svgIconPath()).name == "workflow.svg"
    params = {p.name(): p for p in model.parameterDefinitions()}
    assert params["INTERVAL_DAYS"].defaultValue() == 30
    assert params["START_DATE"].defaultValue() and params["END_DATE"].defaultValue()
    assert params["THICKNESS"].flags() & Qgis.ProcessingParameterFlag.Optional
    assert params["footprints"].type() == "sink"
    assert all(params[name].type() == "fileDestination" for name in OUTPUTS[1:])
    ok, errors = model.validate()
    assert ok, errors
    children = model.childAlgorithms()
    for child in children.values():
        declared = {p.name() for p in child.algorithm().parameterDefinitions()}
        unknown = set(child.parameterSources()) - declared
        assert not unknown, f"{child.algorithmId()} has no parameter {unknown} (the model sets it)"

    def linked(child_id, name):
        (source,) = children[child_id].parameterSources()[name]
        if source.source() == Qgis.ProcessingModelChildParameterSource.ChildOutput:
            return source.outputChildId(), source.outputName()
        assert source.source() == Qgis.ProcessingModelChildParameterSource.ModelParameter
        return "model", source.parameterName()

    assert linked("downloadsubset", "CUBES_LAYER") == ("findcubes", "OUTPUT")
    assert linked("downloadsubset", "START_DATE") == ("model", "START_DATE")
    assert linked("invert", "INPUT") == ("downloadsubset", "OUTPUT")
    assert linked("invert", "INTERVAL_DAYS") == ("model", "INTERVAL_DAYS")
    assert linked("strainrates", "INPUT") == linked("fluxdivergence", "INPUT") == ("invert", "OUTPUT")
    assert linked("fluxdivergence", "THICKNESS") == ("model", "THICKNESS")
    (condition,) = children["fluxdivergence"].dependencies()
    assert children[condition.childId].algorithmId() == "native:condition" and condition.conditionalBranch
    for name in ("inversion", "strain", "flux"):
        load = children[f"load_{name}"]
        assert load.algorithmId() == "itslive:loadresult"
        (group,) = load.parameterSources()["GROUP"]
        assert group.staticValue() == GROUPS[name]


# ---------------------------------------------------------------------------------------------
# the workflow run


def test_workflow_writes_every_output(workflow):
    import xarray as xr
    from qgis.core import QgsVectorLayer

    results = workflow["results"]
    for name in OUTPUTS:
        assert results[name] == workflow["params"][name] and Path(results[name]).exists(), name
    footprints = QgsVectorLayer(results["footprints"], "footprints", "ogr")
    urls = {f["zarr_url"] for f in footprints.getFeatures()}
    assert any("X-180000_Y-2280000" in u for u in urls) and any("X-174000_Y-2280000" in u for u in urls)
    from itslive_qgis.core.io.cf import pairs_from_disk

    with xr.open_dataset(results["subset"], decode_timedelta=False) as raw:
        subset = pairs_from_disk(raw)
        assert set(subset["vx"].dims) == {"mid_date", "y", "x"} and subset.sizes["mid_date"] > 100
        assert subset["x"].values.min() < -177007.5 < subset["x"].values.max(), "both tiles"
    with xr.open_dataset(results["inversion"]) as inversion:
        for name in ("vx", "vy", "v"):
            assert inversion[name].dims == ("time", "y", "x") and inversion[name].attrs["units"] == "m/yr"
        assert inversion.attrs["interval_days"] == 30
        steps = np.diff(inversion["time"].values) / np.timedelta64(1, "D")
        assert np.allclose(steps, 30)
    with xr.open_dataset(results["strain"]) as strain:
        assert strain["e_eff"].dims == ("time", "y", "x") and strain["e_eff"].attrs["units"] == "1/yr"
    with xr.open_dataset(results["flux"]) as flux:
        assert (
            flux["dynamic_dhdt"].dims == ("time", "y", "x") and flux["dynamic_dhdt"].attrs["units"] == "m/yr"
        )


def test_workflow_inversion_matches_the_truth_on_the_trunk(workflow):
    import xarray as xr

    from tests.fixtures.generator import default_tiles, truth_velocity

    tile = next(t for t in default_tiles() if t.label == "GRE_A")
    with xr.open_dataset(workflow["results"]["inversion"]) as ds:
        pixel = ds.sel(x=TRUNK_XY[0], y=TRUNK_XY[1], method="nearest")
        t_days = (ds["time"].values - np.datetime64("1970-01-01")) / np.timedelta64(1, "D")
        vx_true, vy_true = truth_velocity(tile, t_days, float(pixel["y"]), float(pixel["x"]))
        speed_true = np.hypot(vx_true, vy_true)
        estimate, count = pixel["v"].values, pixel["count"].values
    ok = np.isfinite(estimate) & (count > 0)
    assert ok.mean() > 0.8
    relative = np.abs(estimate[ok] - speed_true[ok]) / speed_true[ok]
    median_speed = np.median(speed_true)
    print(f"trunk speed: median relative error {np.median(relative):.3f}, truth {median_speed:.0f} m/yr")
    assert np.median(relative) < 0.05


def test_workflow_dynamic_thinning_matches_the_truth(workflow):
    """Accelerating flow onto thicker ice: dh/dt = -(H div v + v . grad H) < 0 on the trunk."""
    import xarray as xr

    from tests.fixtures.generator import default_tiles, truth_velocity
    from tests.fixtures.truth import centreline_y

    tile = next(t for t in default_tiles() if t.label == "GRE_A")  # both tiles share EPSG:3413 axes
    with xr.open_dataset(workflow["results"]["flux"]) as ds:
        x, y = np.meshgrid(ds["x"].values, ds["y"].values)
        t_days = (ds["time"].values - np.datetime64("1970-01-01")) / np.timedelta64(1, "D")
        dhdt = ds["dynamic_dhdt"].values
        thickness = ds["thickness"].values
    trunk = (np.abs(y - centreline_y(x)) < 400.0) & (x > x.min() + 500) & (x < x.max() - 500)
    assert np.allclose(thickness[trunk], H_REF_M + H_GRADIENT * (x[trunk] - X_REF_M), rtol=1e-3)
    step_m = 10.0
    expected = []
    for t in t_days[:: max(1, len(t_days) // 20)]:
        vx, vy = truth_velocity(tile, t, y[trunk], x[trunk])
        dvx_dx = np.diff(
            [truth_velocity(tile, t, y[trunk], x[trunk] + s)[0] for s in (-step_m, step_m)], axis=0
        )
        dvy_dy = np.diff(
            [truth_velocity(tile, t, y[trunk] + s, x[trunk])[1] for s in (-step_m, step_m)], axis=0
        )
        divergence = (dvx_dx[0] + dvy_dy[0]) / (2 * step_m)
        h = H_REF_M + H_GRADIENT * (x[trunk] - X_REF_M)
        expected.append(-(h * divergence + vx * H_GRADIENT))
    expected_median = float(np.median(expected))
    got_median = float(np.nanmedian(dhdt[:, trunk]))
    print(f"trunk dynamic dh/dt: median {got_median:.1f} m/yr, truth {expected_median:.1f} m/yr")
    assert expected_median < 0 and got_median < 0
    assert abs(got_median - expected_median) < 0.25 * abs(expected_median)


def test_workflow_loads_styled_groups_into_the_project(workflow):
    project = workflow["project"]
    assert workflow["loaded_ok"]
    root = project.layerTreeRoot()
    for kind, name in GROUPS.items():
        group = root.findGroup(name)
        assert isinstance(group, QgsLayerTreeGroup), f"no group {name}"
        layers = [node.layer() for node in group.findLayers()]
        assert layers and all(layer.isValid() for layer in layers)
        kinds = {layer.customProperty("itslive/kind") for layer in layers}
        assert kinds == {kind}, f"group {name} holds {kinds}"
        visible = [n.layer().customProperty("itslive/variable") for n in group.findLayers() if n.isVisible()]
        rasters = [layer for layer in layers if layer.type() == Qgis.LayerType.Raster]
        assert all(layer.temporalProperties().isActive() for layer in rasters if layer.bandCount() > 1)
        assert all(layer.customProperty("itslive/style") for layer in rasters)
        if kind == "inversion":
            assert layers[0].type() == Qgis.LayerType.Mesh, "flow arrows on top"
            assert "v" in visible and "vx" not in visible
            v = next(layer for layer in rasters if layer.customProperty("itslive/variable") == "v")
            assert v.renderer().type() == "singlebandpseudocolor" and v.bandCount() > 100
        if kind == "flux":
            assert visible == ["dynamic_dhdt"]
    assert project.crs().authid() == "EPSG:3413"
    assert not project.timeSettings().temporalRange().isInfinite()


def test_workflow_without_thickness_skips_the_flux_branch(plugin, mirror, tmp_path):
    import processing

    params = {
        "EXTENT": "-179000,-178000,-2281000,-2280000 [EPSG:3413]",
        "START_DATE": "2018-01-01",
        "END_DATE": "2019-12-31",
        "INTERVAL_DAYS": 60,
        **{name: str(tmp_path / _file_name(name)) for name in OUTPUTS},
    }
    results = processing.run("itslive:workflow", params)
    for name in ("footprints", "subset", "inversion", "strain"):
        assert Path(results[name]).exists(), name
    assert "flux" not in results and not (tmp_path / "flux.nc").exists()


# ---------------------------------------------------------------------------------------------
# itslive:loadresult alone


def test_loadresult_in_the_background_lands_styled_in_its_group(plugin, workflow, request):
    """What the toolbox does: run in a worker thread (QgsProcessingAlgRunnerTask), then load on completion."""
    from processing.gui.Postprocessing import handleAlgorithmResults

    project = QgsProject()
    request.addfinalizer(project.clear)  # never destroy a project holding layers (crashes under pytest-qgis)
    context = QgsProcessingContext()
    context.setProject(project)
    feedback = QgsProcessingFeedback()
    alg = QgsApplication.processingRegistry().createAlgorithmById("itslive:loadresult")
    params = {"INPUT": workflow["results"]["strain"], "GROUP": "strain here"}
    task = QgsProcessingAlgRunnerTask(alg, params, context, feedback)
    outcome = {}
    task.executed.connect(lambda ok, results: outcome.update(ok=ok, results=results))
    QgsApplication.taskManager().addTask(task)
    deadline = time.monotonic() + 120
    while "ok" not in outcome and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.01)
    assert outcome.get("ok"), "loadresult failed in the background"
    assert outcome["results"]["OUTPUT"] == params["INPUT"]
    assert project.mapLayers() == {}, "nothing is added before the run completes"
    assert handleAlgorithmResults(alg, context, feedback, outcome["results"])
    group = project.layerTreeRoot().findGroup("strain here")
    names = [node.layer().customProperty("itslive/variable") for node in group.findLayers()]
    assert len(names) == outcome["results"]["LAYERS"] == len(project.mapLayers())
    assert names[0] == "e_eff", "main variable on top"
    assert [n.layer().customProperty("itslive/variable") for n in group.findLayers() if n.isVisible()] == [
        "e_eff"
    ]
    e_eff = group.findLayers()[0].layer()
    assert e_eff.name().startswith("e_eff"), "the layer keeps its name, not the file's"
    assert e_eff.renderer().type() == "singlebandpseudocolor"
    assert e_eff.temporalProperties().isActive()
    assert e_eff.temporalProperties().mode() == Qgis.RasterTemporalMode.FixedRangePerBand


def test_loadresult_from_a_script_loads_into_the_current_project(plugin, workflow):
    """processing.runAndLoadResults, with a default raster style set in the Processing options."""
    import processing
    from processing.core.ProcessingConfig import ProcessingConfig

    project = QgsProject.instance()
    project.clear()
    gray_style = str(REPO / "resources" / "styles" / "error.qml")  # what a user may set for all outputs
    previous = ProcessingConfig.getSetting(ProcessingConfig.RASTER_STYLE)
    ProcessingConfig.setSettingValue(ProcessingConfig.RASTER_STYLE, gray_style)
    try:
        results = processing.runAndLoadResults("itslive:loadresult", {"INPUT": workflow["results"]["flux"]})
        stem = Path(workflow["results"]["flux"]).stem
        group = project.layerTreeRoot().findGroup(f"ITS_LIVE flux divergence — {stem}")
        assert group is not None and len(group.findLayers()) == results["LAYERS"] > 0
        visible = [n.layer() for n in group.findLayers() if n.isVisible()]
        assert [layer.customProperty("itslive/variable") for layer in visible] == ["dynamic_dhdt"]
        assert visible[0].renderer().type() == "singlebandpseudocolor", "the result's own style is kept"
    finally:
        ProcessingConfig.setSettingValue(ProcessingConfig.RASTER_STYLE, previous)
        project.clear()


def test_loadresult_post_processor_fixes_a_front_end_that_ignores_groups(plugin, workflow, request):
    """Layers added at the root, in any order: the post-processors still group, order and hide them."""
    import processing

    project = QgsProject()
    request.addfinalizer(project.clear)
    context = QgsProcessingContext()
    context.setProject(project)
    feedback = QgsProcessingFeedback()
    processing.run("itslive:loadresult", {"INPUT": workflow["results"]["inversion"]}, context=context)
    queued = list(context.layersToLoadOnCompletion().items())
    layers = [context.temporaryLayerStore().takeMapLayer(context.getMapLayer(id_)) for id_, _ in queued]
    for layer in sorted(layers, key=lambda layer: layer.name()):  # not the loader's order
        project.addMapLayer(layer)
    for layer, (_, details) in zip(layers, queued):
        details.postProcessor().postProcessLayer(layer, context, feedback)
    group = project.layerTreeRoot().findGroup(
        f"ITS_LIVE inversion — {Path(workflow['results']['inversion']).stem}"
    )
    assert group is not None and project.layerTreeRoot().findLayers() == group.findLayers()
    order = [node.layer().customProperty("itslive/variable") for node in group.findLayers()]
    assert order[:2] == ["vx,vy", "v"], "arrows, then speed on top"
    visible = [n.layer().customProperty("itslive/variable") for n in group.findLayers() if n.isVisible()]
    assert visible == ["vx,vy", "v"]


def test_loadresult_without_a_project_only_checks_the_file(plugin, workflow, tmp_path):
    import processing

    context = QgsProcessingContext()  # no project, like qgis_process
    results = processing.run(
        "itslive:loadresult", {"INPUT": workflow["results"]["inversion"]}, context=context
    )
    assert results["LAYERS"] == 0 and results["OUTPUT"] == workflow["results"]["inversion"]
    assert context.layersToLoadOnCompletion() == {}
    with pytest.raises(QgsProcessingException, match="No result file"):
        processing.run("itslive:loadresult", {"INPUT": str(tmp_path / "missing.nc")})


# ---------------------------------------------------------------------------------------------
# the command line


def test_qgis_process_runs_the_workflow(mirror, tmp_path):
    env = {
        **os.environ,
        "QGIS_PLUGINPATH": str(REPO),
        "PYTHONPATH": str(REPO / ".venv/lib/python3.11/site-packages"),
        "PATH": f"{REPO / '.venv/bin'}:{os.environ['PATH']}",
        "QT_QPA_PLATFORM": "offscreen",
        "ITSLIVE_S3_ENDPOINT_URL": mirror.endpoint_url,
        "ITSLIVE_CACHE_DIR": str(tmp_path / "cache"),
    }
    subprocess.run(
        ["qgis_process", "plugins", "enable", "itslive_qgis"], env=env, capture_output=True, timeout=120
    )
    write_thickness_ramp(tmp_path / "thickness.tif")
    command = [
        "qgis_process",
        "run",
        "itslive:workflow",
        "--",
        f"EXTENT={EXTENT}",
        f"START_DATE={START_DATE}",
        f"END_DATE={END_DATE}",
        "INTERVAL_DAYS=30",
        "THICKNESS=thickness.tif",
        *(f"{name}={_file_name(name)}" for name in OUTPUTS),
    ]
    t0 = time.monotonic()
    run = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    print(f"qgis_process run itslive:workflow: {time.monotonic() - t0:.1f} s")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for name in OUTPUTS:
        path = tmp_path / _file_name(name)
        assert path.exists() and path.stat().st_size > 0, name
    assert "nothing loaded" in run.stdout, "loadresult must not try to load layers under qgis_process"


# ---------------------------------------------------------------------------------------------
# helpers


def write_thickness_ramp(path: Path) -> Path:
    """A 100 m GeoTIFF (EPSG:3413) over the demo area plus 1.5 km: H = 600 m - 0.02 (x + 177000 m)."""
    from osgeo import gdal, osr

    x_min, x_max, y_min, y_max = -184100.0, -169900.0, -2284100.0, -2275900.0
    cell_m = 100.0
    nx, ny = int((x_max - x_min) / cell_m), int((y_max - y_min) / cell_m)
    x_centres = x_min + cell_m * (np.arange(nx) + 0.5)
    values = np.broadcast_to(H_REF_M + H_GRADIENT * (x_centres - X_REF_M), (ny, nx)).astype("float32")
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), nx, ny, 1, gdal.GDT_Float32)
    dataset.SetGeoTransform((x_min, cell_m, 0.0, y_max, 0.0, -cell_m))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(3413)
    dataset.SetProjection(srs.ExportToWkt())
    dataset.GetRasterBand(1).WriteArray(values)
    dataset.GetRasterBand(1).SetNoDataValue(-9999.0)
    dataset = None
    return path


def _ensure_provider():
    """Register the itslive provider when no plugin fixture did; returns it (to remove) or None."""
    registry = QgsApplication.processingRegistry()
    if registry.providerById("itslive") is not None:
        return None
    from itslive_qgis.processing.provider import ItsLiveProvider

    provider = ItsLiveProvider()
    registry.addProvider(provider)
    return provider


def _file_name(output: str) -> str:
    return f"{output}.gpkg" if output == "footprints" else f"{output}.nc"
