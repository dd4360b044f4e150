"""ITS_LIVE for QGIS: NASA ITS_LIVE glacier velocities on the map.

QGIS calls :func:`classFactory`; everything else is imported lazily so the plugin
starts fast and still starts when optional packages are missing.
"""


def classFactory(iface):
    """Create the plugin instance for QGIS."""
    from .plugin import ItsLivePlugin

    return ItsLivePlugin(iface)
