"""Appointment endpoints over the same services as the calendar pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.appointments import services
from ketacare.appointments.models import Kind
from ketacare.appointments.models import Status as AppointmentStatus

router = Router()

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    KindCode = str
    StatusCode = str
else:
    KindCode = Literal[tuple(Kind.values)]
    StatusCode = Literal[tuple(AppointmentStatus.values)]


class BookingIn(Schema):
    kind: KindCode
    starts_at: datetime = Field(description="With its UTC offset; naive means clinic time")
    minutes: int = Field(ge=5, le=services.MAX_MINUTES)
    room_id: int | None = None
    staff_id: int | None = None

    def to_booking(self) -> services.Booking:
        return services.Booking(self.kind, self.starts_at, self.minutes, self.room_id,
                                self.staff_id)  # fmt: skip


class AppointmentOut(Schema):
    id: UUID = Field(alias="public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    kind: KindCode
    starts_at: datetime
    ends_at: datetime
    room_id: int | None
    staff_id: int | None
    status: StatusCode
    cancel_reason: str
    checked_in_at: datetime | None


class CalendarQuery(PageQuery):
    # A string with its pattern (not a date): pydantic would read "0" as 1970-01-01.
    day: str | None = Field(
        None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="First day, YYYY-MM-DD (clinic time); today if absent",
    )
    days: int = Field(1, ge=1, le=31)


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


@router.get("/appointments", response={200: Page[AppointmentOut], **ERRORS})
def list_appointments(request: HttpRequest, query: Query[CalendarQuery]) -> Any:
    try:
        first = date.fromisoformat(query.day) if query.day else timezone.localdate()
    except ValueError as exc:
        raise ValidationError({"day": "Not a date (YYYY-MM-DD)."}) from exc
    rows = services.between(actor_from_request(request), first, query.days)
    return page(request, list(rows[query.offset : query.offset + query.limit]), rows.count(),
                query)  # fmt: skip


@router.post("/patients/{patient_id}/appointments", response={201: AppointmentOut, **ERRORS})
def book_appointment(request: HttpRequest, patient_id: UUID, payload: BookingIn) -> Any:
    actor = actor_from_request(request)
    return Status(201, services.book(actor, patient_id, payload.to_booking()))


@router.post("/appointments/{appointment_id}/move", response={200: AppointmentOut, **ERRORS})
def move_appointment(request: HttpRequest, appointment_id: UUID, payload: BookingIn) -> Any:
    return services.move(actor_from_request(request), appointment_id, payload.to_booking())


@router.post("/appointments/{appointment_id}/cancel", response={200: AppointmentOut, **ERRORS})
def cancel_appointment(request: HttpRequest, appointment_id: UUID, payload: CancelIn) -> Any:
    return services.cancel(actor_from_request(request), appointment_id, payload.reason)


@router.post("/appointments/{appointment_id}/check-in", response={200: AppointmentOut, **ERRORS})
def check_in_appointment(request: HttpRequest, appointment_id: UUID) -> Any:
    return services.check_in(actor_from_request(request), appointment_id)
