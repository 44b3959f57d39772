"""Failed authorisation is logged too (ASVS 16.3.2): who tried to reach what, and was refused.

The refused use case's transaction has rolled back by the time we see the exception, so
the denial is written in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import ActionDenied, OutOfReach
from ketacare.audit.services import record


def record_denial(request: HttpRequest, exc: Exception) -> None:
    if not isinstance(exc, ActionDenied | OutOfReach) or not request.user.is_authenticated:
        return
    match = request.resolver_match
    target = next(iter(match.kwargs.values()), "") if match and match.kwargs else ""
    with transaction.atomic():
        record(
            actor_from_request(request),
            "denied",
            "request",
            target,
            detail={"method": request.method, "path": request.path, "reason": str(exc)},
        )


class DeniedAccessAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        record_denial(request, exception)
