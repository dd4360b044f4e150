"""Batched banded solver of the temporal inversion (torch, float64, CPU or CUDA).

For a batch of ``P`` pixels sharing the pair dates and the time grid this module solves

    N_p v_p = A^T W_p y_p,   N_p = A^T W_p A + lam_p D^T D

for every pixel at once (several right-hand sides per pixel when components share weights),
and optionally returns ``diag(N_p^-1)`` and ``trace(N_p^-1 D^T D)``.

How (see also :mod:`itslive_qgis.core.inversion.design`):

1. **Assembly without L^2 work per pair.** On the cumulative displacement ``X`` (values at the
   grid edges) a pair row has four non-zeros, so ``M_p = G^T W_p G`` takes at most six
   strictly-lower products per pair, all pixels in one sparse product per time block. Because
   ``A = G S`` (``S`` = running sum over steps) and the rows of ``M`` sum to zero,
   ``N[i, j] = -dt^2 sum_{a>i} sum_{b<=j} M[a, b]`` for ``j <= i``. With ``M`` stored as
   dense ``B x B`` blocks this is two running sums inside each block plus two carried
   vectors, i.e. O(T B) per pixel instead of the sum of squared pair lengths (about 1.7
   million products per pixel on the real block).
2. **Block-tridiagonal LDL^T.** With a block size ``B`` above the bandwidth (longest pair in
   steps), ``N`` is block tridiagonal. The block factorisation ``D_k = N_kk - F_{k-1}
   N_{k,k-1}^T``, ``F_k = N_{k+1,k} D_k^{-1}`` runs on ``(P, B, B)`` batches with batched
   matrix products (BLAS-3); ``D_k^{-1}`` comes from a recursive blocked SPD inverse built on
   matrix products with LAPACK Cholesky leaves (:func:`spd_inv`). This needs two products
   per block for the factorisation and two for the selected inverse, against six for the
   Cholesky-factor form. Blocks are produced and consumed one at a time (streaming).
3. **Selected inverse (block Takahashi).** ``S_kk = D_k^{-1} + F_k^T S_{k+1,k+1} F_k`` and
   ``S_{k+1,k} = -S_{k+1,k+1} F_k`` give the diagonal blocks of ``N^{-1}`` (and the entries
   next to them that the regularisation trace needs) without forming a dense inverse.

The sparse products use column-major operands (pixel-major arrays seen transposed), which is
the layout MKL's sparse kernels run fastest with and gives pixel-major results without copies.
Memory per batch: about ``2 * P * T * B * 8`` bytes for the stored factors.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np

from .design import design_matrix, edge_coefficients, step_ranges


@dataclass
class BandStructure:
    """Pixel-independent sparse pieces of one set of pairs on one grid (numpy arrays)."""

    n_steps: int
    interval_days: float
    bandwidth: int  # v-space half bandwidth incl. the regularisation (max i2 - i1, >= derivative)
    block: int  # block size B > bandwidth
    n_blocks: int  # v-space blocks (steps)
    n_xblocks: int  # edge (X) blocks: T + 1 edges
    derivative: int
    nodes: np.ndarray  # (K, 4) edge indices
    coefs: np.ndarray  # (K, 4) coefficients (1/day)
    first_step: np.ndarray  # (K,) first step with positive overlap
    last_step: np.ndarray  # (K,) last step with positive overlap
    m_block: np.ndarray  # (E,) X block J of each strictly-lower product
    m_local: np.ndarray  # (E,) flat index inside the (2, B, B) storage of block J
    m_pair: np.ndarray  # (E,) pair of each product
    m_value: np.ndarray  # (E,) product c_i c_j (1/day^2)
    row_sq: np.ndarray  # (K,) sum_i A[k, i]^2 (1)


def build_structure(
    d1_days, d2_days, edges_days, derivative: int = 2, block: int | None = None
) -> BandStructure:
    """Precompute the sparse pieces for pairs ``[d1, d2]`` on the grid ``edges_days``."""
    edges = np.asarray(edges_days, dtype="float64")
    n_steps = edges.size - 1
    nodes, coefs = edge_coefficients(d1_days, d2_days, edges)
    k = nodes.shape[0]
    span = int((nodes[:, 2] - nodes[:, 0]).max()) if k else 0
    bandwidth = int(max(span, derivative, 1))
    if block is None:
        block = int(max(8, -(-(bandwidth + 1) // 8) * 8))
    if block <= bandwidth:
        raise ValueError("block size must exceed the bandwidth")
    ii, jj = np.triu_indices(4, 1)  # position pairs; products with node[ii] != node[jj]
    a = np.maximum(nodes[:, ii], nodes[:, jj]).ravel()
    b = np.minimum(nodes[:, ii], nodes[:, jj]).ravel()
    val = (coefs[:, ii] * coefs[:, jj]).ravel()
    pair = np.repeat(np.arange(k), ii.size)
    keep = (a > b) & (val != 0.0)
    a, b, val, pair = a[keep], b[keep], val[keep], pair[keep]
    jb = b // block
    slot = a // block - jb  # 0: diagonal block, 1: block below
    local = (slot * block + a % block) * block + b % block
    rows, _, vals = design_matrix(d1_days, d2_days, edges, as_sparse=False)
    row_sq = np.bincount(rows, weights=vals**2, minlength=k)
    first, last = step_ranges(nodes, coefs)
    return BandStructure(
        n_steps=n_steps,
        interval_days=float(edges[1] - edges[0]),
        bandwidth=bandwidth,
        block=block,
        n_blocks=-(-n_steps // block),
        n_xblocks=-(-(n_steps + 1) // block),
        derivative=int(derivative),
        nodes=nodes,
        coefs=coefs,
        first_step=first,
        last_step=last,
        m_block=jb.astype("int64"),
        m_local=local.astype("int64"),
        m_pair=pair.astype("int64"),
        m_value=val,
        row_sq=row_sq,
    )


class BatchSolver:
    """Solve many pixels on one :class:`BandStructure` with torch (float64).

    Parameters
    ----------
    structure : BandStructure
    device : torch.device
    """

    def __init__(self, structure: BandStructure, device):
        import torch

        self.torch = torch
        self.s = s = structure
        self.device = device
        self.dtype = torch.float64
        k = s.nodes.shape[0]
        big_b = s.block
        self.n_pairs = k
        self.row_sq = s.row_sq
        self.first, self.last = s.first_step, s.last_step
        n_rows = 2 * big_b * big_b
        flat = s.m_block * n_rows + s.m_local
        # the -dt^2 of N = -dt^2 sum sum M is folded into the stored products
        whole = _csr_numpy(flat, s.m_pair, -(s.interval_days**2) * s.m_value, (s.n_xblocks * n_rows, k))
        # per X block: the sparse rows of that block restricted to the pairs it uses, so that
        # each product reads only those pairs' weights
        self.f_blocks = []
        for jx in range(s.n_xblocks):
            lo, hi = whole.indptr[jx * n_rows], whole.indptr[(jx + 1) * n_rows]
            indptr = whole.indptr[jx * n_rows : (jx + 1) * n_rows + 1] - lo
            used, local = np.unique(whole.indices[lo:hi], return_inverse=True)
            mat = _torch_csr(torch, indptr, local, whole.data[lo:hi], (n_rows, used.size), device)
            self.f_blocks.append((mat, torch.as_tensor(used, dtype=torch.int64, device=device)))
        rows = s.nodes.ravel()
        cols = np.repeat(np.arange(k), 4)
        self.g_t = _sparse_csr(torch, rows, cols, s.coefs.ravel(), (s.n_steps + 1, k), device)
        self.g = _sparse_csr(torch, cols, rows, s.coefs.ravel(), (k, s.n_steps + 1), device)
        cover_rows = np.concatenate([s.first_step, s.last_step + 1])
        cover_vals = np.concatenate([np.ones(k), -np.ones(k)])
        self.cover = _sparse_csr(
            torch, cover_rows, np.concatenate([np.arange(k)] * 2), cover_vals, (s.n_steps + 1, k), device
        )
        self.reg_band = regularisation_band(s.n_steps, s.block, s.derivative)
        self.reg_band_t = torch.tensor(self.reg_band, dtype=self.dtype, device=device)
        pad = np.zeros((big_b, big_b))
        last_real = s.n_steps - (s.n_blocks - 1) * big_b
        pad[np.arange(last_real, big_b), np.arange(last_real, big_b)] = 1.0
        self.pad_eye = torch.as_tensor(pad, dtype=self.dtype, device=device)

    # --- public ----------------------------------------------------------------------------

    def solve(self, values_cpk, weights_pk, lam_p, want_inverse: bool = True):
        """Solve a batch.

        Parameters
        ----------
        values_cpk : torch.Tensor (C, P, K)
            Pair velocities of ``C`` components sharing the weights (m/yr); entries with zero
            weight are ignored (they may be NaN).
        weights_pk : torch.Tensor (P, K)
            Weights, contiguous (0 = pair not used by that pixel).
        lam_p : torch.Tensor (P,)
            Regularisation weight of each pixel.
        want_inverse : bool
            Also compute ``diag(N^-1)`` and ``trace(N^-1 D^T D)``.

        Returns
        -------
        dict
            ``velocity`` (C, P, T); ``ninv_diag`` (P, T) or None; ``trace_ninv_r`` (P,) or None;
            ``ok`` (P,) bool, False where the normal matrix is not positive definite.
        """
        torch = self.torch
        s = self.s
        n_comp, p, _ = values_cpk.shape
        zero = torch.zeros((), dtype=self.dtype, device=self.device)
        yw = torch.where(weights_pk > 0, values_cpk * weights_pk, zero)
        rhs = torch.empty((p, s.n_blocks * s.block, n_comp), dtype=self.dtype, device=self.device)
        rhs[:, s.n_steps :] = 0.0
        for c in range(n_comp):
            rhs_x = self.spmm_colmajor(self.g_t, yw[c])  # (P, T+1)
            suffix = rhs_x.flip(1).cumsum(1).flip(1)
            rhs[:, : s.n_steps, c] = s.interval_days * suffix[:, 1:]
        out = self._factor_solve(weights_pk, lam_p, rhs, want_inverse)
        out["velocity"] = out["velocity"][:, : s.n_steps].permute(2, 0, 1)
        if out["ninv_diag"] is not None:
            out["ninv_diag"] = out["ninv_diag"][:, : s.n_steps]
        return out

    def predict(self, velocity_pt):
        """Pair averages ``A v`` (P, K) of step velocities ``velocity_pt`` (P, T), m/yr."""
        torch = self.torch
        s = self.s
        x = torch.zeros((velocity_pt.shape[0], s.n_steps + 1), dtype=self.dtype, device=self.device)
        x[:, 1:] = torch.cumsum(velocity_pt, dim=1) * s.interval_days
        return self.spmm_colmajor(self.g, x)

    def counts(self, valid_pk):
        """Number of valid pairs overlapping each step (P, T) int32."""
        torch = self.torch
        diff = self.spmm_colmajor(self.cover, valid_pk.to(self.dtype))
        return torch.cumsum(diff, dim=1)[:, : self.s.n_steps].round().to(torch.int32)

    def spmm_colmajor(self, sparse, dense_pk):
        """``(sparse @ dense_pk.T).T`` as a pixel-major (P, rows) tensor, computed column-major."""
        torch = self.torch
        out = torch.empty((dense_pk.shape[0], sparse.shape[0]), dtype=self.dtype, device=self.device)
        if sparse.shape[0] == 0 or dense_pk.shape[0] == 0:
            return out.zero_()
        torch.addmm(out.T, sparse, dense_pk.T, beta=0.0, out=out.T)
        return out

    # --- assembly of the normal-matrix blocks -------------------------------------------------

    def _m_blocks(self, weights_pk, jx):
        """M_JJ (strictly lower) and M_{J+1,J} of X block ``jx`` as one (P, 2, B, B) tensor."""
        big_b = self.s.block
        p = weights_pk.shape[0]
        if jx >= self.s.n_xblocks or self.f_blocks[jx][1].numel() == 0:
            return self.torch.zeros((p, 2, big_b, big_b), dtype=self.dtype, device=self.device)
        mat, used = self.f_blocks[jx]
        return self.spmm_colmajor(mat, weights_pk[:, used]).view(p, 2, big_b, big_b)

    def _n_blocks_iter(self, weights_pk, lam_p):
        """Yield ``(N_kk lower, N_{k+1,k})`` block by block (pixel-major, lam D^T D included).

        With ``Cp[a, c] = sum_{b <= c} M[a, b]`` inside a block (running sum along rows) and
        running sums of ``Cp`` down the columns, for ``i = kB + r``, ``j = kB + c``:
        ``N_kk[r, c] = -dt^2 (sum_{a > r} Cp_kk[a, c] + sum_a Cp_sub[a, c] + t3[r])`` and
        ``N_{k+1,k}[r, c] = -dt^2 sum_{a > r} Cp_sub[a, c]``, where ``t3[r]`` sums the rows
        ``a > r`` of the block below-left (``M_{k,k-1}``).
        """
        torch = self.torch
        s = self.s
        big_b = s.block
        reg = self.reg_band_t  # reg[j, t] = (D^T D)[j + t, j]
        prev_rowsum = None
        m = self._m_blocks(weights_pk, 0)  # already scaled by -dt^2
        for k in range(s.n_blocks):
            cp = torch.cumsum(m, dim=3)  # (P, 2, B, B) prefix over columns b <= c
            tot = cp.sum(dim=2)  # (P, 2, B): sum over all rows
            # sum over rows a > r = total - inclusive running sum down the rows
            below = torch.sub(tot[:, :, None, :], torch.cumsum(cp, dim=2))
            n_sub = None
            j0 = k * big_b
            if k + 1 < s.n_blocks:
                n_sub = below[:, 1]
                for t in range(1, s.derivative + 1):  # lam D^T D reaches t entries into the corner
                    for u in range(t):
                        n_sub[:, u, big_b - t + u] += lam_p * reg[j0 + big_b - t + u, t]
            n_diag = below[:, 0].add_(tot[:, 1, None, :])
            if prev_rowsum is not None:  # rows of block k against block k-1
                t3 = prev_rowsum.sum(dim=1, keepdim=True) - torch.cumsum(prev_rowsum, dim=1)
                n_diag.add_(t3[:, :, None])
            for t in range(s.derivative + 1):
                torch.diagonal(n_diag, offset=-t, dim1=1, dim2=2).add_(
                    lam_p[:, None] * reg[j0 : j0 + big_b - t, t][None, :]
                )
            if k == s.n_blocks - 1:
                n_diag.add_(self.pad_eye)
            prev_rowsum = cp[:, 1, :, big_b - 1]
            yield n_diag, n_sub
            if k + 1 < s.n_blocks:
                m = self._m_blocks(weights_pk, k + 1)

    # --- factorisation, solves, selected inverse ---------------------------------------------

    def _factor_solve(self, weights_pk, lam_p, rhs, want_inverse):
        """Block LDL^T: D_k = N_kk - F_{k-1} N_{k,k-1}^T, F_k = N_{k+1,k} D_k^-1."""
        torch = self.torch
        s = self.s
        big_b = s.block
        nb = s.n_blocks
        p = rhs.shape[0]
        dinv_list, f_list, w = [], [], []
        ok = torch.ones(p, dtype=torch.bool, device=self.device)
        f_prev = sub_prev = None
        for k, (a, sub) in enumerate(self._n_blocks_iter(weights_pk, lam_p)):
            bk = rhs[:, k * big_b : (k + 1) * big_b]
            if f_prev is not None:
                a = torch.baddbmm(a, f_prev, sub_prev.transpose(1, 2), alpha=-1.0)
                bk = torch.baddbmm(bk, f_prev, w[-1], alpha=-1.0)
            dinv, good = spd_inv(a)
            ok &= good
            dinv_list.append(dinv)
            w.append(bk)
            if sub is not None:
                f_prev = torch.bmm(sub, dinv)
                sub_prev = sub
                f_list.append(f_prev)
        x = [None] * nb
        x[nb - 1] = torch.bmm(dinv_list[nb - 1], w[nb - 1])
        for k in range(nb - 2, -1, -1):
            x[k] = torch.baddbmm(
                torch.bmm(dinv_list[k], w[k]), f_list[k].transpose(1, 2), x[k + 1], alpha=-1.0
            )
        out = {"velocity": torch.cat(x, dim=1), "ok": ok, "ninv_diag": None, "trace_ninv_r": None}
        if want_inverse:
            out["ninv_diag"], out["trace_ninv_r"] = self._selected_inverse(dinv_list, f_list, p)
        return out

    def _selected_inverse(self, dinv_list, f_list, p):
        """Block Takahashi on the LDL^T factors: S_kk = D_k^-1 + F_k^T S_{k+1,k+1} F_k."""
        torch = self.torch
        s = self.s
        big_b = s.block
        nb = s.n_blocks
        m = s.derivative
        diag_out = [None] * nb
        trace = torch.zeros(p, dtype=self.dtype, device=self.device)
        sig = dinv_list[nb - 1]
        diag_out[nb - 1] = torch.diagonal(sig, dim1=1, dim2=2)
        trace += self._trace_block(sig, nb - 1)
        for k in range(nb - 2, -1, -1):
            f = f_list[k]
            y = torch.bmm(sig, f)  # -S_{k+1,k}
            corner = y[:, :m, big_b - m :]
            sig = torch.baddbmm(dinv_list[k], f.transpose(1, 2), y)
            diag_out[k] = torch.diagonal(sig, dim1=1, dim2=2)
            trace += self._trace_block(sig, k)
            trace -= self._trace_corner(corner, k)
        return torch.cat(diag_out, dim=1), trace

    def _trace_block(self, sig, k):
        """sum_{i,j in block k} S_ij R_ij (R symmetric, band m)."""
        torch = self.torch
        big_b = self.s.block
        r = self.reg_band_t[k * big_b : (k + 1) * big_b]
        total = (torch.diagonal(sig, dim1=1, dim2=2) * r[None, :, 0]).sum(dim=1)
        for t in range(1, self.s.derivative + 1):
            d = torch.diagonal(sig, offset=-t, dim1=1, dim2=2)
            total = total + 2.0 * (d * r[None, : big_b - t, t]).sum(dim=1)
        return total

    def _trace_corner(self, corner, k):
        """2 sum S_ij R_ij over i in block k+1 (first m rows), j in block k (last m columns)."""
        big_b = self.s.block
        m = self.s.derivative
        total = 0.0
        for ri in range(m):
            for cj in range(m):
                j = k * big_b + big_b - m + cj
                t = (k + 1) * big_b + ri - j
                if t <= m:
                    total = total + 2.0 * corner[:, ri, cj] * float(self.reg_band[j, t])
        return total


def spd_inv(a, base: int = 12):
    """Inverse of a batch of symmetric positive-definite matrices (only the lower triangle is read).

    Recursive 2x2 blocking (Schur complement), so nearly all the work is batched matrix
    products: ``A11^-1`` (recursive), ``G = A21 A11^-1``, ``S = A22 - G A21^T``,
    ``X22 = S^-1`` (recursive), ``X21 = -X22 G``, ``X11 = A11^-1 - G^T X21``. Leaves use
    LAPACK Cholesky (``potrf``/``potri``). Stable for SPD matrices (no pivoting needed).

    Returns
    -------
    inverse : torch.Tensor (P, n, n)
    ok : torch.Tensor (P,) bool
        False where a pivot block is not numerically positive definite.
    """
    import torch

    n = a.shape[-1]
    if n <= base:
        lo, info = torch.linalg.cholesky_ex(a)
        ok = info == 0
        if not bool(ok.all()):
            eye = torch.eye(n, dtype=a.dtype, device=a.device).expand_as(lo)
            lo = torch.where(ok[:, None, None], lo, eye)
        return torch.cholesky_inverse(lo), ok
    n1 = n // 2
    a21 = a[:, n1:, :n1]
    x11, ok1 = spd_inv(a[:, :n1, :n1], base)
    g = torch.bmm(a21, x11)
    x22, ok2 = spd_inv(torch.baddbmm(a[:, n1:, n1:], g, a21.transpose(1, 2), alpha=-1.0), base)
    x21 = torch.bmm(x22, g).neg_()
    out = a.new_empty(a.shape)
    out[:, :n1, :n1] = torch.baddbmm(x11, g.transpose(1, 2), x21, alpha=-1.0)
    out[:, n1:, :n1] = x21
    out[:, :n1, n1:] = x21.transpose(1, 2)
    out[:, n1:, n1:] = x22
    return out, ok1 & ok2


@functools.lru_cache(maxsize=8)
def regularisation_band(n_steps: int, big_b: int, derivative: int) -> np.ndarray:
    """Lower band of ``D^T D`` by columns, zero-padded to whole blocks: ``out[j, t] = R[j + t, j]``.

    ``D`` is the first or second difference (:func:`regularization_matrix`); the band is built
    from its rows (stencils ``[-1, 1]`` / ``[1, -2, 1]``) without scipy.
    """
    t_pad = -(-n_steps // big_b) * big_b
    stencil = np.array([-1.0, 1.0] if derivative == 1 else [1.0, -2.0, 1.0])
    band = np.zeros((t_pad, derivative + 1))
    for row in range(max(n_steps - derivative, 0)):  # row r touches steps r .. r + m
        for a in range(derivative + 1):
            for b in range(a + 1):
                band[row + b, a - b] += stencil[a] * stencil[b]
    band.setflags(write=False)
    return band


def _csr_numpy(rows, cols, vals, shape):
    """CSR arrays (indptr, indices, data) with duplicates summed, in numpy only."""
    rows = np.asarray(rows, dtype="int64")
    cols = np.asarray(cols, dtype="int64")
    vals = np.asarray(vals, dtype="float64")
    key = rows * shape[1] + cols
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    data = np.add.reduceat(vals[order], starts) if key.size else vals[:0]
    ukey = key[starts]
    indptr = np.searchsorted(ukey // shape[1], np.arange(shape[0] + 1)).astype("int64")
    return _Csr(indptr, ukey % shape[1], data)


@dataclass
class _Csr:
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray


def _torch_csr(torch, indptr, indices, data, shape, device):
    with warnings.catch_warnings():  # "sparse CSR support is in beta" / invariant checks
        warnings.simplefilter("ignore", UserWarning)
        return torch.sparse_csr_tensor(
            torch.as_tensor(np.asarray(indptr), dtype=torch.int64),
            torch.as_tensor(np.asarray(indices), dtype=torch.int64),
            torch.as_tensor(np.asarray(data), dtype=torch.float64),
            size=shape,
            device=device,
        )


def _sparse_csr(torch, rows, cols, vals, shape, device):
    mat = _csr_numpy(rows, cols, vals, shape)
    return _torch_csr(torch, mat.indptr, mat.indices, mat.data, shape, device)


class NumpyFace:
    """:class:`BatchSolver` with numpy arrays in and out (the engine works in numpy only).

    The engine's batches are numpy arrays whatever the solver, so that the CPU band path runs
    without torch; this face moves a batch to the solver's device, solves it there and brings
    the results back (one transfer each way per call).
    """

    def __init__(self, structure: BandStructure, device):
        import torch

        self.torch = torch
        self.inner = BatchSolver(structure, device)
        self.device = device
        self.row_sq = self.inner.row_sq
        self.first, self.last = self.inner.first, self.inner.last

    def _t(self, array, dtype=None):
        return self.torch.as_tensor(np.ascontiguousarray(array), dtype=dtype, device=self.device)

    def solve(self, values_cpk, weights_pk, lam_p, want_inverse: bool = True):
        """See :meth:`BatchSolver.solve`; numpy arrays in and out."""
        f64 = self.torch.float64
        values, weights, lam = (self._t(a, f64) for a in (values_cpk, weights_pk, lam_p))
        out = self.inner.solve(values, weights, lam, want_inverse)
        return {key: (None if val is None else val.detach().cpu().numpy()) for key, val in out.items()}

    def predict(self, velocity_pt):
        """Pair averages ``A v`` (P, K) of step velocities (P, T), m/yr (numpy)."""
        return self.inner.predict(self._t(velocity_pt, self.torch.float64)).cpu().numpy()

    def counts(self, valid_pk):
        """Number of valid pairs overlapping each step (P, T) int32 (numpy)."""
        return self.inner.counts(self._t(np.asarray(valid_pk, dtype="float64"))).cpu().numpy()
