"""API authentication: a bearer token, or the browser's verified session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from ketacare.accounts.models import ApiToken, User, hash_token
from ketacare.accounts.second_factor import TOKEN_ATTR, second_factor_pending


def unrevoked_token(raw: str) -> ApiToken | None:
    """The token of an active user, not revoked (it may have expired)."""
    return (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked=False, user__is_active=True)
        .first()
    )


def token_user(raw: str) -> User | None:
    """The active user a raw bearer token belongs to (None when unknown, revoked or expired)."""
    found = unrevoked_token(raw)
    if found is None or found.has_expired:
        return None
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user


def bearer_token(request: HttpRequest) -> str | None:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    return (raw.strip() or None) if scheme.lower() == "bearer" else None


def caller(request: HttpRequest) -> User | None:
    """Who sends an API request, for middleware that runs before the handler's own
    authentication (idempotency): the token's user, else the session's (none for a staff
    session still waiting for its second factor)."""
    raw = bearer_token(request)
    if raw is not None:
        return token_user(raw)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or second_factor_pending(request):
        return None
    return user  # type: ignore[no-any-return]


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
            setattr(request, TOKEN_ATTR, True)  # not a session: no second factor pending
            return user
        expired = unrevoked_token(token)
        if expired is not None:  # say so: the caller needs a new token, not a retry
            raise AuthenticationError(
                message=f"This API token expired on {expired.expires_at:%Y-%m-%d}; "
                "create a new one on the My account page."
            )
        return None


class BrowserSession(SessionAuth):
    """The logged-in browser's session. CSRF is checked only for a session that exists: a
    request with no credentials at all is a 401, as the spec declares, not a CSRF 403. A
    staff session that has not passed its second factor (where one is required) is no
    session here either: 401."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or second_factor_pending(request):
            return None
        return super().__call__(request)


API_AUTH = [BearerToken(), BrowserSession()]
