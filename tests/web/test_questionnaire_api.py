"""The questionnaire API: the care team lists, starts and pauses a patient's schedules; the
patient lists what is due and answers it, each item validated by the clinical core (422 at
that item), a retry with its Idempotency-Key recorded once, a second answer refused (409)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db
JSON = "application/json"


def post(client, url, body, **headers):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type=JSON, headers=headers)


def schedule_phq9_due_today(world, client_as):  # type: ignore[no-untyped-def]
    nurse = client_as(world.users_a["nurse"])
    body = {"instrument": "phq9", "every_days": 7, "first_due_on": str(timezone.localdate())}
    response = post(
        nurse, f"/api/patients/{world.patient_a.public_id}/questionnaire-schedules", body
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_staff_list_start_and_pause_a_patients_schedules(world, client_as):
    created = schedule_phq9_due_today(world, client_as)
    nurse = client_as(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/questionnaire-schedules"
    listed = nurse.get(url).json()
    assert listed["count"] == 1 and listed["items"][0]["instrument"] == "phq9"
    paused = post(nurse, f"/api/questionnaire-schedules/{created['id']}/pause", {})
    assert paused.status_code == 200 and paused.json()["active"] is False
    due = nurse.get(f"/api/patients/{world.patient_a.public_id}/questionnaires/due").json()
    assert due["count"] == 0  # nothing due once paused


def test_a_schedule_out_of_range_is_refused_naming_the_field(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/questionnaire-schedules"
    far = {"instrument": "phq9", "every_days": 7,
           "first_due_on": str(timezone.localdate() + timedelta(days=400))}  # fmt: skip
    response = post(nurse, url, far)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "first_due_on"]


def test_the_patient_and_front_desk_cannot_schedule(world, client_as):
    body = {"instrument": "phq9", "every_days": 7, "first_due_on": str(timezone.localdate())}
    url = f"/api/patients/{world.patient_a.public_id}/questionnaire-schedules"
    for role in ("patient", "front_desk"):
        assert post(client_as(world.users_a[role]), url, body).status_code == 403, role


def test_the_patient_lists_and_answers_its_due_questionnaire_once(world, client_as):
    schedule_phq9_due_today(world, client_as)
    patient = client_as(world.users_a["patient"])
    due = patient.get(f"/api/patients/{world.patient_a.public_id}/questionnaires/due").json()
    assert due["count"] == 1 and due["items"][0]["item_count"] == 9
    url = f"/api/questionnaires/{due['items'][0]['id']}/answer"
    body = {"answers": [1, 1, 1, 0, 0, 0, 0, 0, 0]}
    first = post(patient, url, body, **{"Idempotency-Key": "answer-1"})
    assert first.status_code == 201 and first.json()["total"] == 3
    retry = post(patient, url, body, **{"Idempotency-Key": "answer-1"})
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    again = post(patient, url, body, **{"Idempotency-Key": "answer-2"})
    assert again.status_code == 409 and again.json()["detail"][0]["loc"] == ["body", "due_id"]
    from ketacare.measures.models import ScaleResponse

    assert ScaleResponse.objects.filter(patient=world.patient_a, instrument="phq9").count() == 1


def test_an_answer_out_of_its_items_range_is_refused_at_that_item_and_nothing_is_saved(
    world, client_as
):
    from ketacare.measures.models import ScaleResponse

    schedule_phq9_due_today(world, client_as)
    patient = client_as(world.users_a["patient"])
    due = patient.get(f"/api/patients/{world.patient_a.public_id}/questionnaires/due").json()
    url = f"/api/questionnaires/{due['items'][0]['id']}/answer"
    response = post(patient, url, {"answers": [0, 0, 0, 5, 0, 0, 0, 0, 0]})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "answers", 3] and "item 4" in error["msg"]
    short = post(patient, url, {"answers": [0, 0]})
    assert short.status_code == 422 and short.json()["detail"][0]["loc"] == ["body", "answers"]
    assert not ScaleResponse.objects.filter(patient=world.patient_a, instrument="phq9").exists()


def test_item_9_above_zero_returns_crisis_resources_at_once(world, client_as):
    schedule_phq9_due_today(world, client_as)
    patient = client_as(world.users_a["patient"])
    due = patient.get(f"/api/patients/{world.patient_a.public_id}/questionnaires/due").json()
    url = f"/api/questionnaires/{due['items'][0]['id']}/answer"
    answered = post(patient, url, {"answers": [0, 0, 0, 0, 0, 0, 0, 0, 1]})
    assert answered.status_code == 201 and "988" in answered.json()["crisis_resources"]


def test_another_patients_due_questionnaire_is_out_of_reach(world, client_as):
    schedule_phq9_due_today(world, client_as)
    nurse = client_as(world.users_a["nurse"])
    due = nurse.get(f"/api/patients/{world.patient_a.public_id}/questionnaires/due").json()
    other = client_as(world.users_b["patient"])
    url = f"/api/questionnaires/{due['items'][0]['id']}/answer"
    assert post(other, url, {"answers": [0] * 9}).status_code == 404
    assert (
        other.get(f"/api/patients/{world.patient_a.public_id}/questionnaires/due").status_code
        == 404
    )
