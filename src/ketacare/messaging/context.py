"""The header's "Messages (n)": counted only when a page's header shows it (a callable)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, role_can
from ketacare.messaging.services import unread_count


def unread_messages(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    actor = actor_from_request(request)
    if not actor.role or not role_can(actor.role, Action.MESSAGE_VIEW):
        return {}
    return {"can_message": True, "unread_messages": lambda: unread_count(actor)}
