"""The seasonal cycle of velocities: mean, trend, annual (and semi-annual) amplitude and phase per pixel."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "ComponentFit": "fit",
    "DEFAULT_T0_DAYS": "fit",
    "along_flow": "fit",
    "amplitude_phase": "fit",
    "fit_component": "fit",
    "global_attrs": "attrs",
    "grid_mapping_attrs": "attrs",
    "interval_design": "fit",
    "open_velocity_source": "api",
    "seasonal_dataset": "api",
    "seasonal_fit": "api",
    "seasonal_variables": "api",
    "variable_attrs": "attrs",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
