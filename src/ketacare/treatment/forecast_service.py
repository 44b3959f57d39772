"""Gathering one patient's doses and MADRS scores for the forecast (care-team roles only)."""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, role_can
from ketacare.measures.models import ScaleResponse
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession
from ketacare.treatment.forecast import PatientForecast, SessionDose, patient_forecast


def madrs_forecast(
    actor: Actor, patient: Patient, responses: Iterable[ScaleResponse]
) -> PatientForecast | None:
    """The forecast for a patient the caller has already read through the gate."""
    if not role_can(actor.role, Action.SESSION_VIEW):
        return None
    doses = [
        SessionDose(s.route, s.started_at, s.dose_mg, s.infusion_minutes)
        for s in DosingSession.objects.for_actor(actor, Action.SESSION_VIEW).filter(patient=patient)
    ]
    madrs = [(r.taken_at, r.total) for r in responses if r.instrument == "madrs"]
    return patient_forecast(doses, madrs, float(patient.weight_kg))
