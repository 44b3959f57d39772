"""Rate limits: per token or user on the API, per client address for everyone else.

A fixed one-minute window counted in Django's cache (one shared file cache per machine in
production, so every gunicorn worker counts together). Over the limit is a 429 with
Retry-After: JSON on the API, a short page on the site. Static files and the health check
are not counted. A request with a bearer token that turns out unknown (401) also counts
against its address, so inventing tokens does not buy more attempts.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from ketacare.accounts.current import client_ip
from ketacare.api.auth import bearer_token
from ketacare.api.routes import is_api

WINDOW_SECONDS = 60
NOT_COUNTED = ("/static/", "/healthz")


def _window_key(bucket: str, now: float, window: int = WINDOW_SECONDS) -> str:
    return f"ratelimit:{bucket}:{window}:{int(now // window)}"


def _wait(now: float, window: int = WINDOW_SECONDS) -> int:
    return int(window - now % window) + 1


def already_over(bucket: str, limit: int) -> int | None:
    """The seconds to wait if `bucket` is over `limit` already (counts nothing)."""
    now = time.time()
    return _wait(now) if cache.get(_window_key(bucket, now), 0) >= limit else None


def seconds_to_wait(bucket: str, limit: int, window: int = WINDOW_SECONDS) -> int | None:
    """Count one request in `bucket`; the seconds to wait when it is over `limit` requests
    in the current `window` (seconds; a minute unless a caller counts something rarer)."""
    now = time.time()
    key = _window_key(bucket, now, window)
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return None if count <= limit else _wait(now, window)


def _bucket(request: HttpRequest) -> tuple[str, int]:
    """Whose requests these are, and how many a minute they may send."""
    per_caller = settings.RATE_LIMIT_API_PER_MINUTE
    raw = bearer_token(request) if is_api(request) else None
    if raw is not None:
        return "token:" + hashlib.sha256(raw.encode()).hexdigest(), per_caller
    if request.user.is_authenticated:
        return f"user:{request.user.pk}", per_caller
    return f"address:{client_ip(request)}", settings.RATE_LIMIT_PUBLIC_PER_MINUTE


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    response: HttpResponse
    if is_api(request):
        detail = f"Too many requests; retry in {wait} s."
        response = JsonResponse({"detail": detail}, status=429)
    else:
        response = HttpResponse(render_to_string("429.html", {"wait": wait}), status=429)
    response["Retry-After"] = str(wait)
    return response


class RateLimitMiddleware:
    """After authentication (it needs the session's user), before any view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(NOT_COUNTED):
            return self.get_response(request)
        bucket, limit = _bucket(request)
        address = f"address:{client_ip(request)}"
        public_limit = settings.RATE_LIMIT_PUBLIC_PER_MINUTE
        wait = seconds_to_wait(bucket, limit)
        if wait is None and bucket.startswith("token:"):
            wait = already_over(address, public_limit)  # unknown tokens from this address
        if wait is not None:
            return too_many(request, wait)
        response = self.get_response(request)
        if response.status_code == 401 and bucket.startswith("token:"):
            seconds_to_wait(address, public_limit)
        return response
