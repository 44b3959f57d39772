"""Calibration of the response model to the single-infusion data, and its report.

Fitted ONLY to (a) the pooled single-infusion table (9 RCTs, n=368; Han 2016 [P28]):
response / remission 52.2/20.6% at 24 h, 47.9/23.8% at 72 h, 39.8/26.2% at day 7; and
(b) the meta-analytic time course (Kishimoto 2016 [P27]): the drug effect peaks around
day 1 and is gone by days 10-12 (here: mean drug effect at day 11 at most 15% of its
peak, peak between 12 h and 2 days). Repeated infusions, maintenance and esketamine
schedules are then predictions, never refitted.

Fitted: emax_logit_mean, emax_logit_sd, plasticity_half_life_days,
nonspecific_max_fraction, nonspecific_half_life_days, plasticity_half_life_cv. Run ``python -m
ketacare.pharmacology.calibration`` to refit and print the report (about a minute).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize

from ketacare.pharmacology.models import FloatArray
from ketacare.pharmacology.response import (
    DEFAULT_RESPONSE,
    ResponseParameters,
    draw_traits,
    with_fitted,
)
from ketacare.pharmacology.trial import (
    STANDARD_INFUSION,
    STEP_MIN,
    WEIGHT_MEAN_KG,
    WEIGHT_SD_KG,
    occupancy_course,
    rates_at,
    scores_from_occupancy,
)

# [P28] Han 2016 pooled single IV infusion: day -> (response, remission)
SINGLE_INFUSION_TARGETS = {1.0: (0.522, 0.206), 3.0: (0.479, 0.238), 7.0: (0.398, 0.262)}
HORIZON_DAYS = 12.0
GONE_BY_DAY = 11.0  # [P27] superiority lost by days 10-12
GONE_FRACTION = 0.15  # ASSUMPTION: "gone" = mean drug effect <= 15% of its peak


@dataclass(frozen=True)
class CalibrationReport:
    params: ResponseParameters
    rows: list[dict[str, float]]  # day, observed/model response and remission
    peak_effect_day: float
    effect_day11_over_peak: float
    rmse_percentage_points: float

    def as_text(self) -> str:
        lines = ["day  response obs/model   remission obs/model"]
        for r in self.rows:
            lines.append(
                f"{r['day']:>3g}  {r['response_obs']:6.1%} / {r['response_model']:6.1%}"
                f"    {r['remission_obs']:6.1%} / {r['remission_model']:6.1%}"
            )
        lines.append(
            f"RMSE {self.rmse_percentage_points:.1f} percentage points; mean drug effect peaks "
            f"on day {self.peak_effect_day:.2f}; at day {GONE_BY_DAY:g} it is "
            f"{self.effect_day11_over_peak:.0%} of the peak"
        )
        return "\n".join(lines)


class _Fixture:
    """Common random numbers: the same virtual patients for every evaluation."""

    def __init__(self, n_patients: int, seed: int):
        rng = np.random.default_rng(seed)
        self.weights = np.clip(rng.normal(WEIGHT_MEAN_KG, WEIGHT_SD_KG, n_patients), 45, 150)
        self.trait_seed = int(rng.integers(2**31))
        self.noise_seed = int(rng.integers(2**31))
        n_points = int(HORIZON_DAYS * 1440 / STEP_MIN) + 1
        self.occ = occupancy_course(
            STANDARD_INFUSION, self.weights, n_points, int(rng.integers(2**31)), DEFAULT_RESPONSE
        )

    def report(self, params: ResponseParameters) -> CalibrationReport:
        traits = draw_traits(np.random.default_rng(self.trait_seed), self.weights.size, params)
        course = scores_from_occupancy(self.occ, traits, params)
        noise = np.random.default_rng(self.noise_seed)
        rows, errors = [], []
        for day, (resp_obs, remi_obs) in SINGLE_INFUSION_TARGETS.items():
            resp, remi = rates_at(course, day, noise, params)
            rows.append(
                {
                    "day": day,
                    "response_obs": resp_obs,
                    "response_model": resp,
                    "remission_obs": remi_obs,
                    "remission_model": remi,
                }
            )
            errors += [100 * (resp - resp_obs), 100 * (remi - remi_obs)]
        mean_effect: FloatArray = course.drug_effect.mean(axis=0)
        peak_k = int(np.argmax(mean_effect))
        k11 = int(round(GONE_BY_DAY * 1440 / STEP_MIN))
        return CalibrationReport(
            params=params,
            rows=rows,
            peak_effect_day=float(course.days[peak_k]),
            effect_day11_over_peak=float(mean_effect[k11] / mean_effect[peak_k]),
            rmse_percentage_points=float(np.sqrt(np.mean(np.square(errors)))),
        )


def _unpack(theta: FloatArray) -> dict[str, float]:
    return {
        "emax_logit_mean": float(theta[0]),
        "emax_logit_sd": math.exp(theta[1]),
        "plasticity_half_life_days": math.exp(theta[2]),
        "nonspecific_max_fraction": 0.6 / (1 + math.exp(-theta[3])),
        "nonspecific_half_life_days": math.exp(theta[4]),
        "plasticity_half_life_cv": math.exp(theta[5]),
    }


def _pack(p: ResponseParameters) -> FloatArray:
    f = p.nonspecific_max_fraction / 0.6
    return np.array(
        [
            p.emax_logit_mean,
            math.log(p.emax_logit_sd),
            math.log(p.plasticity_half_life_days),
            math.log(f / (1 - f)),
            math.log(p.nonspecific_half_life_days),
            math.log(p.plasticity_half_life_cv),
        ]
    )


def evaluate(
    params: ResponseParameters = DEFAULT_RESPONSE, n_patients: int = 2000, seed: int = 7
) -> CalibrationReport:
    """Model vs the single-infusion targets for ``params`` (no fitting)."""
    return _Fixture(n_patients, seed).report(params)


def calibrate(
    start: ResponseParameters = DEFAULT_RESPONSE,
    n_patients: int = 3000,
    seed: int = 7,
    maxiter: int = 400,
) -> tuple[CalibrationReport, dict[str, Any]]:
    """Fit the six fitted parameters by Nelder-Mead; returns the report and the values."""
    fixture = _Fixture(n_patients, seed)

    def loss(theta: FloatArray) -> float:
        rep = fixture.report(with_fitted(start, _unpack(theta)))
        penalty = 400 * max(0.0, rep.effect_day11_over_peak - GONE_FRACTION) ** 2 * 100
        penalty += 10 * max(0.0, 0.5 - rep.peak_effect_day) ** 2
        penalty += 10 * max(0.0, rep.peak_effect_day - 2.0) ** 2
        return rep.rmse_percentage_points**2 + penalty

    result = minimize(
        loss, _pack(start), method="Nelder-Mead", options={"maxiter": maxiter, "xatol": 1e-3}
    )
    fitted = _unpack(result.x)
    return fixture.report(with_fitted(start, fitted)), fitted


if __name__ == "__main__":
    report, values = calibrate()
    print({k: round(v, 4) for k, v in values.items()})
    print(report.as_text())
