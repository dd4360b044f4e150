"""Output locations: checks made before any work, and the one atomic-write helper every writer uses.

Rules (so that bad input loses nothing):

* an existing *file* given as an output is replaced (the user chose it in a save dialog);
* an existing *folder* is replaced only when it is a Zarr store this plugin wrote (its
  ``.zattrs``/``.zmetadata``/``zarr.json`` global attributes carry ``software =
  "itslive_qgis ..."``); any other folder, e.g. ``My Field Data.zarr/`` with photos in it
  or a folder named ``x.nc``, is refused with an :class:`InputError` naming the parameter;
* every output is first written under a temporary name in the same folder
  (``.<name>.<pid>.<8 hex>.itslive-part<suffix>``, the only temporary-name scheme), then
  renamed onto the final name; on any error or cancellation the temporary is removed;
* temporary files left by earlier runs that were killed (SIGKILL, power cut) are removed
  by the next write into the same folder: those whose process is gone, or older than a day.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
import uuid
from pathlib import Path

from ..errors import InputError

#: every temporary output is named ``.<final name>.<pid>.<hex8>.itslive-part<final suffix>``
TEMP_TAG = ".itslive-part"
_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.(?P<hex>[0-9a-f]{8})\.itslive-part(?:\.[^.]*)?$")
#: names of temporaries written by earlier versions (``.<name>.<hex8>.part``, ``.<name>.<pid>.tmp``, ...)
_LEGACY_RE = re.compile(
    r"^\.(?P<name>.+?)\.(?:[0-9a-f]{8}\.part(?:\.tif)?|[0-9a-f]{8}\.old|\d+\.tmp|[0-9a-f]{8}\.tmp(?:\.[^.]*)?)$"
)
STALE_AGE_S = 24 * 3600.0
#: value prefix of the ``software`` global attribute of everything this plugin writes
SOFTWARE_PREFIX = "itslive_qgis"


def writable_folder(folder, parameter: str | None = None) -> Path:
    """``folder`` as a Path after checking it exists and a file can be created in it.

    Raises :class:`InputError` saying what to change otherwise.
    """
    folder = Path(folder).expanduser()
    where = f" ({parameter})" if parameter else ""
    if not folder.is_dir():
        raise InputError(
            f"The output folder {folder}{where} does not exist: create it or choose another one."
        )
    probe = folder / f".itslive_write_probe_{uuid.uuid4().hex[:8]}"
    try:
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise InputError(
            f"Cannot write in the output folder {folder}{where} ({exc.strerror}): choose another one."
        ) from exc
    return folder


def check_output(path, parameter: str = "OUTPUT", suffixes=None) -> Path:
    """Check an output path before any work; return it as an absolute Path.

    Parameters
    ----------
    path : str or path-like
        The output file (or ``.zarr`` store) the user asked for.
    parameter : str
        Name of the parameter, used in the messages.
    suffixes : iterable of str, optional
        Allowed suffixes (lower case, with the dot); None allows any.

    Raises
    ------
    InputError
        No path; wrong suffix; the folder is missing or read-only; the path is an existing
        folder that is not a store this plugin wrote (it would be lost).
    """
    if path is None or str(path).strip() == "":
        raise InputError(f"{parameter}: no output file given: choose a file name.")
    path = Path(str(path).strip()).expanduser().absolute()
    if suffixes is not None:
        allowed = tuple(s.lower() for s in suffixes)
        if path.suffix.lower() not in allowed:
            raise InputError(
                f"{parameter}: {path.name} has an unsupported extension: use one of {', '.join(allowed)}."
            )
    if path.is_dir() and not path.is_symlink() and not is_own_store(path):
        raise InputError(
            f"{parameter}: {path} is an existing folder that this plugin did not write; it is left "
            "untouched. Choose a new file name (or delete the folder yourself)."
        )
    writable_folder(path.parent, parameter)
    return path


#: names of the files a Zarr store holds (metadata, v2 chunk keys "0.1.2", v3 "c/0/1/2")
_ZARR_FILE = re.compile(r"^(\.zattrs|\.zgroup|\.zarray|\.zmetadata|zarr\.json|\d+(\.\d+)*)$")


def is_own_store(path) -> bool:
    """True when ``path`` is a Zarr store (v2 or v3) that this plugin wrote and nobody added to.

    Its global attributes say ``software = "itslive_qgis ..."`` and every file in it is a Zarr
    metadata or chunk file (a photo put into an old output keeps that output from being replaced).
    """
    path = Path(path)
    return _says_own(path) and _only_zarr_files(path)


def _only_zarr_files(path: Path) -> bool:
    for _, _, files in os.walk(path):
        if any(not _ZARR_FILE.match(name) for name in files):
            return False
    return True


def _says_own(path: Path) -> bool:
    for name in (".zattrs", ".zmetadata", "zarr.json"):
        meta = path / name
        if not meta.is_file():
            continue
        try:
            doc = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if name == ".zmetadata":
            attrs = doc.get("metadata", {}).get(".zattrs", {})
        elif name == "zarr.json":
            attrs = doc.get("attributes", {})
        else:
            attrs = doc
        if isinstance(attrs, dict) and str(attrs.get("software", "")).startswith(SOFTWARE_PREFIX):
            return True
    return False


def temp_path(final) -> Path:
    """The temporary name of ``final``: same folder, hidden, this process's id, same suffix."""
    final = Path(final)
    return final.with_name(f".{final.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}{TEMP_TAG}{final.suffix}")


