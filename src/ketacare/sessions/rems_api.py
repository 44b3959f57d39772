"""One session's REMS monitoring form over the API: read it, enter fields, mark it submitted;
the session read through the gate here and handed to the rems app (as the pages do)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action
from ketacare.api.errors import ERRORS
from ketacare.patients.gate import get_for
from ketacare.rems import services as rems
from ketacare.rems.api import FormOut, form_out
from ketacare.rems.models import MonitoringForm
from ketacare.sessions.models import DosingSession

router = Router()


class AnswersIn(Schema):
    entered: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict,
        description="Field key to value (yes/no as true/false, BP as '128/82', minutes, mg)",
    )


class SubmittedIn(Schema):
    submitted_on: date
    submitted_via: str = Field(description="online or fax")


def _form(session: DosingSession) -> MonitoringForm:
    form = rems.form_of(session)
    if form is None:
        raise ValidationError({"session_id": "Only esketamine sessions have a REMS form."})
    return form


@router.get("/sessions/{session_id}/rems", response={200: FormOut, **ERRORS})
def get_form(request: HttpRequest, session_id: UUID) -> Any:
    actor = actor_from_request(request)
    form = _form(get_for(actor, DosingSession, session_id, Action.REMS_VIEW))
    return form_out(form, rems.values_of(actor, form))


@router.post("/sessions/{session_id}/rems", response={200: FormOut, **ERRORS})
def save_answers(request: HttpRequest, session_id: UUID, payload: AnswersIn) -> Any:
    actor = actor_from_request(request)
    with transaction.atomic():  # the session locked: a signature waits for this save
        session = get_for(actor, DosingSession, session_id, Action.REMS_RECORD, lock=True)
        _form(session)
        form = rems.save_answers(actor, session, payload.entered)
        return form_out(form, rems.values_of(actor, form))


@router.post("/sessions/{session_id}/rems/submitted", response={200: FormOut, **ERRORS})
def mark_submitted(request: HttpRequest, session_id: UUID, payload: SubmittedIn) -> Any:
    actor = actor_from_request(request)
    session = get_for(actor, DosingSession, session_id, Action.REMS_RECORD)
    submission = rems.Submission(payload.submitted_on, payload.submitted_via)
    form = rems.mark_submitted(actor, session, submission)
    return form_out(form, rems.values_of(actor, form))
