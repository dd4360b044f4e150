"""Install the plugin's Python packages into a folder it owns, with the Python QGIS runs.

Standard library only (it must run when nothing else is installed), no QGIS import: the
Processing algorithm ``itslive:installdependencies``, the dock's installer panel and the tests
call :func:`install`.

The folder is ``<profile>/python/itslive_deps/<major>.<minor>``; :func:`activate` puts it first
on ``sys.path`` when the plugin starts. An install:

1. asks QGIS's Python which distributions it already has and writes a constraints file that
   pins them (numpy may only move within its major version: QGIS's GDAL, scipy and matplotlib
   are built against it; the GEOS/PROJ/GDAL/HDF5/Qt bindings are pinned exactly);
2. resolves the requested sets against that Python (``pip install --dry-run --report``, which
   sees what is installed, so nothing QGIS has is downloaded again or shadowed);
3. downloads exactly the resolved wheels (``pip download --no-deps``) and installs them into a
   NEW folder (``pip install --no-index --no-deps --target``);
4. imports every module of the sets from the new folder in a child process, checks numpy is
   still in QGIS's major version and QGIS's ``osgeo.gdal_array`` still imports;
5. only then swaps the new folder in. A failure or a cancel at any step deletes the new folder
   and leaves the previous one as it was.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import deps

MANIFEST = "itslive_deps.json"
#: distributions whose native libraries (numpy ABI, GEOS, PROJ, GDAL, HDF5, Qt) must be the ones
#: QGIS's Python already has: pinned to the installed version when present
PROTECTED = (
    "numpy",
    "GDAL",
    "pyproj",
    "shapely",
    "netCDF4",
    "cftime",
    "h5py",
    "rasterio",
    "affine",
    "fiona",
    "pyogrio",
    "scipy",
    "matplotlib",
    "Pillow",
    "PyQt5",
    "PyQt5-sip",
    "PyQt6",
    "sip",
    "QScintilla",
    "psycopg2",
    "tables",
    "numexpr",
    "lxml",
)
#: never installed from the registry: their wheels bundle their own GDAL, which clashes with
#: QGIS's (geopandas then reads and writes files through QGIS, as the plugin does)
NEVER_FROM_PIP = ("pyogrio", "fiona")
#: import name of the protected distributions whose import name differs (Debian names its h5py
#: distribution "h5py._debian_h5py_serial"; OSGeo4W may ship modules without metadata)
PROTECTED_IMPORTS = {"GDAL": "osgeo", "Pillow": "PIL", "PyQt5-sip": "PyQt5.sip", "psycopg2": "psycopg2"}


class InstallError(Exception):
    """The install failed; the message says what to do. The previous folder is untouched."""


class InstallCancelledError(InstallError):
    """The install was cancelled; the previous folder is untouched."""


@dataclass
class PythonInfo:
    """What QGIS's Python is and has."""

    executable: str
    version: tuple[int, int]
    distributions: dict[str, str]  # canonical name -> version
    pip_version: tuple[int, ...] | None
    has_gdal_array: bool


@dataclass
class InstallResult:
    folder: Path
    sets: list[str]
    packages: dict[str, str]
    skipped: list[str]
    download_bytes: int
    seconds: dict[str, float]
    command: str
    restart_needed: bool = False
    log: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# where things are


def python_version_tag(version: tuple[int, int] | None = None) -> str:
    major, minor = version or sys.version_info[:2]
    return f"{major}.{minor}"


def deps_root(profile_dir: str | os.PathLike) -> Path:
    """``<profile>/python/itslive_deps``."""
    return Path(profile_dir) / "python" / "itslive_deps"


