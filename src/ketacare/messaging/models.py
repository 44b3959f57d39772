"""Threads between a patient and their clinic's care team, their messages and attachments.

Every row carries the clinic and the patient, so the gate (`for_actor`, `get_for`) scopes
and audits them like any other record of the patient. An attachment's bytes live outside
the web root under a random name (settings.MESSAGE_ATTACHMENTS_DIR); the row keeps the
name the patient gave it only for display.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.patients.records import ClinicRecord


class ThreadStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class MessageThread(ClinicRecord):
    audit_type = "message_thread"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="message_threads"
    )
    subject = models.CharField(max_length=120)
    status = models.CharField(
        max_length=10, choices=ThreadStatus.choices, default=ThreadStatus.OPEN
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-last_message_at", "-id"]
        # The care team's inbox: a clinic's open threads, latest first.
        indexes = [models.Index(fields=["clinic", "status", "last_message_at"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == ThreadStatus.OPEN


class Message(ClinicRecord):
    audit_type = "message"

    thread = models.ForeignKey(MessageThread, on_delete=models.PROTECT, related_name="messages")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_patient = models.BooleanField()
    text = models.TextField(max_length=5000)
    sent_at = models.DateTimeField(default=timezone.now)
    # The form's hidden one-time key: a double tap or a resent form is recorded once.
    submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["thread", "sent_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"], condition=~models.Q(submission_key=""),
                name="message_sent_once_per_key",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"message in {self.thread_id} at {self.sent_at:%Y-%m-%d %H:%M}"


class Attachment(ClinicRecord):
    audit_type = "message_attachment"

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class ThreadRead(models.Model):
    """How far one user has read one thread: what makes the unread counts."""

    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_up_to = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="one_read_mark_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} up to {self.read_up_to}"
