"""The one access gate, proved for every page and API route: clinic isolation and the role table."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

CAN_EDIT = {"clinic_admin", "prescriber", "nurse", "front_desk"}
CAN_CREATE = {"clinic_admin", "prescriber", "front_desk"}


def api_patch(client, public_id, data):  # type: ignore[no-untyped-def]
    return client.patch(
        f"/api/patients/{public_id}", json.dumps(data), content_type="application/json"
    )


@pytest.mark.parametrize("role", ROLES)
def test_user_of_clinic_a_gets_404_for_every_route_on_a_clinic_b_patient(world, client_as, role):
    client = client_as(world.users_a[role])
    b = world.patient_b.public_id
    assert client.get(reverse("patient-chart", args=[b])).status_code == 404
    assert client.get(reverse("patient-edit", args=[b])).status_code == 404
    assert client.post(reverse("patient-edit", args=[b]), {"first_name": "X"}).status_code == 404
    assert client.get(f"/api/patients/{b}").status_code == 404
    assert api_patch(client, b, {"first_name": "Hacked"}).status_code == 404
    world.patient_b.refresh_from_db()
    assert world.patient_b.first_name == "Bruno"


@pytest.mark.parametrize("role", ROLES)
def test_lists_never_show_another_clinics_patients(world, client_as, role):
    client = client_as(world.users_a[role])
    listed = client.get("/api/patients/").json()["items"]
    assert [p["id"] for p in listed] == [str(world.patient_a.public_id)]
    page = client.get(reverse("patient-list"), follow=True)
    assert "Bruno" not in page.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_page_actions(world, client_as, role):
    client = client_as(world.users_a[role])
    a = world.patient_a.public_id
    assert client.get(reverse("patient-chart", args=[a])).status_code == 200
    expected_edit = 200 if role in CAN_EDIT else 403
    assert client.get(reverse("patient-edit", args=[a])).status_code == expected_edit
    expected_create = 200 if role in CAN_CREATE else 403
    assert client.get(reverse("patient-create")).status_code == expected_create
    expected_audit = 200 if role == "clinic_admin" else 403
    assert client.get(reverse("audit-log")).status_code == expected_audit
    list_status = client.get(reverse("patient-list")).status_code
    assert list_status == (302 if role == "patient" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_api_actions(world, client_as, role):
    from tests.conftest import patient_data

    client = client_as(world.users_a[role])
    a = world.patient_a.public_id
    assert client.get(f"/api/patients/{a}").status_code == 200
    patched = api_patch(client, a, {"weight_kg": "70.0"})
    assert patched.status_code == (200 if role in CAN_EDIT else 403)
    body = {
        k: str(v) if not isinstance(v, list) else v for k, v in patient_data(mrn="NEW-1").items()
    }
    created = client.post("/api/patients/", json.dumps(body), content_type="application/json")
    assert created.status_code == (201 if role in CAN_CREATE else 403)
    assert "detail" in created.json() or created.json()["mrn"] == "NEW-1"


def test_patient_role_sees_only_their_own_record(world, client_as):
    from ketacare.patients.models import Patient

    other = Patient.objects.create(
        clinic=world.clinic_a, mrn="a-2", first_name="Cleo", last_name="Other",
        date_of_birth="1990-01-01", sex="male", weight_kg=80, state_of_residence="NY",
    )  # fmt: skip
    client = client_as(world.users_a["patient"])
    assert client.get(reverse("patient-chart", args=[other.public_id])).status_code == 404
    assert client.get(f"/api/patients/{other.public_id}").status_code == 404
    response = client.get(reverse("patient-list"))
    assert response["Location"] == reverse("patient-chart", args=[world.patient_a.public_id])


def test_anonymous_requests_are_sent_to_login_or_refused(world, client):
    a = world.patient_a.public_id
    for url in (reverse("patient-list"), reverse("patient-chart", args=[a]), reverse("audit-log")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get("/api/patients/").status_code == 401
    assert client.get(f"/api/patients/{a}").status_code == 401


def test_user_in_two_clinics_sees_the_one_they_switched_to(world, client_as):
    from ketacare.accounts.models import Membership

    nurse = world.users_a["nurse"]
    Membership.objects.create(user=nurse, clinic=world.clinic_b, role="therapist")
    client = client_as(nurse)
    b = world.patient_b.public_id
    assert client.get(reverse("patient-chart", args=[b])).status_code == 404
    client.post(reverse("switch-clinic"), {"clinic_id": world.clinic_b.pk})
    assert client.get(reverse("patient-chart", args=[b])).status_code == 200
    # The role follows the clinic: a therapist in B may not edit.
    assert client.get(reverse("patient-edit", args=[b])).status_code == 403


def test_switching_to_a_clinic_without_membership_is_ignored(world, client_as):
    client = client_as(world.users_a["clinic_admin"])
    client.post(reverse("switch-clinic"), {"clinic_id": world.clinic_b.pk})
    assert client.get(reverse("patient-chart", args=[world.patient_b.public_id])).status_code == 404
