"""What the care team and the patient read of at-home sessions: one session with its rows,
a patient's list, Today's lines, and a clinician's review of a flagged session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.athome.models import AtHomeSession, CheckIn, Stage
from ketacare.athome.watch import deadline_of
from ketacare.audit.services import record
from ketacare.clinics.monitoring_limits import monitoring_settings
from ketacare.patients.gate import get_for, page_of
from ketacare.patients.models import Patient

FLAGGED = (
    Q(bp_out_of_range=True)
    | Q(missed_check_in=True)
    | Q(adverse_event_reported=True)
    | Q(closed_unfinished_at__isnull=False)
)
LIMIT = 50


@transaction.atomic
def session_for_patient(actor: Actor, session_id: Any) -> AtHomeSession:
    return get_for(actor, AtHomeSession, session_id, Action.AT_HOME_RUN)


@transaction.atomic
def session_for_staff(actor: Actor, session_id: Any) -> AtHomeSession:
    return get_for(actor, AtHomeSession, session_id, Action.AT_HOME_VIEW)


@transaction.atomic
def sessions_page(
    actor: Actor, patient_id: Any, *, limit: int = LIMIT, offset: int = 0
) -> tuple[list[AtHomeSession], int]:
    return page_of(actor, AtHomeSession, patient_id, Action.AT_HOME_VIEW,
                   limit=limit, offset=offset)  # fmt: skip


def recent_for_chart(actor: Actor, patient: Patient) -> list[AtHomeSession]:
    """For the chart, whose patient is already an audited read."""
    rows = AtHomeSession.objects.for_actor(actor, Action.AT_HOME_VIEW).filter(patient=patient)
    return list(rows[:5])


@dataclass(frozen=True)
class UnderWay:
    session: AtHomeSession
    deadline: datetime | None

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and timezone.now() > self.deadline


@dataclass(frozen=True)
class TodayLines:
    under_way: list[UnderWay]
    flagged: list[AtHomeSession]

    @property
    def shown_sessions(self) -> list[AtHomeSession]:
        return [u.session for u in self.under_way] + self.flagged


def today_lines(actor: Actor) -> TodayLines:
    """Sessions under way (with the next check-in's deadline) and flagged sessions not yet
    reviewed, oldest first; the caller audits the names it shows."""
    rows = AtHomeSession.objects.for_actor(actor, Action.AT_HOME_VIEW).select_related("patient")
    during = list(rows.filter(stage=Stage.DURING).order_by("dosed_at")[:LIMIT])
    flagged = list(rows.filter(FLAGGED, reviewed_at__isnull=True).order_by("started_at")[:LIMIT])
    if not during:
        return TodayLines([], flagged)
    assert actor.clinic is not None
    settings = monitoring_settings(actor.clinic.pk)
    last = dict(
        CheckIn.objects.filter(session__in=during)
        .values("session_id")
        .annotate(last=Max("at"))
        .values_list("session_id", "last")
    )
    under_way = [UnderWay(s, deadline_of(s, settings, last.get(s.pk))) for s in during]
    return TodayLines(under_way, flagged)


@transaction.atomic
def mark_reviewed(actor: Actor, session_id: Any, note: str) -> AtHomeSession:
    """A clinician has looked at a flagged session and says what was done: it leaves Today."""
    session = get_for(actor, AtHomeSession, session_id, Action.ALERT_ACKNOWLEDGE, lock=True)
    note = note.strip()
    if not note or "\x00" in note:
        raise ValidationError({"note": "Say what was done (e.g. called the patient)."})
    if not session.flags:
        raise ValidationError({"note": "Nothing to review: this session is not flagged."})
    if session.reviewed_at is not None:
        raise ValidationError({"note": "This session was already reviewed."})
    session.reviewed_at, session.reviewed_by = timezone.now(), actor.user
    session.review_note = note[:2000]
    session.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    record(actor, "update", "at_home_session", session.public_id,
           patient_id=session.patient.public_id, detail={"reviewed": True})  # fmt: skip
    return session
