"""The plan's upcoming planned sessions booked on the clinic calendar, one appointment each,
through the calendar's own booking (its opening hours, closed days and no double booking).
A slot the calendar refuses is reported with its reason; the others are still booked.

Dosing takes a chair and a nurse; counselling takes the therapist and reviews (the futility
check, the end of induction, a renewal consult) a prescriber, both in a room when the clinic
has rooms, so the calendar refuses a therapist, prescriber or room already booked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from ketacare.accounts.actor import Actor
from ketacare.accounts.models import Membership
from ketacare.accounts.roles import Action, Role, require, role_can
from ketacare.appointments import services as calendar
from ketacare.appointments.models import Appointment, Kind
from ketacare.audit.services import record
from ketacare.consent.services import clinic_today
from ketacare.patients.gate import get_for
from ketacare.treatment.models import PlannedSession, PlanStatus, SessionState, TreatmentPlan

APPOINTMENT_KIND = {"dosing": Kind.DOSING, "counselling": Kind.COUNSELLING}
MAX_BOOKING_DAYS = 60


@dataclass(frozen=True)
class TalkStaff:
    """Who holds a kind of non-dosing session: counselling is the therapist's (who writes its
    note), a review the prescriber's (who signs the plan version it leads to)."""

    field: str
    action: Action
    who: str
    what: str


THERAPIST = TalkStaff("therapist", Action.COUNSELLING_RECORD, "a therapist", "counselling")
REVIEWER = TalkStaff("reviewer", Action.PLAN_SIGN, "a prescriber", "reviews")


def talk_staff(kind: str) -> TalkStaff:
    return THERAPIST if kind == "counselling" else REVIEWER


def staff_holding(actor: Actor, staff: TalkStaff) -> list[tuple[int, str]]:
    """The clinic's staff whose role holds these sessions: the booking form's choices."""
    roles = [role for role in Role.values if role_can(role, staff.action)]
    members = Membership.objects.filter(clinic=actor.clinic, role__in=roles).select_related("user")
    return [(m.user_id, m.user.full_name or m.user.email) for m in members.order_by("user_id")]


@dataclass(frozen=True)
class BookingRun:
    start_time: time
    minutes: int
    room_id: int | None = None
    staff_id: int | None = None
    days_ahead: int = 14
    therapist_id: int | None = None
    reviewer_id: int | None = None
    counselling_room_id: int | None = None

    def staff_for(self, kind: str) -> int | None:
        if kind == "dosing":
            return self.staff_id
        return self.therapist_id if talk_staff(kind) is THERAPIST else self.reviewer_id


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


def _check_talks(actor: Actor, rows: list[PlannedSession], run: BookingRun) -> None:
    """Counselling and reviews among the sessions to book need their staff member, of a role
    that holds them, and a room where the clinic has rooms (else each would be booked with
    nobody, nowhere, and no double booking could be refused)."""
    needed = {talk_staff(row.kind) for row in rows if row.kind != "dosing"}
    errors: dict[str, str] = {}
    for staff in needed:
        user_id = getattr(run, f"{staff.field}_id")
        if user_id is None:
            errors[staff.field] = f"Choose {staff.who} for the {staff.what}."
            continue
        member = Membership.objects.filter(clinic=actor.clinic, user_id=user_id).first()
        if member is None or not role_can(member.role, staff.action):
            errors[staff.field] = f"Not {staff.who} of this clinic: choose {staff.who}."
    if needed and run.counselling_room_id is None and calendar.rooms(actor).exists():
        errors["counselling_room"] = "Choose the room for counselling and reviews."
    if errors:  # all at once, so the page shows every field that needs a choice
        raise ValidationError(errors)


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
    rows = _bookable(plan, run.days_ahead)
    _check_talks(actor, rows, run)
    result, next_free = BookingResult(), dict[date, datetime]()
    for row in rows:
        # A counselling session on a dosing day follows the dose: start after the last slot.
        starts = next_free.get(row.on) or datetime.combine(row.on, run.start_time, zone)
        kind = APPOINTMENT_KIND.get(row.kind, Kind.FOLLOW_UP)
        room = run.room_id if kind == Kind.DOSING else run.counselling_room_id
        booking = calendar.Booking(kind, starts, run.minutes, room, run.staff_for(row.kind))
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
