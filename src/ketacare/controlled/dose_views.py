"""The page that records a session's dose: the lot from the clinic's log (or the label's),
the times and, for esketamine, each device; the log's administration entry goes with it in
the same transaction (controlled.administration)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action
from ketacare.controlled.administration import administer_dose, lots_for
from ketacare.controlled.forms import DoseForm
from ketacare.patients.gate import get_for
from ketacare.sessions.dose import DoseGiven, product_for
from ketacare.sessions.models import DoseAdministration, DosingSession


@login_required
def record_dose(request: HttpRequest, session_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    session = get_for(actor, DosingSession, session_id, Action.SESSION_RUN)
    if DoseAdministration.objects.filter(session=session).exists():
        messages.info(request, "The dose is recorded; correct it by an amendment.")
        return redirect("session-detail", session_id=session_id)
    product = product_for(session.route)
    lots = lots_for(actor, product) if session.route_enum.is_supervised_in_clinic else []
    initial = {"product": product, "route": session.route, "dose_mg": session.dose_mg,
               "version": session.version}  # fmt: skip
    form = DoseForm(request.POST or None, session=session, lots=lots, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            given = DoseGiven(
                product=data["product"], route=data["route"], dose_mg=data["dose_mg"],
                started=data["started_at_time"], stopped=data["stopped_at_time"],
                device_times=form.device_times(), note=data["note"],
            )  # fmt: skip
            try:
                administer_dose(
                    actor, session_id, given, lot_id=data.get("lot"),
                    lot_number=data.get("lot_number", ""),
                    lot_expires_on=data.get("lot_expires_on"), version=data["version"],
                )  # fmt: skip
            except ValidationError as exc:
                status = getattr(exc, "http_status", 422)
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Dose recorded" + (
                    " with its controlled-substance log entry." if lots else "."))  # fmt: skip
                return redirect("session-detail", session_id=session_id)
    context = {"session": session, "patient": session.patient, "form": form, "lots": lots}
    # Times shown and typed in the clinic's zone (ClinicTimeZoneMiddleware).
    return render(request, "controlled/dose.html", context, status=status)
