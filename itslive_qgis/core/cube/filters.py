"""Which image pairs to use: one filter for the subset download, the inversion and point series.

The rule, everywhere (evaluated on cleaned pairs, so ``*_img1`` is the earlier image):

* ``satellites``: a pair is kept when BOTH its images come from the listed satellites
  (codes as cubes write them: '8', '9', '2A', '1A', ...; 'L8', 'Landsat 8', 'S2A' are
  accepted and normalised). A cross-sensor pair (L8 + L9, S2A + S2B) is kept when both
  sensors are listed. A pair whose second image's satellite is unknown (older cubes without
  ``satellite_img2``) is judged by its first image.
* ``missions``: the same with mission letters ('L' Landsat, 'S' Sentinel).
* ``min_interval_days`` / ``max_interval_days``: inclusive bounds on the pair separation
  ``date_dt`` (days).
* ``min_roi_valid_percentage``: lowest ``roi_valid_percentage`` (percent) kept.
* ``max_v_error_m_per_yr``: not a pair filter but a per-pixel one, applied by the readers of
  velocities: v, vx, vy (and v_error, va, vr) become NaN where v_error exceeds it.

A pair with a missing value in a filtered field is dropped. A filter on a field the data do
not have is an error (never silently skipped). Time windows are not part of the filter:
the subset keeps pairs whose mid_date lies in its window (ITS_LIVE's convention), the
inversion pairs whose two acquisitions lie in its window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError, InputError


@dataclass(frozen=True)
class PairFilter:
    """Pair-level filters (None: no filter). Units: days, percent, m/yr. Build with :meth:`create`."""

    satellites: tuple[str, ...] | None = None
    missions: tuple[str, ...] | None = None
    min_interval_days: float | None = None
    max_interval_days: float | None = None
    min_roi_valid_percentage: float | None = None
    max_v_error_m_per_yr: float | None = None

    @classmethod
    def create(
        cls,
        satellites=None,
        missions=None,
        min_interval_days=None,
        max_interval_days=None,
        min_roi_valid_percentage=None,
        max_v_error_m_per_yr=None,
    ) -> PairFilter:
        """A filter from user values: satellite/mission codes normalised, numbers checked.

        ``satellites``/``missions`` may be a comma-separated string or a list; None (or '')
        means no filter, an empty list means no pair passes.
        """
        lo = _number(min_interval_days, "min_interval_days")
        hi = _number(max_interval_days, "max_interval_days")
        if lo is not None and hi is not None and hi < lo:
            raise InputError(f"max_interval_days ({hi:g}) is below min_interval_days ({lo:g}).")
        return cls(
            satellites=normalise_satellites(satellites),
            missions=normalise_missions(missions),
            min_interval_days=lo,
            max_interval_days=hi,
            min_roi_valid_percentage=_number(min_roi_valid_percentage, "min_roi_valid_percentage"),
            max_v_error_m_per_yr=_number(max_v_error_m_per_yr, "max_v_error_m_per_yr"),
        )

    def needed_vars(self) -> set[str]:
        """1-D pair variables the pair filters read."""
        out = set()
        if self.satellites is not None:
            out |= {"satellite_img1", "satellite_img2"}
        if self.missions is not None:
            out |= {"mission_img1", "mission_img2"}
        if self.min_interval_days is not None or self.max_interval_days is not None:
            out.add("date_dt")
        if self.min_roi_valid_percentage is not None:
            out.add("roi_valid_percentage")
        return out

    def as_dict(self) -> dict:
        """JSON-ready description."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    def mask(self, columns: dict, n: int) -> np.ndarray:
        """Pairs passing the filters (bool (n,)).

        Parameters
        ----------
        columns : dict
            Pair variables by ITS_LIVE name (``satellite_img1``, ``satellite_img2``,
            ``mission_img1``, ``mission_img2``, ``date_dt`` in days, ``roi_valid_percentage``);
            only those the filters need are read.
        n : int
            Number of pairs.

        Raises
        ------
        DataError
            A filter needs a variable that ``columns`` lacks.
        """
        keep = np.ones(int(n), dtype=bool)
        for codes, names in ((self.satellites, "satellite"), (self.missions, "mission")):
            if codes is None:
                continue
            first = _column(columns, f"{names}_img1", "SATELLITES" if names == "satellite" else "MISSIONS")
            keep &= np.isin(_codes(first, names), codes)
            second = columns.get(f"{names}_img2")
            if second is not None:
                keep &= np.isin(_codes(second, names), codes)
        if self.min_interval_days is not None or self.max_interval_days is not None:
            dt = np.asarray(_column(columns, "date_dt", "the interval bounds"), dtype="float64")
            if self.min_interval_days is not None:
                keep &= dt >= self.min_interval_days
            if self.max_interval_days is not None:
                keep &= dt <= self.max_interval_days
        if self.min_roi_valid_percentage is not None:
            roi = np.asarray(
                _column(columns, "roi_valid_percentage", "the valid-pixel percentage"), dtype="float64"
            )
            keep &= roi >= self.min_roi_valid_percentage
        return keep

    def mask_dataset(self, ds) -> np.ndarray:
        """:meth:`mask` of the 1-D pair variables of an xarray dataset (cleaned pairs)."""
        names = [n for n in self.needed_vars() if n in ds.variables]
        return self.mask({n: ds[n].values for n in names}, ds.sizes["mid_date"])


def normalise_satellites(values) -> tuple[str, ...] | None:
    """Satellite codes as cubes write them: '8', 'L8', 'Landsat 8' -> '8'; 'S2A', '2A' -> '2A'."""
    items = _items(values)
    if items is None:
        return None
    out = []
    for value in items:
        code = value.upper().replace(" ", "")
        for prefix in ("LANDSAT", "SENTINEL", "L", "S"):
            if code.startswith(prefix) and code[len(prefix) :]:
                code = code[len(prefix) :]
                break
        code = code.lstrip("-_")
        if not code or not code.isalnum() or len(code) > 3:
            raise InputError(
                f"Unknown satellite {value!r} in SATELLITES: use codes like '8', 'L9', '1A', '2B' "
                "(comma-separated)."
            )
        out.append(code)
    return tuple(sorted(set(out)))


def normalise_missions(values) -> tuple[str, ...] | None:
    """Mission codes as cubes write them: 'Landsat'/'L' -> 'L', 'Sentinel'/'S' -> 'S'."""
    items = _items(values)
    if items is None:
        return None
    out = []
    for value in items:
        code = value.upper()[:1]
        if code not in ("L", "S"):
            raise InputError(f"Unknown mission {value!r} in MISSIONS: use 'L' (Landsat) or 'S' (Sentinel).")
        out.append(code)
    return tuple(sorted(set(out)))


def _items(values) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = values.replace(";", ",").split(",")
        values = [v for v in values if v.strip()]
        if not values:
            return None
    return [str(v).strip() for v in values if str(v).strip()]


def _codes(values, kind: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind == "O":
        arr = np.asarray(["" if v is None else str(v) for v in arr])
    arr = np.char.strip(arr.astype(str))
    if kind == "mission":
        return np.char.upper(arr)
    return arr


def _column(columns: dict, name: str, what: str):
    value = columns.get(name)
    if value is None:
        raise DataError(f"Filtering by {what} needs the '{name}' pair variable, which these data lack.")
    return value


def _number(value, name: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}.") from None
    if not np.isfinite(out):
        raise InputError(f"{name} must be a finite number, got {value!r}.")
    return out
