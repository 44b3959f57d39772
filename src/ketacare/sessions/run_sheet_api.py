"""Run-sheet endpoints: adverse events, sedation and dissociation, signing and amendments
(the dose, which also writes the controlled-substance log, is in controlled.api). The same
services as the pages; a signed session or a stale version is a 409 naming the field."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from ketacare.accounts.current import actor_from_request
from ketacare.api.errors import ERRORS
from ketacare.sessions import run_sheet, services
from ketacare.sessions.api import SessionOut
from ketacare.sessions.models import Severity
from ketacare.sessions.run_sheet_schemas import AdverseEventOut, AmendmentOut, AssessmentOut

router = Router()

if TYPE_CHECKING:
    SeverityCode = str
    Section = str
else:
    SeverityCode = Literal[tuple(Severity.values)]
    Section = Literal[tuple(run_sheet.AMENDABLE)]
Version = Field(ge=1, description="The session's `version` as read; a 409 says to reload")


class AdverseEventIn(Schema):
    observed_at_time: time | None = Field(None, description="Clinic time; default now")
    description: str = Field(min_length=1, max_length=500)
    severity: SeverityCode
    serious: bool = False
    action_taken: str = Field(min_length=1, max_length=500)


class SedationIn(Schema):
    moaas: int = Field(ge=0, le=5, description="MOAA/S: 5 awake, 0 no response (N3)")
    taken_at_time: time | None = None


class DissociationIn(Schema):
    answers: list[int] = Field(min_length=23, max_length=23, description="CADSS items 1-23, 0-4")
    taken_at_time: time | None = None


class SignIn(Schema):
    version: int = Version


class AmendmentIn(Schema):
    section: Section
    target_id: str = Field("", max_length=40, description="The corrected row's id (not for dose)")
    correction: str = Field(min_length=1, max_length=2000)
    reason: str = Field(min_length=1, max_length=500)
    version: int = Version


@router.post("/sessions/{session_id}/adverse-events", response={201: AdverseEventOut, **ERRORS})
def record_adverse_event(request: HttpRequest, session_id: UUID, payload: AdverseEventIn) -> Any:
    event = run_sheet.AdverseEventIn(
        payload.observed_at_time, payload.description, payload.severity,
        payload.action_taken, payload.serious,
    )  # fmt: skip
    return Status(
        201, run_sheet.record_adverse_event(actor_from_request(request), session_id, event)
    )


@router.post("/sessions/{session_id}/sedation", response={201: AssessmentOut, **ERRORS})
def record_sedation(request: HttpRequest, session_id: UUID, payload: SedationIn) -> Any:
    actor = actor_from_request(request)
    return Status(
        201, run_sheet.record_sedation(actor, session_id, payload.moaas, payload.taken_at_time)
    )


@router.post("/sessions/{session_id}/dissociation", response={201: AssessmentOut, **ERRORS})
def record_dissociation(request: HttpRequest, session_id: UUID, payload: DissociationIn) -> Any:
    """A CADSS, scored by the core and kept with the patient's rating scales."""
    actor = actor_from_request(request)
    row = run_sheet.record_dissociation(actor, session_id, payload.answers, payload.taken_at_time)
    return Status(201, row)


@router.post("/sessions/{session_id}/sign", response={200: SessionOut, **ERRORS})
def sign_session(request: HttpRequest, session_id: UUID, payload: SignIn) -> Any:
    """Locks the session; afterwards only amendments (403 for a role that may not sign)."""
    return services.sign_session(actor_from_request(request), session_id, version=payload.version)


@router.post("/sessions/{session_id}/amendments", response={201: AmendmentOut, **ERRORS})
def amend_session(request: HttpRequest, session_id: UUID, payload: AmendmentIn) -> Any:
    """A correction kept beside the original, with who, when and why."""
    row = run_sheet.amend_session(actor_from_request(request), session_id, **payload.model_dump())
    return Status(201, row)
