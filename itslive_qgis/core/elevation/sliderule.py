"""SlideRule's ICESat-2 ATL06 services as a source of ``itslive:icesat2heights`` (online only).

SlideRule (https://slideruleearth.io, University of Washington / NASA) processes ICESat-2 data on
demand in the cloud and streams the result back; its Python client (the ``sliderule`` package)
turns the stream into a GeoDataFrame. Two of its services give land-ice heights:

- ``atl06sp`` (:data:`ATL06_SUBSET`): the ATL06 standard product, subset server-side to the
  polygon and dates. Its columns ``h_li``, ``h_li_sigma``, ``atl06_quality_summary``,
  ``segment_id``, ``rgt``, ``cycle``, ``spot``, ``gt`` are the granules' own values: the same
  heights as reading the granules (the other sources of the algorithm);
- ``atl06p`` (:data:`ATL06_SR`): ATL06-SR, SlideRule's own fit of ATL03 photons (40 m segments
  every 20 m, land-ice surface type, high-confidence photons: :data:`ATL06SR_PARMS`). Its
  ``h_mean``/``h_sigma`` are NOT ATL06's ``h_li``/``h_li_sigma`` (no first-photon-bias or
  transmit-pulse corrections, a different photon selection): they are written in the same
  fields so the layer works everywhere the heights do, and the algorithm says so. It has no
  ``atl06_quality_summary``: ``quality`` is then SlideRule's ``pflags`` (0 = no processing flag).

Why the client and not our own HTTP code: the service's record stream is binary with
server-defined record layouts (fetched from ``/source/definition``); the client parses it.
The client is optional (the ``sliderule`` set of the installer, installed without its
dependencies: its requirements would replace QGIS's pyproj/shapely/numpy, see :mod:`deps`).

The service searches NASA's CMR itself for the polygon and dates: no Earthdata login is needed
for the public cluster. Hosts: a bare domain (``slideruleearth.io``) means the public cluster
``https://sliderule.<domain>``; ``http://`` is accepted for loopback addresses only (a local
server speaking the protocol, as the tests use). Times in the stream are nanoseconds since
1970-01-01 UTC (TIME8); positions are longitude/latitude in ITRF2014 (EPSG:7912), which differs
from EPSG:4326 by centimetres.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import numpy as np

from ..errors import InputError, MissingDependencyError, NetworkError
from ..progress import check_cancelled
from .atl06 import COLUMNS, FILL_THRESHOLD, HeightQuery

DEFAULT_URL = "slideruleearth.io"
ATL06_SUBSET = "atl06sp"
ATL06_SR = "atl06p"
PRODUCTS = (ATL06_SUBSET, ATL06_SR)
SLIDERULE_PRODUCTS = PRODUCTS
#: SlideRule's ground-track codes (``gt`` column) -> ATL06 beam names
GT_NAMES = {10: "gt1l", 20: "gt1r", 30: "gt2l", 40: "gt2r", 50: "gt3l", 60: "gt3r"}
#: SlideRule's ``spot`` numbers of the strong beams (spots 1, 3, 5 whatever the yaw)
STRONG_SPOTS = (1, 3, 5)
#: ATL06-SR processing as close to ATL06 as its parameters go: land ice (srt 3), high-confidence
#: photons (cnf 4), 40 m segments every 20 m, at least 10 photons over 20 m along track
ATL06SR_PARMS = {"srt": 3, "cnf": 4, "len": 40.0, "res": 20.0, "ats": 20.0, "cnt": 10}
#: the columns each product must have (their height, its sigma, their quality flag)
PRODUCT_COLUMNS = {
    ATL06_SUBSET: ("h_li", "h_li_sigma", "atl06_quality_summary"),
    ATL06_SR: ("h_mean", "h_sigma", "pflags"),
}
SLIDERULE_INSTALL_HELP = (
    "SlideRule's client is not installed: itslive:installdependencies SETS=sliderule (it installs "
    "sliderule==5.7.0 WITHOUT its dependencies, with pyarrow==23.0.1; its own requirements would "
    "replace QGIS's pyproj, shapely and numpy). Or read ATL06 granules instead (files, s3:// or the "
    "CMR search)."
)
_LOCK = threading.Lock()  # the client keeps one global session
#: SlideRule's alert codes that do not make an answer incomplete: INFO (0) and EMPTY_SUBSET (-4, a
#: granule the CMR search found whose tracks miss the polygon: documented as harmless)
HARMLESS_ALERTS = (0, -4)


def request_parms(query: HeightQuery, product: str = ATL06_SUBSET) -> dict:
    """The ``parms`` SlideRule is sent: the extent as a counter-clockwise polygon, t0/t1 (UTC).

    Beams and quality are applied to the answer (:func:`frame_from_sliderule`): SlideRule
    selects beams by name, and which beam of a pair is strong depends on the spacecraft's yaw.
    """
    if product not in PRODUCTS:
        raise InputError(f"SlideRule product {product!r}: choose {' or '.join(PRODUCTS)}.")
    if query.bbox is None:
        raise InputError("SlideRule needs an EXTENT: it searches and subsets the granules of that polygon.")
    w, s, e, n = (float(v) for v in query.bbox)
    parms: dict = {
        "poly": [
            {"lon": w, "lat": s},
            {"lon": e, "lat": s},
            {"lon": e, "lat": n},
            {"lon": w, "lat": n},
            {"lon": w, "lat": s},
        ]
    }
    if query.start is not None:
        parms["t0"] = _iso(np.datetime64(query.start, "s"))
    if query.end is not None:
        parms["t1"] = _iso(_end_of_day(query.end))
    if product == ATL06_SR:
        parms.update(ATL06SR_PARMS)
    return parms


def read_sliderule(
    query: HeightQuery,
    product: str = ATL06_SUBSET,
    url: str = DEFAULT_URL,
    progress=None,
    timeout_s=(10, 600),
):
    """The segments SlideRule's ``product`` gives for ``query``, as :func:`atl06.read_heights` returns.

    Raises :class:`MissingDependencyError` without the client, :class:`NetworkError` naming the
    host when the service cannot be reached or answers an error. Cancelling takes effect before
    and after the request (the client's request itself cannot be interrupted).
    """
    parms = request_parms(query, product)
    domain, cluster, shown = sliderule_host(url)
    try:
        import sliderule
        from sliderule import icesat2
    except ImportError as exc:
        raise MissingDependencyError(SLIDERULE_INSTALL_HELP) from exc
    check_cancelled(progress)
    with _LOCK:
        try:
            sliderule.init(url=domain, organization=cluster, rethrow=True, verbose=False)
            sliderule.set_rqst_timeout(tuple(timeout_s))
            call = icesat2.atl06sp if product == ATL06_SUBSET else icesat2.atl06p
            alerts: list[dict] = []
            gdf = call(parms, callbacks={"exceptrec": lambda rec, _session: alerts.append(rec)})
        except sliderule.FatalError as exc:
            raise NetworkError(
                f"SlideRule at {shown} did not answer ({exc}): check the network connection and the "
                "SlideRule URL, or read ATL06 granules instead."
            ) from exc
    failures = [
        a for a in alerts if int(a.get("code", 0)) < 0 and int(a.get("code", 0)) not in HARMLESS_ALERTS
    ]
    if failures:  # some granules were not processed: the answer would be silently incomplete
        raise NetworkError(
            f"SlideRule at {shown} reported {len(failures)} failure(s), e.g. "
            f"{failures[0].get('text', '')!r}: its answer is incomplete; run again later, or narrow the "
            "EXTENT or the dates."
        )
    check_cancelled(progress)
    if progress is not None:
        progress.report(1.0)
    return frame_from_sliderule(gdf, query, product)


def sliderule_host(url: str) -> tuple[str, str | None, str]:
    """``(domain, cluster, shown)`` for the client: a public domain, or a loopback ``http://`` URL."""
    text = (url or DEFAULT_URL).strip().rstrip("/")
    if "://" not in text:
        if not text or any(ch in text for ch in "/ ?#@"):
            raise InputError(f"SlideRule URL {url!r}: give a domain such as {DEFAULT_URL}.")
        return text, "sliderule", f"https://sliderule.{text}"
    parts = urlsplit(text)
    host = parts.hostname or ""
    if parts.scheme != "http" or not (host == "localhost" or host.startswith("127.")) or parts.path:
        raise InputError(
            f"SlideRule URL {url!r}: give a domain such as {DEFAULT_URL} (the public cluster over "
            "https); http://host:port is accepted for a server on this machine (127.0.0.1) only."
        )
    return parts.netloc, None, text


def frame_from_sliderule(gdf, query: HeightQuery, product: str = ATL06_SUBSET):
    """SlideRule's GeoDataFrame mapped to the columns of :func:`atl06.read_heights` (:data:`COLUMNS`).

    ``h_li``/``h_li_sigma``/``quality`` take ``h_li``/``h_li_sigma``/``atl06_quality_summary``
    (atl06sp) or ``h_mean``/``h_sigma``/``pflags`` (atl06p, see the module's note); ``time`` is
    the frame's UTC time index; ``beam`` comes from ``gt``, ``strong`` from ``spot``. Fill heights,
    points outside the extent or the dates, weak beams (``query.beams == "strong"``) and, with
    ``query.quality_only``, flagged segments are dropped.
    """
    import pandas as pd

    height, sigma, flag = PRODUCT_COLUMNS[product]
    if gdf is None or len(gdf) == 0:
        return pd.DataFrame({c: [] for c in COLUMNS})
    missing = [c for c in (height, sigma, flag, "gt", "spot", "cycle", "rgt") if c not in gdf.columns]
    if missing:
        raise NetworkError(
            f"SlideRule's {product} answer has no column {', '.join(missing)}: the service changed; "
            "update the plugin or read ATL06 granules instead."
        )
    time = _utc_times(gdf)
    lon = np.asarray(gdf.geometry.x, float)
    lat = np.asarray(gdf.geometry.y, float)
    h = np.asarray(gdf[height], float)
    s = np.asarray(gdf[sigma], float)
    quality = np.asarray(gdf[flag]).astype(np.int64)
    spot = np.asarray(gdf["spot"]).astype(int)
    beam = np.array([GT_NAMES.get(int(g), f"gt{int(g)}") for g in np.asarray(gdf["gt"])], dtype=object)
    keep = np.isfinite(h) & (np.abs(h) < FILL_THRESHOLD) & _inside(lon, lat, query.bbox)
    keep &= _in_dates(time, query)
    strong = np.isin(spot, STRONG_SPOTS)
    if query.beams == "strong":
        keep &= strong
    if query.quality_only:
        keep &= quality == 0
    s = np.where(np.isfinite(s) & (np.abs(s) < FILL_THRESHOLD), s, np.nan)
    segment = (
        np.asarray(gdf["segment_id"]).astype(np.int64) if "segment_id" in gdf.columns else np.zeros(len(h))
    )
    frame = pd.DataFrame(
        {
            "longitude": lon[keep],
            "latitude": lat[keep],
            "h_li": h[keep],
            "h_li_sigma": s[keep],
            "time": time[keep],
            "beam": beam[keep],
            "strong": strong[keep],
            "cycle": np.asarray(gdf["cycle"]).astype(int)[keep],
            "rgt": np.asarray(gdf["rgt"]).astype(int)[keep],
            "quality": quality[keep],
            "segment_id": segment[keep].astype(np.int64),
            "granule": [f"SlideRule {product}"] * int(keep.sum()),
        }
    )
    return frame.sort_values(["rgt", "cycle", "beam", "time"], kind="stable").reset_index(drop=True)


def _utc_times(gdf) -> np.ndarray:
    """datetime64[ns] UTC of each row: the client's time index (or a ``time`` column)."""
    import pandas as pd

    values = gdf["time"] if "time" in gdf.columns else gdf.index
    stamps = pd.to_datetime(pd.Series(np.asarray(values)))
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.to_numpy().astype("datetime64[ns]")


def _inside(lon, lat, bbox) -> np.ndarray:
    if bbox is None:
        return np.ones(lon.shape, bool)
    w, s, e, n = bbox
    wrapped = ((lon - w) % 360.0) + w  # an extent crossing the antimeridian has east > 180
    return (lat >= s) & (lat <= n) & (wrapped >= w) & (wrapped <= e)


def _in_dates(time, query: HeightQuery) -> np.ndarray:
    keep = np.ones(time.shape, bool)
    if query.start is not None:
        keep &= time >= np.datetime64(query.start, "ns")
    if query.end is not None:
        end = np.datetime64(query.end, "ns")
        if isinstance(query.end, str) and len(query.end.strip()) <= 10:
            end = end + np.timedelta64(1, "D") - np.timedelta64(1, "ns")
        keep &= time <= end
    return keep


def _end_of_day(value) -> np.datetime64:
    """The last second of an end date given without a time (YYYY-MM-DD), else the time itself."""
    end = np.datetime64(value, "s")
    if isinstance(value, str) and len(value.strip()) <= 10:
        end = end + np.timedelta64(86399, "s")
    return end


def _iso(stamp: np.datetime64) -> str:
    return str(np.datetime64(stamp, "s")) + "Z"
