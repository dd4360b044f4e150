"""The SlideRule source of itslive:icesat2heights (core.elevation.sliderule).

SlideRule's service itself is NOT run here (it is online only). Two things are tested instead:

- the mapping, on GeoDataFrames built to the documented schema of the client's answer (index
  ``time`` UTC, columns of SlideRule's ``atl06srec.elevation`` / ``atl06rec.elevation`` records,
  point geometry in EPSG:7912), against values written into them;
- the real ``sliderule`` client (5.7.0) end to end against a local server speaking SlideRule's
  wire protocol (tests/fixtures/sliderule_server.py: version, record definitions, the binary
  record stream) whose segments are the generator's granules read with h5py: the heights must be
  the generator's known surface, and the same rows the plugin's own granule reader gives.

No outside host is contacted: every test runs under a guard that refuses to resolve any name but
the loopback (a test that tried would fail, not reach slideruleearth.io).
"""

from __future__ import annotations

import socket

import numpy as np
import pytest

from itslive_qgis.core.elevation import GranuleList, HeightQuery, open_granules, read_heights
from itslive_qgis.core.elevation.atl06 import COLUMNS
from itslive_qgis.core.elevation.sliderule import (
    ATL06_SR,
    ATL06SR_PARMS,
    GT_NAMES,
    frame_from_sliderule,
    read_sliderule,
    request_parms,
    sliderule_host,
)
from itslive_qgis.core.errors import InputError, MissingDependencyError, NetworkError
from tests.fixtures import atl06 as gen
from tests.fixtures.sliderule_server import (
    SR_OFFSET_M,
    SlideRuleServer,
    guard_loopback,
    segments_from_granules,
)

pytest.importorskip("sliderule", reason="sliderule 5.7.0 (set 'sliderule') is not installed")
gpd = pytest.importorskip("geopandas")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    guard_loopback(monkeypatch)


@pytest.fixture(scope="module")
def granules(tmp_path_factory):
    return gen.write_granules(tmp_path_factory.mktemp("atl06"), cycles=(4, 5, 6), seed=7)


