"""A change to what the forecast reads (a dose, a MADRS score, the patient's weight) queues
its recomputation, whichever service or import made the change."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from ketacare.measures.models import ScaleResponse
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession
from ketacare.treatment.services.forecast import request_forecast


@receiver(post_save, sender=ScaleResponse, dispatch_uid="forecast-on-madrs")
def _madrs_saved(sender: Any, instance: ScaleResponse, **kwargs: Any) -> None:
    if instance.instrument == "madrs":
        request_forecast(instance.patient)


@receiver(post_save, sender=DosingSession, dispatch_uid="forecast-on-dose")
def _dose_saved(sender: Any, instance: DosingSession, **kwargs: Any) -> None:
    request_forecast(instance.patient)


@receiver(post_save, sender=Patient, dispatch_uid="forecast-on-weight")
def _patient_saved(sender: Any, instance: Patient, created: bool, **kwargs: Any) -> None:
    if not created:
        request_forecast(instance)
