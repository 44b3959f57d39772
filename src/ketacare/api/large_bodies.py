"""A larger body for the few API writes that carry a file inside their JSON (base64), and for
them only: DATA_UPLOAD_MAX_MEMORY_SIZE stays the limit of every other request.

Chosen over a multipart upload on the same endpoints because the API stays JSON only (one
body type to validate, fuzz and document) and the extra room is exact: the handler declares
the largest body its file can make (`takes_body_up_to`), nothing more.

Two steps, so that nobody gets the extra room without logging in:
- ApiGuardMiddleware refuses a Content-Length over the route's limit (413 naming the field)
  before anything reads the body;
- LargeBodyMiddleware, after authentication, reads the body of an identified caller under
  the route's limit, so Django's global check (which `request.body` applies) has nothing
  left to refuse. Anyone else is refused by the handler's authentication (401) before the
  body is read at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from ketacare.api.auth import caller
from ketacare.api.routes import is_api, operation_for

_ATTR = "ketacare_body_limit"


@dataclass(frozen=True)
class BodyLimit:
    bytes_needed: Callable[[], int]  # read per request: the settings may change (tests)
    field: str  # what makes the body large, named in the refusal
    what: Callable[[], str]  # the refusal's words for that field's own limit

    def bytes(self) -> int:
        return max(self.bytes_needed(), settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


def takes_body_up_to(
    bytes_needed: Callable[[], int], *, field: str, what: Callable[[], str]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark an API handler (under its @router decorator) as taking a body this large."""

    def mark(handler: Callable[..., Any]) -> Callable[..., Any]:
        setattr(handler, _ATTR, BodyLimit(bytes_needed, field, what))
        return handler

    return mark


def route_limit(request: HttpRequest) -> BodyLimit | None:
    operation = operation_for(request)
    return getattr(getattr(operation, "view_func", None), _ATTR, None)


def too_large(limit: BodyLimit, length: int) -> JsonResponse:
    msg = (
        f"The body is {length} bytes; this endpoint takes at most {limit.bytes()} bytes: "
        f"{limit.what()}."
    )
    item = {"loc": ["body", limit.field], "msg": msg, "type": "too_large"}
    return JsonResponse({"detail": [item]}, status=413)


class LargeBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request) and (limit := route_limit(request)) is not None:
            length = int(request.META.get("CONTENT_LENGTH") or 0)  # a number: the guard saw
            global_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if global_limit is not None and length > global_limit and caller(request):
                # What HttpRequest.body does, under the route's limit (checked by the guard).
                body = request.read(limit.bytes() + 1)
                request._body = body
                request._stream = BytesIO(body)
        return self.get_response(request)
