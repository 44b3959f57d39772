"""The append-only audit log of every read and write of patient data (HIPAA 164.312(b)).

Each entry stores HMAC-SHA256(key, previous entry's hash + its own content), with the key
kept outside the database (`audit.keyring`), so a changed or deleted row breaks the chain
(`ketacare audit verify`) and whoever controls only the database cannot re-make it. The
entry names its key (`key_id`); entries written before keying have none and carry a plain
SHA-256. The ORM refuses update and delete; database triggers (migration 0002) refuse them too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, NoReturn

from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit entry."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit entries are append-only: update refused.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit entries are append-only: delete refused.")

    def for_clinic(self, clinic_id: int) -> AuditQuerySet:
        return self.filter(clinic_id=clinic_id)


class AuditAction(models.TextChoices):
    READ = "read", "Read"
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    LOGIN = "login", "Log in"
    LOGOUT = "logout", "Log out"
    LOGIN_FAILED = "login_failed", "Failed login"
    DENIED = "denied", "Access denied"
    AUDIT_KEY = "audit_key", "Audit key change"
    PASSWORD_CHANGE = "password_change", "Password change"
    RESET_REQUESTED = "reset_requested", "Password reset requested"
    PASSWORD_RESET = "password_reset", "Password reset"


class AuditEntry(models.Model):
    # No foreign keys: the log must outlive the rows it speaks of, and never cascade.
    at = models.DateTimeField(db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    user_email = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    patient_id = models.CharField(max_length=64, blank=True, db_index=True)
    clinic_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    # Blank: written before the chain was keyed (plain SHA-256); see docs/security.md.
    key_id = models.CharField(max_length=40, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "audit entries"
        # The log page reads one clinic newest first, often for one patient: both walk an index.
        indexes = [
            models.Index(fields=["clinic_id", "patient_id", "-id"], name="audit_clinic_patient_id"),
            models.Index(fields=["clinic_id", "-id"], name="audit_clinic_id"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.user_email} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries are append-only: update refused.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit entries are append-only: delete refused.")

    def canonical(self) -> str:
        """The hashed content: every field but the id and the hash itself."""
        content: dict[str, Any] = {"key_id": self.key_id} if self.key_id else {}
        return json.dumps(
            content
            | {
                "at": self.at.isoformat(),
                "user_id": self.user_id,
                "user_email": self.user_email,
                "role": self.role,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "patient_id": self.patient_id,
                "clinic_id": self.clinic_id,
                "request_id": self.request_id,
                "ip": self.ip,
                "detail": self.detail,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def compute_hash(self, key: bytes | None) -> str:
        """HMAC-SHA256 under the entry's key; plain SHA-256 only for an entry without a key id."""
        message = (self.prev_hash + self.canonical()).encode()
        if not self.key_id:
            return hashlib.sha256(message).hexdigest()
        if key is None:
            raise ValueError(f"entry {self.pk} is keyed ({self.key_id}): its key is needed")
        return hmac.new(key, message, hashlib.sha256).hexdigest()


class AuditChainHead(models.Model):
    """One row holding the newest hash; locking it serialises writers so the chain never forks."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)
    key_id = models.CharField(max_length=40, blank=True, default="")  # the key new entries use

    def __str__(self) -> str:
        return f"audit chain head: {self.count} entries"
