"""Password change and reset: what must happen around the new password, and its audit."""

from __future__ import annotations

from django.db import transaction

from ketacare.accounts.actor import Actor
from ketacare.accounts.login_throttle import clear_account_lock
from ketacare.accounts.models import User, UserSession
from ketacare.accounts.services.users import end_all_sessions
from ketacare.audit.services import record


@transaction.atomic
def password_changed(actor: Actor, user: User, old_session_key: str, new_session_key: str) -> None:
    """After a change: every other session and every API token ends (ASVS 7.4.3); the
    session in use goes on under its new key."""
    ended = end_all_sessions(actor, user, keep_session_key=old_session_key)
    UserSession.objects.filter(session_key=old_session_key).update(session_key=new_session_key)
    record(actor, "password_change", "user", user.pk, detail={"other_sessions_ended": ended})


@transaction.atomic
def password_was_reset(actor: Actor, user: User) -> None:
    """After a reset by email: no session or token made with the old password survives,
    and a lockout from the forgotten password's failures is lifted."""
    ended = end_all_sessions(actor, user)
    unlocked = clear_account_lock(user.email)
    detail = {"sessions_ended": ended, "lockouts_cleared": unlocked}
    record(actor, "password_reset", "user", user.pk, detail=detail)


def reset_requested(actor: Actor, user: User | None) -> None:
    """One entry for every request, known address or not (same work either way); the
    address typed is not kept, a stranger's typo is not ours to log."""
    record(actor, "reset_requested", "user", user.pk if user else "")
