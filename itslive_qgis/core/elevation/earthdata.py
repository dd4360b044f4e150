"""NASA Earthdata login for the NASA cloud: temporary S3 credentials, sent only where they belong.

ICESat-2 granules in ``s3://nsidc-cumulus-prod-protected`` are read with temporary AWS keys that
NSIDC's ``https://data.nsidc.earthdatacloud.nasa.gov/s3credentials`` hands out after an Earthdata
login (OAuth: it redirects to ``urs.earthdata.nasa.gov``, which takes the user name and
password, then redirects back with a code; a cookie then carries the session). Everything
ITS_LIVE stays anonymous.

Rules kept here:

- the user name and password are sent (HTTP Basic) ONLY to the login host
  (:data:`LOGIN_HOST`), over https; a redirect to a host that is neither the login host nor one
  of the data hosts (:data:`DATA_HOSTS`) is refused, and the Authorization header is never
  carried across a redirect (``add_unredirected_header``);
- neither the password nor the S3 keys are logged, written, or shown in a ``repr``;
- where the login comes from is the caller's business: the plugin reads it from the QGIS
  authentication database (an auth config id in the options); :func:`login_from_netrc` reads
  the ``~/.netrc`` entry of ``urs.earthdata.nasa.gov`` that earthaccess also uses.

Written on the standard library (not earthaccess) so that the login and data hosts can be
checked on every redirect, the tests can answer from local servers, and earthaccess's own
login (which may write ``~/.netrc``) never runs inside QGIS.
"""

from __future__ import annotations

import json
import netrc
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

from ..errors import InputError, NetworkError

LOGIN_HOST = "urs.earthdata.nasa.gov"
S3_CREDENTIALS_URL = "https://data.nsidc.earthdatacloud.nasa.gov/s3credentials"
DATA_HOSTS = ("data.nsidc.earthdatacloud.nasa.gov",)
MAX_REDIRECTS = 10
EARTHDATA_SETUP_HELP = (
    "No NASA Earthdata login is configured: create a free account at https://urs.earthdata.nasa.gov, then in "
    "QGIS Settings > Options > Authentication add a 'Basic' configuration with its user name and password "
    "and choose it in Settings > Options > ITS_LIVE (Earthdata login); or put a line 'machine "
    "urs.earthdata.nasa.gov login USER password PASS' in ~/.netrc. Local ATL06 files need no login."
)


@dataclass(frozen=True)
class EarthdataLogin:
    """An Earthdata user name and password; the password never appears in ``repr`` or ``str``."""

    username: str
    password: str = field(repr=False)

    def __post_init__(self):
        if not self.username or not self.password:
            raise InputError("The Earthdata login needs a user name and a password. " + EARTHDATA_SETUP_HELP)

    def __str__(self) -> str:
        return f"Earthdata login {self.username}"


def login_from_netrc(path=None, host: str = LOGIN_HOST) -> EarthdataLogin | None:
    """The ``machine urs.earthdata.nasa.gov`` entry of ``path`` (default ``$NETRC`` or ``~/.netrc``)."""
    path = path or os.environ.get("NETRC") or os.path.expanduser("~/.netrc")
    if not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (netrc.NetrcParseError, OSError):
        return None
    if not entry or not entry[0] or not entry[2]:
        return None
    return EarthdataLogin(entry[0], entry[2])


def s3_credentials(
    login: EarthdataLogin | None,
    url: str = S3_CREDENTIALS_URL,
    login_host: str = LOGIN_HOST,
    data_hosts=DATA_HOSTS,
    timeout_s: float = 30.0,
) -> dict:
    """Temporary S3 keys (``accessKeyId``, ``secretAccessKey``, ``sessionToken``, ``expiration``).

    ``login_host`` and ``data_hosts`` are ``host`` or ``host:port`` (tests use loopback servers);
    a non-loopback host must be reached over https.
    """
    if login is None:
        raise InputError(EARTHDATA_SETUP_HELP)
    allowed = {_netloc(url), *data_hosts}
    _check_host(url, allowed | {login_host})
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()),
        _ConfinedRedirects(login, login_host, allowed),
    )
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with opener.open(request, timeout=timeout_s) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise InputError(
                "NASA Earthdata refused the login (wrong user name or password, or the NSIDC application is "
                "not approved for this account at https://urs.earthdata.nasa.gov)."
            ) from None
        raise NetworkError(f"The Earthdata S3 credentials request failed (HTTP {exc.code}).") from None
    except urllib.error.URLError as exc:
        raise NetworkError(f"The Earthdata S3 credentials request failed ({exc.reason}).") from None
    try:
        keys = json.loads(body.decode("utf-8"))
        return {k: keys[k] for k in ("accessKeyId", "secretAccessKey", "sessionToken", "expiration")}
    except (ValueError, KeyError, TypeError):
        raise NetworkError(
            "NASA's S3 credentials answer was not the expected JSON (a login page?)."
        ) from None


class _ConfinedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects only among the allowed hosts; Basic auth only on requests to the login host."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, login: EarthdataLogin, login_host: str, data_hosts: set):
        super().__init__()
        self._login = login
        self._login_host = login_host
        self._allowed = set(data_hosts) | {login_host}

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _check_host(newurl, self._allowed)
        new = urllib.request.Request(newurl, headers={"Accept": "application/json"}, method="GET")
        if _netloc(newurl) == self._login_host:
            import base64

            token = base64.b64encode(f"{self._login.username}:{self._login.password}".encode()).decode()
            new.add_unredirected_header("Authorization", f"Basic {token}")
        return new


def _netloc(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc.lower()


def _check_host(url: str, allowed: set) -> None:
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.lower()
    loopback = (parts.hostname or "").startswith("127.")
    if host not in allowed or (parts.scheme != "https" and not loopback):
        raise NetworkError(
            f"The Earthdata login was redirected to {parts.scheme}://{host}, which is not NASA's login or "
            "data host: the request was stopped and no credentials were sent there."
        )
