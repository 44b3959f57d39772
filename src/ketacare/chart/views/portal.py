"""The patient's portal home (role patient, their own record only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, Role
from ketacare.chart import portal
from ketacare.patients.models import Patient


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if actor.role != Role.PATIENT:
        return redirect("home")  # staff start on Today; the chart is theirs
    if not Patient.objects.for_actor(actor, Action.PATIENT_VIEW).exists():
        return render(request, "patients/no_record.html", status=404)
    patient, sections, crisis = portal.home(actor)
    context = {"patient": patient, "sections": sections, "crisis": crisis}
    return render(request, "portal/home.html", context)
