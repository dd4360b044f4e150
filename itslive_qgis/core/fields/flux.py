"""Ice-flux divergence and the dynamic thickness change it implies.

``flux_divergence = d(H f vx)/dx + d(H f vy)/dy`` (m/yr) with H the ice thickness (m),
f the depth factor (depth-averaged / surface speed, 1 = plug flow, ~0.8 for flow by
internal deformation only) and vx, vy the surface ground velocities (m/yr) along grid
east / north. ``dynamic_dhdt = -flux_divergence``: the thickness change (m/yr) that
flow alone would cause (no surface or basal mass balance).

On a conformal map with scale factor k (map = k * ground distance) the divergence of
the ground flux ``q`` is, in map coordinates, ``k^2 [d(qx/k)/dx + d(qy/k)/dy]`` (exact
for orthogonal coordinates with metric ``ds = dx_map / k``; it reduces to
``k * div_map`` where k is uniform). Axes, derivative stencils (central, one-sided at
edges / next to NaN) and time units follow :mod:`grid`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataError, InputError
from ..progress import SubProgress, check_cancelled
from .grid import (
    build_output_dataset,
    derivative,
    read_velocity,
    reproject_to_grid,
    scale_factor_grid,
    write_grid_dataset,
)

FLUX_VARIABLES = {
    "flux_divergence": ("divergence of ice flux d(H f vx)/dx + d(H f vy)/dy", "m/yr"),
    "dynamic_dhdt": ("dynamic thickness change rate -flux_divergence", "m/yr"),
    "flux_divergence_error": ("uncertainty of flux_divergence", "m/yr"),
    "dynamic_dhdt_error": ("uncertainty of dynamic_dhdt", "m/yr"),
    "thickness": ("ice thickness on the velocity grid (masked)", "m"),
}


def flux_divergence(
    vx,
    vy,
    thickness,
    x,
    y,
    crs=None,
    depth_factor: float = 1.0,
    vx_error=None,
    vy_error=None,
    thickness_error=None,
    boundary=None,
    scale_correction: bool = True,
) -> dict[str, np.ndarray]:
    """Flux divergence and dynamic dh/dt of ice of thickness H moving at (vx, vy).

    Parameters
    ----------
    vx, vy : array (ny, nx) or (nt, ny, nx)
        Ground surface velocity along grid east / north, m/yr (NaN = no data).
    thickness : array (ny, nx) or (nt, ny, nx)
        Ice thickness in metres on the same grid; values < 0 are treated as no data.
    x, y : array
        Cell-centre map coordinates in metres (``y`` may descend).
    crs : EPSG code, string or pyproj.CRS
        Projected CRS of the grid (needed for the scale-factor correction).
    depth_factor : float
        Ratio of depth-averaged to surface velocity (0 < f <= 1.1).
    vx_error, vy_error, thickness_error : float or array, optional
        1-sigma errors (m/yr, m/yr, m). Propagated as independent per cell through the
        difference stencil: ``sigma(q) = f sqrt(H^2 sigma_v^2 + v^2 sigma_H^2)``.
    boundary : shapely geometry, (N, 2) array, CSV path or None
        Glacier outline in the grid CRS (see :func:`boundary_polygon`); cells outside are
        masked before differencing, so no flux leaks in from outside ice.
    scale_correction : bool
        Use the projection scale factor (see module docstring).

    Returns
    -------
    dict of str -> ndarray
        ``flux_divergence``, ``dynamic_dhdt`` (m/yr), ``thickness`` (m, masked) and,
        when velocity or thickness errors are given, ``*_error`` (m/yr).
    """
    vx = np.asarray(vx, dtype="float64")
    vy = np.asarray(vy, dtype="float64")
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if vx.shape != vy.shape or vx.ndim not in (2, 3) or vx.shape[-2:] != (len(y), len(x)):
        raise InputError(
            f"vx {vx.shape} and vy {vy.shape} must both be (y, x) or (time, y, x) on the x/y grid."
        )
    h = np.array(np.broadcast_to(np.asarray(thickness, dtype="float64"), vx.shape))
    if not 0.0 < float(depth_factor) <= 1.1:
        raise InputError(
            f"Depth factor {depth_factor} is outside (0, 1.1]: use 1 for plug flow, ~0.8-1 otherwise."
        )
    h[h < 0] = np.nan
    if boundary is not None:
        inside = boundary_mask(boundary, x, y)
        if not inside.any():
            raise InputError(
                "The boundary polygon does not cover any cell of the velocity grid: check its CRS."
            )
        h[..., ~inside] = np.nan
    k = scale_factor_grid(x, y, crs) if scale_correction else np.ones((len(y), len(x)))
    f = float(depth_factor)
    qx, qy = h * f * vx / k, h * f * vy / k
    with_errors = any(e is not None for e in (vx_error, vy_error, thickness_error))
    sqx = sqy = None
    if with_errors:
        svx, svy, sh = (
            np.zeros(1) if e is None else np.abs(np.asarray(e, dtype="float64"))
            for e in (vx_error, vy_error, thickness_error)
        )
        sqx = f / k * np.sqrt((h * svx) ** 2 + (vx * sh) ** 2)
        sqy = f / k * np.sqrt((h * svy) ** 2 + (vy * sh) ** 2)
    ax_x, ax_y = vx.ndim - 1, vx.ndim - 2
    dqx, sdqx = derivative(qx, x, axis=ax_x, sigma=sqx)
    dqy, sdqy = derivative(qy, y, axis=ax_y, sigma=sqy)
    div = k**2 * (dqx + dqy)
    out = {"flux_divergence": div, "dynamic_dhdt": -div, "thickness": h}
    if with_errors:
        err = k**2 * np.hypot(sdqx, sdqy)
        out["flux_divergence_error"] = err
        out["dynamic_dhdt_error"] = err.copy()
    return out


def flux_divergence_dataset(
    velocity,
    thickness,
    depth_factor: float = 1.0,
    thickness_error=None,
    boundary=None,
    crs=None,
    vx_name: str = "vx",
    vy_name: str = "vy",
    use_errors: bool = True,
    scale_correction: bool = True,
    progress=None,
):
    """Flux divergence of a velocity dataset with a thickness raster in any CRS/resolution.

    Parameters
    ----------
    velocity : NetCDF/Zarr path, ``xarray.Dataset`` or ``(vx_path, vy_path)`` rasters
        Velocities on ``(y, x)`` or ``(time, y, x)`` (see :func:`grid.read_velocity`).
    thickness : raster path or array on the velocity grid
        A path is reprojected and resampled (bilinear, nodata -> NaN) onto the velocity grid.
    thickness_error : raster path, array or float, optional
        Thickness 1-sigma (m), handled like ``thickness``.
    boundary, depth_factor, scale_correction
        As in :func:`flux_divergence`.

    Returns
    -------
    xarray.Dataset
        ``flux_divergence``, ``dynamic_dhdt`` (m/yr), masked ``thickness`` and errors,
        with CF attributes and a ``mapping`` grid-mapping variable.
    """
    progress = SubProgress(progress, 0.0, 1.0)
    grid = read_velocity(velocity, crs=crs, vx_name=vx_name, vy_name=vy_name)
    progress.report(0.2)
    check_cancelled(progress)
    h = _on_grid(thickness, grid)
    _require_thickness(h, thickness)
    h_err = None if thickness_error is None else _on_grid(thickness_error, grid)
    progress.report(0.5)
    check_cancelled(progress)
    result = flux_divergence(
        grid.vx,
        grid.vy,
        h,
        grid.x,
        grid.y,
        grid.crs,
        depth_factor=depth_factor,
        vx_error=grid.vx_error if use_errors else None,
        vy_error=grid.vy_error if use_errors else None,
        thickness_error=h_err,
        boundary=boundary,
        scale_correction=scale_correction,
    )
    if result["thickness"].ndim == 3:
        result["thickness"] = result["thickness"][0]
    attrs = {
        "title": "Ice-flux divergence from ITS_LIVE velocities",
        "depth_factor": float(depth_factor),
        "axis_convention": "x grid east, y grid north (derivatives use coordinate values; y may descend)",
        "sign_convention": "flux_divergence > 0: ice leaves the cell (dynamic thinning, dynamic_dhdt < 0)",
        "scale_factor_correction": int(bool(scale_correction)),
        "boundary_masked": int(boundary is not None),
    }
    ds = build_output_dataset(result, grid, FLUX_VARIABLES, attrs, "itslive:fluxdivergence")
    progress.report(1.0)
    return ds


def flux_divergence_to_file(velocity, thickness, output_path, **kwargs) -> Path:
    """Compute :func:`flux_divergence_dataset` and write it to ``output_path`` (.nc or .tif).

    Raises :class:`DataError` (nothing written) when no cell has a flux divergence.
    """
    ds = flux_divergence_dataset(velocity, thickness, **kwargs)
    if not np.isfinite(ds["flux_divergence"].values).any():
        raise DataError(
            "No cell has a flux divergence: the velocities, the thickness (THICKNESS) and the outline "
            "(BOUNDARY) have no valid cell in common, so nothing was written. Check that they overlap."
        )
    return write_grid_dataset(ds, output_path)


def _require_thickness(h, source) -> None:
    """InputError when the thickness has no positive value on the velocity grid (names THICKNESS)."""
    h = np.asarray(h, dtype="float64")
    what = Path(source).name if isinstance(source, str | Path) else "the thickness array"
    finite = np.isfinite(h)
    if not finite.any():
        raise InputError(
            f"THICKNESS: {what} has no valid value on the velocity grid: it does not overlap the "
            "velocities or it is all no-data. Give an ice thickness raster (m) that covers the velocity area."
        )
    if not (h[finite] > 0).any():
        raise InputError(
            f"THICKNESS: every value of {what} on the velocity grid is zero or negative: give ice "
            "thickness in metres (positive), not surface or bed elevation."
        )


def boundary_polygon(boundary):
    """A shapely (Multi)Polygon from a geometry, an (N, 2) array of x, y or a CSV of outline points.

    The CSV (like the seed's ``Boundaries.csv``) has ``x`` and ``y`` columns in the
    velocity CRS listing the outline's vertices IN ORDER (one ring, e.g. every 100 m); the
    ring is closed if needed. An optional ``fid`` column splits several rings (each a
    polygon, combined as a union). A self-intersecting ring is repaired with ``make_valid``.
    """
    import shapely

    if isinstance(boundary, shapely.Geometry):
        geom = boundary
    elif isinstance(boundary, str | Path):
        geom = _polygon_from_csv(Path(boundary))
    else:
        pts = np.asarray(boundary, dtype="float64")
        if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) < 3:
            raise InputError("A boundary given as points needs an (N >= 3, 2) array of x, y.")
        geom = shapely.Polygon(pts)
    if geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
        raise InputError(f"The boundary must be a polygon, not a {geom.geom_type}.")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.is_empty or geom.area <= 0:
        raise InputError("The boundary polygon is empty.")
    return geom


def boundary_mask(boundary, x, y) -> np.ndarray:
    """Boolean (ny, nx) mask of cell centres inside ``boundary`` (see :func:`boundary_polygon`)."""
    import shapely

    geom = boundary_polygon(boundary)
    shapely.prepare(geom)  # ~1000x faster point-in-polygon for outlines with thousands of vertices
    xx, yy = np.meshgrid(np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))
    return shapely.contains_xy(geom, xx, yy)


def _polygon_from_csv(path: Path):
    import pandas as pd
    import shapely

    if not path.exists():
        raise InputError(f"No boundary file at {path}: check the path.")
    table = pd.read_csv(path)
    cols = {c.lower().strip(): c for c in table.columns}
    if "x" not in cols or "y" not in cols:
        raise InputError(f"{path.name} needs 'x' and 'y' columns (outline vertices in the velocity CRS).")
    groups = table.groupby(cols["fid"], sort=False) if "fid" in cols else [(None, table)]
    rings = []
    for _, part in groups:
        pts = part[[cols["x"], cols["y"]]].to_numpy(dtype="float64")
        pts = pts[np.isfinite(pts).all(axis=1)]
        if len(pts) >= 3:
            rings.append(shapely.Polygon(pts))
    if not rings:
        raise InputError(f"{path.name} holds fewer than 3 valid outline points.")
    return rings[0] if len(rings) == 1 else shapely.union_all(rings)


def _on_grid(values, grid) -> np.ndarray:
    if isinstance(values, str | Path):
        return reproject_to_grid(values, grid.x, grid.y, grid.crs)
    arr = np.asarray(getattr(values, "values", values), dtype="float64")
    if arr.ndim and arr.shape[-2:] != (len(grid.y), len(grid.x)):
        raise InputError(
            f"Thickness array {arr.shape} is not on the velocity grid {(len(grid.y), len(grid.x))}: "
            "pass a raster path to resample it."
        )
    return arr
