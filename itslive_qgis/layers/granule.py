"""One image-pair granule into the project: speed (log colours) and flow arrows, read by range requests.

The granule's ``granule_url`` maps onto the configured store (:func:`core.granules.granule_source`):
``/vsis3/<bucket>/velocity_image_pair/...nc``. The store's GDAL options (endpoint, anonymous
access, retries) are set for that bucket prefix only (``gdal.SetPathSpecificOption``), so QGIS's
renderer threads read the mirror or AWS exactly like the rest of the plugin and nothing else in
the process changes. GDAL's netCDF driver then reads the HDF5 header and the chunks of ``v``,
``vx``, ``vy`` it draws (HTTP range requests), never the whole file: ``v_error``, chip sizes,
``interp_mask`` and the radar matrices are not fetched. Arrows are a thinned point layer
(:func:`vectors.build_arrow_point_layer`) cached in the plugin's cache folder; MDAL's mesh arrows
need a local file. The browse image (``.png`` beside the ``.nc``) is fetched through the same
``/vsis3/`` path (:func:`read_browse_image`).

A granule without one valid velocity (``..._P000.nc``, e.g. the real Landsat 5 pair in
``../shared/data``) is refused with a message rather than loaded as an empty layer.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from qgis.core import QgsLayerTreeGroup, QgsMapLayer, QgsProject, QgsRasterLayer, QgsRasterRange

from ..core.errors import DataError
from ..core.granules import granule_name, granule_source
from ..core.io import StoreConfig, default_cache_dir, gdal_options
from ..i18n import tr
from . import vectors
from .sources import VariableSource
from .styles import apply_style, apply_vector_style, value_range

FILL = -32767.0
PROPERTY_PREFIX = "itslive/"
#: decimated read width for the speed statistics (pixels)
SAMPLE_PIXELS = 256
#: img_pair_info attributes shown in the layer's metadata, in this order
PAIR_INFO_KEYS = (
    "id_img1",
    "id_img2",
    "acquisition_date_img1",
    "acquisition_date_img2",
    "aquisition_date_img1",
    "aquisition_date_img2",
    "date_dt",
    "satellite_img1",
    "satellite_img2",
    "sensor_img1",
    "sensor_img2",
    "roi_valid_percentage",
)


def configure_gdal(config: StoreConfig) -> None:
    """The store's GDAL options for ``/vsis3/<bucket>/`` only (endpoint, anonymous, retries)."""
    from osgeo import gdal

    prefix = f"/vsis3/{config.bucket}/"
    for key, value in gdal_options(config).items():
        gdal.SetPathSpecificOption(prefix, key, value)


def configure_gdal_from_settings() -> bool:
    """:func:`configure_gdal` with the plugin's store settings (False, logged, when they are unusable)."""
    from qgis.core import Qgis, QgsMessageLog

    from .. import settings

    try:
        configure_gdal(settings.store_config())
    except Exception as exc:  # a bad endpoint setting must not stop the plugin from starting
        QgsMessageLog.logMessage(
            tr("Granule reads not configured: {}").format(exc), "ITS_LIVE", Qgis.MessageLevel.Warning
        )
        return False
    return True


def granule_layers(
    url: str, config: StoreConfig | None = None, allow_other_hosts: bool = False
) -> list[QgsMapLayer]:
    """The arrows and the speed layer of the granule at ``url`` (arrows first), not yet in a project.

    Raises
    ------
    InputError : the URL is not in the configured store.
    DataError : GDAL cannot read the granule, or it holds no valid velocity.
    """
    config = config or StoreConfig.from_env()
    path = granule_source(url, config, allow_other_hosts)
    if path.startswith("/vsis3/"):
        configure_gdal(config)
    name = granule_name(url)
    info = pair_info(path)
    speed = _speed_layer(path, name, info)
    layers: list[QgsMapLayer] = [speed]
    arrows = _arrow_layer(path, name, speed)
    if arrows is not None:
        layers.insert(0, arrows)
    for layer in layers:
        layer.setCustomProperty(PROPERTY_PREFIX + "kind", "granule")
        layer.setCustomProperty(PROPERTY_PREFIX + "granule_url", str(url))
    return layers


