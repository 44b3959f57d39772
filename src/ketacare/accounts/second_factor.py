"""Whether a request comes from a staff session still waiting for its second factor.

Where TOTP is required (KETACARE_REQUIRE_TOTP), such a session is logged in but must reach
nothing: the page middleware sends it to the code form, the API refuses it (401), and its
actor carries no clinic and no role, so the gate refuses everything even where a route
forgot the first two. A bearer token is not a session: tokens are issued only to verified
users, from a page the second factor protects.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

TOKEN_ATTR = "ketacare_api_token"  # noqa: S105 (an attribute name, not a secret)


def second_factor_pending(request: HttpRequest) -> bool:
    user = request.user
    if not settings.KETACARE_REQUIRE_TOTP or not user.is_authenticated:
        return False
    if getattr(request, TOKEN_ATTR, None) is not None:
        return False
    is_verified = getattr(user, "is_verified", None)  # installed by django_otp's middleware
    verified = bool(is_verified()) if callable(is_verified) else False
    return not verified and bool(user.is_clinic_staff)
