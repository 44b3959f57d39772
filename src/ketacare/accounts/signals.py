"""Log logins, logouts and failures in the audit log; remember sessions for 'log out everywhere'."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from ketacare.accounts.actor import Actor
from ketacare.accounts.current import client_ip
from ketacare.accounts.middleware import LOGIN_TIME_KEY
from ketacare.accounts.models import User, UserSession
from ketacare.audit.services import record


def _actor(request: HttpRequest | None, user: User | None) -> Actor:
    return Actor(
        user=user,
        clinic=None,
        role="",
        request_id=getattr(request, "request_id", "") if request else "",
        ip=client_ip(request) if request else None,
    )


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME_KEY] = time.time()
        request.session.save()
        UserSession.objects.update_or_create(
            session_key=request.session.session_key,
            defaults={"user": user, "ip": client_ip(request)},
        )
    record(_actor(request, user), "login", "user", user.pk)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    if request is not None and getattr(request, "session", None) is not None:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    record(_actor(request, user), "logout", "user", user.pk)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:  # fmt: skip
    """Names the account that was tried, never the text typed: that may be a password typed
    into the email box, or a stranger's address."""
    typed = str(credentials.get("username") or credentials.get("email") or "")
    account = User.objects.filter(email__iexact=typed).values_list("pk", flat=True).first()
    detail = {"account": "known" if account else "unknown"}
    record(_actor(request, None), "login_failed", "user", account or "", detail=detail)
