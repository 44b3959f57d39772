"""Consent endpoints over the pages' services and gate: the clinic's documents (an admin
publishes), a patient's status per topic, their signatures, signing and withdrawing. A
refused write is a 422 naming the field (`document_id`, `typed_name`, `agreed`, `topic`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.api.paging import Page, PageQuery, page
from ketacare.clinical.consent import TOPICS, ConsentState
from ketacare.consent import services
from ketacare.consent.models import SignedVia

router = Router()

if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic (and the spec) can
    Topic = str
    State = str
    Via = str
else:
    Topic = Literal[tuple(TOPICS)]
    State = Literal[tuple(s.value for s in ConsentState)]
    Via = Literal[tuple(SignedVia.values)]


class DocumentIn(Schema):
    topic: Topic
    title: str = Field(max_length=200)
    body: str = Field(max_length=20000, description="The text the patient reads and signs")
    effective_on: date = Field(description="In force from (clinic time); today or later")
    resign_required: bool = Field(
        True, description="Earlier signatures stop counting once this version is in force"
    )


class DocumentOut(Schema):
    id: UUID = Field(alias="public_id")
    topic: Topic
    version: int
    title: str
    body: str
    effective_on: date
    resign_required: bool
    published_at: datetime


class DocumentQuery(PageQuery):
    topic: Topic | None = None


class SignIn(Schema):
    document_id: UUID = Field(description="The newest version of the topic's document")
    typed_name: str = Field(max_length=200, description="The patient's full name, as typed")
    agreed: bool = Field(description="The patient ticked 'I have read this and agree'")


class WithdrawIn(Schema):
    topic: Topic
    reason: str = Field("", max_length=500)


class SignatureOut(Schema):
    id: UUID = Field(alias="public_id")
    patient_id: UUID = Field(alias="patient.public_id")
    topic: Topic
    document_id: UUID = Field(alias="document.public_id")
    version: int = Field(alias="document.version")
    typed_name: str
    signed_via: Via
    witness: str | None = Field(description="The staff member present, for a tablet signature")
    signed_at: datetime
    withdrawn_at: datetime | None
    withdrawal_reason: str | None

    @staticmethod
    def resolve_witness(obj: Any) -> str | None:
        return obj.witness.email if obj.witness else None

    @staticmethod
    def resolve_withdrawn_at(obj: Any) -> datetime | None:
        withdrawal = getattr(obj, "withdrawal", None)
        return withdrawal.withdrawn_at if withdrawal else None

    @staticmethod
    def resolve_withdrawal_reason(obj: Any) -> str | None:
        withdrawal = getattr(obj, "withdrawal", None)
        return withdrawal.reason if withdrawal else None


class TopicStatusOut(Schema):
    topic: Topic
    label: str
    state: State
    reason: str = Field(description="What is missing, in words; empty when current")
    version_in_force: int | None
    signed_version: int | None
    to_sign_document_id: UUID | None = Field(description="The version to sign, if one is wanted")


class ConsentStatusOut(Schema):
    patient_id: UUID
    topics: list[TopicStatusOut]


class WithdrawalOut(Schema):
    id: UUID = Field(alias="public_id")
    signature_id: UUID = Field(alias="signature.public_id")
    topic: Topic = Field(alias="signature.topic")
    withdrawn_at: datetime
    reason: str


def _status(row: services.TopicRow) -> dict[str, Any]:
    return {
        "topic": row.topic,
        "label": row.label,
        "state": row.state,
        "reason": row.status.reason,
        "version_in_force": row.status.in_force,
        "signed_version": row.status.signed,
        "to_sign_document_id": row.to_sign.public_id if row.to_sign else None,
    }


@router.get("/consent/documents", response={200: Page[DocumentOut], **ERRORS})
def list_documents(request: HttpRequest, paging: Query[DocumentQuery]) -> Any:
    """The clinic's published versions, by topic, newest version first."""
    actor = actor_from_request(request)
    rows, count = services.document_page(actor, paging.topic, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post("/consent/documents", response={201: DocumentOut, **ERRORS})
def publish_document(request: HttpRequest, payload: DocumentIn) -> Any:
    """Clinic admin: the topic's next version (published versions are never edited)."""
    new = services.NewVersion(**payload.model_dump())
    return Status(201, services.publish_version(actor_from_request(request), new))


@router.get("/consent/documents/{document_id}", response={200: DocumentOut, **ERRORS})
def get_document(request: HttpRequest, document_id: UUID) -> Any:
    return services.view_document(actor_from_request(request), document_id)


@router.get("/patients/{patient_id}/consent", response={200: ConsentStatusOut, **ERRORS})
def consent_status(request: HttpRequest, patient_id: UUID) -> Any:
    """Each topic's state now: current, not signed, expired, withdrawn or no document."""
    patient, rows = services.consent_status(actor_from_request(request), patient_id)
    return {"patient_id": patient.public_id, "topics": [_status(row) for row in rows]}


@router.get(
    "/patients/{patient_id}/consent/signatures", response={200: Page[SignatureOut], **ERRORS}
)
def list_signatures(request: HttpRequest, patient_id: UUID, paging: Query[PageQuery]) -> Any:
    actor = actor_from_request(request)
    rows, count = services.signature_page(actor, patient_id, paging.limit, paging.offset)
    return page(request, rows, count, paging)


@router.post(
    "/patients/{patient_id}/consent/signatures",
    response={200: SignatureOut, 201: SignatureOut, **ERRORS},
)
def sign(request: HttpRequest, patient_id: UUID, payload: SignIn) -> Any:
    """Staff witness (clinical roles) on the tablet, or the patient in the portal. Signing a
    version already signed answers 200 with the first signature; a new one is a 201."""
    signing = services.Signing(payload.document_id, payload.typed_name, payload.agreed)
    signature, new = services.sign_consent(actor_from_request(request), patient_id, signing)
    return Status(201 if new else 200, signature)


@router.post("/patients/{patient_id}/consent/withdrawals", response={201: WithdrawalOut, **ERRORS})
def withdraw(request: HttpRequest, patient_id: UUID, payload: WithdrawIn) -> Any:
    actor = actor_from_request(request)
    withdrawal = services.withdraw_consent(actor, patient_id, payload.topic, payload.reason)
    return Status(201, withdrawal)
