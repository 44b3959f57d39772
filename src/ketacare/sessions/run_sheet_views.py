"""Run-sheet pages besides vital signs: adverse events, sedation and dissociation, signing,
amendments. Each posts to one service; a refusal re-renders the session page with the message
beside its form (422 for input, 409 for a signed session or a stale version)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.sessions import run_sheet, services
from ketacare.sessions.forms import (
    AdverseEventForm,
    AmendmentForm,
    DissociationForm,
    SedationForm,
    SignForm,
)
from ketacare.sessions.views import _detail


def _refused(
    request: HttpRequest, session_id: UUID, form: Form, name: str, exc: ValidationError
) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
    session = services.view_session(actor_from_request(request), session_id)
    return _detail(request, session, **{name: form, "failed": exc})


def _invalid(request: HttpRequest, session_id: UUID, form: Form, name: str) -> HttpResponse:
    """The gate first (another clinic's session is a 404 whatever the form holds)."""
    session = services.view_session(actor_from_request(request), session_id)
    return _detail(request, session, **{name: form, "failed": True})


def _post(
    request: HttpRequest, session_id: UUID, form: Form, name: str,
    use_case: Callable[[Actor, dict[str, Any]], object], done: Callable[[Any], str],
) -> HttpResponse:  # fmt: skip
    """The one shape of every run-sheet post: the form, its use case, the message of what was
    done, or the session page again with the refusal beside the form."""
    if not form.is_valid():
        return _invalid(request, session_id, form, name)
    try:
        result = use_case(actor_from_request(request), form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, session_id, form, name, exc)
    messages.success(request, done(result))
    return redirect("session-detail", session_id=session_id)


@require_POST
@login_required
def add_adverse_event(request: HttpRequest, session_id: UUID) -> HttpResponse:
    def record(actor: Actor, data: dict[str, Any]) -> object:
        event = run_sheet.AdverseEventIn(
            data["observed_at_time"], data["description"], data["severity"],
            data["action_taken"], data["serious"],
        )  # fmt: skip
        return run_sheet.record_adverse_event(actor, session_id, event)

    form = AdverseEventForm(request.POST)
    return _post(request, session_id, form, "adverse_form", record,
                 lambda _: "Adverse event recorded.")  # fmt: skip


@require_POST
@login_required
def add_sedation(request: HttpRequest, session_id: UUID) -> HttpResponse:
    return _post(
        request, session_id, SedationForm(request.POST), "sedation_form",
        lambda actor, data: run_sheet.record_sedation(
            actor, session_id, data["moaas"], data["taken_at_time"]),
        lambda _: "Sedation (MOAA/S) recorded.",
    )  # fmt: skip


@require_POST
@login_required
def add_dissociation(request: HttpRequest, session_id: UUID) -> HttpResponse:
    form = DissociationForm(request.POST)
    return _post(
        request, session_id, form, "dissociation_form",
        lambda actor, data: run_sheet.record_dissociation(
            actor, session_id, form.answers(), data["taken_at_time"]),
        lambda row: f"CADSS recorded: total {row.score}.",
    )  # fmt: skip


@require_POST
@login_required
def sign(request: HttpRequest, session_id: UUID) -> HttpResponse:
    return _post(
        request, session_id, SignForm(request.POST), "sign_form",
        lambda actor, data: services.sign_session(actor, session_id, version=data["version"]),
        lambda _: "Session signed; it is now locked. Corrections are amendments.",
    )  # fmt: skip


@require_POST
@login_required
def amend(request: HttpRequest, session_id: UUID) -> HttpResponse:
    return _post(
        request, session_id, AmendmentForm(request.POST), "amendment_form",
        lambda actor, data: run_sheet.amend_session(actor, session_id, **data),
        lambda _: "Amendment recorded; the original is kept beside it.",
    )  # fmt: skip
