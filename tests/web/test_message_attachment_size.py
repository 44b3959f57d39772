"""An attachment sent through the API as base64 inside the JSON: a file of exactly
MESSAGE_ATTACHMENT_MAX_BYTES is taken although its body is over Django's global body limit
(DATA_UPLOAD_MAX_MEMORY_SIZE, which stays as it is for every other request); a larger file
is refused with an error naming the attachment."""

from __future__ import annotations

import base64
import json

import pytest
from django.conf import settings

from ketacare.messaging.models import Attachment, Message, MessageThread

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MESSAGE_ATTACHMENTS_DIR = str(tmp_path / "attachments")


def _pdf(size: int) -> str:
    return base64.b64encode(b"%PDF-" + b"x" * (size - 5)).decode()


def _body(size: int, **extra: str) -> str:
    attachment = {"filename": "scan.pdf", "content_base64": _pdf(size)}
    return json.dumps({"subject": "Scan", "text": "My ECG.", "attachment": attachment, **extra})


def _post(client, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def urls(world, client_as):  # type: ignore[no-untyped-def]
    """Each API write that takes an attachment, with the client allowed to use it."""
    patient = client_as(world.users_a["patient"])
    thread = _post(patient, "/api/message-threads", json.dumps({"subject": "Q", "text": "x"}))
    return {
        "start": (world.users_a["patient"], "/api/message-threads"),
        "reply": (world.users_a["patient"], f"/api/message-threads/{thread.json()['id']}/messages"),
        "to patient": (
            world.users_a["nurse"], f"/api/patients/{world.patient_a.public_id}/message-threads"
        ),
    }  # fmt: skip


@pytest.mark.parametrize("endpoint", ["start", "reply", "to patient"])
def test_an_attachment_of_exactly_the_limit_is_taken_through_the_api(client_as, urls, endpoint):
    user, url = urls[endpoint]
    limit = settings.MESSAGE_ATTACHMENT_MAX_BYTES
    body = _body(limit)
    assert limit == 5 * 1_048_576 and len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = _post(client_as(user), url, body)
    assert response.status_code == 201, response.content[:300]
    assert Attachment.objects.get().size_bytes == limit


@pytest.mark.parametrize("endpoint", ["start", "reply", "to patient"])
def test_one_byte_over_the_limit_is_a_422_naming_the_attachment(client_as, urls, endpoint):
    user, url = urls[endpoint]
    messages = Message.objects.count()
    response = _post(client_as(user), url, _body(settings.MESSAGE_ATTACHMENT_MAX_BYTES + 1))
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "attachment"]
    assert "5,242,881 bytes; the limit is 5,242,880 bytes (5.0 MB)" in error["msg"]
    assert Message.objects.count() == messages and not Attachment.objects.exists()


def test_a_body_too_large_for_any_legal_attachment_is_a_413_naming_it(world, client_as):
    client = client_as(world.users_a["patient"])
    response = _post(client, "/api/message-threads", _body(6 * 1_048_576))
    assert response.status_code == 413
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "attachment"]
    assert "an attachment of at most 5242880 bytes (5.0 MB" in error["msg"]
    assert not MessageThread.objects.exists()


def test_the_larger_body_follows_the_attachment_setting(world, client_as, settings):
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 4 * 1_048_576
    client = client_as(world.users_a["patient"])
    assert _post(client, "/api/message-threads", _body(5 * 1_048_576)).status_code == 413
    assert _post(client, "/api/message-threads", _body(4 * 1_048_576)).status_code == 201


def test_other_endpoints_keep_the_global_body_limit(world, client_as):
    client = client_as(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/counselling"
    response = _post(client, url, json.dumps({"note": "x" * (3 * 1_048_576)}))
    assert response.status_code == 413
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in response.json()["detail"]


def test_nobody_logged_in_gets_no_larger_body(client):  # type: ignore[no-untyped-def]
    response = _post(client, "/api/message-threads", _body(settings.MESSAGE_ATTACHMENT_MAX_BYTES))
    assert response.status_code == 401
    assert not MessageThread.objects.exists()
