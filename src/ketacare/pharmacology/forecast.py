"""Per-patient forecast: a band for the next weeks and the day a booster would be due.

Bayesian in the simplest honest way: draw many virtual patients of this weight on this
patient's regimen (the prior: the population model of :mod:`response`), weight each by
how well its noise-free course explains the observed MADRS scores (Gaussian
measurement error, ``measurement_sd_madrs``), resample, add rating noise, and read the
5/50/95th percentiles. When the observations are far from every draw, the error is
widened until at least ``min_effective_samples`` draws carry weight (reported as
``likelihood_sd_madrs``), so the band widens instead of collapsing onto one draw.

Booster due: the first forecast day on which the median predicted score is back above
the relapse line (50% of the patient's estimated baseline: loss of response,
ASSUMPTION as in :mod:`trial`); the last observation day when the patient responded
earlier but is above the line already; None for a patient who never responded (that
calls for review, not a booster) or who stays well through the horizon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from ketacare.pharmacology.models import FloatArray
from ketacare.pharmacology.regimen import MIN_PER_DAY, Regimen
from ketacare.pharmacology.response import DEFAULT_RESPONSE, ResponseParameters
from ketacare.pharmacology.trial import STEP_MIN, simulate_scores

POINTS_PER_DAY = 4


@dataclass(frozen=True)
class Forecast:
    """Days count from the first dose of the regimen (day 0)."""

    days: FloatArray
    score_p5: FloatArray
    score_p50: FloatArray
    score_p95: FloatArray
    observed_days: FloatArray
    observed_scores: FloatArray
    estimated_baseline_madrs: float
    relapse_score: float
    booster_due_day: float | None
    effective_samples: float
    likelihood_sd_madrs: float

    def booster_due_date(self, first_dose: date) -> date | None:
        """Calendar date of ``booster_due_day`` for a course whose first dose was given on
        ``first_dose`` (rounded down to the day)."""
        if self.booster_due_day is None:
            return None
        return first_dose + timedelta(days=math.floor(self.booster_due_day))


def _validate(days: FloatArray, scores: FloatArray, horizon_days: float) -> None:
    if days.ndim != 1 or days.size == 0 or days.shape != scores.shape:
        raise ValueError("observed_days and observed_scores must be equal-length, non-empty")
    if not np.all(np.isfinite(days)) or days.min() < -60 or days.max() > 365:
        raise ValueError("observed_days must be within -60..365 days of the first dose")
    if not np.all(np.isfinite(scores)) or scores.min() < 0 or scores.max() > 60:
        raise ValueError("observed_scores must be MADRS totals within 0-60")
    if not (math.isfinite(horizon_days) and 1 <= horizon_days <= 180):
        raise ValueError(f"horizon_days must be within 1-180; got {horizon_days!r}")


def _booster_day(
    days: FloatArray,
    median: FloatArray,
    relapse: float,
    observed_days: FloatArray,
    observed_scores: FloatArray,
) -> float | None:
    """First day the median forecast is back above the relapse line; the last observation
    day if the patient responded earlier but is above the line now; None if the patient
    never responded (a non-responder needs review, not a booster) or stays well."""
    responded = bool(np.any(observed_scores[observed_days > 0] <= relapse)) or median[0] <= relapse
    if not responded:
        return None
    if median[0] > relapse:
        return float(days[0])
    above = np.nonzero(median > relapse)[0]
    return float(days[above[0]]) if above.size else None


CHUNK_PATIENTS = 100
"""Virtual patients simulated at a time: a year's course on the 10-minute grid is 52,560
points a patient, so 1,000 at once held gigabytes; 100 hold tens of megabytes."""


def _draw_in_chunks(
    regimen: Regimen,
    weight_kg: float,
    n_samples: int,
    seed: int,
    horizon_days: float,
    params: ResponseParameters,
    scores: FloatArray,
    idx: npt.NDArray[np.int_],
    k0: int,
    step: int,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Simulate the draws chunk by chunk and keep only what the forecast reads: each draw's
    squared error at the observations, its course on the forecast grid and its baseline."""
    rng = np.random.default_rng(seed)
    sq, future, baselines = [], [], []
    days: FloatArray = np.empty(0)
    for start in range(0, n_samples, CHUNK_PATIENTS):
        size = min(CHUNK_PATIENTS, n_samples - start)
        course = simulate_scores(
            regimen, size, int(rng.integers(2**31)), horizon_days, params, np.full(size, weight_kg)
        )
        grid = np.arange(k0, course.days.size, step)
        sq.append(np.sum((course.madrs[:, idx] - scores[None, :]) ** 2, axis=1))
        future.append(course.madrs[:, grid])
        baselines.append(course.traits.baseline_madrs)
        days = np.asarray(course.days[grid])
    return np.concatenate(sq), np.concatenate(future), np.concatenate(baselines), days


def forecast_patient(
    regimen: Regimen,
    weight_kg: float,
    observed_days: npt.ArrayLike,
    observed_scores: npt.ArrayLike,
    *,
    horizon_days: float = 28.0,
    n_samples: int = 1000,
    seed: int = 0,
    params: ResponseParameters = DEFAULT_RESPONSE,
    min_effective_samples: float = 50.0,
) -> Forecast:
    """Forecast band from the last observation to ``horizon_days`` after it."""
    days = np.asarray(observed_days, dtype=np.float64)
    scores = np.asarray(observed_scores, dtype=np.float64)
    _validate(days, scores, horizon_days)
    if not 100 <= n_samples <= 50_000:
        raise ValueError(f"n_samples must be within 100-50000; got {n_samples!r}")
    last = max(float(days.max()), 0.0)
    step = int(MIN_PER_DAY / STEP_MIN / POINTS_PER_DAY)
    k0 = int(round(last * MIN_PER_DAY / STEP_MIN))
    # before the first dose the model score is the baseline
    idx = np.clip(np.round(days * MIN_PER_DAY / STEP_MIN).astype(int), 0, None)
    sq, future, baselines, future_days = _draw_in_chunks(
        regimen, weight_kg, n_samples, seed, last + horizon_days, params, scores, idx, k0, step
    )
    sd = params.measurement_sd_madrs
    while True:
        logw = -sq / (2 * sd * sd)
        w = np.exp(logw - logw.max())
        w /= w.sum()
        ess = float(1.0 / np.sum(w * w))
        if ess >= min(min_effective_samples, n_samples / 4) or sd > 30:
            break
        sd *= 1.25
    rng = np.random.default_rng(seed + 1)
    picks = rng.choice(n_samples, size=n_samples, p=w)
    future = future[picks]
    noisy = np.clip(future + rng.normal(0, params.measurement_sd_madrs, future.shape), 0, 60)
    p5, p50, p95 = np.percentile(noisy, [5, 50, 95], axis=0)
    baseline = float(np.median(baselines[picks]))
    relapse = (1 - params.response_fraction) * baseline
    median_true = np.median(future, axis=0)
    booster = _booster_day(future_days, median_true, relapse, days, scores)
    return Forecast(
        days=future_days,
        score_p5=p5,
        score_p50=p50,
        score_p95=p95,
        observed_days=days,
        observed_scores=scores,
        estimated_baseline_madrs=baseline,
        relapse_score=relapse,
        booster_due_day=booster,
        effective_samples=ess,
        likelihood_sd_madrs=sd,
    )
