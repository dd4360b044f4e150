"""The point panel's Gaussian-process smoother: the real Jakobshavn export in the panel, the GP drawn
beside the inversion, and their summer peaks compared."""

from __future__ import annotations

import numpy as np
import pytest

from tests.qgis.conftest import wait_until

JAKOBSHAVN = "timeseries_csv/LAT69.1117--LON-49.4604.csv"


def jakobshavn_series(shared_data, max_dt_days=100.0):
    """The Jakobshavn export as a PointSeries (pairs up to ``max_dt_days``; d1, d2 from mid_date, date_dt)."""
    import pandas as pd

    from itslive_qgis.core.cube import to_days
    from itslive_qgis.core.timeseries import PointSeries

    df = pd.read_csv(shared_data / JAKOBSHAVN)
    df = df[df["date_dt [days]"] <= max_dt_days]
    mid = to_days(pd.to_datetime(df["mid_date"]).values.astype("datetime64[ns]"))
    dt = df["date_dt [days]"].to_numpy(float)
    col = {n: df[f"{n} [m/yr]"].to_numpy(float) for n in ("v", "vx", "vy", "v_error", "vx_error", "vy_error")}
    sat = df["satellite"].astype(str).to_numpy()
    return PointSeries(
        source="LAT69.1117--LON-49.4604.csv", epsg=3413, x_m=np.nan, y_m=np.nan, col=0, row=0,
        lon=-49.4604, lat=69.1117, mid_date_days=mid, d1_days=mid - dt / 2, d2_days=mid + dt / 2,
        date_dt_days=dt, satellite=sat, satellite_img2=sat, granule_url=np.full(dt.size, ""), **col,
    )  # fmt: skip


@pytest.fixture()
def panel(iface):
    from itslive_qgis.gui.timeseries_panel import TimeSeriesPanel

    p = TimeSeriesPanel(iface)
    p.resize(900, 700)
    p.show()
    yield p
    p.shutdown()
    p.deleteLater()


def test_gp_beside_the_inversion_on_the_jakobshavn_export(panel, shared_data, output_dir):
    series = jakobshavn_series(shared_data)
    panel.interval.setValue(12.0)
    panel.gp.check.setChecked(True)
    panel.add_series([series])
    point = panel.points[0]
    wait_until(
        lambda: not panel.is_busy() and panel.gp.task is None and panel.gp.fitted(point) is not None, 300
    )
    inv, gp = point.inverted, panel.gp.fitted(point)
    np.testing.assert_allclose(gp.edges_days[0], np.floor(series.d1_days.min()))
    lines = [
        "Jakobshavn in the panel (vx, vy; dt <= 100 d), summer (Jun-Aug) peak speed, m/yr: inversion | GP"
    ]
    for reg in (inv, gp):
        years = 1970.0 + reg.centres_days / 365.25
        reg.year, reg.doy = np.floor(years).astype(int), (years - np.floor(years)) * 365.25
    for y in range(2014, 2023):
        peaks = [np.nanmax(r.v[(r.year == y) & (r.doy >= 152) & (r.doy < 244)]) for r in (inv, gp)]
        lines.append(f"  {y}: {peaks[0]:.0f} | {peaks[1]:.0f}")
        assert peaks[1] == pytest.approx(peaks[0], rel=0.08)
    print("\n" + "\n".join(lines))
    panel.component_combo.setCurrentIndex(0)
    png = panel.export_png(output_dir / "point_gp_jakobshavn.png")
    assert png.stat().st_size > 20000
    labels = [line.get_label() for line in panel.plot.ax.get_lines()]
    assert any("Gaussian" in label for label in labels)
    panel.gp.check.setChecked(False)  # unticked: the overlay is gone after the redraw
    assert not any("Gaussian" in line.get_label() for line in panel.plot.ax.get_lines())
