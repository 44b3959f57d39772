"""The API as a generated client sees it: paged lists, 401 before CSRF, enums in the
output, the spec for callers only, rate limits and idempotent writes."""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.test import Client

from ketacare.accounts.models import ApiToken
from ketacare.api.models import IdempotentRequest
from ketacare.config.api import api
from ketacare.measures.models import SafetyAlert, ScaleResponse
from ketacare.patients.models import Patient
from tests.conftest import patient_data

pytestmark = pytest.mark.django_db
PHQ9 = [1, 2, 3, 0, 1, 2, 1, 0, 0]
PHQ9_ITEM9 = [1, 2, 3, 0, 1, 2, 1, 0, 2]


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, raw = ApiToken.issue(user)
    return {"Authorization": f"Bearer {raw}"}


def post_json(client, url, body, **headers):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def new_patient_body(mrn: str) -> dict[str, object]:
    body = patient_data(mrn=mrn)
    body["date_of_birth"] = body["date_of_birth"].isoformat()  # type: ignore[attr-defined]
    body["weight_kg"] = str(body["weight_kg"])
    return body


def test_scale_history_comes_in_pages_with_a_count_and_a_next_link(world, client):
    auth = bearer(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/scales"
    for _ in range(5):
        assert (
            post_json(client, url, {"instrument": "phq9", "answers": PHQ9}, **auth).status_code
            == 201
        )
    first = client.get(url, {"limit": 2}, headers=auth).json()
    assert first["count"] == 5 and len(first["items"]) == 2
    assert first["next"].endswith(f"{url}?limit=2&offset=2")
    last = client.get(url, {"limit": 2, "offset": 4}, headers=auth).json()
    assert len(last["items"]) == 1 and last["next"] is None
    assert client.get(url, {"limit": 201}, headers=auth).status_code == 422  # the maximum


def test_an_unpaged_request_gets_the_default_page_not_everything(world, client):
    auth = bearer(world.users_a["front_desk"])
    Patient.objects.bulk_create(
        Patient(clinic=world.clinic_a, **patient_data(mrn=f"bulk-{n}")) for n in range(60)
    )
    listed = client.get("/api/patients/", headers=auth).json()
    assert (len(listed["items"]), listed["count"]) == (50, 61)
    assert "offset=50" in listed["next"]


def test_the_care_team_lists_a_patients_alerts_through_the_api(world, client):
    auth = bearer(world.users_a["nurse"])
    scales = f"/api/patients/{world.patient_a.public_id}/scales"
    post_json(client, scales, {"instrument": "phq9", "answers": PHQ9_ITEM9}, **auth)
    alerts = client.get(f"/api/patients/{world.patient_a.public_id}/alerts", headers=auth)
    assert alerts.status_code == 200
    [alert] = alerts.json()["items"]
    assert (
        alert["id"] == str(SafetyAlert.objects.get().public_id) and alert["kind"] == "suicidality"
    )
    front_desk = bearer(world.users_a["front_desk"])
    refused = client.get(f"/api/patients/{world.patient_a.public_id}/alerts", headers=front_desk)
    assert refused.status_code == 403
    other_clinic = client.get(f"/api/patients/{world.patient_b.public_id}/alerts", headers=auth)
    assert other_clinic.status_code == 404


def test_a_write_without_credentials_is_401_not_a_csrf_403(world):
    client = Client(enforce_csrf_checks=True)
    response = post_json(client, "/api/patients/", new_patient_body("no-auth"))
    assert response.status_code == 401


def test_a_browser_session_write_still_needs_its_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users_a["front_desk"])
    response = post_json(client, "/api/patients/", new_patient_body("csrf"))
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_fields_that_are_enums_on_input_are_enums_in_the_output_schema():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    patient, scale = schemas["PatientOut"]["properties"], schemas["ScaleOut"]["properties"]
    assert "female" in patient["sex"]["enum"] and "NY" in patient["state_of_residence"]["enum"]
    assert "phq9" in scale["instrument"]["enum"]
    severities = next(s for s in scale["severity"]["anyOf"] if "enum" in s)["enum"]
    assert {"minimal", "moderate", "severe"} <= set(severities)


def test_the_spec_and_docs_are_for_logged_in_callers_unless_opened(world, client, settings):
    assert client.get("/api/openapi.json").status_code == 401
    assert client.get("/api/docs").status_code == 401
    assert (
        client.get("/api/openapi.json", headers=bearer(world.users_a["nurse"])).status_code == 200
    )
    client.force_login(world.users_a["nurse"])
    assert client.get("/api/docs").status_code == 200
    client.logout()
    settings.KETACARE_API_DOCS_PUBLIC = True
    assert client.get("/api/openapi.json").status_code == 200


