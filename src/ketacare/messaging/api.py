"""Message endpoints over the same services and gate as the pages. An attachment travels
inside the JSON as base64 (the API takes JSON only), a third larger than the file, so the
endpoints that take one accept a body that fits the largest file allowed
(MESSAGE_ATTACHMENT_MAX_BYTES) and no more (api.large_bodies: 413 naming `attachment`); a
file over the limit inside such a body is a 422 naming it, as on the page."""

from __future__ import annotations

import base64
import binascii
import math
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.large_bodies import takes_body_up_to
from ketacare.api.paging import Page, PageQuery, page
from ketacare.messaging import attachments, services
from ketacare.messaging.views import attachment_response

router = Router()

# Room in the body beside the file: the text, subject and file name at their longest even
# with every character sent as a JSON escape (12 bytes for a surrogate pair): 63,840 bytes.
JSON_ROOM = 64 * 1024


def _body_with_attachment() -> int:
    return 4 * math.ceil(attachments.max_bytes() / 3) + JSON_ROOM  # base64: 4 bytes per 3


def _attachment_limit() -> str:
    limit = attachments.max_bytes()
    return (
        f"an attachment of at most {limit} bytes ({limit / 1_048_576:.1f} MB; "
        f"{4 * math.ceil(limit / 3)} as base64) with its message"
    )


with_attachment = takes_body_up_to(
    _body_with_attachment, field=attachments.FIELD, what=_attachment_limit
)


class AttachmentIn(Schema):
    filename: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(min_length=1)

    def upload(self) -> SimpleUploadedFile:
        try:
            content = base64.b64decode(self.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationError({"attachment": "content_base64 is not valid base64."}) from exc
        return SimpleUploadedFile(self.filename, content)


class MessageIn(Schema):
    text: str = Field(min_length=1, max_length=services.MAX_TEXT)
    attachment: AttachmentIn | None = None

    def entry(self) -> services.NewMessage:
        upload = self.attachment.upload() if self.attachment else None
        return services.NewMessage(self.text, upload)


class ThreadIn(MessageIn):
    subject: str = Field(min_length=1, max_length=services.MAX_SUBJECT)


class AttachmentOut(Schema):
    id: UUID = Field(alias="public_id")
    filename: str
    content_type: str
    size_bytes: int


class MessageOut(Schema):
    id: UUID = Field(alias="public_id")
    from_patient: bool
    text: str
    sent_at: datetime
    attachments: list[AttachmentOut]


class ThreadOut(Schema):
    id: UUID = Field(alias="public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    subject: str
    status: str
    created_at: datetime
    last_message_at: datetime
    unread: int = 0


class ThreadDetailOut(ThreadOut):
    messages: list[MessageOut] = Field(alias="shown_messages")


class UnreadOut(Schema):
    unread: int


def _detail(thread: Any, messages: list[Any]) -> Any:
    thread.shown_messages, thread.unread = messages, 0  # read just now
    return thread


@router.get("/message-threads", response={200: Page[ThreadOut], **ERRORS})
def list_message_threads(request: HttpRequest, paging: Query[PageQuery]) -> Any:
    """A patient's own threads; for the care team, their clinic's open threads."""
    actor = actor_from_request(request)
    rows, count = services.list_threads(actor, limit=paging.limit, offset=paging.offset)
    return page(request, rows, count, paging)


@router.post("/message-threads", response={201: ThreadDetailOut, **ERRORS})
@with_attachment
def start_message_thread(request: HttpRequest, payload: ThreadIn) -> Any:
    actor = actor_from_request(request)
    thread = services.start_thread(actor, payload.subject, payload.entry())
    return Status(201, _detail(*services.read_thread(actor, thread.public_id)))


@router.post("/patients/{patient_id}/message-threads", response={201: ThreadDetailOut, **ERRORS})
@with_attachment
def write_to_patient(request: HttpRequest, patient_id: UUID, payload: ThreadIn) -> Any:
    """A clinician starts a thread with a patient of their clinic (the patient replies in
    the portal)."""
    actor = actor_from_request(request)
    thread = services.write_to_patient(actor, patient_id, payload.subject, payload.entry())
    return Status(201, _detail(*services.read_thread(actor, thread.public_id)))


@router.get("/message-threads/unread", response={200: UnreadOut, **ERRORS})
def count_unread_messages(request: HttpRequest) -> Any:
    return {"unread": services.unread_count(actor_from_request(request))}


@router.get("/message-threads/{thread_id}", response={200: ThreadDetailOut, **ERRORS})
def read_message_thread(request: HttpRequest, thread_id: UUID) -> Any:
    return _detail(*services.read_thread(actor_from_request(request), thread_id))


@router.post("/message-threads/{thread_id}/messages", response={201: MessageOut, **ERRORS})
@with_attachment
def reply_in_message_thread(request: HttpRequest, thread_id: UUID, payload: MessageIn) -> Any:
    actor = actor_from_request(request)
    return Status(201, services.reply(actor, thread_id, payload.entry()))


@router.post("/message-threads/{thread_id}/close", response={200: ThreadOut, **ERRORS})
def close_message_thread(request: HttpRequest, thread_id: UUID) -> Any:
    return services.close(actor_from_request(request), thread_id)


@router.get("/message-attachments/{attachment_id}", response={200: None, **ERRORS})
def download_message_attachment(request: HttpRequest, attachment_id: UUID) -> Any:
    found, content = services.open_attachment(actor_from_request(request), attachment_id)
    return attachment_response(found.filename, found.content_type, content)
