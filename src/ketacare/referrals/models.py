"""Referrals from health-care providers and consultation requests from patients.

Sent through the clinic's public forms, they wait in the clinic's triage queue until front
desk accepts (registering the patient, or linking one already registered), declines with a
reason, or asks for more information. A referral is PHI from the moment it arrives: it is a
clinic record, read through the gate (`for_actor`, `get_for`) and audited like a chart. Its
patient is empty until it is accepted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator
from django.db import models
from django.utils import timezone

from ketacare.clinics.us_states import STATE_CHOICES
from ketacare.patients.models import phone_validator, text
from ketacare.patients.records import ClinicRecord
from ketacare.patients.validators import (
    validate_birth_date,
    validate_icd10_codes,
    validate_no_nul,
)
from ketacare.referrals.npi import npi_problem


def validate_npi(value: str) -> None:
    problem = npi_problem(value)
    if problem is not None:
        raise ValidationError(problem)


def long_text(max_length: int, **kwargs: object) -> models.TextField:  # type: ignore[type-arg]
    """A TextField whose length is checked (Django checks a TextField's only in forms)."""
    validators = [validate_no_nul, MaxLengthValidator(max_length)]
    return models.TextField(max_length=max_length, validators=validators, **kwargs)  # type: ignore[arg-type]


class ReferralKind(models.TextChoices):
    PROVIDER = "provider", "Referral from a provider"
    SELF = "self", "Consultation request"


class ReferralStatus(models.TextChoices):
    NEW = "new", "New"
    MORE_INFO = "more_info", "More information requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


OPEN_STATUSES = (ReferralStatus.NEW, ReferralStatus.MORE_INFO)

# What the sender typed, in the order the forms and the API list it.
PROVIDER_FIELDS = (
    "referrer_name", "referrer_npi", "referrer_practice", "referrer_phone", "referrer_email",
)  # fmt: skip
PATIENT_FIELDS = (
    "first_name", "last_name", "date_of_birth", "phone", "email", "state_of_residence",
    "diagnosis_codes", "reason", "prior_treatments",
)  # fmt: skip


class Referral(ClinicRecord):
    audit_type = "referral"

    patient = models.ForeignKey(
        "patients.Patient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="The patient registered or linked when the referral was accepted.",
    )
    # What the sender quotes on the phone: random, never a database id (see services).
    reference = models.CharField(max_length=20, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=ReferralKind.choices)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.NEW
    )

    referrer_name = text(200, blank=True, verbose_name="Referring provider's name")
    referrer_npi = models.CharField(
        max_length=10,
        blank=True,
        verbose_name="Referring provider's NPI",
        validators=[validate_npi],
    )
    referrer_practice = text(200, blank=True, verbose_name="Practice")
    referrer_phone = text(24, blank=True, validators=(phone_validator,), verbose_name="Phone")
    referrer_email = models.EmailField(
        blank=True, validators=[EmailValidator(), validate_no_nul], verbose_name="Email"
    )

    first_name = text(100)
    last_name = text(100)
    date_of_birth = models.DateField(validators=[validate_birth_date])
    phone = text(24, blank=True, validators=(phone_validator,))
    email = models.EmailField(blank=True, validators=[EmailValidator(), validate_no_nul])
    state_of_residence = models.CharField(
        max_length=2,
        choices=STATE_CHOICES,
        error_messages={
            "invalid_choice": "Unknown US state %(value)r: use a two-letter code like NY."
        },
    )
    diagnosis_codes = models.JSONField(
        default=list, blank=True, validators=[validate_icd10_codes],
        verbose_name="Diagnoses (ICD-10-CM)",
    )  # fmt: skip
    reason = long_text(4000, verbose_name="Reason for referral")
    prior_treatments = long_text(4000, blank=True, verbose_name="Prior treatments")

    received_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = long_text(2000, blank=True)

    class Meta:
        ordering = ["received_at", "id"]  # the queue: oldest first
        indexes = [models.Index(fields=["clinic", "status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == ReferralKind.PROVIDER:
            for name in ("referrer_name", "referrer_npi"):
                if not getattr(self, name):
                    errors[name] = "This field is required."
            if not (self.referrer_phone or self.referrer_email):
                errors["referrer_phone"] = "Give a phone number or an email to reach you."
        if not (self.phone or self.email):
            whose = "the patient's" if self.kind == ReferralKind.PROVIDER else "your"
            errors["phone"] = f"Give {whose} phone number or email so the clinic can reach them."
        if errors:
            raise ValidationError(errors)


class ReferralEvent(models.Model):
    """One change of a referral's state, with its note: the triage history on the page."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    to_status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    note = long_text(2000, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral.reference}: {self.from_status} -> {self.to_status}"
