"""A change to what the forecast reads (a dose, a MADRS score, the patient's weight) queues
its recomputation, whichever service or import made the change. A score or a dose also
refreshes the patient's stored booster and futility state (what Today lists), and a dosing
session that starts marks its planned session done."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from ketacare.clinical.outcomes import NOT_OUTCOME_MEASURES
from ketacare.measures.models import ScaleResponse
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession
from ketacare.treatment.services.forecast import request_forecast
from ketacare.treatment.services.outcome_state import refresh_outcome_state
from ketacare.treatment.services.planned import link_started_session


@receiver(post_save, sender=ScaleResponse, dispatch_uid="forecast-on-madrs")
def _madrs_saved(sender: Any, instance: ScaleResponse, **kwargs: Any) -> None:
    if instance.instrument == "madrs":
        request_forecast(instance.patient)


@receiver(post_save, sender=ScaleResponse, dispatch_uid="outcome-state-on-score")
def _score_saved(sender: Any, instance: ScaleResponse, **kwargs: Any) -> None:
    if instance.instrument not in NOT_OUTCOME_MEASURES:
        refresh_outcome_state(instance.patient)


@receiver(post_save, sender=DosingSession, dispatch_uid="forecast-on-dose")
def _dose_saved(sender: Any, instance: DosingSession, **kwargs: Any) -> None:
    request_forecast(instance.patient)


@receiver(post_save, sender=DosingSession, dispatch_uid="plan-and-outcome-on-dose")
def _session_saved(sender: Any, instance: DosingSession, created: bool, **kwargs: Any) -> None:
    if created:
        link_started_session(instance)
    refresh_outcome_state(instance.patient)


@receiver(post_save, sender=Patient, dispatch_uid="forecast-on-weight")
def _patient_saved(sender: Any, instance: Patient, created: bool, **kwargs: Any) -> None:
    if not created:
        request_forecast(instance)