@contextlib.contextmanager
def atomic_output(final, parameter: str = "OUTPUT", suffixes=None):
    """Context manager yielding a temporary path to write; on success it replaces ``final``.

    ``final`` is checked with :func:`check_output` first (an existing folder that is not
    this plugin's store is never replaced); stale temporaries of earlier killed runs in
    the same folder are removed. The temporary (file or folder) is removed on any error,
    cancellation included. Replacing an existing store moves it aside under a temporary
    name, renames the new one in, then removes the old one.

    Example
    -------
    >>> with atomic_output("out.nc") as tmp:  # doctest: +SKIP
    ...     ds.to_netcdf(tmp)
    """
    final = check_output(final, parameter, suffixes)
    clean_stale_temporaries(final.parent)
    tmp = temp_path(final)
    try:
        yield tmp
        if not tmp.exists():
            raise InputError(f"{parameter}: nothing was written to {final}.")
        commit(tmp, final, parameter)
    except BaseException:
        remove_path(tmp)
        raise


def commit(tmp, final, parameter: str = "OUTPUT") -> None:
    """Rename ``tmp`` onto ``final``, replacing a file or one of this plugin's stores."""
    tmp, final = Path(tmp), Path(final)
    if final.is_dir() and not final.is_symlink():
        if not is_own_store(final):  # checked again: it may have appeared while we worked
            raise InputError(
                f"{parameter}: {final} is an existing folder that this plugin did not write; it is left "
                "untouched. Choose a new file name."
            )
        old = temp_path(final)
        os.replace(final, old)
        try:
            os.replace(tmp, final)
        except BaseException:
            os.replace(old, final)
            raise
        remove_path(old)
    elif tmp.is_dir() and (final.exists() or final.is_symlink()):
        old = temp_path(final)
        os.replace(final, old)
        os.replace(tmp, final)
        remove_path(old)
    else:
        os.replace(tmp, final)


def write_bytes(final, data: bytes) -> Path:
    """Write ``data`` to ``final`` atomically (temporary name, then rename), creating its folder.

    For the plugin's own files (caches): no output check, the same temporary-name scheme.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(final)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, final)
    except BaseException:
        remove_path(tmp)
        raise
    return final


def remove_path(path) -> None:
    """Remove a temporary file or folder (nothing when absent)."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def clean_stale_temporaries(folder) -> list[Path]:
    """Remove the temporaries of earlier runs in ``folder`` that are no longer being written.

    A temporary is stale when the process named in it is gone or it is older than
    :data:`STALE_AGE_S`; temporaries of this plugin's earlier versions (no process id in
    the name) are stale after an hour. Returns the removed paths.
    """
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not entry.name.startswith("."):
            continue
        try:
            age = now - entry.lstat().st_mtime
        except OSError:
            continue
        match = _TEMP_RE.match(entry.name)
        if match:
            pid = int(match.group("pid"))
            stale = age > STALE_AGE_S or (pid != os.getpid() and not _process_alive(pid))
        else:
            stale = bool(_LEGACY_RE.match(entry.name)) and age > 3600.0
        if stale:
            remove_path(entry)
            removed.append(entry)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
