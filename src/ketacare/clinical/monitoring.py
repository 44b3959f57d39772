"""Session monitoring: pre-dose go/review/no-go, vitals schedule, in-session alerts, discharge.

Thresholds come from `MonitoringSettings` (clinic_settings.py), whose defaults are the
sourced values: BP review above 140/90 (S1 §5.6), hold above 180/100 (K18), alert on a
rise of >= 40 systolic or >= 25 diastolic (S5), esketamine observation >= 2 h (S1 §5.1-5.2,
S10). Unsourced limits (SpO2, heart rate, IM observation) are checked only when the
clinic has set them; otherwise the result carries a note saying the check was not made.
Discharge readiness lives in discharge.py and is re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ketacare.clinical.clinic_settings import DEFAULT_MONITORING, MonitoringSettings
from ketacare.clinical.discharge import (
    MOAAS_FULLY_ALERT,
    NO_DRIVING,
    DischargeInput,
    DischargeReadiness,
    discharge_readiness,
)
from ketacare.clinical.errors import InvalidClinicalInput
from ketacare.clinical.routes import Route
from ketacare.clinical.vitals import VitalSigns


class Decision(StrEnum):
    GO = "go"
    REVIEW = "review"
    NO_GO = "no-go"


_RANK = {Decision.GO: 0, Decision.REVIEW: 1, Decision.NO_GO: 2}


class PregnancyStatus(StrEnum):
    NOT_PREGNANT = "not pregnant"
    PREGNANT_OR_BREASTFEEDING = "pregnant or breastfeeding"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True)
class Finding:
    decision: Decision
    reason: str
    source: str


@dataclass(frozen=True)
class PredoseInput:
    route: Route
    vitals: VitalSigns
    pregnancy: PregnancyStatus
    phq9_item9_today: int | None = None
    cssrs_risk_today: str | None = None

    def __post_init__(self) -> None:
        if self.phq9_item9_today is not None and not 0 <= self.phq9_item9_today <= 3:
            raise InvalidClinicalInput(f"phq9_item9_today {self.phq9_item9_today} must be 0-3")
        if self.cssrs_risk_today not in (None, "none", "low", "moderate", "high"):
            raise InvalidClinicalInput(
                f"cssrs_risk_today {self.cssrs_risk_today!r} must be none/low/moderate/high"
            )


@dataclass(frozen=True)
class PredoseDecision:
    decision: Decision
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]

    @property
    def may_dose(self) -> bool:
        return self.decision is Decision.GO


def _unsourced_checks(
    vitals: VitalSigns, settings: MonitoringSettings, decision: Decision
) -> tuple[list[Finding], list[str]]:
    """SpO2 and heart-rate checks, made only against limits the clinic has set."""
    findings: list[Finding] = []
    notes: list[str] = []
    spo2_min = settings.spo2_minimum_percent
    if spo2_min is None:
        notes.append("SpO2 not judged: the clinic has set no minimum (no sourced value).")
    elif vitals.spo2_percent is None:
        findings.append(
            Finding(decision, "SpO2 not recorded; pulse oximetry is required", "S4, S9")
        )
    elif vitals.spo2_percent < spo2_min:
        findings.append(
            Finding(
                decision,
                f"SpO2 {vitals.spo2_percent}% below clinic minimum {spo2_min}%",
                "clinic setting",
            )
        )
    low, high = settings.heart_rate_min_bpm, settings.heart_rate_max_bpm
    if low is None and high is None:
        notes.append("Heart rate not judged: the clinic has set no limits (no sourced value).")
    elif vitals.heart_rate_bpm is not None:
        hr = vitals.heart_rate_bpm
        if (low is not None and hr < low) or (high is not None and hr > high):
            findings.append(
                Finding(
                    decision,
                    f"heart rate {hr}/min outside clinic limits {low}-{high}",
                    "clinic setting",
                )
            )
    return findings, notes


def predose_check(
    visit: PredoseInput, settings: MonitoringSettings = DEFAULT_MONITORING
) -> PredoseDecision:
    """Go, review or no-go before a dose, with every reason and its source."""
    vitals = visit.vitals
    findings: list[Finding] = []
    if vitals.bp_above(settings.bp_hold_above):
        findings.append(
            Finding(
                Decision.NO_GO, f"BP {vitals.blood_pressure} above {settings.bp_hold_above}", "K18"
            )
        )
    elif vitals.bp_above(settings.bp_review_above):
        findings.append(
            Finding(
                Decision.REVIEW,
                f"BP {vitals.blood_pressure} above {settings.bp_review_above}: weigh delaying",
                "S1 §5.6",
            )
        )
    if visit.pregnancy is PregnancyStatus.PREGNANT_OR_BREASTFEEDING:
        findings.append(
            Finding(
                Decision.NO_GO,
                "pregnant or breastfeeding: not recommended, may cause fetal harm",
                "S1 §17, S6, K19",
            )
        )
    elif visit.pregnancy is PregnancyStatus.UNKNOWN:
        findings.append(Finding(Decision.REVIEW, "pregnancy status unknown", "S1 §17, S6"))
    if visit.phq9_item9_today is not None and visit.phq9_item9_today > 0:
        findings.append(
            Finding(
                Decision.REVIEW,
                f"PHQ-9 item 9 today = {visit.phq9_item9_today}: suicidality",
                "Q3, DESIGN.md",
            )
        )
    if visit.cssrs_risk_today not in (None, "none"):
        findings.append(
            Finding(Decision.REVIEW, f"C-SSRS today: {visit.cssrs_risk_today} risk", "Q8")
        )
    extra, notes = _unsourced_checks(vitals, settings, Decision.REVIEW)
    findings.extend(extra)
    decision = max((f.decision for f in findings), key=_RANK.__getitem__, default=Decision.GO)
    return PredoseDecision(decision, tuple(findings), tuple(notes))


# --- vitals schedule -----------------------------------------------------------------


@dataclass(frozen=True)
class VitalsCheck:
    """One planned check, `minute` counted from the start of dosing (0 = before dosing)."""

    minute: int
    measures: tuple[str, ...]
    reason: str
    source: str


BP_HR_SPO2 = ("blood pressure", "heart rate", "SpO2")


def _every(start: int, stop: int, step: int) -> range:
    return range(start + step, stop + 1, step)


def vitals_schedule(
    route: Route,
    *,
    infusion_minutes: int = 40,
    session_number: int = 1,
    settings: MonitoringSettings = DEFAULT_MONITORING,
) -> tuple[VitalsCheck, ...]:
    """Planned vital-sign checks of one session, by route.

    IV: every 10 min during the infusion (K9, K10), every 15 min after it (K9) until the
    recovery time ends (K21). The default infusion is 40 min (K1, K7). Esketamine: BP
    before dosing, at about 40 min (S1 §5.6, S4) and before discharge at 2 h (S11);
    pulse oximetry each session (S4, S9). IM: no IM-specific schedule is published; the
    post-infusion IV interval (K9) is borrowed from the injection onwards. At home: BP
    self-check before dosing (H2, H9) and a sitter's visual check every 15 min (H1) for
    about 3 h in session 1 and 1.5 h later (H1).
    """
    if infusion_minutes <= 0:
        raise InvalidClinicalInput(f"infusion_minutes {infusion_minutes} must be positive")
    before = VitalsCheck(0, BP_HR_SPO2, "before dosing", "S1 §5.6, K9")
    if route is Route.IV_RACEMIC:
        during = settings.infusion_vitals_every_minutes
        after = settings.after_infusion_vitals_every_minutes
        end = infusion_minutes + settings.iv_recovery_minutes
        return (
            before,
            *(
                VitalsCheck(m, BP_HR_SPO2, "during infusion", "K9, K10")
                for m in _every(0, infusion_minutes, during)
            ),
            *(
                VitalsCheck(m, BP_HR_SPO2, "after infusion", "K9")
                for m in _every(infusion_minutes, end, after)
            ),
        )
    if route is Route.ESKETAMINE_NASAL:
        return (
            before,
            VitalsCheck(
                settings.esketamine_bp_check_minute,
                ("blood pressure",),
                "expected BP peak; then as warranted until values decline",
                "S1 §5.6, S4",
            ),
            VitalsCheck(
                settings.esketamine_min_observation_minutes,
                BP_HR_SPO2,
                "before discharge (REMS monitoring form)",
                "S11, S4",
            ),
        )
    if route is Route.IM_RACEMIC:
        end = settings.im_min_observation_minutes or settings.iv_recovery_minutes
        step = settings.after_infusion_vitals_every_minutes
        return (
            before,
            *(
                VitalsCheck(
                    m, BP_HR_SPO2, "after injection (interval borrowed from IV practice)", "K9"
                )
                for m in _every(0, end, step)
            ),
        )
    session_minutes = 180 if session_number == 1 else 90  # H1
    return (
        VitalsCheck(0, ("blood pressure",), "self-check before dosing", "H2, H9"),
        *(
            VitalsCheck(m, ("sitter visual check",), "peer sitter", "H1")
            for m in _every(0, session_minutes, settings.at_home_sitter_check_every_minutes)
        ),
    )


# --- in-session alerts ---------------------------------------------------------------


class AlertKind(StrEnum):
    BP_ABOVE_HOLD = "BP above hold limit"
    BP_RISE = "BP rise"
    SPO2_LOW = "SpO2 below threshold"
    HEART_RATE = "heart rate outside limits"
    EXCESSIVE_SEDATION = "excessive sedation"


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    message: str
    source: str


def in_session_alerts(
    predose: VitalSigns,
    current: VitalSigns,
    *,
    moaas: int | None = None,
    settings: MonitoringSettings = DEFAULT_MONITORING,
) -> tuple[Alert, ...]:
    """Alerts for one in-session reading, compared with the pre-dose reading.

    `moaas` is the Modified Observer's Assessment of Alertness/Sedation (0-5) used in the
    label; 0 (loss of consciousness, S1 §5.1-5.2, S5) always alerts. No dosing to
    excessive sedation (K14).
    """
    alerts: list[Alert] = []
    if current.bp_above(settings.bp_hold_above):
        alerts.append(
            Alert(
                AlertKind.BP_ABOVE_HOLD,
                f"BP {current.blood_pressure} above {settings.bp_hold_above}",
                "K18, K6",
            )
        )
    rise_sys = current.systolic_mmhg - predose.systolic_mmhg
    rise_dia = current.diastolic_mmhg - predose.diastolic_mmhg
    if (
        rise_sys >= settings.bp_rise_alert_systolic_mmhg
        or rise_dia >= settings.bp_rise_alert_diastolic_mmhg
    ):
        alerts.append(
            Alert(
                AlertKind.BP_RISE, f"BP rose {rise_sys:+d}/{rise_dia:+d} mmHg from pre-dose", "S5"
            )
        )
    spo2_min = settings.spo2_minimum_percent
    if (
        spo2_min is not None
        and current.spo2_percent is not None
        and current.spo2_percent < spo2_min
    ):
        alerts.append(
            Alert(
                AlertKind.SPO2_LOW,
                f"SpO2 {current.spo2_percent}% below {spo2_min}%",
                "clinic setting",
            )
        )
    hr, low, high = current.heart_rate_bpm, settings.heart_rate_min_bpm, settings.heart_rate_max_bpm
    if hr is not None and ((low is not None and hr < low) or (high is not None and hr > high)):
        alerts.append(
            Alert(
                AlertKind.HEART_RATE, f"heart rate {hr}/min outside {low}-{high}", "clinic setting"
            )
        )
    if moaas is not None:
        if not 0 <= moaas <= MOAAS_FULLY_ALERT:
            raise InvalidClinicalInput(f"moaas {moaas} must be within 0-5")
        if moaas <= settings.sedation_alert_at_or_below_moaas:
            alerts.append(
                Alert(
                    AlertKind.EXCESSIVE_SEDATION,
                    f"MOAA/S {moaas}: stop dosing, support airway and breathing",
                    "S1 §5.1-5.2, K14",
                )
            )
    return tuple(alerts)


__all__ = [
    "MOAAS_FULLY_ALERT",
    "NO_DRIVING",
    "Alert",
    "AlertKind",
    "Decision",
    "DischargeInput",
    "DischargeReadiness",
    "Finding",
    "PredoseDecision",
    "PredoseInput",
    "PregnancyStatus",
    "VitalsCheck",
    "discharge_readiness",
    "in_session_alerts",
    "predose_check",
    "vitals_schedule",
]
