"""Signing a plan, and changing a signed plan by a new version with its reason.

A draft (unsigned) plan is not in force: it can be read, but its sessions cannot be marked,
booked or changed until a prescriber signs it. A signed version is never edited: a change
is a new version, signed by the prescriber who makes it, that points at the one it replaces
(one successor per version: a database constraint, so two simultaneous changes cannot
both succeed). Each version owns a copy of the planned sessions as it left them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.audit.services import record
from ketacare.clinical import protocols
from ketacare.clinical.dates import PLAN_START
from ketacare.clinical.dosing import calculate_dose
from ketacare.clinical.errors import ClinicalRuleError
from ketacare.clinical_input import plausible_date
from ketacare.consent.services import clinic_today
from ketacare.patients.gate import get_for
from ketacare.treatment.models import (
    ChangeKind,
    PlannedSession,
    PlanStatus,
    SessionState,
    TreatmentPlan,
)
from ketacare.treatment.services.outcome_state import refresh_outcome_state

# Which changes each status allows: a paused plan resumes or stops; a stopped one is done.
ALLOWED_FROM = {
    PlanStatus.ACTIVE: {ChangeKind.TITRATE, ChangeKind.PAUSE, ChangeKind.STOP,
                        ChangeKind.MAINTENANCE, ChangeKind.BOOSTER, ChangeKind.CONTINUE},
    PlanStatus.PAUSED: {ChangeKind.RESUME, ChangeKind.STOP, ChangeKind.CONTINUE},
    PlanStatus.STOPPED: set(),
}  # fmt: skip
NEEDS_DATE = {ChangeKind.RESUME, ChangeKind.MAINTENANCE, ChangeKind.BOOSTER}


@dataclass(frozen=True)
class Revision:
    kind: str
    reason: str
    dose_mg: float | None = None
    """Titrate: the new dose of each remaining dosing session."""
    on: date | None = None
    """Resume: the new date of the first remaining session; maintenance, booster: the date
    of the maintenance session."""


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


@transaction.atomic
def sign_plan(actor: Actor, plan_id: Any) -> TreatmentPlan:
    """The prescriber's signature puts a draft in force; a signed plan stays as signed."""
    plan = get_for(actor, TreatmentPlan, plan_id, Action.PLAN_SIGN, lock=True)
    if not plan.is_draft:
        when = timezone.localtime(plan.signed_at).date() if plan.signed_at else ""
        raise _refuse("plan", f"Already signed on {when}; a change is a new version.")
    plan.signed_by, plan.signed_at = actor.user, timezone.now()
    plan.save(update_fields=["signed_by", "signed_at"])
    record(actor, "update", "treatment_plan", plan.public_id, patient_id=plan.patient.public_id,
           detail={"signed": True, "version": plan.version})  # fmt: skip
    return plan


def _check(plan: TreatmentPlan, revision: Revision) -> None:
    if plan.is_draft:
        raise _refuse("kind", "This plan is a draft: sign it first (or make a new plan).")
    successor = TreatmentPlan.objects.filter(supersedes=plan).values_list("version", flat=True)
    if successor:
        raise _refuse("kind", f"Version {plan.version} was already replaced by version "
                      f"{successor[0]}: change the current version.")  # fmt: skip
    if revision.kind not in ChangeKind.values or revision.kind == ChangeKind.NEW:
        raise _refuse("kind", "Choose titrate, pause, resume, stop, maintenance, booster or "
                      "continue.")  # fmt: skip
    if revision.kind not in ALLOWED_FROM[PlanStatus(plan.status)]:
        raise _refuse("kind", f"A {plan.get_status_display().lower()} plan cannot "
                      f"{ChangeKind(revision.kind).label.lower()}.")  # fmt: skip
    if not revision.reason.strip():
        raise _refuse("reason", "Say why the plan changes (it is kept with the version).")
    if revision.kind == ChangeKind.TITRATE and revision.dose_mg is None:
        raise _refuse("dose_mg", "Give the new dose in mg.")
    if revision.kind in NEEDS_DATE:
        if revision.on is None:
            raise _refuse("on", "Give the date.")
        today = clinic_today(plan.patient.clinic)
        if revision.on < today:
            raise _refuse("on", "The date cannot be in the past.")
        plausible_date("on", revision.on, PLAN_START, today)


def _titrated_dose(plan: TreatmentPlan, dose_mg: float) -> float:
    """The clinical core's check of the new dose against the route's hard limit."""
    template = protocols.TEMPLATES.get(plan.template)
    if template is None:
        raise _refuse("dose_mg", "This plan's protocol is no longer known; make a new plan.")
    try:
        calc = calculate_dose(template.route, weight_kg=float(plan.patient.weight_kg),
                              dose_mg=dose_mg)  # fmt: skip
    except ClinicalRuleError as exc:
        raise _refuse("dose_mg", str(exc)) from exc
    return calc.dose_mg


def _copy(row: PlannedSession, plan: TreatmentPlan, **changes: Any) -> PlannedSession:
    skip = ("id", "public_id", "plan_id", "rescheduled_from_id")
    fields = {
        f.attname: getattr(row, f.attname)
        for f in PlannedSession._meta.concrete_fields
        if f.attname not in skip
    }
    return PlannedSession(**{**fields, "plan_id": plan.pk, **changes})


