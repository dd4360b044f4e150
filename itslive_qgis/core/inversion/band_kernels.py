"""Compiled (numba) kernels of the CPU band solver; see :mod:`itslive_qgis.core.inversion.band`.

Imported only when numba is installed (:func:`itslive_qgis.core.inversion.band.available`).
Arrays are float64 C-contiguous; ``ab[j, t] = N[j + t, j]`` is the band of the normal matrix
by columns (``T x (w + 1)``), ``w`` the bandwidth in steps. Compiled on first use and cached
by numba (``__pycache__``, or numba's user cache directory when that is read-only).
"""

import numpy as np
from numba import njit

jit = njit(cache=True, nogil=True, boundscheck=False, error_model="numpy", fastmath={"contract"})
#: the same, inlined into its caller (numba IR): a helper of a hot loop that must not cost a call
jit_inline = njit(
    cache=True, nogil=True, boundscheck=False, error_model="numpy", fastmath={"contract"}, inline="always"
)
#: reductions (dot products) may be reordered so that they vectorise
jit_dot = njit(
    cache=True, nogil=True, boundscheck=False, error_model="numpy", fastmath={"contract", "reassoc"}
)


@jit
def assemble(nodes, coefs, w, dt, bw, mb, qb, cb, ab):
    """Band of ``A^T W A`` into ``ab[j, t] = N[j + t, j]`` (``ab`` (T, bw + 1))."""
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
    # qb[a, v] = sum_{u >= v} M[a, a - u]; cb[i, t] = sum_{s >= 1} qb[i + s, t + s]; ab from cb
    _band_from_m(mb, qb, cb, ab, dt, bw)


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
def profile(ab, low, ext):
    """``ext[j]``: rows below the diagonal that column ``j`` of the band Cholesky factor can fill.

    The envelope of ``ab`` (``ab[j, t] = N[j + t, j]``): ``j + ext[j]`` is the running maximum
    of ``j + (last non-zero t of column j)``, at least ``min(low, n - 1 - j)`` (``low``: the
    regularisation's band, whose entries the trace reads). Cholesky fill-in and the selected
    inverse's windows stay inside this envelope (an update of column ``j`` only reaches rows a
    column ``k < j`` reaches), so :func:`cholesky` and :func:`selected_inverse` on it are exact;
    the factor is zero outside it. On the real block (1,166 twelve-day steps, bandwidth 46 from
    the longest pairs, the median pair spans 22 steps) the envelope holds 34-46 % of the band's
    ``T w^2`` work: long pairs are not everywhere in time.
    """
    n, w1 = ab.shape
    reach = 0
    for j in range(n):
        col = ab[j]
        e = min(low, n - 1 - j)
        for t in range(w1 - 1, e, -1):
            if col[t] != 0.0:
                e = t
                break
        if j + e > reach:
            reach = j + e
        ext[j] = min(reach, n - 1) - j


