"""Counselling endpoints over the same services and gate as the pages; lists carry when and
what kind, the note itself only its own (audited) read."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.counselling import services
from ketacare.counselling.models import Kind

router = Router()

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    KindCode = str
else:
    KindCode = Literal[tuple(Kind.values)]


class CounsellingIn(Schema):
    kind: KindCode
    held_at: datetime
    duration_minutes: int = Field(ge=1, le=services.MAX_MINUTES)
    note: str = Field(min_length=1, max_length=20000)
    dosing_session_id: UUID | None = None
    sign: bool = False

    def to_entry(self) -> services.CounsellingEntry:
        return services.CounsellingEntry(**self.model_dump())


class CounsellingOut(Schema):
    id: UUID = Field(alias="public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    kind: KindCode
    held_at: datetime
    duration_minutes: int
    dosing_session_id: UUID | None = Field(None, alias="dosing_session.public_id")
    signed_at: datetime | None


class AmendmentOut(Schema):
    text: str
    added_at: datetime


class NoteOut(CounsellingOut):
    note: str
    amendments: list[AmendmentOut]


class AmendmentIn(Schema):
    text: str = Field(min_length=1, max_length=20000)


@router.get("/patients/{patient_id}/counselling", response={200: Page[CounsellingOut], **ERRORS})
def list_counselling_sessions(
    request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]
) -> Any:
    actor = actor_from_request(request)
    rows, count = services.session_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post("/patients/{patient_id}/counselling", response={201: NoteOut, **ERRORS})
def record_counselling_session(
    request: HttpRequest, patient_id: UUID, payload: CounsellingIn
) -> Any:
    actor = actor_from_request(request)
    return Status(201, services.record_session(actor, patient_id, payload.to_entry()))


@router.get("/counselling/{counselling_id}", response={200: NoteOut, **ERRORS})
def read_counselling_note(request: HttpRequest, counselling_id: UUID) -> Any:
    return services.read_note(actor_from_request(request), counselling_id)


@router.post("/counselling/{counselling_id}/sign", response={200: NoteOut, **ERRORS})
def sign_counselling_note(request: HttpRequest, counselling_id: UUID) -> Any:
    return services.sign(actor_from_request(request), counselling_id)


@router.post("/counselling/{counselling_id}/amendments", response={201: NoteOut, **ERRORS})
def amend_counselling_note(request: HttpRequest, counselling_id: UUID, payload: AmendmentIn) -> Any:
    actor = actor_from_request(request)
    services.amend(actor, counselling_id, payload.text)
    return Status(201, services.read_note(actor, counselling_id))
