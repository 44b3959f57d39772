"""A dosing session: the pre-dose check, the dose, vital signs until discharge.

Decisions are stored as they were shown (findings, alerts, unmet discharge criteria with
their sources), so the record explains itself later. Readings are never edited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.clinical.routes import Route
from ketacare.patients.records import ClinicRecord

ROUTE_CHOICES = [(route.value, route.label) for route in Route]


class SessionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    DISCHARGED = "discharged", "Discharged"
    NOT_DOSED = "not_dosed", "Not dosed"


class DosingSession(ClinicRecord):
    audit_type = "dosing_session"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="dosing_sessions"
    )
    route = models.CharField(max_length=20, choices=ROUTE_CHOICES)
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.IN_PROGRESS
    )
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1)
    dose_mg = models.FloatField()
    infusion_minutes = models.PositiveIntegerField(null=True, blank=True)
    dose_limit_mg = models.FloatField()
    dose_limit_source = models.CharField(max_length=120)
    predose_vitals = models.JSONField()
    predose_decision = models.CharField(max_length=20)
    predose_findings = models.JSONField(default=list)
    overrides = models.JSONField(
        default=list, help_text="Each hard stop passed with its recorded reason and clinician."
    )
    started_at = models.DateTimeField(default=timezone.now)
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharge_instructions = models.JSONField(default=list)
    missed_checks = models.JSONField(
        default=list, help_text="Planned vital-sign checks with no reading at discharge."
    )
    missed_checks_reason = models.TextField(
        blank=True, help_text="The clinician's recorded reason for discharging without them."
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["clinic", "patient", "started_at"]),
            # The Today page's "under way": a few rows among a clinic's million sessions.
            models.Index(
                fields=["clinic", "started_at"],
                condition=models.Q(status="in_progress"),
                name="sessions_under_way",
            ),
        ]
        constraints = [
            # One dosing session in progress per patient, even under two simultaneous starts
            # (a partial unique index on SQLite and PostgreSQL alike).
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="in_progress"),
                name="one_session_in_progress_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_route_display()} session of {self.patient} ({self.started_at:%Y-%m-%d})"

    @property
    def route_enum(self) -> Route:
        return Route(self.route)


class VitalSignsReading(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    session = models.ForeignKey(DosingSession, on_delete=models.PROTECT, related_name="readings")
    taken_at = models.DateTimeField(default=timezone.now)
    systolic_mmhg = models.PositiveSmallIntegerField()
    diastolic_mmhg = models.PositiveSmallIntegerField()
    heart_rate_bpm = models.PositiveSmallIntegerField(null=True, blank=True)
    spo2_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    respiratory_rate_per_min = models.PositiveSmallIntegerField(null=True, blank=True)
    temperature_c = models.FloatField(null=True, blank=True)
    on_supplemental_oxygen = models.BooleanField(default=False)
    moaas = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="MOAA/S")
    news2_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="NEWS2 aggregate of the parameters recorded (N1)."
    )
    news2_missing = models.JSONField(
        default=list, help_text="NEWS2 parameters not recorded in this reading."
    )
    alerts = models.JSONField(default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["taken_at", "id"]

    def __str__(self) -> str:
        return f"{self.systolic_mmhg}/{self.diastolic_mmhg} at {self.taken_at:%H:%M}"

    @property
    def minute(self) -> int:
        return int((self.taken_at - self.session.started_at).total_seconds() // 60)


class AlertAcknowledgement(models.Model):
    """A clinician's acknowledgement, with a note, of the alerts of one reading. Until it
    exists the alerts stay on the session page and discharge waits; the reading itself is
    never edited."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    reading = models.OneToOneField(
        VitalSignsReading, on_delete=models.PROTECT, related_name="acknowledgement"
    )
    note = models.TextField(max_length=1000)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"acknowledged {self.acknowledged_at:%H:%M}: {self.note[:40]}"
