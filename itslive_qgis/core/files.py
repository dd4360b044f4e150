"""Checks on output locations, made before any work so that bad input loses nothing."""

from __future__ import annotations

import uuid
from pathlib import Path

from .errors import InputError


def writable_folder(folder) -> Path:
    """``folder`` as a Path after checking it exists and a file can be created in it.

    Raises :class:`InputError` saying what to change otherwise.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise InputError(f"The output folder {folder} does not exist: create it or choose another one.")
    probe = folder / f".itslive_write_probe_{uuid.uuid4().hex[:8]}"
    try:
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise InputError(
            f"Cannot write in the output folder {folder} ({exc.strerror}): choose another one."
        ) from exc
    return folder
