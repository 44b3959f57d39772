"""Patient endpoints. Handlers parse, call the same services as the pages, and return."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.patients import services

router = Router()


class PatientIn(Schema):
    mrn: str
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str = Field(description="female, male, intersex or unknown")
    weight_kg: Decimal = Field(description="20-400 kg, one decimal place")
    state_of_residence: str = Field(description="Two-letter US state code")
    phone: str = ""
    email: str = ""
    address: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    referring_provider: str = ""
    referring_provider_npi: str = ""
    diagnosis_codes: list[str] = Field(default_factory=list, description="ICD-10-CM codes")


class PatientPatch(Schema):
    mrn: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    weight_kg: Decimal | None = None
    state_of_residence: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    emergency_contact_name: str | None = None
    emergency_contact_phone: str | None = None
    referring_provider: str | None = None
    referring_provider_npi: str | None = None
    diagnosis_codes: list[str] | None = None


class PatientOut(Schema):
    id: UUID = Field(alias="public_id")
    mrn: str
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    weight_kg: Decimal
    state_of_residence: str
    phone: str
    email: str
    address: str
    emergency_contact_name: str
    emergency_contact_phone: str
    referring_provider: str
    referring_provider_npi: str
    diagnosis_codes: list[str]


class PatientFilter(Schema):
    q: str = Field("", max_length=100, description="Words to match in name or MRN")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000)


@router.get("/", response={200: list[PatientOut], **ERRORS})
def list_patients(request: HttpRequest, filters: Query[PatientFilter]) -> Any:
    actor = actor_from_request(request)
    return services.list_patients(actor, filters.q, limit=filters.limit, offset=filters.offset)


@router.post("/", response={201: PatientOut, **ERRORS})
def create_patient(request: HttpRequest, payload: PatientIn) -> Any:
    patient = services.create_patient(actor_from_request(request), payload.model_dump())
    return Status(201, patient)


@router.get("/{patient_id}", response={200: PatientOut, **ERRORS})
def get_patient(request: HttpRequest, patient_id: UUID) -> Any:
    return services.view_patient(actor_from_request(request), patient_id)


@router.patch("/{patient_id}", response={200: PatientOut, **ERRORS})
def update_patient(request: HttpRequest, patient_id: UUID, payload: PatientPatch) -> Any:
    changes = payload.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise ValidationError({name: "May not be null; omit the field to leave it as is."})
    return services.update_patient(actor_from_request(request), patient_id, changes)
