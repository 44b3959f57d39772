"""Medicines and allergies on the patient's record.

Nothing is edited in place: a medicine is stopped (date and reason), an allergy entered in
error is removed with a reason; both stay on record with who did it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.clinical.eligibility import Medicine
from ketacare.patients.records import ClinicRecord

OTHER = "other"
# The classes the clinical core weighs (eligibility, the REMS form's concomitant medicines),
# and "other" for everything it has no rule about.
MEDICINE_CLASSES = [(m.value, m.value) for m in Medicine] + [(OTHER, "other")]


class Medication(ClinicRecord):
    audit_type = "medication"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="medications"
    )
    name = models.CharField(max_length=200)
    dose = models.CharField(max_length=100, blank=True, help_text="e.g. 2 mg at night")
    medicine_class = models.CharField(
        "Class", max_length=40, choices=MEDICINE_CLASSES, default=OTHER,
        help_text="The class the safety rules look at (sedatives, stimulants, MAOIs...).",
    )  # fmt: skip
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    stop_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["stopped_on", "name", "id"]  # current ones (no stop date) first
        indexes = [models.Index(fields=["clinic", "patient", "stopped_on"])]

    def __str__(self) -> str:
        return f"{self.name} {self.dose}".strip()

    @property
    def is_current(self) -> bool:
        return self.stopped_on is None or self.stopped_on > timezone.localdate()


class Allergy(ClinicRecord):
    audit_type = "allergy"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="allergies"
    )
    substance = models.CharField(max_length=200)
    reaction = models.CharField(max_length=200, blank=True, help_text="e.g. hives, anaphylaxis")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["substance", "id"]
        indexes = [models.Index(fields=["clinic", "patient", "removed_at"])]
        verbose_name_plural = "allergies"

    def __str__(self) -> str:
        return self.substance
