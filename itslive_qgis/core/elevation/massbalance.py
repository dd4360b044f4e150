"""What the flow does not explain: ``residual_dhdt = dhdt_observed - dynamic_dhdt`` (m/yr of ice).

``dynamic_dhdt`` is ``itslive:fluxdivergence``'s output, with its sign convention
(:mod:`core.fields.flux`): ``dynamic_dhdt = -flux_divergence``, negative where the flow thins
the ice (more ice leaves a cell than enters it). So ``residual_dhdt = dhdt_observed +
flux_divergence`` is the thickness change the flow does not explain: the surface plus basal
mass balance in metres of ice per year (positive = accumulation; negative = melt), with no
correction for firn compaction or a density other than ice's (the observed change is taken as
ice). Uncertainty: ``residual_sigma = sqrt(dhdt_sigma^2 + dynamic_dhdt_error^2)`` (the two
terms independent).

The residual lies on the flux-divergence grid (the velocity grid); the observed rate is carried
onto it bilinearly when its grid differs. A flux-divergence file with a time axis is averaged over
time (NaN-aware) and the attribute ``dynamic_dhdt_time_mean`` says so.
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError, InputError
from ..geo import crs_from_dataset
from .grids import GridSpec, open_dataset, sample_onto, write_grid

SIGN_CONVENTION = (
    "residual_dhdt = dhdt_observed - dynamic_dhdt, with dynamic_dhdt = -flux_divergence as written by "
    "itslive:fluxdivergence (negative = dynamic thinning); residual_dhdt > 0 = mass gain not explained "
    "by the flow (surface plus basal mass balance, metres of ice per year)"
)
MASS_BALANCE_VARIABLES = {
    "residual_dhdt": ("height change not explained by the flow (dhdt_observed - dynamic_dhdt)", "m/yr", None),
    "residual_dhdt_sigma": ("1-sigma uncertainty of residual_dhdt", "m/yr", None),
    "dhdt_observed": ("observed rate of surface height change on this grid", "m/yr", None),
    "dynamic_dhdt": ("dynamic thickness change rate -flux_divergence (itslive:fluxdivergence)", "m/yr", None),
}


def mass_balance(dhdt_path, flux_path) -> tuple[GridSpec, dict, dict]:
    """(grid, fields, extra attributes) of the residual of ``dhdt_path`` and ``flux_path`` (see module)."""
    flux = open_dataset(flux_path)
    try:
        if "dynamic_dhdt" not in flux:
            raise DataError(
                f"FLUX_DIVERGENCE: {flux_path} has no dynamic_dhdt variable: give an itslive:fluxdivergence "
                "output."
            )
        grid = GridSpec(
            flux["x"].values.astype(float),
            flux["y"].values.astype(float),
            crs_from_dataset(flux, source=str(flux_path)),
        )
        history = flux.attrs.get("history")
        dyn = flux["dynamic_dhdt"].values.astype(float)
        dyn_err = (
            flux["dynamic_dhdt_error"].values.astype(float)
            if "dynamic_dhdt_error" in flux
            else np.zeros_like(dyn)
        )
    finally:
        flux.close()
    extra = {"sign_convention": SIGN_CONVENTION, "dynamic_dhdt_time_mean": "no"}
    if dyn.ndim == 3:
        with np.errstate(invalid="ignore"):
            dyn = np.nanmean(dyn, axis=0)
            dyn_err = np.sqrt(np.nanmean(dyn_err**2, axis=0))
        extra["dynamic_dhdt_time_mean"] = "yes: mean over the time axis of the flux-divergence file"
    obs = open_dataset(dhdt_path)
    try:
        if "dhdt" not in obs:
            raise DataError(
                f"DHDT: {dhdt_path} has no dhdt variable: give an itslive:elevationchange output."
            )
        ox, oy = obs["x"].values.astype(float), obs["y"].values.astype(float)
        ocrs = crs_from_dataset(obs, source=str(dhdt_path))
        rate = obs["dhdt"].values.astype(float)
        rate_sigma = obs["dhdt_sigma"].values.astype(float) if "dhdt_sigma" in obs else np.zeros_like(rate)
    finally:
        obs.close()
    if rate.ndim == 3:  # rates per window (itslive:elevationchange with a time axis): their mean
        with np.errstate(invalid="ignore"):
            n = np.maximum(np.isfinite(rate).sum(0), 1)
            rate = np.nanmean(rate, axis=0)
            rate_sigma = np.sqrt(np.nansum(rate_sigma**2, axis=0)) / n
        extra["dhdt_observed_time_mean"] = "yes: mean of the rates per window of the elevation-change file"
    same = (
        ox.size == grid.x.size
        and oy.size == grid.y.size
        and np.allclose(ox, grid.x)
        and np.allclose(oy, grid.y)
    )
    if not (same and ocrs == grid.crs):
        rate = sample_onto(rate, ox, oy, ocrs, grid)
        rate_sigma = sample_onto(rate_sigma, ox, oy, ocrs, grid)
    residual = rate - dyn
    sigma = np.sqrt(rate_sigma**2 + dyn_err**2)
    if not np.isfinite(residual).any():
        raise InputError(
            "The observed dh/dt and the flux divergence share no valid cell: check that both cover the same "
            "glacier."
        )
    if isinstance(history, str):
        extra["history"] = history
    fields = {
        "residual_dhdt": residual,
        "residual_dhdt_sigma": sigma,
        "dhdt_observed": rate,
        "dynamic_dhdt": dyn,
    }
    return grid, fields, extra


def mass_balance_to_file(dhdt_path, flux_path, output):
    """Write :func:`mass_balance` of the two files to the CF NetCDF ``output``; returns its path."""
    grid, fields, extra = mass_balance(dhdt_path, flux_path)
    previous = extra.pop("history", None)
    return write_grid(
        output,
        grid,
        fields,
        MASS_BALANCE_VARIABLES,
        "Height change not explained by the flow (dhdt_observed - dynamic_dhdt, m/yr of ice)",
        extra,
        algorithm="itslive:massbalance",
        parameters={"dhdt": str(dhdt_path), "flux_divergence": str(flux_path)},
        sources=[str(dhdt_path), str(flux_path)],
        previous=previous,
    )
