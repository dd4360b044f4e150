"""Velocity fields on grids: reading them, strain rates, flux divergence, particle tracks."""

from .. import lazy_face

#: this room's public face: name -> the module that defines it (lazy, see core.lazy_face)
_FACE = {
    "FlowField": "tracking",
    "GridSampler": "grid",
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
