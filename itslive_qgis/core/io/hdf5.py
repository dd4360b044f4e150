"""HDF5 and netCDF-C in one process: their one write lock, and silencing their diagnostics.

netCDF-C/HDF5 are not thread-safe: :data:`NETCDF_WRITE_LOCK` lets one NetCDF output be written
at a time in this process, and :func:`library_lock` is the lock xarray holds around its own
netCDF4 calls.

:func:`silence_hdf5_diagnostics` silences HDF5's automatic error printing (``HDF5-DIAG: Error
detected ...``).

netCDF-C probes optional attributes (``_QuantizeBitGroom...``) that are usually absent;
with Debian's HDF5 1.10 every probe prints a multi-line diagnostic on stderr. The
errors are handled by netCDF-C; only the printing is switched off. HDF5 keeps this
setting per thread, so it is called in each thread that opens NetCDF files.
"""

from __future__ import annotations

import threading

_DONE: set[int] = set()
#: netCDF-C/HDF5 are not thread-safe: one NetCDF output is written at a time in this process
NETCDF_WRITE_LOCK = threading.Lock()


def library_lock():
    """The lock xarray holds around netCDF4/HDF5 calls, so our calls do not overlap its reads."""
    try:
        from xarray.backends.netCDF4_ import NETCDF4_PYTHON_LOCK

        return NETCDF4_PYTHON_LOCK
    except ImportError:  # pragma: no cover - xarray moved it
        import contextlib

        return contextlib.nullcontext()


def silence_hdf5_diagnostics() -> None:
    """Turn off HDF5's automatic error printing in the calling thread (no-op without h5py)."""
    ident = threading.get_ident()
    if ident in _DONE:
        return
    try:
        from h5py import _errors
    except ImportError:
        return
    _errors.silence_errors()
    _DONE.add(ident)
