"""Medication-list and allergy endpoints over the same services and gate as the page."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.medications import services
from ketacare.medications.models import MEDICINE_CLASSES

router = Router()

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    MedicineClass = str
else:
    MedicineClass = Literal[tuple(value for value, _ in MEDICINE_CLASSES)]


class MedicationIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    dose: str = Field("", max_length=100)
    medicine_class: MedicineClass = "other"
    started_on: date | None = None
    stopped_on: date | None = None

    def to_entry(self) -> services.MedicationEntry:
        return services.MedicationEntry(**self.model_dump())


class MedicationOut(Schema):
    id: UUID = Field(alias="public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    name: str
    dose: str
    medicine_class: MedicineClass
    started_on: date | None
    stopped_on: date | None
    stop_reason: str
    recorded_at: datetime


class StopIn(Schema):
    stopped_on: date = Field(default_factory=timezone.localdate)
    reason: str = Field("", max_length=300)


class AllergyIn(Schema):
    substance: str = Field(min_length=1, max_length=200)
    reaction: str = Field("", max_length=200)


class AllergyOut(Schema):
    id: UUID = Field(alias="public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    substance: str
    reaction: str
    recorded_at: datetime
    removed_at: datetime | None
    removed_reason: str


class RemoveIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


@router.get("/patients/{patient_id}/medications", response={200: Page[MedicationOut], **ERRORS})
def list_medications(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    actor = actor_from_request(request)
    rows, count = services.medication_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post("/patients/{patient_id}/medications", response={201: MedicationOut, **ERRORS})
def add_medication(request: HttpRequest, patient_id: UUID, payload: MedicationIn) -> Any:
    actor = actor_from_request(request)
    return Status(201, services.add_medication(actor, patient_id, payload.to_entry()))


@router.post("/medications/{medication_id}/stop", response={200: MedicationOut, **ERRORS})
def stop_medication(request: HttpRequest, medication_id: UUID, payload: StopIn) -> Any:
    actor = actor_from_request(request)
    return services.stop_medication(actor, medication_id, payload.stopped_on, payload.reason)


@router.get("/patients/{patient_id}/allergies", response={200: Page[AllergyOut], **ERRORS})
def list_allergies(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    actor = actor_from_request(request)
    rows, count = services.allergy_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post("/patients/{patient_id}/allergies", response={201: AllergyOut, **ERRORS})
def add_allergy(request: HttpRequest, patient_id: UUID, payload: AllergyIn) -> Any:
    actor = actor_from_request(request)
    entry = services.AllergyEntry(payload.substance, payload.reaction)
    return Status(201, services.add_allergy(actor, patient_id, entry))


@router.post("/allergies/{allergy_id}/remove", response={200: AllergyOut, **ERRORS})
def remove_allergy(request: HttpRequest, allergy_id: UUID, payload: RemoveIn) -> Any:
    return services.remove_allergy(actor_from_request(request), allergy_id, payload.reason)
