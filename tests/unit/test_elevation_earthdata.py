"""Earthdata login: the password goes to the login host only, never to data hosts, redirects or logs.

Three real HTTP servers on 127.0.0.1 play NSIDC's s3credentials endpoint (the data host), the
Earthdata login host (OAuth with HTTP Basic), and a stranger a redirect may point to.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from itslive_qgis.core.elevation.earthdata import (
    EARTHDATA_SETUP_HELP,
    EarthdataLogin,
    login_from_netrc,
    s3_credentials,
)
from itslive_qgis.core.errors import InputError, NetworkError

USER, PASSWORD = "glaciologist", "s3cr3t-Pa55word!"
KEYS = {
    "accessKeyId": "ASIAFIXTURE",
    "secretAccessKey": "fixture-secret-key",
    "sessionToken": "tok",
    "expiration": "x",
}


class _Server:
    def __init__(self, handler):
        self.seen: list[dict] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler(self))
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(kind, servers):
    def make(server):
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, code, body=b"", headers=()):
                self.send_response(code)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                server.seen.append({"path": self.path, "headers": dict(self.headers)})
                parts = urllib.parse.urlsplit(self.path)
                if kind == "data":
                    if parts.path == "/s3credentials" and "session=ok" in self.headers.get("Cookie", ""):
                        return self._send(200, json.dumps(KEYS).encode())
                    if parts.path == "/s3credentials":
                        back = urllib.parse.quote(f"http://{server.netloc}/callback")
                        where = servers["redirect_login_to"]()
                        return self._send(
                            302, headers=[("Location", f"http://{where}/oauth/authorize?redirect_uri={back}")]
                        )
                    if parts.path == "/callback":
                        return self._send(
                            302,
                            headers=[
                                ("Set-Cookie", "session=ok; Path=/"),
                                ("Location", f"http://{server.netloc}/s3credentials"),
                            ],
                        )
                if kind == "login":
                    expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                    if self.headers.get("Authorization") != expected:
                        return self._send(401)
                    back = urllib.parse.parse_qs(parts.query)["redirect_uri"][0]
                    return self._send(302, headers=[("Location", f"{back}?code=abc")])
                return self._send(404)

        return H

    return make


@pytest.fixture()
def hosts():
    servers: dict = {}
    servers["login"] = _Server(_handler("login", servers))
    servers["stranger"] = _Server(_handler("stranger", servers))
    servers["redirect_login_to"] = lambda: servers["login"].netloc
    servers["data"] = _Server(_handler("data", servers))
    yield servers
    for k in ("login", "stranger", "data"):
        servers[k].close()


def _all_text(caplog, capsys, tmp_path) -> str:
    out, err = capsys.readouterr()
    files = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    return caplog.text + out + err + files


def test_the_password_goes_to_the_login_host_only(hosts, caplog, capsys, tmp_path):
    caplog.set_level(logging.DEBUG)
    login = EarthdataLogin(USER, PASSWORD)
    keys = s3_credentials(
        login, f"http://{hosts['data'].netloc}/s3credentials", login_host=hosts["login"].netloc, data_hosts=()
    )
    assert keys == KEYS
    assert any("Authorization" in r["headers"] for r in hosts["login"].seen)
    assert len(hosts["data"].seen) == 3 and not any(
        "Authorization" in r["headers"] for r in hosts["data"].seen
    )
    assert PASSWORD not in repr(login) and PASSWORD not in str(login)
    text = _all_text(caplog, capsys, tmp_path)
    assert PASSWORD not in text and base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode() not in text
    assert KEYS["secretAccessKey"] not in text


def test_a_redirect_to_another_host_is_refused_before_any_credential(hosts, caplog, capsys, tmp_path):
    hosts["redirect_login_to"] = lambda: hosts["stranger"].netloc
    with pytest.raises(NetworkError, match="not NASA's login or data host") as info:
        s3_credentials(
            EarthdataLogin(USER, PASSWORD),
            f"http://{hosts['data'].netloc}/s3credentials",
            login_host=hosts["login"].netloc,
            data_hosts=(),
        )
    assert hosts["stranger"].seen == [] and hosts["login"].seen == []
    assert PASSWORD not in str(info.value) and PASSWORD not in _all_text(caplog, capsys, tmp_path)


def test_a_wrong_password_says_so(hosts):
    with pytest.raises(InputError, match="refused the login"):
        s3_credentials(
            EarthdataLogin(USER, "wrong"),
            f"http://{hosts['data'].netloc}/s3credentials",
            login_host=hosts["login"].netloc,
            data_hosts=(),
        )


def test_no_login_says_what_to_set_up():
    with pytest.raises(InputError) as info:
        s3_credentials(None)
    assert str(info.value) == EARTHDATA_SETUP_HELP
    assert (
        "Authentication" in EARTHDATA_SETUP_HELP
        and ".netrc" in EARTHDATA_SETUP_HELP
        and "urs.earthdata.nasa.gov" in EARTHDATA_SETUP_HELP
    )


def test_netrc_entry(tmp_path):
    path = tmp_path / "netrc"
    path.write_text(f"machine urs.earthdata.nasa.gov login {USER} password {PASSWORD}\n")
    path.chmod(0o600)
    assert login_from_netrc(path) == EarthdataLogin(USER, PASSWORD)
    assert login_from_netrc(tmp_path / "absent") is None
    other = tmp_path / "other"
    other.write_text("machine example.com login a password b\n")
    other.chmod(0o600)
    assert login_from_netrc(other) is None


def test_https_is_required_for_nasa_hosts():
    with pytest.raises(NetworkError, match="not NASA's"):
        s3_credentials(
            EarthdataLogin(USER, PASSWORD), "http://data.nsidc.earthdatacloud.nasa.gov/s3credentials"
        )
