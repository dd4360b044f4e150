"""The core must import and work where QGIS and Qt cannot be imported."""

import subprocess
import sys
import textwrap

from tests.conftest import REPO

BLOCKER = textwrap.dedent(
    """
    import importlib.abc, sys

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"qgis", "PyQt5", "PyQt6", "sip", "PyQt"}:
                raise ImportError("blocked for the test: " + name)
            return None

    sys.meta_path.insert(0, Block())
    try:
        import qgis  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("the blocker did not block qgis")
    """
)


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", BLOCKER + textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_core_module_imports_without_qgis():
    proc = _run(
        """
        import importlib, pkgutil
        import itslive_qgis.core as core
        names = [m.name for m in pkgutil.walk_packages(core.__path__, prefix="itslive_qgis.core.")]
        for name in names:
            importlib.import_module(name)
        loaded = [m for m in sys.modules if m.split(".")[0] in {"qgis", "PyQt5", "PyQt6"}]
        assert not loaded, loaded
        print("imported", len(names), "core modules")
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert "imported" in proc.stdout


def test_core_does_work_without_qgis():
    proc = _run(
        """
        from itslive_qgis.core.io.store import StoreConfig, to_s3_url
        url = to_s3_url("http://its-live-data.s3.amazonaws.com/datacubes/v2/N60W040/c.zarr")
        assert url == "s3://its-live-data/datacubes/v2/N60W040/c.zarr", url
        print(StoreConfig().describe())
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert "its-live-data" in proc.stdout


def test_blocker_really_blocks_qgis():
    proc = _run("from qgis.core import QgsApplication\n")
    assert proc.returncode != 0
    assert "blocked for the test" in proc.stderr
