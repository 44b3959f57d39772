"""The patient record: identity, demographics, contacts, referral and diagnoses."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import EmailValidator, RegexValidator
from django.db import models

from ketacare.clinics.us_states import STATE_CHOICES
from ketacare.patients.records import GateManager
from ketacare.patients.validators import (
    validate_birth_date,
    validate_icd10_codes,
    validate_no_nul,
    validate_weight_kg,
)

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-.]{7,20}$", "Enter a phone number of 7-20 digits, e.g. (555) 010-2345."
)


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    UNKNOWN = "unknown", "Unknown"


def text(
    max_length: int, *, validators: tuple[Callable[[Any], None], ...] = (), **kwargs: Any
) -> models.CharField:  # type: ignore[type-arg]
    """A CharField that also refuses NUL (PostgreSQL cannot store it)."""
    return models.CharField(
        max_length=max_length, validators=[validate_no_nul, *validators], **kwargs
    )


class Patient(models.Model):
    # Opaque public id: no PHI and no guessable sequence in URLs.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="patients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient_record",
        help_text="The patient's own portal login, if any.",
    )
    mrn = text(32, verbose_name="MRN", help_text="Medical record number within the clinic.")
    first_name = text(100)
    last_name = text(100)
    date_of_birth = models.DateField(validators=[validate_birth_date])
    sex = models.CharField(max_length=10, choices=Sex.choices)
    weight_kg = models.DecimalField(
        max_digits=5, decimal_places=1, validators=[validate_weight_kg], verbose_name="Weight (kg)"
    )
    state_of_residence = models.CharField(
        max_length=2,
        choices=STATE_CHOICES,
        error_messages={
            "invalid_choice": "Unknown US state %(value)r: use a two-letter code like NY."
        },
    )
    phone = text(24, blank=True, validators=(phone_validator,))
    email = models.EmailField(blank=True, validators=[EmailValidator(), validate_no_nul])
    address = models.TextField(blank=True, validators=[validate_no_nul])
    emergency_contact_name = text(200, blank=True)
    emergency_contact_phone = text(24, blank=True, validators=(phone_validator,))
    referring_provider = text(200, blank=True)
    referring_provider_npi = text(
        10,
        blank=True,
        verbose_name="Referring provider NPI",
        validators=(RegexValidator(r"^\d{10}$", "An NPI has exactly 10 digits."),),
    )
    diagnosis_codes = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_icd10_codes],
        verbose_name="Diagnoses (ICD-10-CM)",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    owner_lookup: ClassVar[str] = "user_id"  # a patient-role user reaches their own record
    audit_type: ClassVar[str] = "patient"

    objects = GateManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "mrn"], name="unique_mrn_per_clinic")
        ]
        indexes = [models.Index(fields=["clinic", "last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
