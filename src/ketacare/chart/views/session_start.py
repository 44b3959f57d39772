"""Starting a dosing session (sessions), its form filled from the treatment plan (treatment)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action
from ketacare.clinical.routes import Route
from ketacare.consent.services import ConsentMissing, missing_consents
from ketacare.measures.services import open_alerts
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.rems import services as rems
from ketacare.sessions import predose
from ketacare.sessions import services as sessions
from ketacare.sessions.forms import StartSessionForm
from ketacare.treatment.services.plans import planned_dose


@login_required
def start_session(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = actor_from_request(request)
    patient = get_for(actor, Patient, public_id, Action.SESSION_RUN)
    planned = planned_dose(actor, patient)
    # Without a plan, start from the most common IV dose: 0.5 mg/kg over 40 min (K1, K7).
    initial = (
        planned.initial
        if planned
        else {"route": "iv", "dose_mg_per_kg": 0.5, "infusion_minutes": 40}
    )
    form = StartSessionForm(request.POST or None, initial=initial)
    open_session = sessions.open_session_of(patient)
    consent_missing = None
    rems_missing = None
    if request.method != "POST":  # said before the form is filled in, for its starting route
        consent_missing = missing_consents(patient, Route(str(initial["route"]))) or None
        rems_missing = rems.enrollment_refusal(patient, Route(str(initial["route"])))
    if request.method == "POST" and form.is_valid():
        try:
            session = sessions.start_session(
                actor, public_id, predose.SessionStart.from_fields(form.cleaned_data)
            )
        except sessions.SessionAlreadyOpen as exc:
            form.add_error(None, exc)
            open_session = exc.session
        except ConsentMissing as exc:
            form.add_error(None, "No session without a current consent: see the box above.")
            consent_missing = exc.missing
        except rems.EnrollmentMissing as exc:
            form.add_error(None, "No esketamine session without REMS enrollment: see above.")
            rems_missing = exc.reason
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Session started: {session.dose_mg:g} mg.")
            return redirect("session-detail", session_id=session.public_id)
    context = {
        "patient": patient,
        "form": form,
        "planned": planned,
        "open_alerts": open_alerts(actor, patient),
        "open_session": open_session,
        "today": predose.suicidality_on_record(patient),
        "consent_missing": consent_missing,
        "rems_missing": rems_missing,
    }
    return render(request, "sessions/start.html", context, status=422 if form.errors else 200)
