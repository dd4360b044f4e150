"""Every user-visible string has a French translation with the same placeholders."""

from __future__ import annotations

import importlib.util
import re

from tests.conftest import REPO

spec = importlib.util.spec_from_file_location("i18n_script", REPO / "scripts" / "i18n.py")
i18n_script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n_script)

FIELDS = re.compile(r"\{[^{}]*\}")


def test_french_translation_is_complete_and_keeps_placeholders():
    strings = i18n_script.extract_strings()
    translations = i18n_script.read_ts(REPO / "i18n" / "itslive_qgis_fr.ts")
    assert len(strings) > 200
    missing = sorted(s for s in strings if not translations.get(s))
    assert not missing, f"{len(missing)} strings without a French translation (run make i18n): {missing[:5]}"
    for source in strings:
        target = translations[source]
        assert FIELDS.findall(source) == FIELDS.findall(target), (source, target)
        assert source.count("\n") == target.count("\n"), (source, target)


def test_extraction_finds_strings_of_every_gui_module():
    strings = i18n_script.extract_strings()
    files = {where.split(":")[0] for where in strings.values()}
    for module in ("gui/dock.py", "gui/options.py", "processing/alg_invert.py", "plugin.py"):
        assert any(f.endswith(module) for f in files), module
