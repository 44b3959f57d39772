"""At-home dosing sessions: who may start one, the pre-dose decision on a home reading, the
sitter's check-ins and when one is missed.

Sources: a peer sitter checks the patient every 15 min, for about 3 h in session 1 and 1.5 h
later (H1; the interval is the clinic's `at_home_sitter_check_every_minutes`); a BP
self-check before every session (H2, H9) judged by the clinic's limits, as in the clinic:
review above 140/90 (S1 §5.6), hold above 180/100 (K18); pulse and low blood pressure by
NEWS2 (N1, N2: nothing at-home-specific is sourced, clinical.md 2d). Sedating or stimulating
medicines are held on the dosing day (H9), fasting before (H10: 6 h), no driving until the
next day (S1 §17), a sitter present every session (H1, H9). At-home sessions are spaced at
least 3 days apart (H2, H6). A session the patient leaves unfinished is closed one check-in
interval after the sitter's time is over (H1), or, undosed, when its day is over.

"Measure again": no plausibility range for a home reading is published, so a first reading
in a NEWS2 band scoring 3 for systolic pressure or pulse (N1: systolic <= 90 or >= 220,
pulse <= 40 or >= 131) is taken for a possible mistake (a cuff slipped, a digit mistyped)
and asked again before anything is decided; a second such reading is judged as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from ketacare.clinical import news2
from ketacare.clinical.clinic_settings import DEFAULT_MONITORING, MonitoringSettings
from ketacare.clinical.errors import InvalidClinicalInput
from ketacare.clinical.monitoring import (
    Decision,
    PredoseDecision,
    PredoseInput,
    PregnancyStatus,
    predose_check,
    vitals_schedule,
)
from ketacare.clinical.routes import Route
from ketacare.clinical.telehealth import licensed_in
from ketacare.clinical.vitals import VitalSigns

MIN_DAYS_BETWEEN_SESSIONS = 3  # H2, H6: early at-home sessions 3-7 days apart
FASTING_HOURS = 6  # H10


class HomeDecision(StrEnum):
    """What the patient is told: the clinic's go / review / no-go in a patient's words."""

    MEASURE_AGAIN = "measure again"
    GO = "go"
    CONTACT_US = "contact us"
    DO_NOT_DOSE = "do not dose"


_FROM_CLINIC = {
    Decision.GO: HomeDecision.GO,
    Decision.REVIEW: HomeDecision.CONTACT_US,
    Decision.NO_GO: HomeDecision.DO_NOT_DOSE,
}


@dataclass(frozen=True)
class HomeReading:
    decision: HomeDecision
    reasons: tuple[str, ...]
    """Each with its source, as the patient and the care team see them."""


def doubtful(vitals: VitalSigns) -> tuple[str, ...]:
    """Why a home reading may be a mistake: systolic or pulse in a NEWS2 band scoring 3 (N1)."""
    found = []
    if news2.systolic_score(vitals.systolic_mmhg) == 3:
        found.append(f"systolic {vitals.systolic_mmhg} mmHg is very unusual (NEWS2 3, N1)")
    if vitals.heart_rate_bpm is not None and news2.pulse_score(vitals.heart_rate_bpm) == 3:
        found.append(f"pulse {vitals.heart_rate_bpm}/min is very unusual (NEWS2 3, N1)")
    return tuple(found)


def judge_reading(
    vitals: VitalSigns,
    *,
    repeated: bool,
    settings: MonitoringSettings = DEFAULT_MONITORING,
) -> HomeReading:
    """The decision on one home reading. `repeated`: the reading before it was doubtful, so
    this one is judged whatever it says."""
    if vitals.heart_rate_bpm is None:
        raise InvalidClinicalInput("heart_rate_bpm is required before an at-home dose (N1)")
    if not repeated and (why := doubtful(vitals)):
        return HomeReading(HomeDecision.MEASURE_AGAIN, why)
    decision = _clinic_rules(vitals, settings)
    reasons = tuple(f"{f.reason} ({f.source})" for f in decision.findings)
    return HomeReading(_FROM_CLINIC[decision.decision], reasons)


def _clinic_rules(vitals: VitalSigns, settings: MonitoringSettings) -> PredoseDecision:
    """The clinic's pre-dose rules on what a home can measure (BP, pulse). Pregnancy is asked
    at screening and planning, not at home; the oximetry the clinic rule asks for (S4, S9)
    is an in-clinic requirement, so its finding is left out here."""
    decision = predose_check(
        PredoseInput(Route.AT_HOME_SUBLINGUAL, vitals, PregnancyStatus.NOT_APPLICABLE), settings
    )
    findings = tuple(f for f in decision.findings if "SpO2 not recorded" not in f.reason)
    worst = max(
        (f.decision for f in findings),
        key=(Decision.GO, Decision.REVIEW, Decision.NO_GO).index,
        default=Decision.GO,
    )
    return PredoseDecision(worst, findings, decision.notes)


def mood_decision(self_harm_thoughts: int) -> HomeReading:
    """PHQ-9 item 9 asked alone before the dose: above 0 the care team reviews first (Q3)."""
    if not 0 <= self_harm_thoughts <= 3:
        raise InvalidClinicalInput(f"self_harm_thoughts {self_harm_thoughts} must be 0-3")
    if self_harm_thoughts > 0:
        reason = f"thoughts of self-harm answered {self_harm_thoughts} (PHQ-9 item 9, Q3)"
        return HomeReading(HomeDecision.CONTACT_US, (reason,))
    return HomeReading(HomeDecision.GO, ())


# --- who may start ------------------------------------------------------------------------


@dataclass(frozen=True)
class StartFacts:
    has_at_home_plan: bool
    plan_signed: bool
    planned_on: date | None
    """The plan's at-home session nearest today, if any is planned around today."""
    consent_missing: tuple[str, ...]
    state_of_residence: str
    licensed_states: tuple[str, ...]
    open_suicidality_alert: bool
    last_session_on: date | None
    today: date


