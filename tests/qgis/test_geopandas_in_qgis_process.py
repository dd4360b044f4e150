"""geopandas (1.0.1, the newest accepting Debian's pyproj 3.4.1) works inside qgis_process.

The pip wheels of pyproj/shapely/GDAL crash there (their own PROJ/GEOS/GDAL next to QGIS's); this
runs the core's GeoDataFrame outputs in a real ``qgis_process`` and checks the reprojection
against pyproj in this process, the exit status and that the pyproj used is Debian's.
"""

from __future__ import annotations

import os
import subprocess
import textwrap

from tests.conftest import REPO

SCRIPT = textwrap.dedent(
    """
    import sys

    from qgis.core import QgsProcessingAlgorithm, QgsProcessingOutputString

    sys.path.insert(0, {repo!r})


    class FramesCheck(QgsProcessingAlgorithm):
        def name(self):
            return "framescheck"

        def displayName(self):
            return "framescheck"

        def createInstance(self):
            return FramesCheck()

        def initAlgorithm(self, config=None):
            self.addOutput(QgsProcessingOutputString("RESULT", "result"))

        def processAlgorithm(self, parameters, context, feedback):
            import numpy as np
            import pyproj

            from itslive_qgis.core.fields import Track, tracks_frame

            track = Track(np.array([-178507.5, -179507.5]), np.array([-2280402.3, -2280602.3]),
                          np.array([17683.0, 17863.0]), "duration")
            frame = tracks_frame([track], "EPSG:3413").to_crs(4326)
            x, y = frame.geometry.iloc[0].coords[0]
            return {{"RESULT": f"{{pyproj.__file__}} {{frame['length_m'].iloc[0]:.6f}} {{x:.9f}} {{y:.9f}}"}}
    """
)


def test_geodataframes_inside_qgis_process(tmp_path):
    from pyproj import Transformer

    script = tmp_path / "frames_check.py"
    script.write_text(SCRIPT.format(repo=str(REPO)), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = str(REPO / ".venv/lib/python3.11/site-packages")
    env["PATH"] = f"{REPO / '.venv/bin'}:{os.environ['PATH']}"
    proc = subprocess.run(
        ["qgis_process", "run", str(script)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    line = next(row for row in proc.stdout.splitlines() if row.startswith("RESULT:"))
    pyproj_file, length, lon, lat = line.split("\t", 1)[1].split()
    assert pyproj_file.startswith("/usr/lib/python3/dist-packages/")  # Debian's, the PROJ QGIS links
    assert abs(float(length) - (1000.0**2 + 200.0**2) ** 0.5) < 1e-6
    want_lon, want_lat = Transformer.from_crs(3413, 4326, always_xy=True).transform(-178507.5, -2280402.3)
    assert abs(float(lon) - want_lon) < 1e-7 and abs(float(lat) - want_lat) < 1e-7
