"""What the API keeps about its own requests: answers to writes sent with an Idempotency-Key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """A write sent with `Idempotency-Key`, kept for a day so a retry (after a timeout or a
    crash) gets the first answer instead of recording the write twice.

    Only a fingerprint of the request is kept (method, path, SHA-256 of the body); the
    answer is the JSON the client was already sent.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    body_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_request_per_user_and_key")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} with key {self.key!r}"
