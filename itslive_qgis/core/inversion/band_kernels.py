"""Compiled (numba) kernels of the CPU band solver; see :mod:`itslive_qgis.core.inversion.band`.

Imported only when numba is installed (:func:`itslive_qgis.core.inversion.band.available`).
Arrays are float64 C-contiguous; ``ab[j, t] = N[j + t, j]`` is the band of the normal matrix
by columns (``T x (w + 1)``), ``w`` the bandwidth in steps. Compiled on first use and cached
by numba (``__pycache__``, or numba's user cache directory when that is read-only).
"""

import numpy as np
from numba import njit

jit = njit(cache=True, nogil=True, boundscheck=False, error_model="numpy", fastmath={"contract"})
#: reductions (dot products) may be reordered so that they vectorise
jit_dot = njit(
    cache=True, nogil=True, boundscheck=False, error_model="numpy", fastmath={"contract", "reassoc"}
)


@jit
def assemble(nodes, coefs, w, dt, bw, mb, qb, cb, ab):
    """Band of ``A^T W A`` into ``ab[j, t] = N[j + t, j]`` (``ab`` (T, bw + 1))."""
    n_edges = mb.shape[0]
    n_steps = n_edges - 1
    mb[:, :] = 0.0
    for k in range(nodes.shape[0]):
        wk = w[k]
        if wk <= 0.0:
            continue
        for x in range(3):
            for z in range(x + 1, 4):
                a = nodes[k, x]
                b = nodes[k, z]
                if a == b:
                    continue
                if a < b:
                    a, b = b, a
                mb[a, a - b] += wk * coefs[k, x] * coefs[k, z]
    # qb[a, v] = sum_{u >= v} M[a, a - u]  (v = 1 .. bw + 1; qb[:, bw + 2] = 0)
    for a in range(n_edges):
        acc = 0.0
        for v in range(bw + 1, 0, -1):
            acc += mb[a, v]
            qb[a, v] = acc
    # cb[i, t] = sum_{s >= 1} qb[i + s, t + s] (running sum along the diagonals)
    for t in range(bw + 2):
        cb[n_steps, t] = 0.0
    for i in range(n_steps - 1, -1, -1):
        for t in range(bw + 1):
            cb[i, t] = qb[i + 1, t + 1] + cb[i + 1, t + 1]
        cb[i, bw + 1] = 0.0
    scale = -dt * dt
    for j in range(n_steps):
        m = min(bw, n_steps - 1 - j)
        for t in range(m + 1):
            ab[j, t] = scale * cb[j + t, t]
        for t in range(m + 1, bw + 1):
            ab[j, t] = 0.0


@jit
def assemble_rhs(nodes, coefs, w, y, dt, g, rhs):
    """``rhs = A^T W y`` (T,) through the edge values ``g`` (T + 1,)."""
    g[:] = 0.0
    for k in range(nodes.shape[0]):
        wk = w[k]
        if wk <= 0.0:
            continue
        wy = wk * y[k]
        for x in range(4):
            g[nodes[k, x]] += wy * coefs[k, x]
    acc = 0.0
    for i in range(rhs.shape[0] - 1, -1, -1):
        acc += g[i + 1]
        rhs[i] = dt * acc


@jit
def cholesky(ab):
    """In-place band Cholesky of ``ab[j, t] = N[j + t, j]``; False if not positive definite.

    Right-looking: column ``j`` is scaled, then its rank-1 update goes to the next ``w``
    columns as contiguous AXPYs (1-D views, so numba can prove the indices non-negative and
    vectorise). A non-positive pivot is replaced by 1 (the pixel is then reported not solved).
    """
    n, w1 = ab.shape
    bw = w1 - 1
    good = True
    for j in range(n):
        m = min(bw, n - 1 - j)
        d = ab[j, 0]
        if not d > 0.0:
            good = False
            d = 1.0
        d = np.sqrt(d)
        ab[j, 0] = d
        inv = 1.0 / d
        col = ab[j]
        for t in range(1, m + 1):
            col[t] *= inv
        for b in range(1, m + 1):
            mult = col[b]
            dst = ab[j + b]
            src = col[b:]
            for q in range(m + 1 - b):
                dst[q] -= src[q] * mult
    return good


