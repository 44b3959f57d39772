"""Failed authorisation is logged too (ASVS 16.3.2): who tried to reach what, and was refused.

The refused use case's transaction has rolled back by the time we see the exception, so
the denial is written in a transaction of its own. A refusal from the gate names the clinic
the probed record belongs to: the denial is logged there, so that clinic's admin sees who
probed their patient; when that is not the actor's own clinic, the actor's clinic gets an
entry too (without the other clinic's patient), so each admin sees their own users' probes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import ActionDenied, OutOfReach, RefusedTarget
from ketacare.audit.services import record


def record_denial(request: HttpRequest, exc: Exception) -> None:
    if not isinstance(exc, ActionDenied | OutOfReach) or not request.user.is_authenticated:
        return
    actor = actor_from_request(request)
    detail = {"method": request.method, "path": request.path, "reason": str(exc)}
    target = exc.target or _target_from_url(request)
    own_clinic = actor.clinic.pk if actor.clinic is not None else None
    with transaction.atomic():
        if target.clinic_id is not None:
            record(actor, "denied", target.object_type, target.object_id,
                   patient_id=target.patient_id, clinic_id=target.clinic_id,
                   detail={**detail, "actor_clinic_id": own_clinic})  # fmt: skip
        if target.clinic_id != own_clinic:
            record(actor, "denied", target.object_type, target.object_id, detail=detail)


def _target_from_url(request: HttpRequest) -> RefusedTarget:
    match = request.resolver_match
    target = next(iter(match.kwargs.values()), "") if match and match.kwargs else ""
    return RefusedTarget("request", str(target)[:64])


class DeniedAccessAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        record_denial(request, exception)
