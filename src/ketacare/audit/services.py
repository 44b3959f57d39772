"""Writing the audit log, changing its key, and anchoring it. Callers are inside the use
case's transaction. Checking the chain is `audit.verification`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from ketacare.audit import keyring
from ketacare.audit.models import AuditAction, AuditChainHead, AuditEntry
from ketacare.audit.verification import (  # noqa: F401 - verify_chain's old home, still imported
    GENESIS,
    Anchor,
    ChainProblem,
    verify_chain,
)


class _Row(Protocol):
    @property
    def pk(self) -> Any: ...


class AuditedActor(Protocol):
    """Who acted, as the log keeps it: `accounts.actor.Actor` in the apps. The log sits below
    the accounts that write to it, so it asks for the shape, not the class."""

    @property
    def user(self) -> _Row | None: ...
    @property
    def clinic(self) -> _Row | None: ...
    @property
    def role(self) -> str: ...
    @property
    def request_id(self) -> str: ...
    @property
    def ip(self) -> str | None: ...
    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class _KeyingActor:
    """The chain itself, keying its first entry (no user, no clinic)."""

    user: None = None
    clinic: None = None
    role: str = "system"
    request_id: str = "audit-key"
    ip: str | None = None
    label: str = "system"


def record(
    actor: AuditedActor,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    patient_id: object = "",
    clinic_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry, chained to the previous one, in the caller's transaction."""
    if action == AuditAction.AUDIT_KEY:
        raise ValueError("The audit key changes only by rotate_key (an audit_key entry).")
    # No savepoint: the entry lives or dies with the caller's transaction (2 fewer queries).
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        if not head.key_id:  # a new chain, or one written before keying: key it from here
            _start_keying(head)
        entry = _append(
            head,
            AuditEntry(
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
            ),
        )
        _save(head)
    return entry


def _clinic_id(actor: AuditedActor) -> int | None:
    return actor.clinic.pk if actor.clinic is not None else None


def _locked_head() -> AuditChainHead:
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    return head


def _append(head: AuditChainHead, entry: AuditEntry) -> AuditEntry:
    """Chain `entry` after the head, under the head's key."""
    entry.at = timezone.now()
    entry.key_id = head.key_id
    entry.prev_hash = head.last_hash
    entry.entry_hash = entry.compute_hash(keyring.key_for(head.key_id))
    entry.save()
    head.last_hash, head.count = entry.entry_hash, head.count + 1
    return entry


def _save(head: AuditChainHead) -> None:
    AuditChainHead.objects.filter(pk=1).update(
        last_hash=head.last_hash, count=head.count, key_id=head.key_id
    )


def _change_key(head: AuditChainHead, actor: AuditedActor, new_key_id: str) -> AuditEntry:
    """The `audit_key` entry that names the new key; it is the first one made with it."""
    entry = AuditEntry(
        user_email=actor.label,
        role=actor.role,
        action=AuditAction.AUDIT_KEY,
        object_type="audit_key",
        object_id=new_key_id,
        request_id=actor.request_id,
        detail={"from_key_id": head.key_id, "after_entries": head.count},
    )
    head.key_id = new_key_id
    return _append(head, entry)


class KeyChangeRefused(Exception):
    pass


def rotate_key(actor: AuditedActor, to_key_id: str | None = None) -> AuditEntry:
    """Make a new key (or `to_key_id`, already in the ring) the chain's key from now on.

    The ring file is written first: if the database write then fails, the key is kept and
    `verify` says the chain is not under the active key; losing a key that entries were
    made with would make them unverifiable."""
    ring = keyring.load(reload=True)
    if to_key_id is None:
        to_key_id = ring.add_new_key()
    elif to_key_id not in ring.keys:
        raise KeyChangeRefused(f"No key {to_key_id!r} in the key ring {ring.path}.")
    with transaction.atomic():
        head = _locked_head()
        if head.key_id == to_key_id:
            raise KeyChangeRefused(f"The audit chain already uses key {to_key_id}.")
        ring.active = to_key_id
        ring.save()
        entry = _change_key(head, actor, to_key_id)
        _save(head)
    return entry


def add_key() -> str:
    """A new key in the ring, not yet used: copy the ring to every server, then rotate to it."""
    ring = keyring.load(reload=True)
    key_id = ring.add_new_key()
    ring.save()
    return key_id


def _start_keying(head: AuditChainHead) -> AuditEntry:
    """The first keyed entry: it names the ring's active key and, by its HMAC over the previous
    hash, vouches for any entries written before keying (plain SHA-256)."""
    return _change_key(head, _KeyingActor(), keyring.load().active)


def seal_legacy_entries() -> AuditEntry | None:
    """After an upgrade, key a chain written before keying at once rather than at the next
    write, so that `verify` passes in between."""
    with transaction.atomic():
        head = _locked_head()
        if head.key_id or head.count == 0:
            return None
        entry = _start_keying(head)
        _save(head)
    return entry


def current_anchor() -> Anchor:
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.count == 0:
        return Anchor(0, GENESIS)
    last = AuditEntry.objects.filter(entry_hash=head.last_hash).only("at").first()
    return Anchor(head.count, head.last_hash, last.at if last else None)
