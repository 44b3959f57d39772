"""What every /api/ request gets before and after its handler: the body's size and type
checked before anything reads it, and an error in JSON whatever produced it (Django's
404 for an unknown path, ninja's bare 405, a 500), so a client generated from the spec
needs no special cases."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

from ketacare.api.large_bodies import route_limit, too_large
from ketacare.api.routes import is_api, ninja_operations

JSON = "application/json"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEPT_HEADERS = ("Allow", "Retry-After", "X-Request-ID")


def has_handler(request: HttpRequest) -> bool:
    """Whether an API route answers this method at this path (else Django's 404 or ninja's
    405 will)."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    operations = ninja_operations(view)
    if operations is None:
        return True  # not a ninja view: let the view itself decide
    return any(request.method in op.methods for op in operations)


def json_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _body_refusal(request: HttpRequest) -> HttpResponse | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return json_error(400, "Content-Length is not a number.")
    larger = route_limit(request) if length else None  # a file in its JSON (api.large_bodies)
    if larger is not None and length > larger.bytes():
        return too_large(larger, length)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if larger is None and limit is not None and length > limit:
        detail = f"The body is {length} bytes; the limit is {limit} bytes"
        return json_error(413, f"{detail} (DATA_UPLOAD_MAX_MEMORY_SIZE).")
    if length and request.method in WRITES and not _is_json(request.content_type or ""):
        return json_error(415, "Send the body as application/json.")
    return None


def _is_json(content_type: str) -> bool:
    return content_type == JSON or content_type.endswith("+json")


def _as_json(response: HttpResponse) -> HttpResponse:
    if response.status_code < 400 or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    phrase = HTTPStatus(response.status_code).phrase
    replaced = json_error(response.status_code, phrase)
    for header in KEPT_HEADERS:
        if header in response:
            replaced[header] = response[header]
    return replaced


class ApiGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api(request):
            return self.get_response(request)
        return _body_refusal(request) or _as_json(self.get_response(request))
