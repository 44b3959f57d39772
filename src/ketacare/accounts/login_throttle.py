"""Login throttling per account and per client address (password spraying).

django-axes locks an account+address pair after AXES_FAILURE_LIMIT failures. One address
trying a few passwords on many accounts never reaches that limit, so this handler also
counts every failure from the address across accounts, with a higher limit of its own
(a clinic's staff behind one NAT address share it).
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

ADDRESS_LOCK = "address"


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
