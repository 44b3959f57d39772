"""Rating-scale responses and the safety alerts they raise.

A response is never edited: a correction is a new response (the audit log shows both).
Scoring is the clinical core's (`ketacare.clinical.instruments`); the row keeps the
answers and the scored result side by side so the chart never re-scores history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.clinical.instruments import INSTRUMENTS
from ketacare.patients.records import ClinicRecord

INSTRUMENT_CHOICES = [(key, scale.name) for key, scale in INSTRUMENTS.items()]


class ScaleResponse(ClinicRecord):
    audit_type = "scale_response"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="scale_responses"
    )
    instrument = models.CharField(max_length=20, choices=INSTRUMENT_CHOICES)
    answers = models.JSONField()
    total = models.IntegerField()
    severity = models.CharField(max_length=30, blank=True)
    risk = models.CharField(max_length=20, blank=True)
    flags = models.JSONField(default=list)
    taken_at = models.DateTimeField(default=timezone.now)
    backdate_reason = models.CharField(
        max_length=300, blank=True,
        help_text="Why the entry is dated earlier than it was made (measures.entry_rules).",
    )  # fmt: skip
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    self_reported = models.BooleanField(default=False)
    amends = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amended_by",
        help_text="The response this one corrects; the original is kept, never edited.",
    )  # fmt: skip
    amendment_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_at", "id"]
        indexes = [models.Index(fields=["clinic", "patient", "instrument", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.instrument} {self.total} on {self.taken_at:%Y-%m-%d}"


class SafetyAlert(ClinicRecord):
    """Shown to the care team on every page of the patient until a clinician acknowledges it
    (DESIGN.md, safety rules of the domain)."""

    audit_type = "safety_alert"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="safety_alerts"
    )
    kind = models.CharField(max_length=30)
    reason = models.CharField(max_length=300)
    source = models.ForeignKey(ScaleResponse, null=True, blank=True, on_delete=models.PROTECT)
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    acknowledgement_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["clinic", "patient", "acknowledged_at"]),
            # The Today page's open alerts of the whole clinic, oldest first.
            models.Index(
                fields=["clinic", "raised_at"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="open_alerts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} alert for {self.patient} ({self.raised_at:%Y-%m-%d})"
