"""Referral endpoints. Staff: the triage queue (paged), one referral, and the decisions,
over the pages' services and gate (writes take an Idempotency-Key like every API write).
Public: a clinic's referral and consultation forms as JSON, no login, rate limited per
client address like the pages, with the same answer whatever is sent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request, client_ip
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.clinics.models import Clinic
from ketacare.patients.api import (
    Icd10Code,
    Mrn,
    Name,
    PatientPatch,
    Phone,
    SexCode,
    StateCode,
    Text200,
    WeightKg,
)
from ketacare.patients.registration_checks import WARNING_KEYS
from ketacare.referrals import services
from ketacare.referrals.models import Referral, ReferralKind
from ketacare.referrals.public_views import submission_wait

router = Router()
public_router = Router(auth=None)

Kind = Literal["provider", "self"]
StatusCode = Literal["new", "more_info", "accepted", "declined"]
LongText = Annotated[str, Field(max_length=4000)]
Note = Annotated[str, Field(min_length=1, max_length=services.NOTE_MAX)]
ClinicSlug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]{1,60}$", description="The clinic's slug")]


class ReferralOut(Schema):
    id: UUID = Field(alias="public_id")
    reference: str
    kind: Kind
    status: StatusCode
    received_at: datetime
    referrer_name: str
    referrer_npi: str
    referrer_practice: str
    referrer_phone: str
    referrer_email: str
    first_name: str
    last_name: str
    date_of_birth: date
    phone: str
    email: str
    state_of_residence: str
    diagnosis_codes: list[str]
    reason: str
    prior_treatments: str
    patient_id: UUID | None = Field(description="The patient registered or linked on accepting")
    decided_at: datetime | None
    decision_note: str

    @staticmethod
    def resolve_patient_id(obj: Referral) -> UUID | None:
        return obj.patient.public_id if obj.patient is not None else None


class EventOut(Schema):
    at: datetime
    by: str | None
    from_status: StatusCode
    to_status: StatusCode
    note: str

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return obj.by.email if obj.by is not None else None


class CandidateOut(Schema):
    id: UUID = Field(alias="public_id")
    mrn: str
    first_name: str
    last_name: str
    date_of_birth: date


class ReferralDetail(ReferralOut):
    history: list[EventOut]
    candidates: list[CandidateOut] = Field(
        description="Patients registered with the same name and date of birth (open referrals, "
        "for roles that may decide): accept for one with /link, or register with /accept"
    )


class QueueFilter(PageQuery):
    view: Literal["open", "accepted", "declined", "all"] = Field(
        "open", description="open: new and more information requested (the triage queue)"
    )


class AcceptIn(PatientPatch):
    """The registration: the referral fills in name, birth date, state, contact, referrer
    and diagnoses; send what it lacks (MRN, sex, weight) and anything to correct."""

    mrn: Mrn
    sex: SexCode
    weight_kg: WeightKg
    confirm: list[Literal["unlicensed_state", "possible_duplicate"]] = Field(
        default_factory=list, max_length=len(WARNING_KEYS),
        description="Warnings to register through (else 422 naming the field)",
    )  # fmt: skip


class LinkIn(Schema):
    patient_id: UUID = Field(description="A patient with the referral's name and date of birth")


class DeclineIn(Schema):
    reason: Note


class MoreInfoIn(Schema):
    note: Note


@router.get("/referrals", response={200: Page[ReferralOut], **ERRORS})
def list_referrals(request: HttpRequest, filters: Query[QueueFilter]) -> Any:
    actor = actor_from_request(request)
    rows, count = services.queue_page(actor, filters.view, filters.limit, filters.offset)
    return page(request, rows, count, filters)


@router.get("/referrals/{referral_id}", response={200: ReferralDetail, **ERRORS})
def get_referral(request: HttpRequest, referral_id: UUID) -> Any:
    actor = actor_from_request(request)
    referral: Any = services.view_referral(actor, referral_id)
    referral.history = services.history(referral)
    may_decide = services.may_triage(actor)
    referral.candidates = services.candidates(actor, referral) if may_decide else []
    return referral


@router.post("/referrals/{referral_id}/accept", response={200: ReferralOut, **ERRORS})
def accept_referral(request: HttpRequest, referral_id: UUID, payload: AcceptIn) -> Any:
    data = payload.model_dump(exclude={"confirm"}, exclude_none=True)
    actor = actor_from_request(request)
    referral, _ = services.accept_as_new_patient(actor, referral_id, data, payload.confirm)
    return referral


@router.post("/referrals/{referral_id}/link", response={200: ReferralOut, **ERRORS})
def link_referral(request: HttpRequest, referral_id: UUID, payload: LinkIn) -> Any:
    actor = actor_from_request(request)
    return services.accept_linking(actor, referral_id, payload.patient_id)[0]


@router.post("/referrals/{referral_id}/decline", response={200: ReferralOut, **ERRORS})
def decline_referral(request: HttpRequest, referral_id: UUID, payload: DeclineIn) -> Any:
    return services.decline(actor_from_request(request), referral_id, payload.reason)


@router.post("/referrals/{referral_id}/more-info", response={200: ReferralOut, **ERRORS})
def ask_for_more_information(request: HttpRequest, referral_id: UUID, payload: MoreInfoIn) -> Any:
    return services.ask_for_more(actor_from_request(request), referral_id, payload.note)


class RequestIn(Schema):
    first_name: Name
    last_name: Name
    date_of_birth: date
    phone: Phone = ""
    email: Text200 = ""
    state_of_residence: StateCode
    reason: Annotated[str, Field(min_length=1, max_length=4000)]
    prior_treatments: LongText = ""
    website: str = Field("", max_length=200, description="Leave empty.")


class ReferralIn(RequestIn):
    referrer_name: Annotated[str, Field(min_length=1, max_length=200)]
    referrer_npi: Annotated[str, Field(min_length=1, max_length=10, description="10-digit NPI")]
    referrer_practice: Text200 = ""
    referrer_phone: Phone = ""
    referrer_email: Text200 = ""
    diagnosis_codes: list[Icd10Code] = Field(default_factory=list, max_length=20)


class Sent(Schema):
    reference: str = Field(description="Quote it when calling the clinic")


def _public_submit(request: HttpRequest, clinic_slug: str, kind: str, payload: RequestIn) -> Any:
    clinic = get_object_or_404(Clinic, slug=clinic_slug)
    wait = submission_wait(request)
    if wait is not None:
        response = JsonResponse({"detail": f"Too many requests; retry in {wait} s."}, status=429)
        response["Retry-After"] = str(wait)
        return response
    if payload.website:
        return Status(201, {"reference": services.pretend_reference(kind)})
    sender = services.public_actor(clinic, getattr(request, "request_id", ""), client_ip(request))
    referral = services.submit(sender, kind, payload.model_dump(exclude={"website"}))
    return Status(201, {"reference": referral.reference})


@public_router.post("/clinics/{clinic_slug}/referrals", response={201: Sent, **ERRORS})
def send_referral(request: HttpRequest, clinic_slug: ClinicSlug, payload: ReferralIn) -> Any:
    """A provider's referral (no login): the answer is a reference number, whatever is sent."""
    return _public_submit(request, clinic_slug, ReferralKind.PROVIDER, payload)


@public_router.post("/clinics/{clinic_slug}/consultations", response={201: Sent, **ERRORS})
def send_consultation_request(
    request: HttpRequest, clinic_slug: ClinicSlug, payload: RequestIn
) -> Any:
    """A patient's own consultation request (no login)."""
    return _public_submit(request, clinic_slug, ReferralKind.SELF, payload)
