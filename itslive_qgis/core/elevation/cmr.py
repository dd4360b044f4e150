"""NASA CMR granule search for ATL06: the granules of an extent and a date window, and where they are.

``GET {base}/search/granules.json?short_name=ATL06&version=006&bounding_box=W,S,E,N&
temporal=START,END&page_size=N&page_num=K`` answers ``{"feed": {"entry": [...]}}``; each entry's
``title``, ``time_start``, ``time_end`` and ``links`` (``href``, ``rel``) are the only fields
used: the ``s3://`` link (rel ``.../s3#``) is read in the NASA cloud (us-west-2), the ``https``
data link (rel ``.../data#``) names the file otherwise.

Written on the standard library instead of earthaccess/python-cmr: the CMR base URL must be a
setting (the tests answer from a local server, and python-cmr fixes NASA's hosts), the search
is public (no Earthdata login is sent to CMR), and the plugin must search without earthaccess
installed. Only ``https://`` hosts under ``earthdata.nasa.gov`` and loopback addresses are
accepted as a base URL.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass

from ..errors import InputError, NetworkError

DEFAULT_CMR_URL = "https://cmr.earthdata.nasa.gov"
ENV_CMR_URL = "ITSLIVE_CMR_URL"
DEFAULT_VERSION = "006"
PAGE_SIZE = 200
MAX_PAGES = 50
S3_REL = "http://esipfed.org/ns/fedsearch/1.1/s3#"
DATA_REL = "http://esipfed.org/ns/fedsearch/1.1/data#"


@dataclass(frozen=True)
class Granule:
    """One CMR granule: its title (file name), UTC start/end (ISO text) and its links."""

    title: str
    time_start: str
    time_end: str
    s3_url: str | None
    https_url: str | None


def check_cmr_url(url: str) -> str:
    """``url`` without a trailing slash, refused unless https on earthdata.nasa.gov or loopback."""
    parts = urllib.parse.urlsplit((url or "").strip())
    host = parts.hostname or ""
    nasa = parts.scheme == "https" and (host == "earthdata.nasa.gov" or host.endswith(".earthdata.nasa.gov"))
    loopback = parts.scheme in ("http", "https") and (host.startswith("127.") or host == "localhost")
    if not (nasa or loopback):
        raise InputError(
            f"The CMR search URL {url!r} is neither NASA's (https://cmr.earthdata.nasa.gov) nor a local "
            "test server (http://127.0.0.1:PORT): correct it in the ITS_LIVE options."
        )
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def search_granules(
    bbox,
    start=None,
    end=None,
    base_url: str = DEFAULT_CMR_URL,
    short_name: str = "ATL06",
    version: str = DEFAULT_VERSION,
    timeout_s: float = 30.0,
) -> list[Granule]:
    """The granules of ``short_name``/``version`` intersecting ``bbox`` (W, S, E, N degrees) in [start, end].

    Pages through the results (``page_size`` :data:`PAGE_SIZE`, at most :data:`MAX_PAGES` pages: a
    search that would return more is refused, asking for a smaller extent or window).
    """
    base = check_cmr_url(base_url)
    params = {
        "short_name": short_name,
        "version": version,
        "bounding_box": ",".join(f"{float(v):.6f}" for v in bbox),
        "page_size": str(PAGE_SIZE),
        "sort_key": "start_date",
    }
    if start is not None or end is not None:
        params["temporal"] = f"{_iso(start, 'T00:00:00Z')},{_iso(end, 'T23:59:59Z')}"
    out: list[Granule] = []
    for page in range(1, MAX_PAGES + 1):
        url = f"{base}/search/granules.json?" + urllib.parse.urlencode({**params, "page_num": str(page)})
        entries = _get_json(url, timeout_s).get("feed", {}).get("entry", [])
        out.extend(_granule(e) for e in entries)
        if len(entries) < PAGE_SIZE:
            return out
    raise InputError(
        f"The CMR search found more than {PAGE_SIZE * MAX_PAGES} ATL06 granules: choose a smaller extent or "
        "a shorter date window."
    )


def _granule(entry: dict) -> Granule:
    s3 = https = None
    for link in entry.get("links", []):
        href, rel = link.get("href", ""), link.get("rel", "")
        if href.startswith("s3://") and (rel == S3_REL or s3 is None) and href.endswith(".h5"):
            s3 = href
        elif href.startswith("https://") and rel == DATA_REL and href.endswith(".h5") and https is None:
            https = href
    return Granule(entry.get("title", ""), entry.get("time_start", ""), entry.get("time_end", ""), s3, https)


def _get_json(url: str, timeout_s: float) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "Client-Id": "itslive_qgis"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise NetworkError(
            f"The CMR granule search at {url.split('?', 1)[0]} failed ({exc}); check the network or the CMR "
            "URL in the ITS_LIVE options, or give local ATL06 files."
        ) from exc


def _iso(value, default_time: str) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return text + default_time if len(text) == 10 else text
