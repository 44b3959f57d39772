"""Questionnaire endpoints over the same services and gate as the pages: a patient's
schedules (the care team lists, starts and pauses them), what is due now, and answering one.

An answer is validated item by item by the clinical core; a refusal names the item in its
location (["body", "answers", index]). A retried submission is recorded once: with an
`Idempotency-Key` the retry gets the first answer back (api/idempotency.py), and without one
the questionnaire is closed by the first answer, so the second is told so (409).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.clinical import instruments
from ketacare.measures.services import SUICIDALITY
from ketacare.questionnaires import services
from ketacare.questionnaires.models import DueStatus

router = Router()

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    ScaleKey = str
    DueState = str
else:
    ScaleKey = Literal[tuple(s.key for s in services.schedulable_scales())]
    DueState = Literal[tuple(DueStatus.values)]
LOW, HIGH = services.EVERY_DAYS_RANGE
# A loose bound for the schema (no scale answers above 6); each item's own range is the core's.
Answer = Annotated[int, Field(ge=0, le=9, strict=True)]
ITEM = re.compile(r"\bitem (\d+)\b")


class ScheduleIn(Schema):
    instrument: ScaleKey
    every_days: int = Field(ge=LOW, le=HIGH, strict=True)
    first_due_on: date

    def to_entry(self) -> services.ScheduleEntry:
        return services.ScheduleEntry(self.instrument, self.every_days, self.first_due_on)


class ScheduleOut(Schema):
    id: UUID = Field(alias="public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    instrument: str
    every_days: int
    active: bool
    created_at: datetime
    stopped_at: datetime | None


class DueOut(Schema):
    id: UUID = Field(alias="public_id")
    instrument: str
    name: str = Field(description="The scale's name as the patient sees it")
    due_on: date
    status: DueState
    item_count: int

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.get_instrument_name())

    @staticmethod
    def resolve_item_count(obj: Any) -> int:
        return len(instruments.get(obj.instrument).items)


class AnswerIn(Schema):
    answers: list[Answer | None] = Field(
        max_length=40, description="Integers in item order; null for a C-SSRS question skipped"
    )


class AnswerOut(Schema):
    id: UUID = Field(alias="public_id")
    instrument: str
    total: int
    flags: list[str]
    taken_at: datetime
    crisis_resources: str = Field(
        description="Shown at once when the answer raises a suicidality flag; else empty"
    )

    @staticmethod
    def resolve_crisis_resources(obj: Any) -> str:
        if SUICIDALITY not in obj.flags:
            return ""
        return ("If you are in danger now call 911. Call or text 988 (Suicide & Crisis "
                "Lifeline, N4). Your care team has been alerted.")  # fmt: skip


@router.get(
    "/patients/{patient_id}/questionnaire-schedules", response={200: Page[ScheduleOut], **ERRORS}
)
def list_schedules(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    actor = actor_from_request(request)
    rows, count = services.schedule_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post(
    "/patients/{patient_id}/questionnaire-schedules", response={201: ScheduleOut, **ERRORS}
)
def start_schedule(request: HttpRequest, patient_id: UUID, payload: ScheduleIn) -> Any:
    actor = actor_from_request(request)
    return Status(201, services.start_schedule(actor, patient_id, payload.to_entry()))


@router.post("/questionnaire-schedules/{schedule_id}/pause", response={200: ScheduleOut, **ERRORS})
def pause_schedule(request: HttpRequest, schedule_id: UUID) -> Any:
    """Nothing more is due or reminded; starting a schedule for the scale again resumes it."""
    return services.stop_schedule(actor_from_request(request), schedule_id)


@router.get("/patients/{patient_id}/questionnaires/due", response={200: Page[DueOut], **ERRORS})
def list_due(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    actor = actor_from_request(request)
    rows, count = services.due_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post("/questionnaires/{due_id}/answer", response={201: AnswerOut, **ERRORS})
def answer(request: HttpRequest, due_id: UUID, payload: AnswerIn) -> Any:
    try:
        response = services.answer_due(actor_from_request(request), due_id, payload.answers)
    except ValidationError as exc:
        located = _on_its_item(exc)
        if located is None:
            raise
        return Status(422, located)
    return Status(201, response)


def _on_its_item(exc: ValidationError) -> dict[str, Any] | None:
    """The core's refusal of one answer, located at that item (its index in `answers`)."""
    messages = exc.message_dict.get("answers") if hasattr(exc, "error_dict") else None
    if not messages:
        return None
    found = ITEM.search(messages[0])
    where: list[str | int] = ["body", "answers"]
    if found:
        where.append(int(found.group(1)) - 1)
    return {"detail": [{"loc": where, "msg": " ".join(messages), "type": "value_error"}]}
