"""tasks/gil.py: the short GIL switch interval while background work runs, the old one after."""

from __future__ import annotations

import sys
import threading

from qgis.core import QgsApplication

from tests.qgis.conftest import wait_until


def test_the_interval_is_short_while_tasks_or_holders_run_and_restored_after(qgis_app):
    from itslive_qgis.tasks import gil
    from itslive_qgis.tasks.base import CallableTask, start

    manager = QgsApplication.taskManager()
    gil.follow_tasks()
    # earlier tests' tasks and the plugin's warm-up thread (a holder) end first: then none holds it
    wait_until(lambda: manager.countActiveTasks() == 0 and gil.holders() == 0, 180)
    default = sys.getswitchinterval()
    assert default > gil.FAST_INTERVAL_S
    with gil.shared():
        with gil.shared():  # nested holders: one change
            assert sys.getswitchinterval() == gil.FAST_INTERVAL_S
        assert sys.getswitchinterval() == gil.FAST_INTERVAL_S
    assert sys.getswitchinterval() == default and gil.holders() == 0

    release, seen = threading.Event(), []

    def work(_progress):
        seen.append(sys.getswitchinterval())  # in the task's own thread
        release.wait(30)
        return True

    task = start(CallableTask("hold", work))
    wait_until(lambda: seen and sys.getswitchinterval() == gil.FAST_INTERVAL_S)
    assert QgsApplication.taskManager().countActiveTasks() >= 1
    release.set()
    wait_until(lambda: QgsApplication.taskManager().countActiveTasks() == 0)
    wait_until(lambda: sys.getswitchinterval() == default)
    assert gil.holders() == 0 and task is not None
