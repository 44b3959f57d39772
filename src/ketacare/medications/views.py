"""The medication-list page: current and past medicines, allergies, and the forms to change
them (for roles that may). Refused writes re-render the page with the field's message (422)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, role_can
from ketacare.medications import services
from ketacare.medications.forms import AllergyForm, MedicationForm, RemoveForm, StopForm
from ketacare.medications.models import Allergy, Medication
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.web.form_use_case import run_on_form


def _page(
    request: HttpRequest,
    actor: Actor,
    patient: Patient,
    status: int = 200,
    *,
    medication_form: Form | None = None,
    allergy_form: Form | None = None,
    problem: tuple[Medication | Allergy, Form] | None = None,
) -> HttpResponse:
    """`problem`: a row's refused stop/remove, shown beside that row."""
    context: dict[str, Any] = {
        "patient": patient,
        "medications": services.medications_of(actor, patient),
        "allergies": services.allergies_of(actor, patient, removed=True),
        "can_record": role_can(actor.role, Action.MEDICATION_RECORD),
        "medication_form": medication_form or MedicationForm(prefix="med"),
        "allergy_form": allergy_form or AllergyForm(prefix="allergy"),
        "problem": problem,
    }
    return render(request, "medications/list.html", context, status=status)


@login_required
def medication_list(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    return _page(request, actor, get_for(actor, Patient, public_id, Action.MEDICATION_VIEW))


def _add(
    request: HttpRequest, public_id: UUID, form: MedicationForm | AllergyForm, name: str,
    use_case: Callable[[Actor, UUID, Any], object],
) -> HttpResponse:  # fmt: skip
    """A new medication or allergy: back to the list, or the page again with the refused form
    (named `name`) beside its fields."""
    actor = actor_from_request(request)
    if run_on_form(form, lambda: use_case(actor, public_id, form.entry())):
        return redirect("medication-list", public_id=public_id)
    patient = get_for(actor, Patient, public_id, Action.MEDICATION_RECORD)
    forms: dict[str, Any] = {name: form}
    return _page(request, actor, patient, 422, **forms)


@login_required
@require_POST
def add_medication(request: HttpRequest, public_id: UUID) -> HttpResponse:
    form = MedicationForm(request.POST, prefix="med")
    return _add(request, public_id, form, "medication_form", services.add_medication)


@login_required
@require_POST
def add_allergy(request: HttpRequest, public_id: UUID) -> HttpResponse:
    form = AllergyForm(request.POST, prefix="allergy")
    return _add(request, public_id, form, "allergy_form", services.add_allergy)


@login_required
@require_POST
def stop_medication(request: HttpRequest, medication_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    medication = get_for(actor, Medication, medication_id, Action.MEDICATION_RECORD)
    form = StopForm(request.POST)

    def stop() -> None:
        data = form.cleaned_data
        services.stop_medication(actor, medication_id, data["stopped_on"], data["reason"])

    if run_on_form(form, stop):
        return redirect("medication-list", public_id=medication.patient.public_id)
    return _page(request, actor, medication.patient, 422, problem=(medication, form))


@login_required
@require_POST
def remove_allergy(request: HttpRequest, allergy_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    allergy = get_for(actor, Allergy, allergy_id, Action.MEDICATION_RECORD)
    form = RemoveForm(request.POST)
    if run_on_form(
        form, lambda: services.remove_allergy(actor, allergy_id, form.cleaned_data["reason"])
    ):
        return redirect("medication-list", public_id=allergy.patient.public_id)
    return _page(request, actor, allergy.patient, 422, problem=(allergy, form))
