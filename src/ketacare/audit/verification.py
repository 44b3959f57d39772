"""Checking the audit chain: every link, every HMAC under its key, every key change, the head,
and any anchors the operator kept elsewhere (`ketacare audit verify [--anchor ...]`).

What each check catches, for an attacker who controls the database but not the key ring:
- a changed entry: its HMAC no longer matches (they cannot recompute it);
- a removed entry in the middle: the next entry's link is broken;
- a history re-hashed as entries "written before keying" (plain SHA-256): unkeyed entries
  are accepted only before the first keyed one, and the chain must end under the ring's
  active key;
- removed newest entries: only an anchor taken before the removal shows it (the head row is
  in the database too, so whoever deletes rows can fix it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ketacare.audit import keyring
from ketacare.audit.models import AuditAction, AuditChainHead, AuditEntry

GENESIS = "0" * 64


@dataclass(frozen=True)
class Anchor:
    """The chain's head at one moment, to be kept outside the server: `COUNT:HASH@TIME`."""

    count: int
    entry_hash: str
    at: datetime | None = None

    def __str__(self) -> str:
        at = f"@{self.at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" if self.at else ""
        return f"{self.count}:{self.entry_hash}{at}"


ANCHOR_FORMAT = re.compile(r"^(?P<count>\d+):(?P<hash>[0-9a-f]{64})(@\S*)?$")


class BadAnchor(ValueError):
    pass


def parse_anchor(text: str) -> Anchor:
    match = ANCHOR_FORMAT.match(text.strip())
    if match is None or int(match["count"]) == 0:
        raise BadAnchor(
            f"not an audit anchor: {text!r} (expected COUNT:HASH as printed by "
            "`ketacare audit anchor`, e.g. 1200:3f9a...@2026-11-30T15:00:00Z)"
        )
    return Anchor(int(match["count"]), match["hash"])


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int | None
    problem: str


@dataclass
class _Walk:
    """What the walk has seen so far."""

    expected_prev: str = GENESIS
    seen: int = 0
    key_id: str = ""  # the key of the previous entry ("" before keying)
    missing_keys: set[str] = field(default_factory=set)  # reported once each


def verify_chain(anchors: Iterable[Anchor] = (), batch_size: int = 2000) -> Iterator[ChainProblem]:
    """Yield every break; nothing when the chain is intact."""
    ring = keyring.load(reload=True)
    by_position = {anchor.count: anchor for anchor in anchors}
    walk = _Walk()
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        walk.seen += 1
        yield from _check_entry(entry, walk, ring)
        anchor = by_position.pop(walk.seen, None)
        if anchor is not None and anchor.entry_hash != entry.entry_hash:
            yield ChainProblem(
                entry.pk,
                f"anchor {anchor.count}:{anchor.entry_hash[:12]} does not match: entry "
                f"{anchor.count} now hashes to {entry.entry_hash[:12]}; history up to it was "
                "rewritten",
            )
        walk.expected_prev, walk.key_id = entry.entry_hash, entry.key_id
    for anchor in sorted(by_position.values(), key=lambda a: a.count):
        yield ChainProblem(
            None,
            f"anchor {anchor.count}:{anchor.entry_hash[:12]} is beyond the chain's "
            f"{walk.seen} entries: entries were removed from the end",
        )
    yield from _check_end(walk, ring)


def _check_entry(entry: AuditEntry, walk: _Walk, ring: keyring.KeyRing) -> Iterator[ChainProblem]:
    if entry.prev_hash != walk.expected_prev:
        yield ChainProblem(entry.pk, "link broken: an entry before this one was removed or changed")
    if walk.key_id and not entry.key_id:
        yield ChainProblem(
            entry.pk, "written without the audit key after the chain was keyed: forged"
        )
    is_key_change = entry.action == AuditAction.AUDIT_KEY
    if entry.key_id != walk.key_id and not (is_key_change and entry.object_id == entry.key_id):
        yield ChainProblem(
            entry.pk,
            f"made with key {entry.key_id or 'none'!r} where the chain used "
            f"{walk.key_id or 'none'!r}, with no recorded key change",
        )
    if entry.key_id and entry.key_id not in ring.keys:
        if entry.key_id not in walk.missing_keys:
            walk.missing_keys.add(entry.key_id)
            yield ChainProblem(
                entry.pk,
                f"key {entry.key_id} is not in the key ring {ring.path}: its entries cannot be "
                "checked (restore the ring that holds it)",
            )
        return
    key = ring.keys.get(entry.key_id) if entry.key_id else None
    if entry.compute_hash(key) != entry.entry_hash:
        yield ChainProblem(entry.pk, "content changed after it was written (hash does not match)")


def _check_end(walk: _Walk, ring: keyring.KeyRing) -> Iterator[ChainProblem]:
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != walk.expected_prev or head.count != walk.seen):
        yield ChainProblem(
            None,
            f"chain head expects {head.count} entries ending in "
            f"{head.last_hash[:12]}; found {walk.seen} ending in {walk.expected_prev[:12]}",
        )
    if walk.seen and walk.key_id != ring.active:
        ends = f"key {walk.key_id}" if walk.key_id else "entries written without the audit key"
        yield ChainProblem(
            None,
            f"the chain ends with {ends}, but the key ring's active key is {ring.active}: its "
            "newest entries were removed or re-hashed, or this key ring is stale (or, after an "
            "upgrade, the log was not yet sealed: run `ketacare migrate`)",
        )
