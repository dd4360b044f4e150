"""Silence HDF5's automatic error printing (``HDF5-DIAG: Error detected ...``).

netCDF-C probes optional attributes (``_QuantizeBitGroom...``) that are usually absent;
with Debian's HDF5 1.10 every probe prints a multi-line diagnostic on stderr. The
errors are handled by netCDF-C; only the printing is switched off. HDF5 keeps this
setting per thread, so it is called in each thread that opens NetCDF files.
"""

from __future__ import annotations

import threading

_DONE: set[int] = set()


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
