"""ITS_LIVE science and data engine.

Nothing in this package imports QGIS or Qt: it runs in a notebook, a script or a
Dask worker as well as inside the plugin. Heavy libraries (xarray, zarr, torch,
s3fs) are imported inside the functions that need them.
"""
