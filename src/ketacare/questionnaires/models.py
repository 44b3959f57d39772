"""Which self-report scales a patient is asked to fill in, how often, and each one due.

A schedule says "PHQ-9 every 7 days"; it keeps one questionnaire due at a time. A due
questionnaire is answered (in the portal or by its one-time link), or missed once its
reminders have run out; either way the schedule's next one is created. The one-time link
is stored as a hash only, like a password.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.clinical import instruments
from ketacare.patients.records import ClinicRecord


class NamesItsScale:
    instrument: str

    def get_instrument_name(self) -> str:
        return instruments.get(self.instrument).name


class QuestionnaireSchedule(NamesItsScale, ClinicRecord):
    audit_type = "questionnaire_schedule"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="questionnaire_schedules"
    )
    instrument = models.CharField(max_length=20)
    every_days = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["instrument", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument"],
                condition=models.Q(active=True),
                name="one_active_schedule_per_scale",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} every {self.every_days} days for {self.patient}"


class DueStatus(models.TextChoices):
    DUE = "due", "Due"
    ANSWERED = "answered", "Answered"
    MISSED = "missed", "Missed"
    STOPPED = "stopped", "Stopped"


class DueQuestionnaire(NamesItsScale, ClinicRecord):
    audit_type = "due_questionnaire"

    schedule = models.ForeignKey(QuestionnaireSchedule, on_delete=models.PROTECT,
                                 related_name="due")  # fmt: skip
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="due_questionnaires"
    )
    instrument = models.CharField(max_length=20)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=DueStatus.choices, default=DueStatus.DUE)
    response = models.OneToOneField(
        "measures.ScaleResponse", null=True, blank=True, on_delete=models.PROTECT,
        related_name="due_questionnaire",
    )  # fmt: skip
    link_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    # Set when answered by a link: a retried submission of the same form (its hidden key)
    # is shown its thank-you page again instead of "this link does not work".
    answered_link_digest = models.CharField(max_length=64, blank=True, db_index=True)
    answer_key_digest = models.CharField(max_length=64, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["clinic", "status", "due_on"])]
        constraints = [
            # One open questionnaire per schedule, even if two answers race to create the next.
            models.UniqueConstraint(
                fields=["schedule"],
                condition=models.Q(status="due"),
                name="one_due_per_schedule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} due {self.due_on} for {self.patient}"
