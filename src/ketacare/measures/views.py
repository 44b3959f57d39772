"""Rating-scale pages: the history with trajectories, a form per scale, alert acknowledgement."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.redirects import safe_next
from ketacare.clinical import instruments
from ketacare.measures import services
from ketacare.measures.entry_rules import action_to_enter
from ketacare.measures.forms import ScaleForm
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient


# matplotlib's SVG styles its shapes with inline style attributes; this response is an
# image (loaded by <img>, no script can run), so inline styles are allowed for it alone.
@csp_override({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]})
@login_required
def record_scale(request: HttpRequest, public_id: UUID, instrument: str) -> HttpResponse:
    actor = actor_from_request(request)
    if instrument not in instruments.INSTRUMENTS:
        raise Http404("No such scale.")
    scale = instruments.get(instrument)
    patient = get_for(actor, Patient, public_id, action_to_enter(scale))
    form = ScaleForm(scale, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            response = services.record_scale(actor, public_id, instrument, form.answers())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            severity = f" ({response.severity})" if response.severity else ""
            messages.success(request, f"{scale.name} recorded: {response.total}{severity}.")
            return redirect("scale-history", public_id=public_id)
    context = {
        "patient": patient,
        "scale": scale,
        "form": form,
        "open_alerts": services.open_alerts(actor, patient),
    }
    return render(request, "measures/record.html", context, status=422 if form.errors else 200)


@login_required
def amend_scale(request: HttpRequest, response_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    original = services.response_for_amendment(actor, response_id)
    scale = instruments.get(original.instrument)
    form = ScaleForm.for_amendment(scale, original.answers, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_scale(actor, response_id, form.answers(), form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{scale.name} corrected; the original stays on record.")
            return redirect("scale-history", public_id=original.patient.public_id)
    context = {
        "patient": original.patient,
        "scale": scale,
        "form": form,
        "original": original,
        "open_alerts": services.open_alerts(actor, original.patient),
    }
    return render(request, "measures/record.html", context, status=422 if form.errors else 200)


@require_POST
@login_required
def acknowledge_alert(request: HttpRequest, alert_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        alert = services.acknowledge_alert(actor, alert_id, request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(safe_next(request))
    messages.success(request, "Alert acknowledged.")
    return redirect("patient-chart", public_id=alert.patient.public_id)