def refusals(facts: StartFacts) -> tuple[str, ...]:
    """Every reason an at-home session may not start today, in the patient's words."""
    found = []
    if not facts.has_at_home_plan:
        found.append("You have no at-home treatment plan: your care team decides on one first.")
    elif not facts.plan_signed:
        found.append("Your at-home plan is not signed by a prescriber yet.")
    elif facts.planned_on is None:
        found.append("No at-home session is planned for today.")
    if facts.consent_missing:
        found.append("Your consent is not current for: " + ", ".join(facts.consent_missing) + ".")
    if not licensed_in(facts.state_of_residence, facts.licensed_states):
        found.append(
            f"The clinic is not licensed to treat you in {facts.state_of_residence} "
            "(a prescriber must be registered in the state where you are, H14)."
        )
    if facts.open_suicidality_alert:
        found.append(
            "Your care team needs to talk with you first about your answers on thoughts of "
            "self-harm."
        )
    last = facts.last_session_on
    if last is not None and (facts.today - last).days < MIN_DAYS_BETWEEN_SESSIONS:
        found.append(
            f"Your last at-home session was on {last.isoformat()}: sessions are at least "
            f"{MIN_DAYS_BETWEEN_SESSIONS} days apart (H2, H6)."
        )
    return tuple(found)


# --- during: the sitter's check-ins -------------------------------------------------------


def session_minutes(session_number: int) -> int:
    """How long the sitter stays: about 3 h in session 1, 1.5 h later (H1)."""
    checks = vitals_schedule(Route.AT_HOME_SUBLINGUAL, session_number=session_number)
    return max(c.minute for c in checks)


def check_in_deadline(
    dosed_at: datetime, last_check_in: datetime | None, settings: MonitoringSettings
) -> datetime:
    """When the next check-in is missed: one interval after the last one (or the dose, H1),
    plus the clinic's grace."""
    since = max(dosed_at, last_check_in) if last_check_in else dosed_at
    interval = settings.at_home_sitter_check_every_minutes
    return since + timedelta(minutes=interval + settings.at_home_check_in_grace_minutes)


def watched_until(dosed_at: datetime, minutes: int) -> datetime:
    """Check-ins are due until the sitter's time is over (H1)."""
    return dosed_at + timedelta(minutes=minutes)


def closes_at(
    dosed_at: datetime | None, watch_minutes: int, day_over_at: datetime,
    settings: MonitoringSettings,
) -> datetime:  # fmt: skip
    """When a session the patient has not finished is closed. Dosed: once the sitter's time
    is over and one more check-in interval (plus the clinic's grace) has passed without the
    patient ending it, the end being confirmed like a check-in (H1). Undosed: when the day it
    began on is over (`day_over_at`, the clinic's midnight): the checks before a dose hold for
    that day only ("do not dose today")."""
    if dosed_at is None:
        return day_over_at
    interval = settings.at_home_sitter_check_every_minutes
    grace = settings.at_home_check_in_grace_minutes
    return watched_until(dosed_at, watch_minutes) + timedelta(minutes=interval + grace)
