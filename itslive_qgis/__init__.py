"""ITS_LIVE for QGIS: NASA ITS_LIVE glacier velocities on the map.

QGIS calls :func:`classFactory`; everything else is imported lazily so the plugin
starts fast and still starts when optional packages are missing.
"""


def classFactory(iface):
    """Create the plugin instance for QGIS."""
    _activate_dependencies()
    from .plugin import ItsLivePlugin

    return ItsLivePlugin(iface)


def _activate_dependencies():
    """Put the packages folder the installer made in this profile first on sys.path."""
    from qgis.core import QgsApplication

    from .installer import activate

    activate(QgsApplication.qgisSettingsDirPath())
