"""Every role that sees a video visit sees where its encounter stands (started, note signed)
on the video visit page and on Today; only the care team opens the note, and front desk and
the clinic admin never see a word of it (minimum necessary)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.test_telehealth import started

pytestmark = pytest.mark.django_db
NOTE = "Confidential: discussed intrusive memories."
STAFF = ["front_desk", "clinic_admin", "nurse", "therapist", "prescriber"]
READS_NOTES = {"nurse", "therapist", "prescriber"}


def started_with_a_note(world, client_as):  # type: ignore[no-untyped-def]
    client, encounter = started(world, client_as)
    url = f"/encounters/{encounter.public_id}/save/"
    assert client.post(url, {"note": NOTE}).status_code == 302
    return client, encounter


@pytest.mark.parametrize("role", STAFF)
def test_each_staff_role_sees_that_the_encounter_started_but_only_the_care_team_opens_it(
    world, client_as, role
):
    _, encounter = started_with_a_note(world, client_as)
    client = client_as(world.users_a[role])
    html = client.get(f"/appointments/{encounter.appointment.public_id}/video/").content.decode()
    assert "Not started yet" not in html and NOTE not in html
    assert 'data-testid="encounter-progress"' in html and "note not signed yet" in html
    opens = f"/encounters/{encounter.public_id}/" in html
    assert opens == (role in READS_NOTES)
    note_page = client.get(f"/encounters/{encounter.public_id}/")
    assert note_page.status_code == (200 if role in READS_NOTES else 403)


def test_front_desk_sees_the_note_signed_without_its_text(world, client_as):
    prescriber, encounter = started_with_a_note(world, client_as)
    assert prescriber.post(f"/encounters/{encounter.public_id}/sign/", {"note": NOTE}
                           ).status_code == 302  # fmt: skip
    desk = client_as(world.users_a["front_desk"])
    html = desk.get(f"/appointments/{encounter.appointment.public_id}/video/").content.decode()
    assert "note signed" in html and NOTE not in html and "Not started yet" not in html


def test_the_patient_sees_that_the_clinician_started_the_visit_but_not_the_note(world, client_as):
    _, encounter = started_with_a_note(world, client_as)
    patient = client_as(world.users_a["patient"])
    html = patient.get(f"/appointments/{encounter.appointment.public_id}/video/").content.decode()
    assert "Your clinician started this visit" in html and NOTE not in html


def test_a_visit_not_started_says_so_to_front_desk(world, client_as):
    from tests.web.test_telehealth import book_video_visit

    visit = book_video_visit(world, client_as)
    html = client_as(world.users_a["front_desk"]).get(f"/appointments/{visit.public_id}/video/")
    assert b"Not started yet" in html.content


def todays_video_visit(world):  # type: ignore[no-untyped-def]
    from ketacare.appointments.models import Appointment

    starts = timezone.now().replace(microsecond=0)
    return Appointment.objects.create(
        clinic=world.clinic_a, patient=world.patient_a, kind="telehealth", starts_at=starts,
        ends_at=starts + timedelta(minutes=30), staff=world.users_a["prescriber"],
    )  # fmt: skip


@pytest.mark.parametrize("role", STAFF)
def test_today_shows_each_role_the_video_visits_encounter_state_without_the_note(
    world, client_as, role
):
    visit = todays_video_visit(world)
    client = client_as(world.users_a[role])
    assert b'data-testid="visit-state">booked<' in client.get("/today/").content
    prescriber = client_as(world.users_a["prescriber"])
    assert prescriber.post(f"/appointments/{visit.public_id}/video/", {}).status_code == 302
    encounter = visit.encounter
    prescriber.post(f"/encounters/{encounter.public_id}/save/", {"note": NOTE})
    html = client.get("/today/").content.decode()
    assert 'data-testid="visit-state">encounter started<' in html and NOTE not in html
    prescriber.post(f"/encounters/{encounter.public_id}/sign/", {"note": NOTE})
    html = client.get("/today/").content.decode()
    assert 'data-testid="visit-state">note signed<' in html and NOTE not in html
