"""Dose calculation from weight, per-route hard limits with recorded overrides, titration.

Hard limits are the top of the published dose range for each route; a dose above one is
refused (`DoseAboveLimit`) unless an override with a reason and an authorising clinician
is given, and the override travels with the result for the record (DESIGN.md, Safety):

* IV racemic, depression: 0.75 mg/kg per session; 0.5 mg/kg is usual, some respond to
  0.1 mg/kg, others need up to 0.75 mg/kg (K1, K7).
* IV racemic, chronic pain: rate limit, the higher of 0.35 mg/kg/h and 22 mg/h, the two
  CRPS regimens in K15.
* IM racemic: 0.5 mg/kg, the highest dose studied (0.25-0.5 mg/kg, K5).
* Esketamine: 84 mg per session (3 devices), in whole 28 mg devices (S3, S6); US label
  doses are 56 or 84 mg (S3); 28 mg is the Hong Kong label start at age >= 65 (S7).
* At-home oral/sublingual: 7.0 mg/kg and 300 mg, the tops of the reported ranges (K2).

Rounding to a measurable amount uses `DosingSettings.measurable_step_mg`, a pharmacy
choice (syringe or tablet size), never rounding up across a limit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ketacare.clinical.errors import DoseAboveLimit, InvalidClinicalInput, LooseningWithoutReason
from ketacare.clinical.routes import Indication, Route

ESKETAMINE_DEVICE_MG = 28  # S3, S6: 28 mg per device (2 sprays)
ESKETAMINE_US_LABEL_DOSES_MG = (56, 84)  # S3
ESKETAMINE_AGE_65_START_MG = 28  # S7 (Hong Kong label, not US)


@dataclass(frozen=True)
class DoseLimit:
    max_mg_per_kg: float | None
    max_mg: float | None
    source: str
    why: str

    def max_for(self, weight_kg: float) -> float:
        limits = [x for x in (self.max_mg, (self.max_mg_per_kg or 0) * weight_kg) if x]
        return min(limits)


DOSE_LIMITS: dict[tuple[Route, Indication], DoseLimit] = {
    (Route.IV_RACEMIC, Indication.DEPRESSION): DoseLimit(
        0.75, None, "K1, K7", "highest IV dose reported for depression"
    ),
    (Route.IM_RACEMIC, Indication.DEPRESSION): DoseLimit(
        0.5, None, "K5", "highest IM dose studied"
    ),
    (Route.ESKETAMINE_NASAL, Indication.DEPRESSION): DoseLimit(
        None, 84, "S3", "label maximum: 84 mg = 3 devices"
    ),
    (Route.AT_HOME_SUBLINGUAL, Indication.DEPRESSION): DoseLimit(
        7.0, 300, "K2", "top of reported oral/sublingual ranges (0.25-7.0 mg/kg, 25-300 mg)"
    ),
}

CHRONIC_PAIN_RATE_MG_PER_KG_PER_H = 0.35  # K15 (CRPS, 4 h/day x 10 days)
CHRONIC_PAIN_RATE_MG_PER_H = 22.0  # K15 (CRPS, continuous x 4 days)


@dataclass(frozen=True)
class DoseOverride:
    """An authorised clinician's recorded decision to exceed a hard limit."""

    reason: str
    authorised_by: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise InvalidClinicalInput("override reason must be recorded")
        if not self.authorised_by.strip():
            raise InvalidClinicalInput("override authorised_by must name the clinician")


@dataclass(frozen=True)
class DosingSettings:
    measurable_step_mg: float = 1.0
    """Clinic's choice, not a clinical value: the smallest amount its syringes or tablets
    measure (default whole milligrams). Doses are rounded to the nearest step."""
    clinic_max_mg_per_kg: Mapping[Route, float] = field(default_factory=dict)
    """A clinic's own, stricter per-route ceiling. It may only tighten the sourced limit;
    exceeding the sourced limit is a per-dose decision (`DoseOverride`), never a setting."""

    def __post_init__(self) -> None:
        for route, ceiling in self.clinic_max_mg_per_kg.items():
            sourced = DOSE_LIMITS[(route, Indication.DEPRESSION)].max_mg_per_kg
            if sourced is None:
                raise InvalidClinicalInput(
                    f"clinic_max_mg_per_kg[{route}]: this route is dosed in mg, not mg/kg"
                )
            if not 0 < ceiling <= sourced:
                raise LooseningWithoutReason(
                    f"clinic_max_mg_per_kg[{route}] = {ceiling:g} must be above 0 and at most "
                    f"the sourced {sourced:g} mg/kg; exceed it only by a per-dose override"
                )

    def limit_mg(self, route: Route, weight_kg: float) -> tuple[float, str, str]:
        """The binding limit in mg for this patient, with its source and reason."""
        limit = DOSE_LIMITS[(route, Indication.DEPRESSION)]
        sourced = limit.max_for(weight_kg)
        ceiling = self.clinic_max_mg_per_kg.get(route)
        if ceiling is not None and ceiling * weight_kg < sourced:
            return ceiling * weight_kg, "clinic setting", f"clinic ceiling {ceiling:g} mg/kg"
        return sourced, limit.source, limit.why


