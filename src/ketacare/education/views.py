"""Education pages: public topic pages anyone may read, and the patient's own planned dose
explained (behind the login and the gate: a patient reaches only their own)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csp import csp_override

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, Role
from ketacare.clinical import instruments
from ketacare.clinical.outcomes import OutcomeSettings
from ketacare.education import dose
from ketacare.education.topics import BY_SLUG, TOPICS
from ketacare.patients import services as patients
from ketacare.patients.services import view_patient

SCALES_EXPLAINED = ("phq9", "gad7", "pcl5", "cadss")


def _own_record_id(request: HttpRequest) -> UUID | None:
    """The patient's own record, for the link to their planned dose; None for anyone else."""
    if not request.user.is_authenticated:
        return None
    actor = actor_from_request(request)
    if actor.role != Role.PATIENT:
        return None
    own = patients.search_patients(actor).first()
    return own.public_id if own else None


def index(request: HttpRequest) -> HttpResponse:
    context = {"topics": TOPICS, "own_record": _own_record_id(request)}
    return render(request, "education/index.html", context)


def topic(request: HttpRequest, slug: str) -> HttpResponse:
    page = BY_SLUG[slug]
    context: dict[str, Any] = {"topic": page, "topics": TOPICS, "sources": page.cited()}
    if slug == "what-the-scales-mean":
        context["scales"] = [instruments.get(key) for key in SCALES_EXPLAINED]
        context["response_percent"] = OutcomeSettings().response_reduction_percent
    return render(request, page.template, context)


@login_required
def planned_dose(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = view_patient(actor, public_id, Action.PLAN_VIEW)
    context = {"patient": patient, "explained": dose.explained(actor, patient)}
    return render(request, "education/planned_dose.html", context)


# matplotlib's SVG uses inline style attributes; allowed for this image response only.
@csp_override({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]})
@login_required
def planned_dose_svg(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = view_patient(actor, public_id, Action.PLAN_VIEW)
    found = dose.inputs_for(actor, patient)
    if found is None:
        return HttpResponse(status=404)
    image = dose.curve_image(found[1], narrow=request.GET.get("size") == "narrow")
    return HttpResponse(image, content_type="image/svg+xml")
