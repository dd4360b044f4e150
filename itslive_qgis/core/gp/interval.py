"""A Gaussian process over time observed through interval means (numpy/scipy only).

Why our own few lines: scikit-learn's and GPy's kernels are point kernels (no operator for the
mean over an interval), gpytorch is not installed (and torch is becoming optional in this plugin);
an image pair measures the MEAN velocity between its two acquisitions, and pairs of 6 days to
18 months observe the same seasonal cycle very differently, so the interval matters.

The model, for one velocity component (m/yr), time ``t`` in years::

    f(t) = c0 + c1 t + g(t),   g ~ GP(0, k_long + k_season)
    y_i  = mean of f over [d1_i, d2_i] + e_i,   e_i ~ N(0, s^2 (sigma_i^2 + tau^2))

* ``k_long``: squared exponential (``sigma_long``, ``ell_long_yr``): the slow trend changes.
* ``k_season``: quasi-periodic, ``sigma_season^2 exp(-2 sin^2(pi tau / P) / ell_period^2)
  exp(-tau^2 / (2 ell_decay_yr^2))`` with P = 1 yr: a seasonal cycle whose shape may drift
  from year to year over ``ell_decay_yr``.
* ``c0``, ``c1``: a linear trend with a broad Gaussian prior.
* noise: the pairs' own errors ``sigma_i`` (vx_error/vy_error) scaled by ``s``, plus ``tau``.

The approximation (what makes 50,000 pairs answer in about a second): ``g`` is written in the
reduced-rank Hilbert-space basis of Solin & Sarkka (2020), ``M`` sines on a domain a little larger
than the data, ``phi_j(t) = L^-1/2 sin(pi j (t + L) / 2L)`` with prior variances from the kernel's
spectral density at ``omega_j = pi j / 2L`` (the quasi-periodic density is the squared-exponential
density shifted to the harmonics ``2 pi k``, weighted by the Bessel coefficients of the periodic
kernel). The interval mean of a sine is analytic, so the interval operator is EXACT within the
basis (no quadrature). ``M`` is chosen to resolve 5 harmonics (``omega < 2 pi 5.5 + 4/ell_decay``),
so the cost is O(N M^2) once and O(M^3) per likelihood evaluation, whatever N.
Hyper-parameters maximise the log marginal likelihood (scipy L-BFGS-B over their logarithms, within
bounds, ``tau`` on a grid of 0, 0.5, 1, 2 median errors), on at most ``fit_pairs`` pairs drawn at
random (the posterior then uses all pairs). Outliers: pairs more than ``outlier_sigma`` predictive
standard deviations from the first fit are dropped and the model refitted once.

Reference: Solin, A. and Sarkka, S. (2020), Hilbert space methods for reduced-rank Gaussian process
regression, Statistics and Computing 30, 419-446, doi:10.1007/s11222-019-09886-w.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError

DAYS_PER_YEAR = 365.25
#: harmonics of the year the basis resolves
HARMONICS = 5
#: shortest decay (years) of the seasonal shape and the longest trend scale (bounds of the fit)
ELL_DECAY_BOUNDS_YR = (1.0, 30.0)
ELL_LONG_BOUNDS_YR = (0.5, 15.0)
ELL_PERIOD_BOUNDS = (0.5, 3.0)
MAX_BASIS = 1200
TAU_GRID = (0.0, 0.5, 1.0, 2.0)
#: hyper-parameters are fitted on at most this many pairs of the densest FIT_WINDOW_YR years
FIT_PAIRS = 3000
FIT_WINDOW_YR = 6.0


@dataclass
class GPHyper:
    """Hyper-parameters (component units m/yr; lengths in years; ``noise_scale`` and ``tau`` see module)."""

    sigma_long: float
    ell_long_yr: float
    sigma_season: float
    ell_period: float
    ell_decay_yr: float
    noise_scale: float
    tau: float
    log_marginal_likelihood: float = float("nan")


@dataclass
class IntervalGP:
    """A fitted model: ``predict_means`` gives the posterior of the mean over any intervals."""

    hyper: GPHyper
    t0_days: float
    half_domain_yr: float
    n_basis: int
    coef_mean: np.ndarray  # (M + 2,) posterior mean of [c0, c1, beta]
    coef_chol: np.ndarray  # lower Cholesky factor of the posterior covariance of the coefficients
    offset: float
    n_pairs: int
    n_outliers: int

    def predict_means(self, start_days, end_days) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and 1-sigma (m/yr) of the mean of f over each [start, end] (days)."""
        phi = design(start_days, end_days, self.t0_days, self.half_domain_yr, self.n_basis)
        mean = phi @ self.coef_mean + self.offset
        sd = np.sqrt(np.sum((phi @ self.coef_chol) ** 2, axis=1))
        return mean, sd


