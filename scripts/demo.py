"""The demo: the whole ITS_LIVE pipeline on the local mirror, through the plugin's own algorithms.

Started by ``make demo``. It starts the local S3 mirror (moto, 127.0.0.1), points the plugin
at it with ITSLIVE_S3_ENDPOINT_URL, runs the Processing algorithms headless
(findcubes -> downloadsubset -> invert -> strainrates / fluxdivergence / track, and a mosaic
clip), loads the results styled into a QGIS project, renders PNGs with QGIS and saves
``demo_output/itslive_demo.qgz``. Exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import traceback
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, "/usr/share/qgis/python/plugins")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
warnings.filterwarnings("ignore", category=PendingDeprecationWarning)  # Debian rasterio 1.3 vs affine 3

#: the demo area: a glacier trunk crossing the edge between two EPSG:3413 tiles (west Greenland)
AREA = (-182600.0, -2282600.0, -171400.0, -2277400.0)
AREA_CRS = "EPSG:3413"
POINT = (-178507.5, -2280402.3)  # on the trunk, in tile GRE_A
POINT_NAME = "trunk_GRE_A"
DEMO_FLUX_M2_PER_YR = 3.0e5  # the illustrative thickness: this ice flux per metre width / speed
DEMO_SMB_M_PER_YR = -1.5  # the generated ICESat-2 surface: dynamic dh/dt + this surface mass balance


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="demo_output", help="output folder (replaced)")
    args = parser.parse_args(argv)
    out = Path(args.output).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    os.environ["ITSLIVE_CACHE_DIR"] = str(out / "cache")

    from tests.fixtures.mirror import start_mirror

    t0 = time.monotonic()
    with start_mirror(data_root=REPO / ".mirror_data") as mirror:
        os.environ["ITSLIVE_S3_ENDPOINT_URL"] = mirror.endpoint_url
        print(f"local mirror: {mirror.endpoint_url} ({len(mirror.keys)} objects in s3://{mirror.bucket})")
        app = _start_qgis()
        try:
            made = run_pipeline(out)
        except Exception:
            traceback.print_exc()
            print("DEMO FAILED", file=sys.stderr)
            return 1
        finally:
            _stop_qgis(app)
    print(f"\ndemo finished in {time.monotonic() - t0:.0f} s; made:")
    for path in made:
        size = path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*"))
        print(f"  {path.relative_to(out.parent)}  ({size / 1024:.0f} KiB)")
    return 0


def run_pipeline(out: Path) -> list[Path]:
    """Run every step; returns the files made."""
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)  # (QGIS resets the filters)
    import processing
    from qgis.core import QgsProject

    from itslive_qgis.layers import load_result

    extent = f"{AREA[0]},{AREA[2]},{AREA[1]},{AREA[3]} [{AREA_CRS}]"
    made: list[Path] = []

    def step(title, alg, params):
        t = time.monotonic()
        result = processing.run(alg, params)
        print(f"[{time.monotonic() - t:6.1f} s] {title}: {alg}")
        return result

    cubes = step(
        "datacubes under the area", "itslive:findcubes", {"EXTENT": extent, "OUTPUT": str(out / "cubes.gpkg")}
    )
    print(f"           {cubes['COUNT']} cubes")
    subset = step(
        "subset download",
        "itslive:downloadsubset",
        {
            "EXTENT": extent,
            "START_DATE": "2014-01-01",
            "END_DATE": "2024-12-31",
            "OUTPUT": str(out / "subset.nc"),
        },
    )
    print(f"           {subset['PAIRS']} pairs")
    inversion = step(
        "temporal inversion",
        "itslive:invert",
        {"INPUT": subset["OUTPUT"], "INTERVAL_DAYS": 30, "OUTPUT": str(out / "inversion.nc")},
    )
    strain = step(
        "strain rates",
        "itslive:strainrates",
        {"INPUT": inversion["OUTPUT"], "METHOD": 0, "OUTPUT": str(out / "strain.nc")},
    )
    mosaic = step(
        "mosaic clip",
        "itslive:mosaic",
        {"EXTENT": extent, "YEAR": 0, "VARIABLES": "v,vx,vy,v_error", "OUTPUT_FOLDER": str(out / "mosaic")},
    )
    thickness = _illustrative_thickness(mosaic["V"], out / "thickness_illustrative.tif")
    flux = step(
        "flux divergence",
        "itslive:fluxdivergence",
        {
            "VX": mosaic["VX"],
            "VY": mosaic["VY"],
            "THICKNESS": str(thickness),
            "OUTPUT": str(out / "flux.nc"),
        },
    )
    seeds = _seed_layer(out / "seeds.gpkg")
    tracks = step(
        "particle tracks",
        "itslive:track",
        {
            "INPUT": inversion["OUTPUT"],
            "SEEDS": str(seeds),
            "START_DATE": "2024-01-01",  # the year of the maps: a track is drawn in the frames it spans
            "DURATION_DAYS": 360,
            "STEP_DAYS": 10,
            "OUTPUT": str(out / "tracks.gpkg"),
        },
    )
    made += [Path(p) for p in (cubes["OUTPUT"], subset["OUTPUT"], inversion["OUTPUT"], strain["OUTPUT"])]
    made += [Path(mosaic["OUTPUT_FOLDER"]), thickness, Path(flux["OUTPUT"]), Path(tracks["OUTPUT"])]

    project = QgsProject.instance()
    project.clear()
    project.setCrs(_crs(AREA_CRS))
    _add_footprints(cubes["OUTPUT"], project)
    loaded = {}
    for name, path in (
        ("inversion", inversion["OUTPUT"]),
        ("strain", strain["OUTPUT"]),
        ("flux", flux["OUTPUT"]),
    ):
        loaded[name] = load_result(path, project)
    loaded["tracks"] = load_result(tracks["OUTPUT"], project)
    for layer in loaded["tracks"]:  # the legend says what the red lines are
        layer.setName("particle tracks from 2024-01-01 (10-day steps)")
    made += _icesat2_outputs(step, out, extent, flux["OUTPUT"], project)

    inv_layers = [layer for layer in loaded["inversion"] if layer.customProperty("itslive/visible", True)]
    frames = _two_frames(inversion["OUTPUT"])
    for label, _frame in frames:
        made.append(
            _export_map(
                step,
                out / f"inversion_{label}.png",
                loaded["tracks"] + inv_layers,  # top first: the tracks over the speed, not hidden under it
                label,
                f"inversion {label}",
            )
        )
    strain_layer = next(layer for layer in loaded["strain"] if "e_eff" in layer.name())
    first_date = frames[0][0]
    made.append(_export_map(step, out / "strain_e_eff.png", [strain_layer], first_date, "strain e_eff"))
    dhdt = next(layer for layer in loaded["flux"] if "dynamic_dhdt" in layer.name())
    made.append(_export_map(step, out / "dynamic_dhdt.png", [dhdt], "", "dynamic dh/dt"))
    year = frames[-1][0][:4]
    animation_params = {
        "LAYERS": inv_layers,
        "EXTENT": extent,
        "START_DATE": f"{year}-01-01",
        "END_DATE": f"{year}-12-31",
        "FRAME_MS": 400,
        "DPI": 100,
        "LAYOUT_NAME": f"ITS_LIVE animation {year}",
    }
    animation = step(
        f"animation of the inversion, {year}",
        "itslive:exportanimation",
        {**animation_params, "OUTPUT": str(out / f"inversion_{year}.gif")},
    )
    print(f"           {animation['FRAMES']} frames")
    made.append(Path(animation["OUTPUT"]))
    import importlib.util

    if importlib.util.find_spec("imageio_ffmpeg") is not None:  # the same frames as an H.264 video
        video = step(
            f"video of the inversion, {year}",
            "itslive:exportanimation",
            {**animation_params, "OUTPUT": str(out / f"inversion_{year}.mp4")},
        )
        made.append(Path(video["OUTPUT"]))
    made += _timeseries_outputs(out)
    made += _workflow_with_qgis_process(out, thickness)
    qgz = out / "itslive_demo.qgz"
    if not project.write(str(qgz)):
        raise RuntimeError(f"could not write {qgz}")
    made.append(qgz)
    return made


def _export_map(step, path: Path, layers, date: str, layout_name: str, **extra) -> Path:
    """A figure through itslive:exportmap (legend, scale bar, north, date, citation), kept in the project."""
    params = {
        **extra,
        "LAYERS": layers,
        "EXTENT": f"{AREA[0]},{AREA[2]},{AREA[1]},{AREA[3]} [{AREA_CRS}]",
        "DPI": 150,
        "LAYOUT_NAME": f"ITS_LIVE {layout_name}",
        "OUTPUT": str(path),
    }
    if date:
        params["DATE"] = date
    return Path(step(f"map {path.name}", "itslive:exportmap", params)["OUTPUT"])


def _two_frames(path):
    """Two monthly frames a season apart, labelled by date: (label, (start_days, end_days))."""
    import xarray as xr

    with xr.open_dataset(path) as ds:
        bnds = ds["time_bnds"].values
        v = ds["v"].values
    import numpy as np

    counts = np.isfinite(v).reshape(v.shape[0], -1).mean(axis=1)
    good = np.flatnonzero(counts > 0.5)
    winter = next((i for i in good[::-1] if str(bnds[i, 0])[5:7] in ("01", "02", "03")), good[0])
    summer = next((i for i in good[::-1] if str(bnds[i, 0])[5:7] in ("07", "08")), good[-1])
    epoch = np.datetime64("1970-01-01")
    out = []
    for i in (winter, summer):
        start, end = ((bnds[i] - epoch) / np.timedelta64(1, "D")).tolist()
        out.append((str(bnds[i, 0])[:10], (start, end)))
    return out


def _illustrative_thickness(speed_tif: str, path: Path) -> Path:
    """An ILLUSTRATIVE ice thickness (m) for the flux step: 3e5 m2/yr / (speed smoothed ~1 km), 150..900 m.

    The mirror has no thickness data; this stands in for a real thickness raster (e.g. from
    a bed model) so that itslive:fluxdivergence runs end to end. Its numbers mean nothing, but
    ice that thins where it speeds up (a near-steady flux, as on a real outlet glacier) keeps the
    dynamic dh/dt within tens of m/yr (thickness growing with speed gave -140 m/yr on the trunk);
    smoothing the speed first keeps the margins free of +-100 m/yr stripes.
    """
    import numpy as np
    import rasterio

    with rasterio.open(speed_tif) as src:
        speed = src.read(1, masked=True).filled(np.nan)
        profile = src.profile
    from scipy.ndimage import gaussian_filter

    smooth = gaussian_filter(np.nan_to_num(speed), 8.0)  # ~1 km at 120 m: no margin-scale jumps
    thick = np.clip(DEMO_FLUX_M2_PER_YR / np.maximum(smooth, 1.0), 150.0, 900.0).astype("float32")
    thick[~np.isfinite(thick)] = -9999.0
    profile.update(dtype="float32", nodata=-9999.0, count=1, compress="deflate")
    profile.pop("blockxsize", None), profile.pop("blockysize", None), profile.pop("tiled", None)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(thick, 1)
        dst.update_tags(units="m", description="illustrative thickness for the demo, not data")
    return path


def _seed_layer(path: Path) -> Path:
    """Seed points across the upper trunk (EPSG:3413)."""
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorFileWriter, QgsVectorLayer

    layer = QgsVectorLayer("Point?crs=EPSG:3413", "seeds", "memory")
    feats = []
    for dy in (-300.0, 0.0, 300.0):
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(POINT[0] - 2500.0, POINT[1] + dy)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    context = QgsProject.instance().transformContext()
    error = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(path), context, options)
    if error[0] != QgsVectorFileWriter.WriterError.NoError:
        raise RuntimeError(f"could not write {path}: {error}")
    return path


def _add_footprints(path: str, project) -> None:
    """The cubes found for the area, styled like the dock's footprints layer."""
    from qgis.core import QgsVectorLayer

    from itslive_qgis.paths import style_path

    layer = QgsVectorLayer(path, "ITS_LIVE datacubes of the area", "ogr")
    layer.loadNamedStyle(style_path("footprints.qml"))
    project.addMapLayer(layer)


