"""itslive:icesat2heights, itslive:elevationchange, itslive:massbalance through real Processing runs.

Truths: the real granule's PROVENANCE.md counts, the ATL06 generator's surface and thinning
(tests/fixtures/atl06.py), an ATL15-like file; granules come from a local folder, or from a moto S3
server in NASA's layout found through a local CMR server. The Earthdata login lives in the QGIS
authentication database and is checked never to reach settings, projects or logs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsProject, QgsSettings, QgsVectorLayer

from tests.conftest import REPO
from tests.fixtures import atl06 as gen
from tests.fixtures.cmr_server import CmrServer
from tests.fixtures.height_change import write_atl15

REAL = REPO.parent / "shared" / "data" / "icesat2" / "ATL06_20181013235645_02340114_209_01.h5"
REAL_VALID = {"gt1l": 15, "gt1r": 320, "gt2l": 8, "gt2r": 247, "gt3l": 3, "gt3r": 174}
TILES_3413 = "-183000,-171000,-2283000,-2277000 [EPSG:3413]"


def _run(name, params, load=False):
    import processing

    if load:
        return processing.runAndLoadResults(f"itslive:{name}", params)
    return processing.run(f"itslive:{name}", params)


@pytest.fixture(scope="module")
def granules(tmp_path_factory):
    return gen.write_granules(tmp_path_factory.mktemp("atl06"), seed=7)


def _layer(result) -> QgsVectorLayer:
    out = result["OUTPUT"]
    return (
        out if isinstance(out, QgsVectorLayer) else QgsProject.instance().mapLayer(out) or QgsVectorLayer(out)
    )


def test_real_granule_heights_layer(plugin, tmp_path):
    if not REAL.is_file():
        pytest.skip(f"the real ATL06 granule is not present at {REAL}")
    out = tmp_path / "heights.gpkg"
    _run("icesat2heights", {"INPUT": str(REAL), "QUALITY_ONLY": False, "OUTPUT": str(out)})
    layer = QgsVectorLayer(str(out))
    assert layer.isValid() and layer.crs().authid() == "EPSG:4326"
    names = layer.fields().names()
    assert all(
        n in names for n in ("h_li", "h_li_sigma", "time", "beam", "strong", "cycle", "rgt", "quality")
    )
    beams = {}
    for f in layer.getFeatures():
        beams[f["beam"]] = beams.get(f["beam"], 0) + 1
    assert beams == REAL_VALID
    times = sorted(f["time"].toUTC().toString("yyyy-MM-ddTHH:mm:ss") for f in layer.getFeatures())
    # ancillary_data/data_start_utc and data_end_utc: 23:57:13.16 .. 23:57:41.69
    assert times[0] >= "2018-10-13T23:57:13" and times[-1] <= "2018-10-13T23:57:41"
    strong = _run(
        "icesat2heights", {"INPUT": str(REAL), "QUALITY_ONLY": False, "BEAMS": 1, "OUTPUT": "memory:"}
    )
    assert _layer(strong).featureCount() == 320 + 247 + 174


def test_heights_from_cmr_and_s3_are_the_known_surface_and_temporal(plugin, granules, monkeypatch):
    from itslive_qgis.core.geo import transform_xy

    with gen.NasaMirror(granules) as nasa, CmrServer(gen.cmr_entries(granules)) as cmr:
        monkeypatch.setenv("ITSLIVE_S3_ENDPOINT_URL", nasa.endpoint_url)
        monkeypatch.setenv("ITSLIVE_CMR_URL", cmr.url)
        result = _run(
            "icesat2heights",
            {
                "EXTENT": TILES_3413,
                "START_DATE": "2019-06-01",
                "END_DATE": "2019-12-31",
                "OUTPUT": "TEMPORARY_OUTPUT",
            },
            load=True,
        )
        assert any(r["path"] == "/search/granules.json" for r in cmr.requests)
    layer = _layer(result)
    assert layer.featureCount() > 1000
    assert layer.temporalProperties().isActive()
    feats = list(layer.getFeatures())
    lon = np.array([f.geometry().asPoint().x() for f in feats])
    lat = np.array([f.geometry().asPoint().y() for f in feats])
    t = np.array([f["time"].toMSecsSinceEpoch() for f in feats], "datetime64[ms]").astype("datetime64[ns]")
    x, y = transform_xy(lon, lat, 4326, 3413)
    residual = np.array([f["h_li"] for f in feats]) - gen.true_height(x, y, t)
    assert abs(residual.mean()) < 0.02 and residual.std() < 0.12
    assert {f["cycle"] for f in feats} == {4, 5, 6} and all(f["quality"] == 0 for f in feats)
    QgsProject.instance().removeAllMapLayers()


def test_elevation_change_from_the_heights_layer_and_from_atl15(plugin, granules, tmp_path):
    heights = _run(
        "icesat2heights", {"INPUT": str(granules[0].path.parent), "OUTPUT": str(tmp_path / "h.gpkg")}
    )
    out = _run(
        "elevationchange",
        {
            "INPUT_POINTS": heights["OUTPUT"],
            "EXTENT": TILES_3413,
            "CRS": "EPSG:3413",
            "PIXEL_SIZE_M": 1000,
            "OUTPUT": str(tmp_path / "dhdt.nc"),
        },
    )
    import xarray as xr

    with xr.open_dataset(out["OUTPUT"]) as ds:
        ok = np.isfinite(ds["dhdt"].values)
        xx, yy = np.meshgrid(ds.x.values, ds.y.values)
        err = ds["dhdt"].values[ok] - gen.true_dhdt(xx[ok], yy[ok])
        assert ok.sum() >= 20 and np.sqrt(np.mean(err**2)) < 0.04  # + half a cell of gradient
        assert ds["dhdt"].attrs["units"] == "m/yr" and (ds["count"].values[ok] >= 3).all()
    atl15 = write_atl15(tmp_path / "atl15.nc")
    out15 = _run(
        "elevationchange",
        {"INPUT": str(atl15), "REFERENCE_GRID": out["OUTPUT"], "OUTPUT": str(tmp_path / "dhdt15.nc")},
    )
    with xr.open_dataset(out15["OUTPUT"]) as ds:
        err = ds["dhdt"].values - gen.true_dhdt(xx, yy)
        assert np.isfinite(err).all() and np.sqrt(np.mean(err**2)) < 0.03
    # TIME_AXIS with LAG 1: dh/dt per window (time, y, x) with time_bnds, each window near the truth
    windows = _run(
        "elevationchange",
        {
            "INPUT": str(atl15),
            "REFERENCE_GRID": out["OUTPUT"],
            "LAG": 1,
            "TIME_AXIS": True,
            "OUTPUT": str(tmp_path / "windows.nc"),
        },
    )
    with xr.open_dataset(windows["OUTPUT"]) as ds:
        assert ds["dhdt"].dims == ("time", "y", "x") and ds.sizes["time"] == 11
        assert ds["time"].attrs["bounds"] == "time_bnds" and ds["time_bnds"].shape == (11, 2)
        err = ds["dhdt"].values - gen.true_dhdt(xx, yy)[None]
        assert np.sqrt(np.mean(err**2)) < float(ds["dhdt_sigma"].mean())  # within the stated 1-sigma
    with pytest.raises(Exception, match="TIME_AXIS"):
        _run(
            "elevationchange",
            {
                "INPUT_POINTS": heights["OUTPUT"],
                "EXTENT": TILES_3413,
                "TIME_AXIS": True,
                "OUTPUT": str(tmp_path / "no.nc"),
            },
        )
    assert not (tmp_path / "no.nc").exists()


def test_elevation_change_says_what_is_missing(plugin, tmp_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="REFERENCE_GRID"):
        _run("elevationchange", {"INPUT": str(tmp_path / "x.nc"), "OUTPUT": str(tmp_path / "o.nc")})


def test_mass_balance_run(plugin, tmp_path):
    import xarray as xr

    from itslive_qgis.core.elevation import DHDT_VARIABLES, GridSpec
    from itslive_qgis.core.elevation.grids import write_grid

    grid = GridSpec.from_extent(-180000.0, -2282000.0, -176000.0, -2278000.0, 500.0, "EPSG:3413")
    xx, _ = np.meshgrid(grid.x, grid.y)
    obs = write_grid(
        tmp_path / "obs.nc", grid, {"dhdt": -1.0 + 0 * xx, "dhdt_sigma": 0.2 + 0 * xx, "count": 4 + 0 * xx},
        DHDT_VARIABLES, "test",
    )  # fmt: skip
    flux = write_grid(
        tmp_path / "flux.nc", grid, {"dynamic_dhdt": -1.5 + 0 * xx, "dynamic_dhdt_error": 0.1 + 0 * xx},
        {"dynamic_dhdt": ("d", "m/yr", None), "dynamic_dhdt_error": ("e", "m/yr", None)}, "test",
    )  # fmt: skip
    out = _run(
        "massbalance", {"DHDT": str(obs), "FLUX_DIVERGENCE": str(flux), "OUTPUT": str(tmp_path / "mb.nc")}
    )
    with xr.open_dataset(out["OUTPUT"]) as ds:
        np.testing.assert_allclose(ds["residual_dhdt"].values, 0.5, atol=1e-6)
        np.testing.assert_allclose(ds["residual_dhdt_sigma"].values, np.hypot(0.2, 0.1), atol=1e-6)
        assert "-flux_divergence" in ds.attrs["sign_convention"]


def test_no_login_says_what_to_set_up(plugin, monkeypatch, tmp_path):
    from qgis.core import QgsProcessingContext

    from itslive_qgis import settings
    from itslive_qgis.core.elevation import EARTHDATA_SETUP_HELP

    monkeypatch.delenv("ITSLIVE_S3_ENDPOINT_URL", raising=False)  # AWS itself: NASA's bucket needs keys
    monkeypatch.setenv("NETRC", str(tmp_path / "no_netrc"))
    settings.EARTHDATA_AUTHCFG.setValue("")
    alg = QgsApplication.processingRegistry().createAlgorithmById("itslive:icesat2heights")
    ok, message = alg.checkParameterValues(
        {"EXTENT": TILES_3413, "OUTPUT": "memory:"}, QgsProcessingContext()
    )
    assert not ok and message == EARTHDATA_SETUP_HELP
    ok, _ = alg.checkParameterValues({"INPUT": str(tmp_path), "OUTPUT": "memory:"}, QgsProcessingContext())
    assert ok  # local files need no login


def test_the_login_comes_from_the_auth_database_and_appears_in_no_file(plugin, monkeypatch, tmp_path):
    from itslive_qgis import settings
    from itslive_qgis.processing.earthdata_login import earthdata_login

    password = "Earthdata-S3cret-" + "7f3a"
    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        manager.setMasterPassword("test-master", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("Earthdata (test)")
    config.setConfig("username", "glaciologist")
    config.setConfig("password", password)
    assert manager.storeAuthenticationConfig(config)[0]
    try:
        settings.EARTHDATA_AUTHCFG.setValue(config.id())
        login = earthdata_login()
        assert login.username == "glaciologist" and login.password == password
        project = tmp_path / "p.qgz"
        QgsProject.instance().write(str(project))
        QgsSettings().sync()
        readable = [Path(QgsSettings().fileName()), project]
        readable += [p for p in Path(QgsApplication.qgisSettingsDirPath()).rglob("*") if p.is_file()]
        for path in readable:
            assert password.encode() not in path.read_bytes(), path
        assert password not in repr(login) and password not in str(login)
    finally:
        manager.removeAuthenticationConfig(config.id())
        settings.EARTHDATA_AUTHCFG.setValue("")


def test_options_page_keeps_only_the_auth_config_id(plugin, iface):
    from itslive_qgis import settings

    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        manager.setMasterPassword("test-master", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("Earthdata (options test)")
    config.setConfig("username", "u")
    config.setConfig("password", "options-page-secret")
    assert manager.storeAuthenticationConfig(config)[0]
    page = iface.options_factories[0].createWidget(None)
    page.earthdata_auth.setConfigId(config.id())
    page.cmr_url.setText(" http://127.0.0.1:1234 ")
    page.apply()
    try:
        assert settings.EARTHDATA_AUTHCFG.value() == config.id()
        assert settings.CMR_URL.value() == "http://127.0.0.1:1234"
        QgsSettings().sync()
        assert b"options-page-secret" not in Path(QgsSettings().fileName()).read_bytes()
    finally:
        manager.removeAuthenticationConfig(config.id())
        settings.EARTHDATA_AUTHCFG.setValue("")
        settings.CMR_URL.setValue("")


def test_workflow_height_change_branch_recovers_the_thinning_minus_the_dynamics(plugin, mirror, tmp_path):
    """itslive:workflow with THICKNESS and HEIGHT_CHANGE (an ATL15-like file): dhdt and mass_balance written;
    residual = observed - dynamic on the flux grid; without HEIGHT_CHANGE the branch is skipped."""
    import processing
    import xarray as xr
    from qgis.core import QgsProcessingContext

    from tests.qgis.test_workflow import write_thickness_ramp

    atl15 = write_atl15(tmp_path / "atl15.nc")
    outputs = ("footprints", "subset", "inversion", "strain", "flux", "dhdt", "mass_balance")
    params = {
        "EXTENT": "-179000,-178000,-2281000,-2280000 [EPSG:3413]",
        "START_DATE": "2018-01-01",
        "END_DATE": "2019-12-31",
        "INTERVAL_DAYS": 60,
        "THICKNESS": str(write_thickness_ramp(tmp_path / "thickness.tif")),
        "HEIGHT_CHANGE": str(atl15),
        **{n: str(tmp_path / (f"{n}.gpkg" if n == "footprints" else f"{n}.nc")) for n in outputs},
    }
    model = QgsApplication.processingRegistry().createAlgorithmById("itslive:workflow")
    missing = {**params, "mass_balance": ""}
    ok, message = model.checkParameterValues(missing, QgsProcessingContext())
    assert not ok and "mass_balance" in message
    no_thickness = {**params, "THICKNESS": None}
    ok, message = model.checkParameterValues(no_thickness, QgsProcessingContext())
    assert not ok and "THICKNESS" in message
    results = processing.run("itslive:workflow", params)
    with xr.open_dataset(results["mass_balance"]) as mb, xr.open_dataset(results["flux"]) as flux:
        with xr.open_dataset(results["dhdt"]) as dhdt:
            np.testing.assert_allclose(dhdt.x.values, flux.x.values)  # the observed rate on the flux grid
            xx, yy = np.meshgrid(dhdt.x.values, dhdt.y.values)
            assert np.nanmax(np.abs(dhdt["dhdt"].values - gen.true_dhdt(xx, yy))) < 0.05
            dyn = np.nanmean(flux["dynamic_dhdt"].values, axis=0)
            expected = dhdt["dhdt"].values - dyn
        ok = np.isfinite(expected)
        assert ok.sum() > 10
        np.testing.assert_allclose(mb["residual_dhdt"].values[ok], expected[ok], atol=1e-4)
        assert mb.attrs["dynamic_dhdt_time_mean"].startswith("yes")


def test_elevation_outputs_are_required_when_run_alone(plugin, tmp_path):
    from qgis.core import QgsProcessingException

    atl15 = write_atl15(tmp_path / "atl15.nc")
    with pytest.raises(QgsProcessingException, match="no output file given"):
        _run("elevationchange", {"INPUT": str(atl15), "EXTENT": TILES_3413})
    with pytest.raises(QgsProcessingException, match="no output file given"):
        _run("massbalance", {"DHDT": str(atl15), "FLUX_DIVERGENCE": str(atl15)})