def fit_interval_gp(
    d1_days,
    d2_days,
    values,
    sigma=None,
    fit_pairs: int = FIT_PAIRS,
    fit_window_yr: float = FIT_WINDOW_YR,
    outlier_sigma: float | None = 4.0,
    seed: int = 0,
) -> IntervalGP:
    """Fit the interval-mean GP to pairs ``[d1, d2]`` (days) observing ``values`` (m/yr).

    ``sigma``: 1-sigma per pair (m/yr); None for equal weights (then ``tau`` carries the noise).
    Hyper-parameters come from the ``fit_window_yr`` years holding the most pairs (at most
    ``fit_pairs`` of them, drawn with ``seed``); the posterior uses every pair.
    """
    d1, d2 = np.asarray(d1_days, "float64"), np.asarray(d2_days, "float64")
    y = np.asarray(values, "float64")
    s = np.ones_like(y) if sigma is None else np.asarray(sigma, "float64")
    use = np.isfinite(d1) & np.isfinite(d2) & np.isfinite(y) & np.isfinite(s) & (s > 0) & (d2 >= d1)
    if use.sum() < 10:
        raise InputError(
            f"The Gaussian process needs at least 10 pairs with values and errors ({use.sum()})."
        )
    d1, d2, y, s = d1[use], d2[use], y[use], s[use]
    offset = float(np.average(y, weights=1 / s**2))
    r = y - offset
    scale = float(np.std(r)) or 1.0
    basis = _Basis.covering(d1.min(), d2.max())
    phi = design(d1, d2, basis.t0, basis.half, basis.n)
    rng = np.random.default_rng(seed)
    window = _fit_window(d1, d2, fit_window_yr)
    hyper = _fit_hyper(d1[window], d2[window], r[window], s[window], scale, fit_pairs, rng)
    stats = _sufficient(phi, r, s**2 + hyper.tau**2)  # the O(N M^2) step, done once
    lml, mean, chol = _log_ml(hyper, stats, basis.omega, basis.trend_var(scale), posterior=True)
    n_out = 0
    if outlier_sigma is not None:
        # the noise's standard deviation only (the posterior's is much smaller and costs N M^2)
        pred_sd = hyper.noise_scale * np.sqrt(s**2 + hyper.tau**2)
        keep = np.abs(r - phi @ mean) <= outlier_sigma * pred_sd
        n_out = int((~keep).sum())
        if n_out and keep.sum() >= 10:
            w = window & keep
            hyper = _fit_hyper(d1[w], d2[w], r[w], s[w], scale, fit_pairs, rng, first=hyper)
            # the refit keeps tau, so the statistics of the kept pairs are a downdate by the outliers
            out = ~keep
            stats = _downdate(stats, _sufficient(phi[out], r[out], s[out] ** 2 + hyper.tau**2))
            lml, mean, chol = _log_ml(hyper, stats, basis.omega, basis.trend_var(scale), posterior=True)
    hyper.log_marginal_likelihood = float(lml)
    return IntervalGP(hyper, basis.t0, basis.half, basis.n, mean, chol, offset, int(y.size), n_out)


