"""Telehealth encounters through the pages and the API: the clinic's video tool, the
patient's own link, the telehealth consent at the start, the DEA registration in the
patient's state and the in-person evaluation at signing (H12, H14), the lock and amendments."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db
VALID_DEA = "BB1388568"
JSON = "application/json"


def book_video_visit(world, client_as):  # type: ignore[no-untyped-def]
    from ketacare.appointments.models import Appointment

    start = f"{timezone.localdate() + timedelta(days=3)}T10:00"
    response = client_as(world.users_a["front_desk"]).post(
        f"/patients/{world.patient_a.public_id}/appointments/new/",
        {"kind": "telehealth", "minutes": "30", "starts_at": start},
    )
    assert response.status_code == 302
    return Appointment.objects.get(patient=world.patient_a, kind="telehealth")


def set_video_tool(world, template="https://meet.example.org/{meeting}"):  # type: ignore[no-untyped-def]
    world.clinic_a.video_link_template = template
    world.clinic_a.save()


def started(world, client_as):  # type: ignore[no-untyped-def]
    from ketacare.telehealth.models import TelehealthEncounter

    visit = book_video_visit(world, client_as)
    client = client_as(world.users_a["prescriber"])
    assert client.post(f"/appointments/{visit.public_id}/video/", {}).status_code == 302
    return client, TelehealthEncounter.objects.get(appointment=visit)


def prescribing() -> dict[str, str]:
    """Called inside a test: "today" is then the clinic's day (the world's time zone)."""
    return {
        "note": "Mood better; continues at-home course.",
        "modality": "audio_video",
        "patient_state": "NY",
        "prescriber_state": "NJ",
        "prescribes": "on",
        "prescription": "ketamine ODT 100 mg x 6",
        "pdmp_state": "NY",
        "pdmp_checked_on": str(timezone.localdate()),
        # A prior in-person evaluation: signable whatever the day (inside or outside H12's dates).
        "in_person_evaluation_on": str(timezone.localdate() - timedelta(days=60)),
    }


def test_the_clinic_admin_sets_an_https_video_tool_and_plain_http_is_refused_on_its_field(
    world, client_as
):
    client = client_as(world.users_a["clinic_admin"])
    form = {"name": "Clinic A", "time_zone": "America/New_York", "licensed_states": ["NY"],
            "video_link_template": "http://meet.example.org/{meeting}"}  # fmt: skip
    refused = client.post("/clinic/", form)
    assert refused.status_code == 422 and b"https://" in refused.content
    world.clinic_a.refresh_from_db()
    assert world.clinic_a.video_link_template == ""
    form["video_link_template"] = "https://meet.example.org/kc-{meeting}"
    assert client.post("/clinic/", form).status_code == 302
    world.clinic_a.refresh_from_db()
    assert world.clinic_a.video_link_template == "https://meet.example.org/kc-{meeting}"


def test_the_patient_sees_its_own_video_link_but_never_the_encounter_note(world, client_as):
    set_video_tool(world)
    client, encounter = started(world, client_as)
    visit = encounter.appointment
    patient = client_as(world.users_a["patient"])
    page = patient.get(f"/appointments/{visit.public_id}/video/")
    assert page.status_code == 200
    assert b"https://meet.example.org/" in page.content and b"Encounter note" not in page.content
    api = patient.get(f"/api/appointments/{visit.public_id}/video")
    assert api.status_code == 200 and api.json()["link"].startswith("https://meet.example.org/")
    assert patient.get(f"/encounters/{encounter.public_id}/").status_code == 403
    assert patient.get(f"/api/encounters/{encounter.public_id}").status_code == 403


def test_each_visit_has_its_own_unguessable_meeting_code(world, client_as):
    from ketacare.telehealth.services import meeting_link

    set_video_tool(world)
    visit = book_video_visit(world, client_as)
    link = meeting_link(visit)
    assert str(visit.public_id) not in link and len(link.rsplit("/", 1)[1]) == 20


def test_the_encounter_does_not_start_without_a_current_telehealth_consent(world, client_as):
    from ketacare.consent.models import ConsentSignature, ConsentWithdrawal
    from ketacare.telehealth.models import TelehealthEncounter

    signature = ConsentSignature.objects.get(patient=world.patient_a, topic="telehealth")
    ConsentWithdrawal.objects.create(clinic=world.clinic_a, patient=world.patient_a,
                                     signature=signature, reason="changed mind")  # fmt: skip
    visit = book_video_visit(world, client_as)
    client = client_as(world.users_a["prescriber"])
    page = client.post(f"/appointments/{visit.public_id}/video/", {})
    assert page.status_code == 422 and b"withdrawn" in page.content
    api = client.post(f"/api/appointments/{visit.public_id}/encounter", "{}", content_type=JSON)
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "consent"]
    assert not TelehealthEncounter.objects.exists()


def test_signing_is_refused_without_a_registration_in_the_patients_state_then_accepted(
    world, client_as
):
    client, encounter = started(world, client_as)
    url = f"/encounters/{encounter.public_id}"
    refused = client.post(f"{url}/sign/", prescribing())
    assert refused.status_code == 422
    assert b"DEA registration for NY" in refused.content and b"H14" in refused.content
    encounter.refresh_from_db()
    assert encounter.signed_at is None and encounter.prescription  # the draft was kept
    expires = str(timezone.localdate() + timedelta(days=400))
    added = client.post("/clinic/dea/", {"user_id": world.users_a["prescriber"].pk,
                                         "number": VALID_DEA, "state": "NY",
                                         "expires_on": expires})  # fmt: skip
    assert added.status_code == 302
    assert client.post(f"{url}/sign/", prescribing()).status_code == 302
    encounter.refresh_from_db()
    assert encounter.signed_at is not None
    assert (encounter.dea_number, encounter.dea_state) == (VALID_DEA, "NY")


def test_a_signed_encounter_is_locked_and_corrected_by_an_amendment(world, client_as):
    client, encounter = started(world, client_as)
    url = f"/api/encounters/{encounter.public_id}"
    body = json.dumps({"note": "Seen; no prescription today."})
    assert client.post(f"{url}/draft", body, content_type="application/json").status_code == 200
    assert client.post(f"{url}/sign", "{}", content_type=JSON).status_code == 200
    locked = client.post(f"{url}/draft", body, content_type="application/json")
    assert locked.status_code == 422 and locked.json()["detail"][0]["loc"] == ["body", "note"]
    amended = client.post(f"{url}/amendments", json.dumps({"text": "Also discussed sleep."}),
                          content_type="application/json")  # fmt: skip
    assert amended.status_code == 201
    assert amended.json()["note"] == "Seen; no prescription today."
    assert amended.json()["amendments"][0]["text"] == "Also discussed sleep."


def test_audio_only_prescribing_without_an_in_person_evaluation_is_refused(world, client_as):
    from ketacare.telehealth.models import DeaRegistration

    client, encounter = started(world, client_as)
    DeaRegistration.objects.create(
        clinic=world.clinic_a,
        user=world.users_a["prescriber"],
        number=VALID_DEA,
        state="NY",
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    audio_only = {**prescribing(), "modality": "audio_only", "in_person_evaluation_on": ""}
    refused = client.post(f"/encounters/{encounter.public_id}/sign/", audio_only)
    assert refused.status_code == 422 and b"Ryan Haight" in refused.content
    api = client.post(f"/api/encounters/{encounter.public_id}/sign", "{}", content_type=JSON)
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == ["body", "in_person_evaluation_on"]


def test_the_api_names_the_field_of_a_bad_state_and_nothing_is_saved(world, client_as):
    client, encounter = started(world, client_as)
    bad = json.dumps({"note": "x", "patient_state": "XX"})
    response = client.post(f"/api/encounters/{encounter.public_id}/draft", bad,
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 422 and "patient_state" in response.json()["detail"][0]["loc"]
    encounter.refresh_from_db()
    assert encounter.note == ""


def test_dea_numbers_are_checked_and_kept_by_an_admin_or_the_prescriber_only(world, client_as):
    from ketacare.telehealth.models import DeaRegistration

    expires = str(timezone.localdate() + timedelta(days=400))
    new = {"user_id": world.users_a["prescriber"].pk, "number": "BB1388569", "state": "CA",
           "expires_on": expires}  # fmt: skip
    prescriber = client_as(world.users_a["prescriber"])
    typo = prescriber.post(
        "/api/dea-registrations", json.dumps(new), content_type="application/json"
    )
    assert typo.status_code == 422 and typo.json()["detail"][0]["loc"] == ["body", "number"]
    new["number"] = VALID_DEA
    own = prescriber.post(
        "/api/dea-registrations", json.dumps(new), content_type="application/json"
    )
    assert own.status_code == 201 and own.json()["state"] == "CA"
    nurse = client_as(world.users_a["nurse"])
    assert nurse.post("/api/dea-registrations", json.dumps(new),
                      content_type="application/json").status_code == 403  # fmt: skip
    assert nurse.get("/clinic/dea/").status_code == 403
    admin = client_as(world.users_a["clinic_admin"])
    retired = admin.post(
        f"/api/dea-registrations/{own.json()['id']}/retire", "{}", content_type=JSON
    )
    assert retired.status_code == 200
    assert DeaRegistration.objects.get().retired_at is not None
    other_clinic = DeaRegistration.objects.create(
        clinic=world.clinic_b, user=world.users_b["prescriber"], number=VALID_DEA, state="NY",
        expires_on=timezone.localdate() + timedelta(days=30),
    )  # fmt: skip
    assert admin.post(f"/clinic/dea/{other_clinic.pk}/retire/").status_code == 404


def test_the_patients_own_chart_lists_its_upcoming_video_visit_with_the_link(world, client_as):
    set_video_tool(world)
    book_video_visit(world, client_as)
    chart = client_as(world.users_a["patient"]).get(f"/patients/{world.patient_a.public_id}/")
    assert chart.status_code == 200
    assert b"Your video visits" in chart.content and b"https://meet.example.org/" in chart.content
    other = client_as(world.users_b["patient"]).get(f"/patients/{world.patient_b.public_id}/")
    assert b"meet.example.org" not in other.content


def test_the_signed_encounter_page_lists_its_amendments_and_offers_the_amendment_form(
    world, client_as
):
    client, encounter = started(world, client_as)
    url = f"/encounters/{encounter.public_id}"
    assert client.post(f"{url}/sign/", {"note": "Seen; no prescription."}).status_code == 302
    assert client.post(f"{url}/amend/", {"text": "Also discussed sleep."}).status_code == 302
    html = client.get(f"{url}/").content.decode()
    assert 'data-testid="amendment"' in html and "Also discussed sleep." in html
    assert f'action="{url}/amend/"' in html and "Add amendment" in html
