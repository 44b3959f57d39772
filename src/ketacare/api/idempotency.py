"""`Idempotency-Key` on API writes: a retried write is recorded once.

The key, the caller, a fingerprint of the request (method, path, SHA-256 of the body) and
the answer are stored in the same transaction as the write itself, so a crash loses both
or neither; a retry within a day gets the first answer again (`Idempotent-Replayed: true`).
The same key with a different request is a 422 on the header. Only successful answers are
kept: a refused write may be corrected and sent again with the same key. Two requests with
the same key at once queue on the key's unique constraint and the second replays the first;
one that still finds the first unanswered gets a 409 to retry (as the IETF draft says).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from ketacare.api.auth import caller
from ketacare.api.middleware import WRITES, has_handler
from ketacare.api.models import IdempotentRequest
from ketacare.api.routes import is_api

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(days=1)
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, as in the IETF draft


def _header_error(msg: str) -> JsonResponse:
    item = {"loc": ["header", HEADER], "msg": msg, "type": "value_error"}
    return JsonResponse({"detail": [item]}, status=422)


def _fingerprint(request: HttpRequest) -> dict[str, Any]:
    return {
        "method": request.method or "",
        "path": request.get_full_path()[:2000],
        "body_sha256": hashlib.sha256(request.body).hexdigest(),
    }


def _replay(stored: IdempotentRequest, fingerprint: dict[str, Any]) -> HttpResponse:
    if any(getattr(stored, name) != value for name, value in fingerprint.items()):
        return _header_error(
            "This key was already used for a different request; use a new key for a new write."
        )
    response = HttpResponse(
        stored.response_body, status=stored.status, content_type=stored.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(user: Any, key: str, fingerprint: dict[str, Any]) -> IdempotentRequest | None:
    """Our claim on the key, or None when another request holds it (its answer is stored)."""
    IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(user=user, key=key, **fingerprint)
    except IntegrityError:
        return None


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITES or not is_api(request):
            return self.get_response(request)
        if not has_handler(request):  # the route's 404 or 405, whatever the key
            return self.get_response(request)
        if not _VALID_KEY.match(key):
            return _header_error("Use 1-255 printable ASCII characters, e.g. a UUID.")
        user = caller(request)
        if user is None:
            return self.get_response(request)  # refused by the authentication (401)
        return self._once(request, user, key)

    def _once(self, request: HttpRequest, user: Any, key: str) -> HttpResponse:
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            claim = _claim(user, key, fingerprint)
            if claim is None:
                stored = IdempotentRequest.objects.filter(user=user, key=key).first()
                if stored is None or stored.status is None:
                    detail = "A request with this key is still being answered; retry."
                    return JsonResponse({"detail": detail}, status=409)
                return _replay(stored, fingerprint)
            response = self.get_response(request)
            if 200 <= response.status_code < 300:
                claim.status = response.status_code
                claim.content_type = response.get("Content-Type", "application/json")
                claim.response_body = response.content.decode()
                claim.save(update_fields=["status", "content_type", "response_body"])
            else:
                claim.delete()
            return response
