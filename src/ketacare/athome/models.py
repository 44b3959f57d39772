"""An at-home dosing session: the patient's own run sheet, kept step by step on the server so
a reload or a dropped connection loses nothing, and what the care team sees of it.

Readings, check-ins and escalations are rows never edited; the session row holds where the
patient is in the flow and the flags the care team is shown (BP out of range, a check-in
missed, an adverse event, left unfinished).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from ketacare.patients.records import ClinicRecord


class Stage(models.TextChoices):
    BEFORE = "before", "Before the dose"
    DURING = "during", "During"
    AFTER = "after", "After"
    DONE = "done", "Completed"
    NOT_DOSED = "not_dosed", "Not dosed"
    NOT_FINISHED = "not_finished", "Not finished"
    """Closed by the worker: left open past its window (athome/closing.py)."""


OPEN_STAGES = (Stage.BEFORE, Stage.DURING, Stage.AFTER)


class AtHomeSession(ClinicRecord):
    audit_type = "at_home_session"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="at_home_sessions"
    )
    plan = models.ForeignKey("treatment.TreatmentPlan", on_delete=models.PROTECT, related_name="+")
    planned = models.ForeignKey(
        "treatment.PlannedSession", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    planned_on = models.DateField()
    dosing_number = models.PositiveIntegerField(null=True, blank=True)
    planned_dose_mg = models.FloatField(null=True, blank=True)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.BEFORE)
    started_at = models.DateTimeField(default=timezone.now)
    # Before: {"fasting", "sitter_present", "sitter_name", "sitter_phone", "no_driving",
    # "held_medicines"}; the decision of the last reading; the mood check.
    checklist = models.JSONField(default=dict, blank=True)
    decision = models.CharField(max_length=20, blank=True)
    decision_reasons = models.JSONField(default=list, blank=True)
    mood = models.JSONField(default=dict, blank=True)
    # During: when the dose was taken and how long the sitter stays (H1).
    dosed_at = models.DateTimeField(null=True, blank=True)
    watch_minutes = models.PositiveIntegerField(null=True, blank=True)
    # After.
    finished_at = models.DateTimeField(null=True, blank=True)
    side_effects = models.JSONField(default=list, blank=True)
    adverse_event = models.TextField(blank=True)
    cadss6_answers = models.JSONField(default=list, blank=True)
    cadss6_total = models.PositiveSmallIntegerField(null=True, blank=True)
    feeling = models.CharField(max_length=20, blank=True)
    note_for_therapist = models.TextField(blank=True)
    # What the care team is shown, and whether a clinician has reviewed it.
    bp_out_of_range = models.BooleanField(default=False)
    missed_check_in = models.BooleanField(default=False)
    adverse_event_reported = models.BooleanField(default=False)
    closed_unfinished_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    review_note = models.TextField(blank=True)
    # Idempotency keys of the writes already applied (the newest few): a retried form or
    # request with the same key changes nothing.
    write_keys = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "patient", "started_at"]),
            # Today's flagged sessions not yet reviewed: a few rows among years of sessions.
            models.Index(
                fields=["clinic", "started_at"],
                condition=models.Q(reviewed_at__isnull=True)
                & (
                    models.Q(bp_out_of_range=True)
                    | models.Q(missed_check_in=True)
                    | models.Q(adverse_event_reported=True)
                    | models.Q(closed_unfinished_at__isnull=False)
                ),
                name="at_home_flagged_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(stage__in=["before", "during", "after"]),
                name="one_open_at_home_session_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"at-home session of {self.patient} on {self.planned_on}"

    @property
    def flags(self) -> list[str]:
        return [
            label
            for flagged, label in (
                (self.bp_out_of_range, "BP out of range"),
                (self.missed_check_in, "check-in missed"),
                (self.adverse_event_reported, "adverse event"),
                (self.closed_unfinished_at is not None, "not finished"),
            )
            if flagged
        ]


class SessionCheck(Protocol):
    def __call__(self, session_pk: int, now: datetime | None = None) -> str: ...


def on_locked_session(body: Callable[[AtHomeSession, datetime], str]) -> SessionCheck:
    """A worker's check of one session: in one transaction, on the session row locked (with
    its patient and clinic), at `now` (the clock unless a test gives one)."""

    @transaction.atomic
    def run(session_pk: int, now: datetime | None = None) -> str:
        session = (
            AtHomeSession.objects.select_for_update(of=("self",))
            .select_related("patient__clinic")
            .filter(pk=session_pk)
            .first()
        )
        if session is None:
            return "no session"
        return body(session, now or timezone.now())

    run.__name__, run.__doc__ = body.__name__, body.__doc__
    return run


class HomeReading(models.Model):
    """A blood pressure and pulse taken at home before the dose, with what it decided."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    session = models.ForeignKey(AtHomeSession, on_delete=models.PROTECT, related_name="readings")
    taken_at = models.DateTimeField(default=timezone.now)
    systolic_mmhg = models.PositiveSmallIntegerField()
    diastolic_mmhg = models.PositiveSmallIntegerField()
    heart_rate_bpm = models.PositiveSmallIntegerField()
    decision = models.CharField(max_length=20)
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["taken_at", "id"]

    def __str__(self) -> str:
        return f"home reading {self.systolic_mmhg}/{self.diastolic_mmhg} ({self.decision})"


class CheckIn(models.Model):
    """The sitter's check: the patient seen, and how they are."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    session = models.ForeignKey(AtHomeSession, on_delete=models.PROTECT, related_name="check_ins")
    at = models.DateTimeField(default=timezone.now)
    sitter_name = models.CharField(max_length=100)
    all_well = models.BooleanField(default=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["session", "at"])]

    def __str__(self) -> str:
        return f"check-in at {self.at:%H:%M} by {self.sitter_name}"


class MissedCheckIn(models.Model):
    """No check-in by the deadline: escalated to the care team, recorded by the worker
    whether or not anyone has a page open."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)
    session = models.ForeignKey(AtHomeSession, on_delete=models.PROTECT, related_name="missed")
    deadline = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "deadline"], name="one_escalation_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"check-in missed by {self.deadline:%H:%M}"


class TabletShipment(ClinicRecord):
    """Tablets shipped to the patient for an at-home plan: the controlled-substance log's
    entry that took them from stock, and how many of the plan's sessions they cover."""

    audit_type = "tablet_shipment"

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("treatment.TreatmentPlan", on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField("controlled.Entry", on_delete=models.PROTECT, related_name="+")
    tablets = models.PositiveIntegerField()
    sessions = models.PositiveSmallIntegerField()
    shipped_at = models.DateTimeField(default=timezone.now)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-shipped_at", "-id"]
