"""Writing and checking the audit log. Callers are inside the use case's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.audit.models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def record(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    patient_id: object = "",
    clinic_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry, chained to the previous one, in the caller's transaction."""
    # No savepoint: the entry lives or dies with the caller's transaction (2 fewer queries).
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            at=timezone.now(),
            user_id=actor.user.pk if actor.user is not None else None,
            user_email=actor.label,
            role=actor.role,
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            patient_id=str(patient_id or ""),
            clinic_id=clinic_id if clinic_id is not None else _clinic_id(actor),
            request_id=actor.request_id,
            ip=actor.ip,
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        AuditChainHead.objects.filter(pk=1).update(last_hash=entry.entry_hash, count=head.count + 1)
    return entry


def _clinic_id(actor: Actor) -> int | None:
    return actor.clinic.pk if actor.clinic is not None else None


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int | None
    problem: str


def verify_chain(batch_size: int = 2000) -> Iterator[ChainProblem]:
    """Yield every break: an edited entry (hash mismatch), a removed one (broken link),
    or a removed newest entry (head mismatch)."""
    expected_prev = GENESIS
    seen = 0
    entries = AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size)
    for entry in entries:
        seen += 1
        if entry.prev_hash != expected_prev:
            yield ChainProblem(
                entry.pk, "link broken: an entry before this one was removed or changed"
            )
        if entry.compute_hash() != entry.entry_hash:
            yield ChainProblem(entry.pk, "content changed after it was written")
        expected_prev = entry.entry_hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != expected_prev or head.count != seen):
        yield ChainProblem(
            None,
            f"chain head expects {head.count} entries ending in "
            f"{head.last_hash[:12]}; found {seen} ending in {expected_prev[:12]}",
        )
