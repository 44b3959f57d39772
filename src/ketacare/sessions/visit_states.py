"""Each dosing session's state for the Today page: the facts the core's rule reads
(clinical/visit_state.py), gathered for all of the day's sessions at once. One query for the
readings of every session, whatever their number; the sessions come with their dose as given
(`select_related("administration")`), already read through the gate by the caller."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from ketacare.clinical.discharge import DischargeInput
from ketacare.clinical.routes import Route
from ketacare.clinical.schedule_coverage import missing_checks
from ketacare.clinical.visit_state import SessionEnd, SessionFacts, VisitFacts, VisitState
from ketacare.clinical.visit_state import visit_state as rule
from ketacare.clinical_input import vital_signs, vital_signs_of
from ketacare.sessions.models import DosingSession, SessionStatus, VitalSignsReading
from ketacare.sessions.observation import planned_minutes

ENDS = {
    SessionStatus.DISCHARGED: SessionEnd.DISCHARGED,
    SessionStatus.NOT_DOSED: SessionEnd.NOT_DOSED,
}


def readings_of(sessions: Iterable[DosingSession]) -> dict[int, list[VitalSignsReading]]:
    """Every reading of these sessions, oldest first, with its acknowledgement: one query
    (an empty list still asks, so the page's query count never depends on the day)."""
    ids = [s.pk for s in sessions] or [0]
    found: dict[int, list[VitalSignsReading]] = defaultdict(list)
    rows = VitalSignsReading.objects.filter(session_id__in=ids).select_related("acknowledgement")
    for reading in rows.order_by("taken_at", "id"):
        found[reading.session_id].append(reading)
    return found


def _minute(session: DosingSession, reading: VitalSignsReading) -> int:
    return int((reading.taken_at - session.started_at).total_seconds() // 60)


def _minutes_observed(session: DosingSession, now: datetime) -> int:
    """As observation.minutes_observed, at `now` (an IV from the infusion's end)."""
    start = session.started_at
    if session.route_enum is Route.IV_RACEMIC and session.infusion_minutes:
        start += timedelta(minutes=session.infusion_minutes)
    return max(0, int((now - start).total_seconds() // 60))


def _discharge(
    session: DosingSession, readings: list[VitalSignsReading], settings: Any, now: datetime
) -> DischargeInput | None:
    if not readings or not session.route_enum.is_supervised_in_clinic:
        return None
    last = readings[-1]
    taken = [0, *(_minute(session, r) for r in readings)]  # minute 0: the pre-dose check
    unacknowledged = [
        r for r in readings if r.alerts and getattr(r, "acknowledgement", None) is None
    ]
    return DischargeInput(
        route=session.route_enum,
        minutes_observed=_minutes_observed(session, now),
        predose=vital_signs(session.predose_vitals),
        current=vital_signs_of(last),
        alert_and_oriented=False,  # the clinician's judgements: asked at discharge
        escort_present=False,
        clinician_judges_stable=False,
        moaas=last.moaas,
        unacknowledged_alerts=len(unacknowledged),
        missing_checks=tuple(
            f"{m} min" for m in missing_checks(planned_minutes(session, settings), taken)
        ),
    )


def session_facts(
    session: DosingSession, readings: list[VitalSignsReading], settings: Any, now: datetime
) -> SessionFacts:
    given = getattr(session, "administration", None)
    return SessionFacts(
        route=session.route_enum,
        started_at=session.started_at,
        end=ENDS.get(SessionStatus(session.status), SessionEnd.OPEN),
        infusion_minutes=session.infusion_minutes,
        dose_stopped_at=given.stopped_at if given is not None else None,
        readings=len(readings),
        discharge=_discharge(session, readings, settings, now),
    )


def visit_state(
    checked_in: bool,
    session: DosingSession | None,
    readings: dict[int, list[VitalSignsReading]],
    settings: Any,
    now: datetime,
) -> VisitState:
    facts = None
    if session is not None:
        facts = session_facts(session, readings.get(session.pk, []), settings, now)
    return rule(VisitFacts(checked_in, facts), now, settings)
