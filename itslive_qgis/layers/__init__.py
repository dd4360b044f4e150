"""Loading ITS_LIVE results into the QGIS project: temporal rasters, flow arrows, styles, groups.

Public entry points: :func:`load_result`, :class:`LoadResultTask`, :func:`render_png`,
:func:`apply_style`. Imports QGIS (this package is never imported by ``core``).
"""

from .loader import LoadResultTask, add_to_project, build_layers, default_group_name, load_result
from .render import render_png
from .sources import ResultSource, VariableSource, inspect_result
from .styles import STYLES, apply_style, apply_vector_style, style_for_variable

__all__ = [
    "STYLES",
    "LoadResultTask",
    "ResultSource",
    "VariableSource",
    "add_to_project",
    "apply_style",
    "apply_vector_style",
    "build_layers",
    "default_group_name",
    "inspect_result",
    "load_result",
    "render_png",
    "style_for_variable",
]
