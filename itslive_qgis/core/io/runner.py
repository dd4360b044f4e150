"""Coroutines on zarr's event loop, interruptible from the calling thread.

zarr's own ``sync()`` cannot be interrupted, so the coroutines run on zarr's loop and the
caller polls the future every :data:`POLL_S` seconds, cancelling it on request (requests in
flight get :data:`GRACE_S` to finish writing their chunk).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import TimeoutError as FutureTimeoutError

POLL_S = 0.1


#: on cancellation, requests in flight may finish (and write their chunk) for this long
GRACE_S = 0.5


def loop() -> asyncio.AbstractEventLoop:
    """zarr's IO event loop (a daemon thread), where every coroutine of this module runs."""
    from zarr.core.sync import sync

    try:
        return asyncio.get_running_loop()  # called from a coroutine of this module: zarr's loop
    except RuntimeError:
        return sync(_running_loop())


async def _running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def run(coro, poll=None, on_cancel=None, grace_s: float = GRACE_S):
    """Run ``coro`` on zarr's loop; call ``poll()`` every 0.1 s (it may raise, e.g. CancelledError).

    When ``poll`` raises (or the caller is interrupted), ``on_cancel()`` is called (stop starting
    requests), requests in flight get ``grace_s`` seconds to finish, then the coroutine is cancelled
    and the error is re-raised.
    """
    return wait(start(coro), poll, on_cancel, grace_s)


def start(coro):
    """Start ``coro`` on zarr's loop; returns its ``concurrent.futures.Future`` (see :func:`wait`)."""
    return asyncio.run_coroutine_threadsafe(coro, loop())


def wait(fut, poll=None, on_cancel=None, grace_s: float = GRACE_S):
    """The result of a future from :func:`start`, polling and cancelling as :func:`run` does."""
    try:
        while True:
            if poll is not None:
                poll()
            try:
                return fut.result(timeout=POLL_S)
            except FutureTimeoutError:
                pass
    except BaseException:
        stop(fut, on_cancel, grace_s)
        raise


def stop(fut, on_cancel=None, grace_s: float = GRACE_S) -> None:
    """Stop a started coroutine: ``on_cancel()``, ``grace_s`` for requests in flight, then cancel it."""
    if fut.done():
        return
    if on_cancel is not None:
        on_cancel()
    try:
        fut.result(timeout=grace_s)
    except BaseException:
        pass
    fut.cancel()