@jit
def cholesky(ab, ext):
    """In-place band Cholesky of ``ab[j, t] = N[j + t, j]``; False if not positive definite.

    Right-looking: column ``j`` is scaled, then its rank-1 update goes to the next ``w``
    columns as contiguous AXPYs (1-D views, so numba can prove the indices non-negative and
    vectorise). The scaled column is also copied to a local array ``cv`` that the AXPYs read:
    LLVM then knows their source does not alias ``ab`` (the row they write), which made the
    factorisation 25 % faster on the real block's grid (T = 1,166, w = 46: 0.45 -> 0.33-0.34 ms,
    bit-identical). Column ``j`` reaches ``ext[j]`` rows (:func:`profile`; ``min(w, n - 1 - j)``
    for the whole band). A non-positive pivot is replaced by 1 (the pixel is then reported not
    solved).
    """
    n, w1 = ab.shape
    good = True
    cv = np.empty(w1)
    for j in range(n):
        m = ext[j]
        d = ab[j, 0]
        if not d > 0.0:
            good = False
            d = 1.0
        d = np.sqrt(d)
        ab[j, 0] = d
        inv = 1.0 / d
        col = ab[j]
        for t in range(1, m + 1):
            v = col[t] * inv
            col[t] = v
            cv[t] = v
        for b in range(1, m + 1):
            mult = cv[b]
            dst = ab[j + b]
            for q in range(m + 1 - b):
                dst[q] -= cv[b + q] * mult
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
def selected_inverse(ab, sf, y, ext):
    """``sf[i, bw + d] = (N^-1)[i, i + d]`` inside the envelope ``ext`` (Takahashi on the factor).

    ``ext``: :func:`profile` of the factor's band (the entries outside it are not written).
    """
    n, w1 = ab.shape
    bw = w1 - 1
    for j in range(n - 1, -1, -1):
        m = ext[j]
        lcol = ab[j]
        l1 = lcol[1 : m + 1]
        k = 1
        while k + 3 <= m:  # four rows of the window per pass over l (l is loaded once for them)
            r0 = sf[j + k, bw + 1 - k : bw + 1 - k + m]
            r1 = sf[j + k + 1, bw - k : bw - k + m]
            r2 = sf[j + k + 2, bw - 1 - k : bw - 1 - k + m]
            r3 = sf[j + k + 3, bw - 2 - k : bw - 2 - k + m]
            a0 = 0.0
            a1 = 0.0
            a2 = 0.0
            a3 = 0.0
            for q in range(m):
                lq = l1[q]
                a0 += r0[q] * lq
                a1 += r1[q] * lq
                a2 += r2[q] * lq
                a3 += r3[q] * lq
            y[k] = a0
            y[k + 1] = a1
            y[k + 2] = a2
            y[k + 3] = a3
            k += 4
        while k <= m:
            r0 = sf[j + k, bw + 1 - k : bw + 1 - k + m]
            a0 = 0.0
            for q in range(m):
                a0 += r0[q] * l1[q]
            y[k] = a0
            k += 1
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
    ext = np.empty(n_steps, dtype=np.int64)
    for p in range(n_pix):
        w = weights[p]
        assemble(nodes, coefs, w, dt, bw, mb, qb, cb, ab)
        lp = lam[p]
        for j in range(n_steps):
            for t in range(min(der, n_steps - 1 - j) + 1):
                ab[j, t] += lp * reg[j, t]
        profile(ab, der, ext)
        ok[p] = cholesky(ab, ext)
        for c in range(n_comp):
            x = vel[c, p]
            assemble_rhs(nodes, coefs, w, values[c, p], dt, g, x)
            solve_factored(ab, x)
        if want_inverse:
            selected_inverse(ab, sf, y, ext)
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


# --- chunk columns: usable pairs per pixel, pixels sharing a factorisation ---------------------


#: pixels whose output streams the compaction's second pass writes together (see compact)
COMPACT_PIXELS = 64


@jit
def _weight(weights, wkind, c, k, p):
    """Weight of pair ``k`` for pixel ``p`` and weight row ``c`` (see :func:`compact`)."""
    if wkind == 0:
        return 1.0
    if wkind == 1:
        return weights[c, k, 0]
    if wkind == 2:
        return weights[c, k, p]
    e = np.float64(weights[c, k, p])  # wkind 3: 1-sigma errors (m/yr), fills (>= 32000) unusable
    if e > 0.0 and e < 32000.0:
        return 1.0 / (e * e)
    return 0.0


@jit
def _pair_usable(weights, wkind, k):
    """Per-pair weights (``wkind`` 0 or 1): True when every weight row of pair ``k`` is usable."""
    if wkind == 1:
        for c in range(weights.shape[0]):
            wk = weights[c, k, 0]
            if not (np.isfinite(wk) and wk > 0.0):
                return False
    return True


