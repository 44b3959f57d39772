"""Booking, moving and cancelling appointments; pages and API share them.

No double booking: the room, the staff member and the patient rows are locked (PostgreSQL
row locks; SQLite takes its write lock at BEGIN) before the overlap check, so of two
simultaneous bookings of one chair the second sees the first and is refused.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.models import Membership, User
from ketacare.accounts.roles import STAFF_ROLES, Action, require, role_can
from ketacare.appointments.models import (
    Appointment,
    ClosedDay,
    FeedToken,
    Kind,
    OpeningHours,
    Room,
    Status,
)
from ketacare.audit.services import record
from ketacare.clinical.dates import APPOINTMENT_DATE
from ketacare.clinical.telehealth import unlicensed_location
from ketacare.clinical_input import plausible_date
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient

MAX_MINUTES = 480  # data-entry bound: a longer slot is a typo (hours typed as minutes)


@dataclass(frozen=True)
class Booking:
    kind: str
    starts_at: datetime
    minutes: int
    room_id: int | None = None
    staff_id: int | None = None


def _local(actor: Actor, moment: datetime) -> datetime:
    assert actor.clinic is not None
    return timezone.localtime(moment, ZoneInfo(actor.clinic.time_zone))


def _check_slot(actor: Actor, booking: Booking) -> tuple[datetime, datetime]:
    if booking.kind not in Kind.values:
        raise ValidationError(
            {"kind": "Choose dosing, counselling, consultation, follow-up or a video visit."}
        )
    if not 5 <= booking.minutes <= MAX_MINUTES:
        raise ValidationError({"minutes": f"Between 5 and {MAX_MINUTES} minutes."})
    starts = booking.starts_at
    if timezone.is_naive(starts):
        assert actor.clinic is not None
        starts = timezone.make_aware(starts, ZoneInfo(actor.clinic.time_zone))
    plausible_date("starts_at", starts, APPOINTMENT_DATE)
    ends = starts + timedelta(minutes=booking.minutes)
    local_start, local_end = _local(actor, starts), _local(actor, ends)
    day = local_start.date()
    closed = ClosedDay.objects.filter(clinic=actor.clinic, day=day).first()
    if closed is not None:
        raise ValidationError({"starts_at": f"The clinic is closed on {day}: {closed.reason}."})
    hours = OpeningHours.objects.filter(clinic=actor.clinic)
    if hours.exists():  # a clinic that has set no hours books at any time
        today = hours.filter(weekday=day.weekday()).first()
        if today is None:
            raise ValidationError({"starts_at": f"The clinic is closed on {day:%A}s."})
        if not (today.opens <= local_start.time() and local_end.date() == day
                and local_end.time() <= today.closes):  # fmt: skip
            raise ValidationError({"starts_at": (
                f"Outside opening hours ({today.opens:%H:%M}-{today.closes:%H:%M} on {day:%A}s)."
            )})  # fmt: skip
    return starts, ends


def _conflict(
    actor: Actor, starts: datetime, ends: datetime, patient: Patient, room: Room | None,
    staff: User | None, moving: Appointment | None,
) -> None:  # fmt: skip
    overlapping = Appointment.objects.filter(
        clinic=actor.clinic, status=Status.BOOKED, starts_at__lt=ends, ends_at__gt=starts
    )
    if moving is not None:
        overlapping = overlapping.exclude(pk=moving.pk)
    checks = [("patient", Q(patient=patient), "The patient")]
    if room is not None:
        checks.append(("room", Q(room=room), room.name))
    if staff is not None:
        checks.append(("staff", Q(staff=staff), staff.full_name or staff.email))
    for field, clash, who in checks:
        other = overlapping.filter(clash).first()
        if other is not None:
            at = f"{_local(actor, other.starts_at):%H:%M}-{_local(actor, other.ends_at):%H:%M}"
            raise ValidationError({field: f"{who} is already booked {at} that day."})


def _resources(actor: Actor, booking: Booking) -> tuple[Room | None, User | None]:
    room = staff = None
    if booking.room_id is not None:
        room = (
            Room.objects.select_for_update().filter(clinic=actor.clinic, pk=booking.room_id).first()
        )
        if room is None:
            raise ValidationError({"room": "No such room in this clinic."})
    if booking.staff_id is not None:
        member = (
            Membership.objects.select_for_update()
            .select_related("user")
            .filter(clinic=actor.clinic, user_id=booking.staff_id, role__in=STAFF_ROLES)
            .first()
        )
        if member is None:
            raise ValidationError({"staff": "No such staff member in this clinic."})
        staff = member.user
    return room, staff


def _check_video_visit(patient: Patient, kind: str) -> None:
    """A video visit is booked only for a patient whose state on file is one the clinic is
    licensed in (H15: EHRs gate booking by the patient's state). The booking knows where the
    patient lives, not where they will be: the start of the encounter asks that again."""
    if kind != Kind.TELEHEALTH:
        return
    licensed = patient.clinic.licensed_states or ()
    unlicensed = unlicensed_location(
        patient.state_of_residence, licensed, "where the patient lives"
    )
    if unlicensed:
        raise ValidationError({"kind": f"{unlicensed} Book an in-person visit, or correct the "
                                       "patient's state if they have moved."})  # fmt: skip


@transaction.atomic
def book(actor: Actor, patient_id: Any, booking: Booking) -> Appointment:
    patient = get_for(actor, Patient, patient_id, Action.APPOINTMENT_BOOK, lock=True)
    starts, ends = _check_slot(actor, booking)
    _check_video_visit(patient, booking.kind)
    room, staff = _resources(actor, booking)
    _conflict(actor, starts, ends, patient, room, staff, None)
    appointment = Appointment.objects.create(
        clinic=patient.clinic, patient=patient, kind=booking.kind, starts_at=starts,
        ends_at=ends, room=room, staff=staff, booked_by=actor.user,
    )  # fmt: skip
    record(actor, "create", "appointment", appointment.public_id, patient_id=patient.public_id,
           detail={"kind": booking.kind, "starts_at": starts.isoformat()})  # fmt: skip
    return appointment


@transaction.atomic
def move(actor: Actor, appointment_id: Any, booking: Booking) -> Appointment:
    appointment = get_for(actor, Appointment, appointment_id, Action.APPOINTMENT_BOOK, lock=True)
    if appointment.status != Status.BOOKED:
        raise ValidationError({"starts_at": "A cancelled appointment is booked anew."})
    Patient.objects.select_for_update().filter(pk=appointment.patient_id).first()
    starts, ends = _check_slot(actor, booking)
    if booking.kind != appointment.kind:  # a video visit already booked keeps its booking
        _check_video_visit(appointment.patient, booking.kind)
    room, staff = _resources(actor, booking)
    _conflict(actor, starts, ends, appointment.patient, room, staff, appointment)
    before = appointment.starts_at.isoformat()
    appointment.kind, appointment.starts_at, appointment.ends_at = booking.kind, starts, ends
    appointment.room, appointment.staff = room, staff
    appointment.save()
    record(actor, "update", "appointment", appointment.public_id,
           patient_id=appointment.patient.public_id,
           detail={"from": before, "to": starts.isoformat()})  # fmt: skip
    return appointment


@transaction.atomic
def cancel(actor: Actor, appointment_id: Any, reason: str) -> Appointment:
    appointment = get_for(actor, Appointment, appointment_id, Action.APPOINTMENT_BOOK, lock=True)
    if appointment.status == Status.CANCELLED:
        raise ValidationError({"reason": "Already cancelled."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why (e.g. patient unwell, rescheduled)."})
    appointment.status, appointment.cancel_reason = Status.CANCELLED, reason.strip()[:200]
    appointment.save(update_fields=["status", "cancel_reason"])
    record(actor, "update", "appointment", appointment.public_id,
           patient_id=appointment.patient.public_id, detail={"cancelled": True})  # fmt: skip
    return appointment


@transaction.atomic
def check_in(actor: Actor, appointment_id: Any) -> Appointment:
    """The patient has arrived: the first step of the visit's state on Today. Only for a
    booked appointment of the clinic's today; a second check-in is refused, not repeated."""
    appointment = get_for(actor, Appointment, appointment_id, Action.APPOINTMENT_CHECK_IN,
                          lock=True)  # fmt: skip
    if appointment.status == Status.CANCELLED:
        raise ValidationError({"appointment": (
            f"This appointment was cancelled ({appointment.cancel_reason}): book it anew."
        )})  # fmt: skip
    day = _local(actor, appointment.starts_at).date()
    today = _local(actor, timezone.now()).date()
    if day != today:
        raise ValidationError({"appointment": (
            f"This appointment is on {day:%A %Y-%m-%d}, not today: check in on its day."
        )})  # fmt: skip
    if appointment.checked_in_at is not None:
        raise ValidationError({"appointment": (
            f"Already checked in at {_local(actor, appointment.checked_in_at):%H:%M}."
        )})  # fmt: skip
    appointment.checked_in_at, appointment.checked_in_by = timezone.now(), actor.user
    appointment.save(update_fields=["checked_in_at", "checked_in_by"])
    record(actor, "update", "appointment", appointment.public_id,
           patient_id=appointment.patient.public_id, detail={"checked_in": True})  # fmt: skip
    return appointment


def between(actor: Actor, first: date, days: int) -> QuerySet[Appointment]:
    """Booked appointments of the clinic's local days [first, first + days): the day and week
    views. Showing names is a read of those patients: one audited list read."""
    assert actor.clinic is not None
    zone = ZoneInfo(actor.clinic.time_zone)
    start = datetime.combine(first, datetime.min.time(), zone)
    rows = (
        Appointment.objects.for_actor(actor, Action.CALENDAR_VIEW)
        .filter(status=Status.BOOKED, starts_at__gte=start,
                starts_at__lt=start + timedelta(days=days))
        .select_related("patient", "room", "staff")
    )  # fmt: skip
    record(actor, "read", "calendar", "", detail={"from": first.isoformat(), "days": days})
    return rows


def next_appointment(actor: Actor, patient: Patient) -> Appointment | None:
    """For the banner of a patient already read through the gate."""
    return (
        Appointment.objects.for_actor(actor, Action.CALENDAR_VIEW)
        .filter(patient=patient, status=Status.BOOKED, starts_at__gte=timezone.now())
        .select_related("room")
        .first()
    )


def rooms(actor: Actor) -> QuerySet[Room]:
    return Room.objects.filter(clinic=actor.clinic)


def staff_choices(actor: Actor) -> list[tuple[int, str]]:
    members = Membership.objects.filter(clinic=actor.clinic, role__in=STAFF_ROLES)
    return [(m.user_id, m.user.full_name or m.user.email) for m in members.select_related("user")]


@transaction.atomic
def add_room(actor: Actor, name: str) -> Room:
    require(actor, Action.CALENDAR_SETUP)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the room or chair."})
    if Room.objects.filter(clinic=actor.clinic, name=name).exists():
        raise ValidationError({"name": f"There is already a {name}."})
    assert actor.clinic is not None
    room = Room.objects.create(clinic=actor.clinic, name=name)
    record(actor, "create", "room", room.pk)
    return room


# --- the private .ics feed -------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_action(role: str) -> Action:
    """Staff subscribe to the appointments they run, a patient to their own (the gate
    scopes a patient-role read to their own record)."""
    return Action.CALENDAR_VIEW if role_can(role, Action.CALENDAR_VIEW) else Action.OWN_APPOINTMENTS


@transaction.atomic
def new_feed_token(actor: Actor) -> str:
    """A new private address for the actor's own appointments; the old one stops working.
    Shown once: only its hash is stored."""
    require(actor, feed_action(actor.role))
    FeedToken.objects.filter(user=actor.user, clinic=actor.clinic, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    assert actor.user is not None and actor.clinic is not None
    FeedToken.objects.create(user=actor.user, clinic=actor.clinic, digest=_digest(token))
    record(actor, "create", "calendar_feed", "")
    return token


@transaction.atomic
def revoke_feed(actor: Actor) -> None:
    require(actor, feed_action(actor.role))
    FeedToken.objects.filter(user=actor.user, clinic=actor.clinic, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    record(actor, "update", "calendar_feed", "", detail={"revoked": True})


def feed_owner(token: str) -> FeedToken | None:
    return (
        FeedToken.objects.select_related("user", "clinic")
        .filter(digest=_digest(token), revoked_at=None)
        .first()
    )


@transaction.atomic
def set_hours(actor: Actor, weekday: int, opens: Any, closes: Any) -> OpeningHours:
    require(actor, Action.CALENDAR_SETUP)
    if not 0 <= weekday <= 6:
        raise ValidationError({"weekday": "Monday to Sunday."})
    if opens >= closes:
        raise ValidationError({"closes": "Closing comes after opening."})
    hours, _ = OpeningHours.objects.update_or_create(
        clinic=actor.clinic, weekday=weekday, defaults={"opens": opens, "closes": closes}
    )
    record(actor, "update", "opening_hours", weekday,
           detail={"opens": str(opens), "closes": str(closes)})  # fmt: skip
    return hours


@transaction.atomic
def close_day(actor: Actor, day: date, reason: str) -> ClosedDay:
    require(actor, Action.CALENDAR_SETUP)
    closed, _ = ClosedDay.objects.update_or_create(
        clinic=actor.clinic, day=day, defaults={"reason": reason.strip()[:120]}
    )
    record(actor, "create", "closed_day", day.isoformat())
    return closed


def feed_events(owner: FeedToken, actor: Actor) -> list[Appointment]:
    """The owner's own appointments (those they run, or for a patient those they attend), a
    month back to six months ahead, through the gate as the owner, as one audited read."""
    now = timezone.now()
    action = feed_action(actor.role)
    rows = Appointment.objects.for_actor(actor, action).filter(
        status=Status.BOOKED,
        starts_at__gte=now - timedelta(days=31), starts_at__lt=now + timedelta(days=183),
    )  # fmt: skip
    if action == Action.CALENDAR_VIEW:
        rows = rows.filter(staff=owner.user)
    events = list(rows.select_related("patient", "room"))
    record(actor, "read", "calendar_feed", "", detail={"events": len(events)})
    return events
