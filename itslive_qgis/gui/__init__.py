"""Dock panel, options page and time-series view: wiring only, no science."""
