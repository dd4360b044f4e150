"""Temporal inversion of image-pair velocities onto a regular time grid."""

from .api import invert_pixels
from .dataset import DEFAULT_WEIGHTING, invert_dataset, write_netcdf

__all__ = ["DEFAULT_WEIGHTING", "invert_dataset", "invert_pixels", "write_netcdf"]
