"""Run-sheet pages besides vital signs: adverse events, sedation and dissociation, signing,
amendments. Each posts to one service; a refusal re-renders the session page with the message
beside its form (422 for input, 409 for a signed session or a stale version)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

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


@require_POST
@login_required
def add_adverse_event(request: HttpRequest, session_id: UUID) -> HttpResponse:
    form = AdverseEventForm(request.POST)
    if not form.is_valid():
        return _invalid(request, session_id, form, "adverse_form")
    data = form.cleaned_data
    event = run_sheet.AdverseEventIn(
        data["observed_at_time"], data["description"], data["severity"],
        data["action_taken"], data["serious"],
    )  # fmt: skip
    try:
        run_sheet.record_adverse_event(actor_from_request(request), session_id, event)
    except ValidationError as exc:
        return _refused(request, session_id, form, "adverse_form", exc)
    messages.success(request, "Adverse event recorded.")
    return redirect("session-detail", session_id=session_id)


@require_POST
@login_required
def add_sedation(request: HttpRequest, session_id: UUID) -> HttpResponse:
    form = SedationForm(request.POST)
    if not form.is_valid():
        return _invalid(request, session_id, form, "sedation_form")
    try:
        data = form.cleaned_data
        actor = actor_from_request(request)
        run_sheet.record_sedation(actor, session_id, data["moaas"], data["taken_at_time"])
    except ValidationError as exc:
        return _refused(request, session_id, form, "sedation_form", exc)
    messages.success(request, "Sedation (MOAA/S) recorded.")
    return redirect("session-detail", session_id=session_id)


@require_POST
@login_required
def add_dissociation(request: HttpRequest, session_id: UUID) -> HttpResponse:
    form = DissociationForm(request.POST)
    if not form.is_valid():
        return _invalid(request, session_id, form, "dissociation_form")
    try:
        actor = actor_from_request(request)
        taken = form.cleaned_data["taken_at_time"]
        row = run_sheet.record_dissociation(actor, session_id, form.answers(), taken)
    except ValidationError as exc:
        return _refused(request, session_id, form, "dissociation_form", exc)
    messages.success(request, f"CADSS recorded: total {row.score}.")
    return redirect("session-detail", session_id=session_id)


@require_POST
@login_required
def sign(request: HttpRequest, session_id: UUID) -> HttpResponse:
    form = SignForm(request.POST)
    if not form.is_valid():
        return _invalid(request, session_id, form, "sign_form")
    try:
        services.sign_session(actor_from_request(request), session_id,
                              version=form.cleaned_data["version"])  # fmt: skip
    except ValidationError as exc:
        return _refused(request, session_id, form, "sign_form", exc)
    messages.success(request, "Session signed; it is now locked. Corrections are amendments.")
    return redirect("session-detail", session_id=session_id)


@require_POST
@login_required
def amend(request: HttpRequest, session_id: UUID) -> HttpResponse:
    form = AmendmentForm(request.POST)
    if not form.is_valid():
        return _invalid(request, session_id, form, "amendment_form")
    try:
        run_sheet.amend_session(actor_from_request(request), session_id, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, session_id, form, "amendment_form", exc)
    messages.success(request, "Amendment recorded; the original is kept beside it.")
    return redirect("session-detail", session_id=session_id)
