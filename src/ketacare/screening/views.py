"""Screening pages: the form (built from the core's lists) and the per-route result."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.forms import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action
from ketacare.measures.services import open_alerts
from ketacare.medications.services import current_medicine_classes
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.screening import services
from ketacare.screening.forms import ScreeningForm


@login_required
def new_screening(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = get_for(actor, Patient, public_id, Action.SCREENING_RECORD)
    initial = {
        "hepatic_impairment": "none",
        "latest_cssrs_risk": services.latest_cssrs_risk(actor, patient),
        # from the medication list: the clinician confirms or corrects
        "medicines": sorted(current_medicine_classes(actor, patient)),
    }
    form = ScreeningForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            screening = services.record_screening(actor, public_id, form.screening_input())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("screening-detail", screening_id=screening.public_id)
    context = {"patient": patient, "form": form, "open_alerts": open_alerts(actor, patient)}
    return render(request, "screening/form.html", context, status=422 if form.errors else 200)


@login_required
def screening_detail(request: HttpRequest, screening_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    screening = services.view_screening(actor, screening_id)
    context = {
        "screening": screening,
        "patient": screening.patient,
        "open_alerts": open_alerts(actor, screening.patient),
    }
    return render(request, "screening/detail.html", context)
