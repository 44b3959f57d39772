"""The consent API: the same services, gate and audit as the pages; writes are idempotent and
refusals are 422s naming the field."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from ketacare.accounts.models import ApiToken
from ketacare.audit.models import AuditEntry
from ketacare.consent.models import ConsentDocument, ConsentSignature, ConsentWithdrawal
from ketacare.consent.services import latest_versions
from ketacare.patients.models import Patient
from tests.conftest import ROLES, patient_data

pytestmark = pytest.mark.django_db
WITNESSES = {"prescriber", "nurse", "therapist"}


def api_as(user) -> Client:  # type: ignore[no-untyped-def]
    _, raw = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client: Client, url: str, body: dict[str, object], **headers: str):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def fields_of(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.content
    return {item["loc"][-1]: item["msg"] for item in response.json()["detail"]}


def newcomer(world) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(
        clinic=world.clinic_a, **patient_data(mrn="a-2", first_name="Nadia", last_name="New")
    )


def signing(world, name: str = "Nadia New", topic: str = "iv") -> dict[str, object]:  # type: ignore[no-untyped-def]
    document = latest_versions(world.clinic_a.pk)[topic]
    return {"document_id": str(document.public_id), "typed_name": name, "agreed": True}


def test_status_sign_and_withdraw_over_the_api(world):
    patient = newcomer(world)
    nurse = api_as(world.users_a["nurse"])
    url = f"/api/patients/{patient.public_id}/consent"
    status = nurse.get(url).json()
    iv = next(t for t in status["topics"] if t["topic"] == "iv")
    assert (
        iv["state"] == "not signed" and iv["reason"] == "No signed consent for IV racemic ketamine."
    )
    signed = post(nurse, f"{url}/signatures", signing(world))
    assert signed.status_code == 201
    body = signed.json()
    assert body["witness"] == "nurse@a.example" and body["signed_via"] == "clinic_tablet"
    assert body["version"] == 1 and body["withdrawn_at"] is None
    iv = next(t for t in nurse.get(url).json()["topics"] if t["topic"] == "iv")
    assert iv["state"] == "current" and iv["to_sign_document_id"] is None
    withdrawn = post(nurse, f"{url}/withdrawals", {"topic": "iv", "reason": "by phone"})
    assert withdrawn.status_code == 201 and withdrawn.json()["topic"] == "iv"
    listed = nurse.get(f"{url}/signatures").json()
    assert listed["count"] == 1 and listed["items"][0]["withdrawal_reason"] == "by phone"


def test_a_retried_signature_with_the_same_key_is_recorded_once(world):
    patient = newcomer(world)
    nurse = api_as(world.users_a["nurse"])
    url = f"/api/patients/{patient.public_id}/consent/signatures"
    first = post(nurse, url, signing(world), **{"Idempotency-Key": "sign-1"})
    again = post(nurse, url, signing(world), **{"Idempotency-Key": "sign-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    # without a key, signing the same version again answers the first signature
    third = post(nurse, url, signing(world))
    assert third.status_code == 200 and third.json()["id"] == first.json()["id"]
    assert ConsentSignature.objects.filter(patient=patient).count() == 1
    creates = AuditEntry.objects.filter(object_type="consent_signature", action="create")
    assert creates.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"typed_name": "Not Me"}, "typed_name"),
        ({"typed_name": "Nadia\x00New"}, "typed_name"),
        ({"agreed": False}, "agreed"),
        ({"document_id": "00000000-0000-0000-0000-000000000000"}, "document_id"),
        ({"document_id": "not-a-uuid"}, "document_id"),
    ],
)
def test_a_bad_signature_is_a_422_naming_the_field(world, changes, field):
    patient = newcomer(world)
    url = f"/api/patients/{patient.public_id}/consent/signatures"
    response = post(api_as(world.users_a["nurse"]), url, {**signing(world), **changes})
    assert field in fields_of(response)
    assert not ConsentSignature.objects.filter(patient=patient).exists()


def test_withdrawing_what_is_not_signed_is_a_422_naming_the_topic(world):
    url = f"/api/patients/{newcomer(world).public_id}/consent/withdrawals"
    assert "topic" in fields_of(post(api_as(world.users_a["nurse"]), url, {"topic": "iv"}))
    assert "topic" in fields_of(post(api_as(world.users_a["nurse"]), url, {"topic": "yoga"}))
    assert not ConsentWithdrawal.objects.exists()


def test_the_admin_publishes_over_the_api_and_bad_versions_name_the_field(world):
    admin = api_as(world.users_a["clinic_admin"])
    today = timezone.localdate().isoformat()
    body = {"topic": "im", "title": "IM consent v2", "body": "Text.", "effective_on": today}
    published = post(admin, "/api/consent/documents", body)
    assert published.status_code == 201 and published.json()["version"] == 2
    assert "effective_on" in fields_of(post(admin, "/api/consent/documents",
                                            {**body, "effective_on": "2001-01-01"}))  # fmt: skip
    assert "body" in fields_of(post(admin, "/api/consent/documents", {**body, "body": " "}))
    assert "title" in fields_of(post(admin, "/api/consent/documents", {**body, "title": "a\x00"}))
    listed = admin.get("/api/consent/documents?topic=im&limit=1").json()
    assert listed["count"] == 2 and listed["items"][0]["version"] == 2 and listed["next"]


@pytest.mark.parametrize("role", ROLES)
def test_consent_api_follows_the_role_table(world, role):
    client = api_as(world.users_a[role])
    patient = world.patient_a
    own_or_witness = role in WITNESSES or role == "patient"
    today = timezone.localdate().isoformat()
    body = {"topic": "im", "title": "t", "body": "b", "effective_on": today}
    assert post(client, "/api/consent/documents", body).status_code == (
        201 if role == "clinic_admin" else 403
    )
    assert client.get(f"/api/patients/{patient.public_id}/consent").status_code == 200
    document = latest_versions(world.clinic_a.pk)["telehealth"]
    ConsentDocument.objects.create(
        clinic=world.clinic_a, topic="telehealth", version=2, title="t", body="b",
        effective_on=document.effective_on,
    )  # fmt: skip
    url = f"/api/patients/{patient.public_id}/consent/signatures"
    sign = post(client, url, signing(world, "Alice Test", "telehealth"))
    assert sign.status_code == (201 if own_or_witness else 403)


@pytest.mark.parametrize("role", ROLES)
def test_another_clinics_users_get_404_for_documents_and_consents(world, role):
    client = api_as(world.users_b[role])
    patient = world.patient_a
    document = latest_versions(world.clinic_a.pk)["iv"]
    assert client.get(f"/api/consent/documents/{document.public_id}").status_code == 404
    assert client.get(f"/api/patients/{patient.public_id}/consent").status_code == 404
    url = f"/api/patients/{patient.public_id}/consent/signatures"
    assert post(client, url, signing(world, "Alice Test")).status_code == 404
    assert client.get("/api/consent/documents").json()["count"] == 5  # their own clinic's
    denied = AuditEntry.objects.filter(action="denied", clinic_id=world.clinic_a.pk)
    assert denied.count() == 3  # each probe logged where clinic A's admin sees it
