"""NEWS2, the National Early Warning Score 2 (Royal College of Physicians 2017, source N1).

No ketamine-specific limit is published for SpO2, pulse, low blood pressure, breathing rate
or temperature (clinical.md 2b, 2c), so the general-medicine standard judges every reading
(clinical.md 2d). Each parameter scores 0-3; the response follows the aggregate and any
single parameter scoring 3 (N1, N2).

Consciousness: NEWS2 scores 3 for anything but "alert". In a ketamine session sedation is
the drug's expected effect and a more specific rule is sourced (N3: MOAA/S 4 = mild
sedation, MOAA/S <= 3 = moderate or greater sedation), so a MOAA/S at or below the
clinic's sedation alert level (default 3) scores 3 and a lighter one scores 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ketacare.clinical.vitals import VitalSigns


class News2Response(StrEnum):
    ROUTINE = "routine monitoring"
    URGENT = "urgent review by a clinician"
    EMERGENCY = "emergency response, continuous monitoring"


# Band edges of the N1 chart, scale 1 (SpO2 scale 2 is only for documented hypercapnic
# respiratory failure, chosen by a clinician: not offered).
def respiration_score(rate: int) -> int:
    """<=8: 3, 9-11: 1, 12-20: 0, 21-24: 2, >=25: 3 (N1)."""
    if rate <= 8 or rate >= 25:
        return 3
    if rate >= 21:
        return 2
    return 1 if rate <= 11 else 0


def spo2_score(percent: int) -> int:
    """<=91: 3, 92-93: 2, 94-95: 1, >=96: 0 (N1, scale 1)."""
    if percent <= 91:
        return 3
    if percent <= 93:
        return 2
    return 1 if percent <= 95 else 0


def oxygen_score(on_supplemental_oxygen: bool) -> int:
    """Air: 0, oxygen: 2 (N1)."""
    return 2 if on_supplemental_oxygen else 0


def systolic_score(systolic_mmhg: int) -> int:
    """<=90: 3, 91-100: 2, 101-110: 1, 111-219: 0, >=220: 3 (N1)."""
    if systolic_mmhg <= 90 or systolic_mmhg >= 220:
        return 3
    if systolic_mmhg <= 100:
        return 2
    return 1 if systolic_mmhg <= 110 else 0


def pulse_score(bpm: int) -> int:
    """<=40: 3, 41-50: 1, 51-90: 0, 91-110: 1, 111-130: 2, >=131: 3 (N1)."""
    if bpm <= 40 or bpm >= 131:
        return 3
    if bpm >= 111:
        return 2
    return 1 if bpm <= 50 or bpm >= 91 else 0


def temperature_score(celsius: float) -> int:
    """<=35.0: 3, 35.1-36.0: 1, 36.1-38.0: 0, 38.1-39.0: 1, >=39.1: 2 (N1).

    Readings are compared at one decimal, the chart's resolution."""
    tenths = round(celsius * 10)
    if tenths <= 350:
        return 3
    if tenths >= 391:
        return 2
    return 1 if tenths <= 360 or tenths >= 381 else 0


def consciousness_score(moaas: int, sedation_alert_at_or_below_moaas: int = 3) -> int:
    """3 at moderate or greater sedation (MOAA/S <= 3, N3), else 0 (see module note)."""
    return 3 if moaas <= sedation_alert_at_or_below_moaas else 0


URGENT_AGGREGATE = 5  # N1, N2: aggregate 5-6, or a single parameter scoring 3
EMERGENCY_AGGREGATE = 7  # N1, N2: aggregate >= 7


@dataclass(frozen=True)
class News2Score:
    """The NEWS2 of one reading. `missing` names the parameters not recorded: the aggregate
    then counts only what was measured, and the page says it is partial."""

    parameters: dict[str, int]
    missing: tuple[str, ...]

    @property
    def aggregate(self) -> int:
        return sum(self.parameters.values())

    @property
    def any_parameter_scores_3(self) -> bool:
        return any(score == 3 for score in self.parameters.values())

    def response(
        self, urgent_at: int = URGENT_AGGREGATE, emergency_at: int = EMERGENCY_AGGREGATE
    ) -> News2Response:
        """The N1/N2 response; a clinic may lower the aggregate triggers (stricter)."""
        if self.aggregate >= emergency_at:
            return News2Response.EMERGENCY
        if self.aggregate >= urgent_at or self.any_parameter_scores_3:
            return News2Response.URGENT
        return News2Response.ROUTINE


def news2(
    vitals: VitalSigns, moaas: int | None = None, *, sedation_alert_at_or_below_moaas: int = 3
) -> News2Score:
    """Score every recorded parameter of one reading (N1)."""
    measured: dict[str, int | float | None] = {
        "respiration rate": vitals.respiratory_rate_per_min,
        "SpO2": vitals.spo2_percent,
        "pulse": vitals.heart_rate_bpm,
        "consciousness": moaas,
        "temperature": vitals.temperature_c,
    }
    scores: dict[str, int] = {
        "systolic BP": systolic_score(vitals.systolic_mmhg),
        "air or oxygen": oxygen_score(vitals.on_supplemental_oxygen),
    }
    if vitals.respiratory_rate_per_min is not None:
        scores["respiration rate"] = respiration_score(vitals.respiratory_rate_per_min)
    if vitals.spo2_percent is not None:
        scores["SpO2"] = spo2_score(vitals.spo2_percent)
    if vitals.heart_rate_bpm is not None:
        scores["pulse"] = pulse_score(vitals.heart_rate_bpm)
    if moaas is not None:
        scores["consciousness"] = consciousness_score(moaas, sedation_alert_at_or_below_moaas)
    if vitals.temperature_c is not None:
        scores["temperature"] = temperature_score(vitals.temperature_c)
    missing = tuple(name for name, value in measured.items() if value is None)
    return News2Score(scores, missing)
