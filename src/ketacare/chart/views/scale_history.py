"""The scale history page: a patient's scores and trajectories (measures) beside the stored
MADRS forecast (treatment)."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ketacare.accounts.current import actor_from_request
from ketacare.measures import services as measures
from ketacare.measures.progress import progress_by_instrument
from ketacare.treatment.services.forecast import shown_forecast
from ketacare.treatment.services.outcome_state import iv_infusion_dates


@login_required
def scale_history(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient, responses = measures.patient_scale_history(actor, public_id)
    context = {
        "patient": patient,
        "progress": progress_by_instrument(responses, iv_infusion_dates(patient)),
        "forecast": shown_forecast(actor, patient),
        "instruments": measures.instruments_to_enter(actor),
        "correctable": measures.correctable(actor, responses),
        "open_alerts": measures.open_alerts(actor, patient),
        "crisis": measures.own_open_suicidality_alert(actor, patient),
    }
    return render(request, "measures/history.html", context)
