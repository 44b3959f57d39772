"""Bad input is refused with a message naming the field, on the page and in the API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.patients.models import Patient
from tests.conftest import patient_data

pytestmark = pytest.mark.django_db

TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


def form_body(**overrides: object) -> dict[str, object]:
    body = {k: v for k, v in patient_data(mrn="NEW-7").items() if k != "diagnosis_codes"}
    body["diagnosis_codes"] = "F33.2, f411"
    body.update(overrides)
    return body


def api_body(**overrides: object) -> dict[str, object]:
    body = {k: (v if isinstance(v, list) else str(v)) for k, v in patient_data(mrn="NEW-8").items()}
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weight_kg", "19.9", "between 20 and 400 kg"),
        ("weight_kg", "400.1", "between 20 and 400 kg"),
        ("date_of_birth", TOMORROW, "cannot be in the future"),
        ("state_of_residence", "ZZ", "valid choice"),
        ("diagnosis_codes", "F33.2, depression", "Not an ICD-10-CM code: DEPRESSION"),
        # Well-formed but not in the CMS code set: a format check alone let these through.
        ("diagnosis_codes", "F33.2, F99.9", "Not in the ICD-10-CM, April 2026 release"),
        ("diagnosis_codes", "F33.20", "F33.20"),
        ("phone", "call me", "phone number"),
        ("mrn", "", "required"),
    ],
)
def test_form_refuses_bad_input_next_to_the_field_and_saves_nothing(
    world, client_as, field, value, message
):
    client = client_as(world.users_a["front_desk"])
    count = Patient.objects.count()
    response = client.post(reverse("patient-create"), form_body(**{field: value}))
    assert response.status_code == 422
    html = response.content.decode()
    assert f'data-field="{field}"' in html
    assert message in html
    assert Patient.objects.count() == count


def test_form_normalises_icd10_codes_and_saves_a_valid_patient(world, client_as):
    client = client_as(world.users_a["front_desk"])
    response = client.post(reverse("patient-create"), form_body())
    patient = Patient.objects.get(mrn="NEW-7")
    assert response["Location"] == reverse("patient-chart", args=[patient.public_id])
    assert patient.diagnosis_codes == ["F33.2", "F41.1"]
    assert patient.clinic == world.clinic_a


def test_duplicate_mrn_in_the_same_clinic_is_refused_on_the_mrn_field(world, client_as):
    client = client_as(world.users_a["front_desk"])
    response = client.post(reverse("patient-create"), form_body(mrn=world.patient_a.mrn))
    assert response.status_code == 422
    assert "already used in this clinic" in response.content.decode()
    # The same MRN in another clinic is fine: MRNs are per clinic.
    client_b = client_as(world.users_b["front_desk"])
    assert client_b.post(reverse("patient-create"), form_body(mrn="a-1")).status_code == 302


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weight_kg", "500"),
        ("weight_kg", True),
        ("date_of_birth", TOMORROW),
        ("date_of_birth", "14/03/1984"),
        ("state_of_residence", "XX"),
        ("diagnosis_codes", ["bad"]),
        ("diagnosis_codes", ["F99.9"]),
        ("sex", "other"),
        ("first_name", "Nul\x00byte"),
    ],
)
def test_api_refuses_bad_input_with_422_naming_the_field(world, client_as, field, value):
    client = client_as(world.users_a["front_desk"])
    count = Patient.objects.count()
    body = json.dumps(api_body(**{field: value}))
    response = client.post("/api/patients/", body, content_type="application/json")
    assert response.status_code == 422
    assert field in json.dumps(response.json()["detail"])
    assert Patient.objects.count() == count


def test_api_refuses_malformed_json_with_400(world, client_as):
    client = client_as(world.users_a["front_desk"])
    response = client.post("/api/patients/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_api_patch_refuses_null_and_keeps_the_record_unchanged(world, client_as):
    client = client_as(world.users_a["front_desk"])
    url = f"/api/patients/{world.patient_a.public_id}"
    response = client.patch(url, json.dumps({"weight_kg": None, "first_name": "Zed"}),
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 422
    assert "weight_kg" in json.dumps(response.json())
    world.patient_a.refresh_from_db()
    assert world.patient_a.first_name == "Alice"


def test_edit_form_saves_changes_and_the_chart_shows_them(world, client_as):
    client = client_as(world.users_a["nurse"])
    url = reverse("patient-edit", args=[world.patient_a.public_id])
    body = form_body(mrn=world.patient_a.mrn, weight_kg="74.0", first_name="Alicia")
    assert client.post(url, body).status_code == 302
    chart = client.get(reverse("patient-chart", args=[world.patient_a.public_id]))
    assert "Alicia" in chart.content.decode() and "74.0 kg" in chart.content.decode()


def test_search_finds_patients_by_name_or_mrn(world, client_as):
    client = client_as(world.users_a["front_desk"])

    def search(term: str) -> str:
        return client.post(reverse("patient-list"), {"q": term}, follow=True).content.decode()

    assert "Alice" in search("ali")
    assert "Alice" in search("a-1")
    assert "Alice" not in search("zzz")
    partial = client.post(reverse("patient-list"), {"q": "ali"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "Alice" in partial.content.decode()


def test_front_desk_gives_a_patient_a_portal_login_that_opens_only_their_record(world, client_as):
    from django.test import Client

    from ketacare.patients.models import Patient

    newcomer = Patient.objects.create(
        clinic=world.clinic_a, mrn="a-9", first_name="Nia", last_name="New",
        date_of_birth="1990-01-01", sex="female", weight_kg=60, state_of_residence="NY",
    )  # fmt: skip
    desk = client_as(world.users_a["front_desk"])
    url = reverse("patient-portal-access", args=[newcomer.public_id])
    weak = desk.post(url, {"email": "nia@example.org", "password": "short"})
    assert weak.status_code == 422 and "too short" in weak.content.decode()
    taken = desk.post(url, {"email": "nurse@a.example", "password": "a-long-enough-pass"})
    assert taken.status_code == 422 and "already belongs" in taken.content.decode()
    assert (
        desk.post(url, {"email": "nia@example.org", "password": "a-long-enough-pass"}).status_code
        == 302
    )
    newcomer.refresh_from_db()
    assert newcomer.user.email == "nia@example.org"
    again = desk.post(url, {"email": "nia2@example.org", "password": "a-long-enough-pass"})
    assert again.status_code == 422 and "already has a portal login" in again.content.decode()

    nia = Client()
    nia.post(reverse("login"), {"username": "nia@example.org", "password": "a-long-enough-pass"})
    landing = nia.get(reverse("patient-list"))
    assert landing["Location"] == reverse("patient-chart", args=[newcomer.public_id])
    assert nia.get(reverse("patient-chart", args=[world.patient_a.public_id])).status_code == 404


@pytest.mark.parametrize("role", ["prescriber", "nurse", "therapist", "patient"])
def test_only_front_desk_and_admin_give_portal_logins(world, client_as, role):
    url = reverse("patient-portal-access", args=[world.patient_b.public_id])
    assert client_as(world.users_a["front_desk"]).get(url).status_code == 404  # other clinic
    own = reverse("patient-portal-access", args=[world.patient_a.public_id])
    assert client_as(world.users_a[role]).get(own).status_code == 403


def test_a_portal_login_not_linked_to_a_record_gets_a_clear_page_not_a_loop(world, client_as):
    from ketacare.accounts.models import Membership, User

    lost = User.objects.create(email="lost@example.org")
    Membership.objects.create(user=lost, clinic=world.clinic_a, role="patient")
    page = client_as(lost).get(reverse("patient-list"))
    assert page.status_code == 404 and "not linked yet" in page.content.decode()
