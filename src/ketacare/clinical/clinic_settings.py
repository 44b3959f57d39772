"""Clinic-level settings for session monitoring, and the rule that guards them.

A clinic may tighten any default (a lower blood-pressure threshold, a longer
observation), but loosening a sourced default needs a recorded reason (issue 4,
DESIGN.md "Safety rules"). Each guarded field declares which direction is tighter;
`loosened_fields` lists the loosened ones so the audit log can record them with the
reason. The deterioration limits (NEWS2, N1) and the sedation alert (N3) may never be
loosened, not even with a reason: clinical.md 2d lets a clinic set stricter limits only.

Fields defaulting to None are clinic choices with no public source: the rules skip the
check they drive and say so in their notes, instead of using an invented number.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from ketacare.clinical import news2
from ketacare.clinical.errors import InvalidClinicalInput, LooseningRefused, LooseningWithoutReason
from ketacare.clinical.vitals import BloodPressure

LOWER_IS_TIGHTER = "lower"
HIGHER_IS_TIGHTER = "higher"
ONLY_DEFAULT_IS_SOURCED = "exact"
"""For a timed check (the ~40 min BP at Cmax): moving it either way misses the peak."""


def guarded(default: Any, tighter: str, source: str) -> Any:
    """A dataclass field whose default is sourced and may only be loosened with a reason."""
    return field(default=default, metadata={"tighter": tighter, "source": source})


def never_looser(default: Any, tighter: str, source: str) -> Any:
    """A sourced limit a clinic may tighten but never loosen (clinical.md 2d)."""
    return field(
        default=default, metadata={"tighter": tighter, "source": source, "never_looser": True}
    )


def stricter_only_fields() -> tuple[str, ...]:
    """The limits a clinic's settings page offers: every one may only be tightened."""
    return tuple(f.name for f in fields(MonitoringSettings) if f.metadata.get("never_looser"))


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
    forbidden = [
        f for f in fields(settings) if f.name in loosened and f.metadata.get("never_looser")
    ]
    if forbidden:
        f = forbidden[0]
        raise LooseningRefused(
            f"{f.name} {getattr(settings, f.name)} is looser than the default {f.default} "
            f"({f.metadata['source']}); a clinic may only set a stricter limit"
        )
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
    sedation_alert_at_or_below_moaas: int = never_looser(3, HIGHER_IS_TIGHTER, "N3")
    """MOAA/S <= 3 is moderate or greater sedation, an alert (N3); a clinic may alert at
    lighter sedation (4), never only at deeper."""
    at_home_sitter_check_every_minutes: int = guarded(15, LOWER_IS_TIGHTER, "H1")
    at_home_check_in_grace_minutes: int = guarded(0, LOWER_IS_TIGHTER, "H1")
    """Minutes past the sitter's interval before a missing check-in is escalated. H1 asks for
    a check at least every 15 min, so none by default; a clinic may allow a few minutes (to
    reach the phone), which loosens H1 and so needs a recorded reason."""
    discharge_min_moaas: int = guarded(5, HIGHER_IS_TIGHTER, "N3")
    """Discharge needs MOAA/S 5 or the clinic's documented criterion (N3): lowering it needs
    a recorded reason."""

    # In-session and pre-dose deterioration limits: the NEWS2 bands scoring 3 (N1). A
    # reading at or beyond a limit alerts on its own; the aggregate triggers follow.
    respiration_alert_at_or_below_per_min: int = never_looser(8, HIGHER_IS_TIGHTER, "N1")
    respiration_alert_at_or_above_per_min: int = never_looser(25, LOWER_IS_TIGHTER, "N1")
    spo2_alert_at_or_below_percent: int = never_looser(91, HIGHER_IS_TIGHTER, "N1")
    systolic_alert_at_or_below_mmhg: int = never_looser(90, HIGHER_IS_TIGHTER, "N1")
    pulse_alert_at_or_below_bpm: int = never_looser(40, HIGHER_IS_TIGHTER, "N1")
    pulse_alert_at_or_above_bpm: int = never_looser(131, LOWER_IS_TIGHTER, "N1")
    temperature_alert_at_or_below_c: float = never_looser(35.0, HIGHER_IS_TIGHTER, "N1")
    news2_urgent_at_or_above: int = never_looser(news2.URGENT_AGGREGATE, LOWER_IS_TIGHTER, "N1, N2")
    """Aggregate NEWS2 5-6: urgent review by a clinician (N1, N2)."""
    news2_emergency_at_or_above: int = never_looser(
        news2.EMERGENCY_AGGREGATE, LOWER_IS_TIGHTER, "N1, N2"
    )
    """Aggregate NEWS2 >= 7: emergency response, continuous monitoring (N1, N2)."""

    im_min_observation_minutes: int | None = None
    """Clinic's choice, not sourced: no IM observation time is published in clinical.md."""
    loosening_reason: str | None = None
    """Recorded reason for any loosened default (required if one is loosened)."""

    def __post_init__(self) -> None:
        refuse_unexplained_loosening(self, self.loosening_reason)
        for name in ("discharge_min_moaas", "sedation_alert_at_or_below_moaas"):
            if not 0 <= getattr(self, name) <= 5:
                raise InvalidClinicalInput(
                    f"{name} {getattr(self, name)} must be within 0-5 (MOAA/S)"
                )
        for low, high in (
            ("respiration_alert_at_or_below_per_min", "respiration_alert_at_or_above_per_min"),
            ("pulse_alert_at_or_below_bpm", "pulse_alert_at_or_above_bpm"),
            ("news2_urgent_at_or_above", "news2_emergency_at_or_above"),
        ):
            if getattr(self, low) >= getattr(self, high):
                raise InvalidClinicalInput(
                    f"{low} {getattr(self, low)} must be below {high} {getattr(self, high)}"
                )
        if self.at_home_check_in_grace_minutes < 0:
            raise InvalidClinicalInput("at_home_check_in_grace_minutes must not be negative")
        review, hold = self.bp_review_above, self.bp_hold_above
        if review.systolic_mmhg > hold.systolic_mmhg or review.diastolic_mmhg > hold.diastolic_mmhg:
            raise LooseningWithoutReason(
                f"bp_review_above {review} must not be above bp_hold_above {hold}"
            )


DEFAULT_MONITORING = MonitoringSettings()