@dataclass
class _Basis:
    """The Hilbert-space basis over [t0 - half, t0 + half] (years), n sines."""

    t0: float
    half: float
    n: int

    @classmethod
    def covering(cls, start_days, end_days):
        half_span = 0.5 * (end_days - start_days) / DAYS_PER_YEAR
        half = 1.2 * half_span + 2.0
        omega_max = 2 * np.pi * (HARMONICS + 0.5) + 4.0 / ELL_DECAY_BOUNDS_YR[0]
        n = int(min(MAX_BASIS, max(8, np.ceil(omega_max * 2 * half / np.pi))))
        return cls(0.5 * (start_days + end_days), half, n)

    @property
    def omega(self):
        return np.pi * np.arange(1, self.n + 1) / (2 * self.half)

    def trend_var(self, scale):
        """Prior variances of c0 (m/yr)^2 and c1 (m/yr per yr)^2: broad, from the data's spread."""
        return np.array([(3 * scale) ** 2, (3 * scale / max(self.half, 1.0)) ** 2])


def _fit_window(d1, d2, years) -> np.ndarray:
    """Pairs inside the ``years``-long window that holds the most of them (all if the span is shorter)."""
    length = years * DAYS_PER_YEAR
    if d2.max() - d1.min() <= length:
        return np.ones(d1.size, dtype=bool)
    order = np.sort(d2)
    starts = np.sort(d1)
    counts = np.searchsorted(order, starts + length, side="right") - np.arange(starts.size)
    w0 = starts[int(np.argmax(counts))]
    return (d1 >= w0) & (d2 <= w0 + length)


def _fit_hyper(d1, d2, r, s, scale, fit_pairs, rng, first: GPHyper | None = None) -> GPHyper:
    """Hyper-parameters by marginal likelihood on (a subsample of) these pairs; ``first``: warm start."""
    from scipy.optimize import minimize

    sub = rng.choice(r.size, fit_pairs, replace=False) if r.size > fit_pairs else np.arange(r.size)
    d1, d2, r, s = d1[sub], d2[sub], r[sub], s[sub]
    basis = _Basis.covering(d1.min(), d2.max())
    phi = design(d1, d2, basis.t0, basis.half, basis.n)
    omega, trend_var = basis.omega, basis.trend_var(scale)
    bounds = [
        (np.log(0.01 * scale), np.log(10 * scale)),
        np.log(ELL_LONG_BOUNDS_YR),
        (np.log(1e-3 * scale), np.log(5 * scale)),
        np.log(ELL_PERIOD_BOUNDS),
        np.log(ELL_DECAY_BOUNDS_YR),
        (np.log(0.05), np.log(20.0)),
    ]
    start = np.log([0.5 * scale, 3.0, 0.5 * scale, 1.0, 4.0, 1.0])
    med = float(np.median(s))
    taus = [f * med for f in TAU_GRID]
    if first is not None:  # refit without the outliers: start from the first fit, keep its tau
        start = np.log([first.sigma_long, first.ell_long_yr, first.sigma_season, first.ell_period])
        start = np.concatenate([start, np.log([first.ell_decay_yr, first.noise_scale])])
        start = np.clip(start, [lo for lo, _ in bounds], [hi for _, hi in bounds])
        taus = [first.tau]
    best = None
    for tau in taus:
        stats = _sufficient(phi, r, s**2 + tau**2)

        def objective(theta, stats=stats, tau=tau):
            return -_log_ml(_hyper(theta, tau), stats, omega, trend_var)[0]

        res = minimize(objective, start, method="L-BFGS-B", bounds=bounds, options={"maxiter": 200})
        if best is None or res.fun < best[0]:
            best = (res.fun, res.x, tau)
    return _hyper(best[1], best[2])


def _downdate(stats, removed):
    """Sufficient statistics without the pairs whose statistics are ``removed``."""
    return tuple(a - b for a, b in zip(stats, removed))


