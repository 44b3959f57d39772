"""The acting user's current clinic and role, from the session (pages) or the token (API)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

from ketacare.accounts.actor import Actor
from ketacare.accounts.models import Membership
from ketacare.accounts.second_factor import second_factor_pending

SESSION_CLINIC_KEY = "ketacare_clinic_id"


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.KETACARE_TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, for throttling, sessions and the audit log.

    X-Forwarded-For is believed only when the peer is a configured trusted proxy
    (KETACARE_TRUSTED_PROXIES); then the rightmost hop that is not itself a trusted proxy
    is the client. Anything left of it was written by the client and may be forged.
    """
    peer: str | None = request.META.get("REMOTE_ADDR") or None
    if peer is None or not _is_trusted_proxy(peer):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    client = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # a malformed hop: keep the last address a trusted proxy vouched for
        client = hop
        if not _is_trusted_proxy(hop):
            break
    return client


def memberships_of(request: HttpRequest) -> list[Membership]:
    """The user's memberships with their clinics, read once per request (the actor and the
    header's clinic switcher both need them)."""
    cached: list[Membership] | None = getattr(request, "_ketacare_memberships", None)
    if cached is None:
        user = request.user
        cached = (
            list(Membership.objects.filter(user_id=user.pk).select_related("clinic"))
            if user.is_authenticated
            else []
        )
        request._ketacare_memberships = cached  # type: ignore[attr-defined]
    return cached


def current_membership(request: HttpRequest) -> Membership | None:
    if not request.user.is_authenticated:
        return None
    memberships = memberships_of(request)
    wanted = request.session.get(SESSION_CLINIC_KEY) if hasattr(request, "session") else None
    chosen = None
    for membership in memberships:
        if chosen is None or membership.clinic_id == wanted:
            chosen = membership
    return chosen


def actor_from_request(request: HttpRequest) -> Actor:
    cached: Actor | None = getattr(request, "_ketacare_actor", None)
    if cached is not None:
        return cached
    # A staff session waiting for its second factor acts in no clinic, with no role.
    membership = None if second_factor_pending(request) else current_membership(request)
    actor = Actor(
        user=request.user if request.user.is_authenticated else None,
        clinic=membership.clinic if membership else None,
        role=membership.role if membership else "",
        request_id=getattr(request, "request_id", ""),
        ip=client_ip(request),
    )
    request._ketacare_actor = actor  # type: ignore[attr-defined]
    return actor
