"""Sessions the patient never finished: closed by the task worker once their window has
passed (clinical.at_home.closes_at: one check-in interval after the sitter's time, H1, or the
end of the day for a session never dosed), marked "not finished" and flagged for the care
team on Today and the chart until a clinician reviews them. A dose the patient confirmed
stays taken; the patient's page still takes the after-step answers.

A session is watched from its start and again from its dose, each time by one task for its
closing time. The task decides from the stored times, not from its arguments, and closes by
a conditional update of a session still open: two workers, a retry or a restart close it
once, with one audit entry.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from ketacare.accounts.actor import system_actor
from ketacare.athome.models import OPEN_STAGES, AtHomeSession, Stage, on_locked_session
from ketacare.audit.services import record
from ketacare.clinical import at_home
from ketacare.clinics.monitoring_limits import monitoring_settings
from ketacare.consent.services import clinic_today


def closes_at(session: AtHomeSession) -> datetime:
    clinic = session.patient.clinic
    began_on = clinic_today(clinic, session.started_at)
    day_over = datetime.combine(began_on + timedelta(days=1), time(0), ZoneInfo(clinic.time_zone))
    return at_home.closes_at(session.dosed_at, session.watch_minutes or 0, day_over,
                             monitoring_settings(session.clinic_id))  # fmt: skip


def close_when_due(session: AtHomeSession) -> None:
    """Enqueue the close of this session at its closing time, once this write commits."""
    from ketacare.athome.tasks import close_unfinished_session

    due, pk = closes_at(session), session.pk
    transaction.on_commit(lambda: close_unfinished_session.using(run_after=due).enqueue(pk))


def watch_open_sessions() -> int:
    """For sessions opened before closing existed (or whose task was lost): one task each."""
    sessions = AtHomeSession.objects.filter(stage__in=OPEN_STAGES).select_related("patient__clinic")
    with transaction.atomic():
        for session in sessions:
            close_when_due(session)
    return len(sessions)


@on_locked_session
def close_if_unfinished(session: AtHomeSession, now: datetime) -> str:
    if session.stage not in OPEN_STAGES:
        return "not open"
    if now < closes_at(session):
        close_when_due(session)  # a clinic's longer interval, or the day-end task of a dose
        return "not yet"
    closed = AtHomeSession.objects.filter(pk=session.pk, stage=session.stage).update(
        stage=Stage.NOT_FINISHED, closed_unfinished_at=now
    )
    if not closed:
        return "not open"
    record(system_actor(session.patient.clinic, "at-home watch"), "update", "at_home_session",
           session.public_id, patient_id=session.patient.public_id, clinic_id=session.clinic_id,
           detail={"closed_unfinished": now.isoformat(), "stage": session.stage,
                   "dose_taken": session.dosed_at is not None})  # fmt: skip
    return "closed"
