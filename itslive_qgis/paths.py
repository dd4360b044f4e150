"""Where the plugin's resources and translations are, in a checkout and in the installed ZIP.

In the repository ``resources/`` and ``i18n/`` sit beside the package; ``make package``
copies them into the plugin folder, so both layouts are looked up.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _first_existing(name: str) -> Path:
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    return PACKAGE_DIR / name


def resources_dir() -> Path:
    """Folder holding icons/, styles/ and models/."""
    return _first_existing("resources")


def i18n_dir() -> Path:
    """Folder holding the compiled translations (.qm)."""
    return _first_existing("i18n")


def icon_path(name: str = "itslive.svg") -> str:
    """Path of an icon in resources/icons."""
    return str(resources_dir() / "icons" / name)


def style_path(name: str) -> str:
    """Path of a .qml style in resources/styles."""
    return str(resources_dir() / "styles" / name)


def model_path(name: str) -> str:
    """Path of a .model3 model in resources/models."""
    return str(resources_dir() / "models" / name)
