"""At-home endpoints: the patient's steps (the same services, gate and idempotency as the
pages: the `Idempotency-Key` header is the write's key) and the care team's list, review and
tablet shipments. A refused step is a 422 naming the field (`start`, `stage`, `fasting`, ...)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.idempotency import HEADER
from ketacare.api.paging import Page, PageQuery, page
from ketacare.athome import reads, shipments, start, steps

router = Router()
Text = Field("", max_length=2000)


class TodayOut(Schema):
    may_start: bool
    refusals: list[str]
    planned_on: date | None
    dose_mg: float | None
    open_session_id: UUID | None


class ReadingOut(Schema):
    taken_at: datetime
    systolic_mmhg: int
    diastolic_mmhg: int
    heart_rate_bpm: int
    decision: str
    reasons: list[str]


class CheckInOut(Schema):
    at: datetime
    sitter_name: str
    all_well: bool
    note: str


class SessionOut(Schema):
    id: UUID = Field(alias="public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    planned_on: date
    planned_dose_mg: float | None
    stage: str
    decision: str
    decision_reasons: list[str]
    dosed_at: datetime | None
    watch_minutes: int | None
    finished_at: datetime | None
    cadss6_total: int | None
    feeling: str
    flags: list[str]
    closed_unfinished_at: datetime | None = Field(
        description="When the worker closed the session, left open past its window"
    )
    reviewed_at: datetime | None
    readings: list[ReadingOut] = Field(alias="readings_list")
    check_ins: list[CheckInOut] = Field(alias="check_ins_list")


class ChecklistIn(Schema):
    fasting: bool
    sitter_present: bool
    sitter_name: str = Field(max_length=100)
    sitter_phone: str = Field(max_length=24)
    no_driving: bool
    held_medicines: bool


class ReadingIn(Schema):
    systolic_mmhg: int = Field(ge=1, le=400)
    diastolic_mmhg: int = Field(ge=1, le=300)
    heart_rate_bpm: int = Field(ge=1, le=300)


class MoodIn(Schema):
    mood: int = Field(ge=0, le=10, description="0 very low - 10 very good")
    self_harm_thoughts: int = Field(ge=0, le=3, description="PHQ-9 item 9 (Q3)")


class CheckInIn(Schema):
    sitter_name: str = Field(max_length=100)
    all_well: bool
    note: str = Field("", max_length=500)


class AfterIn(Schema):
    side_effects: list[str] = Field(default_factory=list, max_length=20)
    adverse_event: str = Text
    cadss6: list[int | None] = Field(description="CADSS items 1, 2, 6, 7, 15, 22 (0-4, Q9)")
    feeling: str = Field(max_length=20)
    note_for_therapist: str = Text


class ReviewIn(Schema):
    note: str = Field(min_length=1, max_length=2000)


class ShipmentIn(Schema):
    lot_id: UUID
    tablets: int = Field(ge=1, le=10000)
    sessions: int = Field(ge=1, le=shipments.MAX_SESSIONS_PER_SHIPMENT)


class ShipmentOut(Schema):
    id: UUID = Field(alias="public_id")
    tablets: int
    sessions: int
    shipped_at: datetime
    entry_id: UUID = Field(alias="entry.public_id")


def _out(session: Any) -> Any:
    session.readings_list = list(session.readings.all())
    session.check_ins_list = list(session.check_ins.all())
    return session


def _key(request: HttpRequest) -> str:
    return request.headers.get(HEADER, "")


@router.get("/at-home/today", response={200: TodayOut, **ERRORS})
def at_home_today(request: HttpRequest) -> Any:
    today = start.start_page(actor_from_request(request))
    planned = today.planned
    return {
        "may_start": today.may_start and today.open_session is None,
        "refusals": list(today.refusals),
        "planned_on": planned.on if planned else None,
        "dose_mg": planned.dose_mg if planned else None,
        "open_session_id": today.open_session.public_id if today.open_session else None,
    }


@router.post("/at-home/sessions", response={201: SessionOut, **ERRORS})
def begin_at_home_session(request: HttpRequest) -> Any:
    return Status(201, _out(start.begin(actor_from_request(request))))


@router.get("/at-home/sessions/{athome_id}", response={200: SessionOut, **ERRORS})
def read_at_home_session(request: HttpRequest, athome_id: UUID) -> Any:
    actor = actor_from_request(request)
    if actor.role == "patient":
        return _out(reads.session_for_patient(actor, athome_id))
    return _out(reads.session_for_staff(actor, athome_id))


@router.post("/at-home/sessions/{athome_id}/checklist", response={200: SessionOut, **ERRORS})
def at_home_checklist(request: HttpRequest, athome_id: UUID, payload: ChecklistIn) -> Any:
    given = steps.Checklist(**payload.model_dump())
    return _out(steps.save_checklist(actor_from_request(request), athome_id, _key(request), given))


@router.post("/at-home/sessions/{athome_id}/reading", response={200: SessionOut, **ERRORS})
def at_home_reading(request: HttpRequest, athome_id: UUID, payload: ReadingIn) -> Any:
    given = steps.Reading(**payload.model_dump())
    return _out(steps.take_reading(actor_from_request(request), athome_id, _key(request), given))


@router.post("/at-home/sessions/{athome_id}/mood", response={200: SessionOut, **ERRORS})
def at_home_mood(request: HttpRequest, athome_id: UUID, payload: MoodIn) -> Any:
    actor = actor_from_request(request)
    return _out(steps.check_mood(actor, athome_id, _key(request), payload.mood,
                                 payload.self_harm_thoughts))  # fmt: skip


@router.post("/at-home/sessions/{athome_id}/taken", response={200: SessionOut, **ERRORS})
def at_home_dose_taken(request: HttpRequest, athome_id: UUID) -> Any:
    return _out(steps.take_dose(actor_from_request(request), athome_id, _key(request)))


@router.post("/at-home/sessions/{athome_id}/not-dosed", response={200: SessionOut, **ERRORS})
def at_home_not_dosed(request: HttpRequest, athome_id: UUID) -> Any:
    return _out(steps.stop_before_dose(actor_from_request(request), athome_id, _key(request)))


@router.post("/at-home/sessions/{athome_id}/check-ins", response={200: SessionOut, **ERRORS})
def at_home_check_in(request: HttpRequest, athome_id: UUID, payload: CheckInIn) -> Any:
    given = steps.CheckInEntry(**payload.model_dump())
    return _out(steps.check_in(actor_from_request(request), athome_id, _key(request), given))


@router.post("/at-home/sessions/{athome_id}/finish", response={200: SessionOut, **ERRORS})
def at_home_finish(request: HttpRequest, athome_id: UUID) -> Any:
    return _out(steps.finish(actor_from_request(request), athome_id, _key(request)))


@router.post("/at-home/sessions/{athome_id}/after", response={200: SessionOut, **ERRORS})
def at_home_after(request: HttpRequest, athome_id: UUID, payload: AfterIn) -> Any:
    given = steps.AfterEntry(tuple(payload.side_effects), payload.adverse_event,
                             tuple(payload.cadss6), payload.feeling,
                             payload.note_for_therapist)  # fmt: skip
    return _out(steps.save_after(actor_from_request(request), athome_id, _key(request), given))


@router.post("/at-home/sessions/{athome_id}/review", response={200: SessionOut, **ERRORS})
def review_at_home_session(request: HttpRequest, athome_id: UUID, payload: ReviewIn) -> Any:
    return _out(reads.mark_reviewed(actor_from_request(request), athome_id, payload.note))


@router.get(
    "/patients/{patient_id}/at-home-sessions", response={200: Page[SessionOut], **ERRORS}
)  # fmt: skip
def list_at_home_sessions(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    actor = actor_from_request(request)
    rows, count = reads.sessions_page(actor, patient_id, limit=paging.limit, offset=paging.offset)
    return page(request, [_out(r) for r in rows], count, paging)


@router.post(
    "/patients/{patient_id}/tablet-shipments", response={201: ShipmentOut, **ERRORS}
)  # fmt: skip
def ship_tablets(request: HttpRequest, patient_id: UUID, payload: ShipmentIn) -> Any:
    given = shipments.Shipment(payload.lot_id, payload.tablets, payload.sessions)
    return Status(201, shipments.ship(actor_from_request(request), patient_id, given))
