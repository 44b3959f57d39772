"""The OpenAPI description: shown to callers only, and stating what middleware adds.

The spec maps every route a clinic exposes, so by default only a logged-in user or a
valid token may read it (KETACARE_API_DOCS_PUBLIC=true opens it, e.g. for a client
generator run outside). Behaviour added by middleware (the Idempotency-Key header, the
rate limit's 429) is written into the spec here, so a generated client knows it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI

from ketacare.api.auth import caller

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string (e.g. a UUID) per write: a retry with the same key "
    "and body within a day returns the first answer and is recorded once; the same key "
    "with another body is a 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
TOO_MANY = {
    "description": "Too many requests: wait the seconds in Retry-After",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}},
}
WRITE_METHODS = ("post", "put", "patch", "delete")


class KetaCareAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """The handler's name (`list_patients`), so generated clients read as the API does."""
        return str(operation.view_func.__name__)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                operation["responses"].setdefault("429", TOO_MANY)
                if method in WRITE_METHODS:
                    operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
        return schema


def docs_for_callers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.KETACARE_API_DOCS_PUBLIC and caller(request) is None:
            detail = "Log in or send a bearer token to read the API description."
            return JsonResponse({"detail": detail}, status=401)
        return view(request, *args, **kwargs)

    return guarded
