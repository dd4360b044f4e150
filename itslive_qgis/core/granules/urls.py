"""Where an image-pair granule is read from: its bucket key, the GDAL path and its browse image.

Cubes name each pair's source granule in ``granule_url`` (``https://its-live-data.s3.amazonaws.com/
velocity_image_pair/{landsatOLI|sentinel1|sentinel2}/v02/{N70W040}/{id1}_X_{id2}_G0120V02_P{ppp}.nc``).
GDAL reads such a NetCDF-4 file through ``/vsis3/`` (or ``/vsicurl/``) with HTTP range requests: the
HDF5 header, then only the chunks of the variables drawn, never the whole file. The key is read
from the configured store (the ITS_LIVE bucket or its mirror), with the same endpoint confinement
as the cubes: a URL on another host is refused unless other hosts are allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..io import DEFAULT_BUCKET, StoreConfig, is_remote, to_s3_url

#: ``{id1}_X_{id2}_G{grid:04d}V{version:02d}_P{percent:03d}.nc``
_NAME = re.compile(
    r"^(?P<id1>.+?)_X_(?P<id2>.+)_G(?P<grid>\d{4})V(?P<version>\d{2})_P(?P<percent>\d{3})\.nc$"
)
GRANULE_PREFIX = "velocity_image_pair/"


def granule_name(url: str) -> str:
    """The file name of a granule URL or path (``..._P059.nc``)."""
    return str(url).rstrip("/").rsplit("/", 1)[-1]


def parse_granule_name(name: str) -> dict:
    """``id1``, ``id2``, ``grid_m`` (120), ``version`` (2) and ``valid_percent`` (0-100) of a granule name.

    Raises
    ------
    InputError
        The name does not follow the ITS_LIVE granule naming.
    """
    match = _NAME.match(granule_name(name))
    if match is None:
        raise InputError(
            f"{name!r} is not an ITS_LIVE image-pair granule name ({{img1}}_X_{{img2}}_G0120V02_P000.nc)."
        )
    return {
        "id1": match.group("id1"),
        "id2": match.group("id2"),
        "grid_m": int(match.group("grid")),
        "version": int(match.group("version")),
        "valid_percent": int(match.group("percent")),
    }


def granule_key(url: str) -> str:
    """The bucket key (``velocity_image_pair/...nc``) of an ITS_LIVE granule URL (https or s3)."""
    s3 = to_s3_url(str(url))
    if not s3.startswith("s3://"):
        raise InputError(f"{url} is not a granule URL of the ITS_LIVE bucket.")
    key = s3[5:].partition("/")[2]
    if not key.endswith(".nc") or ".." in key.split("/"):
        raise InputError(f"{url} does not name an image-pair granule (.nc) in the bucket.")
    return key


def granule_source(url: str, config: StoreConfig | None = None, allow_other_hosts: bool = False) -> str:
    """The GDAL path of a granule: ``/vsis3/<bucket>/<key>`` in the configured store, or a local path.

    ITS_LIVE https URLs and ``s3://its-live-data/...`` map onto the configured bucket (so a mirror
    serves them); another http(s) host becomes ``/vsicurl/<url>`` only with ``allow_other_hosts``.
    Local files are returned as they are (they must exist).

    Raises
    ------
    InputError
        Empty URL, a missing local file, or a host/bucket that is not the configured store.
    """
    text = str(url).strip()
    if not text:
        raise InputError("No granule URL: this pair has no granule_url in the cube.")
    config = config or StoreConfig.from_env()
    if not is_remote(text) and not text.startswith("/vsi"):
        path = Path(text.removeprefix("file://")).expanduser()
        if not path.is_file():
            raise InputError(f"No granule file at {path}.")
        return str(path)
    if text.startswith("/vsi"):
        return text
    s3 = to_s3_url(text)
    if s3.startswith("s3://"):
        bucket, _, key = s3[5:].partition("/")
        if bucket in (config.bucket, DEFAULT_BUCKET):
            granule_key(s3)
            return f"/vsis3/{config.bucket}/{key}"
        if allow_other_hosts:
            return f"/vsis3/{bucket}/{key}"
    elif allow_other_hosts:
        return "/vsicurl/" + text
    raise InputError(
        f"{text} is not in the ITS_LIVE bucket nor the configured store ({config.describe()}): it was not "
        "contacted. Allow other hosts in the ITS_LIVE options if you trust that server."
    )


def browse_url(url: str) -> str:
    """The browse image beside a granule: the same URL or path ending in ``.png`` instead of ``.nc``."""
    text = str(url).strip()
    if not text.lower().endswith(".nc"):
        raise InputError(f"{text} is not a granule (.nc): it has no browse image beside it.")
    return text[:-3] + ".png"