def load_granule(
    url: str,
    project: QgsProject,
    config: StoreConfig | None = None,
    allow_other_hosts: bool = False,
) -> QgsLayerTreeGroup:
    """Add the granule's layers to a new group at the top of ``project``; returns the group."""
    layers = granule_layers(url, config, allow_other_hosts)
    group = project.layerTreeRoot().insertGroup(0, group_title(url, layers[-1]))
    for layer in layers:
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    return group


def group_title(url: str, speed: QgsMapLayer) -> str:
    """'ITS_LIVE pair 2017-03-29 – 2017-05-16 (7/7) — <name>'."""
    dates = speed.customProperty(PROPERTY_PREFIX + "dates", "")
    return tr("ITS_LIVE pair {} — {}").format(dates, granule_name(url)) if dates else granule_name(url)


def pair_info(path: str) -> dict[str, str]:
    """Attributes of the granule's ``img_pair_info`` (v1 and v2), as strings ({} when absent)."""
    from osgeo import gdal

    dataset = gdal.OpenEx(path, gdal.OF_MULTIDIM_RASTER)
    if dataset is None:
        raise DataError(tr("GDAL cannot read the granule {}: {}").format(path, gdal.GetLastErrorMsg()))
    array = dataset.GetRootGroup().OpenMDArray("img_pair_info")
    if array is None:
        return {}
    return {attr.GetName(): _text(attr.Read()) for attr in array.GetAttributes()}


def read_browse_image(url: str, config: StoreConfig | None = None, allow_other_hosts: bool = False) -> bytes:
    """The bytes of the browse image (``.png``) beside the granule at ``url``.

    Raises
    ------
    DataError : no browse image there.
    """
    from osgeo import gdal

    from ..core.granules import browse_url

    config = config or StoreConfig.from_env()
    png = browse_url(url)
    path = granule_source(png[:-4] + ".nc", config, allow_other_hosts)[:-3] + ".png"
    if path.startswith("/vsis3/"):
        configure_gdal(config)
    if not path.startswith("/vsi"):
        if not Path(path).is_file():
            raise DataError(tr("No browse image beside this granule ({}).").format(path))
        return Path(path).read_bytes()
    handle = gdal.VSIFOpenL(path, "rb")
    if handle is None:
        raise DataError(tr("No browse image beside this granule ({}).").format(png))
    try:
        gdal.VSIFSeekL(handle, 0, 2)
        size = gdal.VSIFTellL(handle)
        gdal.VSIFSeekL(handle, 0, 0)
        return bytes(gdal.VSIFReadL(1, size, handle))
    finally:
        gdal.VSIFCloseL(handle)


# ------------------------------------------------------------------------------------------ helpers


def _speed_layer(path: str, name: str, info: dict[str, str]) -> QgsRasterLayer:
    uri = f'NETCDF:"{path}":v'
    dates = _dates(info)
    sats = "/".join(s for s in (info.get("satellite_img1", ""), info.get("satellite_img2", "")) if s)
    label = tr("v (m/yr) — pair {}").format(dates + (f" ({sats})" if sats else ""))
    layer = QgsRasterLayer(uri, label, "gdal")
    if not layer.isValid():
        raise DataError(tr("QGIS cannot open {}: {}").format(uri, layer.error().summary()))
    provider = layer.dataProvider()
    provider.setUserNoDataValue(1, [QgsRasterRange(FILL, FILL)])
    sample = _sample(layer)
    if sample.size == 0:
        raise DataError(
            tr("The granule {} holds no valid velocity (every cell is missing): nothing to show.").format(
                name
            )
        )
    variable = VariableSource(name="v", uri=uri, units="m/yr")
    variable.percentiles = tuple(float(p) for p in np.percentile(sample, [2.0, 98.0]))
    variable.abs_max = float(np.percentile(np.abs(sample), 98.0))
    apply_style(layer, "speed", value_range("speed", variable), "m/yr")
    metadata = layer.metadata()
    metadata.setTitle(tr("Image-pair velocity {}").format(dates))
    lines = [tr("Granule: {}").format(path)] + [f"{k}: {info[k]}" for k in PAIR_INFO_KEYS if k in info]
    metadata.setAbstract("\n".join(lines))
    metadata.setKeywords({"ITS_LIVE": ["granule"]})
    layer.setMetadata(metadata)
    layer.setCustomProperty(PROPERTY_PREFIX + "dates", dates)
    layer.setCustomProperty(PROPERTY_PREFIX + "variable", "v")
    layer.setCustomProperty(PROPERTY_PREFIX + "style", "speed")
    return layer


