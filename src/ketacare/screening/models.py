"""An eligibility screening: what the clinician entered and what the rules concluded, per route.

Kept whole and never edited: the inputs and the per-route results with their reasons and
sources are stored as they were shown, so the record explains itself later even if the
rules change. A new screening is a new record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.patients.records import ClinicRecord


class Screening(ClinicRecord):
    audit_type = "screening"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="screenings"
    )
    inputs = models.JSONField()
    results = models.JSONField(help_text="Per route: status and every reason with its source.")
    treatment_resistant = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["clinic", "patient", "recorded_at"])]

    def __str__(self) -> str:
        return f"screening of {self.patient} on {self.recorded_at:%Y-%m-%d}"
