"""Checking a patient in on arrival: front desk, nurse or prescriber, by the Today page's
button or the API; audited; refused with the reason for a cancelled visit, another day's,
or one already checked in; never across clinics."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.appointments.models import Appointment
from ketacare.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def visit(world, days_from_today: int = 0, kind: str = "dosing", clinic: str = "a") -> Appointment:  # type: ignore[no-untyped-def]
    """A visit at noon on the clinic's day (made directly: the test clinic sets no hours)."""
    owner = getattr(world, f"clinic_{clinic}")
    zone = ZoneInfo(owner.time_zone)
    day = timezone.localtime(timezone.now(), zone).date() + timedelta(days=days_from_today)
    noon = datetime.combine(day, time(12), zone)
    return Appointment.objects.create(
        clinic=owner, patient=getattr(world, f"patient_{clinic}"), kind=kind,
        starts_at=noon, ends_at=noon + timedelta(hours=2),
    )  # fmt: skip


def check_in_api(client, appointment: Appointment):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/appointments/{appointment.public_id}/check-in", "{}", content_type="application/json"
    )


def test_front_desk_checks_a_patient_in_from_today_and_today_says_so(world, client_as):
    booked = visit(world)
    client = client_as(world.users_a["front_desk"])
    before = client.get(reverse("today")).content.decode()
    assert 'data-testid="visit-state">booked<' in before and 'data-testid="check-in"' in before
    url = reverse("appointment-check-in", args=[booked.public_id])
    response = client.post(url, {"next": "today"})
    assert response.status_code == 302 and response["Location"] == reverse("today")
    after = client.get(reverse("today")).content.decode()
    assert "is checked in" in after
    assert 'data-testid="visit-state">checked in<' in after
    assert 'data-testid="check-in"' not in after
    booked.refresh_from_db()
    assert booked.checked_in_at is not None and booked.checked_in_by == world.users_a["front_desk"]
    entry = AuditEntry.objects.get(object_type="appointment", object_id=str(booked.public_id),
                                   action="update")  # fmt: skip
    assert entry.detail == {"checked_in": True}
    assert entry.patient_id == str(world.patient_a.public_id)


@pytest.mark.parametrize(
    ("role", "status"),
    [("front_desk", 200), ("nurse", 200), ("prescriber", 200), ("therapist", 403),
     ("clinic_admin", 403), ("patient", 403)],
)  # fmt: skip
def test_who_may_check_a_patient_in(world, client_as, role, status):
    booked = visit(world)
    response = check_in_api(client_as(world.users_a[role]), booked)
    assert response.status_code == status, response.content
    booked.refresh_from_db()
    assert (booked.checked_in_at is not None) == (status == 200)
    if status == 200:
        assert response.json()["checked_in_at"] is not None


def test_a_cancelled_visit_is_not_checked_in_and_the_reason_is_given(world, client_as):
    cancelled = visit(world)
    Appointment.objects.filter(pk=cancelled.pk).update(status="cancelled", cancel_reason="unwell")
    response = check_in_api(client_as(world.users_a["front_desk"]), cancelled)
    assert response.status_code == 422
    assert "appointment" in response.content.decode() and "cancelled" in response.content.decode()
    cancelled.refresh_from_db()
    assert cancelled.checked_in_at is None


@pytest.mark.parametrize("days", [-1, 1])
def test_another_days_visit_is_not_checked_in_today(world, client_as, days):
    other_day = visit(world, days)
    response = check_in_api(client_as(world.users_a["nurse"]), other_day)
    assert response.status_code == 422
    assert "not today" in response.content.decode()
    other_day.refresh_from_db()
    assert other_day.checked_in_at is None


def test_a_second_check_in_is_refused_and_the_page_shows_why(world, client_as):
    booked = visit(world)
    client = client_as(world.users_a["front_desk"])
    url = reverse("appointment-check-in", args=[booked.public_id])
    client.post(url)
    first = Appointment.objects.get(pk=booked.pk).checked_in_at
    page = client.post(url, follow=True).content.decode()
    assert "Already checked in at" in page
    assert Appointment.objects.get(pk=booked.pk).checked_in_at == first


def test_another_clinics_visit_is_not_found(world, client_as):
    theirs = visit(world, clinic="b")
    assert check_in_api(client_as(world.users_a["front_desk"]), theirs).status_code == 404
    theirs.refresh_from_db()
    assert theirs.checked_in_at is None


def test_the_check_in_page_route_takes_posts_only(world, client_as):
    booked = visit(world)
    client = client_as(world.users_a["front_desk"])
    assert client.get(reverse("appointment-check-in", args=[booked.public_id])).status_code == 405
    page = client.get(reverse("appointment", args=[booked.public_id])).content.decode()
    assert "Check in" in page


def test_a_counselling_visit_is_checked_in_too_and_shows_no_session_state(world, client_as):
    talk = visit(world, kind="counselling")
    client = client_as(world.users_a["nurse"])
    assert check_in_api(client, talk).status_code == 200
    html = client.get(reverse("today")).content.decode()
    assert 'data-testid="visit-state">checked in<' in html
    assert "Begin the session" not in html  # only a dosing visit begins a session