def _schema_frame(product="atl06sp"):
    """A GeoDataFrame as the client returns it (documented columns), six rows with known fates."""
    times = np.array(
        [
            "2020-03-01T10:00:00",
            "2020-03-01T10:00:01",
            "2020-03-01T10:00:02",
            "2020-03-01T10:00:03",
            "2020-06-30T23:59:59",  # the last second of END_DATE: kept
            "2020-07-01T00:00:00",  # after END_DATE
        ],
        "datetime64[ns]",
    )
    lon = np.array([-49.5, -49.5, -49.4, -49.4, -49.45, -49.45])
    lat = np.array([69.1, 69.1, 69.11, 69.3, 69.12, 69.12])  # row 3 is north of the extent
    height = np.array([700.5, 3.4028235e38, 701.0, 702.0, 703.0, 704.0])  # row 1 is fill
    flag = np.array([0, 0, 1, 0, 0, 0])  # row 2 flagged
    cols = {
        "rgt": np.array([234] * 6, np.uint16),
        "cycle": np.array([6] * 6, np.uint16),
        "spot": np.array([1, 2, 3, 5, 6, 1], np.uint8),
        "gt": np.array([60, 50, 40, 20, 10, 60], np.uint8),
        "segment_id": np.arange(100, 106, dtype=np.uint32),
    }
    if product == "atl06sp":
        cols.update(h_li=height.astype(np.float32), h_li_sigma=np.full(6, 0.03, np.float32))
        cols.update(atl06_quality_summary=flag.astype(np.int8))
    else:
        cols.update(h_mean=height, h_sigma=np.full(6, 0.05), pflags=flag.astype(np.uint16))
        cols.update(n_fit_photons=np.full(6, 40, np.int32))
    frame = gpd.GeoDataFrame(cols, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:7912")
    frame.index = times
    frame.index.name = "time"
    return frame


QUERY = HeightQuery(bbox=(-49.6, 69.05, -49.3, 69.2), start="2020-01-01", end="2020-06-30")


def test_atl06sp_frame_maps_to_the_algorithm_columns():
    out = frame_from_sliderule(_schema_frame(), QUERY)
    assert list(out.columns) == list(COLUMNS)
    out = out.sort_values("segment_id")
    # kept: row 0 (strong gt3r), row 4 (last second of END_DATE, weak gt1l); dropped: fill, flagged,
    # outside the extent, after the end date
    assert out["segment_id"].tolist() == [100, 104]
    assert out["h_li"].tolist() == pytest.approx([700.5, 703.0])
    assert out["beam"].tolist() == ["gt3r", "gt1l"] and out["strong"].tolist() == [True, False]
    assert out["time"].tolist() == [
        np.datetime64("2020-03-01T10:00:00"),
        np.datetime64("2020-06-30T23:59:59"),
    ]
    assert out["cycle"].tolist() == [6, 6] and out["rgt"].tolist() == [234, 234]
    assert out["quality"].tolist() == [0, 0] and out["h_li_sigma"].tolist() == pytest.approx([0.03, 0.03])
    everything = frame_from_sliderule(_schema_frame(), HeightQuery(bbox=QUERY.bbox, quality_only=False))
    everything = everything.sort_values("segment_id")
    assert (
        everything["segment_id"].tolist() == [100, 102, 104, 105] and everything["quality"].tolist()[1] == 1
    )
    strong = frame_from_sliderule(_schema_frame(), HeightQuery(bbox=QUERY.bbox, beams="strong"))
    assert sorted(strong["segment_id"]) == [100, 105]


def test_atl06sr_frame_puts_h_mean_in_h_li_and_pflags_in_quality():
    out = frame_from_sliderule(_schema_frame("atl06p"), QUERY, ATL06_SR).sort_values("segment_id")
    assert out["segment_id"].tolist() == [100, 104]
    assert out["h_li"].tolist() == pytest.approx([700.5, 703.0])
    assert out["h_li_sigma"].tolist() == pytest.approx([0.05, 0.05])
    assert set(out["granule"]) == {"SlideRule atl06p"}
    with pytest.raises(NetworkError, match="no column h_mean"):
        frame_from_sliderule(_schema_frame("atl06sp"), QUERY, ATL06_SR)


def test_request_is_a_counter_clockwise_polygon_and_utc_dates():
    parms = request_parms(QUERY)
    poly = parms["poly"]
    assert poly[0] == poly[-1] and len(poly) == 5
    area2 = sum(a["lon"] * b["lat"] - b["lon"] * a["lat"] for a, b in zip(poly, poly[1:]))
    assert area2 > 0  # counter-clockwise, as SlideRule wants
    assert parms["t0"] == "2020-01-01T00:00:00Z" and parms["t1"] == "2020-06-30T23:59:59Z"
    sr = request_parms(QUERY, ATL06_SR)
    assert {k: sr[k] for k in ATL06SR_PARMS} == ATL06SR_PARMS and sr["srt"] == 3
    with pytest.raises(InputError, match="needs an EXTENT"):
        request_parms(HeightQuery())
    assert set(GT_NAMES.values()) == set(gen.BEAMS)


def test_hosts_public_cluster_over_https_and_http_only_on_loopback():
    assert sliderule_host("slideruleearth.io") == (
        "slideruleearth.io",
        "sliderule",
        "https://sliderule.slideruleearth.io",
    )
    assert sliderule_host("http://127.0.0.1:8123") == ("127.0.0.1:8123", None, "http://127.0.0.1:8123")
    for bad in ("http://example.com:80", "https://slideruleearth.io", "ftp://127.0.0.1", "a b"):
        with pytest.raises(InputError, match="SlideRule URL"):
            sliderule_host(bad)


def test_real_client_against_a_local_protocol_server_gives_the_known_surface(granules):
    from itslive_qgis.core.geo import transform_xy

    query = HeightQuery(bbox=gen.glacier_bbox(), start="2019-06-01", end="2019-12-31")
    with SlideRuleServer(segments_from_granules([g.path for g in granules])) as server:
        out = read_sliderule(query, url=server.url)
        posted = [r for r in server.requests if r["method"] == "POST"]
    assert [r["path"] for r in posted] == ["/source/atl06sp"]
    parms = posted[0]["body"]["parms"]
    assert parms["t0"] == "2019-06-01T00:00:00Z" and parms["asset"] == "icesat2-atl06"
    assert len(out) > 1000 and set(out["cycle"]) == {4, 5, 6} and (out["quality"] == 0).all()
    x, y = transform_xy(out["longitude"].to_numpy(), out["latitude"].to_numpy(), 4326, 3413)
    residual = out["h_li"].to_numpy() - gen.true_height(x, y, out["time"].to_numpy())
    assert abs(residual.mean()) < 0.02 and residual.std() < 0.12  # noise 0.03 m strong, 0.10 m weak
    # the same rows, heights and times as the plugin's own reader of the granules
    with open_granules(GranuleList(tuple(str(g.path) for g in granules))) as readers:
        direct = read_heights(readers, query)
    key = ["rgt", "cycle", "beam", "segment_id"]
    a = out.sort_values(key).reset_index(drop=True)
    b = direct.sort_values(key).reset_index(drop=True)
    assert len(a) == len(b)
    for col in ("rgt", "cycle", "beam", "segment_id", "strong", "quality"):
        assert a[col].tolist() == b[col].tolist(), col
    np.testing.assert_allclose(a["h_li"], b["h_li"], atol=1e-4)
    dt_ns = np.abs((a["time"].to_numpy() - b["time"].to_numpy()).astype("int64"))
    assert dt_ns.max() < 1000  # both UTC (GPS - 18 s), to the microsecond


def test_real_client_atl06sr_heights_are_h_mean(granules):
    query = HeightQuery(bbox=gen.glacier_bbox(), start="2019-06-01", end="2019-09-30", beams="strong")
    segments = segments_from_granules([g.path for g in granules])
    with SlideRuleServer(segments) as server:
        sr = read_sliderule(query, product=ATL06_SR, url=server.url)
        sp = read_sliderule(query, url=server.url)
        parms = [r for r in server.requests if r["path"] == "/source/atl06p"][0]["body"]["parms"]
    assert parms["len"] == 40.0 and parms["res"] == 20.0 and parms["cnf"] == 4
    assert len(sr) == len(sp) > 100 and sr["strong"].all()
    np.testing.assert_allclose(sr["h_li"].to_numpy() - sp["h_li"].to_numpy(), SR_OFFSET_M, atol=1e-4)


def test_unreachable_service_names_the_host():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetworkError, match=rf"SlideRule at http://127\.0\.0\.1:{port} did not answer"):
        read_sliderule(QUERY, url=f"http://127.0.0.1:{port}", timeout_s=(2, 5))


