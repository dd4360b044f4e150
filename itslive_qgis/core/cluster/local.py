"""``python -m itslive_qgis.core.cluster.local``: a LocalCluster in its own process.

Prints ``DASK_SCHEDULER=<address>`` once the workers are up, then serves until its stdin
closes (the parent ended or is done) or it gets SIGTERM. See :mod:`.scheduler` for why the
cluster lives in a child process.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--memory-limit", default="auto")
    args = parser.parse_args(argv)
    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=args.workers,
        threads_per_worker=args.threads,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit=args.memory_limit,
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    print(f"DASK_SCHEDULER={cluster.scheduler_address}", flush=True)
    done.wait()
    cluster.close(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
