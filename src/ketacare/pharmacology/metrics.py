"""Exposure summaries of concentration curves: Cmax, Tmax, AUC, time above a threshold.

Curves have patients on axis 0 (or are 1-D) and share a time grid in minutes.
AUC uses the trapezoidal rule on that grid, so its accuracy depends on the grid step.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ketacare.pharmacology.models import FloatArray

MIN_PER_H = 60.0


def cmax_ng_ml(conc_ng_ml: npt.ArrayLike) -> FloatArray:
    """Peak concentration along the last axis."""
    return np.asarray(np.max(np.asarray(conc_ng_ml, dtype=np.float64), axis=-1))


def tmax_min(times_min: npt.ArrayLike, conc_ng_ml: npt.ArrayLike) -> FloatArray:
    """Time of the (first) peak along the last axis."""
    t = np.asarray(times_min, dtype=np.float64)
    return np.asarray(t[np.argmax(np.asarray(conc_ng_ml), axis=-1)])


def auc_ng_h_ml(times_min: npt.ArrayLike, conc_ng_ml: npt.ArrayLike) -> FloatArray:
    """Area under the curve (ng.h/mL), trapezoidal rule over the whole grid."""
    t = np.asarray(times_min, dtype=np.float64)
    c = np.asarray(conc_ng_ml, dtype=np.float64)
    return np.asarray(np.trapezoid(c, t, axis=-1) / MIN_PER_H)


def _fraction_above(left: FloatArray, right: FloatArray, threshold: float) -> FloatArray:
    """Share of each linear segment left -> right lying at or above ``threshold``."""
    hi = np.maximum(left, right)
    span = hi - np.minimum(left, right)
    num = hi - threshold
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(span > 0, np.clip(num / span, 0.0, 1.0), num >= 0)


def time_above_min(
    times_min: npt.ArrayLike, conc_ng_ml: npt.ArrayLike, threshold_ng_ml: float
) -> FloatArray:
    """Minutes spent at or above ``threshold_ng_ml`` (linear interpolation at crossings)."""
    if not np.isfinite(threshold_ng_ml) or threshold_ng_ml < 0:
        raise ValueError(f"threshold_ng_ml must be >= 0; got {threshold_ng_ml!r}")
    t = np.asarray(times_min, dtype=np.float64)
    c = np.asarray(conc_ng_ml, dtype=np.float64)
    frac = _fraction_above(c[..., :-1], c[..., 1:], threshold_ng_ml)
    return np.asarray(np.sum(frac * np.diff(t), axis=-1))


class RunningExposure:
    """Cmax, Tmax, AUC and time within a band, accumulated tile by tile on a uniform grid.

    Feed consecutive tiles (patients, m) with :meth:`add`; read :meth:`result`. Cmax, Tmax
    and AUC equal the whole-curve functions above. Time in the band counts grid points
    inside it (rectangle rule), so it is exact to one grid step per band crossing, which
    keeps it cheap enough for 10,000 patients x 12 weeks.
    """

    def __init__(self, n_patients: int, dt_min: float, band_ng_ml: tuple[float, float]):
        self.dt_min = dt_min
        self.band = band_ng_ml
        self.cmax = np.full(n_patients, -np.inf)
        self.kmax = np.zeros(n_patients, dtype=np.int64)
        self.total = np.zeros(n_patients)
        self.first = np.zeros(n_patients)
        self.last = np.zeros(n_patients)
        self.points_in_band = np.zeros(n_patients, dtype=np.int64)

    def add(self, k0: int, tile: FloatArray) -> None:
        peak = tile.max(axis=1)
        better = peak > self.cmax
        if better.any():  # argmax only where a new peak appeared (rare after the first doses)
            rows = np.nonzero(better)[0]
            self.kmax[rows] = k0 + np.argmax(tile[rows], axis=1)
            self.cmax[rows] = peak[rows]
        self.total += tile.sum(axis=1)
        if k0 == 0:
            self.first = tile[:, 0].copy()
        self.last = tile[:, -1].copy()
        lo, hi = self.band
        if peak.max() >= lo:  # most tiles lie below the band: skip the count
            self.points_in_band += np.count_nonzero((tile >= lo) & (tile <= hi), axis=1)

    def result(self) -> dict[str, FloatArray]:
        """cmax_ng_ml, tmax_min, auc_ng_h_ml, time_in_band_min (grid starting at 0)."""
        auc = (self.total - 0.5 * (self.first + self.last)) * self.dt_min / MIN_PER_H
        return {
            "cmax_ng_ml": self.cmax,
            "tmax_min": self.kmax * self.dt_min,
            "auc_ng_h_ml": auc,
            "time_in_band_min": self.points_in_band * self.dt_min,
        }


def percentile_bands(
    conc_ng_ml: npt.ArrayLike, percentiles: tuple[float, ...] = (5.0, 50.0, 95.0)
) -> dict[str, FloatArray]:
    """Percentiles across patients (axis 0) at each time: {"p5": ..., "p50": ..., ...}."""
    c = np.asarray(conc_ng_ml)
    q = np.percentile(c, percentiles, axis=0)
    return {
        f"p{p:g}": np.asarray(row, dtype=np.float64) for p, row in zip(percentiles, q, strict=True)
    }
