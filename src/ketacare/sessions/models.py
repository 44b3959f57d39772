"""A dosing session: the pre-dose check, the dose, vital signs until discharge.

Decisions are stored as they were shown (findings, alerts, unmet discharge criteria with
their sources), so the record explains itself later. Readings are never edited.
"""

from __future__ import annotations

from datetime import datetime

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
    # Optimistic concurrency: a save that changes the session names the version it was made
    # from, and a conditional UPDATE (sessions.locking) refuses it when another save came first.
    version = models.PositiveIntegerField(default=1)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

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

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


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


class DoseProduct(models.TextChoices):
    """What was given; the values match the controlled-substance log's products."""

    KETAMINE = "ketamine", "Ketamine HCl injection"
    ESKETAMINE = "esketamine", "Esketamine nasal spray (28 mg device)"


class DoseAdministration(models.Model):
    """The dose as given: product, route, lot and times. One per session; a correction after
    signing is a SessionAmendment, this row is never edited. Recorded together with the
    controlled-substance log's administration entry when the clinic keeps lots."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    session = models.OneToOneField(
        DosingSession, on_delete=models.PROTECT, related_name="administration"
    )
    product = models.CharField(max_length=20, choices=DoseProduct.choices)
    route = models.CharField(max_length=20, choices=ROUTE_CHOICES)
    dose_mg = models.FloatField()
    lot_number = models.CharField(max_length=60)
    lot_expires_on = models.DateField()
    device_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Esketamine: 28 mg devices used (S3)."
    )
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)
    deviations = models.JSONField(
        default=list, help_text="Departures from the label recorded as they happened (S3)."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.dose_mg:g} mg {self.get_product_display()} lot {self.lot_number}"

    @property
    def first_device_at(self) -> datetime | None:
        """The REMS form counts monitoring minutes from the first device (S11)."""
        first = self.devices.order_by("number").first()
        return first.given_at if first else None


class EsketamineDevice(models.Model):
    """One 28 mg nasal device and when it was used (S3: 5-minute rest between devices)."""

    administration = models.ForeignKey(
        DoseAdministration, on_delete=models.PROTECT, related_name="devices"
    )
    number = models.PositiveSmallIntegerField()
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "number"], name="one_row_per_device")
        ]

    def __str__(self) -> str:
        return f"device {self.number} at {self.given_at:%H:%M}"


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class AdverseEvent(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    session = models.ForeignKey(
        DosingSession, on_delete=models.PROTECT, related_name="adverse_events"
    )
    observed_at = models.DateTimeField()
    description = models.CharField(max_length=500)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    serious = models.BooleanField(
        default=False, help_text="A serious adverse event, reported on the REMS form (S11)."
    )
    action_taken = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["observed_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.description[:40]}"


class AssessmentKind(models.TextChoices):
    SEDATION = "sedation", "Sedation (MOAA/S)"
    DISSOCIATION = "dissociation", "Dissociation (CADSS)"


class SessionAssessment(models.Model):
    """A sedation (MOAA/S 0-5) or dissociation (CADSS total, scored by the core and kept as a
    rating-scale response) entry at a planned minute of the session."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    session = models.ForeignKey(DosingSession, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    score = models.PositiveSmallIntegerField()
    taken_at = models.DateTimeField()
    scale_response = models.OneToOneField(
        "measures.ScaleResponse", null=True, blank=True, on_delete=models.PROTECT,
        related_name="session_assessment",
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["taken_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.score} at {self.taken_at:%H:%M}"

    @property
    def minute(self) -> int:
        return int((self.taken_at - self.session.started_at).total_seconds() // 60)


class SessionAmendment(models.Model):
    """A correction to a signed session: what it corrects, the original as it was, the
    correction, why, who and when. The signed record itself is never edited."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    session = models.ForeignKey(DosingSession, on_delete=models.PROTECT, related_name="amendments")
    section = models.CharField(max_length=40)
    target_id = models.CharField(max_length=40, blank=True)
    original = models.JSONField(default=dict)
    correction = models.TextField(max_length=2000)
    reason = models.CharField(max_length=500)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    amended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["amended_at", "id"]

    def __str__(self) -> str:
        return f"amendment of {self.section} at {self.amended_at:%Y-%m-%d %H:%M}"
