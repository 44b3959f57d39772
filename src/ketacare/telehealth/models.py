"""Telehealth: prescribers' DEA registrations per state, the encounter note of a video visit
with what a prescribing encounter must record (clinical/telehealth.py; H12, H14), and the
amendments to a signed note."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.clinical.telehealth import MODALITY_LABELS
from ketacare.clinics.us_states import STATE_CHOICES
from ketacare.patients.amendments import NoteAmendment
from ketacare.patients.models import text
from ketacare.patients.records import ClinicRecord

MODALITY_CHOICES = [(m.value, label) for m, label in MODALITY_LABELS.items()]


class DeaRegistration(models.Model):
    """One state's DEA registration of a prescriber, as the clinic keeps it on file. A
    correction is a new row; the old one is retired, never edited (who changed what stays)."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dea_registrations"
    )
    number = models.CharField(max_length=9)
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    expires_on = models.DateField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["state", "-expires_on", "id"]
        indexes = [models.Index(fields=["clinic", "user"])]

    def __str__(self) -> str:
        return f"DEA {self.number} ({self.state}) of {self.user}"


class TelehealthEncounter(ClinicRecord):
    audit_type = "telehealth_encounter"

    appointment = models.OneToOneField(
        "appointments.Appointment", on_delete=models.PROTECT, related_name="encounter"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="telehealth_encounters"
    )
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    modality = models.CharField(max_length=20, choices=MODALITY_CHOICES, blank=True)
    patient_state = models.CharField(max_length=2, choices=STATE_CHOICES, blank=True)
    prescriber_state = models.CharField(max_length=2, choices=STATE_CHOICES, blank=True)
    prescribes = models.BooleanField(default=False)
    prescription = text(300, blank=True)
    in_person_evaluation_on = models.DateField(null=True, blank=True)
    pdmp_state = models.CharField(max_length=2, choices=STATE_CHOICES, blank=True)
    pdmp_checked_on = models.DateField(null=True, blank=True)
    # The registration the prescription was signed under, copied at signing (H14).
    dea_number = models.CharField(max_length=9, blank=True)
    dea_state = models.CharField(max_length=2, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["clinic", "patient", "started_at"])]

    def __str__(self) -> str:
        return f"telehealth encounter of {self.patient} ({self.started_at:%Y-%m-%d})"


class EncounterAmendment(NoteAmendment):
    """Added to a signed encounter note; the note stays as it was signed."""

    note_field = "encounter"
    encounter = models.ForeignKey(
        TelehealthEncounter, on_delete=models.PROTECT, related_name="amendments"
    )
