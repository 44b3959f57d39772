"""Request ids for tracing and audit, no caching of pages that may hold PHI, and the clinic's
time zone for its users' requests."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.second_factor import second_factor_pending

_SAFE_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class RequestIdMiddleware:
    """Gives each request an id (or keeps a well-formed X-Request-ID from the proxy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class NoStoreMiddleware:
    """Cache-Control: no-store on everything but static files (ASVS 14.3.2)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            add_never_cache_headers(response)
            response["Cache-Control"] += ", no-store"
        return response


# Browser features the app never uses, denied to the page and to anything it might embed
# (ASVS 14.3; a script injected despite the CSP still cannot reach camera or location).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "bluetooth", "camera", "display-capture",
        "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection",
        "local-fonts", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "web-share",
        "xr-spatial-tracking",
    )
)  # fmt: skip


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response, static files and errors included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class ClinicTimeZoneMiddleware:
    """A clinic user's request runs in the clinic's time zone: pages show its clock, forms
    read typed times as its clock, and timezone.localdate() is its day (a New York clinic's
    evening is already tomorrow in UTC). The database keeps UTC; this only changes what
    "local" means while the request is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only once the login is complete: the actor is computed once per request and kept,
        # so it must not be computed before the login or second factor that changes it.
        if request.user.is_authenticated and not second_factor_pending(request):
            clinic = actor_from_request(request).clinic
            if clinic is not None:
                with timezone.override(ZoneInfo(clinic.time_zone)):
                    return self.get_response(request)
        return self.get_response(request)
