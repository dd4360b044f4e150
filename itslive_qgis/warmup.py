"""Import the plugin's data stack in the background once QGIS has started.

Why: the first download or inversion of a session used to import xarray, pandas, zarr, s3fs,
dask (and, through xarray's ``to_netcdf``, ``distributed`` when it is installed), numba's CPU
target and torch inside the task's thread. An import holds the GIL for long stretches (module
bodies, ``marshal`` of big ``.pyc`` files, ``dlopen`` of extension modules), so every Python
slot of the QGIS main thread waited: the scenario suite's faulthandler watchdog
(``tests/scenarios/driver.py``) caught each stall of more than 140 ms of the download and
inversion steps inside such an import. Doing them once, right after QGIS has finished
starting (when the user has not asked for anything yet), takes them off the path of every
task. A module that cannot be imported is skipped: the task that needs it reports it, as
before (``deps``); warming never changes a result, it only moves when an import happens.

The big shared libraries are loaded first with the GIL released (:func:`deps.preload`).

After each module the objects alive are moved out of the garbage collector's generations
(:func:`gc.freeze`, :func:`_settle`). Why: the scenario's gaps of the warm-up step (125-223 ms)
were not the imports themselves but CPython's full (generation 2) collections, which an import
triggers and which scan every tracked object of the process in one C call holding the GIL
(~100 ms once numpy, pandas, dask, numba and matplotlib are loaded: about 450,000 objects).
Measured beside a thread importing :data:`MODULES` (a 1 ms sleep loop as the "main thread"):
gaps of 108-212 ms without, none above 40 ms with a freeze after each module. Frozen objects
are never collected: these are modules, classes and functions that live as long as QGIS anyway
(``gc.freeze`` is meant for this: objects made at start-up); later collections, in every
thread, skip them, so the tasks' own collections get cheaper too.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import sys
import threading
import time

from . import deps

#: imported in this order: what the dock's tasks import (torch is added where CUDA could run,
#: see :func:`_cuda_possible`: a CPU session never imports it)
MODULES = (
    "numpy",
    "pandas",
    "xarray",
    "zarr",
    "fsspec",
    "s3fs",
    "dask.array",
    "distributed",  # xarray's to_netcdf asks dask for a scheduler, which imports distributed
    "numba",
    "shapely",
    "geopandas",
    "itslive_qgis.core.catalog",  # the dock imports it on the main thread when it opens
    "itslive_qgis.core.subset",
    "itslive_qgis.core.inversion",
)

_started = threading.Event()
#: set when the warm-up has finished (whatever it could import)
done = threading.Event()
#: what the last warm-up did: module -> seconds (None = not importable), "numba target" -> seconds
REPORT: dict[str, float | None] = {}


def start() -> bool:
    """Start the warm-up thread once per process; ``False`` when it already ran or runs."""
    if _started.is_set():
        return False
    _started.set()
    from .tasks import gil

    gil.follow_tasks()  # while tasks run, the main thread gets the GIL in short slices (tasks/gil.py)
    threading.Thread(target=_warm_sharing, name="itslive-warm-up", daemon=True).start()
    return True


def _warm_sharing() -> None:
    from .tasks import gil

    with gil.shared():  # the main thread's slots wait less for the GIL meanwhile
        warm()


def warm() -> dict[str, float | None]:
    """Import :data:`MODULES` (and load numba's CPU target); returns :data:`REPORT`."""
    modules = MODULES + (("torch",) if _cuda_possible() else ())
    deps.preload(*(("torch", "llvmlite") if "torch" in modules else ("llvmlite",)))
    for name in modules:
        top = name.split(".", 1)[0]
        try:
            if importlib.util.find_spec(top) is None:
                REPORT[name] = None
                continue
            began = time.perf_counter()
            importlib.import_module(name)
            REPORT[name] = time.perf_counter() - began
        except Exception:  # a broken package is reported by the task that needs it
            REPORT[name] = None
        _settle()
    for name, step in (
        ("numba target", _numba_target),
        ("band kernels", _band_kernels),
        ("matplotlib text", _matplotlib_text),
    ):
        REPORT[name] = step()
        _settle()
    done.set()
    return REPORT


def _settle() -> None:
    """Move the objects alive now to the collector's permanent generation (see the module docstring)."""
    gc.freeze()


def _matplotlib_text() -> float | None:
    """Draw a tiny figure off screen: loads matplotlib, its font cache and FreeType once, which the
    point plot's first draw on the main thread otherwise pays (the figure is this thread's own)."""
    if importlib.util.find_spec("matplotlib") is None:
        return None
    began = time.perf_counter()
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(2, 1), dpi=50)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.errorbar([0.0, 1.0], [1.0, 2.0], yerr=[0.1, 0.2], label="v (m/yr)")
        axes.legend()
        figure.canvas.draw()
    except Exception:  # the point plot reports a broken matplotlib itself
        return None
    return time.perf_counter() - began


def _band_kernels() -> float | None:
    """Load the inversion's numba kernels from their cache (or compile them): once per process."""
    if "numba" not in sys.modules:
        return None
    began = time.perf_counter()
    try:
        from .core.inversion import band

        band.ready()
    except Exception:  # the inversion reports a broken numba itself
        return None
    return time.perf_counter() - began


def _cuda_possible() -> bool:
    """Whether an inversion on device "auto" would import torch (only where CUDA could run)."""
    try:
        from .core.inversion import cuda_possible

        return bool(cuda_possible())
    except Exception:  # the inversion's own import reports a broken installation
        return False


def _numba_target() -> float | None:
    """Load numba's CPU target registries, which its first cached kernel otherwise loads in a task."""
    if "numba" not in sys.modules:
        return None
    began = time.perf_counter()
    try:
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()
    except Exception:  # internal numba API: warming is an optimisation only
        return None
    return time.perf_counter() - began
