"""Build dist/itslive_qgis.zip for QGIS "Install from ZIP": the plugin folder with metadata.txt,
resources, compiled translations and the licence; no tests, no caches."""

from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGIN = "itslive_qgis"
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ruff_cache"}


def build(dest: Path, qm_dir: Path = REPO / "i18n") -> Path:
    """Write the ZIP to ``dest`` (atomically) and return its path; translations from ``qm_dir``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    qms = sorted(Path(qm_dir).glob("*.qm"))
    if not qms:
        raise SystemExit("no compiled translations in i18n/: run `make i18n` first")
    tmp = dest.with_name(f".{dest.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((REPO / PLUGIN).rglob("*")):
            rel = path.relative_to(REPO / PLUGIN)
            if rel.parts[0] in ("resources", "i18n", "metadata.txt") or SKIP_DIRS & set(rel.parts):
                continue
            if path.is_file() and path.suffix != ".pyc":
                zf.write(path, f"{PLUGIN}/{rel}")
        zf.write(REPO / "metadata.txt", f"{PLUGIN}/metadata.txt")
        for path in sorted((REPO / "resources").rglob("*")):
            if path.is_file():
                zf.write(path, f"{PLUGIN}/resources/{path.relative_to(REPO / 'resources')}")
        for qm in qms:
            zf.write(qm, f"{PLUGIN}/i18n/{qm.name}")
        for name in ("README.md", "LICENSE"):
            zf.write(REPO / name, f"{PLUGIN}/{name}")
    shutil.move(tmp, dest)
    return dest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(REPO / "dist" / f"{PLUGIN}.zip"))
    parser.add_argument("--qm-dir", default=str(REPO / "i18n"), help="folder of the compiled .qm files")
    args = parser.parse_args(argv)
    path = build(Path(args.output), Path(args.qm_dir))
    with zipfile.ZipFile(path) as zf:
        count = len(zf.namelist())
    print(
        f"built {path.relative_to(REPO) if path.is_relative_to(REPO) else path}: {count} files, "
        f"{path.stat().st_size / 1024:.0f} KiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