def _timeseries_outputs(out: Path) -> list[Path]:
    """Velocity history at POINT, read from the mirror's cubes (pairs + inverted series): PNG and CSV."""
    from itslive_qgis import settings
    from itslive_qgis.core.timeseries.series import invert_point, point_series, series_to_csv
    from itslive_qgis.gui.timeseries_plot import PlotEntry, SeriesPlot

    t = time.monotonic()
    found = point_series(POINT[0], POINT[1], AREA_CRS, settings.store_config())
    colours = ("#1f77b4", "#d62728", "#2ca02c")
    entries, inverted = [], []
    for series, colour in zip(found, colours):
        regular = invert_point(series, interval_days=30)
        inverted.append(regular)
        entries.append(
            PlotEntry(f"EPSG:{series.epsg} ({series.x_m:.0f}, {series.y_m:.0f})", colour, series, regular)
        )
    plot = SeriesPlot()
    plot.draw(entries, "v", "auto", False)
    png = plot.save_png(out / f"timeseries_{POINT_NAME}.png")
    _heights_under(png, plot.ax.get_xlim(), colours[1], plot.ax.get_position())
    csv = series_to_csv(found, inverted, out / f"timeseries_{POINT_NAME}.csv")
    print(f"[{time.monotonic() - t:6.1f} s] point time series at {POINT} ({len(found)} cube(s))")
    return [Path(png), Path(csv)]


