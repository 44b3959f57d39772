"""The PK page: predicted levels for a dose at the patient's weight."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csp import csp_override

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action
from ketacare.measures.services import open_alerts
from ketacare.patients.services import view_patient
from ketacare.treatment.forms import DEFAULTS, ROUTE_DEFAULTS, PKForm, follow_route
from ketacare.treatment.services.pk import predict, prediction_svg


def _form(request: HttpRequest) -> PKForm:
    return PKForm(follow_route(request.GET) if request.GET else DEFAULTS)


@login_required
def pk_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = view_patient(actor, public_id, Action.PK_PREDICT)
    form = _form(request)
    prediction, warning = None, ""
    if form.is_valid():
        warning = form.limit_warning(float(patient.weight_kg))
        try:
            prediction = predict(
                form.regimen(), float(patient.weight_kg), form.cleaned_data["hours"]
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
    context = {
        "patient": patient,
        "form": form,
        "prediction": prediction,
        "dose_warning": warning,
        "route_defaults": ROUTE_DEFAULTS,
        "query": _query(form),
        "open_alerts": open_alerts(actor, patient),
    }
    return render(request, "treatment/pk.html", context, status=200 if form.is_valid() else 422)


# matplotlib's SVG uses inline style attributes; allowed for this image response only.
@csp_override({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]})
@login_required
def pk_svg(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = view_patient(actor, public_id, Action.PK_PREDICT)
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(status=422)
    try:
        prediction = predict(form.regimen(), float(patient.weight_kg), form.cleaned_data["hours"])
    except ValueError:
        return HttpResponse(status=422)
    title = f"Predicted ketamine levels at {patient.weight_kg} kg"
    narrow = request.GET.get("size") == "narrow"
    return HttpResponse(prediction_svg(prediction, title, narrow), content_type="image/svg+xml")


def _query(form: PKForm) -> str:
    """The chart image's query: the inputs the page predicted from (after route defaults)."""
    if not form.is_valid():
        return ""
    return urlencode({k: "" if v is None else v for k, v in form.cleaned_data.items()})
