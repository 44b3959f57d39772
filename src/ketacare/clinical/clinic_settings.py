"""Clinic-level settings for session monitoring, and the rule that guards them.

A clinic may tighten any default (a lower blood-pressure threshold, a longer
observation), but loosening a sourced default needs a recorded reason (issue 4,
DESIGN.md "Safety rules"). Each guarded field declares which direction is tighter;
`loosened_fields` lists the loosened ones so the audit log can record them with the
reason.

Fields defaulting to None are clinic choices with no public source: the rules skip the
check they drive and say so in their notes, instead of using an invented number.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from ketacare.clinical.errors import InvalidClinicalInput, LooseningWithoutReason
from ketacare.clinical.vitals import BloodPressure

LOWER_IS_TIGHTER = "lower"
HIGHER_IS_TIGHTER = "higher"
ONLY_DEFAULT_IS_SOURCED = "exact"
"""For a timed check (the ~40 min BP at Cmax): moving it either way misses the peak."""


def guarded(default: Any, tighter: str, source: str) -> Any:
    """A dataclass field whose default is sourced and may only be loosened with a reason."""
    return field(default=default, metadata={"tighter": tighter, "source": source})


def _is_looser(value: Any, default: Any, tighter: str) -> bool:
    if isinstance(value, BloodPressure):
        pairs = [
            (value.systolic_mmhg, default.systolic_mmhg),
            (value.diastolic_mmhg, default.diastolic_mmhg),
        ]
    else:
        pairs = [(value, default)]
    if tighter == ONLY_DEFAULT_IS_SOURCED:
        return bool(value != default)
    if tighter == LOWER_IS_TIGHTER:
        return any(v > d for v, d in pairs)
    return any(v < d for v, d in pairs)


def loosened_fields(settings: Any) -> tuple[str, ...]:
    """Names of guarded fields set looser than their sourced default."""
    return tuple(
        f.name
        for f in fields(settings)
        if "tighter" in f.metadata
        and _is_looser(getattr(settings, f.name), f.default, f.metadata["tighter"])
    )


def refuse_unexplained_loosening(settings: Any, reason: str | None) -> None:
    loosened = loosened_fields(settings)
    if loosened and not (reason and reason.strip()):
        names = ", ".join(loosened)
        raise LooseningWithoutReason(
            f"{type(settings).__name__}: {names} looser than the sourced default; "
            "record a loosening_reason to do this"
        )


@dataclass(frozen=True)
class MonitoringSettings:
    """Session-monitoring thresholds of one clinic; defaults are the sourced values."""

    bp_review_above: BloodPressure = guarded(BloodPressure(140, 90), LOWER_IS_TIGHTER, "S1 §5.6")
    """Pre-dose BP above this: weigh delaying the dose (label)."""
    bp_hold_above: BloodPressure = guarded(BloodPressure(180, 100), LOWER_IS_TIGHTER, "K18")
    """BP above this: no dose (uncontrolled hypertension at rest, ketamine SmPC CH)."""
    bp_rise_alert_systolic_mmhg: int = guarded(40, LOWER_IS_TIGHTER, "S5")
    """Systolic rise from pre-dose that alerts: the label's notable rise (8-19% of patients)."""
    bp_rise_alert_diastolic_mmhg: int = guarded(25, LOWER_IS_TIGHTER, "S5")
    esketamine_min_observation_minutes: int = guarded(120, HIGHER_IS_TIGHTER, "S1 §5.1-5.2")
    esketamine_bp_check_minute: int = guarded(40, ONLY_DEFAULT_IS_SOURCED, "S1 §5.6, S4")
    """BP about 40 minutes after dosing, at the expected peak (Cmax); moving it earlier
    or later misses the peak, so any change needs a recorded reason."""
    infusion_vitals_every_minutes: int = guarded(10, LOWER_IS_TIGHTER, "K9, K10")
    after_infusion_vitals_every_minutes: int = guarded(15, LOWER_IS_TIGHTER, "K9")
    iv_recovery_minutes: int = guarded(60, HIGHER_IS_TIGHTER, "K21")
    """Observation after the infusion ends; K21 reports 30-60 min, the stricter end is used."""
    sedation_alert_at_or_below_moaas: int = guarded(0, HIGHER_IS_TIGHTER, "S1 §5.1-5.2, S5")
    """MOAA/S 0 is loss of consciousness; a clinic may alert at lighter sedation."""
    at_home_sitter_check_every_minutes: int = guarded(15, LOWER_IS_TIGHTER, "H1")
    discharge_min_moaas: int = guarded(5, HIGHER_IS_TIGHTER, "clinic setting (derived)")
    """Not sourced: clinical.md gives only MOAA/S 0 (loss of consciousness). The default
    is the top of the 0-5 scale, fully alert; lowering it needs a recorded reason."""

    im_min_observation_minutes: int | None = None
    """Clinic's choice, not sourced: no IM observation time is published in clinical.md."""
    spo2_minimum_percent: int | None = None
    """Clinic's choice, not sourced: S4/S9 require pulse oximetry but give no threshold."""
    heart_rate_min_bpm: int | None = None
    """Clinic's choice, not sourced: no heart-rate limit is given in clinical.md."""
    heart_rate_max_bpm: int | None = None
    """Clinic's choice, not sourced: no heart-rate limit is given in clinical.md."""
    loosening_reason: str | None = None
    """Recorded reason for any loosened default (required if one is loosened)."""

    def __post_init__(self) -> None:
        refuse_unexplained_loosening(self, self.loosening_reason)
        for name in ("discharge_min_moaas", "sedation_alert_at_or_below_moaas"):
            if not 0 <= getattr(self, name) <= 5:
                raise InvalidClinicalInput(
                    f"{name} {getattr(self, name)} must be within 0-5 (MOAA/S)"
                )
        review, hold = self.bp_review_above, self.bp_hold_above
        if review.systolic_mmhg > hold.systolic_mmhg or review.diastolic_mmhg > hold.diastolic_mmhg:
            raise LooseningWithoutReason(
                f"bp_review_above {review} must not be above bp_hold_above {hold}"
            )


DEFAULT_MONITORING = MonitoringSettings()