@jit
def _usable_row(values, weights, wkind, fill, fills, r, pair_ok, row):
    """``row[p]`` = the pair in row ``r`` of ``values`` usable by pixel ``p`` (see :func:`compact`);
    returns how many."""
    n_comp, _, n_pix = values.shape
    for p in range(n_pix):
        row[p] = pair_ok
    if not pair_ok:
        return 0
    for c in range(n_comp):  # branch-free, along the row: vectorises
        vr = values[c, r]
        for p in range(n_pix):
            v = vr[p]
            row[p] = row[p] & (v > fill) & (v < np.inf)  # NaN fails both
        for f in fills:
            for p in range(n_pix):
                row[p] = row[p] & (vr[p] != f)
    if wkind >= 2:
        for c in range(weights.shape[0]):
            for p in range(n_pix):
                wk = _weight(weights, wkind, c, r, p)
                row[p] = row[p] & (wk > 0.0) & (wk < np.inf)
            if wkind == 3:
                er = weights[c, r]
                for f in fills:
                    for p in range(n_pix):
                        row[p] = row[p] & (er[p] != f)
    n = 0
    for p in range(n_pix):
        n += row[p]
    return n


@jit_inline
def _write_entries(values, weights, wkind, rows, mask, used, p0, p1, pos, idx, vals, w):
    """:func:`compact`'s second pass for pixels ``p0 .. p1 - 1`` (``pos``: their next entries)."""
    n_comp = values.shape[0]
    for k in range(rows.shape[0]):
        if not used[k]:
            continue
        row = mask[k]
        rk = rows[k]
        for p in range(p0, p1):
            if row[p]:
                j = pos[p]
                idx[j] = k
                for c in range(n_comp):
                    vals[c, j] = values[c, rk, p]
                if wkind >= 2:
                    for c in range(w.shape[0]):
                        w[c, j] = _weight(weights, wkind, c, rk, p)
                pos[p] = j + 1


@jit
def compact(values, weights, wkind, fill, rows, fills):
    """The usable pairs of every pixel, pixel by pixel (CSR), from pixels-last columns.

    ``values`` (C, R, P) any float or integer dtype (a Zarr chunk column is (R, ny, nx): (R, P)
    as it is read, no transpose); ``weights`` (Cw, K, 1) per pair (``wkind`` 1), (Cw, R, P)
    per pixel (2), (Cw, R, P) 1-sigma errors (3), or unused (0: unit weights). Pair ``k`` of
    the K pairs is row ``rows[k]`` of ``values`` and of per-pixel weights (the chunk columns
    as stored, gathered here instead of copied first); per-pair weights are in pair order. A
    pair is usable by a pixel when every component is finite, ``> fill`` and none of
    ``fills`` (the variables' fill values, for integers as stored) and every weight row is
    finite, > 0 (errors: none of ``fills`` either). Returns ``indptr`` (P + 1), ``idx`` (nnz,)
    pair indices ascending per pixel, ``vals`` (C, nnz) float64, ``w`` (max(Cw, 1), nnz)
    float64. Reads the columns row by row (pairs outer, pixels inner: the memory order of a
    chunk column); the usable mask of the first pass (one byte per pair and pixel) drives the
    second.

    The second pass writes the usable entries of :data:`COMPACT_PIXELS` pixels at a time, pair
    after pair, skipping the pairs no pixel can use (84 % of them on a 200-px tile of the real
    block). One pass over all pixels wrote 200-400 pixels x 4 arrays of scattered streams, which
    thrashed the caches; the records it used instead (one stream per pixel, split afterwards) cost
    their own 21 MB of fresh pages a tile. On a 200-px tile of the real block (47,892 pairs, int16
    as stored; best of 12, back to back) the compaction took 57-60 ms with the records and
    per-pixel errors, 49 ms now; with per-pair weights (filled from ``idx`` afterwards) 32-33 ms
    both.
    """
    n_comp, _, n_pix = values.shape
    n_pairs = rows.shape[0]
    n_w = max(weights.shape[0], 1) if wkind != 0 else 1
    mask = np.empty((n_pairs, n_pix), dtype=np.bool_)
    counts = np.zeros(n_pix, dtype=np.int64)
    used = np.zeros(n_pairs, dtype=np.bool_)  # pairs usable by some pixel (the others are skipped below)
    for k in range(n_pairs):
        row = mask[k]
        if _usable_row(values, weights, wkind, fill, fills, rows[k], _pair_usable(weights, wkind, k), row):
            used[k] = True
            for p in range(n_pix):
                counts[p] += row[p]
    indptr = np.zeros(n_pix + 1, dtype=np.int64)
    for p in range(n_pix):
        indptr[p + 1] = indptr[p] + counts[p]
    nnz = indptr[n_pix]
    idx = np.empty(nnz, dtype=np.int64)
    vals = np.empty((n_comp, nnz))
    w = np.ones((n_w, nnz))
    pos = indptr[:n_pix].copy()
    for p0 in range(0, n_pix, COMPACT_PIXELS):  # a few output streams at a time (see the docstring)
        _write_entries(
            values, weights, wkind, rows, mask, used, p0, min(n_pix, p0 + COMPACT_PIXELS), pos, idx, vals, w
        )
    if wkind == 1:  # per pair: looked up from idx afterwards, sequentially (fewer streams above)
        for c in range(n_w):
            wc = w[c]
            for j in range(nnz):
                wc[j] = weights[c, idx[j], 0]
    return indptr, idx, vals, w


