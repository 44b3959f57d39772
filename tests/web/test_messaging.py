"""Messages between a patient and the care team: threads, replies, closing, unread counts,
attachments checked by content and size, every read and write through the gate, audited."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ketacare.audit.models import AuditEntry
from ketacare.messaging.models import Attachment, Message, MessageThread

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MESSAGE_ATTACHMENTS_DIR = str(tmp_path / "attachments")


def _start(client, subject="Dizzy after session", text="Is this normal?", file=None):  # type: ignore[no-untyped-def]
    body = {"subject": subject, "text": text}
    if file is not None:
        body["attachment"] = file
    return client.post(reverse("message-new"), body)


def _thread() -> MessageThread:
    return MessageThread.objects.get()


def test_a_patient_writes_the_team_replies_and_each_side_sees_unread(world, client_as):
    patient = client_as(world.users_a["patient"])
    response = _start(patient)
    thread = _thread()
    assert response.status_code == 302 and response["Location"] == reverse(
        "message-thread", args=[thread.public_id]
    )
    nurse = client_as(world.users_a["nurse"])
    inbox = nurse.get(reverse("messages")).content.decode()
    assert "Dizzy after session" in inbox and "1 new" in inbox and "Alice" in inbox
    assert nurse.get(reverse("message-thread", args=[thread.public_id])).status_code == 200
    assert "1 new" not in nurse.get(reverse("messages")).content.decode()  # read now
    nurse.post(reverse("message-thread", args=[thread.public_id]), {"text": "Yes; rest today."})
    patient = client_as(world.users_a["patient"])
    home = patient.get(reverse("portal-home")).content.decode()
    assert "1 new message" in home
    page = patient.get(reverse("message-thread", args=[thread.public_id])).content.decode()
    assert "Yes; rest today." in page and "(care team)" in page
    assert "1 new message" not in patient.get(reverse("portal-home")).content.decode()


def test_the_same_form_sent_twice_is_recorded_once(world, client_as):
    patient = client_as(world.users_a["patient"])
    form = patient.get(reverse("message-new")).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', form)[1]  # type: ignore[index]
    body = {"subject": "Dizzy", "text": "Is this normal?", "submission_key": key}
    first = patient.post(reverse("message-new"), body)
    again = patient.post(reverse("message-new"), body)  # a double tap
    assert first["Location"] == again["Location"]
    assert MessageThread.objects.count() == 1 and Message.objects.count() == 1
    thread = reverse("message-thread", args=[_thread().public_id])
    reply = {"text": "And now?", "submission_key": "reply-1"}
    patient.post(thread, reply)
    patient.post(thread, reply)
    assert Message.objects.count() == 2


def test_the_team_closes_a_thread_and_a_reply_to_it_is_refused_with_the_text_kept(world, client_as):
    _start(client_as(world.users_a["patient"]))
    thread = _thread()
    client_as(world.users_a["therapist"]).post(reverse("message-close", args=[thread.public_id]))
    thread.refresh_from_db()
    assert thread.status == "closed"
    assert (
        "Dizzy" not in client_as(world.users_a["nurse"]).get(reverse("messages")).content.decode()
    )
    patient = client_as(world.users_a["patient"])  # the test client is one: log in last
    assert patient.post(reverse("message-close", args=[thread.public_id])).status_code == 403
    reply = patient.post(reverse("message-thread", args=[thread.public_id]), {"text": "Still?"})
    assert reply.status_code == 422
    assert Message.objects.count() == 1


@pytest.mark.parametrize("role", ["front_desk", "clinic_admin"])
def test_front_desk_and_the_admin_do_not_read_patients_messages(world, client_as, role):
    _start(client_as(world.users_a["patient"]))
    client = client_as(world.users_a[role])
    assert client.get(reverse("messages")).status_code == 403
    assert client.get(reverse("message-thread", args=[_thread().public_id])).status_code == 403


def test_another_patient_and_another_clinic_get_404(world, client_as):
    _start(client_as(world.users_a["patient"]), file=SimpleUploadedFile("a.png", PNG))
    thread, attachment = _thread(), Attachment.objects.get()
    for user in (world.users_b["patient"], world.users_b["nurse"]):
        client = client_as(user)
        assert client.get(reverse("message-thread", args=[thread.public_id])).status_code == 404
        assert (
            client.get(reverse("message-attachment", args=[attachment.public_id])).status_code
            == 404
        )
        assert thread.public_id.hex not in client.get(reverse("messages")).content.decode()


def test_another_patient_of_the_same_clinic_gets_404(world, client_as):
    from ketacare.accounts.models import Membership, User
    from ketacare.patients.models import Patient
    from tests.conftest import patient_data

    other_user = User.objects.create_user("nadia@example.org", "a-long-passphrase-here")
    Membership.objects.create(user=other_user, clinic=world.clinic_a, role="patient")
    Patient.objects.create(clinic=world.clinic_a, user=other_user,
                           **patient_data(mrn="a-2", first_name="Nadia"))  # fmt: skip
    _start(client_as(other_user), file=SimpleUploadedFile("n.png", PNG))
    thread, attachment = _thread(), Attachment.objects.get()
    alice = client_as(world.users_a["patient"])
    assert alice.get(reverse("message-thread", args=[thread.public_id])).status_code == 404
    assert (
        alice.post(reverse("message-thread", args=[thread.public_id]), {"text": "hi"}).status_code
        == 404
    )
    assert alice.get(reverse("message-attachment", args=[attachment.public_id])).status_code == 404
    assert alice.get(f"/api/message-threads/{thread.public_id}").status_code == 404
    assert "Nadia" not in alice.get(reverse("messages")).content.decode()
    assert Message.objects.count() == 1


def test_the_inbox_is_an_audited_read_naming_each_thread_shown(world, client_as):
    _start(client_as(world.users_a["patient"]))
    client_as(world.users_a["nurse"]).get(reverse("messages"))
    entry = AuditEntry.objects.filter(action="read", object_type="message_thread_list").last()
    assert entry.detail["threads"] == [str(_thread().public_id)]
    assert entry.detail["patients"] == [str(world.patient_a.public_id)]


def test_a_png_is_stored_outside_the_web_root_and_served_only_through_the_gate(world, client_as):
    _start(client_as(world.users_a["patient"]), file=SimpleUploadedFile("../../x.png", PNG))
    attachment = Attachment.objects.get()
    stored = Path(settings.MESSAGE_ATTACHMENTS_DIR) / attachment.stored_as
    assert stored.read_bytes() == PNG
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    assert attachment.filename == "x.png" and attachment.content_type == "image/png"
    nurse = client_as(world.users_a["nurse"])
    since = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = nurse.get(reverse("message-attachment", args=[attachment.public_id]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        AuditEntry.objects.filter(
            id__gt=since, action="read", object_id=str(attachment.public_id)
        ).count()
        == 1
    )


def test_a_file_that_is_not_a_pdf_png_or_jpeg_is_refused_naming_the_field(world, client_as):
    patient = client_as(world.users_a["patient"])
    fake = SimpleUploadedFile("scan.pdf", b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf")
    response = _start(patient, text="My words stay", file=fake)
    page = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="attachment"' in page and "Only a PDF, PNG or JPEG file" in page
    assert "My words stay" in page and "Dizzy after session" in page  # nothing typed is lost
    assert not MessageThread.objects.exists() and not Attachment.objects.exists()
    assert not any(Path(settings.MESSAGE_ATTACHMENTS_DIR).glob("*"))


def test_a_file_over_the_size_limit_is_refused_with_the_limit(world, client_as, settings):
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 1_048_576
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 1_100_000)
    response = _start(client_as(world.users_a["patient"]), file=big)
    assert response.status_code == 422
    page = response.content.decode()  # in bytes: "1.0 MB; the limit is 1.0 MB" says nothing
    assert "The file is 1,100,005 bytes; the limit is 1,048,576 bytes (1.0 MB)" in page
    assert not MessageThread.objects.exists()


def test_writes_and_reads_are_audited(world, client_as):
    _start(client_as(world.users_a["patient"]), file=SimpleUploadedFile("a.pdf", PDF))
    thread = _thread()
    created = AuditEntry.objects.filter(action="create", patient_id=str(world.patient_a.public_id))
    assert {"message_thread", "message"} <= set(created.values_list("object_type", flat=True))
    client_as(world.users_a["prescriber"]).get(reverse("message-thread", args=[thread.public_id]))
    assert AuditEntry.objects.filter(
        action="read", object_type="message_thread", object_id=str(thread.public_id),
        user_id=world.users_a["prescriber"].pk,
    ).count() == 1  # fmt: skip


# --- the API ---------------------------------------------------------------------------


def _api(client, url, body, **headers):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_api_start_with_an_idempotency_key_is_recorded_once(world, client_as):
    patient = client_as(world.users_a["patient"])
    body = {
        "subject": "Question",
        "text": "Hello",
        "attachment": {"filename": "a.png", "content_base64": base64.b64encode(PNG).decode()},
    }
    first = _api(patient, "/api/message-threads", body, **{"Idempotency-Key": "k-1"})
    again = _api(patient, "/api/message-threads", body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert MessageThread.objects.count() == 1 and Attachment.objects.count() == 1
    data = first.json()
    assert data["messages"][0]["attachments"][0]["content_type"] == "image/png"
    download = patient.get(
        f"/api/message-attachments/{data['messages'][0]['attachments'][0]['id']}"
    )
    assert download.status_code == 200


def test_api_bad_input_is_a_422_naming_the_field(world, client_as):
    patient = client_as(world.users_a["patient"])
    empty = _api(patient, "/api/message-threads", {"subject": "Q", "text": ""})
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"][-1] == "text"
    fake = {
        "subject": "Q",
        "text": "x",
        "attachment": {"filename": "a.pdf", "content_base64": base64.b64encode(b"MZ").decode()},
    }
    refused = _api(patient, "/api/message-threads", fake)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == [
        "body",
        "attachment",
    ]
    blank = _api(patient, "/api/message-threads", {"subject": "   ", "text": "x"})
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"][-1] == "subject"
    assert not MessageThread.objects.exists()


def test_api_reply_list_close_and_unread(world, client_as):
    patient = client_as(world.users_a["patient"])
    thread_id = _api(patient, "/api/message-threads", {"subject": "Q", "text": "x"}).json()["id"]
    nurse = client_as(world.users_a["nurse"])
    assert nurse.get("/api/message-threads/unread").json() == {"unread": 1}
    listed = nurse.get("/api/message-threads").json()
    assert listed["count"] == 1 and listed["items"][0]["unread"] == 1
    assert (
        _api(nurse, f"/api/message-threads/{thread_id}/messages", {"text": "Hi"}).status_code == 201
    )
    assert _api(nurse, f"/api/message-threads/{thread_id}/close", {}).status_code == 200
    patient = client_as(world.users_a["patient"])
    assert patient.get("/api/message-threads/unread").json() == {"unread": 1}
    closed = _api(patient, f"/api/message-threads/{thread_id}/messages", {"text": "More"})
    assert closed.status_code == 422 and closed.json()["detail"][0]["loc"][-1] == "text"
    other = client_as(world.users_b["patient"])
    assert other.get(f"/api/message-threads/{thread_id}").status_code == 404
