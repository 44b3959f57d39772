"""Virtual trials: PK -> NMDA occupancy -> plasticity -> MADRS for a population on a regimen.

:func:`simulate_scores` is the shared pipeline (also used by the calibration and the
per-patient forecast); :func:`run_virtual_trial` is the ``ketacare simulate-trial``
report: response and remission rates after the last dose and time to relapse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ketacare.pharmacology.models import FloatArray
from ketacare.pharmacology.population import build_system, covariates
from ketacare.pharmacology.regimen import MIN_PER_DAY, Regimen, named_regimen, single_dose
from ketacare.pharmacology.response import (
    DEFAULT_RESPONSE,
    PatientResponseTraits,
    ResponseParameters,
    draw_traits,
    drug_effect,
    madrs,
    nmda_occupancy,
    plasticity,
)
from ketacare.pharmacology.solve import solve_uniform_grid

STEP_MIN = 10.0  # grid of the response pipeline
MAX_SIMULATED_DAYS = 366  # longest course simulate_scores accepts
REPORT_DAYS = (1, 3, 7, 14, 21, 28)
# ASSUMPTION: adult trial populations weigh 80 +/- 16 kg (clipped 45-150 kg).
WEIGHT_MEAN_KG, WEIGHT_SD_KG = 80.0, 16.0
STANDARD_INFUSION = single_dose("iv", dose_mg_per_kg=0.5, infusion_min=40.0)


@dataclass(frozen=True)
class ScoreCourse:
    """Noise-free scores of a population on a regimen, on a STEP_MIN grid from day 0."""

    days: FloatArray  # (T,)
    madrs: FloatArray  # (P, T)
    drug_effect: FloatArray  # (P, T) fractional reduction from the drug
    traits: PatientResponseTraits


def occupancy_course(
    regimen: Regimen,
    weight_kg: FloatArray,
    n_points: int,
    seed: int | None,
    params: ResponseParameters,
) -> FloatArray:
    """NMDA occupancy (patients, n_points) on the STEP_MIN grid from the first dose."""
    system, inputs = build_system(regimen, covariates(weight_kg.size, weight_kg), seed=seed)
    names = ("effect_site", "noresketamine") if regimen.is_esketamine else ("effect_site",)
    out = solve_uniform_grid(system, inputs, STEP_MIN, n_points, names, workers=1)
    nor = out.get("noresketamine")
    return nmda_occupancy(
        np.asarray(out["effect_site"], dtype=np.float64),
        esketamine=regimen.is_esketamine,
        metabolite_ng_ml=None if nor is None else np.asarray(nor, dtype=np.float64),
        params=params,
    )


@lru_cache(maxsize=32)
def reference_plasticity(params: ResponseParameters) -> float:
    """Peak plasticity of a typical 70-kg patient after 0.5 mg/kg over 40 min (scale 1)."""
    n_points = int(5 * MIN_PER_DAY / STEP_MIN) + 1
    occ = occupancy_course(STANDARD_INFUSION, np.array([70.0]), n_points, None, params)
    kd = np.array([math.log(2) / params.plasticity_half_life_days])
    return float(plasticity(occ, STEP_MIN, kd, params).max())


def scores_from_occupancy(
    occ: FloatArray,
    traits: PatientResponseTraits,
    params: ResponseParameters,
) -> ScoreCourse:
    """Plasticity, drug effect and noise-free MADRS from an occupancy matrix."""
    days = np.arange(occ.shape[1], dtype=np.float64) * (STEP_MIN / MIN_PER_DAY)
    p = plasticity(occ, STEP_MIN, traits.plasticity_kd_per_day, params)
    effect = drug_effect(p / reference_plasticity(params), traits.emax, params)
    return ScoreCourse(days, madrs(traits, effect, days, params), effect, traits)


def simulate_scores(
    regimen: Regimen,
    n_patients: int,
    seed: int,
    horizon_days: float,
    params: ResponseParameters = DEFAULT_RESPONSE,
    weight_kg: FloatArray | None = None,
) -> ScoreCourse:
    """Noise-free MADRS courses of ``n_patients`` virtual patients on ``regimen``."""
    if not (math.isfinite(horizon_days) and 0 < horizon_days <= MAX_SIMULATED_DAYS):
        raise ValueError(
            f"horizon_days must be within 0-{MAX_SIMULATED_DAYS}; got {horizon_days!r}"
        )
    rng = np.random.default_rng(seed)
    if weight_kg is None:
        weight_kg = np.clip(rng.normal(WEIGHT_MEAN_KG, WEIGHT_SD_KG, n_patients), 45, 150)
    traits = draw_traits(rng, n_patients, params)
    n_points = int(horizon_days * MIN_PER_DAY / STEP_MIN) + 1
    occ = occupancy_course(regimen, weight_kg, n_points, int(rng.integers(2**31)), params)
    return scores_from_occupancy(occ, traits, params)


def rates_at(
    course: ScoreCourse,
    day: float,
    rng: np.random.Generator,
    params: ResponseParameters = DEFAULT_RESPONSE,
) -> tuple[float, float]:
    """Response and remission rates at ``day`` with measurement noise on the rating."""
    k = int(round(day * MIN_PER_DAY / STEP_MIN))
    true = course.madrs[:, k]
    observed = np.clip(true + rng.normal(0, params.measurement_sd_madrs, true.size), 0, 60)
    baseline = course.traits.baseline_madrs
    response = observed <= (1 - params.response_fraction) * baseline
    remission = observed <= params.remission_madrs_max
    return float(response.mean()), float(remission.mean())


def days_to_relapse(
    course: ScoreCourse, from_day: float, params: ResponseParameters = DEFAULT_RESPONSE
) -> FloatArray:
    """For patients responding 1 day after ``from_day``: days from ``from_day`` until the
    noise-free score is back above the response threshold (NaN if not within the course).
    Non-responders are left out."""
    k1 = int(round((from_day + 1) * MIN_PER_DAY / STEP_MIN))
    threshold = (1 - params.response_fraction) * course.traits.baseline_madrs
    responding = course.madrs[:, k1] <= threshold
    later = course.madrs[responding, k1:] > threshold[responding, None]
    first = np.argmax(later, axis=1).astype(np.float64)
    first[~later.any(axis=1)] = np.nan
    return np.asarray(1.0 + first * STEP_MIN / MIN_PER_DAY)


def run_virtual_trial(
    regimen_name: str,
    n_patients: int,
    seed: int,
    *,
    progress: bool = False,
    params: ResponseParameters = DEFAULT_RESPONSE,
    chunk: int = 500,
) -> dict[str, Any]:
    """Response/remission at days 1-28 after the last dose and median time to relapse."""
    regimen = named_regimen(regimen_name)
    if not 1 <= n_patients <= 100_000:
        raise ValueError(f"population must be within 1-100000; got {n_patients!r}")
    last_day = max(d.start_min for d in regimen.doses) / MIN_PER_DAY
    horizon = last_day + 56.0
    rng = np.random.default_rng(seed)
    counts = {d: [0.0, 0.0] for d in REPORT_DAYS}
    relapse: list[FloatArray] = []
    bar: Any = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=n_patients, unit="patient", desc=regimen_name, leave=False)
    for start in range(0, n_patients, chunk):
        size = min(chunk, n_patients - start)
        course = simulate_scores(regimen, size, int(rng.integers(2**31)), horizon, params)
        for d in REPORT_DAYS:
            resp, remi = rates_at(course, last_day + d, rng, params)
            counts[d][0] += resp * size
            counts[d][1] += remi * size
        relapse.append(days_to_relapse(course, last_day, params))
        if bar is not None:
            bar.update(size)
    if bar is not None:
        bar.close()
    times = np.concatenate(relapse)
    relapsed = np.sort(times[np.isfinite(times)])
    # median with censoring: defined when at least half of the responders relapsed
    median = float(relapsed[(times.size - 1) // 2]) if relapsed.size * 2 >= times.size > 0 else None
    return {
        "regimen": regimen_name,
        "n_patients": n_patients,
        "seed": seed,
        "doses": len(regimen.doses),
        "last_dose_day": last_day,
        "after_last_dose": [
            {
                "day": d,
                "response_rate": round(counts[d][0] / n_patients, 4),
                "remission_rate": round(counts[d][1] / n_patients, 4),
            }
            for d in REPORT_DAYS
        ],
        "responders_day1": int(times.size),
        "median_days_to_relapse": None if median is None else round(median, 2),
        "relapse_definition": "score back above 50% of baseline (loss of response); ASSUMPTION",
    }
