"""Where the work runs: the DASK_SCHEDULER value, parsed once, and the client connected to it.

``""`` runs in process (no dask.distributed at all), ``"local"`` (or ``"local:N"`` for N worker
processes) starts a LocalCluster on this machine, anything else is the address of a running
``dask.distributed`` scheduler (``tcp://10.0.0.5:8786``, ``tls://...``, ``host:8786``), e.g. a
Coiled or Dask Gateway cluster's or a user's own ``dask-scheduler``.

The LocalCluster is started in a child Python process (``python -m
itslive_qgis.core.cluster.local``), never forked or spawned from the calling process:
``LocalCluster(processes=True)`` must be started from a script under ``if __name__ ==
"__main__":`` (from stdin or an embedded interpreter the nanny fails to start), and inside QGIS
or ``qgis_process`` the interpreter's ``sys.executable`` is the QGIS binary, so
multiprocessing's spawn would start QGIS again. The child prints the scheduler's address and
lives until its stdin closes (when this process ends, even by SIGKILL).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, MissingDependencyError

#: worker processes of DASK_SCHEDULER=local (each single-threaded: the kernels are not re-entrant cheap)
DEFAULT_LOCAL_WORKERS = 2
LOCAL_START_TIMEOUT_S = 120.0
_ADDRESS = re.compile(r"^(?:(?:tcp|tls|inproc|ucx|ws|wss)://)?\[?[A-Za-z0-9_.\-:]+\]?:\d{1,5}$")
_LOCAL = re.compile(r"^local(?::(?P<n>\d{1,3}))?$", re.IGNORECASE)
ADDRESS_LINE = "DASK_SCHEDULER="


@dataclass(frozen=True)
class SchedulerSpec:
    """A parsed DASK_SCHEDULER: ``kind`` is ``"in_process"``, ``"local"`` or ``"address"``."""

    kind: str
    address: str = ""
    n_workers: int = DEFAULT_LOCAL_WORKERS

    @property
    def in_process(self) -> bool:
        return self.kind == "in_process"

    def describe(self) -> str:
        """One line for logs."""
        if self.kind == "in_process":
            return "in process"
        if self.kind == "local":
            return f"a LocalCluster of {self.n_workers} worker processes on this machine"
        return f"the dask scheduler at {self.address}"


def parse_scheduler(text, parameter: str = "DASK_SCHEDULER") -> SchedulerSpec:
    """``""`` -> in process; ``"local"``/``"local:N"`` -> LocalCluster; else a scheduler address.

    Raises :class:`InputError` naming ``parameter`` for anything else.
    """
    value = (text or "").strip()
    if not value:
        return SchedulerSpec("in_process")
    local = _LOCAL.match(value)
    if local:
        n = int(local.group("n") or DEFAULT_LOCAL_WORKERS)
        if not 1 <= n <= 256:
            raise InputError(f"{parameter}: local:{n} asks for {n} workers; give 1 to 256.")
        return SchedulerSpec("local", n_workers=n)
    if _ADDRESS.match(value):
        address = value if "://" in value else f"tcp://{value}"
        return SchedulerSpec("address", address=address)
    raise InputError(
        f"{parameter}: {value!r} is not a scheduler address. Leave it empty to run in process, give "
        "'local' (or 'local:4') for a cluster on this machine, or the address of a running dask "
        "scheduler such as tcp://10.0.0.5:8786."
    )


def require_distributed():
    """The ``distributed`` module, or :class:`MissingDependencyError` saying how to install it."""
    try:
        import distributed
    except ImportError as exc:
        raise MissingDependencyError(
            "DASK_SCHEDULER needs the optional package 'distributed' (dask.distributed), which is not "
            "installed: install the 'distributed' set with itslive:installdependencies (or pip install "
            "distributed==2026.8.0), or leave DASK_SCHEDULER empty to run in process."
        ) from exc
    return distributed


@contextlib.contextmanager
def connect(spec: SchedulerSpec, timeout_s: float = 30.0):
    """A ``distributed.Client`` for ``spec`` (a LocalCluster child process for ``"local"``).

    The client and, for ``"local"``, the cluster are closed on exit.
    """
    if spec.in_process:
        raise InputError("connect() needs a scheduler: DASK_SCHEDULER is empty (in process).")
    distributed = require_distributed()
    child = None
    address = spec.address
    if spec.kind == "local":
        child, address = start_local_cluster(spec.n_workers)
    try:
        try:
            client = distributed.Client(address, timeout=f"{timeout_s}s", set_as_default=False)
        except OSError as exc:
            raise InputError(
                f"DASK_SCHEDULER: no dask scheduler answered at {address} within {timeout_s:g} s ({exc}): "
                "check the address and that the scheduler runs."
            ) from exc
        try:
            yield client
        finally:
            client.close()
    finally:
        if child is not None:
            stop_local_cluster(child)


def start_local_cluster(n_workers: int, threads_per_worker: int = 1, memory_limit: str = "auto"):
    """Start ``python -m itslive_qgis.core.cluster.local`` and return ``(process, address)``."""
    python = python_executable()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(_python_path())
    cmd = [
        python,
        "-m",
        "itslive_qgis.core.cluster.local",
        "--workers",
        str(int(n_workers)),
        "--threads",
        str(int(threads_per_worker)),
        "--memory-limit",
        str(memory_limit),
    ]
    log = tempfile.TemporaryFile(mode="w+")  # the cluster's log (a pipe would fill and block it)
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env=env,
        cwd=str(Path.home()),
    )
    proc.log = log
    line = proc.stdout.readline().strip()
    if not line.startswith(ADDRESS_LINE):
        with contextlib.suppress(Exception):
            proc.kill()
            proc.wait(timeout=10)
        log.seek(0)
        err = log.read().strip().splitlines()[-5:]
        log.close()
        raise InputError(
            f"DASK_SCHEDULER=local: the LocalCluster did not start with {python} "
            f"({' / '.join(err) or line or 'no output'})."
        )
    return proc, line[len(ADDRESS_LINE) :]


def stop_local_cluster(proc, timeout_s: float = 20.0) -> None:
    """Close the child's stdin (it shuts its cluster down), then terminate/kill it if it lingers."""
    with contextlib.suppress(Exception):
        proc.stdin.close()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for stream in (proc.stdout,):
        with contextlib.suppress(Exception):
            stream.close()


def python_executable() -> str:
    """A Python interpreter of this installation (not the QGIS binary that embeds it)."""
    exe = sys.executable or ""
    if os.path.basename(exe).lower().startswith("python"):
        return exe
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for folder in (os.path.join(sys.exec_prefix, "bin"), os.path.join(sys.prefix, "bin"), "/usr/bin"):
        for name in (version, "python3"):
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    found = shutil.which(version) or shutil.which("python3")
    if not found:
        raise InputError("DASK_SCHEDULER=local: no Python interpreter found to start the LocalCluster.")
    return found


def _python_path() -> list[str]:
    """This process's import path (venv, system and plugin folders), so the workers import the same."""
    package_parent = str(Path(__file__).resolve().parents[3])
    paths = [package_parent] + [p for p in sys.path if p and os.path.isdir(p)]
    return list(dict.fromkeys(paths))
