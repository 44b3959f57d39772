"""In-session alerts: every reading judged against the clinic's limits, whose defaults are
the NEWS2 bands (N1, N2), the sedation rule (N3) and the blood-pressure limits (K18, S5).

An alert states the reading against the limit it crossed, and what the protocol expects
next with its source: hold dosing (K14 for sedation, K18 for the BP hold limit), call the
prescriber, who is onsite during dosing and monitoring (S9, S10), and recheck at the
schedule's interval (K9, K10), or monitor continuously at an emergency score (N1, N2).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ketacare.clinical.clinic_settings import DEFAULT_MONITORING, MonitoringSettings
from ketacare.clinical.news2 import News2Response, news2
from ketacare.clinical.vitals import BloodPressure, VitalSigns


class AlertKind(StrEnum):
    BP_ABOVE_HOLD = "BP above hold limit"
    BP_RISE = "BP rise"
    SPO2_LOW = "SpO2 below threshold"
    HEART_RATE = "heart rate outside limits"
    RESPIRATION = "respiration rate outside limits"
    LOW_SYSTOLIC = "low systolic BP"
    LOW_TEMPERATURE = "low temperature"
    EXCESSIVE_SEDATION = "excessive sedation"
    NEWS2_URGENT = "NEWS2 urgent review"
    NEWS2_EMERGENCY = "NEWS2 emergency"


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    message: str
    """The reading against the limit it crossed."""
    source: str
    action: str = ""
    """What the protocol expects next, with its sources."""

    @property
    def is_emergency(self) -> bool:
        return self.kind is AlertKind.NEWS2_EMERGENCY


def recheck_minutes(settings: MonitoringSettings, *, during_infusion: bool) -> int:
    """The schedule's interval: every 10 min during an infusion (K9, K10), 15 after (K9)."""
    if during_infusion:
        return settings.infusion_vitals_every_minutes
    return settings.after_infusion_vitals_every_minutes


def _urgent(recheck: int) -> str:
    return (
        "Urgent review: call the prescriber (N1, N2; onsite during dosing, S9, S10); "
        f"recheck in {recheck} min (K9)."
    )


def _hold(recheck: int, why: str) -> str:
    return (
        f"Hold dosing: pause or stop the infusion ({why}); call the prescriber (S9, S10); "
        f"recheck in {recheck} min (K9)."
    )


EMERGENCY_ACTION = (
    "Emergency response: stop dosing, call the prescriber now and monitor continuously (N1, N2)."
)


def bp_above_message(current: VitalSigns, limit: BloodPressure, what: str) -> str:
    """Names the number that crossed the limit: a diastolic-only breach says diastolic."""
    over = []
    if current.systolic_mmhg > limit.systolic_mmhg:
        over.append(f"systolic {current.systolic_mmhg} above {limit.systolic_mmhg}")
    if current.diastolic_mmhg > limit.diastolic_mmhg:
        over.append(f"diastolic {current.diastolic_mmhg} above {limit.diastolic_mmhg}")
    return f"BP {current.blood_pressure}: {' and '.join(over)} mmHg ({what} {limit})"


