"""The installer's pure parts: constraints from what QGIS's Python has, the sets, finding QGIS's Python."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from itslive_qgis import deps, installer
from tests.conftest import REPO

DEBIAN_12 = {  # what Debian 12's QGIS Python has (as its dist-info names spell them)
    "numpy": "1.24.2",
    "GDAL": "3.6.2",
    "pyproj": "3.4.1",
    "h5py": "3.7.0",
    "netCDF4": "1.6.2",
    "rasterio": "1.3.5",
    "scipy": "1.10.1",
    "matplotlib": "3.6.3",
    "attrs": "22.2.0",
    "requests": "2.28.1",
    "typing_extensions": "4.4.0",
}


def test_constraints_pin_qgis_compiled_stack_and_keep_numpy_in_its_major():
    lines = installer.constraints(DEBIAN_12)
    assert "numpy>=1.24.2,<2" in lines
    for pin in ("GDAL==3.6.2", "pyproj==3.4.1", "h5py==3.7.0", "netCDF4==1.6.2", "rasterio==1.3.5"):
        assert pin in lines
    # pure-Python packages may move (zarr 3 needs a newer typing_extensions than Debian's)
    assert not any(line.startswith(("typing_extensions", "requests", "attrs")) for line in lines)


def test_tested_pins_fill_in_what_qgis_lacks_but_never_override_it():
    lines = installer.constraints(DEBIAN_12, deps.TESTED_PINS)
    assert "numpy==1.26.4" in lines and "numpy>=1.24.2,<2" in lines
    assert "shapely==2.0.1" in lines and "xarray==2026.9.0" in lines
    assert not any(line.startswith("pyproj==") and line != "pyproj==3.4.1" for line in lines)
    # a QGIS with numpy 2 keeps numpy 2: the tested numpy 1 pin is dropped, not forced
    lines2 = installer.constraints({"numpy": "2.1.3"}, deps.TESTED_PINS)
    assert "numpy>=2.1.3,<3" in lines2 and not any(line.startswith("numpy==") for line in lines2)


def test_tested_pins_are_requirements_txt():
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name] = version
    for name, version in deps.TESTED_PINS.items():
        if name in pins:
            assert pins[name] == version, name
    req_dev = (REPO / "requirements-dev.txt").read_text()
    for name in set(deps.TESTED_PINS) - set(pins):  # the rest are pinned for development
        assert f"{name}==" in req_dev or name in ("distributed",), name


def test_sets_and_capabilities():
    assert deps.parse_sets(" core, Numba ,core") == ["core", "numba"]
    with pytest.raises(ValueError, match="choose from core"):
        deps.parse_sets("core,cuda")
    for cap, sets in deps.CAPABILITY_SETS.items():
        provided = {n for s in sets for n in deps.SETS[s].imports}
        assert set(deps.CAPABILITIES[cap]) <= provided, cap
    assert "torch" not in deps.CAPABILITY_SETS["subset"]


def test_user_command_carries_every_pin():
    cmd = installer.user_command(
        "/usr/bin/python3", ["core", "numba"], installer.constraints(DEBIAN_12, deps.TESTED_PINS)
    )
    assert cmd.startswith("/usr/bin/python3 -m pip install ")
    for part in (
        "numpy==1.26.4",
        "xarray==2026.9.0",
        "numba==0.68.1",
        "pyproj==3.4.1",
        "h5py==3.7.0",
        "GDAL==3.6.2",
    ):
        assert part in cmd.split(), part
    assert "'zarr==3.1.5'" in cmd or "zarr==3.1.5" in cmd.split()
    assert "geopandas" not in cmd and "torch" not in cmd


def test_sliderule_is_installed_without_its_dependencies():
    spec = deps.SETS["sliderule"]
    assert spec.no_deps == ("sliderule==5.7.0",) and "pyarrow==23.0.1" in spec.requirements
    # never given to pip's resolver (its requirements would bring numpy 2, pyproj and shapely wheels)
    assert not any(deps.requirement_name(r) == "sliderule" for r in installer.requirements_for(["sliderule"]))
    assert installer.no_deps_for(["core", "sliderule", "numba"]) == ["sliderule==5.7.0"]
    cmd = installer.user_command(
        "/usr/bin/python3", ["core", "sliderule"], installer.constraints(DEBIAN_12, deps.TESTED_PINS)
    )
    first, second = cmd.split(" && ")
    assert "sliderule" not in first and "pyarrow==23.0.1" in first.split()
    assert second == "/usr/bin/python3 -m pip install --no-deps sliderule==5.7.0"
    assert " && " not in installer.user_command("/usr/bin/python3", ["core"], [])
    # the development venv gets the same pins, the same way (Makefile, setup-python)
    makefile = (REPO / "Makefile").read_text()
    assert "--no-deps sliderule==5.7.0 pyarrow==23.0.1" in makefile


def _fake_python(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(sys.executable)
    return path


def test_finds_python_in_osgeo4w_layout(tmp_path):
    root = tmp_path / "OSGeo4W"
    exe = root / "bin" / "qgis-bin.exe"
    exe.parent.mkdir(parents=True)
    exe.write_text("")
    python = _fake_python(root / "apps" / "Python{}{}".format(*sys.version_info[:2]) / "python.exe")
    found = installer.find_python(str(exe), str(python.parent), platform="win32")
    assert found == python


def test_finds_python_in_macos_bundle(tmp_path):
    macos = tmp_path / "QGIS.app" / "Contents" / "MacOS"
    macos.mkdir(parents=True)
    (macos / "QGIS").write_text("")
    python = _fake_python(macos / "bin" / "python{}.{}".format(*sys.version_info[:2]))
    found = installer.find_python(str(macos / "QGIS"), str(tmp_path / "elsewhere"), platform="darwin")
    assert found == python


def test_a_python_of_another_installation_on_path_is_not_qgis_python():
    # inside QGIS sys.executable may be a python3 found on PATH (pyenv's): the exec_prefix decides
    import subprocess

    other = "/usr/bin/python3"
    if os.path.realpath(sys.exec_prefix) == "/usr" or not Path(other).exists():
        pytest.skip("needs a second Python installation")
    found = installer.find_python(other)
    assert found != Path(other)
    prefix = subprocess.run(
        [str(found), "-c", "import sys; print(sys.exec_prefix)"], capture_output=True, text=True
    )
    assert os.path.realpath(prefix.stdout.strip()) == os.path.realpath(sys.exec_prefix)


SHIM_CHECK = (
    "import sys; sys.path.insert(0, sys.argv[1]); import numpy; print(numpy.__version__, numpy.__file__)"
)


def test_numpy_shim_loads_the_folder_numpy_and_falls_back_without_it(tmp_path):
    """QGIS puts <profile>/python first on sys.path before qgis.core imports numpy: the shim there
    loads the installed numpy, or QGIS's own when the folder no longer has one."""
    import subprocess

    profile = tmp_path / "profile"
    folder = installer.deps_folder(profile)
    (folder / "numpy").mkdir(parents=True)
    (folder / "numpy" / "__init__.py").write_text("__version__ = '1.99.0'\n")
    (folder / "numpy-1.99.0.dist-info").mkdir()
    installer._update_numpy_shim(profile, folder, log=lambda line: None)
    shim = installer.numpy_shim_path(profile)
    assert shim.read_text().startswith(installer.SHIM_MARKER)
    python_dir = str(profile / "python")
    out = subprocess.run([sys.executable, "-c", SHIM_CHECK, python_dir], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    version, path = out.stdout.split()
    assert version == "1.99.0" and path.startswith(str(folder))
    import shutil

    shutil.rmtree(folder / "numpy")
    out = subprocess.run([sys.executable, "-c", SHIM_CHECK, python_dir], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    import numpy

    assert out.stdout.split() == [numpy.__version__, numpy.__file__]
    # and the installer removes its shim when the folder holds no numpy
    installer._update_numpy_shim(profile, folder, log=lambda line: None)
    assert not shim.parent.exists()


def test_numpy_shim_never_replaces_a_folder_it_did_not_write(tmp_path):
    profile = tmp_path / "profile"
    folder = installer.deps_folder(profile)
    (folder / "numpy").mkdir(parents=True)
    own = installer.numpy_shim_path(profile)
    own.parent.mkdir(parents=True)
    own.write_text("# someone else's numpy\n")
    lines = []
    installer._update_numpy_shim(profile, folder, log=lines.append)
    assert own.read_text() == "# someone else's numpy\n"
    assert lines and "numpy stays QGIS's" in lines[0]