@jit
def pixel_keys(indptr, idx, wbits):
    """64-bit hash per pixel of its used pairs and their weights (bit patterns ``wbits`` (Cw, nnz))."""
    n_pix = indptr.shape[0] - 1
    keys = np.empty(n_pix, dtype=np.uint64)
    prime = np.uint64(1099511628211)
    for p in range(n_pix):
        h = np.uint64(14695981039346656037)
        h = (h ^ np.uint64(indptr[p + 1] - indptr[p])) * prime
        for j in range(indptr[p], indptr[p + 1]):
            h = (h ^ np.uint64(idx[j])) * prime
            for c in range(wbits.shape[0]):
                h = (h ^ np.uint64(wbits[c, j])) * prime
        keys[p] = h
    return keys


@jit
def same_pairs(indptr, idx, wbits, a, b):
    """True when pixels ``a`` and ``b`` use exactly the same pairs with exactly the same weights."""
    n = indptr[a + 1] - indptr[a]
    if indptr[b + 1] - indptr[b] != n:
        return False
    ja, jb = indptr[a], indptr[b]
    for i in range(n):
        if idx[ja + i] != idx[jb + i]:
            return False
        for c in range(wbits.shape[0]):
            if wbits[c, ja + i] != wbits[c, jb + i]:
                return False
    return True


@jit
def _band_from_m(mb, qb, cb, ab, dt, bw):
    """``ab`` (band of ``N = A^T W A``) from ``mb`` (band of ``M = G^T W G``), see :func:`assemble`."""
    n_edges = mb.shape[0]
    n_steps = n_edges - 1
    for a in range(n_edges):
        acc = 0.0
        for v in range(bw + 1, 0, -1):
            acc += mb[a, v]
            qb[a, v] = acc
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
def _factor_group(nodes, coefs, idx, wl, lam, reg, dt, bw, want_inverse, ab, sf, y, mb, qb, cb):
    """Assemble ``N`` of one pixel's pair list, add ``lam D^T D``, factor; selected inverse if wanted.

    Returns ``(ok, trace(N^-1 D^T D))``; ``sf[:, bw]`` is then ``diag(N^-1)``. ``mb``, ``qb``,
    ``cb`` (T + 1, >= bw + 2), ``sf`` (T, >= 2 bw + 1) and ``y`` (>= bw + 1) are work arrays of
    the caller (see :func:`work_arrays`), so that a worker does not allocate them per pixel.
    """
    n_steps = ab.shape[0]
    der = reg.shape[1] - 1
    for a in range(n_steps + 1):
        row = mb[a]
        for v in range(bw + 2):
            row[v] = 0.0
    for j in range(idx.shape[0]):
        k = idx[j]
        wk = wl[j]
        for x in range(3):
            for z in range(x + 1, 4):
                a = nodes[k, x]
                b = nodes[k, z]
                if a == b:
                    continue
                if a < b:
                    a, b = b, a
                mb[a, a - b] += wk * coefs[k, x] * coefs[k, z]
    _band_from_m(mb, qb, cb, ab, dt, bw)
    for j in range(n_steps):
        for t in range(min(der, n_steps - 1 - j) + 1):
            ab[j, t] += lam * reg[j, t]
    ext = np.empty(n_steps, dtype=np.int64)
    profile(ab, der, ext)
    good = cholesky(ab, ext)
    tr = 0.0
    if want_inverse:
        selected_inverse(ab, sf, y, ext)
        for j in range(n_steps):
            tr += sf[j, bw] * reg[j, 0]
            for t in range(1, min(der, n_steps - 1 - j) + 1):
                tr += 2.0 * sf[j, bw + t] * reg[j, t]
    return good, tr