def _heights_under(png: Path, xlim, colour: str, box) -> None:
    """The point panel's ICESat-2 plot (heights near POINT, from the project's layer) under ``png``.

    ``box``: the velocity axes' position (figure fractions): the heights' time axis is put at the
    same pixels, so a date is at the same column in both plots.
    """
    from types import SimpleNamespace

    from qgis.core import QgsCoordinateReferenceSystem
    from qgis.PyQt.QtGui import QImage, QPainter

    from itslive_qgis.gui.point_elevation import ELEVATION_MARGINS_IN, ElevationPlot
    from itslive_qgis.gui.timeseries_plot import MARGINS_IN

    heights = ElevationPlot()
    width_in = plot_width_in(png)
    heights.figure.set_size_inches(width_in, 2.6)
    point = SimpleNamespace(click=(*POINT, QgsCoordinateReferenceSystem(AREA_CRS)), colour=colour)
    heights.draw([point], xlim)
    _wait_for(heights)  # the height-change series is read in a background task: drawn when it is back
    heights.draw([point], xlim)
    wide_in = width_in + (MARGINS_IN["left"] - MARGINS_IN["right"] if heights.dh_ax is not None else 0.0)
    height_in = 2.6
    heights.figure.set_size_inches(wide_in, height_in)  # a right axis: room for its labels beyond the plot
    margins = ELEVATION_MARGINS_IN  # placed by hand (out of the figure's layout): the velocity's pixels
    left, right = box.x0 * width_in / wide_in, box.x1 * width_in / wide_in
    bottom, top = margins["bottom"] / height_in, 1.0 - margins["top"] / height_in
    for ax in (heights.ax, heights.dh_ax):
        if ax is not None:
            ax.set_position([left, bottom, right - left, top - bottom])
    below = png.with_name(png.stem + "_heights.png")
    heights.figure.savefig(below, format="png", dpi=150)
    top, bottom = QImage(str(png)), QImage(str(below))
    both = QImage(max(top.width(), bottom.width()), top.height() + bottom.height(), QImage.Format_RGB32)
    both.fill(0xFFFFFF)
    painter = QPainter(both)
    painter.drawImage(0, 0, top)
    painter.drawImage(0, top.height(), bottom)
    painter.end()
    both.save(str(png))
    below.unlink()
    print(
        f"           {sum(heights.counts)} ICESat-2 segments within 500 m and {sum(heights.dh_counts)} "
        "height-change epochs at the point, under the velocity"
    )


