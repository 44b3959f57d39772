"""What became of a planned session: done (the dosing session that fulfilled it), missed,
or rescheduled to a new date. A session started on or near a planned date, by the plan's
route, marks it done by itself; staff can also mark it by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ketacare.accounts.actor import Actor, system_actor
from ketacare.accounts.roles import Action
from ketacare.appointments import services as calendar
from ketacare.appointments.models import Status as AppointmentStatus
from ketacare.audit.services import record
from ketacare.clinical import protocols
from ketacare.clinical.dates import PLAN_START
from ketacare.clinical_input import plausible_date
from ketacare.consent.services import clinic_today
from ketacare.patients.gate import get_for
from ketacare.sessions.models import DosingSession
from ketacare.treatment.models import PlannedSession, SessionState, TreatmentPlan

# "Near" a planned date: a session a few days early or late still fulfils it (a display
# and linking rule of the clinic's calendar, not a clinical number).
LINK_WINDOW_DAYS = 3
MARKS = ("done", "missed", "rescheduled")


@dataclass(frozen=True)
class StatusChange:
    status: str
    session_id: Any = None
    """Done, for a dosing session: the dosing session that fulfilled it (counselling and
    reviews are marked done without one: their notes live in their own records)."""
    on: date | None = None
    """Rescheduled: the new date."""
    note: str = ""


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _check_row(row: PlannedSession) -> None:
    if row.plan.is_draft:
        raise _refuse("status", "The plan is a draft: a prescriber signs it first.")
    if TreatmentPlan.objects.filter(supersedes_id=row.plan_id).exists():
        raise _refuse("status", "This version of the plan was replaced: mark the session on "
                      "the current version.")  # fmt: skip
    if row.status != SessionState.PLANNED:
        raise _refuse("status", f"Already {row.get_status_display().lower()}.")


@transaction.atomic
def change_status(actor: Actor, planned_id: Any, change: StatusChange) -> PlannedSession:
    row = get_for(actor, PlannedSession, planned_id, Action.APPOINTMENT_BOOK, lock=True)
    row.plan = TreatmentPlan.objects.get(pk=row.plan_id)
    if change.status not in MARKS:
        raise _refuse("status", "Choose done, missed or rescheduled.")
    _check_row(row)
    detail: dict[str, Any] = {"status": change.status}
    if change.status == "done" and row.kind == "dosing":
        session = _fulfilling_session(actor, row, change.session_id)
        row.dosing_session = session
        detail["dosing_session"] = str(session.public_id)
    elif change.status == "rescheduled":
        moved = _moved_copy(row, change.on)
        detail["to"] = moved.on.isoformat()
        _cancel_booking(actor, row)
    row.status, row.status_note = change.status, change.note.strip()[:200]
    row.save(update_fields=["status", "status_note", "dosing_session"])
    record(actor, "update", "planned_session", row.public_id,
           patient_id=row.patient.public_id, detail=detail)  # fmt: skip
    return row


def _fulfilling_session(actor: Actor, row: PlannedSession, session_id: Any) -> DosingSession:
    if not session_id:
        raise _refuse("session_id", "Choose the dosing session that fulfilled it.")
    session = get_for(actor, DosingSession, session_id, Action.SESSION_VIEW)
    if session.patient_id != row.patient_id:
        raise _refuse("session_id", "That dosing session is another patient's.")
    if row.plan.planned_sessions.filter(dosing_session=session).exists():
        raise _refuse("session_id", "That dosing session already fulfils another planned one.")
    return session


def _moved_copy(row: PlannedSession, on: date | None) -> PlannedSession:
    if on is None:
        raise _refuse("on", "Give the new date.")
    today = clinic_today(row.patient.clinic)
    if on < today:
        raise _refuse("on", "The new date cannot be in the past.")
    plausible_date("on", on, PLAN_START, today)
    if on == row.on:
        raise _refuse("on", "That is the planned date already.")
    return PlannedSession.objects.create(
        clinic_id=row.clinic_id, plan_id=row.plan_id, patient_id=row.patient_id,
        position=row.position, on=on, kind=row.kind, phase=row.phase,
        dosing_number=row.dosing_number, dose_mg=row.dose_mg, detail=row.detail,
        source=row.source, rescheduled_from=row,
    )  # fmt: skip


def _cancel_booking(actor: Actor, row: PlannedSession) -> None:
    """The appointment booked for the old date goes; the new date is booked anew."""
    appointment = row.appointment
    if appointment is not None and appointment.status == AppointmentStatus.BOOKED:
        calendar.cancel(actor, appointment.public_id, f"planned session moved from {row.on}")


def link_started_session(session: DosingSession) -> PlannedSession | None:
    """Mark done the planned dosing session of the signed plan in force, by the same route,
    nearest the day the session started (within LINK_WINDOW_DAYS); None if there is none."""
    plan = TreatmentPlan.objects.filter(
        clinic_id=session.clinic_id, patient_id=session.patient_id
    ).first()
    template = protocols.TEMPLATES.get(plan.template) if plan else None
    if plan is None or plan.is_draft or template is None or template.route.value != session.route:
        return None
    day = clinic_today(plan.clinic, at=session.started_at)
    window = timedelta(days=LINK_WINDOW_DAYS)
    candidates = plan.planned_sessions.filter(
        kind="dosing", status=SessionState.PLANNED, on__gte=day - window, on__lte=day + window
    )
    row = min(candidates, key=lambda r: (abs((r.on - day).days), r.on), default=None)
    if row is None or plan.planned_sessions.filter(dosing_session=session).exists():
        return None
    row.status, row.dosing_session = SessionState.DONE, session
    row.save(update_fields=["status", "dosing_session"])
    actor = system_actor(plan.clinic, "plan link")
    record(actor, "update", "planned_session", row.public_id, clinic_id=plan.clinic_id,
           patient_id=plan.patient.public_id,
           detail={"status": "done", "dosing_session": str(session.public_id)})  # fmt: skip
    return row
