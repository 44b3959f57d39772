"""The REMS monitoring form of one session (page, mark submitted, PDF): here because the
session is read through the gate here, then handed to the rems app (see its docstring)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, role_can
from ketacare.clinical import rems as rule
from ketacare.consent.services import clinic_today
from ketacare.patients.gate import get_for
from ketacare.rems import services as rems
from ketacare.rems.export import form_pdf
from ketacare.rems.forms import AnswersForm, SubmittedForm
from ketacare.rems.values import FormValues
from ketacare.sessions.models import DosingSession
from ketacare.web.form_use_case import run_on_form


def _sections(values: FormValues) -> dict[str, list[dict[str, Any]]]:
    """The form's rows by section, each with its value and where it came from."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for field in rule.FIELDS:
        sections.setdefault(field.section, []).append({
            "field": field,
            "value": values.shown(field.key),
            "missing": rule.is_missing(field.key, values.values),
            "prefilled": field.key in values.prefilled,
        })  # fmt: skip
    return sections


def _page(
    request: HttpRequest, actor: Actor, session: DosingSession, status: int = 200, *,
    answers_form: Form | None = None, submit_form: Form | None = None,
) -> HttpResponse:  # fmt: skip
    form = rems.form_of(session)
    values = rems.values_of(actor, form) if form else None
    open_to_edit = form is not None and form.submitted_on is None
    context = {
        "session": session,
        "patient": session.patient,
        "form": form,
        "values": values,
        "sections": _sections(values) if values is not None else {},
        "can_record": role_can(actor.role, Action.REMS_RECORD) and open_to_edit,
        "answers_form": answers_form or AnswersForm(values=values),
        "submit_form": submit_form
        or SubmittedForm(initial={"submitted_on": clinic_today(session.clinic)}),
    }
    return render(request, "rems/form.html", context, status=status)


@login_required
def session_form(request: HttpRequest, session_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    if request.method != "POST":
        session = get_for(actor, DosingSession, session_id, Action.REMS_VIEW)
        return _page(request, actor, session)
    with transaction.atomic():
        session = get_for(actor, DosingSession, session_id, Action.REMS_RECORD, lock=True)
        form = AnswersForm(request.POST)
        if run_on_form(form, lambda: rems.save_answers(actor, session, form.answers())):
            messages.success(request, "REMS form saved.")
            return redirect("session-rems", session_id=session_id)
    return _page(request, actor, session, 422, answers_form=form)


@login_required
@require_POST
def mark_submitted(request: HttpRequest, session_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    session = get_for(actor, DosingSession, session_id, Action.REMS_RECORD)
    form = SubmittedForm(request.POST)
    if run_on_form(form, lambda: rems.mark_submitted(actor, session, form.submission())):
        messages.success(request, "REMS form marked submitted.")
        if request.POST.get("next") == "list":  # marked from the clinic's list
            return redirect("rems-due")
        return redirect("session-rems", session_id=session_id)
    return _page(request, actor, session, 422, submit_form=form)


@login_required
def pdf(request: HttpRequest, session_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    session = get_for(actor, DosingSession, session_id, Action.REMS_VIEW)
    form = rems.form_of(session)
    if form is None:
        return HttpResponse("Only esketamine sessions have a REMS form.", status=422,
                            content_type="text/plain")  # fmt: skip
    response = HttpResponse(form_pdf(form, rems.values_of(actor, form)),
                            content_type="application/pdf")  # fmt: skip
    response["Content-Disposition"] = (
        f'attachment; filename="rems-form-{form.treatment_date.isoformat()}.pdf"'
    )
    return response
