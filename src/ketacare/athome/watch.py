"""Missed check-ins: recorded by the task worker at each deadline, whether or not anyone has
a page open, and shown on Today until a clinician reviews the session.

Each dose and check-in enqueues one task for its deadline (the interval of H1 plus the
clinic's grace, clinical.at_home.check_in_deadline). The task decides from the stored times,
not from its arguments, so a late or repeated run records each missed deadline once (a
unique row per deadline) and a check-in made in time leaves nothing to record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db import transaction

from ketacare.accounts.actor import system_actor
from ketacare.athome.models import AtHomeSession, MissedCheckIn, Stage, on_locked_session
from ketacare.audit.services import record
from ketacare.clinical import at_home
from ketacare.clinical.clinic_settings import MonitoringSettings
from ketacare.clinics.monitoring_limits import monitoring_settings


def deadline_of(
    session: AtHomeSession,
    settings: MonitoringSettings | None = None,
    last: datetime | None | Literal["unread"] = "unread",
) -> datetime | None:
    """When the next check-in is missed; None once the sitter's time is over (H1). A list
    passes the clinic's settings and each session's last check-in, read once for all."""
    if session.stage != Stage.DURING or session.dosed_at is None:
        return None
    settings = settings or monitoring_settings(session.clinic_id)
    if last == "unread":
        last = session.check_ins.order_by("-at").values_list("at", flat=True).first()
    deadline = at_home.check_in_deadline(session.dosed_at, last, settings)
    end = at_home.watched_until(session.dosed_at, session.watch_minutes or 0)
    return None if last is not None and last >= end else deadline


def watch_from(session: AtHomeSession) -> None:
    """Enqueue the check of the next deadline once this write commits."""
    from ketacare.athome.tasks import escalate_missed_check_in

    deadline = deadline_of(session)
    if deadline is not None:
        pk = session.pk
        transaction.on_commit(
            lambda: escalate_missed_check_in.using(run_after=deadline).enqueue(pk)
        )


@on_locked_session
def escalate_if_missed(session: AtHomeSession, now: datetime) -> str:
    """Record a missed check-in when the deadline has passed with none made."""
    deadline = deadline_of(session)
    if deadline is None:
        return "not watched"
    if now < deadline:
        return "not yet"
    missed, created = MissedCheckIn.objects.get_or_create(
        session=session, deadline=deadline, defaults={"clinic_id": session.clinic_id}
    )
    if not created:
        return "already recorded"
    session.missed_check_in = True
    session.save(update_fields=["missed_check_in"])
    record(system_actor(session.patient.clinic, "at-home watch"), "update", "at_home_session",
           session.public_id, patient_id=session.patient.public_id, clinic_id=session.clinic_id,
           detail={"missed_check_in": deadline.isoformat()})  # fmt: skip
    return "escalated"
