"""The clinic calendar: booking, moving and cancelling; no chair, person or patient booked
twice at once (also under two simultaneous bookings); opening hours and closed days; the day
and week views; the private .ics feed; each role and another clinic's users."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from icalendar import Calendar

from ketacare.appointments import services
from ketacare.appointments.models import Appointment, ClosedDay, OpeningHours, Room
from tests.conftest import ROLES, actor_for

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("America/New_York")  # the test clinics' time zone (the Clinic default)


def next_weekday(weekday: int) -> date:
    day = date.today() + timedelta(days=2)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


TUESDAY = next_weekday(1)


def at(hour: int, minute: int = 0, day: date = TUESDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


def desk(world):  # type: ignore[no-untyped-def]
    return actor_for(world.users_a["front_desk"], world.clinic_a, "front_desk")


@pytest.fixture
def chair(world):  # type: ignore[no-untyped-def]
    return Room.objects.create(clinic=world.clinic_a, name="Chair 1")


def booking(start: datetime, minutes: int = 120, room=None, staff=None) -> services.Booking:  # type: ignore[no-untyped-def]
    return services.Booking("dosing", start, minutes, room.pk if room else None, staff)


def test_a_chair_is_never_booked_twice_and_the_refusal_says_when(world, chair):
    services.book(desk(world), world.patient_a.public_id, booking(at(9), room=chair))
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data

    other = Patient.objects.create(clinic=world.clinic_a, **patient_data(mrn="a-2"))
    with pytest.raises(Exception, match="Chair 1 is already booked 09:00-11:00"):
        services.book(desk(world), other.public_id, booking(at(10), room=chair))
    # back to back is fine
    services.book(desk(world), other.public_id, booking(at(11), room=chair))
    assert Appointment.objects.count() == 2


def test_a_staff_member_and_a_patient_are_not_booked_twice(world, chair):
    nurse = world.users_a["nurse"].pk
    services.book(desk(world), world.patient_a.public_id, booking(at(9), staff=nurse))
    with pytest.raises(Exception, match="The patient is already booked"):
        services.book(desk(world), world.patient_a.public_id, booking(at(10), room=chair))
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data

    other = Patient.objects.create(clinic=world.clinic_a, **patient_data(mrn="a-3"))
    with pytest.raises(Exception, match="already booked 09:00-11:00"):
        services.book(desk(world), other.public_id, booking(at(10, 30), staff=nurse))


def test_opening_hours_and_closed_days_are_kept(world, chair):
    OpeningHours.objects.create(clinic=world.clinic_a, weekday=1, opens=time(8), closes=time(17))
    with pytest.raises(Exception, match="Outside opening hours"):
        services.book(desk(world), world.patient_a.public_id, booking(at(16)))
    with pytest.raises(Exception, match="closed on Wednesdays"):
        services.book(desk(world), world.patient_a.public_id,
                      booking(at(9, day=next_weekday(2))))  # fmt: skip
    ClosedDay.objects.create(clinic=world.clinic_a, day=TUESDAY, reason="staff training")
    with pytest.raises(Exception, match="staff training"):
        services.book(desk(world), world.patient_a.public_id, booking(at(9)))
    assert not Appointment.objects.exists()


def test_moving_checks_conflicts_except_with_itself_and_cancel_needs_a_reason(world, chair):
    first = services.book(desk(world), world.patient_a.public_id, booking(at(9), room=chair))
    moved = services.move(desk(world), first.public_id, booking(at(10), room=chair))
    assert moved.starts_at == at(10)
    with pytest.raises(Exception, match="Say why"):
        services.cancel(desk(world), first.public_id, " ")
    services.cancel(desk(world), first.public_id, "patient unwell")
    first.refresh_from_db()
    assert first.status == "cancelled"
    # the freed chair can be booked again
    services.book(desk(world), world.patient_a.public_id, booking(at(10), room=chair))


@pytest.mark.parametrize(
    ("role", "calendar", "book"),
    [("front_desk", 200, 302), ("clinic_admin", 200, 302), ("prescriber", 200, 302),
     ("nurse", 200, 302), ("therapist", 200, 302), ("patient", 403, 403)],
)  # fmt: skip
def test_who_sees_the_calendar_and_who_books(world, client_as, chair, role, calendar, book):
    client = client_as(world.users_a[role])
    assert client.get(reverse("calendar")).status_code == calendar
    response = client.post(reverse("appointment-new", args=[world.patient_a.public_id]),
                           {"kind": "dosing", "starts_at": at(9).strftime("%Y-%m-%dT%H:%M"),
                            "minutes": "120", "room": str(chair.pk)})  # fmt: skip
    assert response.status_code == book


@pytest.mark.parametrize("role", ROLES)
def test_another_clinics_appointment_is_not_found(world, client_as, chair, role):
    appt = services.book(desk(world), world.patient_a.public_id, booking(at(9), room=chair))
    client = client_as(world.users_b[role])
    assert client.get(reverse("appointment", args=[appt.public_id])).status_code == 404
    response = client.post(reverse("appointment", args=[appt.public_id]),
                           {"do": "cancel", "reason": "x"})  # fmt: skip
    assert response.status_code == 404
    appt.refresh_from_db()
    assert appt.status == "booked"


def test_the_page_refuses_a_double_booking_beside_the_field(world, client_as, chair):
    services.book(desk(world), world.patient_a.public_id, booking(at(9), room=chair))
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data

    other = Patient.objects.create(clinic=world.clinic_a, **patient_data(mrn="a-4"))
    response = client_as(world.users_a["front_desk"]).post(
        reverse("appointment-new", args=[other.public_id]),
        {"kind": "dosing", "starts_at": at(10).strftime("%Y-%m-%dT%H:%M"), "minutes": "60",
         "room": str(chair.pk)},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Chair 1 is already booked" in response.content.decode()


def test_day_and_week_views_list_the_bookings(world, client_as, chair):
    services.book(desk(world), world.patient_a.public_id, booking(at(9), room=chair))
    client = client_as(world.users_a["nurse"])
    day = client.get(reverse("calendar"), {"day": TUESDAY.isoformat()}).content.decode()
    assert world.patient_a.full_name in day and "Chair 1" in day
    week = client.get(reverse("calendar"), {"day": TUESDAY.isoformat(), "view": "week"})
    assert week.content.decode().count('data-testid="calendar-day"') == 7
    assert world.patient_a.full_name in week.content.decode()


def test_the_ics_feed_shows_own_appointments_by_initials_and_can_be_revoked(world, client_as):
    nurse = world.users_a["nurse"]
    services.book(desk(world), world.patient_a.public_id, booking(at(9), staff=nurse.pk))
    client = client_as(nurse)
    page = client.post(reverse("calendar-feed-settings")).content.decode()
    address = page.split("<code>")[1].split("</code>")[0]
    path = address.split("testserver")[1]
    feed = client.get(path)
    assert feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["summary"]) == "Dosing session · A.T."
    assert world.patient_a.last_name not in feed.content.decode()
    client.post(reverse("calendar-feed-settings"), {"do": "revoke"})
    assert client.get(path).status_code == 404
    assert client.get("/calendar/feed/not-a-token.ics").status_code == 404


def _subscribe(client):  # type: ignore[no-untyped-def]
    page = client.post(reverse("calendar-feed-settings")).content.decode()
    return page.split("<code>")[1].split("</code>")[0].split("testserver")[1]


def test_a_patient_subscribes_to_their_own_sessions_and_no_one_elses(world, client_as):
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data

    other = Patient.objects.create(clinic=world.clinic_a, **patient_data(mrn="a-2"))
    services.book(desk(world), world.patient_a.public_id, booking(at(9)))
    services.book(desk(world), other.public_id, booking(at(13)))
    client = client_as(world.users_a["patient"])
    account = client.get(reverse("account")).content.decode()
    assert reverse("calendar-feed-settings") in account
    path = _subscribe(client)
    client.logout()  # calendar apps cannot log in: the token is the key
    events = Calendar.from_ical(client.get(path).content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Dosing session · Clinic A"]
    assert events[0]["dtstart"].dt == at(9)
    client_as(world.users_a["patient"]).post(reverse("calendar-feed-settings"), {"do": "revoke"})
    assert client.get(path).status_code == 404


def test_the_clinic_calendar_stays_closed_to_patients(world, client_as):
    client = client_as(world.users_a["patient"])
    assert client.get(reverse("calendar")).status_code == 403


def test_the_banner_shows_the_next_visit(world, client_as, chair):
    services.book(desk(world), world.patient_a.public_id, booking(at(9), room=chair))
    html = (
        client_as(world.users_a["nurse"])
        .get(reverse("patient-chart", args=[world.patient_a.public_id]))
        .content.decode()
    )
    assert 'data-testid="banner-appointment"' in html and "dosing session" in html


def _book_in_thread(actor, patient_id, room, barrier, outcomes):  # type: ignore[no-untyped-def]
    try:
        barrier.wait(10)
        services.book(actor, patient_id, booking(at(9), room=room))
        outcomes.append("booked")
    except Exception as exc:  # noqa: BLE001 - checked below
        outcomes.append(str(exc))
    finally:
        connection.close()


def test_two_simultaneous_bookings_of_one_chair_give_one(transactional_db, world):  # type: ignore[no-untyped-def]
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data

    room = Room.objects.create(clinic=world.clinic_a, name="Chair 9")
    other = Patient.objects.create(clinic=world.clinic_a, **patient_data(mrn="a-5"))
    barrier, outcomes = threading.Barrier(2), []
    threads = [threading.Thread(target=_book_in_thread,
                                args=(desk(world), p.public_id, room, barrier, outcomes))
               for p in (world.patient_a, other)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert Appointment.objects.filter(room=room).count() == 1
    loser = sorted(outcomes, key=lambda o: o == "booked")[0]
    assert "already booked" in loser or (connection.vendor == "sqlite" and "locked" in loser)


def test_the_api_books_lists_and_cancels_with_fields_named(world, client_as, chair):
    import json

    client = client_as(world.users_a["front_desk"])
    body = {"kind": "dosing", "starts_at": at(9).isoformat(), "minutes": 120, "room_id": chair.pk}
    created = client.post(f"/api/patients/{world.patient_a.public_id}/appointments",
                          json.dumps(body), content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    again = client.post(f"/api/patients/{world.patient_a.public_id}/appointments",
                        json.dumps(body), content_type="application/json")  # fmt: skip
    assert again.status_code == 422 and "patient" in json.dumps(again.json()["detail"])
    listed = client.get("/api/appointments", {"day": TUESDAY.isoformat()}).json()
    assert listed["count"] == 1
    cancelled = client.post(f"/api/appointments/{created.json()['id']}/cancel",
                            json.dumps({"reason": "rescheduled"}),
                            content_type="application/json")  # fmt: skip
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
