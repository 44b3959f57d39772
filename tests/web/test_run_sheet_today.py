"""Today lists the sessions whose next vital-sign reading is overdue, linking to the run
sheet, in a number of queries that does not grow with the number of patients."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ketacare.patients.models import Patient
from ketacare.sessions import services
from ketacare.sessions.models import DosingSession
from ketacare.sessions.predose import SessionStart
from tests.conftest import patient_data, sign_consents
from tests.web.run_sheet_helpers import actor, started_session

pytestmark = pytest.mark.django_db
IV = {"route": "iv", "dose_mg_per_kg": 0.5, "infusion_minutes": 40, "systolic_mmhg": 124,
      "diastolic_mmhg": 78, "heart_rate_bpm": 70, "spo2_percent": 98,
      "pregnancy": "not pregnant"}  # fmt: skip


def overdue_session_of(world, n: int) -> DosingSession:  # type: ignore[no-untyped-def]
    patient = Patient.objects.create(clinic=world.clinic_a, **patient_data(mrn=f"od-{n}"))
    sign_consents(patient, witness=world.users_a["nurse"])
    session = services.start_session(actor(world), patient.public_id, SessionStart.from_fields(IV))
    DosingSession.objects.filter(pk=session.pk).update(
        started_at=timezone.now() - timedelta(minutes=25)
    )
    return session


def test_an_overdue_reading_is_listed_with_a_link_to_the_run_sheet(world, client_as):
    late = started_session(world, minutes_ago=50)  # esketamine: the 40-min BP check passed
    html = client_as(world.users_a["nurse"]).get(reverse("today-panel")).content.decode()
    box = html.split('data-testid="today-overdue"', 1)[1].split("</section>", 1)[0]
    assert reverse("session-detail", args=[late.public_id]) in box
    assert "minute 40 reading due" in box and "min late" in box


def test_a_session_with_its_readings_on_time_is_not_listed(world, client_as):
    started_session(world, minutes_ago=30)  # the next check is at minute 40
    html = client_as(world.users_a["nurse"]).get(reverse("today-panel")).content.decode()
    assert 'data-testid="overdue-session"' not in html and "No reading overdue" in html


def test_the_overdue_list_costs_the_same_queries_for_one_patient_or_five(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    nurse.get(reverse("today"))  # warm up (session, memberships)
    overdue_session_of(world, 0)
    with CaptureQueriesContext(connection) as one:
        first = nurse.get(reverse("today-panel")).content.decode()
    for n in range(1, 5):
        overdue_session_of(world, n)
    with CaptureQueriesContext(connection) as five:
        html = nurse.get(reverse("today-panel")).content.decode()
    assert first.count('data-testid="overdue-session"') == 1
    assert html.count('data-testid="overdue-session"') == 5
    assert len(five) == len(one)
