"""The clinic's day: each role sees its own parts first, only what it may see; the panel
reloads on its own; the query count does not grow with the clinic's history."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ketacare.appointments import services as calendar
from tests.conftest import actor_for

pytestmark = pytest.mark.django_db


def alert_and_visit(world, client_as):  # type: ignore[no-untyped-def]
    client_as(world.users_a["nurse"]).post(
        f"/api/patients/{world.patient_a.public_id}/scales",
        json.dumps({"instrument": "phq9", "answers": [1] * 8 + [2]}),
        content_type="application/json",
    )
    zone = ZoneInfo(world.clinic_a.time_zone)
    # This minute, not a few ahead: just before the clinic's midnight, later is tomorrow.
    now = timezone.localtime(timezone.now(), zone)
    starts = datetime.combine(now.date(), time(now.hour, now.minute), zone)
    desk = actor_for(world.users_a["front_desk"], world.clinic_a, "front_desk")
    calendar.book(desk, world.patient_a.public_id, calendar.Booking("consultation", starts, 5))


def parts(html: str) -> list[str]:
    import re

    return re.findall(r'data-testid="today-(\w+)"', html)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("nurse", ["overdue", "sessions", "alerts", "visits"]),
        ("prescriber", ["alerts", "overdue", "sessions", "futility", "boosters", "visits"]),
        ("therapist", ["drafts", "visits", "alerts", "overdue", "sessions"]),
        ("front_desk", ["visits", "referrals"]),
        ("clinic_admin", ["visits", "discrepancies", "referrals"]),
    ],
)
def test_each_role_lands_on_its_own_view_of_the_day(world, client_as, role, expected):
    alert_and_visit(world, client_as)
    html = client_as(world.users_a[role]).get(reverse("today")).content.decode()
    assert parts(html)[: len(expected)] == expected
    if "alerts" in expected:
        assert "answered 2" in html or "item 9" in html
    else:
        assert "today-alerts" not in html


def test_the_patient_role_has_no_clinic_day(world, client_as):
    assert client_as(world.users_a["patient"]).get(reverse("today")).status_code == 403


def test_the_panel_refreshes_itself_and_lists_the_visit(world, client_as):
    alert_and_visit(world, client_as)
    client = client_as(world.users_a["front_desk"])
    page = client.get(reverse("today")).content.decode()
    assert 'hx-get="/today/panel/"' in page and 'hx-trigger="every 30s"' in page
    panel = client.get(reverse("today-panel")).content.decode()
    assert world.patient_a.full_name in panel and "<html" not in panel


def test_another_clinics_day_shows_nothing_of_this_one(world, client_as):
    alert_and_visit(world, client_as)
    html = client_as(world.users_b["nurse"]).get(reverse("today")).content.decode()
    assert world.patient_a.full_name not in html


def test_the_query_count_does_not_grow_with_more_alerts_and_visits(world, client_as):
    client = client_as(world.users_a["prescriber"])
    client.get(reverse("today"))  # warm up (session, memberships)
    alert_and_visit(world, client_as)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("today-panel"))
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data

    for n in range(5):
        other = Patient.objects.create(clinic=world.clinic_a, **patient_data(mrn=f"q-{n}"))
        client_as(world.users_a["nurse"]).post(
            f"/api/patients/{other.public_id}/scales",
            json.dumps({"instrument": "phq9", "answers": [1] * 8 + [3]}),
            content_type="application/json",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("today-panel"))
    assert len(many) == len(few)


def test_the_day_is_the_clinics_day_and_clock_not_the_servers(world, client_as):
    """The server runs in UTC: from 19:00 in New York the UTC date is already tomorrow, and
    the page listed tomorrow's visits, at UTC times."""
    from ketacare.appointments.models import Appointment

    # a zone whose date differs from UTC's right now: +14 h from 10:00 UTC, else -12 h
    zone_name = "Pacific/Kiritimati" if timezone.now().hour >= 10 else "Etc/GMT+12"
    world.clinic_a.time_zone = zone_name
    world.clinic_a.save()
    zone = ZoneInfo(zone_name)
    noon = datetime.combine(timezone.localtime(timezone.now(), zone).date(), time(12), zone)
    assert noon.date() != timezone.now().date()
    Appointment.objects.create(
        clinic=world.clinic_a, patient=world.patient_a, kind="consultation",
        starts_at=noon, ends_at=noon + timedelta(minutes=30),
    )  # fmt: skip
    html = client_as(world.users_a["front_desk"]).get(reverse("today")).content.decode()
    assert world.patient_a.full_name in html
    assert ">12:00</a>" in html
