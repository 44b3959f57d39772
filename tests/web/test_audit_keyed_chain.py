"""The keyed audit chain against an attacker who controls the database but not the key ring:
they drop the append-only triggers, delete entries and re-hash the rest (issue 8, item 5)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from ketacare.audit import keyring
from ketacare.audit.migrations import _triggers
from ketacare.audit.models import AuditChainHead, AuditEntry
from ketacare.audit.services import current_anchor, record, rotate_key, seal_legacy_entries
from ketacare.audit.verification import GENESIS, Anchor, verify_chain
from tests.conftest import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ring_path(settings, tmp_path: Path) -> Path:
    """A key ring of this test's own (so rotations here leave other tests' ring alone)."""
    settings.AUDIT_KEY_FILE = str(tmp_path / "audit-keys.json")
    return Path(settings.AUDIT_KEY_FILE)


@pytest.fixture
def write_entries(world, ring_path):  # type: ignore[no-untyped-def]
    actor = actor_for(world.users_a["nurse"], world.clinic_a, "nurse")

    def write(n: int) -> list[AuditEntry]:
        return [
            record(
                actor,
                "read",
                "patient",
                world.patient_a.public_id,
                patient_id=world.patient_a.public_id,
                detail={"n": i},
            )  # fmt: skip
            for i in range(n)
        ]

    return write


Rehash = Callable[[AuditEntry], tuple[str, str]]  # entry (with its new prev_hash) -> (key_id, hash)


def plain_sha256(entry: AuditEntry) -> tuple[str, str]:
    """What the attacker could do before keying: mark the entry unkeyed and hash it plainly."""
    entry.key_id = ""
    return "", hashlib.sha256((entry.prev_hash + entry.canonical()).encode()).hexdigest()


def sha256_keeping_key_id(entry: AuditEntry) -> tuple[str, str]:
    return entry.key_id, hashlib.sha256((entry.prev_hash + entry.canonical()).encode()).hexdigest()


def hmac_with(key: bytes) -> Rehash:
    def rehash(entry: AuditEntry) -> tuple[str, str]:
        message = (entry.prev_hash + entry.canonical()).encode()
        return entry.key_id, hmac.new(key, message, hashlib.sha256).hexdigest()

    return rehash


def forge(delete_ids: list[int], rehash: Rehash) -> None:
    """The attack: drop the triggers, delete rows, re-chain the rest, fix the head, restore."""
    _triggers.remove(connection)
    with connection.cursor() as cursor:
        for entry_id in delete_ids:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry_id])
        prev, count = GENESIS, 0
        for entry in AuditEntry.objects.order_by("id"):
            entry.prev_hash = prev
            key_id, entry_hash = rehash(entry)
            cursor.execute(
                "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s, key_id = %s "
                "WHERE id = %s",
                [prev, entry_hash, key_id, entry.pk],
            )
            prev, count = entry_hash, count + 1
        last_key = AuditEntry.objects.order_by("-id").values_list("key_id", flat=True).first()
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_hash = %s, count = %s, key_id = %s",
            [prev, count, last_key or ""],
        )
    _triggers.install(connection)


def problems(anchors: list[Anchor] | None = None) -> list[str]:
    return [p.problem for p in verify_chain(anchors or [])]


def test_every_entry_is_an_hmac_under_a_key_named_by_the_first_entry(write_entries, ring_path):
    write_entries(3)
    first, *rest = AuditEntry.objects.order_by("id")
    ring = keyring.read(ring_path)
    assert (first.action, first.object_id, first.key_id) == ("audit_key", ring.active, ring.active)
    for entry in [first, *rest]:
        assert entry.key_id == ring.active
        message = (entry.prev_hash + entry.canonical()).encode()
        assert entry.entry_hash == hmac.new(ring.keys[ring.active], message, "sha256").hexdigest()
    assert problems() == []


def test_development_key_ring_is_created_on_first_use_readable_by_owner_only(
    write_entries, ring_path
):
    assert not ring_path.exists()
    write_entries(1)
    assert stat.S_IMODE(ring_path.stat().st_mode) == 0o600
    assert len(keyring.read(ring_path).keys) == 1


@pytest.mark.parametrize(
    "rehash",
    [plain_sha256, sha256_keeping_key_id, hmac_with(os.urandom(32))],
    ids=["plain-sha256-as-unkeyed", "plain-sha256-keeping-key-ids", "hmac-with-a-wrong-key"],
)
def test_deleting_entries_and_rehashing_without_the_key_is_detected(write_entries, rehash):
    entries = write_entries(5)
    forge([entries[2].pk], rehash)
    found = problems()
    assert found, "a forged chain passed verification"
    if rehash is plain_sha256:
        assert any("written without the audit key" in p for p in found)
    else:
        assert any("hash does not match" in p for p in found)


def test_rehashing_with_a_wrong_key_flags_every_rehashed_entry(write_entries):
    entries = write_entries(4)
    forge([entries[1].pk], hmac_with(os.urandom(32)))
    flagged = {p.entry_id for p in verify_chain()}
    assert flagged >= set(AuditEntry.objects.values_list("id", flat=True))


def test_rotation_is_an_entry_and_entries_under_old_and_new_keys_verify(
    world, write_entries, ring_path
):
    write_entries(2)
    old = keyring.read(ring_path).active
    rotation = rotate_key(actor_for(world.users_a["clinic_admin"], None, "system"))
    write_entries(2)
    ring = keyring.read(ring_path)
    assert ring.active == rotation.key_id != old and set(ring.keys) == {old, rotation.key_id}
    assert (rotation.action, rotation.object_id, rotation.detail["from_key_id"]) == (
        "audit_key",
        rotation.key_id,
        old,
    )
    assert list(AuditEntry.objects.order_by("id").values_list("key_id", flat=True)) == [
        old, old, old, rotation.key_id, rotation.key_id, rotation.key_id,
    ]  # fmt: skip
    assert problems() == []


def test_only_a_rotation_changes_the_key_never_an_ordinary_audit_call(world, write_entries):
    write_entries(1)
    old = AuditEntry.objects.latest("id").key_id
    rotate_key(actor_for(None, None, "system"))
    actor = actor_for(world.users_a["nurse"], world.clinic_a, "nurse")
    with pytest.raises(ValueError, match="only by rotate_key"), transaction.atomic():
        record(actor, "audit_key", old)  # would put the chain back under the old key
    assert AuditChainHead.objects.get().key_id != old
    assert problems() == []


def test_verify_needs_the_old_keys_and_says_which_is_missing(world, write_entries, ring_path):
    write_entries(1)
    old = keyring.read(ring_path).active
    rotate_key(actor_for(None, None, "system"))
    data = json.loads(ring_path.read_text())
    del data["keys"][old]
    ring_path.write_text(json.dumps(data))
    assert any(f"key {old} is not in the key ring" in p for p in problems())


def test_cutting_the_chain_back_before_a_rotation_is_detected_without_an_anchor(
    world, write_entries, ring_path
):
    write_entries(2)
    rotation = rotate_key(actor_for(None, None, "system"))
    later = write_entries(2)
    # With the old key leaked, the attacker removes everything from the rotation on.
    old_key = keyring.read(ring_path).keys[rotation.detail["from_key_id"]]
    forge([rotation.pk, *(e.pk for e in later)], hmac_with(old_key))
    assert any("active key" in p for p in problems())


def test_anchor_detects_history_rewritten_even_with_the_key(write_entries, ring_path):
    entries = write_entries(5)
    anchor = current_anchor()
    assert (anchor.count, anchor.entry_hash) == (6, entries[-1].entry_hash)
    write_entries(2)
    # An attacker holding the key itself re-makes valid HMACs: only the anchor tells.
    key = keyring.read(ring_path).keys[entries[0].key_id]
    forge([entries[1].pk], hmac_with(key))
    assert problems() == []
    found = problems([anchor])
    assert len(found) == 1 and "was rewritten" in found[0]


def test_anchor_detects_entries_removed_from_the_end(write_entries, ring_path):
    entries = write_entries(4)
    anchor = current_anchor()
    key = keyring.read(ring_path).keys[entries[0].key_id]
    forge([entries[-1].pk, entries[-2].pk], hmac_with(key))
    assert problems() == []
    assert any("beyond the chain's 3 entries" in p for p in problems([anchor]))


def test_earlier_anchors_still_match_as_the_chain_grows(write_entries):
    write_entries(2)
    first = current_anchor()
    write_entries(3)
    assert problems([first, current_anchor()]) == []


def _write_unkeyed_history(n: int) -> None:
    """Entries as KetaCare wrote them before keying: plain SHA-256, no key id, unkeyed head."""
    prev = GENESIS
    for i in range(n):
        entry = AuditEntry(at=timezone.now(), user_email="old@a.example", action="read",
                           object_type="patient", object_id=str(i), prev_hash=prev)  # fmt: skip
        entry.entry_hash = entry.compute_hash(None)
        entry.save()
        prev = entry.entry_hash
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": prev, "count": n})


def test_entries_from_before_keying_verify_once_sealed_by_the_first_keyed_entry(ring_path):
    _write_unkeyed_history(3)
    assert any("written without the audit key" in p for p in problems())  # not sealed yet
    seal = seal_legacy_entries()
    assert seal is not None and seal.detail == {"from_key_id": "", "after_entries": 3}
    assert seal_legacy_entries() is None  # once only
    assert problems() == []


def test_rewriting_entries_from_before_keying_breaks_the_seal(ring_path):
    _write_unkeyed_history(3)
    seal = seal_legacy_entries()
    assert seal is not None
    _triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE object_id = '1' AND key_id = ''")
        prev = GENESIS
        for entry in AuditEntry.objects.filter(key_id="").order_by("id"):
            entry.prev_hash = prev
            prev = entry.compute_hash(None)
            cursor.execute("UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s "
                           "WHERE id = %s", [entry.prev_hash, prev, entry.pk])  # fmt: skip
        cursor.execute("UPDATE audit_auditentry SET prev_hash = %s WHERE id = %s", [prev, seal.pk])
    _triggers.install(connection)
    assert any("hash does not match" in p for p in problems())


def test_production_refuses_to_write_audit_entries_without_a_key_file(world, settings):
    settings.PRODUCTION = True
    settings.AUDIT_KEY_FILE = None
    with (
        pytest.raises(keyring.KeyRingError, match="AUDIT_KEY_FILE must be set in production"),
        transaction.atomic(),
    ):
        record(actor_for(world.users_a["nurse"], world.clinic_a, "nurse"), "read", "patient")
    assert AuditEntry.objects.count() == 0


def test_production_never_creates_a_missing_key_file(world, settings, tmp_path):
    settings.PRODUCTION = True
    settings.AUDIT_KEY_FILE = str(tmp_path / "missing.json")
    with pytest.raises(keyring.KeyRingError, match="does not exist"), transaction.atomic():
        record(actor_for(world.users_a["nurse"], world.clinic_a, "nurse"), "read", "patient")
    assert not (tmp_path / "missing.json").exists()
