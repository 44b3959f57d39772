"""A symptom trajectory with the doses marked: one scale's totals (measures) against the
dosing sessions (sessions), drawn on the server as SVG."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action
from ketacare.clinical import instruments
from ketacare.measures.charts import trajectory_svg
from ketacare.measures.services import scale_points
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.sessions.services import dose_times


@login_required
def trajectory(request: HttpRequest, public_id: UUID, instrument: str) -> HttpResponse:
    if instrument not in instruments.INSTRUMENTS:
        raise Http404("No such scale.")
    actor = actor_from_request(request)
    patient = get_for(actor, Patient, public_id, Action.SCALE_VIEW)  # the audited read
    points = scale_points(actor, patient, instrument)
    svg = trajectory_svg(instrument, points, dose_times(actor, patient))
    return HttpResponse(svg, content_type="image/svg+xml")
