"""Hostile inputs through real ``qgis_process`` runs: one mirror, one QGIS profile, shared inputs.

Every run goes through :class:`QgisProcess` (the plugin from this checkout, a throw-away QGIS
profile, the session's moto mirror). :func:`refused` checks what a refusal must look like: a
non-zero exit, the parameter named, a hint what to do, and no Python traceback; the
``workspace`` fixture checks that nothing outside the outputs changed (a sentinel folder's
checksum) and that no temporary file is left behind.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import REPO

#: the demo area across the GRE_A / GRE_B tiles of the mirror (EPSG:3413, metres)
EXTENT = "-182000,-172500,-2281500,-2278500 [EPSG:3413]"
START, END = "2019-01-01", "2019-12-31"
TEMP_MARKERS = (".itslive-part", ".part", ".tmp")


@dataclass
class Run:
    """A finished qgis_process run."""

    rc: int
    out: str
    seconds: float

    @property
    def error(self) -> str:
        """The text after the first ERROR line (what the user reads)."""
        i = self.out.find("ERROR")
        return self.out[i:] if i >= 0 else ""


class QgisProcess:
    """Runs ``qgis_process run`` with the plugin of this checkout and a private QGIS profile."""

    def __init__(self, profile: Path, endpoint_url: str, cache_dir: Path):
        self.profile = profile
        self.env = {
            **os.environ,
            "QGIS_CUSTOM_CONFIG_PATH": str(profile),
            "QGIS_PLUGINPATH": str(REPO),
            "PYTHONPATH": str(REPO / ".venv/lib/python3.11/site-packages"),
            "PATH": f"{REPO / '.venv/bin'}:{os.environ['PATH']}",
            "QT_QPA_PLATFORM": "offscreen",
            "AWS_EC2_METADATA_DISABLED": "true",
            "ITSLIVE_S3_ENDPOINT_URL": endpoint_url,
            "ITSLIVE_CACHE_DIR": str(cache_dir),
            "ITSLIVE_RETRIES": "2",
        }
        self.env.pop("ITSLIVE_DEBUG", None)

    def enable(self) -> None:
        subprocess.run(
            ["qgis_process", "plugins", "enable", "itslive_qgis"],
            env=self.env,
            capture_output=True,
            timeout=120,
            check=True,
        )

    def command(self, algorithm: str, params: dict) -> list[str]:
        return ["qgis_process", "run", algorithm, "--", *(f"{k}={v}" for k, v in params.items())]

    def run(self, algorithm: str, params: dict, cwd: Path, timeout: float = 300, **env) -> Run:
        t0 = time.monotonic()
        proc = subprocess.run(
            self.command(algorithm, params),
            env={**self.env, **{k: str(v) for k, v in env.items()}},
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return Run(proc.returncode, proc.stdout + proc.stderr, time.monotonic() - t0)

    def start(self, algorithm: str, params: dict, cwd: Path, **env) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(algorithm, params),
            env={**self.env, **{k: str(v) for k, v in env.items()}},
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def with_settings(self, root: Path, values: dict) -> QgisProcess:
        """A copy whose profile also holds these plugin settings (``[itslive_qgis]`` of QGIS3.ini)."""
        shutil.copytree(self.profile, root, dirs_exist_ok=True)
        ini = root / "profiles" / "default" / "QGIS" / "QGIS3.ini"
        ini.parent.mkdir(parents=True, exist_ok=True)
        text = ini.read_text(encoding="utf-8") if ini.exists() else ""
        lines = "\n".join(f"{k}={v}" for k, v in values.items())
        ini.write_text(f"{text}\n[itslive_qgis]\n{lines}\n", encoding="utf-8")
        other = QgisProcess(root, self.env["ITSLIVE_S3_ENDPOINT_URL"], Path(self.env["ITSLIVE_CACHE_DIR"]))
        return other


def refused(run: Run, *must_name: str, hint: tuple[str, ...] = ()) -> str:
    """Assert a clean refusal: exit status 1, no traceback, the names and one of the hints in the message."""
    text = run.out
    assert run.rc != 0, f"expected a refusal, got exit 0:\n{text[-2000:]}"
    assert "Traceback" not in text, f"a traceback reached the user:\n{text[-3000:]}"
    assert 'File "' not in text, f"a traceback reached the user:\n{text[-3000:]}"
    message = run.error or text
    for name in must_name:
        assert name in message, f"the message does not name {name!r}:\n{message[-1500:]}"
    if hint:
        assert any(h.lower() in message.lower() for h in hint), f"no hint among {hint}:\n{message[-1500:]}"
    return message


def tree_checksum(root: Path) -> str:
    """SHA-256 over the names, sizes, modes and contents of everything under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        digest.update(f"{path.relative_to(root)}|{st.st_mode}|{st.st_size}".encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class Workspace:
    """A run's working folder with a sentinel folder of someone's field data beside the outputs."""

    path: Path
    sentinel: Path

    def leftovers(self) -> list[str]:
        return [
            str(p.relative_to(self.path))
            for p in self.path.rglob(".*")
            if any(m in p.name for m in TEMP_MARKERS) and p.name != ".zattrs"
        ]


# ------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="session")
def qp(mirror, tmp_path_factory) -> QgisProcess:
    """qgis_process with the plugin enabled in a private profile, reading the session's mirror."""
    root = tmp_path_factory.mktemp("hostile_qgis")
    runner = QgisProcess(root / "profile", mirror.endpoint_url, root / "cache")
    runner.enable()
    return runner


@pytest.fixture()
def workspace(tmp_path) -> Workspace:
    """The working folder; after the test the sentinel is unchanged and no temporary file is left."""
    sentinel = tmp_path / "My Field Data"
    (sentinel / "photos").mkdir(parents=True)
    (sentinel / "photos" / "crevasse.jpg").write_bytes(bytes(range(256)) * 40)
    (sentinel / "notes.txt").write_text("GPS stake 14: 2019-07-02 moved 1.2 m\n", encoding="utf-8")
    (sentinel / "stakes.csv").write_text("id,x,y\n14,-178000,-2280000\n", encoding="utf-8")
    before = tree_checksum(sentinel)
    ws = Workspace(tmp_path, sentinel)
    yield ws
    assert tree_checksum(sentinel) == before, "the sentinel folder beside the outputs was changed"
    assert not ws.leftovers(), f"temporary files left behind: {ws.leftovers()}"


@pytest.fixture(scope="session")
def inputs(mirror, tmp_path_factory) -> dict:
    """Inputs shared by the session: a subset (.nc and .zarr), its inversion, thickness rasters, junk."""
    from itslive_qgis.core.inversion import invert_dataset, write_netcdf
    from itslive_qgis.core.io import StoreConfig
    from itslive_qgis.core.subset.api import subset_cubes

    root = tmp_path_factory.mktemp("hostile_inputs")
    config = StoreConfig(endpoint_url=mirror.endpoint_url, cache_dir=root / "cache", retries=2)
    urls = _cube_urls(mirror, config)
    area = tuple(float(v) for v in EXTENT.split(" ")[0].split(","))
    box = (area[0], area[2], area[1], area[3])
    subset = subset_cubes(urls, box, "EPSG:3413", START, END, output_path=root / "subset.nc", config=config)
    subset_cubes(urls, box, "EPSG:3413", START, END, output_path=root / "subset.zarr", config=config)
    import xarray as xr

    with xr.open_dataset(subset.path, decode_timedelta=False) as ds:
        inversion = invert_dataset(ds.load(), interval_days=30.0)
    write_netcdf(inversion, root / "inversion.nc")
    files = {
        "subset": root / "subset.nc",
        "subset_zarr": root / "subset.zarr",
        "inversion": root / "inversion.nc",
        "cube_urls": urls,
        "root": root,
    }
    files.update(_thickness_rasters(root))
    files["text"] = root / "notes.txt"
    files["text"].write_text("this is not a dataset\n", encoding="utf-8")
    files["csv"] = root / "table.csv"
    files["csv"].write_text("x,y,v\n1,2,3\n", encoding="utf-8")
    files["empty"] = root / "empty.nc"
    files["empty"].write_bytes(b"")
    files["truncated"] = root / "truncated.nc"
    files["truncated"].write_bytes(files["inversion"].read_bytes()[:4000])
    files["folder"] = root / "just_a_folder"
    files["folder"].mkdir()
    files["seeds"] = _seeds(root / "seeds.gpkg")
    return files


def _cube_urls(mirror, config) -> list[str]:
    from itslive_qgis.core.catalog.catalog import cube_urls_for_area

    area = tuple(float(v) for v in EXTENT.split(" ")[0].split(","))
    from shapely.geometry import box

    return cube_urls_for_area(box(area[0], area[2], area[1], area[3]), "EPSG:3413", config)


def _thickness_rasters(root: Path) -> dict:
    """200 m GeoTIFFs (EPSG:3413): over the area (500 m), far away, all no-data, all negative."""
    from osgeo import gdal, osr

    def write(name, x0, y1, value, nodata=None):
        path = root / name
        ds = gdal.GetDriverByName("GTiff").Create(str(path), 60, 40, 1, gdal.GDT_Float32)
        ds.SetGeoTransform((x0, 200.0, 0.0, y1, 0.0, -200.0))
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(3413)
        ds.SetProjection(srs.ExportToWkt())
        band = ds.GetRasterBand(1)
        band.WriteArray(np.full((40, 60), value, dtype="float32"))
        if nodata is not None:
            band.SetNoDataValue(nodata)
        ds = None
        return path

    return {
        "thickness": write("thickness.tif", -185000.0, -2275000.0, 500.0),
        "thickness_far": write("thickness_far.tif", 600000.0, 0.0, 500.0),
        "thickness_nodata": write("thickness_nodata.tif", -185000.0, -2275000.0, -9999.0, -9999.0),
        "thickness_negative": write("thickness_negative.tif", -185000.0, -2275000.0, -300.0),
    }


def _seeds(path: Path) -> Path:
    from osgeo import ogr, osr

    driver = ogr.GetDriverByName("GPKG")
    ds = driver.CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(3413)
    layer = ds.CreateLayer("seeds", srs, ogr.wkbPoint)
    feature = ogr.Feature(layer.GetLayerDefn())
    point = ogr.Geometry(ogr.wkbPoint)
    point.AddPoint_2D(-178507.5, -2280402.3)
    feature.SetGeometry(point)
    layer.CreateFeature(feature)
    ds = None
    return path


class Canary:
    """An HTTP server on 127.0.0.2 that records every request (it must stay silent)."""

    def __init__(self):
        requests: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                requests.append(self.path)
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_HEAD = do_GET

        self.requests = requests
        self.server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.2:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def canary():
    server = Canary()
    yield server
    server.stop()
