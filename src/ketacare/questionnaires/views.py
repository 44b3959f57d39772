"""Questionnaire pages: the care team's schedule for a patient, and the one-time link a
patient answers without logging in (public, rate limited per address, the same page for a
wrong, used or expired link)."""

from __future__ import annotations

import secrets
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ketacare.accounts.current import actor_from_request, client_ip
from ketacare.accounts.roles import Action, role_can
from ketacare.api.ratelimit import seconds_to_wait
from ketacare.clinical import instruments
from ketacare.measures.forms import ScaleForm
from ketacare.measures.services import SUICIDALITY, open_alerts
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.questionnaires import services
from ketacare.questionnaires.forms import ScheduleForm
from ketacare.questionnaires.models import DueQuestionnaire
from ketacare.web.form_use_case import run_on_form

HOUR = 3600


@login_required
def schedule_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = get_for(actor, Patient, public_id, Action.SCALE_VIEW)
    may_schedule = role_can(actor.role, Action.QUESTIONNAIRE_SCHEDULE)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and run_on_form(
        form, lambda: services.start_schedule(actor, public_id, form.entry())
    ):
        messages.success(request, "Schedule saved; the first reminder goes on the due day.")
        return redirect("questionnaire-schedule", public_id=public_id)
    due = DueQuestionnaire.objects.for_actor(actor, Action.SCALE_VIEW).filter(patient=patient)
    context = {
        "patient": patient,
        "form": form if may_schedule else None,
        "schedules": services.schedules_of(actor, patient),
        "recent": list(due.order_by("-due_on")[:20]),
        "open_alerts": open_alerts(actor, patient),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "questionnaires/schedule.html", context, status=status)


@require_POST
@login_required
def stop(request: HttpRequest, schedule_id: UUID) -> HttpResponse:
    schedule = services.stop_schedule(actor_from_request(request), schedule_id)
    messages.success(request, "Schedule stopped; nothing more is sent for it.")
    return redirect("questionnaire-schedule", public_id=schedule.patient.public_id)


def _too_many(request: HttpRequest) -> int | None:
    return seconds_to_wait(f"questionnaire-link:{client_ip(request)}",
                           settings.RATE_LIMIT_LINKS_PER_HOUR, window=HOUR)  # fmt: skip


def _no_link(request: HttpRequest) -> HttpResponse:
    return render(request, "questionnaires/link_not_working.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def answer_link(request: HttpRequest, token: str) -> HttpResponse:
    wait = _too_many(request)
    if wait is not None:
        response = render(request, "429.html", status=429)
        response["Retry-After"] = str(wait)
        return response
    if request.method == "POST":
        return _submit(request, token)
    due = services.open_link(token)
    if due is None:
        return _no_link(request)
    form = ScaleForm(instruments.get(due.instrument))
    return _form_page(request, due, form, secrets.token_urlsafe(16))


def _form_page(request: HttpRequest, due: DueQuestionnaire, form: ScaleForm, key: str,
               status: int = 200) -> HttpResponse:  # fmt: skip
    context = {"due": due, "scale": form.scale, "form": form, "submission_key": key}
    return render(request, "questionnaires/answer.html", context, status=status)


def _submit(request: HttpRequest, token: str) -> HttpResponse:
    key = request.POST.get("submission_key", "")[:64]
    due = services.open_link(token)
    scale_key = due.instrument if due else None
    if due is not None:
        form = ScaleForm(instruments.get(due.instrument), request.POST)
        if not form.is_valid():  # nothing typed is lost: the page comes back filled in
            return _form_page(request, due, form, key, status=422)
        answers = form.answers()
    else:
        answers = []
    given = services.LinkAnswer(token, answers, key, client_ip(request))
    response = services.answer_by_link(given) if (due or key) else None
    if response is None:
        return _no_link(request)
    scale_key = response.instrument
    context = {"scale": instruments.get(scale_key), "crisis": SUICIDALITY in response.flags,
               "clinic": response.clinic}  # fmt: skip
    return render(request, "questionnaires/thanks.html", context)