def design(start_days, end_days, t0_days, half_domain_yr, n_basis) -> np.ndarray:
    """Interval means of [1, t, phi_1..phi_M] over each [start, end] (days), t in years from t0."""
    a = (np.asarray(start_days, "float64") - t0_days) / DAYS_PER_YEAR
    b = (np.asarray(end_days, "float64") - t0_days) / DAYS_PER_YEAR
    length = b - a
    omega = np.pi * np.arange(1, n_basis + 1) / (2 * half_domain_yr)
    # mean of sin(w (t + L)) over [a, b] = sin(w (m + L)) * sinc(w h) with m the centre, h the half length
    half = 0.5 * length[:, None] * omega[None, :]
    centre = (0.5 * (a + b) + half_domain_yr)[:, None] * omega[None, :]
    mean = np.sin(centre) * np.sinc(half / np.pi) / np.sqrt(half_domain_yr)
    return np.column_stack([np.ones_like(a), 0.5 * (a + b), mean])


def spectral_variances(hyper: GPHyper, omega: np.ndarray) -> np.ndarray:
    """Prior variance of each basis coefficient: the kernel's spectral density at ``omega`` (rad/yr)."""
    from scipy.special import ive

    def se(w, ell):  # unit-variance squared exponential
        return np.sqrt(2 * np.pi) * ell * np.exp(-0.5 * (ell * w) ** 2)

    z = 1.0 / hyper.ell_period**2
    k = np.arange(0, HARMONICS + 1)
    q = ive(k, z) * np.where(k == 0, 1.0, 2.0)  # exp(-z) I_k(z): the periodic kernel's cosine series
    q = q / q.sum()
    season = sum(
        qk
        * 0.5
        * (se(omega - 2 * np.pi * kk, hyper.ell_decay_yr) + se(omega + 2 * np.pi * kk, hyper.ell_decay_yr))
        for kk, qk in zip(k, q)
    )
    return hyper.sigma_long**2 * se(omega, hyper.ell_long_yr) + hyper.sigma_season**2 * season


def _hyper(theta, tau) -> GPHyper:
    e = np.exp(theta)
    return GPHyper(e[0], e[1], e[2], e[3], e[4], e[5], float(tau))


def _sufficient(phi, r, var):
    w = 1.0 / var
    pw = phi * w[:, None]
    return phi.T @ pw, pw.T @ r, float(r @ (w * r)), float(np.sum(np.log(var))), r.size


def _log_ml(hyper, stats, omega, trend_var, posterior: bool = False):
    """Log marginal likelihood (and, with ``posterior``, the coefficients' mean and Cholesky factor)."""
    from scipy.linalg import cho_factor, cho_solve, solve_triangular

    g, b, c, logdet_var, n = stats
    lam_sqrt = np.sqrt(np.concatenate([trend_var, spectral_variances(hyper, omega)]))
    s2 = hyper.noise_scale**2
    a = np.eye(lam_sqrt.size) + (lam_sqrt[:, None] * g * lam_sqrt[None, :]) / s2
    try:
        factor = cho_factor(a, lower=True)
    except np.linalg.LinAlgError:
        return (-np.inf, None, None) if posterior else (-1e300,)
    bb = lam_sqrt * b / s2
    z = cho_solve(factor, bb)
    quad = c / s2 - bb @ z
    logdet = 2 * np.sum(np.log(np.diag(factor[0]))) + n * np.log(s2) + logdet_var
    lml = -0.5 * (quad + logdet + n * np.log(2 * np.pi))
    if not posterior:
        return (lml,)
    low = np.tril(factor[0])
    # posterior covariance of beta = Lam^1/2 A^-1 Lam^1/2 = (Lam^1/2 L^-T)(Lam^1/2 L^-T)^T
    chol = lam_sqrt[:, None] * solve_triangular(low, np.eye(low.shape[0]), lower=True).T
    return lml, lam_sqrt * z, chol