def _wait_for(plot, timeout_s: float = 120.0) -> None:
    """Run the event loop until ``plot``'s background reads are back (the QgsTask reports on it)."""
    from qgis.core import QgsApplication

    t0 = time.monotonic()
    while plot.tasks and time.monotonic() - t0 < timeout_s:
        QgsApplication.processEvents()
        time.sleep(0.02)
    if plot.tasks:
        raise RuntimeError(f"the height-change read at the point did not finish in {timeout_s:.0f} s")


def plot_width_in(png: Path) -> float:
    """Width (inches at 150 dpi) of a PNG written by SeriesPlot.save_png."""
    from qgis.PyQt.QtGui import QImage

    return QImage(str(png)).width() / 150.0


def _workflow_with_qgis_process(out: Path, thickness: Path) -> list[Path]:
    """The same science through the shipped model, on the command line (issue: model builder + CLI)."""
    import subprocess

    folder = out / "workflow"
    folder.mkdir()
    env = dict(os.environ)
    env.update(
        QGIS_PLUGINPATH=str(REPO),
        PYTHONPATH=str(REPO / ".venv/lib/python3.11/site-packages"),
        PATH=f"{REPO / '.venv/bin'}:{env.get('PATH', '')}",
        QT_QPA_PLATFORM="offscreen",
    )
    subprocess.run(
        ["qgis_process", "plugins", "enable", "itslive_qgis"], env=env, capture_output=True, check=False
    )
    outputs = {name: folder / f"{name}.{ext}" for name, ext in WORKFLOW_OUTPUTS}
    command = [
        "qgis_process",
        "run",
        "itslive:workflow",
        "--",
        f"EXTENT={AREA[0]},{AREA[2]},{AREA[1]},{AREA[3]} [{AREA_CRS}]",
        "START_DATE=2014-01-01",
        "END_DATE=2024-12-31",
        "INTERVAL_DAYS=30",
        f"THICKNESS={thickness}",
    ] + [f"{name}={path}" for name, path in outputs.items()]
    print("           $ " + " ".join(f"'{c}'" if " " in c else c for c in command))
    t = time.monotonic()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(
            f"qgis_process failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    missing = [str(p) for p in outputs.values() if not p.exists()]
    if missing:
        raise RuntimeError(f"qgis_process did not write {missing}")
    print(f"[{time.monotonic() - t:6.1f} s] the itslive:workflow model through qgis_process")
    return list(outputs.values())


WORKFLOW_OUTPUTS = (
    ("footprints", "gpkg"),
    ("subset", "nc"),
    ("inversion", "nc"),
    ("strain", "nc"),
    ("flux", "nc"),
)


def _icesat2_outputs(step, out: Path, extent: str, flux_nc: str, project) -> list[Path]:
    """ICESat-2 heights of the demo glacier, their dh/dt on the flux grid and the mass balance.

    The granules are the generator's (tests/fixtures/atl06.py: a known thinning over the mirror's
    glacier, 8 repeat cycles, six beams); the mass balance uses the ILLUSTRATIVE thickness of the
    flux step, so its numbers only show the chain, not the glacier.
    """
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    from itslive_qgis.gui.point_elevation import SOURCES_ENTRY
    from itslive_qgis.layers.icesat2 import make_temporal
    from tests.fixtures.atl06 import write_granules
    from tests.fixtures.height_change import write_atl15

    folder = out / "atl06"
    write_granules(folder, seed=1, dhdt=_observed_dhdt(flux_nc))
    # an ATL15-like gridded height change of the same generated surface (1 km cells, each the mean
    # of the surface over the cell, quarterly from 2018-10; a cell centred on POINT: the same support
    # as the panel's heights within 500 m): the point panel draws its dh series under the velocity
    cell_m = 1000.0
    atl15 = write_atl15(
        out / "ATL15_height_change_generated.nc",
        pixel_m=cell_m,
        rate=_cell_mean(_observed_dhdt(flux_nc), cell_m),
        centre=POINT,
    )
    project.writeEntry(*SOURCES_ENTRY, str(atl15))
    heights = step(
        "ICESat-2 heights",
        "itslive:icesat2heights",
        {"INPUT": str(folder), "EXTENT": extent, "OUTPUT": str(out / "icesat2_heights.gpkg")},
    )
    dhdt = step(
        "ICESat-2 dh/dt on the flux grid",
        "itslive:elevationchange",
        {"INPUT_POINTS": heights["OUTPUT"], "REFERENCE_GRID": flux_nc, "OUTPUT": str(out / "dhdt.nc")},
    )
    balance = step(
        "mass balance (observed - dynamic dh/dt)",
        "itslive:massbalance",
        {"DHDT": dhdt["OUTPUT"], "FLUX_DIVERGENCE": flux_nc, "OUTPUT": str(out / "mass_balance.nc")},
    )
    layer = QgsVectorLayer(heights["OUTPUT"], "ICESat-2 heights (ATL06, generated)")
    make_temporal(layer)
    project.addMapLayer(layer)
    residual = QgsRasterLayer(
        f'NETCDF:"{balance["OUTPUT"]}":residual_dhdt',
        # the legend keeps a short '(units, ...)' tail: units first, then the generated answer
        f"residual_dhdt — observed minus dynamic dh/dt (m/yr of ice, generated SMB {DEMO_SMB_M_PER_YR:+.1f})",
    )
    import numpy as np
    import xarray as xr

    from itslive_qgis.layers.styles import apply_style

    with xr.open_dataset(balance["OUTPUT"]) as ds:
        # the bulk of the cells (the SMB signal), not the few track cells at sharp flow gradients
        bound = float(np.nanpercentile(np.abs(ds["residual_dhdt"].values), 90))
    apply_style(residual, "dhdt", (-bound, bound), "m/yr")
    project.addMapLayer(residual)
    title = "Height change not explained by the flow (ITS_LIVE, ICESat-2)"
    # the residual lies along the ICESat-2 tracks: the static mosaic's speed in grey around them
    png = _export_map(step, out / "mass_balance.png", [residual], "", "mass balance", TITLE=title, BASEMAP=1)
    return [Path(heights["OUTPUT"]), Path(dhdt["OUTPUT"]), Path(balance["OUTPUT"]), png, Path(atl15)]


def _cell_mean(rate, cell_m: float, n: int = 8):
    """``rate`` averaged over the ``cell_m`` square around each (x, y): ``n`` x ``n`` samples."""
    import numpy as np

    offsets = ((np.arange(n) + 0.5) / n - 0.5) * cell_m

    def mean(x, y):
        x, y = np.asarray(x, float), np.asarray(y, float)
        return np.mean([rate(x + dx, y + dy) for dx in offsets for dy in offsets], axis=0)

    return mean


def _observed_dhdt(flux_nc: str):
    """dh/dt (m/yr) of the demo's generated ICESat-2 surface: the flow's dynamic dh/dt plus the SMB.

    So the mass-balance map has a known answer (DEMO_SMB_M_PER_YR wherever the tracks cross).
    """
    import numpy as np
    import xarray as xr

    with xr.open_dataset(flux_nc) as ds:
        dynamic = ds["dynamic_dhdt"].load()

    def dhdt(x, y):
        x, y = np.asarray(x, float), np.asarray(y, float)
        at = dynamic.interp(x=xr.DataArray(x.ravel()), y=xr.DataArray(y.ravel())).values
        return np.nan_to_num(at.reshape(x.shape)) + DEMO_SMB_M_PER_YR

    return dhdt


def _crs(text):
    from qgis.core import QgsCoordinateReferenceSystem

    return QgsCoordinateReferenceSystem(text)


def _start_qgis():
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    import itslive_qgis

    class _Headless:
        """The plugin's provider needs no interface for Processing runs."""

    plugin = itslive_qgis.classFactory(_Headless())
    plugin.initProcessing()
    app._itslive_plugin = plugin
    return app


def _stop_qgis(app):
    plugin = getattr(app, "_itslive_plugin", None)
    if plugin is not None:
        plugin.unload()
    app.exitQgis()


if __name__ == "__main__":
    sys.exit(main())
