"""Calendar pages: the day and week views, booking for a patient, one appointment (move,
cancel), the clinic's rooms and hours, and each staff member's private .ics feed."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.models import Membership
from ketacare.accounts.roles import Action, Role, require, role_can
from ketacare.appointments import services
from ketacare.appointments.forms import (
    BookingForm,
    CancelForm,
    ClosedDayForm,
    HoursForm,
    RoomForm,
)
from ketacare.appointments.models import Appointment
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.web.form_use_case import run_on_form


def _booking_form(actor: Actor, data: Any = None, initial: Any = None) -> BookingForm:
    rooms = [(r.pk, r.name) for r in services.rooms(actor)]
    return BookingForm(data, initial=initial, rooms=rooms, staff=services.staff_choices(actor))


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.CALENDAR_VIEW)
    try:
        first = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        first = timezone.localdate()
    week = request.GET.get("view") == "week"
    if week:
        first -= timedelta(days=first.weekday())
    days = 7 if week else 1
    by_day: dict[date, list[Appointment]] = defaultdict(list)
    for appointment in services.between(actor, first, days):
        by_day[timezone.localtime(appointment.starts_at).date()].append(appointment)
    context = {
        "week": week,
        "first": first,
        "days": [(first + timedelta(days=n), by_day[first + timedelta(days=n)])
                 for n in range(days)],
        "previous": first - timedelta(days=days),
        "following": first + timedelta(days=days),
        "can_setup": role_can(actor.role, Action.CALENDAR_SETUP),
    }  # fmt: skip
    return render(request, "appointments/calendar.html", context)


@login_required
def book(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = get_for(actor, Patient, public_id, Action.APPOINTMENT_BOOK)
    form = _booking_form(actor, request.POST or None)
    if request.method == "POST" and run_on_form(
        form, lambda: services.book(actor, public_id, form.booking())
    ):
        day = timezone.localtime(form.cleaned_data["starts_at"]).date()
        return redirect(f"/calendar/?day={day.isoformat()}")
    return render(request, "appointments/book.html", {"patient": patient, "form": form},
                  status=422 if form.errors else 200)  # fmt: skip


@login_required
def appointment(request: HttpRequest, appointment_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    action = Action.APPOINTMENT_BOOK if request.method == "POST" else Action.CALENDAR_VIEW
    found = get_for(actor, Appointment, appointment_id, action)
    initial = {"kind": found.kind, "starts_at": timezone.localtime(found.starts_at),
               "minutes": int((found.ends_at - found.starts_at).total_seconds() // 60),
               "room": found.room_id, "staff": found.staff_id}  # fmt: skip
    move_form = _booking_form(actor, None, initial)
    cancel_form = CancelForm()
    if request.method == "POST":
        if request.POST.get("do") == "cancel":
            cancel_form = CancelForm(request.POST)
            done = run_on_form(cancel_form, lambda: services.cancel(
                actor, appointment_id, cancel_form.cleaned_data["reason"]))  # fmt: skip
        else:
            move_form = _booking_form(actor, request.POST)
            done = run_on_form(move_form, lambda: services.move(actor, appointment_id,
                                                         move_form.booking()))  # fmt: skip
        if done:
            return redirect("appointment", appointment_id=appointment_id)
        found.refresh_from_db()
    context = {"appointment": found, "patient": found.patient, "move_form": move_form,
               "cancel_form": cancel_form,
               "can_book": role_can(actor.role, Action.APPOINTMENT_BOOK),
               "can_check_in": role_can(actor.role, Action.APPOINTMENT_CHECK_IN)}  # fmt: skip
    status = 422 if move_form.errors or cancel_form.errors else 200
    return render(request, "appointments/appointment.html", context, status=status)


@require_POST
@login_required
def check_in(request: HttpRequest, appointment_id: UUID) -> HttpResponse:
    """From the Today page (back to it) or the appointment's page; a refusal is shown there
    with its reason."""
    actor = actor_from_request(request)
    try:
        found = services.check_in(actor, appointment_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{found.patient.full_name} is checked in.")
    if request.POST.get("next") == "today":
        return redirect("today")
    return redirect("appointment", appointment_id=appointment_id)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.CALENDAR_SETUP)
    forms: dict[str, Form] = {"room": RoomForm(prefix="room"), "hours": HoursForm(prefix="hours"),
                              "closed": ClosedDayForm(prefix="closed")}  # fmt: skip
    what = request.POST.get("what", "")
    if request.method == "POST" and what in forms:
        form: Any = type(forms[what])(request.POST, prefix=what)
        forms[what] = form
        use_cases = {
            "room": lambda: services.add_room(actor, form.cleaned_data["name"]),
            "hours": lambda: services.set_hours(actor, form.cleaned_data["weekday"],
                                                form.cleaned_data["opens"],
                                                form.cleaned_data["closes"]),
            "closed": lambda: services.close_day(actor, form.cleaned_data["day"],
                                                 form.cleaned_data["reason"]),
        }  # fmt: skip
        if run_on_form(form, use_cases[what]):
            return redirect("calendar-setup")
    assert actor.clinic is not None
    context = {"forms": forms, "rooms": list(services.rooms(actor)),
               "hours": list(actor.clinic.hours.all())}  # fmt: skip
    return render(request, "appointments/setup.html", context,
                  status=422 if any(f.errors for f in forms.values()) else 200)  # fmt: skip


@login_required
def feed_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, services.feed_action(actor.role))
    address = None
    if request.method == "POST":
        if request.POST.get("do") == "revoke":
            services.revoke_feed(actor)
        else:
            token = services.new_feed_token(actor)
            address = request.build_absolute_uri(f"/calendar/feed/{token}.ics")
    context = {"address": address, "for_patient": actor.role == Role.PATIENT}
    return render(request, "appointments/feed.html", context)


def _initials(patient: Patient) -> str:
    return f"{patient.first_name[:1]}.{patient.last_name[:1]}."


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login (calendar apps cannot log in): the token is the key. Events name the patient
    by initials only, since calendar apps copy them to other services."""
    owner = services.feed_owner(token)
    if owner is None:
        raise Http404("No such calendar.")
    member = Membership.objects.filter(user=owner.user, clinic=owner.clinic).first()
    if member is None:
        raise Http404("No such calendar.")
    actor = Actor(user=owner.user, clinic=owner.clinic, role=member.role, request_id="ics")
    cal = Calendar()
    cal.add("prodid", "-//KetaCare//appointments//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"KetaCare · {owner.clinic.name}")
    for appt in services.feed_events(owner, actor):
        event = Event()
        event.add("uid", f"{appt.public_id}@ketacare")
        event.add("dtstart", appt.starts_at)
        event.add("dtend", appt.ends_at)
        event.add("dtstamp", appt.booked_at)
        room = f" · {appt.room.name}" if appt.room else ""
        # A patient's own feed names the clinic; a staff feed the patient, by initials.
        whom = owner.clinic.name if member.role == Role.PATIENT else _initials(appt.patient)
        event.add("summary", f"{appt.get_kind_display()}{room} · {whom}")
        cal.add_component(event)
    return HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
