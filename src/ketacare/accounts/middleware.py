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


class SessionLifetimeMiddleware:
    """Ends a session 12 h after login whatever the activity (idle expiry is the cookie age)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            started = request.session.get(LOGIN_TIME_KEY)
            if started is None or time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect(f"{reverse('login')}?expired=1")
        return self.get_response(request)


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
