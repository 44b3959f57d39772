"""Session monitoring: pre-dose go/review/no-go, vitals schedule, in-session alerts, discharge.

Thresholds come from `MonitoringSettings` (clinic_settings.py), whose defaults are the
sourced values: BP review above 140/90 (S1 §5.6), hold above 180/100 (K18), alert on a
rise of >= 40 systolic or >= 25 diastolic (S5), esketamine observation >= 2 h (S1 §5.1-5.2,
S10); every other vital sign by NEWS2 (N1, N2) and sedation by MOAA/S (N3), see alerts.py.
The IM observation time is unsourced and checked only when the clinic has set it.
Discharge readiness lives in discharge.py and is re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ketacare.clinical.alerts import (
    Alert,
    AlertKind,
    bp_above_message,
    bp_alerts,
    deterioration_alerts,
)
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
    prescriber_must_clear: bool = False
    """A review only a prescriber may pass, with a note (an open suicidality alert)."""


@dataclass(frozen=True)
class PredoseInput:
    route: Route
    vitals: VitalSigns
    pregnancy: PregnancyStatus
    phq9_item9_today: int | None = None
    cssrs_risk_today: str | None = None
    open_suicidality_alerts: tuple[str, ...] = ()
    """Reasons of the patient's suicidality alerts no clinician has acknowledged yet."""

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


def _deterioration_findings(
    vitals: VitalSigns, settings: MonitoringSettings
) -> tuple[list[Finding], list[str]]:
    """NEWS2 before the dose: a single parameter scoring 3 or an aggregate of 5-6 asks for a
    clinician's review; an emergency score (>= 7) is no-go (N1, N2)."""
    findings: list[Finding] = []
    for alert in deterioration_alerts(vitals, None, settings):
        decision = Decision.NO_GO if alert.is_emergency else Decision.REVIEW
        findings.append(Finding(decision, alert.message, alert.source))
    if vitals.spo2_percent is None:
        findings.append(
            Finding(Decision.REVIEW, "SpO2 not recorded; pulse oximetry is required", "S4, S9")
        )
    notes: list[str] = []
    missing = [
        name
        for name, value in (
            ("respiration rate", vitals.respiratory_rate_per_min),
            ("pulse", vitals.heart_rate_bpm),
            ("temperature", vitals.temperature_c),
        )
        if value is None
    ]
    if missing:
        notes.append(f"NEWS2 is partial: {', '.join(missing)} not recorded (N1).")
    return findings, notes


def predose_check(
    visit: PredoseInput, settings: MonitoringSettings = DEFAULT_MONITORING
) -> PredoseDecision:
    """Go, review or no-go before a dose, with every reason and its source."""
    vitals = visit.vitals
    findings: list[Finding] = []
    if vitals.bp_above(settings.bp_hold_above):
        message = bp_above_message(vitals, settings.bp_hold_above, "hold limit")
        findings.append(Finding(Decision.NO_GO, message, "K18"))
    elif vitals.bp_above(settings.bp_review_above):
        message = bp_above_message(vitals, settings.bp_review_above, "review limit")
        findings.append(Finding(Decision.REVIEW, f"{message}: weigh delaying", "S1 §5.6"))
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
    for reason in visit.open_suicidality_alerts:
        findings.append(
            Finding(
                Decision.REVIEW,
                f"open suicidality alert ({reason}): a prescriber must clear it with a note",
                "Q3, Q8, DESIGN.md",
                prescriber_must_clear=True,
            )
        )
    extra, notes = _deterioration_findings(vitals, settings)
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


def in_session_alerts(
    predose: VitalSigns,
    current: VitalSigns,
    *,
    moaas: int | None = None,
    settings: MonitoringSettings = DEFAULT_MONITORING,
    during_infusion: bool = False,
) -> tuple[Alert, ...]:
    """Alerts for one in-session reading: BP against the hold limit and the pre-dose
    reading, every other vital sign by NEWS2, sedation by MOAA/S (alerts.py).

    `moaas` is the Modified Observer's Assessment of Alertness/Sedation (0-5) used in the
    label (S1 §5.1-5.2); at or below 3 is moderate or greater sedation (N3).
    """
    if moaas is not None and not 0 <= moaas <= MOAAS_FULLY_ALERT:
        raise InvalidClinicalInput(f"moaas {moaas} must be within 0-5")
    return bp_alerts(predose, current, settings, during_infusion=during_infusion) + (
        deterioration_alerts(current, moaas, settings, during_infusion=during_infusion)
    )


__all__ = [
    "MOAAS_FULLY_ALERT",
    "NO_DRIVING",
    "Alert",
    "AlertKind",
    "Decision",
    "bp_alerts",
    "deterioration_alerts",
    "DischargeInput",
    "DischargeReadiness",
    "Finding",
    "MonitoringSettings",
    "PredoseDecision",
    "PredoseInput",
    "PregnancyStatus",
    "VitalsCheck",
    "discharge_readiness",
    "in_session_alerts",
    "predose_check",
    "vitals_schedule",
]
