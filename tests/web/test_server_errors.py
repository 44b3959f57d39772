"""Inputs that used to end in a server error now get a 4xx naming the field or the limit."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ketacare.measures.models import ScaleResponse

pytestmark = pytest.mark.django_db
PHQ9 = [1, 2, 3, 0, 1, 2, 1, 0, 0]


def post_json(client, url, body, **headers):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    "taken_at", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1900-01-01T00:00:00"]
)
def test_a_scale_dated_outside_the_plausible_range_is_refused_on_taken_at(
    world, client_as, taken_at
):
    client = client_as(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/scales"
    response = post_json(client, url, {"instrument": "phq9", "answers": PHQ9, "taken_at": taken_at})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "taken_at"] and "plausible range" in error["msg"]
    assert not ScaleResponse.objects.exists()


def test_a_scale_time_without_an_offset_is_taken_as_the_clinics_time(world, client_as):
    client = client_as(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/scales"
    body = {"instrument": "phq9", "answers": PHQ9, "taken_at": "2026-01-05T09:30:00",
            "backdate_reason": "paper form from intake"}  # fmt: skip
    assert post_json(client, url, body).status_code == 201
    taken_at = ScaleResponse.objects.get().taken_at
    clinic_time = timezone.localtime(taken_at, ZoneInfo(world.clinic_a.time_zone))
    assert clinic_time.isoformat().startswith("2026-01-05T09:30:00")


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
def test_a_body_over_the_limit_is_a_json_413_naming_the_limit(world, client_as, settings, debug):
    settings.DEBUG = debug
    client = client_as(world.users_a["front_desk"])
    body = {"mrn": "X" * (10 * 1024 * 1024)}  # 10 MB of JSON
    response = post_json(client, "/api/patients/", body)
    assert response.status_code == 413
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in response.json()["detail"]


def test_json_sent_as_text_plain_is_refused_with_415(world, client_as):
    client = client_as(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/scales"
    body = json.dumps({"instrument": "phq9", "answers": PHQ9})
    response = client.post(url, body, content_type="text/plain")
    assert response.status_code == 415 and "application/json" in response.json()["detail"]
    assert not ScaleResponse.objects.exists()


def test_an_unknown_api_path_and_a_wrong_method_answer_json(world, client_as):
    client = client_as(world.users_a["nurse"])
    unknown = client.get("/api/no-such-thing")
    assert unknown.status_code == 404 and unknown.json() == {"detail": "Not Found"}
    wrong = client.delete(f"/api/patients/{world.patient_a.public_id}")
    assert wrong.status_code == 405 and wrong.json() == {"detail": "Method Not Allowed"}
    assert "PATCH" in wrong["Allow"]
