"""REMS enrollment of a patient and the monitoring form of each esketamine session.

What staff enter on the form is kept as entered (`answers`); what the record already knows
(the patient, the session's readings, the medication list) is read when the form is shown,
and the whole form as sent is frozen in `submitted_values` when it is marked submitted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.patients.records import ClinicRecord


class SubmittedVia(models.TextChoices):
    ONLINE = "online", "Online (SPRAVATOrems.com)"
    FAX = "fax", "Fax"


class RemsEnrollment(ClinicRecord):
    audit_type = "rems_enrollment"

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.PROTECT, related_name="rems_enrollment"
    )
    enrolled_on = models.DateField(help_text="The day the patient was enrolled in the REMS.")
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "REMS enrollment"

    def __str__(self) -> str:
        return f"REMS enrollment of {self.patient} on {self.enrolled_on}"


class MonitoringForm(ClinicRecord):
    audit_type = "rems_form"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="rems_forms"
    )
    session = models.OneToOneField(
        "dosing_sessions.DosingSession", on_delete=models.PROTECT, related_name="rems_form"
    )
    treatment_date = models.DateField()
    due_on = models.DateField(help_text="7 calendar days after the session (S10, S11).")
    first_treatment = models.BooleanField()
    answers = models.JSONField(default=dict, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    submitted_on = models.DateField(null=True, blank=True)
    submitted_via = models.CharField(max_length=10, choices=SubmittedVia.choices, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_values = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "REMS patient monitoring form"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["clinic", "submitted_on", "due_on"])]

    def __str__(self) -> str:
        return f"REMS form of {self.patient} ({self.treatment_date})"