@dataclass(frozen=True)
class DoseCalculation:
    route: Route
    weight_kg: float
    dose_mg: float
    dose_mg_per_kg: float
    unrounded_dose_mg: float
    limit_mg: float
    limit_source: str
    exceeds_limit: bool
    override: DoseOverride | None = None
    esketamine_devices: int | None = None
    notes: tuple[str, ...] = ()


def _check_weight(weight_kg: float) -> None:
    if not math.isfinite(weight_kg) or weight_kg <= 0:
        raise InvalidClinicalInput(f"weight_kg {weight_kg} must be a positive number")


def _round_to_step(dose_mg: float, step_mg: float, limit_mg: float) -> float:
    if step_mg <= 0:
        raise InvalidClinicalInput(f"measurable_step_mg {step_mg} must be positive")
    rounded = math.floor(dose_mg / step_mg + 0.5) * step_mg
    if rounded > limit_mg >= dose_mg:  # never round up across a limit
        rounded = math.floor(dose_mg / step_mg) * step_mg
    if rounded <= 0:
        raise InvalidClinicalInput(
            f"dose {dose_mg:g} mg rounds to 0 with measurable_step_mg {step_mg:g}"
        )
    return round(rounded, 6)


def _enforce(
    dose_mg: float, limit_mg: float, source: str, why: str, override: DoseOverride | None
) -> bool:
    if dose_mg <= limit_mg:
        return False
    if override is None:
        raise DoseAboveLimit(
            f"dose_mg {dose_mg:g} is above the {limit_mg:g} mg limit ({why}; {source}); "
            "an authorised override with a recorded reason is required"
        )
    return True


def _esketamine_dose(dose_mg: float, override: DoseOverride | None) -> DoseCalculation:
    devices, remainder = divmod(dose_mg, ESKETAMINE_DEVICE_MG)
    if remainder or dose_mg <= 0:
        raise InvalidClinicalInput(
            f"dose_mg {dose_mg:g}: esketamine is given in whole 28 mg devices (S3, S6)"
        )
    limit = DOSE_LIMITS[(Route.ESKETAMINE_NASAL, Indication.DEPRESSION)]
    exceeds = _enforce(dose_mg, limit.max_for(1), limit.source, limit.why, override)
    notes: tuple[str, ...] = ()
    if dose_mg == ESKETAMINE_AGE_65_START_MG:
        notes = (
            "28 mg is not a US-label dose (56 or 84 mg, S3); it is the Hong Kong "
            "label start for age 65 and over (S7)",
        )
    return DoseCalculation(
        Route.ESKETAMINE_NASAL,
        0.0,
        dose_mg,
        0.0,
        dose_mg,
        limit.max_for(1),
        limit.source,
        exceeds,
        override if exceeds else None,
        int(devices),
        notes,
    )


def calculate_dose(
    route: Route,
    *,
    weight_kg: float,
    dose_mg_per_kg: float | None = None,
    dose_mg: float | None = None,
    override: DoseOverride | None = None,
    settings: DosingSettings = DosingSettings(),
) -> DoseCalculation:
    """A session dose from weight (mg/kg) or a fixed amount (mg), checked against limits.

    Give exactly one of `dose_mg_per_kg` or `dose_mg`. Esketamine takes `dose_mg` in
    whole devices; weight is not used for it. Chronic-pain infusions are checked as
    rates with `check_infusion_rate`.
    """
    if (dose_mg_per_kg is None) == (dose_mg is None):
        raise InvalidClinicalInput("give exactly one of dose_mg_per_kg or dose_mg")
    if route is Route.ESKETAMINE_NASAL:
        if dose_mg is None:
            raise InvalidClinicalInput("dose_mg: esketamine is dosed in mg, not mg/kg (S3)")
        return _esketamine_dose(dose_mg, override)
    _check_weight(weight_kg)
    unrounded = dose_mg if dose_mg is not None else (dose_mg_per_kg or 0.0) * weight_kg
    if unrounded <= 0 or not math.isfinite(unrounded):
        raise InvalidClinicalInput(f"dose {unrounded:g} mg must be a positive number")
    limit_mg, source, why = settings.limit_mg(route, weight_kg)
    rounded = _round_to_step(unrounded, settings.measurable_step_mg, limit_mg)
    exceeds = _enforce(rounded, limit_mg, source, why, override)
    return DoseCalculation(
        route,
        weight_kg,
        rounded,
        round(rounded / weight_kg, 4),
        unrounded,
        limit_mg,
        source,
        exceeds,
        override if exceeds else None,
    )


def check_infusion_rate(
    *, weight_kg: float, rate_mg_per_h: float, override: DoseOverride | None = None
) -> bool:
    """Refuse a chronic-pain infusion rate above both K15 CRPS regimens; True if overridden."""
    _check_weight(weight_kg)
    limit = max(CHRONIC_PAIN_RATE_MG_PER_KG_PER_H * weight_kg, CHRONIC_PAIN_RATE_MG_PER_H)
    return _enforce(rate_mg_per_h, limit, "K15", "chronic-pain infusion rate (mg/h)", override)


