"""The plan's upcoming planned sessions booked on the clinic calendar, one appointment each,
through the calendar's own booking (its opening hours, closed days and no double booking).
A slot the calendar refuses is reported with its reason; the others are still booked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, require
from ketacare.appointments import services as calendar
from ketacare.appointments.models import Appointment, Kind
from ketacare.audit.services import record
from ketacare.consent.services import clinic_today
from ketacare.patients.gate import get_for
from ketacare.treatment.models import PlannedSession, PlanStatus, SessionState, TreatmentPlan

APPOINTMENT_KIND = {"dosing": Kind.DOSING, "counselling": Kind.COUNSELLING}
MAX_BOOKING_DAYS = 60


@dataclass(frozen=True)
class BookingRun:
    start_time: time
    minutes: int
    room_id: int | None = None
    staff_id: int | None = None
    days_ahead: int = 14


@dataclass
class Refusal:
    planned: PlannedSession
    field: str
    reason: str


@dataclass
class BookingResult:
    booked: list[tuple[PlannedSession, Appointment]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _bookable(plan: TreatmentPlan, days_ahead: int) -> list[PlannedSession]:
    today = clinic_today(plan.patient.clinic)
    return list(
        plan.planned_sessions.filter(
            status=SessionState.PLANNED, appointment__isnull=True, on__gte=today,
            on__lt=today + timedelta(days=days_ahead),
        ).order_by("on", "position")
    )  # fmt: skip


def _check(plan: TreatmentPlan, run: BookingRun) -> None:
    if plan.is_draft:
        raise ValidationError({"plan": "A draft plan is not booked: a prescriber signs it first."})
    if TreatmentPlan.objects.filter(supersedes=plan).exists():
        raise ValidationError({"plan": "This version was replaced: book the current version."})
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError({"plan": f"The plan is {plan.get_status_display().lower()}."})
    if not 1 <= run.days_ahead <= MAX_BOOKING_DAYS:
        raise ValidationError({"days_ahead": f"Between 1 and {MAX_BOOKING_DAYS} days."})


@transaction.atomic
def book_upcoming(actor: Actor, plan_id: Any, run: BookingRun) -> BookingResult:
    """Book each planned session of the next `days_ahead` days not yet booked. The plan's row
    is locked, so two runs at once cannot book one planned session twice."""
    plan = get_for(actor, TreatmentPlan, plan_id, Action.PLAN_VIEW, lock=True)
    require(actor, Action.APPOINTMENT_BOOK)
    _check(plan, run)
    assert actor.clinic is not None
    zone = ZoneInfo(actor.clinic.time_zone)
    result, next_free = BookingResult(), dict[date, datetime]()
    for row in _bookable(plan, run.days_ahead):
        # A counselling session on a dosing day follows the dose: start after the last slot.
        starts = next_free.get(row.on) or datetime.combine(row.on, run.start_time, zone)
        kind = APPOINTMENT_KIND.get(row.kind, Kind.FOLLOW_UP)
        dosing = kind == Kind.DOSING
        booking = calendar.Booking(kind, starts, run.minutes, run.room_id if dosing else None,
                                   run.staff_id if dosing else None)  # fmt: skip
        try:
            with transaction.atomic():
                appointment = calendar.book(actor, plan.patient.public_id, booking)
        except ValidationError as exc:
            by_field = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for name, messages in by_field.items():
                result.refused.append(Refusal(row, name, " ".join(messages)))
            continue
        row.appointment = appointment
        row.save(update_fields=["appointment"])
        next_free[row.on] = appointment.ends_at
        result.booked.append((row, appointment))
    record(actor, "update", "treatment_plan", plan.public_id, patient_id=plan.patient.public_id,
           detail={"booked": len(result.booked), "refused": len(result.refused)})  # fmt: skip
    return result
