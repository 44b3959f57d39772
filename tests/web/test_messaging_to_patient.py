"""A clinician starts a thread with a patient from the chart or the API: the patient sees it
as new in the portal and replies; front desk, another clinic and bad input are refused."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ketacare.audit.models import AuditEntry
from ketacare.messaging.models import Message, MessageThread

pytestmark = pytest.mark.django_db
REMINDER = {"subject": "Integration session on Thursday", "text": "See you at 10:00."}


def _write(client, patient, body=REMINDER):  # type: ignore[no-untyped-def]
    return client.post(reverse("message-to-patient", args=[patient.public_id]), body)


def _api(client, patient, body, **headers):  # type: ignore[no-untyped-def]
    url = f"/api/patients/{patient.public_id}/message-threads"
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_a_nurse_messages_the_patient_from_the_chart_and_the_patient_reads_and_replies(
    world, client_as
):
    nurse = client_as(world.users_a["nurse"])
    chart = nurse.get(reverse("patient-chart", args=[world.patient_a.public_id])).content.decode()
    link = reverse("message-to-patient", args=[world.patient_a.public_id])
    assert f'href="{link}">Message the patient</a>' in chart
    response = _write(nurse, world.patient_a)
    thread = MessageThread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("message-thread", args=[thread.public_id])
    assert thread.patient == world.patient_a and thread.started_by == world.users_a["nurse"]
    assert not thread.messages.get().from_patient
    chart = nurse.get(reverse("patient-chart", args=[world.patient_a.public_id])).content.decode()
    assert "Integration session on Thursday" in chart

    patient = client_as(world.users_a["patient"])
    home = patient.get(reverse("portal-home")).content.decode()
    assert "1 new message" in home and "Integration session on Thursday" in home
    page = patient.get(reverse("message-thread", args=[thread.public_id])).content.decode()
    assert (
        "See you at 10:00." in page and "(care team)" in page and 'data-testid="reply-form"' in page
    )
    assert "1 new message" not in patient.get(reverse("portal-home")).content.decode()
    patient.post(reverse("message-thread", args=[thread.public_id]), {"text": "I will be there."})
    assert thread.messages.last().from_patient

    nurse = client_as(world.users_a["nurse"])
    inbox = nurse.get(reverse("messages")).content.decode()
    assert "Integration session on Thursday" in inbox and "1 new" in inbox


def test_starting_a_thread_to_the_patient_is_audited_through_the_gate(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    since = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    _write(nurse, world.patient_a)
    new = AuditEntry.objects.filter(id__gt=since, user_id=world.users_a["nurse"].pk)
    patient_id = str(world.patient_a.public_id)
    assert new.filter(action="read", object_type="patient", object_id=patient_id).count() == 1
    created = new.filter(action="create", patient_id=patient_id)
    assert set(created.values_list("object_type", flat=True)) == {"message_thread", "message"}
    assert created.get(object_type="message_thread").detail["from_patient"] is False


@pytest.mark.parametrize("role", ["front_desk", "clinic_admin"])
def test_front_desk_and_the_admin_cannot_message_a_patient(world, client_as, role):
    client = client_as(world.users_a[role])
    chart = client.get(reverse("patient-chart", args=[world.patient_a.public_id])).content.decode()
    assert "Message the patient" not in chart
    url = reverse("message-to-patient", args=[world.patient_a.public_id])
    assert client.get(url).status_code == 403
    assert _write(client, world.patient_a).status_code == 403
    assert _api(client, world.patient_a, REMINDER).status_code == 403
    assert not MessageThread.objects.exists()
    assert AuditEntry.objects.filter(action="denied", user_id=world.users_a[role].pk).exists()


def test_a_patient_cannot_use_the_clinicians_route_even_to_themselves(world, client_as):
    patient = client_as(world.users_a["patient"])
    assert _write(patient, world.patient_a).status_code == 403
    assert _api(patient, world.patient_a, REMINDER).status_code == 403
    assert not MessageThread.objects.exists()


def test_a_patient_of_another_clinic_is_not_found(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    url = reverse("message-to-patient", args=[world.patient_b.public_id])
    assert nurse.get(url).status_code == 404
    assert _write(nurse, world.patient_b).status_code == 404
    assert _api(nurse, world.patient_b, REMINDER).status_code == 404
    assert not MessageThread.objects.exists()


def test_bad_input_on_the_page_keeps_what_was_typed(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    response = _write(nurse, world.patient_a, {"subject": "   ", "text": "Bring your BP cuff."})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="subject"' in page and "Bring your BP cuff." in page
    response = _write(nurse, world.patient_a, {"subject": "Cuff", "text": "x" * 5001})
    assert response.status_code == 422 and 'data-field="text"' in response.content.decode()
    assert "Cuff" in response.content.decode()
    assert not MessageThread.objects.exists()


def test_a_patient_without_a_portal_login_is_refused_with_the_reason(world, client_as):
    world.patient_a.user = None
    world.patient_a.save()
    nurse = client_as(world.users_a["nurse"])
    chart = nurse.get(reverse("patient-chart", args=[world.patient_a.public_id])).content.decode()
    assert "No portal login yet" in chart and "Message the patient" not in chart
    response = _write(nurse, world.patient_a)
    assert response.status_code == 422 and "has no portal login yet" in response.content.decode()
    assert "Integration session on Thursday" in response.content.decode()
    api = _api(nurse, world.patient_a, REMINDER)
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "patient"]
    assert not MessageThread.objects.exists()


def test_the_same_form_sent_twice_starts_one_thread(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    body = {**REMINDER, "submission_key": "form-1"}
    first, again = _write(nurse, world.patient_a, body), _write(nurse, world.patient_a, body)
    assert first["Location"] == again["Location"]
    assert MessageThread.objects.count() == 1 and Message.objects.count() == 1


def test_api_starts_a_thread_to_the_patient_once_per_idempotency_key(world, client_as):
    nurse = client_as(world.users_a["nurse"])
    first = _api(nurse, world.patient_a, REMINDER, **{"Idempotency-Key": "remind-1"})
    again = _api(nurse, world.patient_a, REMINDER, **{"Idempotency-Key": "remind-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    data = first.json()
    assert data["patient_id"] == str(world.patient_a.public_id)
    assert data["messages"][0]["from_patient"] is False
    assert MessageThread.objects.count() == 1
    patient = client_as(world.users_a["patient"])
    assert patient.get("/api/message-threads/unread").json() == {"unread": 1}
    url = f"/api/message-threads/{data['id']}/messages"
    reply = patient.post(url, json.dumps({"text": "Thanks"}), content_type="application/json")
    assert reply.status_code == 201 and reply.json()["from_patient"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": "", "text": "x"}, "subject"),
        ({"subject": "   ", "text": "x"}, "subject"),
        ({"subject": "Q", "text": ""}, "text"),
        ({"subject": "Q", "text": "x\x00y"}, "text"),
    ],
)
def test_api_bad_input_is_a_422_naming_the_field(world, client_as, body, field):
    response = _api(client_as(world.users_a["nurse"]), world.patient_a, body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == field
    assert not MessageThread.objects.exists()
