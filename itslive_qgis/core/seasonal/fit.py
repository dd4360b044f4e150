"""Per-pixel seasonal model of interval-averaged velocities: mean, trend, annual (and semi-annual) cycle.

Model of one velocity component (m/yr) at time t (days since 1970-01-01)::

    v(t) = c0 + c1 (t - t0) / 365.25 + A1 cos(w t) + B1 sin(w t) [+ A2 cos(2 w t) + B2 sin(2 w t)]

with w = 2 pi / 365.25 d. An image pair observes the AVERAGE of v over its interval [d1, d2] (as the
ITS_LIVE production composites do), so each row of the design matrix holds the interval means of the
basis functions: 1, the trend at the interval's midpoint, and ``(sin w d2 - sin w d1) / (w (d2 - d1))``,
``(cos w d1 - cos w d2) / (w (d2 - d1))`` (their limits cos w t, sin w t for instantaneous values, e.g.
the steps of an inversion result, which also average over their step: see :func:`interval_design`).

Fit: weighted least squares with weights 1/sigma^2 from the pair errors, made robust by iteratively
reweighted least squares with Huber weights (c = 1.345) on the residuals divided by sigma and by a
robust per-pixel scale (1.4826 x the median absolute normalised residual), :data:`HUBER_ITERATIONS`
iterations; then observations beyond :data:`CLIP_SIGMAS` robust sigmas get weight 0 for the final solve.
1-sigma uncertainties are the square roots of the diagonal of ``(G^T W G)^-1`` scaled by the reduced
chi-square when it exceeds 1 (pair errors that are too small are not believed).

Amplitude and phase: ``amp = hypot(A, B)``; the maximum is at ``t* = atan2(B, A) / w``, reported as the
day of year ``1 + (t* mod 365.25)`` (t* in days since 1970-01-01; so 1 = 1 January, within a day over
leap years); their errors by first-order propagation of the (A, B) covariance.

Everything is vectorised over pixels (normal equations as one matrix product per block of pixels,
batched solves); pixels are processed in blocks only to bound memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DAYS_PER_YEAR = 365.25
OMEGA_PER_DAY = 2.0 * np.pi / DAYS_PER_YEAR
#: climatology centre of the ITS_LIVE composites (2018-01-01), days since 1970-01-01
DEFAULT_T0_DAYS = 17532.0
HUBER_C = 1.345
HUBER_ITERATIONS = 6
CLIP_SIGMAS = 5.0
MAD_TO_SIGMA = 1.4826
MAX_CONDITION = 1e9
BLOCK_BYTES = 128 * 2**20


@dataclass
class ComponentFit:
    """Fit of one component over P pixels.

    ``coef`` (P, m): c0 (m/yr at t0), c1 (m/yr per yr), A1, B1[, A2, B2] (m/yr); ``cov`` (P, m, m);
    ``n_used`` (P,) observations with non-zero final weight; ``n_rejected`` (P,) clipped ones;
    NaN rows where the pixel could not be fitted.
    """

    coef: np.ndarray
    cov: np.ndarray
    n_used: np.ndarray
    n_rejected: np.ndarray


def interval_design(d1_days, d2_days, t0_days: float = DEFAULT_T0_DAYS, semiannual: bool = False):
    """(K, m) interval means of the basis functions over [d1, d2] (days since 1970-01-01)."""
    d1 = np.asarray(d1_days, dtype="float64")
    d2 = np.asarray(d2_days, dtype="float64")
    mid = 0.5 * (d1 + d2)
    cols = [np.ones_like(mid), (mid - t0_days) / DAYS_PER_YEAR]
    for h in (1, 2) if semiannual else (1,):
        w = h * OMEGA_PER_DAY
        dt = d2 - d1
        short = np.abs(w * dt) < 1e-6
        safe = np.where(short, 1.0, w * dt)
        # sin/cos of the interval mean, written around the midpoint for accuracy: mean cos = cos(w m) sinc
        sinc = np.where(short, 1.0, np.sin(0.5 * safe) / (0.5 * safe))
        cols += [np.cos(w * mid) * sinc, np.sin(w * mid) * sinc]
    return np.stack(cols, axis=1)


def fit_component(values, sigma, design, robust: bool = True, min_obs: int | None = None) -> ComponentFit:
    """Fit the model to ``values`` (K, P) m/yr (NaN = missing) with 1-sigma ``sigma`` (K,) or (K, P).

    ``design`` (K, m) from :func:`interval_design`. ``min_obs``: pixels with fewer valid observations
    are not fitted (default m + 3).
    """
    values = np.asarray(values, dtype="float64")
    k, p = values.shape
    m = design.shape[1]
    min_obs = m + 3 if min_obs is None else int(min_obs)
    sigma = np.asarray(sigma, dtype="float64")
    sigma = np.broadcast_to(sigma[:, None] if sigma.ndim == 1 else sigma, (k, p))
    block = max(1, int(BLOCK_BYTES // (8 * 6 * max(k, 1))))
    out = ComponentFit(
        coef=np.full((p, m), np.nan),
        cov=np.full((p, m, m), np.nan),
        n_used=np.zeros(p, dtype="int64"),
        n_rejected=np.zeros(p, dtype="int64"),
    )
    for s in range(0, p, block):
        sl = slice(s, min(p, s + block))
        coef, cov, used, rejected = _fit_block(values[:, sl], sigma[:, sl], design, robust, min_obs)
        out.coef[sl], out.cov[sl], out.n_used[sl], out.n_rejected[sl] = coef, cov, used, rejected
    return out


def amplitude_phase(a, b, var_a, var_b, cov_ab, harmonic: int = 1):
    """(amp, amp_error, phase_doy, phase_error_days) of ``a cos(h w t) + b sin(h w t)``.

    Phase: day of year of the (first) maximum, ``1 + (t* mod period)`` with t* in days since 1970-01-01.
    """
    w = harmonic * OMEGA_PER_DAY
    amp = np.hypot(a, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        var_amp = (a * a * var_a + b * b * var_b + 2 * a * b * cov_ab) / (amp * amp)
        var_phi = (b * b * var_a + a * a * var_b - 2 * a * b * cov_ab) / amp**4
    t_peak = np.arctan2(b, a) / w
    period = DAYS_PER_YEAR / harmonic
    phase = 1.0 + np.mod(t_peak, period)
    ok = amp > 0
    amp_err = np.where(ok, np.sqrt(np.maximum(var_amp, 0.0)), np.sqrt(np.maximum(0.5 * (var_a + var_b), 0.0)))
    phase_err = np.where(ok, np.sqrt(np.maximum(var_phi, 0.0)) / w, np.nan)
    return amp, amp_err, np.where(ok, phase, np.nan), phase_err


def along_flow(fx: ComponentFit, fy: ComponentFit):
    """The speed's model along the mean flow direction u = (vx0, vy0) / |(vx0, vy0)|.

    Coefficients ``u . (cx, cy)`` for every term (trend, cos, sin), except the mean speed
    ``hypot(vx0, vy0)``; covariances ``ux^2 cov_x + uy^2 cov_y`` (vx and vy fitted independently).
    Returns (coef (P, m), cov (P, m, m)).
    """
    vx0, vy0 = fx.coef[:, 0], fy.coef[:, 0]
    speed = np.hypot(vx0, vy0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ux = np.where(speed > 0, vx0 / speed, np.nan)
        uy = np.where(speed > 0, vy0 / speed, np.nan)
    coef = ux[:, None] * fx.coef + uy[:, None] * fy.coef
    coef[:, 0] = speed
    cov = (ux**2)[:, None, None] * fx.cov + (uy**2)[:, None, None] * fy.cov
    return coef, cov


# --- the solver ---------------------------------------------------------------------------------


def _fit_block(values, sigma, design, robust, min_obs):
    k, p = values.shape
    m = design.shape[1]
    ok = np.isfinite(values) & np.isfinite(sigma) & (sigma > 0)
    y = np.where(ok, values, 0.0)
    base_w = np.where(ok, 1.0 / np.where(ok, sigma, 1.0) ** 2, 0.0)
    outer = (design[:, :, None] * design[:, None, :]).reshape(k, m * m)
    w = base_w
    coef = _solve(w, y, design, outer)
    rejected = np.zeros(p, dtype="int64")
    if robust:
        for _ in range(HUBER_ITERATIONS):
            z = _normalised_residuals(y, sigma, design, coef, ok)
            az = np.abs(z)
            w = base_w * np.where(az <= HUBER_C, 1.0, HUBER_C / np.maximum(az, 1e-12))
            coef = _solve(w, y, design, outer)
        z = _normalised_residuals(y, sigma, design, coef, ok)
        clip = ok & (np.abs(z) > CLIP_SIGMAS)
        rejected = clip.sum(axis=0)
        w = np.where(clip, 0.0, w)
        coef = _solve(w, y, design, outer)
    used = ((w > 0) & ok).sum(axis=0)
    normal = (w.T @ outer).reshape(p, m, m)
    resid = y - design @ coef.T
    chi2 = np.einsum("kp,kp->p", w, resid * resid)
    dof = np.maximum(used - m, 1)
    scale = np.maximum(chi2 / dof, 1.0)
    good = (used >= min_obs) & np.isfinite(coef).all(axis=1)
    cond = np.full(p, np.inf)
    if good.any():
        cond[good] = np.linalg.cond(normal[good])
    good &= cond < MAX_CONDITION
    cov = np.full((p, m, m), np.nan)
    if good.any():
        cov[good] = np.linalg.inv(normal[good]) * scale[good, None, None]
    coef = np.where(good[:, None], coef, np.nan)
    return coef, cov, np.where(good, used, 0), np.where(good, rejected, 0)


def _solve(w, y, design, outer):
    """Batched weighted least squares: (P, m) coefficients (NaN where singular)."""
    k, p = w.shape
    m = design.shape[1]
    normal = (w.T @ outer).reshape(p, m, m)
    rhs = (w * y).T @ design
    # a tiny ridge keeps empty pixels solvable; they are discarded by the caller's checks
    trace = np.trace(normal, axis1=1, axis2=2)
    ridge = 1e-12 * np.maximum(trace, 1e-30)
    normal = normal + ridge[:, None, None] * np.eye(m)
    try:
        return np.linalg.solve(normal, rhs[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        out = np.full((p, m), np.nan)
        for i in np.flatnonzero(np.isfinite(normal).all(axis=(1, 2))):  # rare: a singular pixel
            out[i] = np.linalg.lstsq(normal[i], rhs[i], rcond=None)[0]
        return out


def _normalised_residuals(y, sigma, design, coef, ok):
    """Residuals / (sigma x robust per-pixel scale); 0 where not observed."""
    resid = (y - design @ np.nan_to_num(coef).T) / np.where(ok, sigma, 1.0)
    mad = column_median(np.abs(resid), ok)
    scale = np.where(np.isfinite(mad) & (mad > 0), MAD_TO_SIGMA * mad, 1.0)
    return np.where(ok, resid / scale, 0.0)


def column_median(values, ok) -> np.ndarray:
    """Median of ``values[ok]`` in every column (NaN for an empty column), one sort for all columns.

    (``np.nanmedian`` along an axis loops over the columns in Python.)
    """
    ordered = np.sort(np.where(ok, values, np.inf), axis=0)
    n = ok.sum(axis=0)
    cols = np.arange(values.shape[1])
    lo = ordered[np.maximum((n - 1) // 2, 0), cols]
    hi = ordered[np.maximum(n // 2, 0), cols]
    with np.errstate(invalid="ignore"):
        return np.where(n > 0, 0.5 * (lo + hi), np.nan)
