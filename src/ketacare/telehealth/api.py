"""Telehealth endpoints over the same services and gate as the pages: a video visit's link
(staff, or the patient their own), the encounter note (care team only, never the patient),
and the prescribers' DEA registrations."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.clinics.us_states import US_STATES
from ketacare.telehealth import registrations, services
from ketacare.telehealth.models import MODALITY_CHOICES

router = Router()

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    StateCode = str
    ModalityCode = str
else:
    StateCode = Literal[tuple(US_STATES)]
    ModalityCode = Literal[tuple(code for code, _ in MODALITY_CHOICES)]


class VideoVisitOut(Schema):
    appointment_id: UUID = Field(alias="public_id")
    starts_at: datetime
    ends_at: datetime
    status: str
    link: str = Field(description="The clinic's video tool; empty until the clinic sets it")

    @staticmethod
    def resolve_link(obj: Any) -> str:
        return services.meeting_link(obj)


class EncounterIn(Schema):
    note: str = Field("", max_length=20000)
    modality: ModalityCode | Literal[""] = ""
    patient_state: StateCode | Literal[""] = ""
    prescriber_state: StateCode | Literal[""] = ""
    prescribes: bool = False
    prescription: str = Field("", max_length=300)
    in_person_evaluation_on: date | None = None
    pdmp_state: StateCode | Literal[""] = ""
    pdmp_checked_on: date | None = None

    def to_draft(self) -> services.EncounterDraft:
        return services.EncounterDraft(**self.model_dump())


class StartIn(Schema):
    patient_state: StateCode | Literal[""] = Field(
        "", description="Where the patient is at the visit; empty: their state of residence"
    )


class AmendmentOut(Schema):
    text: str
    added_at: datetime


class EncounterOut(Schema):
    id: UUID = Field(alias="public_id")
    appointment_id: UUID = Field(alias="appointment.public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    started_at: datetime
    note: str
    modality: str
    patient_state: str
    prescriber_state: str
    prescribes: bool
    prescription: str
    in_person_evaluation_on: date | None
    pdmp_state: str
    pdmp_checked_on: date | None
    dea_number: str = Field(description="The registration signed under (patient's state)")
    dea_state: str
    signed_at: datetime | None
    amendments: list[AmendmentOut]


class AmendmentIn(Schema):
    text: str = Field(min_length=1, max_length=20000)


class RegistrationIn(Schema):
    user_id: int = Field(ge=1, le=2**31 - 1, strict=True)
    number: str = Field(min_length=1, max_length=9)
    state: StateCode
    expires_on: date


class RegistrationOut(Schema):
    id: int
    user_id: int
    number: str
    state: str
    expires_on: date


@router.get("/appointments/{appointment_id}/video", response={200: VideoVisitOut, **ERRORS})
def video_visit(request: HttpRequest, appointment_id: UUID) -> Any:
    return services.video_visit(actor_from_request(request), appointment_id)


@router.post("/appointments/{appointment_id}/encounter", response={201: EncounterOut, **ERRORS})
def start_encounter(request: HttpRequest, appointment_id: UUID, payload: StartIn) -> Any:
    actor = actor_from_request(request)
    return Status(201, services.start_encounter(actor, appointment_id, payload.patient_state))


@router.get("/encounters/{encounter_id}", response={200: EncounterOut, **ERRORS})
def read_encounter(request: HttpRequest, encounter_id: UUID) -> Any:
    return services.read_encounter(actor_from_request(request), encounter_id)


@router.post("/encounters/{encounter_id}/draft", response={200: EncounterOut, **ERRORS})
def save_encounter(request: HttpRequest, encounter_id: UUID, payload: EncounterIn) -> Any:
    return services.save_draft(actor_from_request(request), encounter_id, payload.to_draft())


@router.post("/encounters/{encounter_id}/sign", response={200: EncounterOut, **ERRORS})
def sign_encounter(request: HttpRequest, encounter_id: UUID) -> Any:
    return services.sign(actor_from_request(request), encounter_id)


@router.post("/encounters/{encounter_id}/amendments", response={201: EncounterOut, **ERRORS})
def amend_encounter(request: HttpRequest, encounter_id: UUID, payload: AmendmentIn) -> Any:
    actor = actor_from_request(request)
    services.amend(actor, encounter_id, payload.text)
    return Status(201, services.read_encounter(actor, encounter_id))


@router.get("/dea-registrations", response={200: list[RegistrationOut], **ERRORS})
def list_registrations(request: HttpRequest) -> Any:
    return list(registrations.on_file(actor_from_request(request)))


@router.post("/dea-registrations", response={201: RegistrationOut, **ERRORS})
def add_registration(request: HttpRequest, payload: RegistrationIn) -> Any:
    new = registrations.NewRegistration(payload.user_id, payload.number, payload.state,
                                        payload.expires_on)  # fmt: skip
    return Status(201, registrations.add_registration(actor_from_request(request), new))


@router.post(
    "/dea-registrations/{registration_id}/retire", response={200: RegistrationOut, **ERRORS}
)
def retire_registration(
    request: HttpRequest,
    registration_id: int = Path(..., ge=1, le=2**31 - 1),  # type: ignore[type-arg]
) -> Any:
    return registrations.retire_registration(actor_from_request(request), registration_id)
