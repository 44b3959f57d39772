"""A therapist's session with a patient, and the amendments to its signed note."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.patients.amendments import NoteAmendment
from ketacare.patients.records import ClinicRecord


class Kind(models.TextChoices):
    PREPARATION = "preparation", "Preparation"
    INTEGRATION = "integration", "Integration"
    OTHER = "other", "Other"


class CounsellingSession(ClinicRecord):
    audit_type = "counselling_session"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="counselling_sessions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    dosing_session = models.ForeignKey(
        "dosing_sessions.DosingSession", null=True, blank=True, on_delete=models.PROTECT,
        related_name="counselling_sessions",
        help_text="The dosing session this one prepares or integrates",
    )  # fmt: skip
    held_at = models.DateTimeField(default=timezone.now)
    duration_minutes = models.PositiveSmallIntegerField()
    note = models.TextField()
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "patient", "held_at"]),
            # A therapist's unsigned notes (the Today page), not all their signed years.
            models.Index(
                fields=["clinic", "therapist"],
                condition=models.Q(signed_at__isnull=True),
                name="unsigned_notes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} session of {self.patient} ({self.held_at:%Y-%m-%d})"


class Amendment(NoteAmendment):
    """Added to a signed note; the original text stays as it was signed."""

    note_field = "session"
    session = models.ForeignKey(
        CounsellingSession, on_delete=models.PROTECT, related_name="amendments"
    )