def test_the_api_limits_requests_per_token_with_a_json_429(world, client, settings):
    settings.RATE_LIMIT_API_PER_MINUTE = 3
    auth, other = bearer(world.users_a["nurse"]), bearer(world.users_a["nurse"])
    statuses = [client.get("/api/patients/", headers=auth).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/patients/", headers=auth)
    assert "retry" in limited.json()["detail"].lower() and 0 < int(limited["Retry-After"]) <= 61
    assert client.get("/api/patients/", headers=other).status_code == 200  # per token


def test_public_pages_are_limited_per_client_address(world, settings):
    settings.RATE_LIMIT_PUBLIC_PER_MINUTE = 2
    here, there = Client(REMOTE_ADDR="203.0.113.5"), Client(REMOTE_ADDR="203.0.113.6")
    assert [here.get("/accounts/login/").status_code for _ in range(3)] == [200, 200, 429]
    page = here.get("/accounts/login/")
    assert "Too many requests" in page.content.decode() and int(page["Retry-After"]) > 0
    assert there.get("/accounts/login/").status_code == 200


def test_invented_tokens_count_against_the_address(world, settings):
    settings.RATE_LIMIT_PUBLIC_PER_MINUTE = 2
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [
        client.get(
            "/api/patients/", headers={"Authorization": f"Bearer {uuid.uuid4()}"}
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 429, 429]


def test_a_retried_write_with_the_same_idempotency_key_is_recorded_once(world, client):
    auth = bearer(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/scales"
    body, key = {"instrument": "phq9", "answers": PHQ9}, str(uuid.uuid4())
    first = post_json(client, url, body, **auth, **{"Idempotency-Key": key})
    retry = post_json(client, url, body, **auth, **{"Idempotency-Key": key})
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert ScaleResponse.objects.count() == 1
    other = post_json(
        client, url, {**body, "answers": PHQ9_ITEM9}, **auth, **{"Idempotency-Key": key}
    )
    assert other.status_code == 422 and other.json()["detail"][0]["loc"] == [
        "header",
        "Idempotency-Key",
    ]
    assert ScaleResponse.objects.count() == 1
    fresh = post_json(client, url, body, **auth, **{"Idempotency-Key": str(uuid.uuid4())})
    assert fresh.status_code == 201 and ScaleResponse.objects.count() == 2


def test_a_method_the_route_lacks_is_a_405_even_with_a_used_idempotency_key(world, client):
    """The key belongs to writes the API has: a PUT where only POST exists is the route's
    405, not the key's 422 (found by schemathesis)."""
    auth = bearer(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/scales"
    key = {"Idempotency-Key": "used-once"}
    body = {"instrument": "phq9", "answers": PHQ9}
    assert post_json(client, url, body, **auth, **key).status_code == 201
    wrong = client.put(url, json.dumps(body), content_type="application/json",
                       headers={**auth, **key})  # fmt: skip
    assert wrong.status_code == 405 and "POST" in wrong["Allow"]
    assert ScaleResponse.objects.count() == 1


def test_an_idempotency_key_is_per_user_and_a_refused_write_frees_it(world, client):
    url = f"/api/patients/{world.patient_a.public_id}/scales"
    key = {"Idempotency-Key": "retry-me"}
    nurse, prescriber = bearer(world.users_a["nurse"]), bearer(world.users_a["prescriber"])
    bad = post_json(client, url, {"instrument": "phq9", "answers": [9] * 9}, **nurse, **key)
    assert bad.status_code == 422 and not IdempotentRequest.objects.exists()
    body = {"instrument": "phq9", "answers": PHQ9}
    assert post_json(client, url, body, **nurse, **key).status_code == 201
    assert post_json(client, url, body, **prescriber, **key).status_code == 201
    assert ScaleResponse.objects.count() == 2


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="the in-memory SQLite test database shares one connection between the live "
    "server's threads, so parallel requests interleave on one cursor; PostgreSQL runs it",
)
def test_the_same_write_sent_at_once_from_many_threads_is_recorded_once(live_server, world):
    import time
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    auth = bearer(world.users_a["nurse"])
    url = f"{live_server.url}/api/patients/{world.patient_a.public_id}/scales"
    body = json.dumps({"instrument": "phq9", "answers": PHQ9}).encode()
    headers = {**auth, "Content-Type": "application/json", "Idempotency-Key": "burst"}

    def send(_: int) -> tuple[int, str]:
        """As a client should: a 503 (database busy) or 409 (the key's first request is still
        running) is retried with the same key."""
        for _attempt in range(100):
            request = urllib.request.Request(url, body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, json.loads(response.read())["id"]
            except urllib.error.HTTPError as error:
                if error.code not in (409, 503):
                    raise
                time.sleep(0.05)
        raise AssertionError("still busy after 100 tries")

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(send, range(6)))
    assert {status for status, _ in answers} == {201}
    assert len({id_ for _, id_ in answers}) == 1 and ScaleResponse.objects.count() == 1
