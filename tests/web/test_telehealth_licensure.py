"""A video visit is held only with a patient located in a state where the clinic is licensed
(H14, H15): the prescriber says where the patient is when starting the encounter (the page and
the API refuse an unlicensed state on the field `patient_state`), and a video visit is not
booked for a patient whose state on file is one the clinic is not licensed in (field `kind`)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.test_telehealth import JSON, book_video_visit

pytestmark = pytest.mark.django_db


def test_the_start_page_is_refused_for_a_patient_in_a_state_the_clinic_is_not_licensed_in(
    world, client_as
):
    from ketacare.telehealth.models import TelehealthEncounter

    visit = book_video_visit(world, client_as)
    client = client_as(world.users_a["prescriber"])
    page = client.get(f"/appointments/{visit.public_id}/video/").content.decode()
    assert 'name="patient_state"' in page and '<option value="NY" selected>' in page
    refused = client.post(f"/appointments/{visit.public_id}/video/", {"patient_state": "NJ"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'data-field="patient_state"' in html and "not licensed in NJ" in html
    assert not TelehealthEncounter.objects.exists()
    assert client.post(f"/appointments/{visit.public_id}/video/", {"patient_state": "NY"}
                       ).status_code == 302  # fmt: skip
    assert TelehealthEncounter.objects.get().patient_state == "NY"


def test_the_start_api_names_patient_state_when_the_clinic_is_not_licensed_there(world, client_as):
    from ketacare.telehealth.models import TelehealthEncounter

    visit = book_video_visit(world, client_as)
    client = client_as(world.users_a["prescriber"])
    url = f"/api/appointments/{visit.public_id}/encounter"
    refused = client.post(url, json.dumps({"patient_state": "NJ"}), content_type=JSON)
    assert refused.status_code == 422
    error = refused.json()["detail"][0]
    assert error["loc"] == ["body", "patient_state"] and "not licensed in NJ" in error["msg"]
    assert not TelehealthEncounter.objects.exists()
    bad = client.post(url, json.dumps({"patient_state": "XX"}), content_type=JSON)
    assert bad.status_code == 422 and "patient_state" in bad.json()["detail"][0]["loc"]
    started = client.post(url, "{}", content_type=JSON)  # not given: the state of residence
    assert started.status_code == 201 and started.json()["patient_state"] == "NY"


def test_a_patient_who_moved_to_an_unlicensed_state_is_refused_at_the_start_by_default(
    world, client_as
):
    visit = book_video_visit(world, client_as)
    world.patient_a.state_of_residence = "CT"
    world.patient_a.save()
    client = client_as(world.users_a["prescriber"])
    api = client.post(f"/api/appointments/{visit.public_id}/encounter", "{}", content_type=JSON)
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "patient_state"]


def test_a_video_visit_is_not_booked_for_a_patient_living_where_the_clinic_is_not_licensed(
    world, client_as
):
    from ketacare.appointments.models import Appointment

    world.patient_a.state_of_residence = "NJ"
    world.patient_a.save()
    desk = client_as(world.users_a["front_desk"])
    start = f"{timezone.localdate() + timedelta(days=3)}T10:00"
    form = {"kind": "telehealth", "minutes": "30", "starts_at": start}
    page = desk.post(f"/patients/{world.patient_a.public_id}/appointments/new/", form)
    assert page.status_code == 422
    assert 'data-field="kind"' in page.content.decode() and b"not licensed in NJ" in page.content
    api = desk.post(f"/api/patients/{world.patient_a.public_id}/appointments",
                    json.dumps({**form, "minutes": 30}), content_type=JSON)  # fmt: skip
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "kind"]
    assert not Appointment.objects.filter(patient=world.patient_a).exists()
    # A visit in person is still booked: the patient may come to the clinic.
    in_person = desk.post(f"/patients/{world.patient_a.public_id}/appointments/new/",
                          {**form, "kind": "consultation"})  # fmt: skip
    assert in_person.status_code == 302
