"""Where a dosing visit stands, derived from what the record holds (issue 10, item 10): the
Today page shows it per visit, and it is never stored, so it cannot disagree with the
record it is read from.

booked -> checked in (front desk, on arrival) -> pre-dose check -> dosing -> monitoring ->
ready for discharge -> discharged.

What each step rests on:
- pre-dose check: the session has begun (its pre-dose check is on record, KetaCare starts a
  session only once that check passes) and neither a dose nor an in-session reading is
  recorded yet: the patient is in the chair, the dose not yet on the run sheet.
- dosing: the dosing phase is under way: until the dose's recorded stop once the dose is on
  the run sheet; before that, for an IV infusion, until the infusion's planned end (the
  schedule counts its minutes from the start of dosing, K9, K10).
- monitoring: after the dose, readings going on, until the discharge criteria are met.
- ready for discharge: every criterion of the core's discharge rule that the record can
  answer is met (observation time, vital signs back in range, MOAA/S, planned checks,
  acknowledged alerts: clinical/discharge.py with its sources). The clinician's own
  judgements (alert and oriented, escort present, clinically stable) are asked when
  discharging, so they are not part of this state.
- discharged, or not dosed: the session's own end.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from ketacare.clinical.clinic_settings import DEFAULT_MONITORING, MonitoringSettings
from ketacare.clinical.discharge import DischargeInput, discharge_readiness
from ketacare.clinical.routes import Route


class VisitState(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked in"
    PRE_DOSE = "pre-dose check"
    DOSING = "dosing"
    MONITORING = "monitoring"
    READY = "ready for discharge"
    DISCHARGED = "discharged"
    NOT_DOSED = "not dosed"


class SessionEnd(StrEnum):
    OPEN = "open"
    DISCHARGED = "discharged"
    NOT_DOSED = "not dosed"


@dataclass(frozen=True)
class SessionFacts:
    """One dosing session as the record holds it."""

    route: Route
    started_at: datetime
    end: SessionEnd = SessionEnd.OPEN
    infusion_minutes: int | None = None
    dose_stopped_at: datetime | None = None
    """The dose as given, once the run sheet records it (its stop time)."""
    readings: int = 0
    """In-session vital-sign readings (the pre-dose check is kept apart from them)."""
    discharge: DischargeInput | None = None
    """The discharge criteria as of the last reading; None before any reading."""


@dataclass(frozen=True)
class VisitFacts:
    checked_in: bool
    session: SessionFacts | None = None


def dosing_ends_at(session: SessionFacts) -> datetime | None:
    """The end of the dosing phase: the recorded stop; before it is recorded, an IV
    infusion's planned end; otherwise unknown."""
    if session.dose_stopped_at is not None:
        return session.dose_stopped_at
    if session.route is Route.IV_RACEMIC and session.infusion_minutes:
        return session.started_at + timedelta(minutes=session.infusion_minutes)
    return None


def record_says_ready(state: DischargeInput, settings: MonitoringSettings) -> bool:
    """The discharge rule on what the record holds; the clinician's judgements are asked at
    discharge (see the module docstring), so they are taken as given here."""
    measured = replace(
        state, alert_and_oriented=True, escort_present=True, clinician_judges_stable=True
    )
    return discharge_readiness(measured, settings).is_ready_for_discharge


def _session_state(
    session: SessionFacts, now: datetime, settings: MonitoringSettings
) -> VisitState:
    if session.end is SessionEnd.DISCHARGED:
        return VisitState.DISCHARGED
    if session.end is SessionEnd.NOT_DOSED:
        return VisitState.NOT_DOSED
    if session.dose_stopped_at is None and session.readings == 0:
        return VisitState.PRE_DOSE
    ends = dosing_ends_at(session)
    if ends is not None and now < ends:
        return VisitState.DOSING
    if session.discharge is not None and record_says_ready(session.discharge, settings):
        return VisitState.READY
    return VisitState.MONITORING


def visit_state(
    visit: VisitFacts, now: datetime, settings: MonitoringSettings = DEFAULT_MONITORING
) -> VisitState:
    """The state of one visit; a session under way counts as arrived even if nobody
    pressed "check in"."""
    if visit.session is not None:
        return _session_state(visit.session, now, settings)
    return VisitState.CHECKED_IN if visit.checked_in else VisitState.BOOKED
