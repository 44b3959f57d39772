"""Telehealth pages: a video visit (its link; the prescriber starts the encounter), the
encounter note (draft, sign, amend), and the prescribers' DEA registrations."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, role_can
from ketacare.appointments.models import Appointment, Kind
from ketacare.appointments.services import feed_action
from ketacare.clinical.telehealth import (
    FLEXIBILITY_FIRST_DAY,
    FLEXIBILITY_LAST_DAY,
    flexibility_notice,
)
from ketacare.patients.gate import get_for
from ketacare.telehealth import registrations, services
from ketacare.telehealth.forms import AmendmentForm, EncounterForm, RegistrationForm, StartForm
from ketacare.telehealth.models import TelehealthEncounter
from ketacare.web.form_use_case import run_on_form


@login_required
def video_visit(request: HttpRequest, appointment_id: UUID) -> HttpResponse:
    """Staff and the patient see the link; a prescriber starts (or opens) the encounter."""
    actor = actor_from_request(request)
    action = Action.TELEHEALTH_RECORD if request.method == "POST" else feed_action(actor.role)
    appointment = get_for(actor, Appointment, appointment_id, action)
    refused = None
    start_form = StartForm(initial={"patient_state": appointment.patient.state_of_residence})
    if request.method == "POST":
        start_form = form = StartForm(request.POST)

        def start() -> object:
            located = form.cleaned_data["patient_state"]
            return services.start_encounter(actor, appointment_id, located)

        if run_on_form(form, start):
            found = TelehealthEncounter.objects.get(appointment=appointment)
            return redirect("telehealth-encounter", encounter_id=found.public_id)
        refused = form
    progress = services.encounter_progress(actor, [appointment]).get(appointment.pk)
    context = {
        "appointment": appointment,
        "patient": appointment.patient,
        "is_video": appointment.kind == Kind.TELEHEALTH,
        "link": services.meeting_link(appointment),
        "progress": progress,
        "can_read_note": role_can(actor.role, Action.TELEHEALTH_VIEW),
        "can_start": role_can(actor.role, Action.TELEHEALTH_RECORD),
        "for_patient": not role_can(actor.role, Action.CALENDAR_VIEW),
        "refused": refused,
        "start_form": start_form,
    }
    return render(request, "telehealth/video_visit.html", context,
                  status=422 if refused else 200)  # fmt: skip


def _initial(encounter: TelehealthEncounter) -> dict[str, Any]:
    names = EncounterForm.base_fields
    return {name: getattr(encounter, name) for name in names}


def _page(request: HttpRequest, actor: Actor, encounter: TelehealthEncounter, status: int = 200,
          **forms: Form) -> HttpResponse:  # fmt: skip
    own_draft = encounter.signed_at is None and actor.user is not None and (
        encounter.prescriber_id == actor.user.pk
    )  # fmt: skip
    context = {
        "encounter": encounter,
        "patient": encounter.patient,
        "appointment": encounter.appointment,
        "amendments": list(encounter.amendments.select_related("author")),
        "own_draft": own_draft,
        "can_amend": encounter.signed_at is not None
        and role_can(actor.role, Action.TELEHEALTH_RECORD),
        "form": forms.get("form") or EncounterForm(initial=_initial(encounter)),
        "amend_form": forms.get("amend_form") or AmendmentForm(),
        "refused": next((f for f in forms.values() if f.errors), None),
        "flexibility": (FLEXIBILITY_FIRST_DAY, FLEXIBILITY_LAST_DAY),
        "flexibility_notice": flexibility_notice(services.clinic_today(encounter))
        if role_can(actor.role, Action.TELEHEALTH_RECORD)
        else None,
    }
    return render(request, "telehealth/encounter.html", context, status=status)


@login_required
def encounter(request: HttpRequest, encounter_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    return _page(request, actor, services.read_encounter(actor, encounter_id))


@login_required
@require_POST
def encounter_action(request: HttpRequest, encounter_id: UUID, what: str) -> HttpResponse:
    actor = actor_from_request(request)
    found = services.read_encounter(actor, encounter_id)
    if what in ("save", "sign"):
        form: Form = EncounterForm(request.POST)
        key = "form"

        def use_case() -> None:
            # Saved in its own transaction first: a refused signature keeps the draft.
            services.save_draft(actor, encounter_id, form.draft())  # type: ignore[attr-defined]
            if what == "sign":
                services.sign(actor, encounter_id)

        done = run_on_form(form, use_case)
    elif what == "amend":
        form = AmendmentForm(request.POST)
        key = "amend_form"
        done = run_on_form(form, lambda: services.amend(actor, encounter_id,
                                                        form.cleaned_data["text"]))  # fmt: skip
    else:
        raise Http404("No such action.")
    if done:
        return redirect("telehealth-encounter", encounter_id=encounter_id)
    found.refresh_from_db()
    return _page(request, actor, found, 422, **{key: form})


@login_required
def dea_registrations(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    rows = list(registrations.on_file(actor))  # refuses roles that keep none
    people = [(u.pk, u.full_name or u.email) for u in registrations.prescribers(actor)]
    form = RegistrationForm(request.POST or None, prescribers=people)
    if request.method == "POST" and run_on_form(
        form, lambda: registrations.add_registration(actor, form.registration())
    ):
        return redirect("dea-registrations")
    return render(request, "telehealth/registrations.html", {"rows": rows, "form": form},
                  status=422 if form.errors else 200)  # fmt: skip


@login_required
@require_POST
def retire_registration(request: HttpRequest, registration_id: int) -> HttpResponse:
    registrations.retire_registration(actor_from_request(request), registration_id)
    return redirect("dea-registrations")
