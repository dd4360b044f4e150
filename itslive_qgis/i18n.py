"""Translation helpers: every user-visible string of the plugin goes through :func:`tr`."""

from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

from . import deps
from .paths import i18n_dir

CONTEXT = "ItsLive"


def tr(text: str) -> str:
    """Translate ``text`` in the plugin's context (use ``.format()`` after, never f-strings)."""
    return QCoreApplication.translate(CONTEXT, text)


def install_translator() -> QTranslator | None:
    """Load ``i18n/itslive_qgis_<locale>.qm`` for the user's QGIS locale; returns the translator."""
    locale = (QSettings().value("locale/userLocale", "") or QLocale.system().name())[:2]
    qm = i18n_dir() / f"itslive_qgis_{locale}.qm"
    if not qm.exists():
        return None
    translator = QTranslator()
    if translator.load(str(qm)):
        QCoreApplication.installTranslator(translator)
        return translator
    return None


def dependency_message(capability: str | None = None) -> str:
    """Translated message naming missing packages and the command that installs them ('' if none)."""
    names = deps.missing(capability)
    if not names:
        return ""
    from .installer import install_hint  # installer imports deps: only when something is missing

    return tr(
        'Missing Python packages: {}. Install them with "Install the missing packages" in the ITS_LIVE '
        "panel or in Settings > Options > ITS_LIVE (pip, into a folder of this QGIS profile; QGIS's own "
        "numpy, GDAL, PROJ and GEOS stay as they are), or from a terminal (the second command for an "
        "environment of your own): {}"
    ).format(", ".join(names), install_hint(names))
