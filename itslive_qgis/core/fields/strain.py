"""Surface strain rates from ITS_LIVE velocity grids.

Conventions (also written into every output's attributes):

* Map axes: ``x`` grid east, ``y`` grid north, whatever the row order (ITS_LIVE ``y``
  descends). Derivatives use the coordinate values, never row indices.
* ``exx = dvx/dx``, ``eyy = dvy/dy``, ``exy = (dvx/dy + dvy/dx) / 2`` in 1/yr, positive in
  extension. ``ezz = -(exx + eyy)`` (incompressibility). Effective strain rate
  ``e_eff = sqrt((exx^2 + eyy^2 + ezz^2) / 2 + exy^2)``.
* Principal strain rates ``e1 >= e2``; ``e1_direction`` is the axis of ``e1`` in degrees
  counter-clockwise from grid east (+x), in (-90, 90].
* Flow-aligned components rotate the tensor by the local flow angle
  ``a = atan2(vy, vx)``: ``e_lon`` along flow, ``e_trn`` across flow, ``e_shr`` the
  off-diagonal term in the frame (along flow, 90 deg counter-clockwise of flow):
  positive when speed increases to the left of the flow direction.
* Velocities are ground m/yr, grid spacings map metres. With ``scale_correction`` the
  ground derivatives on the conformal map (scale factor k, :func:`grid.scale_factor_grid`)
  are, for orthogonal coordinates with metric ``ds = dx_map / k``::

      exx = k dvx/dx - vy dk/dy        eyy = k dvy/dy - vx dk/dx
      exy = (k dvx/dy + vx dk/dy + k dvy/dx + vy dk/dx) / 2

  i.e. ``d/dx_ground = k d/dx_map`` plus the (small) terms from k varying in space.

Methods: 0 = central differences on the grid (one-sided at edges and next to NaN);
1 = logarithmic strain rates after Alley et al. (2018, J. Glaciol. 64:321,
doi:10.1017/jog.2018.23), see :func:`_log_strain_rates`.
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError, InputError
from ..progress import SubProgress, check_cancelled
from .grid import (
    GridSampler,
    build_output_dataset,
    derivative,
    read_velocity,
    scale_factor_grid,
    write_grid_dataset,
)

#: Output variables: name -> (long_name, units)
STRAIN_VARIABLES = {
    "exx": ("x (grid east) normal strain rate dvx/dx", "1/yr"),
    "eyy": ("y (grid north) normal strain rate dvy/dy", "1/yr"),
    "exy": ("shear strain rate (dvx/dy + dvy/dx)/2", "1/yr"),
    "ezz": ("vertical strain rate -(exx + eyy)", "1/yr"),
    "e_eff": ("effective strain rate sqrt((exx2+eyy2+ezz2)/2 + exy2)", "1/yr"),
    "e1": ("first (largest) principal strain rate", "1/yr"),
    "e2": ("second (smallest) principal strain rate", "1/yr"),
    "e1_direction": ("direction of e1 axis, degrees counter-clockwise from grid east, (-90, 90]", "degree"),
    "e_lon": ("longitudinal (along-flow) strain rate", "1/yr"),
    "e_trn": ("transverse (across-flow) strain rate", "1/yr"),
    "e_shr": ("flow-aligned shear strain rate (positive: speed increases to the left of flow)", "1/yr"),
    "exx_error": ("uncertainty of exx", "1/yr"),
    "eyy_error": ("uncertainty of eyy", "1/yr"),
    "exy_error": ("uncertainty of exy", "1/yr"),
    "e_eff_error": ("uncertainty of e_eff", "1/yr"),
}
#: Logarithmic method: stakes move by this fraction of the length scale (Alley et al. 2018) ...
STAKE_TRAVEL_FRACTION = 0.1
#: ... or until this much strain has accumulated, whichever comes first.
MAX_ACCUMULATED_STRAIN = 0.01
#: Speed floor (m/yr) that bounds the stake travel time in stagnant ice.
SPEED_FLOOR_M_PER_YR = 0.01
RK4_STEPS = 4


def strain_rates(
    vx,
    vy,
    x,
    y,
    crs=None,
    method: int = 0,
    length_scale_m: float | None = None,
    vx_error=None,
    vy_error=None,
    scale_correction: bool = True,
    progress=None,
) -> dict[str, np.ndarray]:
    """Strain-rate tensor, invariants and flow-aligned components of a velocity field.

    Parameters
    ----------
    vx, vy : array (ny, nx) or (nt, ny, nx)
        Ground velocity components along grid east / north, m/yr; NaN = no data.
    x, y : array
        Cell-centre map coordinates, metres; ``y`` may descend (ITS_LIVE) or ascend.
    crs : EPSG code, string or pyproj.CRS
        Projected CRS of the grid (needed for the scale-factor correction).
    method : {0, 1}
        0: central differences (one-sided at edges / next to NaN, NaN at NaN cells).
        1: logarithmic strain rates over ``length_scale_m`` (Alley et al. 2018).
    length_scale_m : float
        Method 1 only: ground distance (metres) from the centre stake to each of the four
        outer stakes of the strain square (the square spans ``2 * length_scale_m``).
    vx_error, vy_error : float or array, optional
        1-sigma velocity errors (m/yr), broadcast to ``vx``. Errors are propagated as
        independent per cell: method 0 through the difference stencil
        (``sqrt(s[i+1]^2 + s[i-1]^2) / (2 dx)``, matches Monte Carlo), method 1 as
        ``sqrt(2) s / (2 L)`` (conservative: Monte Carlo spread is 0.6-0.8 of it, as the
        rosette averages several segments).
    scale_correction : bool
        Convert map derivatives to ground derivatives with the projection scale factor.

    Returns
    -------
    dict of str -> ndarray
        Every name of :data:`STRAIN_VARIABLES` (errors only with velocity errors), 1/yr.
    """
    vx = np.asarray(vx, dtype="float64")
    vy = np.asarray(vy, dtype="float64")
    if vx.shape != vy.shape or vx.ndim not in (2, 3) or vx.shape[-2:] != (len(y), len(x)):
        raise InputError(
            f"vx {vx.shape} and vy {vy.shape} must both be (y, x) or (time, y, x) on the x/y grid."
        )
    if method not in (0, 1):
        raise InputError(
            f"Unknown strain-rate method {method!r}: use 0 (finite differences) or 1 (logarithmic)."
        )
    if method == 1 and (length_scale_m is None or not length_scale_m > 0):
        raise InputError("The logarithmic method needs a positive length scale in metres (e.g. 500).")
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if scale_correction:
        k = scale_factor_grid(x, y, crs)
    else:
        k = np.ones((len(y), len(x)))
    errors = vx_error is not None and vy_error is not None
    ex = np.broadcast_to(np.abs(np.asarray(vx_error, dtype="float64")), vx.shape) if errors else None
    ey = np.broadcast_to(np.abs(np.asarray(vy_error, dtype="float64")), vx.shape) if errors else None
    if vx.ndim == 2:
        return _strain_2d(vx, vy, x, y, k, method, length_scale_m, ex, ey, progress)
    steps = []
    for i in range(vx.shape[0]):
        sub = SubProgress(progress, i / vx.shape[0], (i + 1) / vx.shape[0])
        steps.append(
            _strain_2d(
                vx[i],
                vy[i],
                x,
                y,
                k,
                method,
                length_scale_m,
                None if ex is None else ex[i],
                None if ey is None else ey[i],
                sub,
            )
        )
    return {name: np.stack([s[name] for s in steps]) for name in steps[0]}


def strain_rates_dataset(
    ds,
    method: int = 0,
    length_scale_m: float | None = None,
    crs=None,
    vx_name: str = "vx",
    vy_name: str = "vy",
    use_errors: bool = True,
    scale_correction: bool = True,
    progress=None,
):
    """Strain rates of a dataset with ``vx``/``vy`` on ``(y, x)`` or ``(time, y, x)``.

    Returns an ``xarray.Dataset`` with the variables of :data:`STRAIN_VARIABLES` on the
    input's dims (time axis kept), CF attributes, units 1/yr and a ``mapping``
    grid-mapping variable. ``ds`` may also be a NetCDF/Zarr path or a ``(vx_path, vy_path)``
    pair of rasters (see :func:`grid.read_velocity`).
    """
    grid = read_velocity(ds, crs=crs, vx_name=vx_name, vy_name=vy_name)
    result = strain_rates(
        grid.vx,
        grid.vy,
        grid.x,
        grid.y,
        grid.crs,
        method=method,
        length_scale_m=length_scale_m,
        vx_error=grid.vx_error if use_errors else None,
        vy_error=grid.vy_error if use_errors else None,
        scale_correction=scale_correction,
        progress=progress,
    )
    attrs = {
        "title": "Surface strain rates from ITS_LIVE velocities",
        "strain_method": "central differences" if method == 0 else "logarithmic (Alley et al. 2018)",
        "length_scale_m": float(length_scale_m) if method == 1 else float(abs(grid.x[1] - grid.x[0])),
        "axis_convention": "x grid east, y grid north (derivatives use coordinate values; y may descend)",
        "sign_convention": "positive = extension; e1 >= e2; angles counter-clockwise from grid east",
        "scale_factor_correction": int(bool(scale_correction)),
        "references": "Alley et al. 2018, J. Glaciol. 64:321, doi:10.1017/jog.2018.23",
    }
    return build_output_dataset(result, grid, STRAIN_VARIABLES, attrs, "itslive:strainrates")


def strain_rates_to_file(source, output_path, method: int = 0, length_scale_m=None, crs=None, **kwargs):
    """Compute strain rates of ``source`` and write them to ``output_path`` (.nc or .tif, atomically).

    ``source``: NetCDF/Zarr path, ``xarray.Dataset`` or a ``(vx_path, vy_path)`` raster pair.
    Keyword arguments go to :func:`strain_rates_dataset`. Returns the output path.
    """
    ds = strain_rates_dataset(source, method=method, length_scale_m=length_scale_m, crs=crs, **kwargs)
    if not any(np.isfinite(ds[name].values).any() for name in ("exx", "eyy", "exy")):
        x, y = ds["x"].values, ds["y"].values
        size_m = max(abs(float(x[-1] - x[0])), abs(float(y[-1] - y[0])))
        if method == 1 and length_scale_m is not None and length_scale_m > size_m / 2:
            raise InputError(
                f"LENGTH_SCALE ({length_scale_m:g} m) is larger than half the velocity grid ({size_m:g} m "
                "across): no cell has a strain rate. Choose a length scale of a few cells (e.g. "
                f"{4 * abs(float(x[1] - x[0])) if x.size > 1 else 480:g} m)."
            )
        raise DataError(
            "No cell has a strain rate (the velocities have no two valid neighbours), so nothing was "
            "written: check that INPUT holds vx/vy values over the area."
        )
    return write_grid_dataset(ds, output_path)


def _strain_2d(vx, vy, x, y, k, method, length_scale_m, ex, ey, progress):
    check_cancelled(progress)
    if method == 0:
        exx, eyy, exy, sxx, syy, sxy = _fd_strain_rates(vx, vy, x, y, k, ex, ey)
    else:
        exx, eyy, exy = _log_strain_rates(vx, vy, x, y, k, float(length_scale_m), progress)
        if ex is not None:
            base = np.sqrt(2.0) / (2.0 * length_scale_m)
            sxx, syy, sxy = base * ex, base * ey, 0.5 * base * np.hypot(ex, ey)
    out = _derived(exx, eyy, exy, vx, vy)
    if ex is not None:
        valid = np.isfinite(exx)
        out["exx_error"] = np.where(valid, sxx, np.nan)
        out["eyy_error"] = np.where(valid, syy, np.nan)
        out["exy_error"] = np.where(valid, sxy, np.nan)
        out["e_eff_error"] = _effective_error(exx, eyy, exy, out["e_eff"], sxx, syy, sxy)
    if progress is not None:
        progress.report(1.0)
    return out


def _fd_strain_rates(vx, vy, x, y, k, ex, ey):
    """Method 0: central differences plus the scale-factor terms (see module docstring)."""
    dvx_dx, s_vx_dx = derivative(vx, x, axis=1, sigma=ex)
    dvx_dy, s_vx_dy = derivative(vx, y, axis=0, sigma=ex)
    dvy_dx, s_vy_dx = derivative(vy, x, axis=1, sigma=ey)
    dvy_dy, s_vy_dy = derivative(vy, y, axis=0, sigma=ey)
    dk_dx, _ = derivative(k, x, axis=1)
    dk_dy, _ = derivative(k, y, axis=0)
    exx = k * dvx_dx - vy * dk_dy
    eyy = k * dvy_dy - vx * dk_dx
    exy = 0.5 * (k * dvx_dy + vx * dk_dy + k * dvy_dx + vy * dk_dx)
    if ex is None:
        return exx, eyy, exy, None, None, None
    return exx, eyy, exy, k * s_vx_dx, k * s_vy_dy, 0.5 * k * np.hypot(s_vx_dy, s_vy_dx)


def _derived(exx, eyy, exy, vx, vy) -> dict[str, np.ndarray]:
    ezz = -(exx + eyy)
    e_eff = np.sqrt((exx**2 + eyy**2 + ezz**2) / 2.0 + exy**2)
    mean = (exx + eyy) / 2.0
    radius = np.sqrt(((exx - eyy) / 2.0) ** 2 + exy**2)
    direction = np.degrees(0.5 * np.arctan2(2.0 * exy, exx - eyy))
    direction = np.where(direction <= -90.0, direction + 180.0, direction)
    a = np.arctan2(vy, vx)
    c, s = np.cos(a), np.sin(a)
    return {
        "exx": exx,
        "eyy": eyy,
        "exy": exy,
        "ezz": ezz,
        "e_eff": e_eff,
        "e1": mean + radius,
        "e2": mean - radius,
        "e1_direction": np.where(np.isfinite(exx), direction, np.nan),
        "e_lon": exx * c**2 + 2.0 * exy * s * c + eyy * s**2,
        "e_trn": exx * s**2 - 2.0 * exy * s * c + eyy * c**2,
        "e_shr": (eyy - exx) * s * c + exy * (c**2 - s**2),
    }


def _effective_error(exx, eyy, exy, e_eff, sxx, syy, sxy):
    """Linear propagation of independent component errors into e_eff (e_eff^2 = exx^2+eyy^2+exx*eyy+exy^2)."""
    safe = np.where(e_eff > 0, e_eff, np.nan)
    linear = np.sqrt(
        ((2 * exx + eyy) / (2 * safe) * sxx) ** 2
        + ((2 * eyy + exx) / (2 * safe) * syy) ** 2
        + (exy / safe * sxy) ** 2
    )
    return np.where(e_eff > 0, linear, np.sqrt((sxx**2 + syy**2 + sxy**2) / 3.0))


# Stakes of the strain square: centre, north (+y), east (+x), south, west (unit map offsets).
_STAKES = np.array([[0, 0], [0, 1], [1, 0], [0, -1], [-1, 0]], dtype="float64")
# Segments (pairs of stakes) and the direction they measure: y, x, north-east 45 deg, south-east -45 deg.
_SEGMENTS = {"ea": ((0, 1), (0, 3)), "ec": ((0, 2), (0, 4)), "eb": ((4, 1), (3, 2)), "ed": ((1, 2), (4, 3))}


def _log_strain_rates(vx, vy, x, y, k, length_scale_m, progress=None, rows_per_block: int = 32):
    """Method 1: logarithmic strain rates of a Lagrangian strain square (Alley et al. 2018).

    For every valid cell, five virtual stakes (centre and four stakes at ground distance
    ``L = length_scale_m`` grid-north, east, south and west) are advected through the
    bilinearly interpolated field (RK4, map velocity = k * ground velocity) for a time
    ``T``; each segment's logarithmic strain rate is ``ln(l(T) / l(0)) / T`` with ground
    lengths ``l = map length / k``. Opposite half-segments are averaged, giving strain
    rates along y (``ea``), x (``ec``), the north-east (``eb``) and south-east (``ed``)
    diagonals, combined by least squares (strain rosette)::

        exx = 3/4 ec - 1/4 ea + 1/4 (eb + ed)
        eyy = 3/4 ea - 1/4 ec + 1/4 (eb + ed)
        exy = (eb - ed) / 2

    ``T`` is the time for the centre stake to travel 0.1 L (Alley et al. 2018), shortened
    where needed so that at most 1 % strain accumulates (keeps strongly sheared, slow ice
    in the small-deformation regime). Cells whose stakes leave the grid or meet NaN give NaN.
    """
    sampler = GridSampler(x, y)
    ny, nx = vx.shape
    out = [np.full((ny, nx), np.nan) for _ in range(3)]
    k_const = float(k.flat[0]) if np.all(k == k.flat[0]) else None
    for start in range(0, ny, rows_per_block):
        check_cancelled(progress)
        rows = slice(start, min(start + rows_per_block, ny))
        xx, yy = np.meshgrid(x, y[rows])
        kc = k[rows]
        px = xx[..., None] + length_scale_m * kc[..., None] * _STAKES[:, 0]
        py = yy[..., None] + length_scale_m * kc[..., None] * _STAKES[:, 1]

        def velocity(qx, qy):
            return _map_velocity(sampler, vx, vy, k, k_const, qx, qy)

        u0, v0, k0 = velocity(px, py)
        speed = np.hypot(u0[..., 0], v0[..., 0]) / kc
        grad = np.max(np.hypot(u0 - u0[..., :1], v0 - v0[..., :1]), axis=-1) / (kc * length_scale_m)
        rate = np.maximum.reduce(
            [
                speed / (STAKE_TRAVEL_FRACTION * length_scale_m),
                grad / MAX_ACCUMULATED_STRAIN,
                np.full_like(speed, SPEED_FLOOR_M_PER_YR / (STAKE_TRAVEL_FRACTION * length_scale_m)),
            ]
        )
        t_years = 1.0 / rate
        dt = (t_years / RK4_STEPS)[..., None]
        qx, qy = px.copy(), py.copy()
        for _ in range(RK4_STEPS):
            k1x, k1y, _k = velocity(qx, qy)
            k2x, k2y, _k = velocity(qx + 0.5 * dt * k1x, qy + 0.5 * dt * k1y)
            k3x, k3y, _k = velocity(qx + 0.5 * dt * k2x, qy + 0.5 * dt * k2y)
            k4x, k4y, _k = velocity(qx + dt * k3x, qy + dt * k3y)
            qx = qx + dt / 6.0 * (k1x + 2 * k2x + 2 * k3x + k4x)
            qy = qy + dt / 6.0 * (k1y + 2 * k2y + 2 * k3y + k4y)
        k_end = (
            np.full_like(qx, k_const) if k_const is not None else sampler.sample(k, sampler.locate(qx, qy))
        )
        k_start = np.broadcast_to(k0, px.shape)
        rates = {}
        for key, pairs in _SEGMENTS.items():
            acc = 0.0
            for i, j in pairs:
                l0 = (
                    np.hypot(px[..., i] - px[..., j], py[..., i] - py[..., j])
                    * 2
                    / (k_start[..., i] + k_start[..., j])
                )
                l1 = (
                    np.hypot(qx[..., i] - qx[..., j], qy[..., i] - qy[..., j])
                    * 2
                    / (k_end[..., i] + k_end[..., j])
                )
                acc = acc + np.log(l1 / l0) / t_years
            rates[key] = acc / len(pairs)
        diag = rates["eb"] + rates["ed"]
        exx = 0.75 * rates["ec"] - 0.25 * rates["ea"] + 0.25 * diag
        eyy = 0.75 * rates["ea"] - 0.25 * rates["ec"] + 0.25 * diag
        exy = 0.5 * (rates["eb"] - rates["ed"])
        valid = np.isfinite(vx[rows]) & np.isfinite(vy[rows])
        for arr, val in zip(out, (exx, eyy, exy)):
            arr[rows] = np.where(valid & np.isfinite(val), val, np.nan)
        if progress is not None:
            progress.report(min(1.0, (start + rows_per_block) / ny))
    return tuple(out)


def _map_velocity(sampler, vx, vy, k, k_const, qx, qy):
    """Map-coordinate velocity (k * ground m/yr) and k at points (qx, qy); NaN off the data."""
    loc = sampler.locate(qx, qy)
    kk = k_const if k_const is not None else sampler.sample(k, loc)
    return sampler.sample(vx, loc) * kk, sampler.sample(vy, loc) * kk, kk