@jit
def _solve_member(nodes, coefs, idx, wl, yl, dt, ab, g, x, xe, want_rss):
    """Velocity ``x`` (T,) of one pixel and component on a factored ``N``; the weighted RSS if wanted."""
    g[:] = 0.0
    for j in range(idx.shape[0]):
        k = idx[j]
        wy = wl[j] * yl[j]
        for c in range(4):
            g[nodes[k, c]] += wy * coefs[k, c]
    acc = 0.0
    for i in range(x.shape[0] - 1, -1, -1):
        acc += g[i + 1]
        x[i] = dt * acc
    solve_factored(ab, x)
    if not want_rss:
        return 0.0
    xe[0] = 0.0
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i]
        xe[i + 1] = dt * acc
    rss = 0.0
    for j in range(idx.shape[0]):
        k = idx[j]
        s = 0.0
        for c in range(4):
            s += coefs[k, c] * xe[nodes[k, c]]
        r = yl[j] - s
        rss += wl[j] * r * r
    return rss


@jit
def work_arrays(n_steps, bw):
    """``(sf, y, mb, qb, cb, abuf)``: the work arrays of :func:`factor_pixel` for bandwidths up to ``bw``.

    One set per worker, reused for every factorisation it runs (allocating the 2.7 MB of them per
    pixel on the real block's grid, fresh pages each time, cost 10-25 % of a factorisation).
    ``abuf`` (flat) holds the factor of the last call.
    """
    sf = np.empty((n_steps, 2 * bw + 1))  # the recursion writes each entry before reading it
    y = np.empty(bw + 1)
    mb = np.empty((n_steps + 1, bw + 2))
    qb = np.empty((n_steps + 1, bw + 3))  # columns 0 and bw + 2 are never read
    cb = np.empty((n_steps + 1, bw + 2))
    abuf = np.empty(n_steps * (bw + 1))
    return sf, y, mb, qb, cb, abuf


@jit
def factor_pixel(nodes, coefs, first, last, ridx, wl, lam, reg, dt, sf, y, mb, qb, cb, abuf):
    """The factorisation one pixel's pairs give: ``(ab, ninv, trace, ok, count)``.

    ``ridx``/``wl``: the pixel's used pairs and weights; the bandwidth is that of its longest
    pair (exact: the band beyond is zero). ``ab`` is the band Cholesky factor (a view of
    ``abuf``: copy it to keep it past the next call), ``ninv`` = ``diag(N^-1)``, ``trace`` =
    ``trace(N^-1 D^T D)``, ``count`` (T,) the pairs over each step. ``sf`` ... ``abuf``:
    :func:`work_arrays` for at least this bandwidth.
    """
    n_steps = reg.shape[0]
    der = reg.shape[1] - 1
    bw = max(der, 1)
    for j in range(ridx.shape[0]):
        span = nodes[ridx[j], 2] - nodes[ridx[j], 0]
        if span > bw:
            bw = span
    ab = abuf[: n_steps * (bw + 1)].reshape((n_steps, bw + 1))
    good, tr = _factor_group(nodes, coefs, ridx, wl, lam, reg, dt, bw, True, ab, sf, y, mb, qb, cb)
    ninv = np.empty(n_steps)
    for i in range(n_steps):
        ninv[i] = sf[i, bw]
    diff = np.zeros(n_steps + 1, dtype=np.int64)
    for j in range(ridx.shape[0]):
        diff[first[ridx[j]]] += 1
        diff[last[ridx[j]] + 1] -= 1
    count = np.empty(n_steps, dtype=np.int32)
    acc = 0
    for i in range(n_steps):
        acc += diff[i]
        count[i] = acc
    return ab, ninv, tr, good, count


