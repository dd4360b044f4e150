"""Download a clean subset of ITS_LIVE datacubes: an area, a time window, some variables."""

from .api import SubsetPlan, SubsetResult, estimate_subset, subset_cubes
from .output import software_version

__all__ = ["SubsetPlan", "SubsetResult", "estimate_subset", "software_version", "subset_cubes"]
