"""Scheduled questionnaires: start and stop a schedule, what is due, answering by a one-time
link, and the reminders the task worker sends.

Reminder rules (issue 11; a clinic's practice, not a clinical number): the first reminder at
09:00 clinic time on the due day, then every REMINDER_GAP_DAYS, at most REMINDERS_AT_MOST;
a questionnaire still unanswered one gap after the last reminder is missed, and the
schedule's next one is created. Each reminder carries a fresh link (the previous one stops
working); a link opens only its questionnaire, works once, and expires.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor, system_actor
from ketacare.accounts.roles import Action, Role
from ketacare.audit.services import record
from ketacare.clinical import instruments
from ketacare.measures.models import ScaleResponse
from ketacare.measures.services import record_scale
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.questionnaires.models import DueQuestionnaire, DueStatus, QuestionnaireSchedule

REMINDERS_AT_MOST = 3  # issue 11: "a missed questionnaire is reminded at most three times"
REMINDER_GAP_DAYS = 2
REMINDER_HOUR = 9
LINK_VALID_DAYS = 7
EVERY_DAYS_RANGE = (1, 90)
EARLY_DAYS = 2  # an answer up to two days before the due date counts for it


@dataclass(frozen=True)
class ScheduleEntry:
    instrument: str
    every_days: int
    first_due_on: date


def schedulable_scales() -> list[instruments.Instrument]:
    """The self-report scales: a patient fills them in alone (the entry rules' definition)."""
    return [s for s in instruments.INSTRUMENTS.values() if getattr(s, "self_report", False)]


def clinic_today(clinic: Any) -> date:
    return timezone.localtime(timezone.now(), ZoneInfo(clinic.time_zone)).date()


def _check(entry: ScheduleEntry, today: date) -> None:
    if entry.instrument not in {s.key for s in schedulable_scales()}:
        raise ValidationError({"instrument": "Choose a scale the patient fills in alone."})
    low, high = EVERY_DAYS_RANGE
    if not low <= entry.every_days <= high:
        raise ValidationError({"every_days": f"Every {low} to {high} days."})
    if not today <= entry.first_due_on <= today + timedelta(days=365):
        raise ValidationError({"first_due_on": "From today to a year ahead."})


@transaction.atomic
def start_schedule(actor: Actor, patient_id: Any, entry: ScheduleEntry) -> QuestionnaireSchedule:
    """A schedule for one scale; it replaces the scale's current schedule, if any."""
    patient = get_for(actor, Patient, patient_id, Action.QUESTIONNAIRE_SCHEDULE)
    _check(entry, clinic_today(patient.clinic))
    for old in QuestionnaireSchedule.objects.select_for_update().filter(
        patient=patient, instrument=entry.instrument, active=True
    ):
        _stop(old)
    schedule = QuestionnaireSchedule.objects.create(
        clinic=patient.clinic, patient=patient, instrument=entry.instrument,
        every_days=entry.every_days, created_by=actor.user,
    )  # fmt: skip
    due = _open_due(schedule, entry.first_due_on)
    detail = {"instrument": entry.instrument, "every_days": entry.every_days,
              "first_due_on": entry.first_due_on.isoformat()}  # fmt: skip
    record(actor, "create", "questionnaire_schedule", schedule.public_id,
           patient_id=patient.public_id, detail=detail)  # fmt: skip
    _remind_later(due, attempt=1)
    return schedule


def _stop(schedule: QuestionnaireSchedule) -> None:
    schedule.active, schedule.stopped_at = False, timezone.now()
    schedule.save(update_fields=["active", "stopped_at"])
    schedule.due.filter(status=DueStatus.DUE).update(
        status=DueStatus.STOPPED, closed_at=timezone.now(), link_digest=None
    )


@transaction.atomic
def stop_schedule(actor: Actor, schedule_id: Any) -> QuestionnaireSchedule:
    schedule = get_for(actor, QuestionnaireSchedule, schedule_id, Action.QUESTIONNAIRE_SCHEDULE)
    if schedule.active:
        _stop(schedule)
        record(actor, "update", "questionnaire_schedule", schedule.public_id,
               patient_id=schedule.patient.public_id, detail={"stopped": True})  # fmt: skip
    return schedule


def schedules_of(actor: Actor, patient: Patient) -> list[QuestionnaireSchedule]:
    """For a page whose patient is already an audited read."""
    rows = QuestionnaireSchedule.objects.for_actor(actor, Action.SCALE_VIEW)
    return list(rows.filter(patient=patient, active=True))


def due_now(actor: Actor, patient: Patient) -> list[DueQuestionnaire]:
    """Questionnaires due today or overdue, for a page whose patient is already read."""
    rows = DueQuestionnaire.objects.for_actor(actor, Action.SCALE_VIEW)
    return list(rows.filter(patient=patient, status=DueStatus.DUE,
                            due_on__lte=clinic_today(patient.clinic)))  # fmt: skip


def _open_due(schedule: QuestionnaireSchedule, on: date) -> DueQuestionnaire:
    return DueQuestionnaire.objects.create(
        clinic_id=schedule.clinic_id, schedule=schedule, patient_id=schedule.patient_id,
        instrument=schedule.instrument, due_on=on,
    )  # fmt: skip


def _next_after(due: DueQuestionnaire) -> DueQuestionnaire | None:
    """The schedule's next questionnaire, keeping its rhythm (never in the past)."""
    schedule = due.schedule
    if not schedule.active:
        return None
    today = clinic_today(due.patient.clinic)
    step = timedelta(days=schedule.every_days)
    on = due.due_on + step
    while on < today:
        on += step
    following = _open_due(schedule, on)
    _remind_later(following, attempt=1)
    return following


def close_by_answer(response: ScaleResponse) -> DueQuestionnaire | None:
    """A new self-reported or entered answer closes the matching open questionnaire (answered
    early by at most EARLY_DAYS) and opens the next. Corrections close nothing."""
    if response.amends_id is not None:
        return None
    taken_on = timezone.localtime(response.taken_at, ZoneInfo(response.clinic.time_zone)).date()
    due = (
        DueQuestionnaire.objects.select_for_update()
        .filter(patient_id=response.patient_id, instrument=response.instrument,
                status=DueStatus.DUE, due_on__lte=taken_on + timedelta(days=EARLY_DAYS))
        .select_related("schedule", "patient__clinic")
        .first()
    )  # fmt: skip
    if due is None:
        return None
    due.status, due.response, due.closed_at = DueStatus.ANSWERED, response, timezone.now()
    due.link_digest = None  # the link dies with the answer
    due.save(update_fields=["status", "response", "closed_at", "link_digest"])
    _next_after(due)
    return due


# --- the one-time link ------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_link(due: DueQuestionnaire) -> str:
    token = secrets.token_urlsafe(32)
    due.link_digest = _digest(token)
    due.link_expires_at = timezone.now() + timedelta(days=LINK_VALID_DAYS)
    due.save(update_fields=["link_digest", "link_expires_at"])
    return token


def _by_link(token: str, lock: bool = False) -> DueQuestionnaire | None:
    if not token or len(token) > 100:
        return None
    rows = DueQuestionnaire.objects.select_related("patient__user", "patient__clinic", "clinic")
    if lock:
        rows = rows.select_for_update(of=("self",))
    return rows.filter(link_digest=_digest(token), status=DueStatus.DUE,
                       link_expires_at__gt=timezone.now()).first()  # fmt: skip


def open_link(token: str) -> DueQuestionnaire | None:
    """The questionnaire behind a link, or None for a wrong, used or expired one (the same
    answer for all three, so a guess learns nothing)."""
    return _by_link(token)


def link_actor(due: DueQuestionnaire, request_id: str = "", ip: str | None = None) -> Actor:
    """The link stands in for the patient's login, for this one questionnaire only."""
    return Actor(user=due.patient.user, clinic=due.patient.clinic, role=Role.PATIENT,
                 request_id=request_id or "questionnaire-link", ip=ip)  # fmt: skip


@dataclass(frozen=True)
class LinkAnswer:
    token: str
    answers: list[int | None]
    submission_key: str  # the form's hidden key: a retry of one submission is recognised
    ip: str | None = None


@transaction.atomic
def answer_by_link(given: LinkAnswer) -> ScaleResponse | None:
    """Record the answers as the patient's own; None if the link does not work (any reason).
    The row lock makes two submissions of one link record one answer; the same submission
    sent again (a dropped connection) gets the first one's response back."""
    digest = _digest(given.token)
    again = DueQuestionnaire.objects.filter(
        answered_link_digest=digest, answer_key_digest=_digest(given.submission_key),
        status=DueStatus.ANSWERED,
    ).select_related("response").first() if given.submission_key else None  # fmt: skip
    if again is not None:
        return again.response
    due = _by_link(given.token, lock=True)
    if due is None or due.patient.user is None:
        return None
    actor = link_actor(due, ip=given.ip)
    response = record_scale(actor, due.patient.public_id, due.instrument, given.answers)
    DueQuestionnaire.objects.filter(pk=due.pk).update(
        answered_link_digest=digest, answer_key_digest=_digest(given.submission_key)
    )
    record(actor, "update", "due_questionnaire", due.public_id,
           patient_id=due.patient.public_id, detail={"answered_by": "one-time link"})  # fmt: skip
    return response


# --- reminders (run by the task worker) -------------------------------------------------


def reminder_time(due: DueQuestionnaire, attempt: int) -> datetime:
    zone = ZoneInfo(due.patient.clinic.time_zone)
    day = due.due_on + timedelta(days=REMINDER_GAP_DAYS * (attempt - 1))
    return datetime.combine(day, time(REMINDER_HOUR), zone)


def _remind_later(due: DueQuestionnaire, attempt: int) -> None:
    from ketacare.questionnaires.tasks import send_reminder

    run_after = reminder_time(due, attempt)
    transaction.on_commit(lambda: send_reminder.using(run_after=run_after).enqueue(due.pk, attempt))


@transaction.atomic
def send_reminder_now(due_pk: int, attempt: int) -> str:
    """Attempt `attempt` for one questionnaire: sent once whatever runs it twice (the row
    lock and the count), never after it was answered or stopped."""
    due = (
        DueQuestionnaire.objects.select_for_update(of=("self",))
        .select_related("patient__user", "patient__clinic", "schedule")
        .filter(pk=due_pk)
        .first()
    )
    if due is None or due.status != DueStatus.DUE:
        return "closed"
    if due.reminders_sent >= attempt:
        return "already sent"
    actor = system_actor(due.patient.clinic, "questionnaire-reminder")
    if attempt > REMINDERS_AT_MOST:
        due.status, due.closed_at, due.link_digest = DueStatus.MISSED, timezone.now(), None
        due.save(update_fields=["status", "closed_at", "link_digest"])
        record(actor, "update", "due_questionnaire", due.public_id,
               patient_id=due.patient.public_id, detail={"missed": True})  # fmt: skip
        _next_after(due)
        return "missed"
    user = due.patient.user
    sent = user is not None and bool(user.email)
    if sent:
        _email(user.email, _issue_link(due), due)  # type: ignore[union-attr]
    due.reminders_sent, due.last_reminded_at = attempt, timezone.now()
    due.save(update_fields=["reminders_sent", "last_reminded_at"])
    record(actor, "update", "due_questionnaire", due.public_id, patient_id=due.patient.public_id,
           detail={"reminder": attempt, "emailed": sent})  # fmt: skip
    _remind_later(due, attempt + 1)
    return "sent" if sent else "no portal login"


def _email(address: str, token: str, due: DueQuestionnaire) -> None:
    """No health detail in the email (it may be read on a shared screen): the clinic, that a
    short questionnaire is waiting, the link and how long it works."""
    from django.core.mail import send_mail

    link = f"{settings.KETACARE_BASE_URL.rstrip('/')}/q/{token}/"
    expires = timezone.localtime(due.link_expires_at, ZoneInfo(due.patient.clinic.time_zone))
    body = (
        f"{due.patient.clinic.name} asks you to fill in a short questionnaire.\n\n"
        f"{link}\n\nThe link works once, for you only, until {expires:%Y-%m-%d %H:%M}. "
        "You can also fill it in after logging in to the portal.\n\n"
        "Messages are not watched around the clock. In a crisis call or text 988 "
        "(Suicide & Crisis Lifeline), or call 911."
    )
    send_mail(f"{due.patient.clinic.name}: a questionnaire for you", body,
              settings.DEFAULT_FROM_EMAIL, [address])  # fmt: skip


# --- the API's use cases (the pages' counterparts above) ----------------------------------


class AlreadyClosed(ValidationError):
    """The questionnaire was answered, missed or stopped: a 409 naming it."""

    http_status = 409


def schedule_page(
    actor: Actor, patient_id: Any, limit: int, offset: int
) -> tuple[list[QuestionnaireSchedule], int]:
    """A patient's schedules, running and stopped (reaching the patient is the audited read)."""
    patient = get_for(actor, Patient, patient_id, Action.SCALE_VIEW)
    rows = QuestionnaireSchedule.objects.for_actor(actor, Action.SCALE_VIEW).filter(patient=patient)
    return list(
        rows.order_by("-active", "instrument", "-id")[offset : offset + limit]
    ), rows.count()


def due_page(
    actor: Actor, patient_id: Any, limit: int, offset: int
) -> tuple[list[DueQuestionnaire], int]:
    """What the patient may answer now: due today or overdue, or early by EARLY_DAYS (an
    answer that early counts for it, close_by_answer)."""
    patient = get_for(actor, Patient, patient_id, Action.SCALE_VIEW)
    open_until = clinic_today(patient.clinic) + timedelta(days=EARLY_DAYS)
    rows = DueQuestionnaire.objects.for_actor(actor, Action.SCALE_VIEW).filter(
        patient=patient, status=DueStatus.DUE, due_on__lte=open_until
    )
    return list(rows[offset : offset + limit]), rows.count()


@transaction.atomic
def answer_due(actor: Actor, due_id: Any, answers: list[int | None]) -> ScaleResponse:
    """Answer one due questionnaire (the patient, or staff typing in a paper form). The row
    lock makes two submissions record one answer; the second is told it is closed."""
    due = get_for(actor, DueQuestionnaire, due_id, Action.SCALE_SELF_REPORT, lock=True)
    if due.status != DueStatus.DUE:
        raise AlreadyClosed(
            {"due_id": f"This questionnaire is {due.get_status_display().lower()}."}
        )
    if due.due_on > clinic_today(due.patient.clinic) + timedelta(days=EARLY_DAYS):
        raise ValidationError({"due_id": f"Not open yet: due on {due.due_on:%Y-%m-%d}."})
    return record_scale(actor, due.patient.public_id, due.instrument, answers)
