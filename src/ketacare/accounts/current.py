"""The acting user's current clinic and role, from the session (pages) or the token (API)."""

from __future__ import annotations

from django.http import HttpRequest

from ketacare.accounts.actor import Actor
from ketacare.accounts.models import Membership

SESSION_CLINIC_KEY = "ketacare_clinic_id"


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trusted just from a configured proxy (not yet).
    return request.META.get("REMOTE_ADDR") or None


def current_membership(request: HttpRequest) -> Membership | None:
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user_id=user.pk).select_related("clinic")
    wanted = request.session.get(SESSION_CLINIC_KEY) if hasattr(request, "session") else None
    chosen = None
    for membership in memberships:
        if chosen is None or membership.clinic_id == wanted:
            chosen = membership
    return chosen


def actor_from_request(request: HttpRequest) -> Actor:
    cached = getattr(request, "_ketacare_actor", None)
    if cached is not None:
        return cached
    membership = current_membership(request)
    actor = Actor(
        user=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
        clinic=membership.clinic if membership else None,
        role=membership.role if membership else "",
        request_id=getattr(request, "request_id", ""),
        ip=client_ip(request),
    )
    request._ketacare_actor = actor  # type: ignore[attr-defined]
    return actor