def _sample(layer: QgsRasterLayer) -> np.ndarray:
    """Valid speeds (m/yr) of a decimated read of the whole granule."""
    from osgeo import gdal

    dataset = gdal.Open(layer.source())
    band = dataset.GetRasterBand(1)
    scale = max(dataset.RasterXSize, dataset.RasterYSize) / SAMPLE_PIXELS
    width, height = dataset.RasterXSize, dataset.RasterYSize
    if scale > 1:
        width, height = max(1, int(width / scale)), max(1, int(height / scale))
    values = band.ReadAsArray(buf_xsize=width, buf_ysize=height).astype(np.float64)
    values[values == FILL] = np.nan
    if band.GetNoDataValue() is not None:
        values[values == band.GetNoDataValue()] = np.nan
    return values[np.isfinite(values)]


def _arrow_layer(path: str, name: str, speed: QgsRasterLayer) -> QgsMapLayer | None:
    vx = VariableSource(name="vx", uri=f'NETCDF:"{path}":vx', missing_values=[FILL])
    vy = VariableSource(name="vy", uri=f'NETCDF:"{path}":vy', missing_values=[FILL])
    folder = default_cache_dir() / "granules"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(path.encode("utf-8")).hexdigest()[:10]
    output = folder / f"{Path(name).stem[:80]}_{digest}_arrows.gpkg"
    layer = vectors.build_arrow_point_layer(vx, vy, tr("Flow vectors"), output, speed.crs())
    apply_vector_style(layer, "arrows")
    layer.setCustomProperty(PROPERTY_PREFIX + "variable", "vx,vy")
    return layer


def _dates(info: dict[str, str]) -> str:
    """'2017-03-29 – 2017-05-16' from the acquisition dates (v2 'YYYYMMDDTHH:MM:SS', v1 'YYYYMMDD')."""
    days = []
    for key in ("acquisition_date_img1", "acquisition_date_img2"):
        text = info.get(key) or info.get(key.replace("acquisition", "aquisition"), "")
        text = text.strip()
        if len(text) >= 8 and text[:8].isdigit():
            days.append(f"{text[:4]}-{text[4:6]}-{text[6:8]}")
    days.sort()
    return tr("{} – {}").format(*days) if len(days) == 2 else ""


def _text(value) -> str:
    """An attribute as text: 7.0 -> '7' (v1 granules store satellites and paths as floats)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def add_load_action(layer) -> None:
    """A 'Load image-pair granule' action (attribute table, identify) on a granule table."""
    from qgis.core import Qgis, QgsAction

    manager = layer.actions()
    if any(action.name() == tr("Load image-pair granule") for action in manager.actions()):
        return
    command = (
        "from itslive_qgis.layers.granule import load_feature_granule\n"
        "load_feature_granule('[% @layer_id %]', [% $id %])"
    )
    action = QgsAction(Qgis.AttributeActionType.GenericPython, tr("Load image-pair granule"), command, False)
    action.setActionScopes({"Feature", "Field"})
    manager.addAction(action)


def load_feature_granule(layer_id: str, feature_id: int) -> QgsLayerTreeGroup | None:
    """The granule of one row of a granule table into the current project (the layer action)."""
    from .. import settings

    project = QgsProject.instance()
    layer = project.mapLayer(layer_id)
    if layer is None:
        return None
    url = layer.getFeature(int(feature_id))["granule_url"]
    return load_granule(str(url), project, settings.store_config(), settings.allow_other_hosts())
