"""Tablets shipped for an at-home plan: a shipment entry in the controlled-substance log (the
log's never-negative balance), counted against the sessions of the plan version in force.

Each version keeps its own count (a titration or a move to maintenance starts a new one):
the sessions it planned that were still ahead when it began (those done or missed under an
earlier version are that version's), the tablets shipped against it, the doses taken under
it. A shipment whose log entry was reversed (tablets back in stock) no longer counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.athome.models import AtHomeSession, TabletShipment
from ketacare.athome.start import at_home_plan
from ketacare.audit.services import record
from ketacare.controlled import services as controlled
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.treatment.models import PlannedSession, SessionState, TreatmentPlan
from ketacare.treatment.services.versions import versions_of

MAX_SESSIONS_PER_SHIPMENT = 50  # a data-entry bound: more than any plan here holds


@dataclass(frozen=True)
class Shipment:
    lot_id: Any
    tablets: int
    sessions: int


@dataclass(frozen=True)
class Supply:
    """One plan version's dosing sessions, how many are covered by tablets shipped against
    it, how many were taken under it."""

    version: int
    planned: int
    shipped: int
    taken: int


def supply_of(patient: Patient) -> Supply | None:
    """For a patient already read through the gate; None without an at-home plan."""
    plan = at_home_plan(patient)
    return count_of(plan) if plan is not None else None


def count_of(plan: TreatmentPlan) -> Supply:
    behind = PlannedSession.objects.filter(
        plan_id=plan.supersedes_id, kind="dosing",
        status__in=(SessionState.DONE, SessionState.MISSED),
    ).values("position")  # fmt: skip
    planned = (
        plan.planned_sessions.filter(kind="dosing")
        .exclude(status__in=(SessionState.CANCELLED, SessionState.RESCHEDULED))
        .exclude(position__in=behind)
    )
    shipped = TabletShipment.objects.filter(plan=plan, entry__reversed_by__isnull=True).aggregate(
        n=Sum("sessions")
    )["n"]
    taken = AtHomeSession.objects.filter(plan=plan, dosed_at__isnull=False).count()
    return Supply(plan.version, planned.count(), shipped or 0, taken)


def earlier_counts(plan: TreatmentPlan) -> list[Supply]:
    """The counts of the versions this one replaced, where tablets were shipped or taken:
    tablets left over from an earlier dose stay in sight."""
    counts = [count_of(v) for v in versions_of(plan) if v.version < plan.version]
    return [c for c in counts if c.shipped or c.taken]


@transaction.atomic
def ship(actor: Actor, patient_id: Any, given: Shipment) -> TabletShipment:
    patient = get_for(actor, Patient, patient_id, Action.CONTROLLED_RECORD)
    plan = at_home_plan(patient)
    if plan is None or plan.is_draft:
        raise ValidationError({"sessions": "Tablets are shipped for a signed at-home plan only."})
    supply = supply_of(patient)
    assert supply is not None
    if not 1 <= given.sessions <= MAX_SESSIONS_PER_SHIPMENT:
        raise ValidationError({"sessions": "Enter how many sessions the tablets are for."})
    left = supply.planned - supply.shipped
    if given.sessions > left:
        raise ValidationError({"sessions": (
            f"The plan has {supply.planned} sessions and tablets for {supply.shipped} were "
            f"shipped already: at most {max(left, 0)} more."
        )})  # fmt: skip
    entry = controlled.ship(actor, given.lot_id, given.tablets, patient, plan_version=plan.version)
    shipment = TabletShipment.objects.create(
        clinic_id=patient.clinic_id, patient=patient, plan=plan, entry=entry,
        tablets=int(-entry.change), sessions=given.sessions, shipped_by=actor.user,
    )  # fmt: skip
    record(actor, "create", "tablet_shipment", shipment.public_id, patient_id=patient.public_id,
           detail={"tablets": shipment.tablets, "sessions": given.sessions,
                   "lot": entry.stock.lot, "plan_version": plan.version})  # fmt: skip
    return shipment


def shipments_of(actor: Actor, patient: Patient) -> list[TabletShipment]:
    rows = TabletShipment.objects.for_actor(actor, Action.AT_HOME_VIEW).filter(patient=patient)
    return list(rows.select_related("entry__stock", "entry__reversed_by", "plan")[:50])
