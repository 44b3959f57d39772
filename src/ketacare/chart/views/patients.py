"""Patient pages: list with search (and alert marks), register, chart, edit. Thin: parse, call
the services of the apps whose records they show, render."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, Role, require, role_can
from ketacare.athome.reads import recent_for_chart
from ketacare.athome.start import at_home_plan
from ketacare.chart.forms import PortalAccessForm
from ketacare.consent.services import topic_rows
from ketacare.measures.progress import snapshots
from ketacare.measures.services import (
    current_responses,
    open_alerts,
    own_open_suicidality_alert,
    patients_with_open_alerts,
)
from ketacare.messaging.services import threads_of
from ketacare.patients import icd10, search, services
from ketacare.patients.forms import PatientForm
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.patients.registration_checks import WARNING_KEYS, NeedsConfirmation
from ketacare.questionnaires.services import due_now
from ketacare.referrals.services import referrals_of
from ketacare.screening.services import latest_screening
from ketacare.sessions.services import recent_sessions
from ketacare.telehealth.services import meeting_link, upcoming_video_visits
from ketacare.treatment.services.outcome_state import stored_state
from ketacare.treatment.services.plans import current_plan

PAGE_SIZE = 50


@login_required
def patient_list(request: HttpRequest) -> HttpResponse:
    """The list, searched by a term POSTed from the search box. The term never enters a URL:
    the session keeps it behind an opaque token (`?s=`) that paging and the back button use,
    so names stay out of access logs, browser history and Referer headers."""
    actor = actor_from_request(request)
    if actor.role == Role.PATIENT:
        own = services.search_patients(actor).first()
        if own is None:  # a portal login not yet linked to a record
            return render(request, "patients/no_record.html", status=404)
        return redirect("patient-chart", public_id=own.public_id)
    require(actor, Action.PATIENT_VIEW)
    if request.method == "POST":
        query = request.POST.get("q", "").strip()[:100]
        token, page = search.remember(request.session, query), 1
        if not request.htmx:  # type: ignore[attr-defined]
            return redirect(search.list_url(token))  # a GET that reload and back can repeat
    else:
        token, page = request.GET.get("s", ""), search.page_number(request.GET.get("page"))
        recalled = search.recall(request.session, token)
        if recalled is None:
            messages.info(request, "That search has expired; please search again.")
            token, recalled = "", ""
        query = recalled
    total = services.search_patients(actor, query).count()
    offset = (page - 1) * PAGE_SIZE
    patients = list(services.list_patients(actor, query, limit=PAGE_SIZE, offset=offset))
    context = {
        "patients": patients,
        "alerting": patients_with_open_alerts(actor, patients),
        "q": query,
        "pager": search.Pager(token, page, total, PAGE_SIZE),
    }
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "patients/_results.html", context)
        response["HX-Push-Url"] = search.list_url(token)
        return response
    return render(request, "patients/list.html", context)


def _save(
    request: HttpRequest, form: PatientForm, public_id: UUID | None, context: dict[str, Any]
) -> HttpResponse | None:
    """Run the service on a valid form; put its refusals on the form's fields, and its
    warnings in `context` for the user to confirm."""
    if not form.is_valid():
        return None
    actor = actor_from_request(request)
    data = {name: form.cleaned_data[name] for name in form.Meta.fields}
    try:
        if public_id is None:
            confirmed = [k for k in request.POST.getlist("confirm") if k in WARNING_KEYS]
            context["confirmed"] = confirmed
            patient = services.create_patient(actor, data, confirmed)
        else:
            patient = services.update_patient(actor, public_id, data)
    except NeedsConfirmation as exc:
        context.update(warnings=exc.warnings, duplicates=exc.duplicates)
        for warning in exc.warnings:
            form.add_error(warning.field, warning.message)  # the page asks by checkbox
        return None
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    return redirect("patient-chart", public_id=patient.public_id)


@login_required
def patient_create(request: HttpRequest) -> HttpResponse:
    require(actor_from_request(request), Action.PATIENT_CREATE)
    form = PatientForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "creating": True}
    if request.method == "POST" and (done := _save(request, form, None, context)):
        return done
    status = 422 if request.method == "POST" else 200
    return render(request, "patients/form.html", context, status=status)


@login_required
def patient_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = get_for(actor, Patient, public_id, Action.PATIENT_EDIT)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and (done := _save(request, form, public_id, {})):
        return done
    status = 422 if request.method == "POST" else 200
    context = {
        "form": form,
        "patient": patient,
        "creating": False,
        "open_alerts": open_alerts(actor, patient),
    }
    return render(request, "patients/form.html", context, status=status)


# Chart sections a role may not see: named so an empty chart is never mistaken for "none".
_ROLE_GATED_SECTIONS = (
    (Action.SCREENING_VIEW, "eligibility screenings"),
    (Action.SESSION_VIEW, "dosing sessions"),
    (Action.SCALE_VIEW, "rating scales"),
)


def _sections_hidden_from(role: str) -> list[str]:
    if role == Role.PATIENT:  # a patient's chart is their own view, not a restricted one
        return []
    return [name for action, name in _ROLE_GATED_SECTIONS if not role_can(role, action)]


@login_required
def patient_chart(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = services.view_patient(actor, public_id)
    plan = current_plan(actor, patient)
    responses = current_responses(actor, patient)
    context = {
        "patient": patient,
        "can_edit": role_can(actor.role, Action.PATIENT_EDIT),
        "can_see_scales": role_can(actor.role, Action.SCALE_VIEW),
        "can_predict_pk": role_can(actor.role, Action.PK_PREDICT),
        "can_screen": role_can(actor.role, Action.SCREENING_RECORD),
        "can_see_screening": role_can(actor.role, Action.SCREENING_VIEW),
        "screening": latest_screening(actor, patient),
        "can_see_sessions": role_can(actor.role, Action.SESSION_VIEW),
        "can_run_sessions": role_can(actor.role, Action.SESSION_RUN),
        "dosing_sessions": recent_sessions(actor, patient),
        "plan": plan,
        "upcoming": plan.next_sessions(timezone.localdate().isoformat()) if plan else [],
        "can_plan": role_can(actor.role, Action.PLAN_CREATE),
        "can_see_plan": role_can(actor.role, Action.PLAN_VIEW),
        "can_see_medications": role_can(actor.role, Action.MEDICATION_VIEW),
        "can_see_rems": role_can(actor.role, Action.REMS_VIEW),
        "can_see_counselling": role_can(actor.role, Action.COUNSELLING_VIEW),
        "can_book": role_can(actor.role, Action.APPOINTMENT_BOOK),
        "hidden_sections": _sections_hidden_from(actor.role),
        "diagnoses": icd10.named(patient.diagnosis_codes),
        "can_invite": role_can(actor.role, Action.PORTAL_INVITE) and patient.user_id is None,
        "progress": snapshots(responses),
        "open_alerts": open_alerts(actor, patient),
        "crisis": own_open_suicidality_alert(actor, patient),
        "consents": topic_rows(patient) if role_can(actor.role, Action.CONSENT_VIEW) else None,
        "referrals": referrals_of(actor, patient),
        "questionnaires_due": due_now(actor, patient),
        "follow_up": stored_state(actor, patient),
        "can_see_at_home": role_can(actor.role, Action.AT_HOME_VIEW),
        "at_home_sessions": recent_for_chart(actor, patient),
        "runs_at_home": role_can(actor.role, Action.AT_HOME_RUN) and at_home_plan(patient),
        "can_write_to_patient": role_can(actor.role, Action.MESSAGE_TO_PATIENT),
        "message_threads": threads_of(actor, patient),
        "video_visits": [
            {"appointment": a, "link": meeting_link(a)}
            for a in upcoming_video_visits(actor, patient)
        ],
    }
    return render(request, "patients/chart.html", context)


@login_required
def portal_access(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = get_for(actor, Patient, public_id, Action.PORTAL_INVITE)
    form = PortalAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_portal_access(
                actor, public_id, form.cleaned_data["email"], form.cleaned_data["password"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else "password", errors)
        else:
            messages.success(request, f"{patient.full_name} can now log in to the portal.")
            return redirect("patient-chart", public_id=public_id)
    context = {"form": form, "patient": patient}
    return render(
        request, "patients/portal_access.html", context, status=422 if form.errors else 200
    )
