"""Login throttling per account and per client address (password spraying).

django-axes locks an account+address pair after AXES_FAILURE_LIMIT failures. One address
trying a few passwords on many accounts never reaches that limit, so this handler also
counts every failure from the address across accounts, with a higher limit of its own
(a clinic's staff behind one NAT address share it).

The name typed into the login form is stored by django-axes as a keyed hash of it
(AXES_USERNAME_CALLABLE), never as typed: people type passwords into the email box. The
hash still groups one name's failures (case and spaces aside) so the lockout works, and
`clear_account_lock(email)` finds them again.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

ADDRESS_LOCK = "address"
HASH_SALT = "ketacare.accounts.login_throttle"


def throttle_name(typed: str) -> str:
    """What the throttle stores for a typed login name: HMAC-SHA256 under SECRET_KEY."""
    return salted_hmac(HASH_SALT, typed.strip().lower(), algorithm="sha256").hexdigest()


def username_for_axes(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the typed name from the credentials or the form, hashed."""
    field = settings.AXES_USERNAME_FORM_FIELD
    typed = credentials.get(field) if credentials else getattr(request, "POST", {}).get(field)
    return throttle_name(typed) if isinstance(typed, str) and typed else None


def clear_account_lock(email: str) -> int:
    """Lift the lockout of one login name (an admin's or operator's unlock, a reset)."""
    cleared: int = axes_reset(username=throttle_name(email))
    return cleared


def failures_from_address(request: HttpRequest) -> int:
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    recent = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_is_locked(request: HttpRequest) -> bool:
    return failures_from_address(request) >= settings.KETACARE_LOGIN_FAILURES_PER_ADDRESS


class AccountAndAddressHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes ships no types
    """axes' database handler plus a per-address limit; marks which limit was hit."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if address_is_locked(request):
            request.ketacare_lock = ADDRESS_LOCK
            return True
        return False

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not request.axes_locked_out and address_is_locked(request):
            request.ketacare_lock = ADDRESS_LOCK
            request.axes_locked_out = True
            request.axes_credentials = credentials
