"""Profile curves to plot: one curve per year (the mean of that year's profiles) or per chosen date, and
their CSV (distance in km, one column per curve, m/yr)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError

DAYS_PER_YEAR = 365.25
VARIABLES = ("v", "v_along", "v_across")


@dataclass
class ProfileCurves:
    """Curves along a line: ``values`` (curves, samples), m/yr, at ``distance_km``; ``time_days`` each."""

    labels: list
    time_days: np.ndarray
    values: np.ndarray
    distance_km: np.ndarray
    variable: str


def profile_curves(
    profile,
    variable: str = "v_along",
    by: str = "year",
    dates=None,
    min_valid: float = 0.0,
    max_curves: int = 24,
):
    """Curves of a profile dataset (:func:`.profile.profile_dataset` or its file).

    ``by``: ``"year"`` (mean of the profiles of each calendar year, NaN-aware) or ``"date"`` (the
    profiles nearest to each of ``dates``, ISO strings or datetime64; default ``max_curves`` of the
    profiles with data, evenly spread over them in time); for each date the nearest profile that has
    data.
    ``min_valid``: leave out curves with less than this fraction of valid samples. A static profile
    gives one curve.
    """
    from ..cube import to_days

    if variable not in VARIABLES or variable not in profile:
        raise InputError(f"variable must be one of {VARIABLES} present in the profile, not {variable!r}.")
    km = np.asarray(profile["distance_m"].values, "float64") / 1000.0
    values = np.asarray(profile[variable].values, "float64")
    if values.ndim == 1:
        return ProfileCurves([variable], np.array([np.nan]), values[None], km, variable)
    days = to_days(profile["time"].values)
    if by == "year":
        stamps = np.asarray(profile["time"].values)
        if np.issubdtype(stamps.dtype, np.datetime64):  # calendar years
            years = stamps.astype("datetime64[Y]").astype(int) + 1970
        else:
            years = np.floor(1970.0 + days / DAYS_PER_YEAR).astype(int)
        labels, rows, times = [], [], []
        for y in np.unique(years):
            sel = values[years == y]
            with np.errstate(invalid="ignore"):
                count = np.isfinite(sel).sum(axis=0)
                rows.append(np.where(count > 0, np.nansum(sel, axis=0) / np.maximum(count, 1), np.nan))
            labels.append(str(y))
            times.append((y + 0.5 - 1970.0) * DAYS_PER_YEAR)
        out = ProfileCurves(labels, np.array(times), np.array(rows), km, variable)
    elif by == "date":
        with_data = np.flatnonzero(np.isfinite(values).any(axis=1))
        if with_data.size == 0:
            raise InputError(f"No profile of '{variable}' has valid values along the line.")
        if dates is None:
            pick = np.linspace(0, with_data.size - 1, min(max_curves, with_data.size)).round().astype(int)
            idx = with_data[np.unique(pick)]
        else:  # the profile WITH DATA nearest to each date
            try:
                wanted = to_days(np.asarray(dates, dtype="datetime64[ns]"))
            except ValueError as exc:
                raise InputError(f"Dates must be YYYY-MM-DD: {exc}") from exc
            idx = np.array([with_data[int(np.argmin(np.abs(days[with_data] - w)))] for w in wanted])
        stamps = np.datetime_as_string(np.asarray(profile["time"].values)[idx].astype("datetime64[D]"))
        out = ProfileCurves([str(s) for s in stamps], days[idx], values[idx], km, variable)
    else:
        raise InputError(f"by must be 'year' or 'date', not {by!r}.")
    keep = (
        np.isfinite(out.values).mean(axis=1) > min_valid
        if min_valid > 0
        else np.isfinite(out.values).any(axis=1)
    )
    if not keep.any():
        raise InputError(f"No curve of '{variable}' has valid values along the line.")
    return ProfileCurves(
        [l for l, k in zip(out.labels, keep) if k], out.time_days[keep], out.values[keep], km, variable
    )


def curves_to_csv(curves: ProfileCurves, path) -> Path:
    """Write curves as CSV: ``distance_km`` then one column per curve (its label), m/yr, atomically."""
    from ..io import atomic_output, check_output

    path = check_output(path, "CSV", suffixes=(".csv",))
    header = ["distance_km"] + [f"{curves.variable}_{label}_m_per_yr" for label in curves.labels]
    lines = [",".join(header)]
    for i, d in enumerate(curves.distance_km):
        cells = [f"{d:.4f}"] + ["" if not np.isfinite(v) else f"{v:.3f}" for v in curves.values[:, i]]
        lines.append(",".join(cells))
    with atomic_output(path, "CSV", suffixes=(".csv",)) as tmp:
        Path(tmp).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
