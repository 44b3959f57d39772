"""Today shows each dosing visit's state as the record changes (booked, checked in, pre-dose
check, dosing, monitoring, ready for discharge, discharged), linking to where it is acted on,
in as many queries for one visit as for many."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ketacare.appointments import services as calendar
from ketacare.controlled.administration import administer_dose
from ketacare.patients.models import Patient
from ketacare.sessions import services
from ketacare.sessions.models import DosingSession
from ketacare.sessions.predose import SessionStart
from tests.conftest import actor_for, patient_data, sign_consents
from tests.web.run_sheet_helpers import (
    actor,
    clinic_time,
    esketamine_dose,
    esketamine_lot,
    started_session,
)
from tests.web.test_check_in import visit

pytestmark = pytest.mark.django_db
CALM = {"systolic_mmhg": 126, "diastolic_mmhg": 80, "heart_rate_bpm": 72, "spo2_percent": 98,
        "respiratory_rate_per_min": 14}  # fmt: skip


def states_on_today(client, testid: str = "visit-state") -> list[str]:  # type: ignore[no-untyped-def]
    import re

    html = client.get(reverse("today-panel")).content.decode()
    return re.findall(rf'data-testid="{testid}">([^<]+)<', html)


def test_a_dosing_visit_goes_through_every_state_on_today(world, client_as):
    booked = visit(world)
    nurse = client_as(world.users_a["nurse"])
    assert states_on_today(nurse) == ["booked"]
    calendar.check_in(actor(world, "front_desk"), booked.public_id)
    assert states_on_today(nurse) == ["checked in"]
    assert "Begin the session" in nurse.get(reverse("today-panel")).content.decode()

    session = started_session(world, "esketamine", minutes_ago=125)
    assert states_on_today(nurse) == ["pre-dose check"]
    assert states_on_today(nurse, "session-state") == ["pre-dose check"]
    panel = nurse.get(reverse("today-panel")).content.decode()
    assert f'href="/sessions/{session.public_id}/" class="tag" data-testid="visit-state"' in panel

    lot = esketamine_lot(world)
    administer_dose(actor(world), session.public_id, esketamine_dose(world),
                    lot_id=lot.public_id, version=session.version)  # fmt: skip
    assert states_on_today(nurse) == ["monitoring"]  # the devices' stop is behind us

    services.record_vitals(actor(world), session.public_id,
                           {**CALM, "systolic_mmhg": 138, "diastolic_mmhg": 86}, None,
                           clinic_time(world, 85))  # minute 40  # fmt: skip
    assert states_on_today(nurse) == ["monitoring"]  # the 2-hour check is still to come

    services.record_vitals(actor(world), session.public_id, CALM, 5)
    assert states_on_today(nurse) == ["ready for discharge"]
    assert states_on_today(nurse, "session-state") == ["ready for discharge"]

    readiness = services.discharge(actor(world), session.public_id, alert_and_oriented=True,
                                   escort_present=True, clinician_judges_stable=True)  # fmt: skip
    assert readiness.is_ready_for_discharge
    assert states_on_today(nurse) == ["discharged"]
    assert states_on_today(nurse, "session-state") == []  # no longer under way


def test_an_iv_infusion_with_its_first_reading_is_dosing(world, client_as):
    visit(world)
    session = started_session(world, "iv", minutes_ago=15)
    nurse = client_as(world.users_a["nurse"])
    assert states_on_today(nurse) == ["pre-dose check"]
    services.record_vitals(actor(world), session.public_id, CALM, 5, clinic_time(world, 5))
    assert states_on_today(nurse) == ["dosing"]  # within the 40-minute infusion (K9)
    DosingSession.objects.filter(pk=session.pk).update(
        started_at=timezone.now() - timedelta(minutes=50)
    )
    assert states_on_today(nurse) == ["monitoring"]


def test_yesterdays_discharged_session_is_not_todays_visit(world, client_as):
    visit(world)
    session = started_session(world, "iv", minutes_ago=60)
    last_night = timezone.localtime(timezone.now()).replace(hour=0, minute=0) - timedelta(hours=2)
    DosingSession.objects.filter(pk=session.pk).update(
        started_at=last_night, status="discharged", discharged_at=last_night + timedelta(hours=1)
    )
    assert states_on_today(client_as(world.users_a["nurse"])) == ["booked"]


def test_a_session_that_crossed_midnight_and_was_discharged_today_is_today_s_visit(
    world, client_as
):
    visit(world)
    session = started_session(world, "iv", minutes_ago=60)
    midnight = timezone.localtime(timezone.now()).replace(hour=0, minute=0, second=0)
    DosingSession.objects.filter(pk=session.pk).update(
        started_at=midnight - timedelta(minutes=30),
        status="discharged",
        discharged_at=midnight + timedelta(seconds=1),
    )
    assert states_on_today(client_as(world.users_a["nurse"])) == ["discharged"]


def test_front_desk_sees_arrival_but_not_the_clinical_state(world, client_as):
    booked = visit(world)
    calendar.check_in(actor_for(world.users_a["front_desk"], world.clinic_a, "front_desk"),
                      booked.public_id)  # fmt: skip
    started_session(world, "esketamine", minutes_ago=30)
    desk = client_as(world.users_a["front_desk"])
    assert states_on_today(desk) == ["checked in"]
    assert "/sessions/" not in desk.get(reverse("today-panel")).content.decode()


def _dosing_patient(world, n: int) -> None:  # type: ignore[no-untyped-def]
    """Another dosing visit with an IV session under way, a reading and an alert."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from ketacare.appointments.models import Appointment

    patient = Patient.objects.create(clinic=world.clinic_a, **patient_data(mrn=f"st-{n}"))
    sign_consents(patient, witness=world.users_a["nurse"])
    zone = ZoneInfo(world.clinic_a.time_zone)
    noon = datetime.combine(timezone.localtime(timezone.now(), zone).date(), time(12), zone)
    Appointment.objects.create(clinic=world.clinic_a, patient=patient, kind="dosing",
                               starts_at=noon, ends_at=noon + timedelta(hours=2))  # fmt: skip
    fields = {**CALM, "route": "iv", "dose_mg_per_kg": 0.5, "infusion_minutes": 40,
              "pregnancy": "not pregnant"}  # fmt: skip
    session = services.start_session(actor(world), patient.public_id,
                                     SessionStart.from_fields(fields))  # fmt: skip
    services.record_vitals(actor(world), session.public_id,
                           {**CALM, "systolic_mmhg": 190, "diastolic_mmhg": 105}, 5)  # fmt: skip


def test_the_states_cost_the_same_queries_for_one_visit_or_five(world, client_as):
    visit(world)
    started_session(world, "esketamine", minutes_ago=30)
    nurse = client_as(world.users_a["nurse"])
    nurse.get(reverse("today-panel"))  # warm up (session, memberships)
    with CaptureQueriesContext(connection) as one:
        nurse.get(reverse("today-panel"))
    for n in range(4):
        _dosing_patient(world, n)
    assert len(states_on_today(nurse)) == 5
    with CaptureQueriesContext(connection) as five:
        nurse.get(reverse("today-panel"))
    assert len(five) == len(one), [q["sql"][:100] for q in five]
