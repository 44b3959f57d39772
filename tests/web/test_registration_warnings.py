"""Registration warns (and asks to confirm) for an unlicensed state and a possible duplicate."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ketacare.patients.models import Patient

pytestmark = pytest.mark.django_db

API = "/api/patients/"


def _body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "mrn": "NEW-1", "first_name": "Casey", "last_name": "Newman",
        "date_of_birth": "1990-05-06", "sex": "female", "weight_kg": "70.0",
        "state_of_residence": "NY",
    }  # fmt: skip
    return body | overrides


def _post(client, body):  # type: ignore[no-untyped-def]
    return client.post(API, json.dumps(body), content_type="application/json")


def _form(**overrides: str) -> dict[str, str]:
    return {k: str(v) for k, v in _body(**overrides).items()} | overrides


def test_api_registration_in_an_unlicensed_state_is_422_naming_the_state_until_confirmed(
    world, client_as
):
    client = client_as(world.users_a["front_desk"])
    refused = _post(client, _body(state_of_residence="CA"))
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"] == ["body", "state_of_residence"]
    assert error["type"] == "confirmation_required"
    assert "not licensed in CA" in error["msg"] and "unlicensed_state" in error["msg"]
    assert not Patient.objects.filter(mrn="NEW-1").exists()
    confirmed = _post(client, _body(state_of_residence="CA", confirm=["unlicensed_state"]))
    assert confirmed.status_code == 201


def test_api_registration_of_a_same_name_and_birth_date_is_422_until_confirmed(world, client_as):
    client = client_as(world.users_a["front_desk"])
    twin = _body(first_name="alice", last_name="TEST", date_of_birth="1985-04-02")
    refused = _post(client, twin)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "last_name"]
    assert "a-1" in refused.json()["detail"][0]["msg"]  # the existing patient's MRN
    assert _post(client, twin | {"confirm": ["possible_duplicate"]}).status_code == 201


def test_clinic_b_patients_are_not_offered_as_duplicates(world, client_as):
    client = client_as(world.users_a["front_desk"])
    bruno = _body(first_name="Bruno", last_name="Test", date_of_birth="1985-04-02")
    assert _post(client, bruno).status_code == 201


def test_page_warns_links_the_existing_patient_and_registers_once_confirmed(world, client_as):
    client = client_as(world.users_a["front_desk"])
    form = _form(first_name="Alice", last_name="Test", date_of_birth="1985-04-02",
                 state_of_residence="CA")  # fmt: skip
    warned = client.post(reverse("patient-create"), form)
    page = warned.content.decode()
    assert warned.status_code == 422
    assert "not licensed in CA" in page
    assert reverse("patient-chart", args=[world.patient_a.public_id]) in page
    assert 'value="possible_duplicate"' in page and 'value="unlicensed_state"' in page
    assert Patient.objects.filter(clinic=world.clinic_a).count() == 1
    done = client.post(
        reverse("patient-create"), form | {"confirm": ["possible_duplicate", "unlicensed_state"]}
    )
    assert done.status_code == 302
    assert Patient.objects.filter(clinic=world.clinic_a, mrn="NEW-1").exists()


def test_page_registers_a_licensed_new_patient_without_asking(world, client_as):
    client = client_as(world.users_a["front_desk"])
    assert client.post(reverse("patient-create"), _form()).status_code == 302
