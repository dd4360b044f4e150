"""Backgrounds under a figure's velocity: offline-safe (ITS_LIVE static mosaic clip, hillshade of a DEM)
or online (the ITS_LIVE web tiles as an XYZ layer).

* :func:`mosaic_basemap_layer` clips the static ITS_LIVE velocity mosaic (``velocity_mosaic/v2/static``,
  speed ``v`` in m/yr) to an area by range reads (:func:`core.mosaic.clip_mosaic`, the bucket or its
  mirror) and draws it in grey (logarithmic feel from a 2-98 % stretch), so the colour of the result
  on top stays the one the legend explains.
* :func:`hillshade_layer` shades a user's DEM with QGIS's own hillshade renderer (sun azimuth 315°,
  altitude 45°, as in QGIS's defaults).
* :func:`web_tiles_layer` is an XYZ layer of ``vel_web_tiles/`` for users who are online; it is not
  fetched until drawn and no test draws it. NB the tile path layout under ``vel_web_tiles/`` was not
  verified offline: :data:`WEB_TILES_URL` is a template the user can replace.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis, QgsHillshadeRenderer, QgsRasterDataProvider, QgsRasterLayer

from ..core.errors import DataError
from ..i18n import tr
from .styles import apply_style

#: XYZ template of the ITS_LIVE web tiles (UNVERIFIED layout under vel_web_tiles/, see the module doc)
WEB_TILES_URL = "https://its-live-data.s3.amazonaws.com/vel_web_tiles/{z}/{x}/{y}.png"
BASEMAP_PROPERTY = "itslive/basemap"
#: custom property: the base map's credit, printed after the citation of a layout (not in its legend)
CREDIT_PROPERTY = "itslive/basemap_credit"


def mosaic_basemap_layer(extent, crs, folder, config=None, progress=None) -> QgsRasterLayer:
    """The static ITS_LIVE speed mosaic clipped to ``extent`` (xmin, ymin, xmax, ymax in ``crs``), in grey.

    ``crs``: anything pyproj reads (``"EPSG:3413"``, WKT); ``folder``: where the clip GeoTIFF is written.
    """
    from ..core.io import StoreConfig
    from ..core.mosaic import clip_mosaic
    from .granule import configure_gdal

    config = config or StoreConfig.from_env()
    # the plugin sets GDAL options for /vsis3/<bucket>/ (granule layers); they win over the clip's own
    # rasterio.Env, so they must name this config's store, not the one of the plugin's start
    configure_gdal(config)
    written = clip_mosaic(tuple(extent), crs, variables=("v",), year=None, output_dir=folder, config=config,
                          progress=progress)  # fmt: skip
    layer = QgsRasterLayer(str(written[0]), tr("ITS_LIVE static mosaic, v (m/yr)"), "gdal")
    if not layer.isValid():
        raise DataError(tr("QGIS cannot open the mosaic clip {}.").format(written[0]))
    stats = layer.dataProvider().bandStatistics(1)
    apply_style(layer, "error", (max(stats.minimumValue, 0.0), max(stats.maximumValue, 1.0)), "m/yr")
    layer.setOpacity(0.7)
    layer.setCustomProperty(BASEMAP_PROPERTY, "mosaic")
    layer.setCustomProperty(
        CREDIT_PROPERTY, tr("Base map: ITS_LIVE static velocity mosaic (v2), speed in grey")
    )
    return layer


def hillshade_layer(dem: str | Path, name: str | None = None, z_factor: float = 1.0) -> QgsRasterLayer:
    """A hillshade of the DEM at ``dem`` (band 1; metres horizontally and vertically, or set ``z_factor``)."""
    layer = QgsRasterLayer(str(dem), name or tr("Hillshade of {}").format(Path(str(dem)).stem), "gdal")
    if not layer.isValid():
        raise DataError(tr("QGIS cannot open the DEM {}.").format(dem))
    provider = layer.dataProvider()
    # bilinear in the provider: slopes of nearest-neighbour blocks draw the DEM's cells as a grid
    layer.setResamplingStage(Qgis.RasterResamplingStage.Provider)  # before the renderer: smooth slopes
    provider.setZoomedInResamplingMethod(QgsRasterDataProvider.ResamplingMethod.Bilinear)
    provider.setZoomedOutResamplingMethod(QgsRasterDataProvider.ResamplingMethod.Bilinear)
    renderer = QgsHillshadeRenderer(provider, 1, 315.0, 45.0)
    renderer.setZFactor(float(z_factor))
    layer.setRenderer(renderer)
    layer.setCustomProperty(BASEMAP_PROPERTY, "hillshade")
    layer.setCustomProperty(CREDIT_PROPERTY, tr("Base map: {}").format(layer.name()))
    return layer


def web_tiles_layer(url_template: str = WEB_TILES_URL, zmax: int = 12) -> QgsRasterLayer:
    """The ITS_LIVE web tiles as an XYZ layer (nothing is fetched until the layer is drawn)."""
    from urllib.parse import quote

    uri = f"type=xyz&url={quote(url_template, safe=':/{}')}&zmin=0&zmax={int(zmax)}"
    layer = QgsRasterLayer(uri, tr("ITS_LIVE velocity web tiles (online)"), "wms")
    layer.setCustomProperty(BASEMAP_PROPERTY, "web_tiles")
    layer.setCustomProperty(CREDIT_PROPERTY, tr("Base map: ITS_LIVE velocity web tiles"))
    return layer
