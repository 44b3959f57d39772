"""Discharge lists planned readings that were not taken and needs them or a recorded reason;
a reading can be entered for the time it was taken, never in the future or before the start."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.audit.models import AuditEntry
from ketacare.sessions.models import DosingSession, VitalSignsReading
from tests.web.test_dosing_sessions import start

pytestmark = pytest.mark.django_db
CALM = {
    "systolic_mmhg": "124",
    "diastolic_mmhg": "78",
    "heart_rate_bpm": "72",
    "spo2_percent": "97",
    "moaas": "5",
}
CRITERIA = {"alert_and_oriented": "on", "escort_present": "on", "clinician_judges_stable": "on"}


def session_started_minutes_ago(client, patient, minutes):  # type: ignore[no-untyped-def]
    start(client, patient)
    session = DosingSession.objects.get()
    DosingSession.objects.filter(pk=session.pk).update(
        started_at=session.started_at - timedelta(minutes=minutes)
    )
    session.refresh_from_db()
    return session


def clinic_time(session, at):  # type: ignore[no-untyped-def]
    return at.astimezone(ZoneInfo(session.clinic.time_zone)).strftime("%H:%M")


def test_discharge_with_8_of_9_planned_readings_missing_is_refused_listing_them(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    session = session_started_minutes_ago(nurse, world.patient_a, 105)
    nurse.post(reverse("session-reading", args=[session.public_id]), CALM)
    refused = nurse.post(reverse("session-discharge", args=[session.public_id]), CRITERIA)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert (
        "planned checks not recorded: 10 min, 20 min, 30 min, 40 min, 55 min, 70 min, 85 min"
        in html
    )
    assert 'data-testid="missing-checks"' in html
    session.refresh_from_db()
    assert session.status == "in_progress"


def test_a_recorded_reason_lets_the_clinician_discharge_and_stays_on_the_record(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    session = session_started_minutes_ago(nurse, world.patient_a, 105)
    nurse.post(reverse("session-reading", args=[session.public_id]), CALM)
    reason = "cuff failed 10-85 min; continuous SpO2/ECG watched, no alarms"
    nurse.post(
        reverse("session-discharge", args=[session.public_id]),
        {**CRITERIA, "missing_checks_reason": reason},
    )
    session.refresh_from_db()
    assert session.status == "discharged"
    assert (
        session.missed_checks == [10, 20, 30, 40, 55, 70, 85]
        and session.missed_checks_reason == reason
    )
    entry = AuditEntry.objects.filter(object_type="dosing_session", action="update").get()
    assert entry.detail["missed_checks_reason"] == reason
    page = nurse.get(reverse("session-detail", args=[session.public_id])).content.decode()
    assert 'data-testid="missed-checks"' in page and "cuff failed" in page


def test_readings_entered_for_the_time_they_were_taken_cover_their_checks(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    session = session_started_minutes_ago(nurse, world.patient_a, 105)
    url = reverse("session-reading", args=[session.public_id])
    for minute in (10, 20, 30, 40, 55, 70, 85, 100):
        at = session.started_at + timedelta(minutes=minute, seconds=30)
        assert (
            nurse.post(url, {**CALM, "taken_at_time": clinic_time(session, at)}).status_code == 302
        )
    taken = [r.taken_at for r in VitalSignsReading.objects.order_by("taken_at")]
    assert taken[0] < session.started_at + timedelta(minutes=11)  # not "now" (minute 105)
    nurse.post(reverse("session-discharge", args=[session.public_id]), CRITERIA)
    session.refresh_from_db()
    assert session.status == "discharged" and session.missed_checks == []


def test_a_reading_in_the_future_is_refused_on_its_field(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    session = session_started_minutes_ago(nurse, world.patient_a, 30)
    later = clinic_time(session, timezone.now() + timedelta(minutes=3))
    refused = nurse.post(
        reverse("session-reading", args=[session.public_id]), {**CALM, "taken_at_time": later}
    )
    assert refused.status_code == 422
    assert f'data-field="taken_at_time">{later} is in the future.' in refused.content.decode()
    assert not VitalSignsReading.objects.exists()


def test_a_reading_before_the_session_started_is_refused(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    session = session_started_minutes_ago(nurse, world.patient_a, 30)
    before = clinic_time(session, session.started_at - timedelta(minutes=5))
    refused = nurse.post(
        reverse("session-reading", args=[session.public_id]), {**CALM, "taken_at_time": before}
    )
    assert refused.status_code == 422
    assert "is before the session started" in refused.content.decode()
    assert not VitalSignsReading.objects.exists()
