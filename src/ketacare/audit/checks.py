"""`ketacare check --deploy`: production must keep the audit key ring outside the database."""

from __future__ import annotations

import stat
from typing import Any

from django.core.checks import CheckMessage, Error, Tags, Warning, register

from ketacare.audit import keyring


@register(Tags.security, deploy=True)
def audit_key_ring(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    path = keyring.configured_path()
    if path is None:
        return [
            Error(
                "AUDIT_KEY_FILE is not set: the audit chain cannot be keyed.",
                hint="Create a key ring with `ketacare audit init-key` on a path outside the "
                "database's storage and set AUDIT_KEY_FILE to it (docs/security.md).",
                id="ketacare.E001",
            )
        ]
    try:
        keyring.read(path)
    except keyring.KeyRingError as exc:
        return [Error(str(exc), hint="See docs/security.md, audit keys.", id="ketacare.E002")]
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        return [
            Warning(
                f"The audit key ring {path} is readable by other users.",
                hint=f"chmod 600 {path}",
                id="ketacare.W001",
            )
        ]
    return []
