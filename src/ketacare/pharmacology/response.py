"""Antidepressant response: NMDA block -> plasticity signal -> plasticity -> MADRS score.

A mechanistic-but-simple model (no calibrated human QSP model exists: domain file §4):

1. Exposure. NMDA receptor occupancy from the effect-site concentration, Hill model with
   ketamine Ki 2 uM, n 1.4 and norketamine Ki 17 uM, n 1.2 (research code [P26];
   unpublished, so treat as indicative). Both bind the same site:
   x = (C/Ki)^n + (Cnor/Ki_nor)^n_nor, occupancy = x / (1 + x).
2. Signal S (glutamate surge -> BDNF release), a first-order follower of occupancy that
   rises and falls within hours: dS/dt = ks (occupancy - S).
3. Plasticity P (synaptogenesis), driven by S and lost over days: dP/dt = S - kd P,
   scaled so the typical patient's peak after 0.5 mg/kg over 40 min is 1.
4. Score. Drug effect E = Emax_i P^h / (P^h + P50^h) lowers the baseline MADRS score;
   a non-specific improvement (expectancy, care, regression to the mean) rises to
   a fitted fraction over days; observed scores add measurement noise:
   MADRS(t) = baseline_i (1 - E) (1 - nonspecific(t)) + noise.

Patients differ in baseline, sensitivity (Emax_i, logit-normal) and plasticity decay
(kd_i, log-normal), on top of their PK variability. Steps 1 and 4 are nonlinear, steps
2-3 are linear ODEs integrated exactly for an input held constant over each grid step.

The FITTED values come from :func:`ketacare.pharmacology.calibration.calibrate`, fitted
only to the pooled single-infusion response/remission table [P28] and the meta-analytic
time course (peak day 1, effect gone by days 10-12) [P27]. Every other value is an
ASSUMPTION exposed here with its default; none is a silent constant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ketacare.pharmacology.models import FloatArray

KETAMINE_G_PER_MOL = 237.73  # C13H16ClNO (chemistry, not a clinical parameter)
NORKETAMINE_G_PER_MOL = 223.70  # C12H14ClNO
H_PER_DAY = 24.0
MIN_PER_DAY = 1440.0


@dataclass(frozen=True)
class ResponseParameters:
    """All settings of the response model; see the module docstring for the structure."""

    # [P26] NMDA occupancy (research code, unpublished)
    ketamine_ki_um: float = 2.0
    ketamine_hill: float = 1.4
    norketamine_ki_um: float = 17.0
    norketamine_hill: float = 1.2
    # ASSUMPTION: S-ketamine binds NMDA ~2x as strongly as the racemate (the R-enantiomer
    # is the weaker one); applied to esketamine concentrations. Unsourced in the domain file.
    esketamine_potency_ratio: float = 2.0
    # ASSUMPTION: the glutamate/BDNF signal follows occupancy with a 3-h half-life, so the
    # effect starts within the first hour (P27: from 40 min) and peaks around day 1.
    signal_half_life_h: float = 3.0
    # FITTED (2026-11-25, calibration.calibrate, RMSE 7.8 points): median half-life of
    # plasticity loss (days) and its between-patient CV.
    plasticity_half_life_days: float = 2.231
    plasticity_half_life_cv: float = 0.905
    # ASSUMPTION: plasticity at half effect, relative to the single-infusion peak; < 1
    # means repeated infusions saturate (more doses prolong rather than deepen relief).
    plasticity_p50: float = 0.5
    plasticity_hill: float = 1.5  # ASSUMPTION
    # FITTED: maximal fractional score reduction, logit-normal across patients (the large
    # SD makes patients nearly all-or-none: drug responders and non-responders).
    emax_logit_mean: float = 0.355
    emax_logit_sd: float = 6.556
    # FITTED: non-specific improvement (fraction of baseline) and its rise half-life.
    nonspecific_max_fraction: float = 0.4396
    nonspecific_half_life_days: float = 1.134
    # ASSUMPTION: treatment-resistant trial populations enter with MADRS ~32 +/- 6.
    baseline_madrs_mean: float = 32.0
    baseline_madrs_sd: float = 6.0
    # ASSUMPTION: baselines are clipped to 20-60 (trial entry needs at least moderate
    # depression; 60 is the scale maximum).
    baseline_madrs_min: float = 20.0
    # ASSUMPTION: test-retest noise of a MADRS rating (points, SD).
    measurement_sd_madrs: float = 3.0
    # Response: >= 50% reduction from baseline (clinical.md T4); remission MADRS < 10
    # (clinical.md Q6; ASPIRE/SUSTAIN-3 use <= 12, pass 12 to use that).
    response_fraction: float = 0.5
    remission_madrs_max: float = 9.0
    # ASSUMPTION: relapse = loss of response (score back above 50% of baseline).

    def __post_init__(self) -> None:
        for name in (
            "ketamine_ki_um",
            "ketamine_hill",
            "signal_half_life_h",
            "plasticity_half_life_days",
            "plasticity_p50",
            "nonspecific_half_life_days",
            "baseline_madrs_mean",
        ):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be > 0; got {value!r}")
        if not 0 <= self.nonspecific_max_fraction < 1:
            raise ValueError("nonspecific_max_fraction must be within 0-1")


DEFAULT_RESPONSE = ResponseParameters()


@dataclass(frozen=True)
class PatientResponseTraits:
    """Per-patient draws, shape (P,) each."""

    baseline_madrs: FloatArray
    emax: FloatArray
    plasticity_kd_per_day: FloatArray


def draw_traits(
    rng: np.random.Generator, n: int, params: ResponseParameters = DEFAULT_RESPONSE
) -> PatientResponseTraits:
    """Baseline, sensitivity and plasticity decay of ``n`` patients."""
    raw = rng.normal(params.baseline_madrs_mean, params.baseline_madrs_sd, n)
    baseline = np.clip(raw, params.baseline_madrs_min, 60.0)
    emax = 1.0 / (
        1.0 + np.exp(-(params.emax_logit_mean + params.emax_logit_sd * rng.normal(size=n)))
    )
    cv = params.plasticity_half_life_cv
    omega = math.sqrt(math.log1p(cv * cv))
    half_life = params.plasticity_half_life_days * np.exp(rng.normal(0.0, omega, n))
    return PatientResponseTraits(baseline, emax, math.log(2) / half_life)


def nmda_occupancy(
    conc_ng_ml: FloatArray,
    *,
    esketamine: bool = False,
    metabolite_ng_ml: FloatArray | None = None,
    params: ResponseParameters = DEFAULT_RESPONSE,
) -> FloatArray:
    """Fraction of NMDA receptors blocked (0-1) at effect-site concentrations [P26]."""
    um = np.maximum(conc_ng_ml, 0.0) / KETAMINE_G_PER_MOL
    if esketamine:
        um = um * params.esketamine_potency_ratio
    x = (um / params.ketamine_ki_um) ** params.ketamine_hill
    if metabolite_ng_ml is not None:
        nor = np.maximum(metabolite_ng_ml, 0.0) / NORKETAMINE_G_PER_MOL
        x = x + (nor / params.norketamine_ki_um) ** params.norketamine_hill
    return np.asarray(x / (1.0 + x))


def plasticity(
    occupancy: FloatArray,
    dt_min: float,
    kd_per_day: FloatArray,
    params: ResponseParameters = DEFAULT_RESPONSE,
) -> FloatArray:
    """Unscaled plasticity P (patients, T) from occupancy sampled every ``dt_min``.

    Occupancy is held constant over each step; S and P are then updated exactly.
    """
    n_pat, n_t = occupancy.shape
    ks = math.log(2) / (params.signal_half_life_h * 60.0)
    kd = np.asarray(kd_per_day, dtype=np.float64) / MIN_PER_DAY
    es = math.exp(-ks * dt_min)
    ed = np.exp(-kd * dt_min)
    # exact response of P over one step to S(t) = S0 e^{-ks t} + u (1 - e^{-ks t})
    g_u = (1 - ed) / kd - (ed - es) / (ks - kd)
    g_s = (ed - es) / (ks - kd)
    s = np.zeros(n_pat)
    p = np.zeros(n_pat)
    out = np.empty((n_pat, n_t))
    out[:, 0] = 0.0
    for k in range(n_t - 1):
        u = occupancy[:, k]
        p = p * ed + g_u * u + g_s * s
        s = s * es + u * (1 - es)
        out[:, k + 1] = p
    return out


def drug_effect(
    plasticity_scaled: FloatArray, emax: FloatArray, params: ResponseParameters = DEFAULT_RESPONSE
) -> FloatArray:
    """Fractional score reduction from plasticity (1 = single-infusion peak)."""
    h = params.plasticity_hill
    ph = np.maximum(plasticity_scaled, 0.0) ** h
    return np.asarray(emax[:, None] * ph / (ph + params.plasticity_p50**h))


def nonspecific(days: FloatArray, params: ResponseParameters = DEFAULT_RESPONSE) -> FloatArray:
    """Non-specific improvement fraction, rising from the first dose."""
    k = math.log(2) / params.nonspecific_half_life_days
    return np.asarray(params.nonspecific_max_fraction * (1 - np.exp(-k * np.maximum(days, 0.0))))


def madrs(
    traits: PatientResponseTraits,
    effect: FloatArray,
    days: FloatArray,
    params: ResponseParameters = DEFAULT_RESPONSE,
) -> FloatArray:
    """Noise-free MADRS score (patients, T)."""
    return np.asarray(
        traits.baseline_madrs[:, None] * (1 - effect) * (1 - nonspecific(days, params))[None, :]
    )


def with_fitted(params: ResponseParameters, values: dict[str, float]) -> ResponseParameters:
    """A copy of ``params`` with fitted values replaced (used by the calibration)."""
    return replace(params, **values)