@jit_dot
def solve_factored(ab, x):
    """Solve ``L L^T x = rhs`` in place (``x`` holds the right-hand side on entry)."""
    n, w1 = ab.shape
    bw = w1 - 1
    for j in range(n):
        m = min(bw, n - 1 - j)
        xj = x[j] / ab[j, 0]
        x[j] = xj
        col = ab[j]
        for t in range(1, m + 1):
            x[j + t] -= col[t] * xj
    for j in range(n - 1, -1, -1):
        m = min(bw, n - 1 - j)
        col = ab[j]
        acc = x[j]
        for t in range(1, m + 1):
            acc -= col[t] * x[j + t]
        x[j] = acc / col[0]


@jit_dot
def selected_inverse(ab, sf, y):
    """``sf[i, bw + d] = (N^-1)[i, i + d]`` for ``|d| <= bw`` (Takahashi on the band factor)."""
    n, w1 = ab.shape
    bw = w1 - 1
    for j in range(n - 1, -1, -1):
        m = min(bw, n - 1 - j)
        lcol = ab[j]
        l1 = lcol[1 : m + 1]
        k = 1
        while k + 1 <= m:  # two rows of the window per pass over l
            r0 = sf[j + k, bw + 1 - k : bw + 1 - k + m]
            r1 = sf[j + k + 1, bw - k : bw - k + m]
            a0 = 0.0
            a1 = 0.0
            for q in range(m):
                lq = l1[q]
                a0 += r0[q] * lq
                a1 += r1[q] * lq
            y[k] = a0
            y[k + 1] = a1
            k += 2
        if k == m:
            r0 = sf[j + k, bw + 1 - k : bw + 1 - k + m]
            a0 = 0.0
            for q in range(m):
                a0 += r0[q] * l1[q]
            y[k] = a0
        d = lcol[0]
        acc = 0.0
        for k in range(1, m + 1):
            v = -y[k] / d
            sf[j, bw + k] = v
            sf[j + k, bw - k] = v
            acc += lcol[k] * v
        sf[j, bw] = (1.0 / d - acc) / d


@jit
def solve_batch(nodes, coefs, weights, values, lam, reg, dt, bw, want_inverse, vel, ninv, trace, ok):
    """Every pixel of a batch: assemble, factor, solve all components, selected inverse."""
    n_comp, n_pix, _ = values.shape
    n_steps = vel.shape[2]
    der = reg.shape[1] - 1
    mb = np.empty((n_steps + 1, bw + 2))
    qb = np.zeros((n_steps + 1, bw + 3))
    cb = np.empty((n_steps + 1, bw + 2))
    ab = np.empty((n_steps, bw + 1))
    g = np.empty(n_steps + 1)
    sf = np.zeros((n_steps, 2 * bw + 1)) if want_inverse else np.zeros((1, 1))
    y = np.empty(bw + 1)
    for p in range(n_pix):
        w = weights[p]
        assemble(nodes, coefs, w, dt, bw, mb, qb, cb, ab)
        lp = lam[p]
        for j in range(n_steps):
            for t in range(min(der, n_steps - 1 - j) + 1):
                ab[j, t] += lp * reg[j, t]
        ok[p] = cholesky(ab)
        for c in range(n_comp):
            x = vel[c, p]
            assemble_rhs(nodes, coefs, w, values[c, p], dt, g, x)
            solve_factored(ab, x)
        if want_inverse:
            selected_inverse(ab, sf, y)
            tr = 0.0
            for j in range(n_steps):
                ninv[p, j] = sf[j, bw]
                tr += sf[j, bw] * reg[j, 0]
                for t in range(1, min(der, n_steps - 1 - j) + 1):
                    tr += 2.0 * sf[j, bw + t] * reg[j, t]
            trace[p] = tr


@jit
def predict(nodes, coefs, dt, velocity, out):
    """Pair averages ``A v`` (P, K) of step velocities (P, T)."""
    n_pix, n_steps = velocity.shape
    x = np.empty(n_steps + 1)
    for p in range(n_pix):
        x[0] = 0.0
        acc = 0.0
        for i in range(n_steps):
            acc += velocity[p, i]
            x[i + 1] = dt * acc
        for k in range(nodes.shape[0]):
            s = 0.0
            for c in range(4):
                s += coefs[k, c] * x[nodes[k, c]]
            out[p, k] = s


@jit
def counts(first, last, valid, out):
    """Number of valid pairs overlapping each step (P, T)."""
    n_pix, n_steps = out.shape
    diff = np.empty(n_steps + 1, dtype=np.int64)
    for p in range(n_pix):
        diff[:] = 0
        for k in range(first.shape[0]):
            if valid[p, k] > 0.0:
                diff[first[k]] += 1
                diff[last[k] + 1] -= 1
        acc = 0
        for i in range(n_steps):
            acc += diff[i]
            out[p, i] = acc
