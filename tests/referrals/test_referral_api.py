"""The referral API: the staff side over the pages' services, the public JSON forms."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from ketacare.audit.models import AuditEntry
from ketacare.patients.models import Patient
from ketacare.referrals import services
from ketacare.referrals.models import Referral
from tests.referrals.conftest import provider_data, self_data

pytestmark = pytest.mark.django_db


def _send(clinic, **overrides):  # type: ignore[no-untyped-def]
    return services.submit(services.public_actor(clinic), "provider", provider_data(**overrides))


def _post(client, url, body, **headers):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_the_queue_is_paged_and_names_the_referrals_it_lists(world, client_as):
    first, second, _ = _send(world.clinic_a), _send(world.clinic_a), _send(world.clinic_b)
    client = client_as(world.users_a["front_desk"])
    one = client.get("/api/referrals?limit=1").json()
    assert one["count"] == 2 and [r["reference"] for r in one["items"]] == [first.reference]
    assert one["next"].endswith("/api/referrals?limit=1&offset=1")
    two = client.get("/api/referrals?limit=1&offset=1").json()
    assert [r["id"] for r in two["items"]] == [str(second.public_id)] and two["next"] is None
    assert client.get("/api/referrals?view=declined").json()["count"] == 0
    assert client.get("/api/referrals?view=nonsense").status_code == 422


@pytest.mark.parametrize(
    ("role", "status"),
    [("front_desk", 200), ("clinic_admin", 200), ("prescriber", 200),
     ("nurse", 403), ("therapist", 403), ("patient", 403)],
)  # fmt: skip
def test_each_role_reads_a_referral_as_the_role_table_says(world, client_as, role, status):
    referral = _send(world.clinic_a)
    response = client_as(world.users_a[role]).get(f"/api/referrals/{referral.public_id}")
    if role == "patient":
        status = 404  # a patient's login reaches no referral but one linked to their record
    assert response.status_code == status
    assert client_as(world.users_a[role]).get("/api/referrals").status_code == (
        200 if status == 200 else 403
    )
    if status == 200:
        body = response.json()
        assert body["referrer_npi"] == "1234567893" and body["patient_id"] is None
        assert AuditEntry.objects.filter(action="read", object_id=str(referral.public_id)).exists()


def test_another_clinics_user_gets_404_for_every_referral_route(world, client_as):
    referral = _send(world.clinic_a)
    client = client_as(world.users_b["front_desk"])
    base = f"/api/referrals/{referral.public_id}"
    assert client.get(base).status_code == 404
    for action, body in [("accept", {"mrn": "B-1", "sex": "male", "weight_kg": 80}),
                         ("link", {"patient_id": str(world.patient_b.public_id)}),
                         ("decline", {"reason": "x"}), ("more-info", {"note": "x"})]:  # fmt: skip
        assert _post(client, f"{base}/{action}", body).status_code == 404, action
    assert Referral.objects.get().status == "new"


def test_the_detail_offers_candidates_and_link_accepts_for_one(world, client_as):
    referral = _send(
        world.clinic_a, first_name="Alice", last_name="Test", date_of_birth="1985-04-02"
    )
    client = client_as(world.users_a["front_desk"])
    detail = client.get(f"/api/referrals/{referral.public_id}").json()
    assert [c["mrn"] for c in detail["candidates"]] == ["a-1"]
    linked = _post(client, f"/api/referrals/{referral.public_id}/link",
                   {"patient_id": detail["candidates"][0]["id"]})  # fmt: skip
    assert linked.status_code == 200
    assert linked.json()["status"] == "accepted"
    assert linked.json()["patient_id"] == str(world.patient_a.public_id)
    again = client.get(f"/api/referrals/{referral.public_id}").json()
    assert again["candidates"] == [] and again["history"][0]["to_status"] == "accepted"


def test_accept_registers_the_patient_and_a_retry_with_the_same_key_is_recorded_once(
    world, client_as
):
    referral = _send(world.clinic_a)
    client = client_as(world.users_a["front_desk"])
    url = f"/api/referrals/{referral.public_id}/accept"
    body = {"mrn": "A-5", "sex": "female", "weight_kg": 64.5, "phone": "(555) 010-9999"}
    first = _post(client, url, body, **{"Idempotency-Key": "accept-1"})
    again = _post(client, url, body, **{"Idempotency-Key": "accept-1"})
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    patient = Patient.objects.get(mrn="A-5")
    assert (patient.first_name, patient.phone) == ("Jordan", "(555) 010-9999")
    assert first.json()["patient_id"] == str(patient.public_id)
    assert (
        AuditEntry.objects.filter(action="update", object_id=str(referral.public_id)).count() == 1
    )
    decided = _post(client, url, body | {"mrn": "A-6"})
    assert decided.status_code == 422
    assert decided.json()["detail"][0]["loc"] == ["body", "status"]


def test_accept_without_what_the_referral_lacks_is_422_naming_the_field(world, client_as):
    referral = _send(world.clinic_a)
    client = client_as(world.users_a["front_desk"])
    response = _post(client, f"/api/referrals/{referral.public_id}/accept", {"mrn": "A-5"})
    assert response.status_code == 422
    assert {tuple(e["loc"]) for e in response.json()["detail"]} >= {("body", "payload", "sex")}


def test_accepting_a_registered_name_and_birth_date_is_422_until_confirmed(world, client_as):
    referral = _send(
        world.clinic_a, first_name="Alice", last_name="Test", date_of_birth="1985-04-02"
    )
    client = client_as(world.users_a["front_desk"])
    url = f"/api/referrals/{referral.public_id}/accept"
    body = {"mrn": "A-5", "sex": "female", "weight_kg": 64.5}
    refused = _post(client, url, body)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == [
        "body",
        "last_name",
    ]
    assert _post(client, url, body | {"confirm": ["possible_duplicate"]}).status_code == 200


def test_decline_and_more_info_need_their_text_and_record_it(world, client_as):
    referral = _send(world.clinic_a)
    client = client_as(world.users_a["front_desk"])
    base = f"/api/referrals/{referral.public_id}"
    assert _post(client, f"{base}/decline", {"reason": ""}).status_code == 422
    blank = _post(client, f"{base}/decline", {"reason": "   "})
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"] == ["body", "reason"]
    asked = _post(client, f"{base}/more-info", {"note": "Need the last PHQ-9."})
    assert asked.json()["status"] == "more_info"
    declined = _post(client, f"{base}/decline", {"reason": "Out of state."})
    assert (declined.json()["status"], declined.json()["decision_note"]) == (
        "declined",
        "Out of state.",
    )
    nurse = client_as(world.users_a["nurse"])
    assert _post(nurse, f"{base}/more-info", {"note": "x"}).status_code == 403


def test_a_public_json_referral_needs_no_login_and_answers_a_reference(world):
    anonymous = Client()
    sent = _post(anonymous, "/api/public/clinics/a/referrals", provider_data())
    assert sent.status_code == 201
    assert Referral.objects.get().reference == sent.json()["reference"]
    consult = _post(anonymous, "/api/public/clinics/a/consultations", self_data())
    assert consult.status_code == 201 and consult.json()["reference"].startswith("CON-")
    assert _post(anonymous, "/api/public/clinics/zz/referrals", provider_data()).status_code == 404


def test_a_public_json_referral_with_a_wrong_npi_is_422_naming_it(world):
    response = _post(
        Client(), "/api/public/clinics/a/referrals", provider_data(referrer_npi="1234567891")
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "referrer_npi"] and "check digit" in error["msg"]
    assert not Referral.objects.exists()


def test_the_public_json_route_has_the_honeypot_and_the_address_limit(world, settings, mid_window):
    settings.RATE_LIMIT_REFERRALS_PER_HOUR = 2
    client = Client(REMOTE_ADDR="198.51.100.20")
    caught = _post(client, "/api/public/clinics/a/referrals", provider_data(website="x"))
    assert caught.status_code == 201 and caught.json()["reference"].startswith("REF-")
    assert not Referral.objects.exists()
    assert _post(client, "/api/public/clinics/a/consultations", self_data()).status_code == 201
    limited = _post(client, "/api/public/clinics/a/consultations", self_data())
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert Referral.objects.count() == 1


def test_an_unknown_referral_id_is_404_not_500(world, client_as):
    client = client_as(world.users_a["front_desk"])
    assert client.get(f"/api/referrals/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/referrals/not-a-uuid").status_code in (404, 422)
