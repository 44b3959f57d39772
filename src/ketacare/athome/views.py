"""The at-home pages. The patient's: the start page, then one session page that shows the
step the session is at (state is the server's: a reload shows the same step), each step a
POST that redirects back (or re-renders with the refusal at 422). The care team's: a
patient's list with the tablets shipped, and one session's record with its review."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, role_can
from ketacare.athome import forms, reads, shipments, start, steps
from ketacare.athome.models import AtHomeSession, Stage
from ketacare.athome.watch import deadline_of
from ketacare.clinical import at_home
from ketacare.controlled import services as controlled
from ketacare.controlled.models import Product
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.web.form_use_case import run_on_form


@login_required
def start_page(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if request.method == "POST":
        try:
            session = start.begin(actor)
        except ValidationError:
            pass  # the page below shows every reason
        else:
            return redirect("athome-session", athome_id=session.public_id)
    today = start.start_page(actor)
    status = 422 if request.method == "POST" else 200
    return render(request, "athome/start.html", {"today": today, "patient": today.patient},
                  status=status)  # fmt: skip


def _current_step(session: AtHomeSession) -> str:
    if session.stage == Stage.BEFORE:
        if not session.checklist:
            return "checklist"
        if session.decision != at_home.HomeDecision.GO:
            return "reading"
        return "mood" if not session.mood else "dose"
    if session.stage == Stage.NOT_FINISHED:  # closed by the worker
        if session.finished_at is not None:
            return "done"
        return "after" if session.dosed_at is not None else "closed"
    return str(session.stage)


_FORMS: dict[str, type[Form]] = {
    "checklist": forms.ChecklistForm,
    "reading": forms.ReadingForm,
    "mood": forms.MoodForm,
    "dose": forms.KeyedForm,
    "during": forms.CheckInForm,
    "after": forms.AfterForm,
}


def _session_page(
    request: HttpRequest,
    session: AtHomeSession,
    form: Form | None = None,
    refusal: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    step = _current_step(session)
    if form is None and step in _FORMS:
        form = _FORMS[step](initial={"sitter_name": session.checklist.get("sitter_name", "")})
    until = None
    if session.dosed_at is not None:
        until = at_home.watched_until(session.dosed_at, session.watch_minutes or 0)
    context: dict[str, Any] = {
        "session": session,
        "patient": session.patient,
        "step": step,
        "form": form,
        "refusal": refusal or [],
        "stop_form": forms.KeyedForm(),
        "readings": list(session.readings.all()),
        "check_ins": list(session.check_ins.all()),
        "deadline": deadline_of(session),
        "until": until,
        "may_finish": until is not None and timezone.now() >= until,
    }
    return render(request, "athome/session.html", context, status=status)


@login_required
def session_page(request: HttpRequest, athome_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    return _session_page(request, reads.session_for_patient(actor, athome_id))


def _step_use_case(actor: Actor, athome_id: UUID, step: str, form: Any) -> Any:
    """The service call of a step, run once the form is valid (its key is cleaned then)."""

    def run() -> Any:
        key = form.write_key()
        if step == "checklist":
            return steps.save_checklist(actor, athome_id, key, form.entry())
        if step == "reading":
            return steps.take_reading(actor, athome_id, key, form.entry())
        if step == "mood":
            d = form.cleaned_data
            return steps.check_mood(actor, athome_id, key, d["mood"], d["self_harm_thoughts"])
        if step == "check-in":
            return steps.check_in(actor, athome_id, key, form.entry())
        if step == "after":
            return steps.save_after(actor, athome_id, key, form.entry())
        buttons = {"dose": steps.take_dose, "stop": steps.stop_before_dose,
                   "finish": steps.finish}  # fmt: skip
        return buttons[step](actor, athome_id, key)

    return run


_STEP_FORMS: dict[str, type[Form]] = {
    **_FORMS,
    "check-in": forms.CheckInForm,
    "stop": forms.KeyedForm,
    "finish": forms.KeyedForm,
}


@login_required
@require_POST
def take_step(request: HttpRequest, athome_id: UUID, step: str) -> HttpResponse:
    actor = actor_from_request(request)
    if step not in _STEP_FORMS or step == "during":
        raise Http404("No such step.")
    form: Any = _STEP_FORMS[step](request.POST)
    if run_on_form(form, _step_use_case(actor, athome_id, step, form)):
        return redirect("athome-session", athome_id=athome_id)
    session = reads.session_for_patient(actor, athome_id)
    if _PAGE_OF.get(step) == _current_step(session):
        return _session_page(request, session, form, status=422)
    refusal = [str(m) for errors in form.errors.values() for m in errors]
    return _session_page(request, session, refusal=refusal, status=422)


# The page each form is on; the other steps are buttons whose refusal shows above the page.
_PAGE_OF = {"checklist": "checklist", "reading": "reading", "mood": "mood",
            "check-in": "during", "after": "after"}  # fmt: skip


# --- the care team's pages ---------------------------------------------------------------


def _lots(actor: Actor) -> list[tuple[str, str]]:
    if not role_can(actor.role, Action.CONTROLLED_RECORD):
        return []
    rows = controlled.lots(actor).filter(product=Product.KETAMINE_TABLET, balance__gt=0)
    return [(str(lot.public_id), f"{lot.lot} ({lot.balance:g} left, expires "
             f"{lot.expires_on:%Y-%m-%d})") for lot in rows if not lot.expired]  # fmt: skip


@login_required
def patient_sessions(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    if request.method == "POST":
        patient = get_for(actor, Patient, public_id, Action.CONTROLLED_RECORD)
    else:
        patient = get_for(actor, Patient, public_id, Action.AT_HOME_VIEW)
    form = forms.ShipmentForm(request.POST or None, lots=_lots(actor))
    if request.method == "POST":
        shipped = run_on_form(form, lambda: shipments.ship(
            actor, public_id, shipments.Shipment(**form.cleaned_data)))  # fmt: skip
        if shipped:
            return redirect("athome-patient", public_id=public_id)
    rows, total = reads.sessions_page(actor, public_id)
    plan = start.at_home_plan(patient)
    context = {
        "patient": patient,
        "sessions": rows,
        "total": total,
        "supply": shipments.count_of(plan) if plan else None,
        "earlier": shipments.earlier_counts(plan) if plan else [],
        "shipments": shipments.shipments_of(actor, patient),
        "form": form,
        "can_ship": role_can(actor.role, Action.CONTROLLED_RECORD),
    }
    return render(request, "athome/patient.html", context, status=422 if form.errors else 200)


@login_required
def session_record(request: HttpRequest, athome_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    return _record_page(request, actor, reads.session_for_staff(actor, athome_id))


def _record_page(
    request: HttpRequest, actor: Actor, session: AtHomeSession,
    form: Form | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    context = {
        "session": session,
        "patient": session.patient,
        "readings": list(session.readings.all()),
        "check_ins": list(session.check_ins.all()),
        "missed": list(session.missed.all()),
        "can_review": role_can(actor.role, Action.ALERT_ACKNOWLEDGE),
        "form": form or forms.ReviewForm(),
    }
    return render(request, "athome/record.html", context, status=status)


@login_required
@require_POST
def review(request: HttpRequest, athome_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    form = forms.ReviewForm(request.POST)
    if run_on_form(form, lambda: reads.mark_reviewed(actor, athome_id,
                                                     form.cleaned_data["note"])):  # fmt: skip
        return redirect("athome-record", athome_id=athome_id)
    session = reads.session_for_staff(actor, athome_id)
    return _record_page(request, actor, session, form, status=422)
