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


def time_above_min(
    times_min: npt.ArrayLike, conc_ng_ml: npt.ArrayLike, threshold_ng_ml: float
) -> FloatArray:
    """Minutes spent at or above ``threshold_ng_ml`` (linear interpolation at crossings)."""
    if not np.isfinite(threshold_ng_ml) or threshold_ng_ml < 0:
        raise ValueError(f"threshold_ng_ml must be >= 0; got {threshold_ng_ml!r}")
    t = np.asarray(times_min, dtype=np.float64)
    c = np.asarray(conc_ng_ml, dtype=np.float64) - threshold_ng_ml
    left, right = c[..., :-1], c[..., 1:]
    dt = np.diff(t)
    both = (left >= 0) & (right >= 0)
    up = (left < 0) & (right >= 0)
    down = (left >= 0) & (right < 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac_up = np.where(up, right / (right - left), 0.0)
        frac_down = np.where(down, left / (left - right), 0.0)
    total = dt * (both + frac_up + frac_down)
    return np.asarray(np.sum(total, axis=-1))


def percentile_bands(
    conc_ng_ml: npt.ArrayLike, percentiles: tuple[float, ...] = (5.0, 50.0, 95.0)
) -> dict[str, FloatArray]:
    """Percentiles across patients (axis 0) at each time: {"p5": ..., "p50": ..., ...}."""
    c = np.asarray(conc_ng_ml)
    q = np.percentile(c, percentiles, axis=0)
    return {
        f"p{p:g}": np.asarray(row, dtype=np.float64) for p, row in zip(percentiles, q, strict=True)
    }
