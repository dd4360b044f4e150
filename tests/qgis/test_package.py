"""The ZIP that "Install from ZIP" takes: it holds the plugin, and QGIS loads the plugin from it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from tests.conftest import REPO


def test_zip_installs_and_loads(tmp_path):
    qm_dir = tmp_path / "qm"
    qm_dir.mkdir()
    for ts in (REPO / "i18n").glob("*.ts"):  # compile the committed translations, as make i18n does
        subprocess.run(
            ["lrelease", "-silent", str(ts), "-qm", str(qm_dir / ts.with_suffix(".qm").name)], check=True
        )
    zip_path = tmp_path / "itslive_qgis.zip"
    subprocess.run(
        [sys.executable, "scripts/package.py", "--output", str(zip_path), "--qm-dir", str(qm_dir)],
        cwd=REPO,
        check=True,
    )
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path / "plugins")
    assert "itslive_qgis/metadata.txt" in names and "itslive_qgis/__init__.py" in names
    assert "itslive_qgis/resources/icons/itslive.svg" in names
    assert "itslive_qgis/i18n/itslive_qgis_fr.qm" in names
    assert any(n.startswith("itslive_qgis/resources/styles/") for n in names)
    assert not any("/tests/" in n or n.startswith("tests/") or "__pycache__" in n for n in names)
    metadata = (tmp_path / "plugins/itslive_qgis/metadata.txt").read_text()
    for key in ("qgisMinimumVersion=3.40", "hasProcessingProvider=yes", "tracker=", "repository=", "about="):
        assert key in metadata
    env = {**os.environ, "QGIS_PLUGINPATH": str(tmp_path / "plugins"), "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = str(REPO / ".venv/lib/python3.11/site-packages")
    env["PATH"] = f"{REPO / '.venv/bin'}:{os.environ['PATH']}"
    for args in (["plugins", "enable", "itslive_qgis"], ["list"]):
        proc = subprocess.run(
            ["qgis_process", *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
    assert "itslive:findcubes" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
