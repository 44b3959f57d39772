"""A treatment plan: a protocol template applied to one patient from a start date.

The dated schedule is stored as generated (each session with its dose and source), so the
plan reads the same later even if templates change; a new plan supersedes an old one.

A plan is a draft until a prescriber signs it. A signed plan is never edited: a change
(titrate, pause, stop, move to maintenance, a booster) is a new version that points at the
one it replaces, with its reason (DESIGN.md: corrections are new, linked records). Each
version owns its planned sessions (`PlannedSession`), copied forward when it is revised, so
an old version still reads as it stood when it was replaced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ketacare.patients.records import ClinicRecord


class ChangeKind(models.TextChoices):
    NEW = "new", "New plan"
    TITRATE = "titrate", "Titrate the dose"
    PAUSE = "pause", "Pause"
    RESUME = "resume", "Resume"
    STOP = "stop", "Stop"
    MAINTENANCE = "maintenance", "Move to maintenance"
    BOOSTER = "booster", "Add a booster (maintenance session)"
    CONTINUE = "continue", "Continue after review"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    STOPPED = "stopped", "Stopped"


class TreatmentPlan(ClinicRecord):
    audit_type = "treatment_plan"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="treatment_plans"
    )
    template = models.CharField(max_length=40)
    template_name = models.CharField(max_length=120)
    start_on = models.DateField()
    dose_mg = models.FloatField(null=True, blank=True)
    # {"reason", "authorised_by"} when the prescriber planned above the hard limit; else {}.
    dose_override = models.JSONField(default=dict, blank=True)
    schedule = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # {"preparation_sessions", "integration_every_n", "source"}: the counselling cadence.
    counselling = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    change_kind = models.CharField(
        max_length=20, choices=ChangeKind.choices, default=ChangeKind.NEW
    )
    change_reason = models.TextField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "patient", "created_at"])]

    def __str__(self) -> str:
        return f"{self.template_name} for {self.patient} from {self.start_on}"

    @property
    def is_draft(self) -> bool:
        return self.signed_at is None

    def next_sessions(self, today_iso: str, count: int = 3) -> list[dict[str, object]]:
        """The next sessions still planned from today: one query on this version's rows."""
        rows = self.planned_sessions.filter(
            status=SessionState.PLANNED, on__gte=today_iso
        ).order_by("on", "position")[:count]
        return [row.as_schedule() for row in rows]


class SessionState(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"
    RESCHEDULED = "rescheduled", "Rescheduled"
    CANCELLED = "cancelled", "Cancelled by a new version"


class PlannedSession(ClinicRecord):
    """One dated session of a plan version, and what became of it: done (the dosing session
    that fulfilled it), missed, or rescheduled (the row for its new date points back here)."""

    audit_type = "planned_session"

    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.CASCADE, related_name="planned_sessions"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    on = models.DateField()
    kind = models.CharField(max_length=20)
    phase = models.CharField(max_length=60)
    dosing_number = models.PositiveIntegerField(null=True, blank=True)
    dose_mg = models.FloatField(null=True, blank=True)
    detail = models.CharField(max_length=200)
    source = models.CharField(max_length=120)
    status = models.CharField(
        max_length=20, choices=SessionState.choices, default=SessionState.PLANNED
    )
    dosing_session = models.ForeignKey(
        "dosing_sessions.DosingSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rescheduled_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointment = models.ForeignKey(
        "appointments.Appointment", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    status_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["on", "position"]
        indexes = [models.Index(fields=["plan", "status", "on"])]

    def __str__(self) -> str:
        return f"{self.kind} on {self.on} ({self.status})"

    def as_schedule(self) -> dict[str, object]:
        """The shape of one entry of `TreatmentPlan.schedule`."""
        return {
            "on": self.on.isoformat(), "kind": self.kind, "phase": self.phase,
            "dosing_number": self.dosing_number, "dose_mg": self.dose_mg,
            "detail": self.detail, "source": self.source,
        }  # fmt: skip


class OutcomeState(ClinicRecord):
    """Where a patient stands on the clinical rules that call for action (booster due,
    futility review), stored when their inputs change (a score, a dose, a plan version) so
    the Today page reads a few flagged rows instead of every patient's history."""

    audit_type = "outcome_state"

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.CASCADE, related_name="outcome_state"
    )
    # The plan in force when the state was stored: where the prompt is acted on.
    plan = models.ForeignKey(
        TreatmentPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booster_due = models.BooleanField(default=False)
    booster_since = models.DateField(null=True, blank=True)
    booster_reason = models.CharField(max_length=200, blank=True)
    booster_planned = models.BooleanField(default=False)
    futility = models.BooleanField(default=False)
    futility_since = models.DateField(null=True, blank=True)
    futility_reason = models.CharField(max_length=200, blank=True)
    futility_reviewed = models.BooleanField(default=False)
    # What Today lists: a booster not yet planned, a futility signal not yet reviewed.
    booster_open = models.BooleanField(default=False)
    futility_open = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Today reads each list through an index holding only that list's rows.
        indexes = [
            models.Index(
                fields=["clinic", "booster_since"], condition=models.Q(booster_open=True),
                name="outcome_booster_open",
            ),
            models.Index(
                fields=["clinic", "futility_since"], condition=models.Q(futility_open=True),
                name="outcome_futility_open",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"outcome state of {self.patient}"


class StoredForecast(ClinicRecord):
    """A patient's MADRS forecast for one set of inputs (doses, scores, weight), identified by
    their digest: computed once by a background task, read by every view (DESIGN.md: nothing
    expensive runs per request). ``result`` is empty while it is being computed."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="stored_forecasts"
    )
    inputs_digest = models.CharField(max_length=64)
    requested_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "inputs_digest"], name="one_forecast_per_inputs"
            )
        ]

    def __str__(self) -> str:
        return f"forecast for {self.patient} ({self.inputs_digest[:8]})"
