"""The stored MADRS forecast: requested when a patient's doses, MADRS scores or weight change,
computed once by a background task (``compute_forecast``), read by the scales page.

A page never computes it (1,000 virtual patients cost a second and hundreds of megabytes):
it shows the forecast stored for the current inputs, or says it is being computed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor, system_actor
from ketacare.accounts.roles import Action, role_can
from ketacare.audit.services import record
from ketacare.measures.models import ScaleResponse
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession
from ketacare.treatment.models import OutcomeState, StoredForecast
from ketacare.treatment.patient_forecast import (
    MIN_MADRS_SCORES,
    SessionDose,
    forecast_history,
    patient_forecast,
)
from ketacare.treatment.services.outcome_state import stored_state

# Bump when the forecast's code changes what it shows, so stored forecasts are recomputed.
FORECAST_VERSION = 3  # 3: the crossing is on the clinical rule's response line


@dataclass(frozen=True)
class ForecastInputs:
    doses: list[SessionDose]
    madrs: list[tuple[datetime, int]]
    weight_kg: float

    @property
    def forecastable(self) -> bool:
        history = forecast_history(self.doses, self.madrs)
        return history is not None and len(history.points) >= MIN_MADRS_SCORES

    def digest(self) -> str:
        payload = {
            "version": FORECAST_VERSION,
            "doses": [[d.route, d.started_at.isoformat(), d.dose_mg, d.infusion_minutes]
                      for d in sorted(self.doses, key=lambda d: d.started_at)],
            "madrs": sorted([when.isoformat(), total] for when, total in self.madrs),
            "weight_kg": self.weight_kg,
        }  # fmt: skip
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


@dataclass(frozen=True)
class ShownForecast:
    """What the page shows: a computed forecast, or that it is being computed."""

    ready: bool
    crosses_relapse_line_on: date | None = None
    """When the median forecast is back above the clinical rule's response line, after the
    latest score (patient_forecast.crosses_response_line_on). Supporting evidence only:
    whether a booster is due is the clinical rule's call (clinical/outcomes.py)."""
    chart_data_uri: str = ""
    basis: str = ""
    explains_course: bool = False


def gather_inputs(patient: Patient) -> ForecastInputs:
    """Two narrow queries: the columns the forecast reads, nothing else."""
    sessions = DosingSession.objects.filter(clinic_id=patient.clinic_id, patient=patient)
    doses = [
        SessionDose(route, started_at, dose_mg, minutes)
        for route, started_at, dose_mg, minutes in sessions.values_list(
            "route", "started_at", "dose_mg", "infusion_minutes"
        )
    ]
    madrs = list(
        ScaleResponse.objects.filter(
            clinic_id=patient.clinic_id, patient=patient, instrument="madrs",
            amended_by__isnull=True,
        ).values_list("taken_at", "total")
    )  # fmt: skip
    return ForecastInputs(doses, madrs, float(patient.weight_kg))


def request_forecast(patient: Patient) -> StoredForecast | None:
    """Make sure a forecast for the patient's current inputs is stored or queued; None when
    there is too little to forecast from. Queued in the caller's transaction, so a write
    that is rolled back queues nothing."""
    inputs = gather_inputs(patient)
    if not inputs.forecastable:
        return None
    digest = inputs.digest()
    with transaction.atomic():
        stored, created = StoredForecast.objects.get_or_create(
            clinic_id=patient.clinic_id, patient=patient, inputs_digest=digest
        )
        if created:
            from ketacare.treatment.tasks import compute_forecast

            compute_forecast.enqueue(patient.pk, digest)
    return stored


def shown_forecast(actor: Actor, patient: Patient) -> ShownForecast | None:
    """The forecast for a patient the caller has already read through the gate (care-team
    roles only): stored, or queued now if it is missing (e.g. history imported in bulk)."""
    if not role_can(actor.role, Action.SESSION_VIEW):
        return None
    stored = request_forecast(patient)
    if stored is None:
        return None
    if stored.result is None:
        return ShownForecast(ready=False)
    result: dict[str, Any] = stored.result
    if result.get("none"):
        return None
    crossing = result.get("crosses_response_line_on")
    return ShownForecast(
        ready=True,
        crosses_relapse_line_on=date.fromisoformat(crossing) if crossing else None,
        chart_data_uri=result["chart_data_uri"],
        basis=result["basis"],
        explains_course=result["explains_course"],
    )


def compute_stored_forecast(patient_pk: int, digest: str) -> bool:
    """The background task's work: compute and store the forecast for ``digest`` unless the
    patient's inputs changed since (a newer request will compute those). True if computed."""
    patient = Patient.objects.get(pk=patient_pk)
    inputs = gather_inputs(patient)
    if inputs.digest() != digest:
        return False
    forecast = patient_forecast(inputs.doses, inputs.madrs, inputs.weight_kg)
    result: dict[str, Any] = {"none": True}
    if forecast is not None:
        result = {
            "crosses_response_line_on": (
                crossing.isoformat() if (crossing := forecast.crosses_response_line_on) else None
            ),
            "first_dose": forecast.first_dose.isoformat(),
            "chart_data_uri": forecast.chart_data_uri,
            "basis": forecast.basis,
            "explains_course": forecast.explains_course,
        }
    with transaction.atomic():
        StoredForecast.objects.filter(patient=patient, inputs_digest=digest).update(
            result=result, computed_at=timezone.now()
        )
        actor = system_actor(patient.clinic, "forecast task")
        record(actor, "create", "forecast", digest[:16], patient_id=patient.public_id,
               clinic_id=patient.clinic_id,
               detail={"doses": len(inputs.doses), "madrs": len(inputs.madrs)})  # fmt: skip
        # superseded forecasts of older inputs are of no further use
        StoredForecast.objects.filter(patient=patient).exclude(inputs_digest=digest).delete()
    return True


@transaction.atomic
def forecast_of(actor: Actor, patient_id: Any) -> tuple[ShownForecast | None, OutcomeState | None]:
    """The API's read: the patient through the gate (the audited read), then what the scales
    page shows, stored or being computed (never computed here), beside the clinical rule's
    stored verdict on a booster, which is the one that decides."""
    patient = get_for(actor, Patient, patient_id, Action.SESSION_VIEW)
    return shown_forecast(actor, patient), stored_state(actor, patient)
