"""Loading results into the project: groups, per-band temporal rasters, mesh arrows, styles, reload.

The synthetic inversion result has a known flow: a fast trunk in the NORTHERN rows (y large) whose
speed grows 200 -> 1200 m/yr and whose direction turns from east (step 1) to north (step 6), on
slow ice (5 m/yr, east) that never changes. Rendered frames are checked against that truth:
where pixels change, where arrows are, which way they point, and the colours of the log ramp.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsMapLayer,
    QgsMeshLayer,
    QgsProject,
    QgsRasterLayer,
    QgsStyle,
)
from qgis.PyQt.QtCore import QCoreApplication, QTimer
from qgis.PyQt.QtGui import QImage

from itslive_qgis.layers import LoadResultTask, load_result, render_png
from itslive_qgis.layers.temporal import date_range
from tests.fixtures.results import (
    CELL_M,
    FAST_ROWS,
    NT,
    SLOW_M_PER_YR,
    START_DAYS,
    STEP_DAYS,
    fast_speed,
    write_flux_tif,
    write_inversion,
    write_strain,
    write_subset,
    write_tracks,
)

IMAGE_W, IMAGE_H = 500, 400  # 10 px per cell


@pytest.fixture()
def inversion_nc(tmp_path) -> Path:
    return write_inversion(tmp_path / "inversion_demo.nc")


@pytest.fixture()
def project(qgis_app) -> QgsProject:
    project = QgsProject()
    yield project
    project.clear()


def _image_array(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    stride = image.bytesPerLine()
    data = np.frombuffer(image.constBits().asstring(stride * image.height()), np.uint8)
    return data.reshape(image.height(), stride)[:, : image.width() * 3].reshape(
        image.height(), image.width(), 3
    )


def _by_variable(layers: list[QgsMapLayer]) -> dict[str, QgsMapLayer]:
    return {layer.customProperty("itslive/variable"): layer for layer in layers}


def _band_range(step: int):
    start = START_DAYS + STEP_DAYS * step
    return date_range(start, start + STEP_DAYS)


def test_inversion_loads_into_named_group_with_per_band_time(project, inversion_nc):
    layers = load_result(inversion_nc, project)
    group = project.layerTreeRoot().findGroup("ITS_LIVE inversion — inversion_demo")
    assert group is not None
    assert [node.layer() for node in group.findLayers()] == layers
    by_var = _by_variable(layers)
    assert set(by_var) == {"vx,vy", "v", "vx", "vy", "v_sigma", "count"}
    assert isinstance(by_var["vx,vy"], QgsMeshLayer)  # arrows on top
    assert layers[0] is by_var["vx,vy"] and layers[1] is by_var["v"]
    visible = {
        node.layer().customProperty("itslive/variable") for node in group.findLayers() if node.isVisible()
    }
    assert visible == {"vx,vy", "v"}

    speed = by_var["v"]
    assert isinstance(speed, QgsRasterLayer) and speed.bandCount() == NT  # one layer, NT bands
    properties = speed.temporalProperties()
    assert properties.isActive()
    assert properties.mode() == Qgis.RasterTemporalMode.FixedRangePerBand
    ranges = properties.fixedRangePerBand()
    assert sorted(ranges) == list(range(1, NT + 1))
    for band, band_range in ranges.items():
        expected_start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=12 * (band - 1))
        assert band_range.begin().toMSecsSinceEpoch() == int(expected_start.timestamp() * 1000)
        assert band_range.begin().msecsTo(band_range.end()) == 12 * 86_400_000
        assert band_range.includeBeginning() and not band_range.includeEnd()
        assert properties.bandForTemporalRange(speed, band_range) == band
    abstract = speed.metadata().abstract()
    assert str(inversion_nc) in abstract and "m/yr" in abstract and "synthetic inversion" in abstract

    time_settings = project.timeSettings()  # the animation steps through the result's steps
    assert time_settings.temporalRange() == date_range(START_DAYS, START_DAYS + NT * STEP_DAYS)
    assert time_settings.timeStep() == STEP_DAYS and time_settings.timeStepUnit() == Qgis.TemporalUnit.Days

    mesh = by_var["vx,vy"]
    for step in range(NT):  # arrows follow the same steps as the rasters
        assert mesh.activeVectorDatasetAtTime(_band_range(step)).dataset() == step


def test_frames_render_different_data_and_arrows(project, inversion_nc, output_dir):
    layers = load_result(inversion_nc, project)
    by_var = _by_variable(layers)
    extent = by_var["v"].extent()
    paths = [
        render_png(project, extent, "EPSG:3413", (IMAGE_W, IMAGE_H), _band_range(step), output_dir / name)
        for step, name in ((0, "layers_frame_first.png"), (NT - 1, "layers_frame_last.png"))
    ]
    first, last = (_image_array(path).astype(int) for path in paths)
    fast = slice(FAST_ROWS.start * 10 + 10, FAST_ROWS.stop * 10 - 10)  # rows of pixels inside the trunk
    slow = slice(25 * 10, 38 * 10)
    changed = np.abs(first - last).sum(axis=2) > 30
    assert changed[fast].mean() > 0.5  # the trunk got faster: speed colours changed
    assert changed[slow].mean() < 0.02  # slow ice is the same in both frames

    def dark(image):
        return image.max(axis=2) < 70  # arrow colour (15, 15, 15); viridis never this dark

    for image in (first, last):
        assert dark(image)[fast].sum() > 500  # arrows drawn over the fast trunk
    rasters_only = _image_array(
        render_png(
            [by_var["v"]],
            extent,
            "EPSG:3413",
            (IMAGE_W, IMAGE_H),
            _band_range(0),
            output_dir / "layers_speed_only_first.png",
        )
    )
    assert dark(rasters_only)[fast].sum() == 0

    def horizontal_bias(image):
        """Dark pixels in long horizontal runs (shafts of east arrows) / in long vertical runs."""
        mask = dark(image)[fast]
        return _long_runs(mask) / max(1, _long_runs(mask.T))

    assert horizontal_bias(first) > 4.0  # step 1 flows east: shafts lie along image rows
    assert horizontal_bias(last) < 0.25  # step 6 flows north: shafts along image columns

    # the trunk is in the northern rows: brighter (faster, yellower) at the TOP of the image
    assert last[fast].mean() > last[slow].mean() + 60


def test_arrow_density_follows_the_screen_not_the_data(project, inversion_nc, output_dir):
    from qgis.core import QgsRectangle

    layers = _by_variable(load_result(inversion_nc, project))
    vectors = (
        layers["vx,vy"]
        .rendererSettings()
        .vectorSettings(layers["vx,vy"].rendererSettings().activeVectorDatasetGroup())
    )
    assert vectors.isOnUserDefinedGrid() and vectors.userGridCellWidth() == vectors.userGridCellHeight() > 10
    full = layers["v"].extent()
    trunk_top = full.yMaximum() - FAST_ROWS.start * CELL_M
    zoom = QgsRectangle(
        full.xMinimum(), trunk_top - 2.5 * CELL_M, full.xMinimum() + 3.125 * CELL_M, trunk_top
    )
    fractions = []
    for extent, name in ((full, "layers_zoom_full.png"), (zoom, "layers_zoom_16x.png")):
        image = _image_array(
            render_png(project, extent, None, (IMAGE_W, IMAGE_H), _band_range(2), output_dir / name)
        )
        rows = (
            slice(FAST_ROWS.start * 10 + 10, FAST_ROWS.stop * 10 - 10)
            if extent is full
            else slice(0, IMAGE_H)
        )
        fractions.append((image[rows].max(axis=2) < 110).mean())
    # 16x zoom: a data-spaced grid would leave 1-2 arrows in view; a screen grid keeps the density
    assert fractions[1] == pytest.approx(fractions[0], rel=0.5)


def _long_runs(mask: np.ndarray, length: int = 8) -> int:
    """Number of True pixels in runs of at least ``length`` along the rows of ``mask``."""
    total = 0
    for row in mask:
        edges = np.diff(np.concatenate([[0], row.astype(np.int8), [0]]))
        starts, stops = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
        runs = stops - starts
        total += int(runs[runs >= length].sum())
    return total


def test_speed_uses_viridis_on_a_log_scale(project, inversion_nc):
    speed = _by_variable(load_result(inversion_nc, project))["v"]
    shader = speed.renderer().shader().rasterShaderFunction()
    items = shader.colorRampItemList()
    values = np.array([item.value for item in items])
    lower, upper = values[0], values[-1]
    assert lower <= SLOW_M_PER_YR and upper >= fast_speed(NT - 1)
    viridis = QgsStyle.defaultStyle().colorRamp("Viridis")
    for value in (lower, math.sqrt(lower * upper), upper):  # the geometric middle is the ramp's middle
        fraction = (math.log10(value) - math.log10(lower)) / (math.log10(upper) - math.log10(lower))
        expected = viridis.color(fraction)
        ok, red, green, blue, _ = shader.shade(float(value))
        assert ok
        assert abs(red - expected.red()) + abs(green - expected.green()) + abs(blue - expected.blue()) < 45
    assert all(item.label.endswith("m/yr") for item in items)
    assert np.all(np.diff(np.log10(values)) <= math.log10(2.5) + 1e-9)  # 1-2-5 stops


def test_strain_and_dhdt_are_diverging_and_centred_on_zero(project, tmp_path):
    strain = _by_variable(load_result(write_strain(tmp_path / "strain_demo.nc"), project))
    assert project.layerTreeRoot().findGroup("ITS_LIVE strain rates — strain_demo") is not None
    flux = _by_variable(load_result(write_flux_tif(tmp_path / "flux_demo.tif"), project))
    assert project.layerTreeRoot().findGroup("ITS_LIVE flux divergence — flux_demo") is not None
    assert flux["dynamic_dhdt"].renderer().inputBand() == 2
    checks = [(strain[name], 0.02) for name in ("exx", "eyy", "e1", "e_lon")] + [(flux["dynamic_dhdt"], 3.0)]
    for layer, largest in checks:
        shader = layer.renderer().shader().rasterShaderFunction()
        lower, upper = shader.minimumValue(), shader.maximumValue()
        assert lower == -upper and largest * 0.9 <= upper <= largest * 2.6
        ok, red, green, blue, _ = shader.shade(0.0)
        assert ok and min(red, green, blue) > 230  # white in the middle
        _, r_low, _, b_low, _ = shader.shade(lower)
        _, r_high, _, b_high, _ = shader.shade(upper)
        assert (r_low - b_low) * (r_high - b_high) < 0  # opposite hues at the two ends
    _, r_thin, _, b_thin, _ = flux["dynamic_dhdt"].renderer().shader().rasterShaderFunction().shade(-3.0)
    assert r_thin > b_thin  # thinning is red
    _, r_ext, _, b_ext, _ = strain["exx"].renderer().shader().rasterShaderFunction().shade(0.02)
    assert r_ext > b_ext  # extension is red
    assert strain["e_eff"].renderer().shader().rasterShaderFunction().minimumValue() == 0.0


def test_project_saves_and_reloads_intact(project, inversion_nc, tmp_path):
    layers = load_result(inversion_nc, project)
    before = {
        layer.name(): (
            type(layer.renderer()).__name__ if isinstance(layer, QgsRasterLayer) else "mesh",
            _describe_time(layer),
            _describe_style(layer),
        )
        for layer in layers
    }
    project_file = tmp_path / "saved.qgz"
    assert project.write(str(project_file))
    reloaded = QgsProject()
    try:
        assert reloaded.read(str(project_file))
        group = reloaded.layerTreeRoot().findGroup("ITS_LIVE inversion — inversion_demo")
        assert group is not None
        after = {
            node.layer().name(): (
                type(node.layer().renderer()).__name__
                if isinstance(node.layer(), QgsRasterLayer)
                else "mesh",
                _describe_time(node.layer()),
                _describe_style(node.layer()),
            )
            for node in group.findLayers()
        }
        assert all(node.layer().isValid() for node in group.findLayers())
        assert after == before
        assert [n.isVisible() for n in group.findLayers()] == [True, True, False, False, False, False]
    finally:
        reloaded.clear()


def _describe_time(layer: QgsMapLayer):
    properties = layer.temporalProperties()
    if isinstance(layer, QgsMeshLayer):
        return properties.referenceTime().toMSecsSinceEpoch(), [
            layer.activeVectorDatasetAtTime(_band_range(step)).dataset() for step in range(NT)
        ]
    ranges = properties.fixedRangePerBand()
    return properties.mode(), [
        (b, r.begin().toMSecsSinceEpoch(), r.end().toMSecsSinceEpoch(), r.includeEnd())
        for b, r in ranges.items()
    ]


def _describe_style(layer: QgsMapLayer):
    if isinstance(layer, QgsMeshLayer):
        settings = layer.rendererSettings()
        group = settings.activeVectorDatasetGroup()
        vectors = settings.vectorSettings(group)
        return (
            settings.activeScalarDatasetGroup(),
            group,
            vectors.isOnUserDefinedGrid(),
            vectors.color().name(),
        )
    renderer = layer.renderer()
    if hasattr(renderer, "shader"):
        items = renderer.shader().rasterShaderFunction().colorRampItemList()
        return [(round(item.value, 9), item.color.name(), item.label) for item in items]
    enhancement = renderer.contrastEnhancement()
    return enhancement.minimumValue(), enhancement.maximumValue()


def test_subset_bands_follow_unsorted_mid_dates(project, tmp_path):
    mid_dates = START_DAYS + np.array([30.0, 5.0, 30.0, 61.5, 12.25])  # unsorted, one duplicate
    layers = _by_variable(load_result(write_subset(tmp_path / "subset_demo.nc", mid_dates), project))
    assert project.layerTreeRoot().findGroup("ITS_LIVE subset — subset_demo") is not None
    assert "vx,vy" not in layers  # no arrows for single image pairs
    speed = layers["v"]
    ranges = speed.temporalProperties().fixedRangePerBand()
    for band, mid in enumerate(mid_dates, start=1):
        centre = (ranges[band].begin().toMSecsSinceEpoch() + ranges[band].end().toMSecsSinceEpoch()) / 2
        assert centre == pytest.approx(mid * 86_400_000)
    frame = date_range(START_DAYS + 60, START_DAYS + 70)  # holds only mid_date 61.5 (band 4)
    assert speed.temporalProperties().bandForTemporalRange(speed, frame) == 4
    # missing_value -32767 is no data, so the colour range comes from the valid 100 m/yr only
    shader = speed.renderer().shader().rasterShaderFunction()
    assert shader.minimumValue() <= 100 <= shader.maximumValue() < 1000
    assert speed.dataProvider().sample(speed.extent().center(), 1)[0] == 100


def test_tracks_are_styled_lines_that_follow_time(project, tmp_path):
    from qgis.core import QgsFeatureRequest, QgsVectorLayerTemporalContext

    start, end = START_DAYS + 10, START_DAYS + 100
    (tracks,) = load_result(write_tracks(tmp_path / "tracks_demo.gpkg", start, end), project)
    assert project.layerTreeRoot().findGroup("ITS_LIVE tracks — tracks_demo") is not None
    properties = tracks.temporalProperties()
    assert properties.isActive()
    context = QgsVectorLayerTemporalContext()
    context.setLayer(tracks)

    def count(first_days, last_days):
        expression = properties.createFilterString(context, date_range(first_days, last_days))
        return len(list(tracks.getFeatures(QgsFeatureRequest().setFilterExpression(expression))))

    assert count(start + 20, start + 30) == 1
    assert count(end + 5, end + 10) == 0
    assert count(start - 10, start - 5) == 0
    assert tracks.renderer().symbol().symbolLayerCount() == 2  # line + arrow head
    (relative,) = load_result(write_tracks(tmp_path / "relative_m.gpkg", 0.0, 90.0), project)
    assert not relative.temporalProperties().isActive()  # M = days since start: not dates


def test_mosaic_cog_loads_with_speed_style(project, tmp_path):
    from tests.fixtures.products import write_mosaic_cogs

    paths = write_mosaic_cogs(tmp_path, years=())
    speed_path = next(path for key, path in paths.items() if key.endswith("_v.tif"))
    (speed,) = load_result(speed_path, project)
    assert speed.customProperty("itslive/kind") == "mosaic"
    assert speed.customProperty("itslive/style") == "speed"
    assert not speed.temporalProperties().isActive()
    (error,) = load_result(next(p for k, p in paths.items() if k.endswith("_v_error.tif")), project)
    assert error.customProperty("itslive/style") == "error"


def test_real_velocities_without_vector_names_get_point_arrows(project, shared_data, tmp_path, output_dir):
    """Malaspina 2015 (real, vx/vy without "x component" long_names): thinned point arrows."""
    import shutil

    import xarray as xr

    source = shared_data / "malaspina_tracker_strains" / "Datacubes_Yearly_Alaska_-141.02_59.69_-140.09_60.26"
    path = Path(shutil.copy(source / "2015.nc", tmp_path / "malaspina_2015.nc"))
    layers = load_result(path, project)
    arrows = _by_variable(layers)["vx,vy"]
    assert arrows.featureCount() > 100
    truth = xr.open_dataset(path)
    vx = truth["vx"].where(truth["vx"] != -32767)
    vy = truth["vy"].where(truth["vy"] != -32767)
    for feature in list(arrows.getFeatures())[::50]:
        point = feature.geometry().asPoint()
        u = float(vx.sel(x=point.x(), y=point.y(), method="nearest"))
        v = float(vy.sel(x=point.x(), y=point.y(), method="nearest"))
        assert feature["speed"] == pytest.approx(math.hypot(u, v), rel=1e-4)
        assert feature["angle_deg"] == pytest.approx(math.degrees(math.atan2(u, v)), abs=1e-3)
    assert _by_variable(layers)["vx"].dataProvider().userNoDataValues(1)[0].min() == -32767
    render_png(project, None, None, (600, 600), None, output_dir / "layers_real_malaspina_arrows.png")


def test_unreadable_results_raise_or_report_a_message(project, tmp_path):
    import xarray as xr

    from itslive_qgis.core.errors import DataError, InputError

    with pytest.raises(InputError, match="not found"):
        load_result(tmp_path / "missing.nc", project)
    empty = tmp_path / "no_grid.nc"
    xr.Dataset({"a": ("t", np.arange(3.0))}).to_netcdf(empty)
    with pytest.raises(DataError, match="no gridded"):
        load_result(empty, project)
    done: dict = {}
    task = LoadResultTask(
        empty, project, on_loaded=lambda layers, error: done.update(layers=layers, error=error)
    )
    QgsApplication.taskManager().addTask(task)
    started = time.perf_counter()
    while "error" not in done and time.perf_counter() - started < 30:
        QCoreApplication.processEvents()
    assert done["layers"] == [] and "no gridded" in done["error"]
    assert project.layerTreeRoot().children() == []


def test_two_hundred_steps_load_fast_and_keep_the_event_loop_free(qgis_app, tmp_path, record_property):
    """200 steps of 200 x 200: < 5 s to load, and the event loop keeps ticking during a task load.

    Wall times are the best of up to three attempts (other processes may share the 2 cores);
    the CPU time of this process (all threads) is recorded beside them.
    """
    path = write_inversion(tmp_path / "big.nc", nt=200, ny=200, nx=200)
    blocking_s, cpu_s, task_s, max_gap_s = [], [], [], []
    for _ in range(3):
        project = QgsProject()
        try:
            started, cpu_started = time.perf_counter(), time.process_time()
            layers = load_result(path, project)
            blocking_s.append(time.perf_counter() - started)
            cpu_s.append(time.process_time() - cpu_started)
            assert _by_variable(layers)["v"].bandCount() == 200
        finally:
            project.clear()
        seconds, gap = _load_with_task(path)
        task_s.append(seconds)
        max_gap_s.append(gap)
        if min(blocking_s) < 5.0 and min(task_s) < 5.0:
            break
    measured = {"load_s": blocking_s, "load_cpu_s": cpu_s, "task_s": task_s, "loop_gap_s": max_gap_s}
    for name, values in measured.items():
        record_property(name, [round(value, 3) for value in values])
    print("\n200x200x200:", {name: [round(v, 3) for v in values] for name, values in measured.items()})
    assert min(blocking_s) < 5.0
    assert min(task_s) < 5.0
    assert max(max_gap_s) < 5.0


def _load_with_task(path: Path) -> tuple[float, float]:
    """Seconds until a LoadResultTask has put the layers in a project, longest gap between 10 ms ticks."""
    project = QgsProject()
    done: dict = {}
    ticks = [time.perf_counter()]
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    task = LoadResultTask(
        path, project, on_loaded=lambda layers, error: done.update(layers=layers, error=error)
    )
    try:
        timer.start(10)
        started = time.perf_counter()
        QgsApplication.taskManager().addTask(task)
        while "layers" not in done and time.perf_counter() - started < 60:
            QCoreApplication.processEvents()
            time.sleep(0.002)
        seconds = time.perf_counter() - started
        timer.stop()
        assert done.get("error") == "" and len(done["layers"]) == 6
        assert len(project.mapLayers()) == 6
        return seconds, float(np.max(np.diff(ticks)))
    finally:
        timer.stop()
        project.clear()
