"""Build dist/itslive_qgis-<version>.zip for QGIS "Install from ZIP" and the plugin repository: the
plugin folder with metadata.txt, resources, compiled translations and the licence; no tests, no
caches. The metadata is checked for what the repository's upload requires."""

from __future__ import annotations

import argparse
import configparser
import re
import shutil
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGIN = "itslive_qgis"
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ruff_cache", "tests", ".git", "__MACOSX"}
#: metadata the official plugin repository's upload refuses a ZIP without
REQUIRED_METADATA = (
    "name",
    "qgisMinimumVersion",
    "description",
    "about",
    "version",
    "author",
    "email",
    "repository",
    "tracker",
)
MAX_ZIP_BYTES = 25 * 2**20  # the repository's upload limit


def read_metadata(path: Path = REPO / "metadata.txt") -> dict[str, str]:
    """metadata.txt [general] as a dict; an error naming what the upload would refuse."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    meta = dict(parser["general"]) if parser.has_section("general") else {}
    missing = [key for key in REQUIRED_METADATA if not meta.get(key, "").strip()]
    if missing:
        raise SystemExit(f"metadata.txt lacks {', '.join(missing)} (required by the plugin repository)")
    if not re.fullmatch(r"\d+\.\d+(\.\d+)?", meta["version"].strip()):
        raise SystemExit(f"metadata.txt version {meta['version']!r} is not like 1.2.3")
    return meta


def build(dest: Path, qm_dir: Path = REPO / "i18n") -> Path:
    """Write the ZIP to ``dest`` (atomically) and return its path; translations from ``qm_dir``."""
    read_metadata()
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
    if tmp.stat().st_size > MAX_ZIP_BYTES:
        tmp.unlink()
        raise SystemExit(f"the ZIP is over {MAX_ZIP_BYTES // 2**20} MiB, the plugin repository's limit")
    shutil.move(tmp, dest)
    return dest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    version = read_metadata()["version"].strip()
    parser.add_argument("--output", default=str(REPO / "dist" / f"{PLUGIN}-{version}.zip"))
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