def _single_parameter_alerts(
    vitals: VitalSigns, moaas: int | None, s: MonitoringSettings, recheck: int
) -> list[Alert]:
    urgent = _urgent(recheck)
    found: list[Alert] = []
    rate = vitals.respiratory_rate_per_min
    if rate is not None and rate <= s.respiration_alert_at_or_below_per_min:
        msg = f"respiration rate {rate}/min at or below {s.respiration_alert_at_or_below_per_min}"
        found.append(Alert(AlertKind.RESPIRATION, msg, "N1", urgent))
    elif rate is not None and rate >= s.respiration_alert_at_or_above_per_min:
        msg = f"respiration rate {rate}/min at or above {s.respiration_alert_at_or_above_per_min}"
        found.append(Alert(AlertKind.RESPIRATION, msg, "N1", urgent))
    spo2 = vitals.spo2_percent
    if spo2 is not None and spo2 <= s.spo2_alert_at_or_below_percent:
        msg = f"SpO2 {spo2}% at or below {s.spo2_alert_at_or_below_percent}%"
        found.append(Alert(AlertKind.SPO2_LOW, msg, "N1", urgent))
    if vitals.systolic_mmhg <= s.systolic_alert_at_or_below_mmhg:
        msg = (
            f"systolic {vitals.systolic_mmhg} mmHg at or below "
            f"{s.systolic_alert_at_or_below_mmhg} (BP {vitals.blood_pressure})"
        )
        found.append(Alert(AlertKind.LOW_SYSTOLIC, msg, "N1", urgent))
    hr = vitals.heart_rate_bpm
    if hr is not None and hr <= s.pulse_alert_at_or_below_bpm:
        msg = f"pulse {hr}/min at or below {s.pulse_alert_at_or_below_bpm}"
        found.append(Alert(AlertKind.HEART_RATE, msg, "N1", urgent))
    elif hr is not None and hr >= s.pulse_alert_at_or_above_bpm:
        msg = f"pulse {hr}/min at or above {s.pulse_alert_at_or_above_bpm}"
        found.append(Alert(AlertKind.HEART_RATE, msg, "N1", urgent))
    temp = vitals.temperature_c
    if temp is not None and round(temp * 10) <= round(s.temperature_alert_at_or_below_c * 10):
        msg = f"temperature {temp:.1f} °C at or below {s.temperature_alert_at_or_below_c:.1f}"
        found.append(Alert(AlertKind.LOW_TEMPERATURE, msg, "N1", urgent))
    if moaas is not None and moaas <= s.sedation_alert_at_or_below_moaas:
        msg = (
            f"MOAA/S {moaas} at or below {s.sedation_alert_at_or_below_moaas}: "
            "moderate or greater sedation"
        )
        found.append(Alert(AlertKind.EXCESSIVE_SEDATION, msg, "N3", _hold(recheck, "K14")))
    return found


def deterioration_alerts(
    vitals: VitalSigns,
    moaas: int | None = None,
    settings: MonitoringSettings = DEFAULT_MONITORING,
    *,
    during_infusion: bool = False,
) -> tuple[Alert, ...]:
    """Single-parameter limits, then the NEWS2 aggregate triggers (N1, N2)."""
    recheck = recheck_minutes(settings, during_infusion=during_infusion)
    found = _single_parameter_alerts(vitals, moaas, settings, recheck)
    score = news2(
        vitals, moaas, sedation_alert_at_or_below_moaas=settings.sedation_alert_at_or_below_moaas
    )
    response = score.response(
        settings.news2_urgent_at_or_above, settings.news2_emergency_at_or_above
    )
    if response is News2Response.EMERGENCY:
        msg = f"NEWS2 {score.aggregate} at or above {settings.news2_emergency_at_or_above}"
        found.append(Alert(AlertKind.NEWS2_EMERGENCY, msg, "N1, N2", EMERGENCY_ACTION))
    elif score.aggregate >= settings.news2_urgent_at_or_above:
        msg = f"NEWS2 {score.aggregate} at or above {settings.news2_urgent_at_or_above}"
        found.append(Alert(AlertKind.NEWS2_URGENT, msg, "N1, N2", _urgent(recheck)))
    return tuple(found)


def bp_alerts(
    predose: VitalSigns,
    current: VitalSigns,
    settings: MonitoringSettings = DEFAULT_MONITORING,
    *,
    during_infusion: bool = False,
) -> tuple[Alert, ...]:
    """BP above the hold limit (K18, K6) and a rise from pre-dose (S5)."""
    recheck = recheck_minutes(settings, during_infusion=during_infusion)
    found: list[Alert] = []
    if current.bp_above(settings.bp_hold_above):
        msg = bp_above_message(current, settings.bp_hold_above, "hold limit")
        found.append(Alert(AlertKind.BP_ABOVE_HOLD, msg, "K18, K6", _hold(recheck, "K18, K6")))
    rise_sys = current.systolic_mmhg - predose.systolic_mmhg
    rise_dia = current.diastolic_mmhg - predose.diastolic_mmhg
    rises = []
    if rise_sys >= settings.bp_rise_alert_systolic_mmhg:
        rises.append(f"systolic {rise_sys:+d} (alert at +{settings.bp_rise_alert_systolic_mmhg})")
    if rise_dia >= settings.bp_rise_alert_diastolic_mmhg:
        rises.append(f"diastolic {rise_dia:+d} (alert at +{settings.bp_rise_alert_diastolic_mmhg})")
    if rises:
        msg = (
            f"BP {current.blood_pressure} rose from pre-dose {predose.blood_pressure}: "
            f"{' and '.join(rises)} mmHg"
        )
        action = (
            "Tell the prescriber (onsite during dosing, S9, S10); "
            f"recheck in {recheck} min (K9, S1 §5.6: monitor until values decline)."
        )
        found.append(Alert(AlertKind.BP_RISE, msg, "S5", action))
    return tuple(found)
