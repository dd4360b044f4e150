"""The dock's forms speak the algorithms' language: every key they send is a parameter of the algorithm
they run, their spin boxes start at its defaults and stay inside its bounds, and the GUI code names
no parameter id as a string literal (it imports the algorithms' constants).

The truth is the registered provider's algorithms (``parameterDefinition``), not the constants the
GUI imports: a form that repeated a wrong name or number fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsProcessingParameterNumber,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
)

from tests.fixtures.velocity_fields import (
    XC,
    XX,
    YC,
    X,
    Y,
    outline_layer_4326,
    seed_layer_4326,
    write_geotiff,
    write_velocity,
)

GUI = Path(__file__).resolve().parents[2] / "itslive_qgis" / "gui"
DOWNLOAD, INVERT = "itslive:downloadsubset", "itslive:invert"
STRAIN, FLUX, TRACK = "itslive:strainrates", "itslive:fluxdivergence", "itslive:track"
RUN_BY_THE_GUI = (DOWNLOAD, INVERT, STRAIN, FLUX, TRACK)
NO_BOUND = 1e300  # QgsProcessingParameterNumber's maximum when none is set is the largest double


def _alg(algorithm_id):
    alg = QgsApplication.processingRegistry().algorithmById(algorithm_id)
    assert alg is not None, algorithm_id
    return alg


def _ids(algorithm_id) -> set[str]:
    alg = _alg(algorithm_id)
    return {p.name() for p in alg.parameterDefinitions()} | {o.name() for o in alg.outputDefinitions()}


def _assert_keys(params: dict, algorithm_id: str):
    alg = _alg(algorithm_id)
    unknown = [key for key in params if alg.parameterDefinition(key) is None]
    assert not unknown, (algorithm_id, unknown)


def _assert_spin(spin, algorithm_id: str, name: str, unset_means_default: bool = False):
    """The box starts at the parameter's default and its range lies in the parameter's range.

    The lower bounds are equal up to the box's decimals (the box rounds its bounds; it may not go
    below the algorithm's); an upper bound is equal where the algorithm has one.
    """
    definition = _alg(algorithm_id).parameterDefinition(name)
    assert isinstance(definition, QgsProcessingParameterNumber), (algorithm_id, name)
    step = 10.0 ** -spin.decimals()
    assert definition.minimum() <= spin.minimum() < definition.minimum() + step, (name, spin.minimum())
    if definition.maximum() < NO_BOUND:
        assert spin.maximum() == pytest.approx(definition.maximum()), name
    else:
        assert spin.maximum() <= definition.maximum(), name
    default = definition.defaultValue()
    if default is None:  # an optional filter: the box's lowest value means "not sent"
        assert unset_means_default and spin.value() == spin.minimum(), name
    else:
        assert spin.value() == pytest.approx(float(default)), (name, spin.value(), default)


def _assert_index(combo_or_check, algorithm_id: str, name: str):
    default = _alg(algorithm_id).parameterDefinition(name).defaultValue()
    if hasattr(combo_or_check, "currentIndex"):
        assert combo_or_check.currentIndex() == int(default), name
    else:
        assert combo_or_check.isChecked() == bool(default), name


def test_download_form_sends_only_its_algorithm_parameters_within_their_bounds(plugin, iface, tmp_path):
    from itslive_qgis.gui.download_panel import DownloadPanel

    project = QgsProject.instance()
    panel = DownloadPanel(iface, None, project)
    try:
        crs = QgsCoordinateReferenceSystem("EPSG:3413")
        panel.extent_box.setOutputCrs(crs)
        panel.extent_box.setOutputExtentFromUser(QgsRectangle(-182000, -2281500, -172500, -2278500), crs)
        for name, spin in (
            ("MIN_DT_DAYS", panel.min_dt),
            ("MAX_DT_DAYS", panel.max_dt),
            ("MIN_VALID_PCT", panel.min_valid),
            ("MAX_V_ERROR", panel.max_v_error),
        ):
            _assert_spin(spin, DOWNLOAD, name, unset_means_default=True)
        params = panel.parameters()
        assert "EXTENT" in params and "MIN_DT_DAYS" not in params  # filters at their lowest: not sent
        _assert_keys(params, DOWNLOAD)
        panel.satellites.setText("8,9")
        panel.variables.setText("v")
        panel.selected_cubes = ["s3://its-live-data/datacubes/v2/N60W040/a.zarr"]
        for spin, value in (
            (panel.min_dt, 5),
            (panel.max_dt, 100),
            (panel.min_valid, 10),
            (panel.max_v_error, 50),
        ):
            spin.setValue(value)
        panel.output.setFilePath(str(tmp_path / "subset.nc"))
        params = panel.parameters()
        assert {"MIN_DT_DAYS", "MAX_DT_DAYS", "MIN_VALID_PCT", "MAX_V_ERROR", "CUBES"} <= set(params)
        _assert_keys(params, DOWNLOAD)
        outline = outline_layer_4326(X[6], X[40], Y[34], Y[5])
        project.addMapLayer(outline)
        panel.aoi_combo.setLayer(outline)
        params = panel.parameters()
        assert "AOI" in params and "EXTENT" not in params
        _assert_keys(params, DOWNLOAD)
    finally:
        panel.shutdown()
        panel.deleteLater()
        project.clear()


def test_invert_form_sends_only_its_algorithm_parameters_at_their_defaults(plugin, iface, tmp_path):
    from itslive_qgis.gui.invert_panel import InvertPanel

    panel = InvertPanel(iface, None, QgsProject.instance())
    try:
        _assert_spin(panel.interval, INVERT, "INTERVAL_DAYS")
        _assert_spin(panel.lam, INVERT, "LAMBDA")
        for widget, name in (
            (panel.derivative, "DERIVATIVE"),
            (panel.weighting, "WEIGHTING"),
            (panel.device, "DEVICE"),
            (panel.robust, "ROBUST"),
        ):
            _assert_index(widget, INVERT, name)
        panel.set_input(tmp_path / "subset.nc")
        params = panel.parameters()
        assert params["INPUT"] == str(tmp_path / "subset.nc")
        _assert_keys(params, INVERT)
    finally:
        panel.deleteLater()


def test_analysis_forms_send_only_their_algorithm_parameters_within_their_bounds(plugin, iface, tmp_path):
    from itslive_qgis.gui.analysis_panel import AnalysisPanel

    source = write_velocity(tmp_path / "clip.nc", np.full(XX.shape, 300.0), np.full(XX.shape, -150.0))
    vx_tif = write_geotiff(tmp_path / "pair_vx.tif", np.full(XX.shape, 300.0), X[0] - 60, Y[0] + 60, 120.0)
    write_geotiff(tmp_path / "pair_vy.tif", np.full(XX.shape, -150.0), X[0] - 60, Y[0] + 60, 120.0)
    thickness = write_geotiff(tmp_path / "thk.tif", np.full(XX.shape, 500.0), X[0] - 60, Y[0] + 60, 120.0)
    project = QgsProject.instance()
    dataset = QgsRasterLayer(f'NETCDF:"{source}":vx', "clip vx", "gdal")
    pair = QgsRasterLayer(vx_tif, "pair vx", "gdal")
    thk = QgsRasterLayer(thickness, "thickness", "gdal")
    outline = outline_layer_4326(X[6], X[40], Y[34], Y[5])
    seeds = seed_layer_4326([(XC, YC)])
    project.addMapLayers([dataset, pair, thk, outline, seeds])
    panel = AnalysisPanel(iface, None, project)
    try:
        _assert_index(panel.method_combo, STRAIN, "METHOD")
        _assert_spin(panel.length_spin, STRAIN, "LENGTH_SCALE")
        _assert_spin(panel.depth_spin, FLUX, "DEPTH_FACTOR")
        _assert_spin(panel.duration_spin, TRACK, "DURATION_DAYS")
        _assert_spin(panel.step_spin, TRACK, "STEP_DAYS")
        _assert_index(panel.direction_combo, TRACK, "DIRECTION")
        panel.thickness_combo.setLayer(thk)
        panel.outline_combo.setLayer(outline)
        panel.seeds_combo.setLayer(seeds)
        sent = set()
        for layer, velocity_keys in ((dataset, {"INPUT", "CRS"}), (pair, {"VX", "VY", "CRS"})):
            panel.velocity_combo.setLayer(layer)
            for build, algorithm_id in (
                (panel.strain_parameters, STRAIN),
                (panel.flux_parameters, FLUX),
                (panel.track_parameters, TRACK),
            ):
                params = build()
                assert velocity_keys <= set(params), (algorithm_id, sorted(params))
                _assert_keys(params, algorithm_id)
                sent |= set(params)
        assert {"THICKNESS", "BOUNDARY", "SEEDS", "DEPTH_FACTOR", "DURATION_DAYS", "METHOD"} <= sent
    finally:
        panel.shutdown()
        panel.deleteLater()
        project.clear()


def test_gui_code_names_no_parameter_id_as_a_string_literal(plugin):
    ids = set().union(*(_ids(algorithm_id) for algorithm_id in RUN_BY_THE_GUI))
    assert {"INPUT", "OUTPUT", "START_DATE", "MIN_DT_DAYS", "LAMBDA", "SEEDS"} <= ids
    found = []
    for path in sorted(GUI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ids:
                found.append(f"{path.name}:{node.lineno}: {node.value!r}")
            elif isinstance(node, ast.keyword) and node.arg in ids:  # dict(OUTPUT=...), update(LAMBDA=...)
                found.append(f"{path.name}:{node.value.lineno}: {node.arg}=")
    assert not found, "use the algorithms' constants:\n" + "\n".join(found)
