"""Velocity fields on grids: reading them, strain rates, flux divergence, particle tracks."""

from .flux import flux_divergence_dataset, flux_divergence_to_file
from .grid import read_velocity
from .strain import strain_rates_dataset, strain_rates_to_file
from .tracking import FlowField, Track, check_step_count, track_particles, tracks_frame

__all__ = [
    "FlowField",
    "Track",
    "check_step_count",
    "flux_divergence_dataset",
    "flux_divergence_to_file",
    "read_velocity",
    "strain_rates_dataset",
    "strain_rates_to_file",
    "track_particles",
    "tracks_frame",
]
