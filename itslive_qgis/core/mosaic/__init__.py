"""Clips of the ITS_LIVE velocity mosaics (COG) by range reads."""

from .clip import clip_mosaic

__all__ = ["clip_mosaic"]