@jit
def solve_members(
    nodes, coefs, indptr, idx, vals, w, wr, comps, ab, ninv, dt, dof, errors_given, members, vel, sig,
):  # fmt: skip
    """Velocity and posterior sigma of the components ``comps`` of pixels ``members`` on one factor.

    Weight row ``wr``; sigma is ``sqrt(ninv)`` with given errors, else scaled by
    ``RSS / dof`` (NaN when ``dof <= 0``). Writes ``vel``/``sig`` (C, P, T).
    """
    n_steps = vel.shape[2]
    g = np.empty(n_steps + 1)
    x = np.empty(n_steps)
    xe = np.empty(n_steps + 1)
    for mi in range(members.shape[0]):
        m = members[mi]
        mlo, mhi = indptr[m], indptr[m + 1]
        for ci in range(comps.shape[0]):
            c = comps[ci]
            wm = w[wr, mlo:mhi]
            yl = vals[c, mlo:mhi]
            rss = _solve_member(nodes, coefs, idx[mlo:mhi], wm, yl, dt, ab, g, x, xe, not errors_given)
            s2 = 1.0
            if not errors_given:
                s2 = rss / dof if dof > 0.0 else np.nan
            for i in range(n_steps):
                vel[c, m, i] = x[i]
                var = ninv[i] * s2
                if var > 0.0:
                    sig[c, m, i] = np.sqrt(var)
                elif var <= 0.0:
                    sig[c, m, i] = 0.0
                else:
                    sig[c, m, i] = np.nan


@jit
def _row_mask(values, weights, wkind, fill, p, pair_ok, m):
    """``m[k]`` = pair ``k`` usable by pixel ``p`` of pixel-major (C, P, K) ``values``; returns how many.

    Branch-free along the row (vectorises; real masks are irregular along the pairs).
    """
    n_pairs = m.shape[0]
    for k in range(n_pairs):
        m[k] = pair_ok[k]
    for c in range(values.shape[0]):
        row = values[c, p]
        for k in range(n_pairs):
            v = row[k]
            m[k] = m[k] & (v > fill) & (v < np.inf)
    if wkind >= 2:
        for c in range(weights.shape[0]):
            for k in range(n_pairs):
                wk = _weight(weights, wkind, c, p, k)
                m[k] = m[k] & (wk > 0.0) & (wk < np.inf)
    n = 0
    for k in range(n_pairs):
        n += m[k]
    return n


@jit
def compact_rows(values, weights, wkind, fill):
    """:func:`compact` for pixel-major ``values`` (C, P, K) (and per-pixel weights (Cw, P, K)).

    Reads each pixel's row in memory order (a pixels-last reading of these arrays would touch
    one cache line per pixel and pair). Per-pair weights are (Cw, K, 1) as for :func:`compact`.
    """
    n_comp, n_pix, n_pairs = values.shape
    n_w = max(weights.shape[0], 1) if wkind != 0 else 1
    pair_ok = np.empty(n_pairs, dtype=np.bool_)
    for k in range(n_pairs):
        pair_ok[k] = _pair_usable(weights, wkind, k)
    m = np.empty(n_pairs, dtype=np.bool_)
    indptr = np.zeros(n_pix + 1, dtype=np.int64)
    for p in range(n_pix):
        indptr[p + 1] = indptr[p] + _row_mask(values, weights, wkind, fill, p, pair_ok, m)
    nnz = indptr[n_pix]
    idx = np.empty(nnz, dtype=np.int64)
    vals = np.empty((n_comp, nnz))
    w = np.ones((n_w, nnz))
    for p in range(n_pix):
        _row_mask(values, weights, wkind, fill, p, pair_ok, m)
        j = indptr[p]
        for k in range(n_pairs):
            if m[k]:
                idx[j] = k
                j += 1
        lo = indptr[p]
        for c in range(n_comp):
            row = values[c, p]
            for q in range(lo, j):
                vals[c, q] = row[idx[q]]
        if wkind == 1:
            for c in range(n_w):
                for q in range(lo, j):
                    w[c, q] = weights[c, idx[q], 0]
        elif wkind >= 2:
            for c in range(n_w):
                for q in range(lo, j):
                    w[c, q] = _weight(weights, wkind, c, p, idx[q])
    return indptr, idx, vals, w
