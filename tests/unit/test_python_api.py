"""docs/python_api.md runs as written (no QGIS), on the local mirror, and its results match the truth."""

from __future__ import annotations

import re

import numpy as np

from tests.conftest import REPO


def _code_blocks() -> list[str]:
    text = (REPO / "docs" / "python_api.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_python_api_page_runs_and_matches_the_generator(mirror, cache_dir, tmp_path):
    import shapely

    from itslive_qgis.core.catalog import tile_name
    from itslive_qgis.core.geo import transform_geometry
    from tests.fixtures.truth import default_tiles, truth_velocity

    blocks = _code_blocks()
    assert len(blocks) == 4
    names: dict = {"workdir": tmp_path}
    for block in blocks:
        exec(compile(block, "docs/python_api.md", "exec"), names)

    tiles = default_tiles()
    tile_a = next(t for t in tiles if t.label == "GRE_A")
    # the catalog search finds exactly the generated tiles whose square (in its own CRS) meets the area
    area_3413 = shapely.box(*names["area"])
    expected = {
        tile_name(t.key)
        for t in tiles
        if shapely.box(*t.extent_m).intersects(transform_geometry(area_3413, "EPSG:3413", t.epsg))
    }
    assert {m.record.tile_name for m in names["matches"]} == expected and len(expected) >= 2
    assert names["matches"][0].record.tile_name == tile_name(tile_a.key)  # it holds the whole area
    assert names["matches"][0].overlap_percent == 100.0
    point = shapely.Point(-49.476, 69.110)
    at_point = {
        tile_name(t.key)
        for t in tiles
        if shapely.box(*t.extent_m).contains(transform_geometry(point, 4326, t.epsg))
    }
    assert {r.tile_name for r in names["at_point"]} == at_point and tile_name(tile_a.key) in at_point
    assert set(names["footprints"]["tile"]) == expected
    assert names["footprints"].crs.to_epsg() == 4326
    # the download holds what the estimate announced
    assert names["result"].n_pairs == names["plan"].n_pairs > 20
    # the inversion recovers the generator's speed on the trunk (median error, 30-day steps)
    series = names["series"]
    t_days = (series["time"].values - np.datetime64("1970-01-01")) / np.timedelta64(1, "D")
    yy, xx = np.meshgrid(series["y"].values, series["x"].values, indexing="ij")
    errors = []
    for i, t in enumerate(t_days):
        vx, vy = truth_velocity(tile_a, np.full(yy.shape, t), yy, xx)
        est = series["v"].values[i]
        trunk = np.isfinite(est) & (np.hypot(vx, vy) > 1000)
        errors.append(np.abs(est[trunk] - np.hypot(vx, vy)[trunk]) / np.hypot(vx, vy)[trunk])
    rel = np.concatenate(errors)
    assert rel.size > 100 and np.median(rel) < 0.05, np.median(rel)
    # strain rates exist where the speed does, in 1/yr
    assert names["strain"]["e_eff"].attrs["units"] == "1/yr"
    assert np.isfinite(names["strain"]["e_eff"].values).mean() > 0.5
    # the point's pairs: a table with one row per pair, at the pixel centre, in the cube's CRS
    found = names["found"]
    table = names["pairs_table"]
    assert len(table) == len(found[0]) > 100 and table.crs.to_epsg() == found[0].epsg
    assert abs(table.geometry.x.iloc[0] - found[0].x_m) < 1e-6
    np.testing.assert_array_equal(table["v"].to_numpy(), found[0].v)
    # the track follows the flow: downstream (west, the generator's trunk flows to -x) for a year
    tracks = names["tracks_table"]
    assert len(tracks) == 1 and tracks.crs.to_epsg() == 3413
    line = tracks.geometry.iloc[0]
    assert line.coords[-1][0] < line.coords[0][0] - 500
    # its end lies where the generator's own velocity field carries the seed in the same time
    x, y, t = -178507.5, -2280402.3, names["start"]
    days = tracks["duration_days"].iloc[0]
    for _ in range(int(round(days))):
        vx, vy = truth_velocity(tile_a, np.array([t]), np.array([y]), np.array([x]))
        x, y, t = x + vx[0] / 365.25, y + vy[0] / 365.25, t + 1
    travelled = np.hypot(x + 178507.5, y + 2280402.3)
    assert days >= 60 and travelled > 300
    assert np.hypot(line.coords[-1][0] - x, line.coords[-1][1] - y) < 0.1 * travelled
