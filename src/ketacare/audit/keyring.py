"""The audit key ring: the secret keys that make the audit chain's HMACs, kept outside the database.

A database-level attacker who can drop the append-only triggers can also recompute plain
hashes; with the key in a file the database never sees, they cannot recompute the HMACs.
The ring keeps every key the chain was ever written with (verification needs the old ones)
and names the active one (the key the chain must end under, and the key a new chain starts
with). The file is JSON, written with mode 0600:

    {"active": "20261130-3f9a2c1b", "keys": {"20261130-3f9a2c1b": "<64 hex digits>"}}

`AUDIT_KEY_FILE` names it; in development it defaults to `<var dir>/audit-keys.json` and is
created on first use. Production refuses to write audit entries without it (and
`ketacare check --deploy` fails), because a key generated beside the database defends nothing.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32  # HMAC-SHA256 keys as long as the hash (RFC 2104 section 3)


class KeyRingError(ImproperlyConfigured):
    """The key ring is missing, unreadable, malformed, or lacks a key the chain needs."""


@dataclass
class KeyRing:
    path: Path
    active: str
    keys: dict[str, bytes] = field(default_factory=dict)

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyRingError(
                f"Audit key {key_id!r} is not in the key ring {self.path}. Copy the current "
                "ring (it keeps every old key) from the server where the key was made."
            ) from None

    def add_new_key(self) -> str:
        key_id = f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"
        self.keys[key_id] = secrets.token_bytes(KEY_BYTES)
        return key_id

    def save(self, *, exclusive: bool = False) -> None:
        """Write the file atomically, never readable by others, even for a moment.

        `exclusive`: only if no file exists yet (two first uses at once keep one ring)."""
        text = json.dumps(
            {"active": self.active, "keys": {k: v.hex() for k, v in self.keys.items()}}, indent=1
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".audit-keys-")  # mode 0600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(text + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            if exclusive:
                os.link(tmp, self.path)  # fails if the file exists
            else:
                os.replace(tmp, self.path)
        finally:
            Path(tmp).unlink(missing_ok=True)


def configured_path() -> Path | None:
    """AUDIT_KEY_FILE, or in development the default under the var dir; None in production."""
    path = getattr(settings, "AUDIT_KEY_FILE", None)
    return Path(path) if path else None


def read(path: Path) -> KeyRing:
    try:
        data = json.loads(path.read_text())
        keys = {str(k): bytes.fromhex(v) for k, v in data["keys"].items()}
        active = str(data["active"])
    except FileNotFoundError:
        raise KeyRingError(f"Audit key ring {path} does not exist.") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyRingError(f"Audit key ring {path} cannot be read: {exc}") from None
    if active not in keys or any(len(k) < KEY_BYTES for k in keys.values()):
        raise KeyRingError(
            f"Audit key ring {path}: the active key must be in the ring and every key "
            f"at least {KEY_BYTES} bytes."
        )
    return KeyRing(path=path, active=active, keys=keys)


def create(path: Path) -> KeyRing:
    """A new ring with one fresh key; if the file exists already, the existing ring."""
    ring = KeyRing(path=path, active="")
    ring.active = ring.add_new_key()
    try:
        ring.save(exclusive=True)
    except FileExistsError:
        return read(path)  # another process made it first: use theirs
    return ring


_cached: KeyRing | None = None


def load(*, reload: bool = False) -> KeyRing:
    """The configured ring, cached per process; created on first use in development only."""
    global _cached
    path = configured_path()
    if path is None:
        raise KeyRingError(
            "AUDIT_KEY_FILE must be set in production: the audit chain's key is kept outside "
            "the database (create one with `ketacare audit init-key`)."
        )
    if _cached is not None and _cached.path == path and not reload:
        return _cached
    if not path.exists() and not settings.PRODUCTION:
        _cached = create(path)
    else:
        _cached = read(path)
    return _cached


def key_for(key_id: str) -> bytes:
    """The key with this id; re-reads the file once, since another process may have rotated."""
    ring = load()
    if key_id not in ring.keys:
        ring = load(reload=True)
    return ring.key(key_id)
