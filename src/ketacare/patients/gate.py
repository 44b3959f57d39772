"""The one gate for patient data: a patient, or any record that hangs off one.

Lists: `Model.objects.for_actor(actor, action)` (patients.records) scopes by clinic, then by
the role table, then, for the patient role, by the patient's own record.

One object: `get_for(actor, Model, public_id, action)` returns it, or raises OutOfReach
(404: outside the clinic or the patient's own record, so we do not confirm it exists) or
ActionDenied (403: within reach, but the role may not), and writes the audited read. Views
and services never decide whether to audit: reaching an object through the gate is the read.

The read is audited once per object per request (a page that reads a patient in the view and
again in a service writes one entry), and an entry lost with a rolled-back transaction is
written again by the next read (so a 422 re-render after a refused write is audited).

A refusal carries the clinic the probed object belongs to; `accounts.denials` logs it there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from django.db import models, transaction

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, ActionDenied, OutOfReach, RefusedTarget, role_can
from ketacare.audit.services import record
from ketacare.patients.models import Patient
from ketacare.patients.records import ClinicRecord, GateQuerySet


def get_for[R: models.Model](
    actor: Actor, model: type[R], public_id: Any, action: str, *, lock: bool = False
) -> R:
    """One patient or clinic record by its public id, for this action, with its audited read.

    `lock` takes a row lock for a write that must see the latest state (a session's status).
    """
    gated: Any = model  # Patient or a ClinicRecord: both have the gate's manager
    qs: GateQuerySet[Any] = gated.objects.within_reach(actor)
    if model is not Patient:
        qs = qs.select_related("patient")
    if lock:  # the record's row only: its patient is read, not changed
        qs = qs.select_for_update(of=("self",))
    key = _as_uuid(public_id)
    found = qs.filter(public_id=key).first() if key is not None else None
    if found is None:
        raise OutOfReach(f"No such {_label(model)}.").aimed_at(_target(gated, public_id, key))
    if not role_can(actor.role, action):
        raise ActionDenied(f"Your role may not {Action(action).label.lower()}.").aimed_at(
            RefusedTarget(gated.audit_type, str(key), _patient_id(found), found.clinic_id)
        )
    audit_read(actor, found)
    return cast(R, found)


def page_of[R: ClinicRecord](
    actor: Actor, model: type[R], patient_id: Any, action: str, *, limit: int, offset: int
) -> tuple[list[R], int]:
    """One page of a patient's records (in the model's order) that the
    actor may see for `action`, and how many there are; reaching the patient is the read."""
    patient = get_for(actor, Patient, patient_id, action)
    gated: Any = model
    rows: GateQuerySet[Any] = gated.objects.for_actor(actor, action).filter(patient=patient)
    return list(rows[offset : offset + limit]), rows.count()


def audit_read(actor: Actor, obj: Patient | ClinicRecord) -> None:
    """Write the read of one object, unless this request already has (see the module)."""
    key = f"{obj.audit_type}:{obj.public_id}"
    if key in actor.audited_reads or _pending(actor, key):
        return
    patient_id = _patient_id(obj)
    record(actor, "read", obj.audit_type, obj.public_id,
           patient_id=patient_id, clinic_id=obj.clinic_id)  # fmt: skip
    # Remembered when it commits; a rollback drops the callback and with it the memory.
    transaction.on_commit(_Remember(actor.audited_reads, key))


@dataclass(frozen=True, eq=False)
class _Remember:
    seen: set[str]
    key: str

    def __call__(self) -> None:
        self.seen.add(self.key)


def _pending(actor: Actor, key: str) -> bool:
    """Audited in the transaction still open (its on-commit callback is waiting)."""
    return any(
        isinstance(func, _Remember) and func.seen is actor.audited_reads and func.key == key
        for _, func, _ in transaction.get_connection().run_on_commit
    )


def _patient_id(obj: Patient | ClinicRecord) -> str:
    """The patient the record belongs to; none yet for a referral not accepted."""
    patient = obj if isinstance(obj, Patient) else getattr(obj, "patient")  # noqa: B009
    return str(patient.public_id) if patient is not None else ""


def _as_uuid(public_id: Any) -> UUID | None:
    try:
        return public_id if isinstance(public_id, UUID) else UUID(str(public_id))
    except ValueError:
        return None


def _label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


def _target(model: Any, public_id: Any, key: UUID | None) -> RefusedTarget:
    """Where the probed object lives, if it exists anywhere: its clinic logs the probe."""
    patient_path = "public_id" if model is Patient else "patient__public_id"
    rows = model.objects.filter(public_id=key).values_list("clinic_id", patient_path)
    row = rows.first() if key is not None else None
    if row is None:
        return RefusedTarget(model.audit_type, str(public_id)[:64])
    return RefusedTarget(model.audit_type, str(key), str(row[1] or ""), row[0])
