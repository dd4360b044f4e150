"""From "Install from ZIP" to a working plugin, with only Debian's system Python packages.

The ZIP that `make package` builds is unpacked into a fresh QGIS profile; `qgis_process` runs with
no venv on any path; `itslive:installdependencies` installs the packages from the registry pip is
configured for into the profile; then itslive:findcubes, itslive:downloadsubset and itslive:invert
run on the local moto mirror from that profile, and the inversion is checked against the
synthetic glacier's known velocity. A second test cancels an install midway.

pip's downloads are cached for one test run in a temporary folder (PIP_CACHE_DIR).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import REPO

SYSTEM_PYTHON = "/usr/bin/python3"
EXTENT = "-178800,-178200,-2280700,-2280100 [EPSG:3413]"  # 5 x 5 cells on the trunk of tile GRE_A
SETS = "core,numba"  # torch only for CUDA: the inversion below runs without it
pytestmark = pytest.mark.skipif(not Path(SYSTEM_PYTHON).is_file(), reason="Debian's /usr/bin/python3 needed")


@pytest.fixture(scope="session")
def pip_cache(tmp_path_factory) -> Path:
    """One pip cache for the tests of this run (downloads are fetched once)."""
    return tmp_path_factory.mktemp("pip-cache")


@pytest.fixture(scope="session")
def plugin_zip(tmp_path_factory) -> Path:
    """dist ZIP built as `make package` does (translations compiled)."""
    out = tmp_path_factory.mktemp("package")
    qm_dir = out / "qm"
    qm_dir.mkdir()
    for ts in (REPO / "i18n").glob("*.ts"):
        subprocess.run(
            ["lrelease", "-silent", str(ts), "-qm", str(qm_dir / ts.with_suffix(".qm").name)], check=True
        )
    zip_path = out / "itslive_qgis.zip"
    subprocess.run(
        [SYSTEM_PYTHON, "scripts/package.py", "--output", str(zip_path), "--qm-dir", str(qm_dir)],
        cwd=REPO,
        check=True,
    )
    return zip_path


def system_env(tmp: Path, pip_cache: Path, **extra) -> dict[str, str]:
    """The environment of a user's QGIS: no venv, no PYTHONPATH, a fresh profile in ``tmp``."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    venv = str(REPO / ".venv")
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(venv))
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QGIS_CUSTOM_CONFIG_PATH=str(tmp / "config"),
        QGIS_PLUGINPATH=str(tmp / "plugins"),
        PIP_CACHE_DIR=str(pip_cache),
        ITSLIVE_CACHE_DIR=str(tmp / "itslive-cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def qgis_process(env, *args, cwd, timeout=900) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        ["qgis_process", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    return proc


def run_json(env, alg: str, cwd, **params) -> dict:
    args = ["--json", "run", alg, "--", *(f"{k}={v}" for k, v in params.items())]
    t0 = time.monotonic()
    proc = qgis_process(env, *args, cwd=cwd)
    print(f"qgis_process run {alg}: {time.monotonic() - t0:.1f} s")
    assert proc.returncode == 0, f"{alg} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout[proc.stdout.index("{") :])


def test_zip_into_fresh_profile_installs_and_runs(plugin_zip, pip_cache, mirror, tmp_path):
    with zipfile.ZipFile(plugin_zip) as zf:
        zf.extractall(tmp_path / "plugins")
    env = system_env(tmp_path, pip_cache, ITSLIVE_S3_ENDPOINT_URL=mirror.endpoint_url)
    qgis_process(env, "plugins", "enable", "itslive_qgis", cwd=tmp_path)
    listing = qgis_process(env, "list", cwd=tmp_path)
    assert "itslive:installdependencies" in listing.stdout, listing.stdout[-2000:] + listing.stderr[-2000:]

    # before the install the algorithms are disabled with the message that says how to install
    before = qgis_process(
        env, "run", "itslive:findcubes", "--", f"EXTENT={EXTENT}", "OUTPUT=c.gpkg", cwd=tmp_path
    )
    assert before.returncode != 0
    assert "itslive:installdependencies" in before.stdout + before.stderr

    t0 = time.monotonic()
    result = run_json(env, "itslive:installdependencies", tmp_path, SETS=SETS)["results"]
    install_s = time.monotonic() - t0
    folder = Path(result["FOLDER"])
    assert folder == tmp_path / "config/profiles/default/python/itslive_deps/3.11"
    manifest = json.loads((folder / "itslive_deps.json").read_text())
    print(
        f"installed {SETS}: {len(manifest['packages'])} packages, "
        f"{manifest['download_bytes'] / 2**20:.1f} MiB downloaded, {install_s:.1f} s ({manifest['seconds']})"
    )
    # QGIS's own compiled stack was kept, not installed again or shadowed
    for name in ("pyproj", "netCDF4", "h5py", "rasterio", "GDAL", "scipy", "matplotlib", "pyogrio"):
        assert name not in manifest["packages"], name
        assert not list(folder.glob(f"{name}-*.dist-info")), name
    assert manifest["packages"]["numpy"].startswith("1.")
    assert {"xarray", "zarr", "s3fs", "numba"} <= set(manifest["packages"])
    assert "torch" not in manifest["packages"]  # the CPU inversion needs numpy + numba only
    assert "pip install" in result["COMMAND"] and "pyproj==" in result["COMMAND"]

    cubes = run_json(env, "itslive:findcubes", tmp_path, EXTENT=EXTENT, OUTPUT=str(tmp_path / "cubes.gpkg"))
    assert cubes["results"]["OUTPUT"]
    run_json(
        env,
        "itslive:downloadsubset",
        tmp_path,
        EXTENT=EXTENT,
        START_DATE="2014-01-01",
        END_DATE="2024-12-31",
        OUTPUT=str(tmp_path / "subset.nc"),
    )
    run_json(
        env,
        "itslive:invert",
        tmp_path,
        INPUT=str(tmp_path / "subset.nc"),
        INTERVAL_DAYS=30,
        OUTPUT=str(tmp_path / "inv.nc"),
    )
    check_cubes(tmp_path / "cubes.gpkg")
    check_inversion(tmp_path / "inv.nc")

    # inside that QGIS (a script algorithm run by qgis_process): numpy still 1.x, QGIS's GDAL and
    # gdal_array import and work, the compiled stack is Debian's, the rest comes from the folder
    script = tmp_path / "probe_qgis.py"
    script.write_text(QGIS_PROBE)
    facts = json.loads(run_json(env, str(script), tmp_path)["results"]["FACTS"])
    print("inside QGIS:", facts)
    assert int(facts["numpy"].split(".")[0]) < 2
    assert facts["numpy"] == manifest["packages"]["numpy"], "qgis.core must import the installed numpy"
    assert facts["gdal_array_roundtrip"] == [[1.0, 2.0], [3.0, 4.0]]
    for name in ("pyproj", "netCDF4", "h5py", "rasterio", "osgeo"):
        assert facts["files"][name].startswith("/usr/lib/python3/"), (name, facts["files"][name])
    for name in ("numpy", "xarray", "zarr", "numba", "pandas"):
        assert facts["files"][name].startswith(str(folder)), (name, facts["files"][name])

    # the real window under Xvfb, same profile: the plugin's dock has its tabs, no missing packages
    if shutil.which("Xvfb") and shutil.which("qgis"):
        window = real_window_facts(env, tmp_path)
        print("real window:", window)
        assert window["deps_label"] == "" and window["installer_panel"] is False
        assert {"Datacubes", "Download", "Inversion"} <= set(window["tabs"]), window["tabs"]
        assert window["numpy"] == manifest["packages"]["numpy"]
        assert window["numpy_file"].startswith(str(folder))


QGIS_PROBE = r"""
import json

from qgis.core import QgsProcessingAlgorithm, QgsProcessingOutputString


class Probe(QgsProcessingAlgorithm):
    def name(self):
        return "probe"

    def displayName(self):
        return "probe"

    def createInstance(self):
        return Probe()

    def initAlgorithm(self, config=None):
        self.addOutput(QgsProcessingOutputString("FACTS", "facts"))

    def processAlgorithm(self, parameters, context, feedback):
        import numpy
        from osgeo import gdal, gdal_array

        ds = gdal_array.OpenArray(numpy.array([[1.0, 2.0], [3.0, 4.0]]))
        roundtrip = ds.ReadAsArray().tolist()
        import h5py, netCDF4, numba, osgeo, pandas, pyproj, rasterio, xarray, zarr

        mods = (numpy, pyproj, netCDF4, h5py, rasterio, osgeo, xarray, zarr, numba, pandas)
        files = {m.__name__: m.__file__ for m in mods}
        facts = {"numpy": numpy.__version__, "gdal": gdal.__version__, "gdal_array_roundtrip": roundtrip}
        return {"FACTS": json.dumps({**facts, "files": files})}
"""


WINDOW_DRIVER = r"""
import json, os, sys
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface, plugins

OUT = os.environ["ITSLIVE_WINDOW_OUT"]


def step():
    try:
        import numpy
        plugin = plugins["itslive_qgis"]
        plugin.action.trigger()
        dock = plugin.dock
        tabs = [dock.tabs.tabText(i) for i in range(dock.tabs.count())]
        facts = {"tabs": tabs, "deps_label": dock.deps_label.text()}
        facts["installer_panel"] = dock.installer is not None
        facts.update(numpy=numpy.__version__, numpy_file=numpy.__file__)
    except Exception as exc:
        facts = {"error": repr(exc)}
    with open(OUT, "w") as f:
        json.dump(facts, f)
    os._exit(0)


QTimer.singleShot(4000, step)
"""


def real_window_facts(env: dict, tmp: Path) -> dict:
    """Start the QGIS desktop under Xvfb with the test profile and read the plugin's dock."""
    display = f":{90 + os.getpid() % 9}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1600x1000x24"], stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        driver = tmp / "driver.py"
        driver.write_text(WINDOW_DRIVER)
        out = tmp / "window.json"
        wenv = {k: v for k, v in env.items() if k != "QT_QPA_PLATFORM"}
        wenv.update(DISPLAY=display, ITSLIVE_WINDOW_OUT=str(out))
        t0 = time.monotonic()
        subprocess.run(
            [
                "qgis",
                "--profiles-path",
                str(tmp / "config"),
                "--nologo",
                "--noversioncheck",
                "--code",
                str(driver),
            ],
            env=wenv,
            cwd=tmp,
            capture_output=True,
            timeout=300,
        )
        print(f"real window: {time.monotonic() - t0:.1f} s")
        facts = json.loads(out.read_text())
        assert "error" not in facts, facts
        return facts
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def check_cubes(path: Path) -> None:
    """The cubes found: the fixture tiles whose 100 km square (in the tile's CRS) meets the extent."""
    import sqlite3

    from pyproj import Transformer

    from tests.fixtures.generator import default_tiles
    from tests.fixtures.truth import CELL_M

    with sqlite3.connect(path) as db:  # a GeoPackage is SQLite
        (table,) = db.execute("SELECT table_name FROM gpkg_contents").fetchone()
        urls = [row[0] for row in db.execute(f'SELECT zarr_url FROM "{table}"')]
    found = sorted(u.split("amazonaws.com/")[-1] for u in urls)
    x0, x1, y0, y1 = (float(v) for v in EXTENT.split(" ")[0].split(","))
    expected = []
    for tile in default_tiles():  # the fixture's tiles are nx x ny cells of 120 m around their centre
        tx = Transformer.from_crs(3413, tile.epsg, always_xy=True)
        xs, ys = tx.transform(np.linspace(x0, x1, 11).repeat(11), np.tile(np.linspace(y0, y1, 11), 11))
        half_x, half_y = tile.nx * CELL_M / 2, tile.ny * CELL_M / 2
        if (
            xs.min() < tile.x_centre_m + half_x
            and xs.max() > tile.x_centre_m - half_x
            and ys.min() < tile.y_centre_m + half_y
            and ys.max() > tile.y_centre_m - half_y
        ):
            expected.append(tile.key)
    assert found == sorted(expected), (found, expected)
    assert any(t.label == "GRE_A" and t.key in found for t in default_tiles())


def check_inversion(path: Path) -> None:
    """The inverted speed against the synthetic glacier's known velocity (as tests/qgis/test_alg_invert)."""
    import xarray as xr

    from tests.fixtures.generator import default_tiles, truth_velocity

    tile = next(t for t in default_tiles() if t.label == "GRE_A")
    with xr.open_dataset(path) as ds:
        assert "numba" in ds.attrs["solver"], ds.attrs["solver"]
        t_days = (ds["time"].values - np.datetime64("1970-01-01")) / np.timedelta64(1, "D")
        errors = []
        for iy, yv in enumerate(ds["y"].values):
            for ix, xv in enumerate(ds["x"].values):
                vx, vy = truth_velocity(tile, t_days, np.full_like(t_days, yv), np.full_like(t_days, xv))
                est = ds["v"].values[:, iy, ix]
                ok = np.isfinite(est) & (ds["count"].values[:, iy, ix] > 0)
                assert ok.sum() > 0.5 * ok.size
                errors.append(np.abs(est[ok] - np.hypot(vx, vy)[ok]) / np.hypot(vx, vy)[ok])
    rel = np.concatenate(errors)
    print(f"inversion from the installed profile: median relative speed error {np.median(rel):.3f}")
    assert np.median(rel) < 0.05


def snapshot(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*")) if p.is_file()}


def test_cancel_midway_leaves_the_previous_folder(pip_cache, tmp_path, monkeypatch):
    sys.path.insert(0, str(REPO))
    from itslive_qgis import installer

    monkeypatch.setenv("PIP_CACHE_DIR", str(pip_cache))
    profile = tmp_path / "profile"
    first = installer.install(["core"], profile, SYSTEM_PYTHON, log=lambda line: None)
    before = snapshot(first.folder)
    manifest_before = (first.folder / installer.MANIFEST).read_text()

    root = first.folder.parent
    seen = {}

    def cancelled() -> bool:  # cancel once pip has started writing the new folder
        if any(p.is_dir() and any(p.iterdir()) for p in root.glob(".3.11.new-*/site")):
            seen.setdefault("at", time.monotonic())
            return True
        return False

    with pytest.raises(installer.InstallCancelledError):
        installer.install(["numba"], profile, SYSTEM_PYTHON, log=lambda line: None, cancelled=cancelled)
    assert "at" in seen, "the cancel must come while pip was writing the new folder"
    assert snapshot(first.folder) == before
    assert (first.folder / installer.MANIFEST).read_text() == manifest_before
    assert sorted(p.name for p in root.iterdir()) == ["3.11"], "no partial folder is left behind"
    # and the previous folder still works
    check = subprocess.run(
        [
            SYSTEM_PYTHON,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); import xarray, zarr, s3fs; "
            "import importlib.util as u; print(u.find_spec('numba'))",
            str(first.folder),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "None"


def test_failed_install_leaves_the_previous_folder(pip_cache, tmp_path, monkeypatch):
    sys.path.insert(0, str(REPO))
    from itslive_qgis import installer

    monkeypatch.setenv("PIP_CACHE_DIR", str(pip_cache))
    profile = tmp_path / "profile"
    first = installer.install(["core"], profile, SYSTEM_PYTHON, log=lambda line: None)
    before = snapshot(first.folder)
    # no registry reachable: pip fails while resolving, with a message that says so
    for var in ("PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    with pytest.raises(installer.InstallError, match="previous packages folder is unchanged"):
        installer.install(["numba"], profile, SYSTEM_PYTHON, log=lambda line: None)
    assert snapshot(first.folder) == before
    assert sorted(p.name for p in first.folder.parent.iterdir()) == ["3.11"]


def test_sliderule_set_installs_the_client_without_its_dependencies(pip_cache, tmp_path, monkeypatch):
    """SETS=sliderule: the client (5.7.0) with --no-deps, pyarrow 23.0.1; QGIS's numpy, pyproj and
    shapely stay what they are (sliderule's own requirements would bring numpy 2 and the wheels that
    crash QGIS), and the client imports from the installed folder with Debian's Python."""
    sys.path.insert(0, str(REPO))
    from itslive_qgis import installer

    monkeypatch.setenv("PIP_CACHE_DIR", str(pip_cache))
    result = installer.install(["sliderule"], tmp_path / "profile", SYSTEM_PYTHON, log=lambda line: None)
    assert result.packages.get("sliderule") == "5.7.0" and result.packages.get("pyarrow") == "23.0.1"
    for never in ("pyproj", "netCDF4", "h5py", "rasterio", "pyogrio"):  # Debian's are kept
        assert never not in result.packages, never
    assert result.packages.get("shapely", "2.0.1") == "2.0.1"  # core's pin (GEOS 3.11 like Debian)
    assert not result.packages.get("numpy", "1").startswith("2")
    assert "--no-deps sliderule==5.7.0" in result.command
    check = subprocess.run(
        [
            SYSTEM_PYTHON,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); import sliderule, pyarrow, numpy, pyproj; "
            "from sliderule import icesat2; "
            "print(sliderule.__version__, pyarrow.__version__, numpy.__version__, pyproj.__file__)",
            str(result.folder),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stderr[-2000:]
    version, arrow, numpy_version, pyproj_file = check.stdout.split()
    print(f"installed: sliderule {version}, pyarrow {arrow}, numpy {numpy_version}, pyproj {pyproj_file}")
    assert version == "5.7.0" and arrow == "23.0.1" and numpy_version.startswith("1.")
    assert pyproj_file.startswith("/usr/lib/python3/")  # Debian's, the one QGIS links
