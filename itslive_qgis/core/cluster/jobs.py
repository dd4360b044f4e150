"""Submitting block tasks and following them: progress from the futures, cancel cancels them."""

from __future__ import annotations

import time
import uuid

from ..errors import CancelledError
from ..progress import NullProgress

POLL_S = 0.25
#: after a cancel, how long to wait for tasks already running on workers to return
CANCEL_GRACE_S = 60.0
#: retries of a task that raised (a worker that died is handled by the scheduler, not counted here)
TASK_RETRIES = 2


class ClusterRun:
    """Tasks of one run on ``client``: submitted with unique keys, followed with progress."""

    def __init__(self, client, progress=None, label: str = "itslive"):
        self.client = client
        self.progress = progress or NullProgress()
        self.token = f"{label}-{uuid.uuid4().hex[:10]}"
        self.futures = []

    def submit(self, fn, *args, name: str = "task", **kwargs):
        """One task (pure=False: a retry recomputes; ``retries`` for exceptions such as network errors)."""
        future = self.client.submit(
            fn,
            *args,
            key=f"{self.token}-{name}-{len(self.futures)}",
            pure=False,
            retries=TASK_RETRIES,
            **kwargs,
        )
        self.futures.append(future)
        return future

    def result(self, future):
        """Wait for one future, polling cancellation."""
        return self.gather([future])[0]

    def gather(self, futures, start: float = 0.0, stop: float = 1.0) -> list:
        """Results of ``futures`` in their order; progress runs from ``start`` to ``stop``.

        Each result is fetched as soon as its task finishes and the future is released: a result
        kept on a worker that dies would make the scheduler run its task again (for the template
        task, that would wipe the blocks already written). On cancellation the futures are
        cancelled, tasks already running are waited for (up to :data:`CANCEL_GRACE_S`, so none
        writes after the caller cleans up) and :class:`CancelledError` is raised. A task's
        exception is raised as is.
        """
        total = max(1, len(futures))
        results: dict[int, object] = {}
        while len(results) < len(futures):
            if self.progress.is_cancelled():
                self.cancel()
                raise CancelledError("Cancelled: the cluster's tasks were cancelled.")
            for i, future in enumerate(futures):
                if i in results:
                    continue
                if future.status == "error":
                    try:  # the task's own exception, fetched before the cancel forgets it
                        future.result()
                    finally:
                        self.cancel()
                if future.status == "cancelled":
                    self.cancel()
                    future.result()  # raises dask's cancelled error
                if future.status == "finished":
                    results[i] = future.result()
                    self._forget(future)
            self.progress.report(start + (stop - start) * len(results) / total)
            if len(results) < len(futures):
                time.sleep(POLL_S)
        return [results[i] for i in range(len(futures))]

    def _forget(self, future) -> None:
        future.release()
        self.futures = [f for f in self.futures if f.key != future.key]

    def cancel(self) -> None:
        """Cancel every task of this run and wait until none of them runs on a worker."""
        self.client.cancel(self.futures, force=True)
        keys = {f.key for f in self.futures}
        deadline = time.monotonic() + CANCEL_GRACE_S
        while time.monotonic() < deadline:
            try:
                running = self.client.run(_executing_keys)
            except Exception:  # workers gone: nothing runs any more
                return
            if not any(keys & set(found) for found in running.values()):
                return
            time.sleep(POLL_S)


def _executing_keys(dask_worker=None) -> list:
    """Keys of the tasks executing on this worker (run on every worker by ``client.run``)."""
    if dask_worker is None:
        return []
    return [ts.key for ts in dask_worker.state.executing]