def _revised_rows(old: TreatmentPlan, new: TreatmentPlan, revision: Revision) -> list[Any]:
    """The old version's rows, copied, with the change applied to those still ahead."""
    today, kind = clinic_today(old.patient.clinic), revision.kind
    rows = list(old.planned_sessions.order_by("position"))
    ahead = [r for r in rows if r.status == SessionState.PLANNED and r.on >= today]
    cancelled = {r.pk: f"{ChangeKind(kind).label} in version {new.version}" for r in ahead}
    changes: dict[int, dict[str, Any]] = {}
    if kind == ChangeKind.TITRATE:
        dose = _titrated_dose(old, revision.dose_mg or 0)
        changes = {r.pk: {"dose_mg": dose, "detail": f"{dose:g} mg (titrated in version "
                          f"{new.version})"} for r in ahead if r.dosing_number}  # fmt: skip
        cancelled = {}
    elif kind == ChangeKind.RESUME:
        pause_note = f"{ChangeKind.PAUSE.label} in version {old.version}"
        paused = [
            r for r in rows if r.status == SessionState.CANCELLED and r.status_note == pause_note
        ]
        shift = (revision.on - paused[0].on) if paused and revision.on else timedelta(0)
        changes = {r.pk: {"on": r.on + shift, "status": SessionState.PLANNED, "status_note": ""}
                   for r in paused}  # fmt: skip
        cancelled = {}
    elif kind in (ChangeKind.BOOSTER, ChangeKind.CONTINUE):
        cancelled = {}
    copies = []
    for row in rows:
        update = dict(changes.get(row.pk, {}))
        if row.pk in cancelled:
            update |= {"status": SessionState.CANCELLED, "status_note": cancelled[row.pk]}
        copies.append(_copy(row, new, **update))
    if kind in (ChangeKind.MAINTENANCE, ChangeKind.BOOSTER):
        copies.append(_maintenance_row(rows, new, revision))
    return copies


def _maintenance_row(rows: list[PlannedSession], new: TreatmentPlan, revision: Revision) -> Any:
    dosing = [r for r in rows if r.dosing_number]
    last = dosing[-1] if dosing else None
    assert revision.on is not None  # _check asks for it
    label = "booster" if revision.kind == ChangeKind.BOOSTER else "maintenance session"
    return PlannedSession(
        clinic_id=new.clinic_id, plan=new, patient_id=new.patient_id,
        position=(rows[-1].position + 1) if rows else 0, on=revision.on, kind="dosing",
        phase="maintenance", dosing_number=(last.dosing_number or 0) + 1 if last else 1,
        dose_mg=last.dose_mg if last else new.dose_mg,
        detail=f"{label} (version {new.version}): {revision.reason.strip()}"[:200],
        source="K1: dose a little before the prior effect wears off",
    )  # fmt: skip


NEXT_STATUS = {ChangeKind.PAUSE: PlanStatus.PAUSED, ChangeKind.STOP: PlanStatus.STOPPED,
               ChangeKind.RESUME: PlanStatus.ACTIVE}  # fmt: skip


@transaction.atomic
def revise_plan(actor: Actor, plan_id: Any, revision: Revision) -> TreatmentPlan:
    """A new signed version of the plan with the change and its reason; the old one kept."""
    old = get_for(actor, TreatmentPlan, plan_id, Action.PLAN_SIGN, lock=True)
    _check(old, revision)
    now = timezone.now()
    new = TreatmentPlan.objects.create(
        clinic_id=old.clinic_id, patient=old.patient, template=old.template,
        template_name=old.template_name, start_on=old.start_on,
        dose_mg=revision.dose_mg if revision.kind == ChangeKind.TITRATE else old.dose_mg,
        dose_override=old.dose_override, schedule=[], counselling=old.counselling,
        created_by=actor.user, created_at=now, version=old.version + 1, supersedes=old,
        change_kind=revision.kind, change_reason=revision.reason.strip()[:500],
        status=NEXT_STATUS.get(ChangeKind(revision.kind), old.status),
        signed_by=actor.user, signed_at=now,
    )  # fmt: skip
    rows = _revised_rows(old, new, revision)
    PlannedSession.objects.bulk_create(rows)
    new.schedule = [r.as_schedule() for r in rows if r.status != SessionState.CANCELLED]
    new.save(update_fields=["schedule"])
    record(actor, "create", "treatment_plan", new.public_id, patient_id=old.patient.public_id,
           detail={"version": new.version, "supersedes": str(old.public_id),
                   "change": revision.kind, "reason": new.change_reason})  # fmt: skip
    refresh_outcome_state(old.patient)
    return new


def versions_of(plan: TreatmentPlan) -> list[TreatmentPlan]:
    """Every version of the plan's course, newest first: walk back by `supersedes`, forward by
    `superseded_by` (a course has a handful of versions; one query each)."""
    chain = [plan]
    while chain[-1].supersedes_id is not None:
        chain.append(
            TreatmentPlan.objects.select_related("signed_by").get(pk=chain[-1].supersedes_id)
        )
    later = TreatmentPlan.objects.filter(supersedes=plan).select_related("signed_by").first()
    while later is not None:
        chain.insert(0, later)
        later = TreatmentPlan.objects.filter(supersedes=later).select_related("signed_by").first()
    return chain
