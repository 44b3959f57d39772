"""The medication list and allergies: recorded by nurses and prescribers, seen by the care
team and the patient, refused with a message on bad input, and read by the screening form."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.audit.models import AuditEntry
from ketacare.medications.models import Allergy, Medication
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def add_medicine(client, patient, **fields):  # type: ignore[no-untyped-def]
    body = {"med-name": "lorazepam", "med-dose": "1 mg at night",
            "med-medicine_class": "benzodiazepine", "med-started_on": "2025-03-01"}  # fmt: skip
    body.update({f"med-{k}": v for k, v in fields.items()})
    return client.post(reverse("medication-add", args=[patient.public_id]), body)


@pytest.mark.parametrize("role", ["prescriber", "nurse"])
def test_a_nurse_or_prescriber_records_a_medicine_and_it_is_audited(world, client_as, role):
    client = client_as(world.users_a[role])
    response = add_medicine(client, world.patient_a)
    assert response.status_code == 302
    medication = Medication.objects.get(patient=world.patient_a)
    assert (medication.name, medication.medicine_class) == ("lorazepam", "benzodiazepine")
    assert medication.recorded_by == world.users_a[role]
    assert AuditEntry.objects.filter(
        action="create", object_type="medication", object_id=str(medication.public_id)
    ).exists()
    page = client.get(reverse("medication-list", args=[world.patient_a.public_id]))
    assert "lorazepam" in page.content.decode() and "1 mg at night" in page.content.decode()


@pytest.mark.parametrize("role", ["clinic_admin", "therapist", "front_desk", "patient"])
def test_other_roles_may_not_record_a_medicine(world, client_as, role):
    response = add_medicine(client_as(world.users_a[role]), world.patient_a)
    assert response.status_code == 403
    assert not Medication.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("therapist", 200), ("patient", 200), ("front_desk", 403), ("clinic_admin", 403)],
)
def test_who_sees_the_list(world, client_as, role, status):
    url = reverse("medication-list", args=[world.patient_a.public_id])
    assert client_as(world.users_a[role]).get(url).status_code == status


def test_the_patient_sees_the_list_but_no_forms(world, client_as):
    url = reverse("medication-list", args=[world.patient_a.public_id])
    html = client_as(world.users_a["patient"]).get(url).content.decode()
    assert "Medicines and allergies" in html and "Add medicine" not in html


def test_another_clinics_user_gets_404(world, client_as):
    url = reverse("medication-list", args=[world.patient_a.public_id])
    assert client_as(world.users_b["nurse"]).get(url).status_code == 404
    assert add_medicine(client_as(world.users_b["nurse"]), world.patient_a).status_code == 404
    assert not Medication.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "name", "required"),
        ({"medicine_class": "antacid"}, "medicine_class", "valid choice"),
        ({"started_on": str(TODAY + timedelta(days=3))}, "started_on", "plausible range"),
        ({"started_on": "0001-01-01"}, "started_on", "plausible range"),
    ],
)
def test_bad_input_is_refused_on_the_page_and_nothing_is_saved(
    world, client_as, fields, field, message
):
    response = add_medicine(client_as(world.users_a["nurse"]), world.patient_a, **fields)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert not Medication.objects.exists()


def test_stopping_before_the_start_is_refused_and_stopping_keeps_the_entry(world, client_as):
    client = client_as(world.users_a["nurse"])
    add_medicine(client, world.patient_a)
    medication = Medication.objects.get()
    url = reverse("medication-stop", args=[medication.public_id])
    refused = client.post(url, {"stopped_on": "2025-02-01", "reason": "x"})
    assert refused.status_code == 422
    assert "cannot stop before it started" in refused.content.decode()
    medication.refresh_from_db()
    assert medication.stopped_on is None
    assert client.post(url, {"stopped_on": str(TODAY), "reason": "tapered"}).status_code == 302
    medication.refresh_from_db()
    assert (medication.stopped_on, medication.stop_reason) == (TODAY, "tapered")
    again = client.post(url, {"stopped_on": str(TODAY), "reason": "x"})
    assert again.status_code == 422 and "Already stopped" in again.content.decode()


def test_an_allergy_is_removed_only_with_a_reason_and_stays_on_record(world, client_as):
    client = client_as(world.users_a["prescriber"])
    p = world.patient_a.public_id
    body = {"allergy-substance": "penicillin", "allergy-reaction": "hives"}
    response = client.post(reverse("allergy-add", args=[p]), body)
    assert response.status_code == 302
    allergy = Allergy.objects.get()
    url = reverse("allergy-remove", args=[allergy.public_id])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "entered in error"}).status_code == 302
    allergy.refresh_from_db()
    assert allergy.removed_at is not None and allergy.removed_reason == "entered in error"
    html = client.get(reverse("medication-list", args=[p])).content.decode()
    assert "<s>penicillin</s>" in html


def test_the_api_records_lists_and_stops_medicines(world, client_as):
    client = client_as(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/medications"
    body = {"name": "methylphenidate", "medicine_class": "psychostimulant", "dose": "10 mg"}
    created = client.post(url, json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["medicine_class"] == "psychostimulant"
    listed = client.get(url).json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "methylphenidate"
    stop = f"/api/medications/{created.json()['id']}/stop"
    stopped = client.post(stop, json.dumps({"reason": "no longer needed"}),
                          content_type="application/json")  # fmt: skip
    today = timezone.localdate()  # the clinic's day (the world fixture's clock)
    assert stopped.status_code == 200 and stopped.json()["stopped_on"] == str(today)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "medicine_class": "antacid"}, "medicine_class"),
        ({"name": ""}, "name"),
        ({"name": "x", "started_on": "2999-01-01"}, "started_on"),
        ({"name": "x", "started_on": "2025-01-02", "stopped_on": "2025-01-01"}, "stopped_on"),
    ],
)
def test_the_api_refuses_bad_input_with_422_naming_the_field(world, client_as, body, field):
    client = client_as(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/medications"
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert field in json.dumps(response.json()["detail"])
    assert not Medication.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_api_allergy_writes_follow_the_role_table(world, client_as, role):
    client = client_as(world.users_a[role])
    url = f"/api/patients/{world.patient_a.public_id}/allergies"
    response = client.post(url, json.dumps({"substance": "latex"}),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == (201 if role in ("prescriber", "nurse") else 403)


def test_the_screening_form_is_ticked_from_current_medicines_only(world, client_as):
    client = client_as(world.users_a["nurse"])
    add_medicine(client, world.patient_a)  # a benzodiazepine, current
    add_medicine(client, world.patient_a, name="phenelzine", medicine_class="MAOI",
                 started_on="2024-01-01")  # fmt: skip
    maoi = Medication.objects.get(name="phenelzine")
    client.post(reverse("medication-stop", args=[maoi.public_id]),
                {"stopped_on": str(TODAY - timedelta(days=30))})  # fmt: skip
    form = client.get(reverse("screening-new", args=[world.patient_a.public_id]))
    ticked = form.context["form"].initial["medicines"]
    assert ticked == ["benzodiazepine"]
