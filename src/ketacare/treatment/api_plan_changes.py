"""A plan's changes by API, over the same services as the pages: the prescriber's signature,
new versions with their reason, the version history, planned sessions and what became of
them, booking them on the calendar, and the clinic's open follow-ups (boosters, futility)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.treatment.api import PlanOut
from ketacare.treatment.models import ChangeKind
from ketacare.treatment.services import booking, follow_ups, plan_reads, planned, versions

router = Router()

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    ChangeCode = str
else:
    ChangeCode = Literal[tuple(k.value for k in ChangeKind if k != ChangeKind.NEW)]


class RevisionIn(Schema):
    kind: ChangeCode
    reason: str = Field(min_length=1, max_length=500, description="Kept with the version")
    dose_mg: float | None = Field(None, ge=1, le=1000, description="titrate: the new dose")
    on: date | None = Field(
        None, description="resume: first remaining session; maintenance, booster: its date"
    )


class PlannedOut(Schema):
    id: UUID = Field(alias="public_id")
    on: date
    kind: str
    phase: str
    dosing_number: int | None
    dose_mg: float | None
    detail: str
    source: str
    status: Literal["planned", "done", "missed", "rescheduled", "cancelled"]
    status_note: str
    dosing_session_id: UUID | None = Field(None, alias="dosing_session.public_id")
    appointment_id: UUID | None = Field(None, alias="appointment.public_id")


class StatusIn(Schema):
    status: Literal["done", "missed", "rescheduled"]
    session_id: UUID | None = Field(None, description="done: the dosing session")
    on: date | None = Field(None, description="rescheduled: the new date")
    note: str = Field("", max_length=200)


class BookingIn(Schema):
    start_time: time = Field(description="Clinic time of each planned day's first session")
    minutes: int = Field(ge=5, le=480)
    room_id: int | None = None
    staff_id: int | None = Field(None, description="The nurse for the dosing sessions")
    days_ahead: int = Field(14, ge=1, le=booking.MAX_BOOKING_DAYS)
    therapist_id: int | None = Field(None, description="Needed to book counselling sessions")
    reviewer_id: int | None = Field(None, description="A prescriber; needed to book reviews")
    counselling_room_id: int | None = Field(
        None, description="Counselling and reviews; needed where the clinic has rooms"
    )


class RefusedOut(Schema):
    planned_id: UUID
    on: date
    field: str
    reason: str


class BookedOut(Schema):
    planned_id: UUID
    appointment_id: UUID
    starts_at: datetime


class BookingOut(Schema):
    booked: list[BookedOut]
    refused: list[RefusedOut]


class FollowUpOut(Schema):
    patient_id: UUID
    patient_name: str
    since: date | None
    reason: str


class FollowUpsOut(Schema):
    boosters_due: list[FollowUpOut] = Field(description="By the clinical rule (K1), not planned")
    futility_reviews: list[FollowUpOut] = Field(description="K7, not yet reviewed")


@router.post("/plans/{plan_id}/signature", response={200: PlanOut, **ERRORS})
def sign_plan(request: HttpRequest, plan_id: UUID) -> Any:
    """Only a prescriber signs; a draft plan is not in force until signed."""
    return versions.sign_plan(actor_from_request(request), plan_id)


@router.post("/plans/{plan_id}/versions", response={201: PlanOut, **ERRORS})
def revise_plan(request: HttpRequest, plan_id: UUID, payload: RevisionIn) -> Any:
    """A new version, signed by the prescriber making it; the old one is kept."""
    revision = versions.Revision(payload.kind, payload.reason, payload.dose_mg, payload.on)
    return Status(201, versions.revise_plan(actor_from_request(request), plan_id, revision))


@router.get("/plans/{plan_id}/versions", response={200: list[PlanOut], **ERRORS})
def list_versions(request: HttpRequest, plan_id: UUID) -> Any:
    """Every version of the plan's course, newest (the one in force) first."""
    return plan_reads.versions(actor_from_request(request), plan_id)


@router.get("/plans/{plan_id}/sessions", response={200: list[PlannedOut], **ERRORS})
def list_planned(request: HttpRequest, plan_id: UUID) -> Any:
    return plan_reads.planned_sessions(actor_from_request(request), plan_id)


@router.post("/planned-sessions/{planned_id}/status", response={200: PlannedOut, **ERRORS})
def mark_planned(request: HttpRequest, planned_id: UUID, payload: StatusIn) -> Any:
    change = planned.StatusChange(payload.status, payload.session_id, payload.on, payload.note)
    return planned.change_status(actor_from_request(request), planned_id, change)


@router.post("/plans/{plan_id}/bookings", response={200: BookingOut, **ERRORS})
def book_planned(request: HttpRequest, plan_id: UUID, payload: BookingIn) -> Any:
    """Books what it can; each refused slot is listed with the calendar's reason."""
    run = booking.BookingRun(**payload.model_dump())
    result = booking.book_upcoming(actor_from_request(request), plan_id, run)
    return {
        "booked": [{"planned_id": row.public_id, "appointment_id": a.public_id,
                    "starts_at": a.starts_at} for row, a in result.booked],
        "refused": [{"planned_id": r.planned.public_id, "on": r.planned.on, "field": r.field,
                     "reason": r.reason} for r in result.refused],
    }  # fmt: skip


@router.get("/follow-ups", response={200: FollowUpsOut, **ERRORS})
def list_follow_ups(request: HttpRequest) -> Any:
    """The Today page's boosters due and futility reviews, for the care team."""
    found = follow_ups.open_follow_ups(actor_from_request(request))

    def line(state: Any, since: date | None, reason: str) -> dict[str, Any]:
        return {"patient_id": state.patient.public_id, "patient_name": state.patient.full_name,
                "since": since, "reason": reason}  # fmt: skip

    return {
        "boosters_due": [line(s, s.booster_since, s.booster_reason) for s in found.boosters],
        "futility_reviews": [line(s, s.futility_since, s.futility_reason) for s in found.futility],
    }
