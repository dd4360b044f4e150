"""ITS_LIVE science and data engine.

Nothing in this package imports QGIS or Qt: it runs in a notebook, a script or a
Dask worker as well as inside the plugin. Heavy libraries (xarray, zarr, torch,
s3fs) are imported inside the functions that need them.

Each room's ``__init__`` is its public face: ``__all__`` names what other rooms, the plugin and
notebooks may import, and :func:`lazy_face` imports each name from its module when first used
(some need zarr, xarray or torch, and the plugin must start, and say what is missing, without them).
"""

from __future__ import annotations

from importlib import import_module


def lazy_face(package: str, face: dict[str, str]):
    """``(__getattr__, __dir__)`` for a room ``package`` whose public names live in the modules
    ``face`` gives (name -> module of the room); a name is imported when first asked for."""

    def getattr_(name: str):
        module = face.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{module}"), name)
        setattr(import_module(package), name, value)
        return value

    def dir_():
        return sorted(set(vars(import_module(package))) | set(face))

    return getattr_, dir_
