"""Background tasks of the treatment app (django.tasks; run by `ketacare worker`)."""

from __future__ import annotations

from django.tasks import task

from ketacare.treatment.services.forecast import compute_stored_forecast


@task()
def compute_forecast(patient_pk: int, inputs_digest: str) -> bool:
    return compute_stored_forecast(patient_pk, inputs_digest)