def deps_folder(profile_dir: str | os.PathLike, version: tuple[int, int] | None = None) -> Path:
    """``<profile>/python/itslive_deps/<major>.<minor>``: the folder the plugin owns."""
    return deps_root(profile_dir) / python_version_tag(version)


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name."""
    out = name.strip().lower()
    for ch in "_.":
        out = out.replace(ch, "-")
    while "--" in out:
        out = out.replace("--", "-")
    return out


def python_candidates(
    executable: str | None = None,
    exec_prefix: str | None = None,
    version: tuple[int, int] | None = None,
    platform: str | None = None,
) -> list[Path]:
    """Where the Python of a QGIS process may be, most likely first.

    Inside QGIS ``sys.executable`` is often QGIS itself (``qgis``, ``qgis_process``,
    ``qgis-bin.exe``, ``QGIS.app/Contents/MacOS/QGIS``); the interpreter is found from
    ``sys.exec_prefix``: ``<prefix>/bin/python3.X`` (Linux, macOS framework), ``<prefix>/python.exe``
    (OSGeo4W and the standalone Windows installer: ``apps/Python3X``), and in the macOS bundle
    ``Contents/MacOS/bin/python3`` next to the QGIS binary.
    """
    executable = executable if executable is not None else sys.executable
    exec_prefix = exec_prefix if exec_prefix is not None else sys.exec_prefix
    major, minor = version or sys.version_info[:2]
    platform = platform or sys.platform
    out: list[Path] = []
    exe = Path(executable) if executable else None
    prefix = Path(exec_prefix)
    if platform.startswith("win"):
        out += [prefix / "python.exe", prefix / f"python{major}.exe", prefix / "python3.exe"]
        if exe is not None:  # OSGeo4W: <root>/bin/qgis-bin.exe, Python in <root>/apps/Python3X
            root = exe.parent.parent
            out += [root / "apps" / f"Python{major}{minor}" / "python.exe", root / "bin" / "python.exe"]
    else:
        out += [
            prefix / "bin" / f"python{major}.{minor}",
            prefix / "bin" / f"python{major}",
            prefix / "bin" / "python",
        ]
        if exe is not None and platform == "darwin":  # QGIS.app/Contents/MacOS/QGIS
            macos = exe.parent
            out += [
                macos / "bin" / f"python{major}.{minor}",
                macos / "bin" / f"python{major}",
                macos / "python3",
            ]
            out.append(
                macos.parent
                / "Frameworks"
                / "Python.framework"
                / "Versions"
                / f"{major}.{minor}"
                / "bin"
                / f"python{major}.{minor}"
            )
    # last: the executable itself (inside QGIS it may be a python3 found on PATH, of another install)
    if exe is not None and exe.name.lower().startswith("python"):
        out.append(exe)
    base = getattr(sys, "_base_executable", None)
    if base and Path(base).name.lower().startswith("python") and executable == sys.executable:
        out.append(Path(base))
    seen, unique = set(), []
    for path in out:
        if str(path) not in seen:
            seen.add(str(path))
            unique.append(path)
    return unique


def find_python(
    executable: str | None = None,
    exec_prefix: str | None = None,
    version: tuple[int, int] | None = None,
    platform: str | None = None,
) -> Path:
    """The interpreter QGIS runs: the first candidate that has the same version and ``sys.exec_prefix``.

    Without arguments: the interpreter of this process (inside QGIS, the one QGIS embeds; a
    ``python3`` of another installation found on PATH, e.g. pyenv's, is not it).
    """
    own = exec_prefix is None
    exec_prefix = exec_prefix if exec_prefix is not None else sys.exec_prefix
    version = version or sys.version_info[:2]
    want = (python_version_tag(version), os.path.realpath(exec_prefix))
    tried = []
    for candidate in python_candidates(executable, exec_prefix, version, platform):
        tried.append(str(candidate))
        if not candidate.is_file():
            continue
        try:
            out = subprocess.run(
                [
                    str(candidate),
                    "-c",
                    "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.exec_prefix)",
                ],
                capture_output=True,
                text=True,
                timeout=60,
                env=_child_env(),
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        lines = out.stdout.strip().splitlines()
        if out.returncode == 0 and len(lines) == 2 and (lines[0], os.path.realpath(lines[1])) == want:
            return candidate
        if out.returncode == 0 and not own and lines[:1] == [want[0]]:
            return candidate
    raise InstallError(
        "Could not find the Python interpreter QGIS runs (Python {}; looked at: {}). Run the pip command "
        "shown with that Python yourself, or give its path.".format(
            python_version_tag(version), ", ".join(tried)
        )
    )


# ---------------------------------------------------------------------------------------------
# what QGIS's Python has

_PROBE = r"""
import json, sys, importlib.metadata as md, importlib.util as iu
skip = [p for p in sys.argv[2:] if p]
dists = {}
for d in md.distributions():
    loc = str(getattr(d, "_path", ""))
    if any(loc.startswith(s) for s in skip):
        continue
    name = d.metadata["Name"]
    if name and name not in dists:
        dists[name] = d.version
try:
    import pip
    pipv = pip.__version__
except Exception:
    pipv = None
gdal_array = False
try:
    gdal_array = iu.find_spec("osgeo") is not None and iu.find_spec("osgeo.gdal_array") is not None
except Exception:
    pass
# protected modules importable under a distribution of another name, or without metadata
protected = json.loads(sys.argv[1])
owners = md.packages_distributions()
for dist, module in protected.items():
    if dist in dists:
        continue
    top = module.split(".")[0]
    try:
        if iu.find_spec(top) is None:
            continue
    except Exception:
        continue
    version = None
    for owner in owners.get(top, []):
        try:
            version = md.version(owner)
            break
        except Exception:
            pass
    if version is None:
        try:
            version = getattr(__import__(module, fromlist=["_"]), "__version__", None)
        except Exception:
            version = None
    if version:
        dists[dist] = str(version)
out = {"version": list(sys.version_info[:2]), "dists": dists, "pip": pipv, "gdal_array": gdal_array}
print(json.dumps(out))
"""


def probe_python(python: str | os.PathLike, exclude: Iterable[str | os.PathLike] = ()) -> PythonInfo:
    """Ask ``python`` which distributions it has (those under ``exclude`` left out) and its pip."""
    modules = {name: PROTECTED_IMPORTS.get(name, name) for name in PROTECTED}
    proc = subprocess.run(
        [str(python), "-c", _PROBE, json.dumps(modules), *[str(Path(p)) for p in exclude]],
        capture_output=True,
        text=True,
        timeout=120,
        env=_child_env(),
    )
    if proc.returncode != 0:
        raise InstallError(f"{python} could not list its packages: {proc.stderr.strip()[-500:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    pip = tuple(int(p) for p in data["pip"].split(".")[:2] if p.isdigit()) if data["pip"] else None
    return PythonInfo(
        str(python),
        tuple(data["version"]),
        {canonical(k): v for k, v in data["dists"].items()},
        pip,
        bool(data["gdal_array"]),
    )


def _major(version: str) -> int:
    head = version.split(".")[0]
    return int(head) if head.isdigit() else 0


def constraints(distributions: dict[str, str], tested: dict[str, str] | None = None) -> list[str]:
    """Constraint lines for pip from what QGIS's Python has (``{name: version}``, any spelling).

    Protected distributions present are pinned (``pyproj==3.4.1``); numpy may move up within its
    major version only (``numpy>=1.24.2,<2``). ``tested`` pins (name -> version) are added for
    what QGIS's Python does not provide, and for numpy when they fit its rule.
    """
    have = {canonical(k): v for k, v in distributions.items()}
    lines = []
    for name in PROTECTED:
        version = have.get(canonical(name))
        if version is None:
            continue
        if canonical(name) == "numpy":
            lines.append(f"numpy>={version},<{_major(version) + 1}")
        else:
            lines.append(f"{name}=={version}")
    for name, version in sorted((tested or {}).items()):
        key = canonical(name)
        if key == "numpy" and "numpy" in have:
            if _major(version) == _major(have["numpy"]) and _version_tuple(version) >= _version_tuple(
                have["numpy"]
            ):
                lines.append(f"numpy=={version}")
            continue
        if key in {canonical(p) for p in PROTECTED} and key in have:
            continue
        lines.append(f"{name}=={version}")
    return lines


def _version_tuple(version: str) -> tuple[int, ...]:
    out = []
    for part in version.split("+")[0].split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        out.append(int(digits) if digits else 0)
    return tuple(out)


def requirements_for(sets: Iterable[str]) -> list[str]:
    """pip requirements of ``sets`` (unknown names are an error)."""
    out = []
    for name in sets:
        if name not in deps.SETS:
            raise InstallError(f"Unknown set {name!r}: choose from {', '.join(deps.SETS)}.")
        for req in deps.SETS[name].requirements:
            if req not in out:
                out.append(req)
    return out


def no_deps_for(sets: Iterable[str]) -> list[str]:
    """The exact pins of ``sets`` installed without their dependencies (``PackageSet.no_deps``)."""
    out = []
    for name in sets:
        if name not in deps.SETS:
            raise InstallError(f"Unknown set {name!r}: choose from {', '.join(deps.SETS)}.")
        out += [pin for pin in deps.SETS[name].no_deps if pin not in out]
    return out


def user_command(python: str, sets: Iterable[str], constraint_lines: list[str]) -> str:
    """The one pip command that installs ``sets`` into an environment of one's own.

    Each requirement of the sets carries its pin from ``constraint_lines``; the pins of QGIS's
    protected packages follow as requirements, so in a venv made with ``--system-site-packages``
    (or conda, or OSGeo4W's shell) they are kept as they are.
    """
    pins: dict[str, str] = {}
    for line in constraint_lines:  # a later exact pin (tested numpy) wins over a range
        name = canonical(deps.requirement_name(line))
        if name not in pins or "==" in line:
            pins[name] = line
    items = []
    for req in requirements_for(sets):
        items.append(pins.pop(canonical(deps.requirement_name(req)), req))
    protected = {canonical(p) for p in PROTECTED}
    items += [line for name, line in pins.items() if name in protected]
    command = " ".join([_quote(python), "-m", "pip", "install", *(_quote(i) for i in items)])
    alone = no_deps_for(sets)
    if alone:  # after the rest: pip must not resolve their declared requirements
        no_deps = [_quote(python), "-m", "pip", "install", "--no-deps", *map(_quote, alone)]
        command += " && " + " ".join(no_deps)
    return command


def _quote(text: str) -> str:
    if sys.platform.startswith("win"):
        return f'"{text}"' if any(ch in text for ch in " <>|&^") else text
    import shlex

    return shlex.quote(text)


def command_for(sets: Iterable[str], python: str | os.PathLike | None = None, profile_dir=None) -> str:
    """The exact pip command for one's own environment, with the pins of what ``python`` has."""
    python = str(python or find_python())
    info = probe_python(python, exclude=[deps_root(profile_dir)] if profile_dir else [])
    exact = tuple(info.version) == deps.TESTED_PYTHON
    wanted = list(dict.fromkeys(["core", *deps.parse_sets(",".join(sets))]))
    return user_command(python, wanted, constraints(info.distributions, deps.TESTED_PINS if exact else None))


# ---------------------------------------------------------------------------------------------
# the installed folder


def read_manifest(folder: str | os.PathLike) -> dict | None:
    path = Path(folder) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def installed_sets(profile_dir: str | os.PathLike, version: tuple[int, int] | None = None) -> list[str]:
    manifest = read_manifest(deps_folder(profile_dir, version))
    return list(manifest.get("sets", [])) if manifest else []


def activate(profile_dir: str | os.PathLike, version: tuple[int, int] | None = None) -> Path | None:
    """Put the plugin's folder first on ``sys.path`` (finishing a swap left pending); its path or None."""
    folder = deps_folder(profile_dir, version)
    pending = folder.with_name(folder.name + ".pending")
    if pending.is_dir():
        try:
            _swap(pending, folder)
        except OSError:
            pass  # still in use: the previous folder stays active until the next start
    if read_manifest(folder) is None:
        return None
    path = str(folder)
    if path not in sys.path:
        sys.path.insert(0, path)
    deps.refresh()
    return folder


SHIM_MARKER = "# written by the ITS_LIVE plugin's installer"
NUMPY_SHIM = (
    SHIM_MARKER
    + '''
"""numpy from the ITS_LIVE packages folder (<profile>/python/itslive_deps/<python version>).

QGIS puts <profile>/python first on sys.path before it imports qgis.core, which imports numpy:
this is the only moment a newer numpy 1.x (that pandas, xarray and zarr 3 need) can be the one
QGIS uses. The installer wrote this file because it installed numpy into that folder, after
checking that QGIS's GDAL (osgeo.gdal_array) imports with it; it removes it when the folder no
longer holds numpy. Without the folder, the numpy QGIS has is loaded.
"""
import os as _os
import sys as _sys

_python_dir = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
_folder = _os.path.join(_python_dir, "itslive_deps", "%d.%d" % _sys.version_info[:2])
del _sys.modules["numpy"]
if _os.path.isfile(_os.path.join(_folder, "numpy", "__init__.py")):
    if _folder not in _sys.path:
        _sys.path.insert(0, _folder)
    import numpy as _numpy
else:
    _saved = list(_sys.path)
    _sys.path[:] = [p for p in _saved if _os.path.abspath(p or ".") != _python_dir]
    try:
        import numpy as _numpy
    finally:
        _sys.path[:] = _saved
_sys.modules["numpy"] = _numpy
'''
)


def numpy_shim_path(profile_dir: str | os.PathLike) -> Path:
    return Path(profile_dir) / "python" / "numpy" / "__init__.py"


def _update_numpy_shim(profile_dir, folder: Path, log: Callable[[str], None]) -> None:
    """Write the numpy bootstrap when ``folder`` holds numpy, remove ours when it does not."""
    shim = numpy_shim_path(profile_dir)
    ours = shim.is_file() and shim.read_text(encoding="utf-8", errors="replace").startswith(SHIM_MARKER)
    if shim.parent.exists() and not ours:
        if (folder / "numpy").is_dir():
            log(f"Not writing {shim}: {shim.parent} exists and is not the installer's; numpy stays QGIS's.")
        return
    if (folder / "numpy").is_dir():
        shim.parent.mkdir(parents=True, exist_ok=True)
        tmp = shim.with_name(f".__init__.py.{os.getpid()}")
        tmp.write_text(NUMPY_SHIM, encoding="utf-8")
        os.replace(tmp, shim)
        version = _dist_version(folder, "numpy")
        log(f"numpy {version} is loaded from {folder} from the next QGIS start on ({shim}).")
    elif ours:
        shutil.rmtree(shim.parent, ignore_errors=True)


def _dist_version(folder: Path, name: str) -> str:
    for info in folder.glob(f"{name}-*.dist-info"):
        return info.name[len(name) + 1 : -len(".dist-info")]
    return "?"


def _swap(new: Path, folder: Path) -> None:
    """Replace ``folder`` by ``new`` (renames only; the old one is deleted after)."""
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}-{int(time.time())}")
    if folder.exists():
        os.replace(folder, old)
    try:
        os.replace(new, folder)
    except OSError:
        if old.exists() and not folder.exists():
            os.replace(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# running pip


def _child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra or {})
    return env


class _Runner:
    """Runs one command at a time, streams its lines to ``log`` and stops it on cancel."""

    def __init__(self, log: Callable[[str], None], cancelled: Callable[[], bool]):
        self.log = log
        self.cancelled = cancelled
        self.lines: list[str] = []

    def run(self, args: list[str], on_line: Callable[[str], None] | None = None, env=None) -> None:
        self.log("$ " + " ".join(_quote(a) for a in args))
        kwargs = {}
        if sys.platform.startswith("win"):
            kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
        else:
            kwargs["start_new_session"] = True
        proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env or _child_env(),
            **kwargs,
        )
        tail: list[str] = []

        def read():
            for line in proc.stdout:
                line = line.rstrip()
                if not line:
                    continue
                tail.append(line)
                del tail[:-40]
                self.lines.append(line)
                self.log(line)
                if on_line:
                    on_line(line)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        while proc.poll() is None:
            if self.cancelled():
                _stop(proc)
                reader.join(5)
                raise InstallCancelledError("Cancelled: the previous packages folder is unchanged.")
            time.sleep(0.1)
        reader.join(10)
        if proc.returncode != 0:
            raise InstallError(
                "pip failed (exit {}); the previous packages folder is unchanged. Last lines:\n{}".format(
                    proc.returncode, "\n".join(tail[-15:])
                )
            )


