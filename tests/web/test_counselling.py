"""Counselling and integration: the therapist writes and signs notes, amends signed ones,
and sees the dosing course beside them; psychotherapy notes are read by the therapist and
the prescriber only, each read audited."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.audit.models import AuditEntry
from ketacare.counselling.models import CounsellingSession
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db


def write_up(client, patient, **fields):  # type: ignore[no-untyped-def]
    # typed as the clinic's clock, as the therapist reads it on the wall
    clinic_now = timezone.localtime(timezone=ZoneInfo(patient.clinic.time_zone))
    held = (clinic_now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    body = {"kind": "integration", "held_at": held, "duration_minutes": "50",
            "note": "Processed the imagery of the second infusion.", "sign": ""}  # fmt: skip
    body.update(fields)
    return client.post(reverse("counselling-list", args=[patient.public_id]), body)


def test_the_therapist_writes_a_draft_signs_it_and_then_may_only_amend(world, client_as):
    therapist = client_as(world.users_a["therapist"])
    assert write_up(therapist, world.patient_a).status_code == 302
    session = CounsellingSession.objects.get()
    assert session.signed_at is None and session.therapist == world.users_a["therapist"]
    url = lambda what: reverse("counselling-note-action", args=[session.public_id, what])  # noqa: E731
    assert therapist.post(url("revise"), {"note": "Revised text."}).status_code == 302
    assert therapist.post(url("sign")).status_code == 302
    session.refresh_from_db()
    assert session.signed_at is not None and session.note == "Revised text."
    refused = therapist.post(url("revise"), {"note": "Changed after signing"})
    assert refused.status_code == 422 and "add an amendment" in refused.content.decode()
    assert (
        therapist.post(url("amend"), {"text": "Patient called: sleeping better."}).status_code
        == 302
    )
    session.refresh_from_db()
    assert session.note == "Revised text."  # the signed text is kept as signed
    html = therapist.get(reverse("counselling-note", args=[session.public_id])).content.decode()
    assert "Revised text." in html and "sleeping better" in html


def test_another_therapist_may_not_revise_or_sign_a_colleagues_draft(world, client_as):
    from ketacare.accounts.models import Membership, User

    write_up(client_as(world.users_a["therapist"]), world.patient_a)
    colleague = User.objects.create(email="t2@a.example")
    Membership.objects.create(user=colleague, clinic=world.clinic_a, role="therapist")
    session = CounsellingSession.objects.get()
    url = reverse("counselling-note-action", args=[session.public_id, "sign"])
    assert client_as(colleague).post(url).status_code == 403
    session.refresh_from_db()
    assert session.signed_at is None


@pytest.mark.parametrize(
    ("role", "note"),
    [("therapist", 200), ("prescriber", 200), ("nurse", 403), ("clinic_admin", 403),
     ("front_desk", 403), ("patient", 403)],
)  # fmt: skip
def test_psychotherapy_notes_are_read_by_therapist_and_prescriber_only(
    world, client_as, role, note
):
    write_up(client_as(world.users_a["therapist"]), world.patient_a, note="Private content 7781")
    session = CounsellingSession.objects.get()
    client = client_as(world.users_a[role])
    response = client.get(reverse("counselling-note", args=[session.public_id]))
    assert response.status_code == note
    api = client.get(f"/api/counselling/{session.public_id}")
    assert api.status_code == note
    assert ("Private content 7781" in response.content.decode()) == (note == 200)
    listing = client.get(reverse("counselling-list", args=[world.patient_a.public_id]))
    assert "Private content 7781" not in listing.content.decode()
    if note == 200:
        assert AuditEntry.objects.filter(action="read", object_type="counselling_session",
                                         user_id=world.users_a[role].pk).exists()  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_only_the_therapist_writes_up_sessions(world, client_as, role):
    response = write_up(client_as(world.users_a[role]), world.patient_a)
    assert response.status_code == (302 if role == "therapist" else 403)


def test_another_clinic_gets_404(world, client_as):
    write_up(client_as(world.users_a["therapist"]), world.patient_a)
    session = CounsellingSession.objects.get()
    other = client_as(world.users_b["therapist"])
    assert other.get(reverse("counselling-note", args=[session.public_id])).status_code == 404
    assert write_up(other, world.patient_a).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"duration_minutes": "0"}, "greater than or equal to 1"),
     ({"note": "  "}, "required"),
     ({"kind": "hypnosis"}, "valid choice"),
     ({"held_at": "2999-01-01T10:00"}, "after it took place")],
)  # fmt: skip
def test_bad_input_is_refused_on_the_page(world, client_as, fields, message):
    response = write_up(client_as(world.users_a["therapist"]), world.patient_a, **fields)
    assert response.status_code == 422 and message in response.content.decode()
    assert not CounsellingSession.objects.exists()


def test_a_note_links_only_to_the_same_patients_dosing_session(world, client_as):
    from ketacare.sessions.models import DosingSession

    prescriber_b = client_as(world.users_b["prescriber"])
    prescriber_b.post(reverse("session-new", args=[world.patient_b.public_id]),
                      {"route": "iv", "dose_mg_per_kg": "0.5", "infusion_minutes": "40",
                       "systolic_mmhg": "120", "diastolic_mmhg": "80", "spo2_percent": "98",
                       "pregnancy": "not pregnant"})  # fmt: skip
    other = DosingSession.objects.get(patient=world.patient_b)
    api = client_as(world.users_a["therapist"]).post(
        f"/api/patients/{world.patient_a.public_id}/counselling",
        json.dumps({"kind": "integration", "held_at": timezone.now().isoformat(),
                    "duration_minutes": 30, "note": "x",
                    "dosing_session_id": str(other.public_id)}),
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 404  # another clinic's session is out of reach
    assert not CounsellingSession.objects.exists()


def test_the_therapists_page_shows_the_dosing_course_and_the_trend(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    for answers in ([3] * 8 + [0], [1] * 8 + [0]):
        nurse.post(f"/api/patients/{world.patient_a.public_id}/scales",
                   json.dumps({"instrument": "phq9", "answers": answers}),
                   content_type="application/json")  # fmt: skip
    html = (
        client_as(world.users_a["therapist"])
        .get(reverse("counselling-list", args=[world.patient_a.public_id]))
        .content.decode()
    )
    assert 'data-testid="recent-dosing"' in html and 'data-testid="dissociation"' in html
    assert "PHQ-9</strong> 24 → 8" in html


def test_the_api_writes_signs_and_amends(world, client_as):
    client = client_as(world.users_a["therapist"])
    created = client.post(
        f"/api/patients/{world.patient_a.public_id}/counselling",
        json.dumps({"kind": "preparation", "held_at": timezone.now().isoformat(),
                    "duration_minutes": 45, "note": "Set and setting discussed.",
                    "sign": True}), content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    cid = created.json()["id"]
    amended = client.post(f"/api/counselling/{cid}/amendments", json.dumps({"text": "Added."}),
                          content_type="application/json")  # fmt: skip
    assert amended.status_code == 201 and amended.json()["amendments"][0]["text"] == "Added."
    listed = client.get(f"/api/patients/{world.patient_a.public_id}/counselling").json()
    assert listed["count"] == 1 and "note" not in listed["items"][0]
