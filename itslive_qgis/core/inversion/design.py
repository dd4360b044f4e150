"""Time grid, design matrix and regularisation of the temporal inversion (numpy/scipy only).

Conventions (see :mod:`itslive_qgis.core.inversion.api` for the whole method):

* dates are float **days since 1970-01-01**; the grid has ``n_steps`` steps of
  ``interval_days`` between ``edges_days[0]`` and ``edges_days[-1]``;
* the unknown ``v[i]`` (m/yr) is the mean velocity over step ``i`` (``[edges[i], edges[i+1])``);
* pair ``k`` observes the mean velocity over ``[d1[k], d2[k]]``, so its design row holds the
  EXACT fraction of each step it covers divided by its duration:
  ``A[k, i] = |[d1, d2] ∩ [edges[i], edges[i+1]]| / (d2 - d1)`` (each row sums to 1);
* the same row written on the cumulative displacement ``X(t) = ∫ v dt`` (piecewise linear
  between the grid edges) has only four non-zeros, at edges ``i1, i1+1, i2, i2+1``
  (:func:`edge_coefficients`): ``A = G S`` with ``S[a, i] = interval_days`` for ``i < a``.
  The batched solver assembles ``G^T W G`` (16 products per pair instead of ``L^2``) and turns
  it into ``A^T W A`` with two running sums.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError


@dataclass(frozen=True)
class TimeGrid:
    """A regular time grid.

    Attributes
    ----------
    edges_days : numpy.ndarray
        ``n_steps + 1`` step edges, days since 1970-01-01.
    interval_days : float
        Step length in days.
    """

    edges_days: np.ndarray
    interval_days: float

    @property
    def n_steps(self) -> int:
        """Number of steps (unknowns per component)."""
        return int(self.edges_days.size - 1)

    @property
    def centres_days(self) -> np.ndarray:
        """Step centres, days since 1970-01-01."""
        return 0.5 * (self.edges_days[:-1] + self.edges_days[1:])


def make_time_grid(d1_days, d2_days, interval_days: float = 12.0) -> tuple[np.ndarray, np.ndarray]:
    """Regular grid of ``interval_days`` steps spanning every pair ``[d1, d2]``.

    The first edge is the earliest acquisition date rounded down to a whole day; the last
    edge is the first grid edge at or after the latest acquisition date.

    Parameters
    ----------
    d1_days, d2_days : array_like
        Acquisition dates of the pairs (days since 1970-01-01); NaN entries are ignored.
    interval_days : float
        Step length in days (> 0).

    Returns
    -------
    edges_days, centres_days : numpy.ndarray
        ``n + 1`` edges and ``n`` centres, days since 1970-01-01.
    """
    if not np.isfinite(interval_days) or interval_days <= 0:
        raise InputError(f"INTERVAL_DAYS must be a positive number of days, got {interval_days}.")
    d1 = np.asarray(d1_days, dtype="float64")
    d2 = np.asarray(d2_days, dtype="float64")
    ok = np.isfinite(d1) & np.isfinite(d2)
    if not ok.any():
        raise InputError("No image pair with valid acquisition dates: nothing to invert.")
    start = np.floor(min(d1[ok].min(), d2[ok].min()))
    stop = max(d1[ok].max(), d2[ok].max())
    n = max(1, int(np.ceil((stop - start) / interval_days - 1e-9)))
    edges = start + interval_days * np.arange(n + 1, dtype="float64")
    return edges, 0.5 * (edges[:-1] + edges[1:])


def design_matrix(d1_days, d2_days, edges_days, as_sparse: bool = True):
    """Exact-coverage design matrix ``A`` (pairs x steps), rows summing to 1.

    Parameters
    ----------
    d1_days, d2_days : array_like
        Pair start/end dates, days since 1970-01-01 (``d1 < d2``; both inside the grid).
    edges_days : array_like
        Grid edges from :func:`make_time_grid`.
    as_sparse : bool
        Return a ``scipy.sparse.csr_matrix`` (default) or the ``(rows, cols, vals)`` triplets.

    Returns
    -------
    scipy.sparse.csr_matrix or tuple of numpy.ndarray
        ``A[k, i]`` = days of step ``i`` inside pair ``k`` / duration of pair ``k`` (1/1).
    """
    d1, d2, edges = _check_pairs(d1_days, d2_days, edges_days)
    i1 = _step_index(d1, edges)
    i2 = _step_index(d2, edges)
    length = i2 - i1 + 1
    rows = np.repeat(np.arange(d1.size), length)
    offsets = np.arange(rows.size) - np.repeat(np.cumsum(length) - length, length)
    cols = np.repeat(i1, length) + offsets
    lo = np.maximum(d1[rows], edges[cols])
    hi = np.minimum(d2[rows], edges[cols + 1])
    vals = np.maximum(hi - lo, 0.0) / (d2 - d1)[rows]
    if not as_sparse:
        return rows, cols, vals
    import scipy.sparse as sp

    return sp.csr_matrix((vals, (rows, cols)), shape=(d1.size, edges.size - 1))


def edge_coefficients(d1_days, d2_days, edges_days) -> tuple[np.ndarray, np.ndarray]:
    """The four cumulative-displacement coefficients of every pair.

    A pair observes ``(X(d2) - X(d1)) / (d2 - d1)`` where ``X`` is the cumulative
    displacement, linear between grid edges, so its row on the edge values ``X_a`` is
    ``[-(1-f1), -f1, (1-f2), f2] / (d2 - d1)`` at edges ``[i1, i1+1, i2, i2+1]``
    (``f`` = position of the date inside its step, 0..1).

    Returns
    -------
    nodes : numpy.ndarray of int, shape (K, 4)
        Edge indices ``i1, i1+1, i2, i2+1``.
    coefs : numpy.ndarray, shape (K, 4)
        Coefficients in 1/day; each row sums to zero.
    """
    d1, d2, edges = _check_pairs(d1_days, d2_days, edges_days)
    interval = edges[1] - edges[0]
    i1 = _step_index(d1, edges)
    i2 = _step_index(d2, edges)
    f1 = (d1 - edges[i1]) / interval
    f2 = (d2 - edges[i2]) / interval
    dur = d2 - d1
    nodes = np.stack([i1, i1 + 1, i2, i2 + 1], axis=1)
    coefs = np.stack([-(1.0 - f1), -f1, 1.0 - f2, f2], axis=1) / dur[:, None]
    return nodes, coefs


def step_ranges(nodes, coefs) -> tuple[np.ndarray, np.ndarray]:
    """First and last step each pair overlaps with positive length (from :func:`edge_coefficients`).

    A pair ending exactly on an edge (``f2 = 0``) does not reach the step after it.
    """
    first = nodes[:, 0].astype("int64")
    last = np.where(coefs[:, 3] != 0.0, nodes[:, 2], nodes[:, 2] - 1)
    return first, np.maximum(last, first).astype("int64")


def regularization_matrix(n_steps: int, derivative: int = 2):
    """Finite-difference operator ``D`` ((n - m) x n, sparse) of order ``m = derivative``.

    The penalty is ``lam * ||D v||^2`` with ``D`` the plain m-th difference per step
    (rows ``[-1, 1]`` or ``[1, -2, 1]``), so ``lam`` is dimensionless relative to the data
    weights. Returns the operator, not ``D^T D``.
    """
    if derivative not in (1, 2):
        raise InputError(f"DERIVATIVE must be 1 or 2, got {derivative}.")
    import scipy.sparse as sp

    n = int(n_steps)
    if n <= derivative:
        return sp.csr_matrix((0, n))
    stencil = [-1.0, 1.0] if derivative == 1 else [1.0, -2.0, 1.0]
    diags = [np.full(n - derivative, c) for c in stencil]
    return sp.diags(diags, list(range(derivative + 1)), shape=(n - derivative, n), format="csr")


def dense_reference_solve(
    values, d1_days, d2_days, edges_days, lam: float, derivative: int = 2, weights=None
):
    """Dense normal-equation solution of ONE pixel (the independent reference of the tests).

    Minimises ``sum_k w_k (y_k - (A v)_k)^2 + lam ||D v||^2`` by forming the dense
    ``N = A^T W A + lam D^T D`` and solving with :func:`numpy.linalg.solve`.

    Returns
    -------
    velocity : numpy.ndarray (n_steps,)
        m/yr.
    n_inverse_diag : numpy.ndarray (n_steps,)
        ``diag(N^-1)`` from the dense inverse (multiply by the residual variance for sigma^2).
    rss : float
        Weighted residual sum of squares.
    trace_h : float
        Trace of the influence matrix ``A N^-1 A^T W`` (effective number of parameters).
    """
    y = np.asarray(values, dtype="float64")
    ok = np.isfinite(y)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype="float64")
    ok &= np.isfinite(w) & (w > 0)
    a = design_matrix(np.asarray(d1_days)[ok], np.asarray(d2_days)[ok], edges_days).toarray()
    d = regularization_matrix(a.shape[1], derivative).toarray()
    wk = w[ok]
    n_mat = a.T @ (wk[:, None] * a) + lam * d.T @ d
    rhs = a.T @ (wk * y[ok])
    vel = np.linalg.solve(n_mat, rhs)
    inv = np.linalg.inv(n_mat)
    res = y[ok] - a @ vel
    trace_h = float(np.trace(inv @ (a.T @ (wk[:, None] * a))))
    return vel, np.diag(inv).copy(), float(np.sum(wk * res**2)), trace_h


def bandwidth_steps(d1_days, d2_days, edges_days) -> int:
    """Largest number of step boundaries any pair crosses (``i2 - i1``)."""
    d1, d2, edges = _check_pairs(d1_days, d2_days, edges_days)
    if d1.size == 0:
        return 0
    return int((_step_index(d2, edges) - _step_index(d1, edges)).max())


# --- helpers -----------------------------------------------------------------------------------


def _check_pairs(d1_days, d2_days, edges_days):
    d1 = np.asarray(d1_days, dtype="float64").ravel()
    d2 = np.asarray(d2_days, dtype="float64").ravel()
    edges = np.asarray(edges_days, dtype="float64").ravel()
    if d1.shape != d2.shape:
        raise InputError("d1_days and d2_days must have the same length.")
    if edges.size < 2:
        raise InputError("The time grid needs at least two edges.")
    if d1.size and not (np.all(np.isfinite(d1)) and np.all(np.isfinite(d2))):
        raise InputError("Pair dates must be finite (drop pairs without dates first).")
    if d1.size and np.any(d2 <= d1):
        raise InputError("Every pair needs acquisition_date_img2 after acquisition_date_img1 (date_dt > 0).")
    tol = 1e-6
    if d1.size and (d1.min() < edges[0] - tol or d2.max() > edges[-1] + tol):
        raise InputError("Pairs reach outside the time grid: build the grid from the same pairs.")
    return d1, d2, edges


def _step_index(t, edges) -> np.ndarray:
    """Index of the step holding date ``t`` (the last step for ``t`` on the last edge)."""
    interval = edges[1] - edges[0]
    idx = np.floor((t - edges[0]) / interval).astype("int64")
    return np.clip(idx, 0, edges.size - 2)