# --- titration -----------------------------------------------------------------------


class ResponseSoFar(StrEnum):
    NONE = "no response"
    PARTIAL = "partial response"
    RESPONSE = "response"


class Tolerability(StrEnum):
    WELL_TOLERATED = "well tolerated"
    POORLY_TOLERATED = "poorly tolerated"


class TitrationAction(StrEnum):
    KEEP = "keep dose"
    INCREASE = "increase"
    DECREASE = "decrease"
    REVIEW = "clinician review"


@dataclass(frozen=True)
class TitrationSuggestion:
    action: TitrationAction
    suggested_dose_mg: float | None
    reason: str
    source: str


# Published dose ranges per route, in mg/kg (lowest, highest).
DOSE_RANGES_MG_PER_KG: dict[Route, tuple[float, float, str]] = {
    Route.IV_RACEMIC: (0.1, 0.75, "K1"),
    Route.IM_RACEMIC: (0.25, 0.5, "K5"),
    Route.AT_HOME_SUBLINGUAL: (0.25, 7.0, "K2"),
}


def _esketamine_titration(
    last_dose_mg: float, response: ResponseSoFar, tolerability: Tolerability
) -> TitrationSuggestion:
    low, high = ESKETAMINE_US_LABEL_DOSES_MG
    if tolerability is Tolerability.POORLY_TOLERATED:
        if last_dose_mg > low:
            return TitrationSuggestion(TitrationAction.DECREASE, low, "poorly tolerated", "S3")
        return TitrationSuggestion(
            TitrationAction.REVIEW, None, "poorly tolerated at the lowest US-label dose", "S3"
        )
    if response is ResponseSoFar.RESPONSE:
        return TitrationSuggestion(TitrationAction.KEEP, last_dose_mg, "responding", "S3, S4")
    if last_dose_mg < high:
        # One device at a time: 56 -> 84 (S3); from the age >= 65 start, 28 -> 56 (S7).
        step_up = min(last_dose_mg + ESKETAMINE_DEVICE_MG, high)
        source = "S3" if last_dose_mg >= low else "S7, S3"
        return TitrationSuggestion(
            TitrationAction.INCREASE,
            step_up,
            "tolerated without full response: up one 28 mg device (28/56/84 mg)",
            source,
        )
    return TitrationSuggestion(
        TitrationAction.REVIEW,
        None,
        "no full response at 84 mg: evaluate benefit (end of induction)",
        "S3",
    )


def suggest_titration(
    route: Route,
    *,
    last_dose_mg: float,
    weight_kg: float,
    response: ResponseSoFar,
    tolerability: Tolerability,
    step_mg_per_kg: float | None = None,
) -> TitrationSuggestion:
    """Next-dose suggestion from the last dose's response and tolerability.

    Esketamine moves between the label's 56 and 84 mg (S3), one device at a time, so a
    28 mg start (Hong Kong label, age >= 65, S7) steps to 56 mg, not 84. Weight-based routes move
    within the published range of the route (DOSE_RANGES_MG_PER_KG); the size of one step
    is a clinic's choice (`step_mg_per_kg`, unsourced). Without it, the direction is
    suggested and the dose is left to the clinician. A suggestion is never a dose
    above the route's hard limit.
    """
    if route is Route.ESKETAMINE_NASAL:
        return _esketamine_titration(last_dose_mg, response, tolerability)
    _check_weight(weight_kg)
    lowest, highest, source = DOSE_RANGES_MG_PER_KG[route]
    limit_mg = DOSE_LIMITS[(route, Indication.DEPRESSION)].max_for(weight_kg)
    top_mg = min(highest * weight_kg, limit_mg)
    bottom_mg = lowest * weight_kg
    step_mg = step_mg_per_kg * weight_kg if step_mg_per_kg else None
    if tolerability is Tolerability.POORLY_TOLERATED:
        if last_dose_mg <= bottom_mg:
            return TitrationSuggestion(
                TitrationAction.REVIEW,
                None,
                "poorly tolerated at the lowest published dose",
                source,
            )
        dose = max(bottom_mg, last_dose_mg - step_mg) if step_mg else None
        return TitrationSuggestion(TitrationAction.DECREASE, dose, "poorly tolerated", source)
    if response is ResponseSoFar.RESPONSE:
        return TitrationSuggestion(TitrationAction.KEEP, last_dose_mg, "responding", source)
    if last_dose_mg >= top_mg:
        return TitrationSuggestion(
            TitrationAction.REVIEW,
            None,
            "no full response at the top of the published range",
            f"{source}, K7",
        )
    dose = min(top_mg, last_dose_mg + step_mg) if step_mg else None
    return TitrationSuggestion(
        TitrationAction.INCREASE, dose, "tolerated without full response", source
    )