def test_an_error_answer_is_an_error_not_an_empty_layer():
    with SlideRuleServer(segments_from_granules([]), fail_with=500) as server:
        with pytest.raises(NetworkError, match="HTTP error <500>"):
            read_sliderule(QUERY, url=server.url)


def test_without_the_client_it_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "sliderule", None)
    with pytest.raises(MissingDependencyError, match="SETS=sliderule") as info:
        read_sliderule(QUERY, url="http://127.0.0.1:9")
    assert "WITHOUT its dependencies" in str(info.value) and "pyarrow==23.0.1" in str(info.value)


def test_a_failed_granule_is_an_error_and_an_empty_subset_is_not(granules):
    """The service's alerts (exceptrec): a failure (e.g. -2 TIMEOUT) makes the answer incomplete."""
    query = HeightQuery(bbox=gen.glacier_bbox(), start="2019-06-01", end="2019-09-30")
    segments = segments_from_granules([g.path for g in granules])
    harmless = [(-4, "empty spatial region")]
    with SlideRuleServer(segments, alerts=harmless) as server:
        assert len(read_sliderule(query, url=server.url)) > 100
    failed = [(-4, "empty spatial region"), (-2, "Failure on resource ATL06_x.h5: timeout")]
    with SlideRuleServer(segments, alerts=failed) as server:
        with pytest.raises(
            NetworkError, match=r"1 failure\(s\), e.g. 'Failure on resource ATL06_x.h5: timeout'"
        ):
            read_sliderule(query, url=server.url)
