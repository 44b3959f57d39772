"""A clinic user's pages speak the clinic's clock and calendar (ClinicTimeZoneMiddleware):
a reading taken at 01:30 UTC shows 10:30 in a Tokyo clinic, and "today" is the clinic's
date, not the server's UTC one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.clinics.models import Clinic
from tests.web.test_dosing_sessions import start
from tests.web.test_session_alerts import CALM, session_with_reading

pytestmark = pytest.mark.django_db


def move_clinic(world, zone: str) -> None:  # type: ignore[no-untyped-def]
    Clinic.objects.filter(pk=world.clinic_a.pk).update(time_zone=zone)


def test_a_session_page_shows_a_readings_time_in_the_clinics_zone(world, client_as):
    move_clinic(world, "Asia/Tokyo")  # UTC+9 all year: no daylight saving to reason about
    nurse = client_as(world.users_a["nurse"])
    start(nurse, world.patient_a)
    # a reading over the BP hold limit: its alert box names the reading's time
    session, reading = session_with_reading(nurse, **{**CALM, "systolic_mmhg": "188"})
    page = nurse.get(reverse("session-detail", args=[session.public_id])).content.decode()
    tokyo = timezone.localtime(reading.taken_at, ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    utc = reading.taken_at.astimezone(UTC).strftime("%H:%M")
    assert f"({tokyo})" in page
    assert f"({utc})" not in page


def test_today_is_the_clinics_date_where_it_differs_from_the_servers(world, client_as):
    now = datetime.now(UTC)
    # A zone whose date differs from UTC's right now: 12 h behind in the UTC morning,
    # 14 h ahead in the UTC afternoon.
    zone = "Etc/GMT+12" if now.hour < 12 else "Pacific/Kiritimati"
    clinic_day = now.astimezone(ZoneInfo(zone)).date()
    assert clinic_day != now.date()
    move_clinic(world, zone)
    page = client_as(world.users_a["front_desk"]).get(reverse("calendar")).content.decode()
    assert f"?day={clinic_day.isoformat()}&view=week" in page
    assert f"?day={(clinic_day + timedelta(days=1)).isoformat()}" in page  # the next day


def test_the_clinics_zone_ends_with_the_request(world, client_as):
    before = timezone.get_current_timezone_name()
    move_clinic(world, "Asia/Tokyo")
    client_as(world.users_a["nurse"]).get(reverse("today"))
    assert timezone.get_current_timezone_name() == before != "Asia/Tokyo"
