"""Triage pages: the clinic's queue, one referral with its duplicate check, and the
decisions (register as a new patient, link a registered one, decline, ask for more).
Thin: parse, call the service, render; refusals land on the form that caused them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, role_can
from ketacare.patients import icd10
from ketacare.patients.forms import PatientForm
from ketacare.patients.registration_checks import WARNING_KEYS, NeedsConfirmation
from ketacare.patients.search import page_number
from ketacare.referrals import services
from ketacare.referrals.forms import DeclineForm, MoreInfoForm
from ketacare.referrals.models import Referral

PAGE_SIZE = 50
VIEW_LABELS = {"open": "To triage", "accepted": "Accepted", "declined": "Declined", "all": "All"}


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    view = request.GET.get("view", "open")
    view = view if view in VIEW_LABELS else "open"
    page = page_number(request.GET.get("page"))
    rows, total = services.queue_page(actor, view, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    context = {
        "referrals": rows,
        "view": view,
        "view_label": VIEW_LABELS[view],
        "views": VIEW_LABELS,
        "total": total,
        "page": page,
        "has_next": page * PAGE_SIZE < total,
    }
    return render(request, "referrals/queue.html", context)


def _detail(
    request: HttpRequest, actor: Actor, referral: Referral, status: int = 200, **refused: Any
) -> HttpResponse:
    """The referral page; `refused` holds the form (or link error) a refused decision left."""
    can_triage = role_can(actor.role, Action.REFERRAL_TRIAGE) and referral.is_open
    context: dict[str, Any] = {
        "referral": referral,
        "diagnoses": icd10.named(referral.diagnosis_codes),
        "events": services.history(referral),
        "can_triage": can_triage,
        "candidates": services.candidates(actor, referral) if can_triage else [],
        "decline_form": refused.get("decline_form") or DeclineForm(),
        "more_info_form": refused.get("more_info_form") or MoreInfoForm(),
        "link_error": refused.get("link_error"),
    }
    return render(request, "referrals/detail.html", context, status=status)


@require_GET
@login_required
def detail(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    return _detail(request, actor, services.view_referral(actor, referral_id))


def _refused_on(form: BaseForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_POST
@login_required
def decline(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    form = DeclineForm(request.POST)
    try:
        reason = form.data.get("reason", "")
        services.decline(actor, referral_id, reason)
    except ValidationError as exc:
        _refused_on(form, exc)
        referral = services.view_referral(actor, referral_id)
        return _detail(request, actor, referral, 422, decline_form=form)
    messages.success(request, "Referral declined; the reason is on record.")
    return redirect("referral-queue")


@require_POST
@login_required
def ask_for_more(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    form = MoreInfoForm(request.POST)
    try:
        services.ask_for_more(actor, referral_id, form.data.get("note", ""))
    except ValidationError as exc:
        _refused_on(form, exc)
        referral = services.view_referral(actor, referral_id)
        return _detail(request, actor, referral, 422, more_info_form=form)
    messages.success(request, "Marked 'more information requested'; your note is on record.")
    return redirect("referral-detail", referral_id=referral_id)


@require_POST
@login_required
def link(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        _, patient = services.accept_linking(actor, referral_id, request.POST.get("patient_id", ""))
    except ValidationError as exc:
        referral = services.view_referral(actor, referral_id)
        message = " ".join(exc.messages)
        return _detail(request, actor, referral, 422, link_error=message)
    messages.success(request, f"Referral accepted for {patient.full_name} (MRN {patient.mrn}).")
    return redirect("patient-chart", public_id=patient.public_id)


@login_required
def accept(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    """Register the referred person: the patient form, filled in from the referral."""
    actor = actor_from_request(request)
    referral = services.view_referral(actor, referral_id, Action.REFERRAL_TRIAGE)
    if not referral.is_open:
        messages.info(request, f"This referral is already {referral.get_status_display().lower()}.")
        return redirect("referral-detail", referral_id=referral_id)
    form = PatientForm(request.POST or None, initial=services.registration_data(referral))
    context: dict[str, Any] = {"referral": referral, "form": form}
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        confirmed = [k for k in request.POST.getlist("confirm") if k in WARNING_KEYS]
        context["confirmed"] = confirmed
        try:
            _, patient = services.accept_as_new_patient(actor, referral_id, data, confirmed)
        except NeedsConfirmation as exc:
            context.update(warnings=exc.warnings, duplicates=exc.duplicates)
            for warning in exc.warnings:
                form.add_error(warning.field, warning.message)
        except ValidationError as exc:
            _refused_on(form, exc)
        else:
            messages.success(
                request, f"Referral {referral.reference} accepted: patient registered."
            )
            return redirect("patient-chart", public_id=patient.public_id)
    status = 422 if request.method == "POST" else 200
    return render(request, "referrals/accept.html", context, status=status)
