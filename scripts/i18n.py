"""Update i18n/*.ts from the tr("...") calls in the plugin, then compile .qm with lrelease.

pylupdate5 assigns the enclosing class as the context, but the plugin translates every
string in one context ("ItsLive", see itslive_qgis/i18n.py), so the strings are extracted
here with the ``ast`` module. Existing translations are kept; new strings are added as
unfinished; strings no longer in the code are marked obsolete.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "itslive_qgis"
I18N = REPO / "i18n"
CONTEXT = "ItsLive"
LANGUAGES = ("fr",)


def extract_strings(package: Path = PACKAGE) -> dict[str, str]:
    """Every literal passed to ``tr(...)`` in the package -> 'file:line' of its first use."""
    found: dict[str, str] = {}
    for path in sorted(package.rglob("*.py")):
        if "core" in path.relative_to(package).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name | ast.Attribute)
                and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def read_ts(path: Path) -> dict[str, str]:
    """source -> translation of a .ts file (empty dict when absent)."""
    if not path.exists():
        return {}
    out = {}
    for message in ET.parse(path).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is not None and translation.text and translation.get("type") != "obsolete":
            out[source] = translation.text
    return out


def write_ts(path: Path, language: str, strings: dict[str, str], translations: dict[str, str]) -> int:
    """Write the .ts; returns the number of unfinished messages."""
    root = ET.Element("TS", version="2.1", language=language)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    unfinished = 0
    for source in sorted(strings):
        message = ET.SubElement(context, "message")
        filename, line = strings[source].rsplit(":", 1)
        ET.SubElement(message, "location", filename="../" + filename, line=line)
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        if source in translations:
            translation.text = translations[source]
        else:
            translation.set("type", "unfinished")
            unfinished += 1
    ET.indent(root)
    tmp = path.with_suffix(".ts.tmp")
    with open(tmp, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        ET.ElementTree(root).write(fh, encoding="utf-8")
        fh.write(b"\n")
    tmp.replace(path)
    return unfinished


def main() -> int:
    strings = extract_strings()
    I18N.mkdir(exist_ok=True)
    lrelease = shutil.which("lrelease") or "/usr/lib/qt5/bin/lrelease"
    status = 0
    for language in LANGUAGES:
        ts = I18N / f"itslive_qgis_{language}.ts"
        unfinished = write_ts(ts, language, strings, read_ts(ts))
        print(f"{ts.relative_to(REPO)}: {len(strings)} strings, {unfinished} unfinished")
        qm = ts.with_suffix(".qm")
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True)
        print(f"compiled {qm.relative_to(REPO)}")
        status |= 1 if unfinished else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