def _stop(proc: subprocess.Popen) -> None:
    try:
        if sys.platform.startswith("win"):
            proc.terminate()
        else:
            os.killpg(proc.pid, 15)
        proc.wait(10)
    except (OSError, subprocess.TimeoutExpired):
        try:
            if sys.platform.startswith("win"):
                proc.kill()
            else:
                os.killpg(proc.pid, 9)
        except OSError:
            pass
        proc.wait(10)


_VERIFY = r"""
import importlib, sys
folder, major, names, gdal_array = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4] == "1"
sys.path.insert(0, folder)
bad = []
for n in [n for n in names if n]:
    try:
        importlib.import_module(n)
    except Exception as exc:
        bad.append(f"{n}: {type(exc).__name__}: {exc}")
import numpy
if int(numpy.__version__.split(".")[0]) != major:
    bad.append(f"numpy {numpy.__version__} is not QGIS's numpy {major}.x")
if gdal_array:
    try:
        from osgeo import gdal, gdal_array
    except Exception as exc:
        bad.append(f"QGIS's osgeo.gdal_array no longer imports: {exc}")
print("numpy", numpy.__version__)
if bad:
    print("\n".join(bad))
    sys.exit(3)
"""


def install(
    sets: Iterable[str],
    profile_dir: str | os.PathLike,
    python: str | os.PathLike | None = None,
    log: Callable[[str], None] = print,
    progress: Callable[[float], None] = lambda fraction: None,
    cancelled: Callable[[], bool] = lambda: False,
    keep_installed: bool = True,
    exact: bool | None = None,
) -> InstallResult:
    """Install ``sets`` (with the sets already installed when ``keep_installed``) into the folder.

    ``python``: QGIS's interpreter (found with :func:`find_python` when None). ``exact``: use the
    tested pins (default: when the Python is the tested one). Raises :class:`InstallError` or
    :class:`InstallCancelledError`; either way the previous folder is as it was.
    """
    t_start = time.monotonic()
    python = str(python or find_python())
    info = probe_python(python, exclude=[deps_root(profile_dir)])
    if info.pip_version is None:
        raise InstallError(
            f"{python} has no pip. Install it (python -m ensurepip, or the python3-pip package on "
            "Debian/Ubuntu, or pip in the OSGeo4W installer), then try again."
        )
    if info.pip_version < (22, 2):
        raise InstallError(f"pip {'.'.join(map(str, info.pip_version))} is too old (22.2 or newer needed).")
    wanted = list(dict.fromkeys(["core", *deps.parse_sets(",".join(sets))]))
    folder = deps_folder(profile_dir, info.version)
    if keep_installed:
        previous = read_manifest(folder) or {}
        wanted += [s for s in previous.get("sets", []) if s in deps.SETS and s not in wanted]
    if exact is None:
        exact = tuple(info.version) == deps.TESTED_PYTHON
    lines = constraints(info.distributions, deps.TESTED_PINS if exact else None)
    requirements = requirements_for(wanted)
    command = user_command(python, wanted, lines)
    root = folder.parent
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=root))
    new, wheels = work / "site", work / "wheels"
    seconds: dict[str, float] = {}
    runner = _Runner(log, cancelled)
    try:
        log(
            f"Python: {python} ({python_version_tag(info.version)}), "
            f"pip {'.'.join(map(str, info.pip_version))}"
        )
        log(f"Sets: {', '.join(wanted)}; installing into {folder}")
        log("Kept as QGIS has them: " + (", ".join(lines) if lines else "(nothing found)"))
        cfile = work / "constraints.txt"
        cfile.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = work / "report.json"
        progress(0.02)
        t0 = time.monotonic()
        runner.run(
            [
                python,
                "-m",
                "pip",
                "install",
                "--dry-run",
                "--quiet",
                "--report",
                str(report),
                "--constraint",
                str(cfile),
                "--prefer-binary",
                *requirements,
            ]
        )
        seconds["resolve"] = time.monotonic() - t0
        plan = _read_report(report)
        for pin in no_deps_for(wanted):  # never resolved: their own requirements would replace QGIS's
            name, version = pin.split("==", 1)
            plan[name] = version
        skipped = sorted(n for n in plan if canonical(n) in {canonical(x) for x in NEVER_FROM_PIP})
        for name in skipped:
            log(f"Not installing {name}: its wheel bundles its own GDAL, which clashes with QGIS's.")
            plan.pop(name)
        present = [n for n, v in plan.items() if info.distributions.get(canonical(n)) == v]
        for name in present:
            plan.pop(name)
        pins = [f"{n}=={v}" for n, v in sorted(plan.items())]
        log("To install: " + (", ".join(pins) if pins else "nothing (QGIS's Python has everything)"))
        progress(0.1)
        new.mkdir()
        t0 = time.monotonic()
        download_bytes = 0
        if pins:
            done = [0]

            def on_download(line: str) -> None:
                if line.startswith(("Saved ", "File was already downloaded")):
                    done[0] += 1
                    progress(0.1 + 0.65 * done[0] / len(pins))

            runner.run(
                [
                    python,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--prefer-binary",
                    "--progress-bar",
                    "off",
                    "--dest",
                    str(wheels),
                    *pins,
                ],
                on_line=on_download,
            )
            download_bytes = sum(p.stat().st_size for p in wheels.iterdir() if p.is_file())
        seconds["download"] = time.monotonic() - t0
        log(f"Downloaded {download_bytes / 2**20:.1f} MiB in {seconds['download']:.1f} s")
        progress(0.75)
        t0 = time.monotonic()
        if pins:
            runner.run(
                [
                    python,
                    "-m",
                    "pip",
                    "install",
                    "--no-index",
                    "--find-links",
                    str(wheels),
                    "--no-deps",
                    "--no-compile",
                    "--target",
                    str(new),
                    "--progress-bar",
                    "off",
                    *pins,
                ]
            )
        seconds["install"] = time.monotonic() - t0
        progress(0.9)
        t0 = time.monotonic()
        imports = [n for s in wanted for n in deps.SETS[s].imports]
        numpy_major = _major(plan.get("numpy") or info.distributions.get("numpy", "1"))
        runner.run(
            [
                python,
                "-c",
                _VERIFY,
                str(new),
                str(numpy_major),
                ",".join(imports),
                "1" if info.has_gdal_array else "0",
            ],
        )
        seconds["verify"] = time.monotonic() - t0
        if cancelled():
            raise InstallCancelledError("Cancelled: the previous packages folder is unchanged.")
        manifest = {
            "sets": wanted,
            "packages": dict(sorted(plan.items())),
            "kept_from_qgis": lines,
            "skipped": skipped,
            "python": python,
            "python_version": python_version_tag(info.version),
            "download_bytes": download_bytes,
            "seconds": {k: round(v, 1) for k, v in seconds.items()},
            "command": command,
            "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (new / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        restart = _restart_needed(new)
        try:
            _swap(new, folder)
            _update_numpy_shim(profile_dir, folder, log)
        except OSError:  # Windows: files of the old folder are loaded; swapped at the next start
            pending = folder.with_name(folder.name + ".pending")
            shutil.rmtree(pending, ignore_errors=True)
            os.replace(new, pending)
            _update_numpy_shim(profile_dir, pending, log)
            restart = True
        seconds["total"] = time.monotonic() - t_start
        progress(1.0)
        log(f"Installed {len(plan)} packages into {folder} in {seconds['total']:.0f} s.")
        return InstallResult(
            folder, wanted, plan, skipped, download_bytes, seconds, command, restart, runner.lines
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _read_report(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InstallError(f"pip wrote no usable report ({exc}).") from exc
    out = {}
    for item in data.get("install", []):
        meta = item.get("metadata", {})
        out[meta["name"]] = meta["version"]
    return out


def _restart_needed(folder: Path) -> bool:
    """True when a module the new folder provides is already imported from elsewhere."""
    for entry in folder.iterdir():
        name = entry.name[:-3] if entry.suffix == ".py" else entry.name
        if entry.suffix in (".dist-info", ".pth") or name.startswith(("_", ".")) or "." in name:
            continue
        module = sys.modules.get(name)
        if module is not None and not str(getattr(module, "__file__", "") or "").startswith(str(folder)):
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    """``python -m itslive_qgis.installer --profile DIR core,numba`` (for scripts and tests)."""
    import argparse

    parser = argparse.ArgumentParser(description="Install ITS_LIVE's Python packages into a QGIS profile.")
    parser.add_argument("sets", help=f"comma-separated: {', '.join(deps.SETS)}")
    parser.add_argument("--profile", required=True, help="the QGIS profile folder")
    parser.add_argument("--python", default=None, help="QGIS's Python (found when not given)")
    args = parser.parse_args(argv)
    try:
        result = install(deps.parse_sets(args.sets), args.profile, args.python)
    except (InstallError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "folder": str(result.folder),
                "download_bytes": result.download_bytes,
                "seconds": result.seconds,
                "packages": result.packages,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())


def install_hint(names: list[str]) -> str:
    """The commands that install what provides ``names``: the installer algorithm, and pip for an
    environment of one's own (with the pins of what QGIS's Python has, see :mod:`installer`)."""
    sets = deps.sets_providing(names)
    hint = f"qgis_process run itslive:installdependencies -- SETS={','.join(sets)}"
    return f"{hint}; {_pip_command(tuple(sets))}"


@functools.cache
def _pip_command(sets: tuple[str, ...]) -> str:
    try:
        return command_for(sets)
    except InstallError as exc:  # no interpreter found: say so, with the plain command
        reqs = " ".join(f'"{r}"' for r in requirements_for(sets))
        alone = " ".join(f'"{r}"' for r in no_deps_for(sets))
        then = f" && python3 -m pip install --no-deps {alone}" if alone else ""
        return f"python3 -m pip install {reqs}{then} ({exc})"
