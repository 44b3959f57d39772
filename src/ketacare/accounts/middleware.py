"""Session lifetime and the TOTP requirement for staff."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from ketacare.accounts.second_factor import second_factor_pending

LOGIN_TIME_KEY = "ketacare_login_at"


SEEN_AT_KEY = "ketacare_seen_at"
# Idle expiry is the session's age (SESSION_COOKIE_AGE) from its last save. Saving on every
# request (SESSION_SAVE_EVERY_REQUEST) made each page view a database write; saving when
# the last refresh is a minute old keeps the idle limit to within a minute, one write a
# minute at most.
IDLE_REFRESH_SECONDS = 60


class SessionLifetimeMiddleware:
    """Ends a session 12 h after login whatever the activity, and keeps an active session's
    idle expiry moving (at most one session write a minute)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            started = request.session.get(LOGIN_TIME_KEY)
            if started is None or time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect(f"{reverse('login')}?expired=1")
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.modified and request.user.is_authenticated:
            if time.time() - session.get(SEEN_AT_KEY, 0) >= IDLE_REFRESH_SECONDS:
                session[SEEN_AT_KEY] = time.time()  # saved by SessionMiddleware: new expiry
        return response


class StaffTOTPMiddleware:
    """With KETACARE_REQUIRE_TOTP, a staff user must verify a TOTP code before anything else.

    The API is not redirected (it answers 401 itself, api.auth); neither depends on this
    middleware alone: the actor of such a session has no clinic, so the gate refuses too.
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not request.path.startswith(self.ALLOWED_PREFIXES)
            and not request.path.startswith("/api/")
            and second_factor_pending(request)
        ):
            return redirect("otp-verify")
        return self.get_response(request)
