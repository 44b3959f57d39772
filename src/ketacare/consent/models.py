"""Consent: the clinic's published documents, the patients' signatures, their withdrawals.

A published version is never edited (a change is a new version), a signature keeps pointing
at the version signed, and a withdrawal is its own record linked to the signature: nothing
signed is changed in place (DESIGN.md). Whether a consent is current is the clinical core's
rule (clinical/consent.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.clinical.consent import TOPICS, topic_label
from ketacare.patients.models import text
from ketacare.patients.records import ClinicRecord
from ketacare.patients.validators import validate_no_nul

TOPIC_CHOICES = [(topic, topic_label(topic)) for topic in TOPICS]


class PublishedVersionIsFinal(Exception):
    """A published consent document was about to be changed: publish a new version."""


class ConsentDocument(models.Model):
    """One version of the clinic's consent text for one topic (a route, or telehealth)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    topic = models.CharField(max_length=20, choices=TOPIC_CHOICES)
    version = models.PositiveIntegerField()
    title = text(200)
    body = models.TextField(validators=[validate_no_nul])
    effective_on = models.DateField(help_text="From this date (clinic time) it is the one to sign.")
    resign_required = models.BooleanField(
        default=True,
        help_text="Earlier signatures stop counting once this version is in force.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["topic", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "topic", "version"], name="one_consent_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} consent v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PublishedVersionIsFinal(f"{self} is published: publish a new version instead.")
        super().save(*args, **kwargs)


class SignedVia(models.TextChoices):
    CLINIC_TABLET = "clinic_tablet", "In the clinic, on the tablet, with staff present"
    PORTAL = "portal", "In the patient portal"


class ConsentSignature(ClinicRecord):
    audit_type = "consent_signature"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consent_signatures"
    )
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(max_length=20, choices=TOPIC_CHOICES)  # the document's, for lookups
    typed_name = text(200, help_text="The patient's name as they typed it to sign.")
    signed_via = models.CharField(max_length=20, choices=SignedVia.choices)
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The staff member present when the patient signed on the clinic tablet.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["clinic", "patient", "topic", "signed_at"])]

    def __str__(self) -> str:
        return f"{self.patient} signed {self.document} on {self.signed_at:%Y-%m-%d}"


class ConsentWithdrawal(ClinicRecord):
    audit_type = "consent_withdrawal"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consent_withdrawals"
    )
    signature = models.OneToOneField(
        ConsentSignature, on_delete=models.PROTECT, related_name="withdrawal"
    )
    reason = models.TextField(blank=True, max_length=500, validators=[validate_no_nul])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"withdrawal of {self.signature} on {self.withdrawn_at:%Y-%m-%d}"
