"""Velocity fields on grids: reading them, strain rates, flux divergence, particle tracks.

The names below are this room's public face. They are imported when first used, so the plugin
starts (and says what is missing) without the heavy packages some of them need.
"""

from .. import lazy_face

#: public name -> the module of this room that defines it
_FACE = {
    "FlowField": "tracking",
    "Track": "tracking",
    "check_step_count": "tracking",
    "flux_divergence_dataset": "flux",
    "flux_divergence_to_file": "flux",
    "read_velocity": "grid",
    "strain_rates_dataset": "strain",
    "strain_rates_to_file": "strain",
    "track_particles": "tracking",
    "tracks_frame": "tracking",
}
__all__ = sorted(_FACE)

__getattr__, __dir__ = lazy_face(__name__, _FACE)
