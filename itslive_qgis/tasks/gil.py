"""A short GIL switch interval while background work runs (issue 13: the UI never stalls).

CPython hands the GIL from a running thread to a waiting one only after the *switch interval*
(5 ms by default), and when several threads wait, the one that gets it may not be the main
thread. While a point series arrives, four Python threads run beside the QGIS main thread (the
pick and inversion tasks, the composite and height-change reads, the figure render of
gui/point_render.py); the main thread enters Python for every slot (timers, task signals,
layer-tree legends) and each entry waited one or more intervals: the scenario suite's native
watchdog caught the main thread waiting while those threads ran. While background work runs the
interval is :data:`FAST_INTERVAL_S`; when the last of it ends, the previous value comes back. A
thread alone is not slowed down (the interval only matters when another thread asks for the GIL).

:func:`shared` is a context manager for a piece of background work (reference counted, any
thread); :func:`follow_tasks` makes the task manager's running tasks (the plugin's and QGIS's)
count as one holder.
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

#: the switch interval (seconds) while background work runs (CPython's default: 0.005)
FAST_INTERVAL_S = 0.0005

_lock = threading.Lock()
_state = {"holders": 0, "saved": None, "tasks": False, "following": False}


def _acquire() -> None:
    with _lock:
        if _state["holders"] == 0:
            _state["saved"] = sys.getswitchinterval()
            sys.setswitchinterval(min(_state["saved"], FAST_INTERVAL_S))
        _state["holders"] += 1


def _release() -> None:
    with _lock:
        _state["holders"] -= 1
        if _state["holders"] == 0 and _state["saved"] is not None:
            sys.setswitchinterval(_state["saved"])
            _state["saved"] = None


@contextmanager
def shared():
    """A short switch interval inside the ``with`` block (the previous one after the last holder)."""
    _acquire()
    try:
        yield
    finally:
        _release()


def holders() -> int:
    """How many pieces of background work hold the short interval now."""
    return _state["holders"]


def tasks_changed(count: int) -> None:
    """The task manager's active-task count changed (its ``countActiveTasksChanged``)."""
    if count > 0 and not _state["tasks"]:
        _state["tasks"] = True
        _acquire()
    elif count == 0 and _state["tasks"]:
        _state["tasks"] = False
        _release()


def follow_tasks(manager=None) -> None:
    """Hold the short interval while ``manager`` (QGIS's task manager) runs any task; once."""
    if _state["following"]:
        return
    if manager is None:
        from qgis.core import QgsApplication

        manager = QgsApplication.taskManager()
    manager.countActiveTasksChanged.connect(tasks_changed)
    _state["following"] = True
    tasks_changed(manager.countActiveTasks())
