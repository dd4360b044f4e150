"""itslive:icesat2heights with SOURCE = SlideRule, through real Processing runs.

SlideRule's service itself is NOT run (online only): the real ``sliderule`` client talks to a local
server speaking SlideRule's wire protocol (tests/fixtures/sliderule_server.py) whose segments are
the ATL06 generator's granules. Truth: the generator's known surface (tests/fixtures/atl06.py), and
the layer the granule source makes of the same granules. No outside host is contacted (a guard
refuses to resolve any other name).
"""

from __future__ import annotations

import socket

import numpy as np
import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingException, QgsProject, QgsVectorLayer

from tests.fixtures import atl06 as gen
from tests.fixtures.sliderule_server import (
    SR_OFFSET_M,
    SlideRuleServer,
    guard_loopback,
    segments_from_granules,
)

pytest.importorskip("sliderule", reason="sliderule 5.7.0 (set 'sliderule') is not installed")

TILES_3413 = "-183000,-171000,-2283000,-2277000 [EPSG:3413]"
WINDOW = {"START_DATE": "2019-06-01", "END_DATE": "2019-12-31"}


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    guard_loopback(monkeypatch)


@pytest.fixture(scope="module")
def granules(tmp_path_factory):
    return gen.write_granules(tmp_path_factory.mktemp("atl06"), seed=11)


def _run(params):
    import processing

    return processing.run("itslive:icesat2heights", {"OUTPUT": "memory:", **params})


def _rows(layer: QgsVectorLayer):
    feats = list(layer.getFeatures())
    names = [f.name() for f in layer.fields()]
    return feats, names


def _alg():
    return QgsApplication.processingRegistry().createAlgorithmById("itslive:icesat2heights")


def test_sliderule_subset_is_the_known_surface_and_the_same_layer_as_the_granules(
    plugin, granules, monkeypatch, tmp_path
):
    from itslive_qgis import settings
    from itslive_qgis.core.geo import transform_xy

    monkeypatch.setenv("NETRC", str(tmp_path / "no_netrc"))  # no Earthdata login: none is needed
    settings.EARTHDATA_AUTHCFG.setValue("")
    with SlideRuleServer(segments_from_granules([g.path for g in granules])) as server:
        params = {"SOURCE": 1, "SLIDERULE_URL": server.url, "EXTENT": TILES_3413, **WINDOW}
        ok, message = _alg().checkParameterValues({**params, "OUTPUT": "memory:"}, QgsProcessingContext())
        assert ok, message
        layer = _run(params)["OUTPUT"]
        posted = [r for r in server.requests if r["method"] == "POST"]
    assert [r["path"] for r in posted] == ["/source/atl06sp"]
    assert all("authorization" not in {k.lower() for k in r["headers"]} for r in posted)
    feats, names = _rows(layer)
    assert names == ["h_li", "h_li_sigma", "time", "beam", "strong", "cycle", "rgt", "quality"]
    lon = np.array([f.geometry().asPoint().x() for f in feats])
    lat = np.array([f.geometry().asPoint().y() for f in feats])
    t = np.array([f["time"].toMSecsSinceEpoch() for f in feats], "datetime64[ms]").astype("datetime64[ns]")
    x, y = transform_xy(lon, lat, 4326, 3413)
    residual = np.array([f["h_li"] for f in feats]) - gen.true_height(x, y, t)
    print(
        f"SlideRule atl06sp layer: {len(feats)} segments, "
        f"residual {residual.mean():+.4f} +- {residual.std():.4f} m"
    )
    assert len(feats) > 1000 and abs(residual.mean()) < 0.02 and residual.std() < 0.12
    assert {f["cycle"] for f in feats} == {4, 5, 6} and all(f["quality"] == 0 for f in feats)
    # the granule source over the same granules gives the same segments
    folder = str(granules[0].path.parent)
    direct = _run({"INPUT": folder, "EXTENT": TILES_3413, **WINDOW})["OUTPUT"]

    def key(f):
        return (f["rgt"], f["cycle"], f["beam"], f["time"].toMSecsSinceEpoch())

    a = sorted((key(f), round(f["h_li"], 3), f["strong"]) for f in feats)
    b = sorted((key(f), round(f["h_li"], 3), f["strong"]) for f in direct.getFeatures())
    assert a == b
    QgsProject.instance().removeAllMapLayers()


def test_sliderule_atl06sr_heights_are_its_h_mean(plugin, granules):
    with SlideRuleServer(segments_from_granules([g.path for g in granules])) as server:
        common = {"SLIDERULE_URL": server.url, "EXTENT": TILES_3413, "BEAMS": 1, **WINDOW}
        sr = _run({"SOURCE": 2, **common})["OUTPUT"]
        sp = _run({"SOURCE": 1, **common})["OUTPUT"]
    # the fields say what they hold (QGIS's memory and GeoPackage sinks do not keep field comments:
    # the help and a warning of the run say it too)
    fields_sr, fields_sp = _alg()._fields("atl06p"), _alg()._fields("atl06sp")
    assert (
        "NOT ATL06 h_li" in fields_sr.field("h_li").comment()
        and "h_mean" in fields_sr.field("h_li").comment()
    )
    assert "pflags" in fields_sr.field("quality").comment()
    assert "h_mean" not in fields_sp.field("h_li").comment() and "WGS84" in fields_sp.field("h_li").comment()
    a = sorted(
        (f["rgt"], f["cycle"], f["beam"], f["time"].toMSecsSinceEpoch(), f["h_li"]) for f in sr.getFeatures()
    )
    b = sorted(
        (f["rgt"], f["cycle"], f["beam"], f["time"].toMSecsSinceEpoch(), f["h_li"]) for f in sp.getFeatures()
    )
    assert len(a) == len(b) > 500 and all(r[2].endswith("r") for r in a)  # strong beams: gt*r here
    np.testing.assert_allclose([r[4] - s[4] for r, s in zip(a, b)], SR_OFFSET_M, atol=1e-3)


def test_sliderule_source_says_what_is_wrong(plugin, monkeypatch, tmp_path):
    from itslive_qgis import deps
    from itslive_qgis.core.elevation import SLIDERULE_INSTALL_HELP

    context = QgsProcessingContext()
    alg = _alg()
    ok, message = alg.checkParameterValues({"SOURCE": 1, "OUTPUT": "memory:"}, context)
    assert not ok and "EXTENT" in message
    ok, message = alg.checkParameterValues(
        {"SOURCE": 1, "INPUT": str(tmp_path), "EXTENT": TILES_3413, "OUTPUT": "memory:"}, context
    )
    assert not ok and "INPUT is read by the granule source only" in message
    ok, message = alg.checkParameterValues(
        {"SOURCE": 1, "EXTENT": TILES_3413, "SLIDERULE_URL": "http://example.com", "OUTPUT": "memory:"},
        context,
    )
    assert not ok and "SlideRule URL" in message and "127.0.0.1" in message
    real = deps.is_available
    monkeypatch.setattr(deps, "is_available", lambda name: False if name == "sliderule" else real(name))
    ok, message = alg.checkParameterValues({"SOURCE": 2, "EXTENT": TILES_3413, "OUTPUT": "memory:"}, context)
    assert not ok and message == SLIDERULE_INSTALL_HELP and "SETS=sliderule" in message


def test_sliderule_unreachable_names_the_host(plugin):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(
        QgsProcessingException, match=rf"SlideRule at http://127\.0\.0\.1:{port} did not answer"
    ):
        _run({"SOURCE": 1, "SLIDERULE_URL": f"http://127.0.0.1:{port}", "EXTENT": TILES_3413})
