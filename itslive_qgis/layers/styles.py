"""Styles of result layers: the .qml files in resources/styles, fitted to each file's values.

The .qml files hold the colours (users may reuse or edit them); :func:`apply_style` loads one
and refits its class values to the range measured on a small sample of the data, so nothing
scans every band. Speed uses a logarithmic scale (stops at 1-2-5 x 10^k m/yr); signed
quantities (strain rates, velocity components, dh/dt) use diverging ramps centred on zero;
errors and counts are greyscale. :mod:`.style_files` regenerates the .qml files.
"""

from __future__ import annotations

import math

import numpy as np
from qgis.core import (
    QgsColorRampShader,
    QgsContrastEnhancement,
    QgsMapLayer,
    QgsRasterLayer,
    QgsSingleBandGrayRenderer,
    QgsSingleBandPseudoColorRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from ..paths import style_path
from .sources import VariableSource

#: style name -> (file, how values are fitted): log, symmetric, linear, gray
STYLES = {
    "speed": ("speed.qml", "log"),
    "diverging": ("diverging.qml", "symmetric"),
    "strain": ("strain.qml", "symmetric"),
    "dhdt": ("dhdt.qml", "symmetric"),
    "sequential": ("sequential.qml", "linear"),
    "error": ("error.qml", "gray"),
    "phase": ("phase.qml", "fixed"),
    "arrows": ("arrows.qml", "vector"),
    "tracks": ("tracks.qml", "vector"),
}
RASTER_CATEGORIES = QgsMapLayer.StyleCategory.Symbology | QgsMapLayer.StyleCategory.Legend
LOG_FLOOR = 0.1


def style_for_variable(name: str, long_name: str = "") -> str:
    """Style name for a variable (``v`` -> speed, ``exx`` -> strain, ``v_error`` -> error ...)."""
    lower, described = name.lower(), long_name.lower()
    if lower in ("count", "count0") or lower.startswith("xcount") or lower.endswith("_count"):
        return "error"
    if any(word in lower for word in ("error", "sigma", "_err", "std")) or "uncertainty" in described:
        return "error"
    if lower.endswith(("_phase", "_phase2")) or "day of year" in described:
        return "phase"  # cyclic, one class per month (the .qml's fixed classes)
    if lower in ("v", "v0", "speed", "v_mean", "v_median") or described in ("ice speed", "speed"):
        return "speed"
    if lower == "e_eff" or "effective" in described:
        return "sequential"
    if lower in ("exx", "eyy", "exy", "e1", "e2", "e_lon", "e_trn", "e_shr") or "strain" in described:
        return "strain"
    if "dhdt" in lower or "thickness change" in described:
        return "dhdt"
    if lower in ("vx", "vy", "dx", "dy", "flux_divergence", "dv_dt", "dvx_dt", "dvy_dt"):
        return "diverging"
    return "sequential"


def value_range(style: str, variable: VariableSource) -> tuple[float, float] | None:
    """Class range for ``style`` from the variable's sampled percentiles (file units).

    speed: 1-2-5 bounds around the 2nd..98th percentiles; symmetric: +/- a round number above
    the 98th percentile of |value|; linear/gray: 0 (or the 2nd percentile if negative) to a
    round number above the 98th percentile. None without a sample (all no-data).
    """
    if variable.percentiles is None:
        return None
    low, high = variable.percentiles
    mode = STYLES[style][1]
    if mode == "fixed":
        return None
    if mode == "log":
        lower = _round_125(max(low, LOG_FLOOR), up=False)
        upper = max(_round_125(max(high, LOG_FLOOR), up=True), _next_125(lower))
        return lower, upper
    if mode == "symmetric":
        bound = _round_nice(variable.abs_max or 0.0)
        return -bound, bound
    lower = 0.0 if low >= 0 else -_round_nice(-low)
    upper = _round_nice(high) if high > 0 else lower + 1.0
    return lower, max(upper, lower + 1e-12)


def apply_style(
    layer: QgsRasterLayer,
    style: str,
    limits: tuple[float, float] | None = None,
    units: str = "",
    band: int = 1,
) -> None:
    """Load ``resources/styles/<style>.qml`` on a raster layer and fit it to ``limits``.

    Parameters
    ----------
    layer : raster layer (single-band renderer; with per-band temporal mode the band is
        switched at render time).
    style : key of :data:`STYLES`.
    limits : (min, max) in the data's units; None keeps the .qml's own classes.
    units : appended to legend labels (e.g. ``m/yr``, ``1/yr``).
    band : band drawn when the layer is not temporal.
    """
    file_name, mode = STYLES[style]
    message, ok = layer.loadNamedStyle(style_path(file_name), RASTER_CATEGORIES)
    if not ok:
        raise FileNotFoundError(f"Style {file_name} could not be loaded: {message}")
    renderer = layer.renderer().clone()
    suffix = f" {units}" if units else ""
    if isinstance(renderer, QgsSingleBandGrayRenderer):
        renderer.setInputBand(band)
        if limits is not None:
            enhancement = QgsContrastEnhancement(renderer.contrastEnhancement())
            enhancement.setMinimumValue(limits[0])
            enhancement.setMaximumValue(limits[1])
            renderer.setContrastEnhancement(enhancement)
        settings = renderer.legendSettings()
        if settings is not None:
            settings.setSuffix(suffix)
            renderer.setLegendSettings(settings)
    elif isinstance(renderer, QgsSingleBandPseudoColorRenderer):
        renderer.setInputBand(band)
        shader = QgsColorRampShader(renderer.shader().rasterShaderFunction())
        if limits is not None:
            _refit_shader(shader, limits, mode, suffix)
        renderer.shader().setRasterShaderFunction(shader)
        renderer.setClassificationMin(shader.minimumValue())
        renderer.setClassificationMax(shader.maximumValue())
    layer.setRenderer(renderer)


def apply_vector_style(layer: QgsVectorLayer, style: str) -> None:
    """Load ``arrows.qml`` / ``tracks.qml`` (symbology and legend) on a vector layer."""
    file_name = STYLES[style][0]
    message, ok = layer.loadNamedStyle(style_path(file_name), RASTER_CATEGORIES)
    if not ok:
        raise FileNotFoundError(f"Style {file_name} could not be loaded: {message}")


def _refit_shader(shader: QgsColorRampShader, limits: tuple[float, float], mode: str, suffix: str) -> None:
    """New class values inside ``limits`` with the colours of the .qml's items."""
    items = shader.colorRampItemList()
    old_values = np.array([item.value for item in items], dtype=np.float64)
    colours = [item.color for item in items]
    lower, upper = float(limits[0]), float(limits[1])
    if mode == "log":
        old_positions = _positions(np.log10(np.maximum(old_values, LOG_FLOOR)))
        new_values = _stops_125(lower, upper)
        new_positions = _positions(np.log10(new_values))
    else:
        old_positions = _positions(old_values)
        new_positions = old_positions
        new_values = lower + old_positions * (upper - lower)
        if mode == "symmetric":  # keep zero exactly in the middle
            new_values[np.isclose(new_positions, 0.5)] = 0.0
    new_items = [
        QgsColorRampShader.ColorRampItem(
            float(value), _interpolate(old_positions, colours, pos), f"{format_value(value)}{suffix}"
        )
        for value, pos in zip(new_values, new_positions)
    ]
    shader.setColorRampItemList(new_items)
    shader.setMinimumValue(float(new_values[0]))
    shader.setMaximumValue(float(new_values[-1]))
    settings = shader.legendSettings()
    settings.setSuffix(suffix)
    if settings.useContinuousLegend():
        settings.setMinimumLabel(format_value(new_values[0]))  # QGIS appends the suffix
        settings.setMaximumLabel(format_value(new_values[-1]))
    shader.setLegendSettings(settings)


def format_value(value: float) -> str:
    """Short label: 3 significant digits, no exponent between 1e-3 and 1e5."""
    value = float(value)
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e5:
        rounded = float(f"{value:.3g}")
        return np.format_float_positional(rounded, trim="-")
    return f"{value:.2e}"


def _positions(values: np.ndarray) -> np.ndarray:
    span = values[-1] - values[0]
    return (values - values[0]) / span if span else np.linspace(0.0, 1.0, values.size)


def _interpolate(positions: np.ndarray, colours: list[QColor], position: float) -> QColor:
    """Colour at ``position`` (0..1) linearly interpolated (RGBA) between the .qml's items."""
    channels = np.array([[c.red(), c.green(), c.blue(), c.alpha()] for c in colours], dtype=np.float64)
    rgba = [int(round(np.interp(position, positions, channels[:, k]))) for k in range(4)]
    return QColor(*rgba)


def _stops_125(lower: float, upper: float) -> np.ndarray:
    """1-2-5 x 10^k values from ``lower`` to ``upper`` inclusive (both are 1-2-5 values)."""
    stops, value = [lower], lower
    while value < upper * (1 - 1e-9):
        value = _next_125(value)
        stops.append(value)
    return np.array(stops, dtype=np.float64)


def _next_125(value: float) -> float:
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = round(value / 10**exponent, 6)
    for step in (2.0, 5.0, 10.0):
        if mantissa < step - 1e-6:
            return step * 10**exponent
    return 20.0 * 10**exponent


def _round_125(value: float, up: bool) -> float:
    """Nearest 1-2-5 x 10^k value at or above (``up``) / at or below ``value`` (> 0)."""
    exponent = math.floor(math.log10(value))
    candidates = [m * 10.0**e for e in (exponent - 1, exponent, exponent + 1) for m in (1.0, 2.0, 5.0)]
    if up:
        return min(c for c in candidates if c >= value * (1 - 1e-9))
    return max(c for c in candidates if c <= value * (1 + 1e-9))


def _round_nice(value: float) -> float:
    """Smallest 1, 2, 2.5, 5 x 10^k at or above ``value`` (1 for 0 or non-finite)."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for mantissa in (1.0, 2.0, 2.5, 5.0, 10.0):
        if mantissa * 10**exponent >= value * (1 - 1e-9):
            return mantissa * 10**exponent
    return 10.0 ** (exponent + 1)
