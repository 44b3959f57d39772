"""A treatment plan: a protocol template applied to one patient from a start date.

The dated schedule is stored as generated (each session with its dose and source), so the
plan reads the same later even if templates change; a new plan supersedes an old one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.patients.records import ClinicRecord


class TreatmentPlan(ClinicRecord):
    audit_type = "treatment_plan"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="treatment_plans"
    )
    template = models.CharField(max_length=40)
    template_name = models.CharField(max_length=120)
    start_on = models.DateField()
    dose_mg = models.FloatField(null=True, blank=True)
    # {"reason", "authorised_by"} when the prescriber planned above the hard limit; else {}.
    dose_override = models.JSONField(default=dict, blank=True)
    schedule = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "patient", "created_at"])]

    def __str__(self) -> str:
        return f"{self.template_name} for {self.patient} from {self.start_on}"

    def next_sessions(self, today_iso: str, count: int = 3) -> list[dict[str, object]]:
        """The next sessions from today (ISO dates compare as text)."""
        return [s for s in self.schedule if s["on"] >= today_iso][:count]


class StoredForecast(ClinicRecord):
    """A patient's MADRS forecast for one set of inputs (doses, scores, weight), identified by
    their digest: computed once by a background task, read by every view (DESIGN.md: nothing
    expensive runs per request). ``result`` is empty while it is being computed."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="stored_forecasts"
    )
    inputs_digest = models.CharField(max_length=64)
    requested_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "inputs_digest"], name="one_forecast_per_inputs"
            )
        ]

    def __str__(self) -> str:
        return f"forecast for {self.patient} ({self.inputs_digest[:8]})"
