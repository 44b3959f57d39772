"""A second staff member's password typed on someone else's screen (a witnessed waste).

It is a login in all but name, so it gets the login's limit: after AXES_FAILURE_LIMIT
failures for one typed name, or by one acting user, within AXES_COOLOFF_TIME, every attempt
is refused until the window has passed, whatever is typed (a right password included, so
guessing learns nothing). Counted in Django's cache, shared by every worker in production.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from ketacare.accounts.login_throttle import throttle_name
from ketacare.accounts.models import User


class TooManyWitnessAttempts(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"Too many wrong witness passwords: try again in {minutes} minutes.")
        self.minutes = minutes


def _window() -> int:
    return max(60, int(float(settings.AXES_COOLOFF_TIME) * 3600))


def _keys(acting_user: User | None, email: str) -> list[str]:
    slot = int(time.time() // _window())
    return [
        f"witness-fail:name:{throttle_name(email)}:{slot}",
        f"witness-fail:by:{getattr(acting_user, 'pk', None)}:{slot}",
    ]


def verify(acting_user: User | None, email: str, password: str) -> User | None:
    """The active user with this email and password, or None; raises when over the limit."""
    keys = _keys(acting_user, email)
    if any(cache.get(key, 0) >= settings.AXES_FAILURE_LIMIT for key in keys):
        raise TooManyWitnessAttempts(max(1, _window() // 60))
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is not None and user.check_password(password):
        return user
    for key in keys:
        cache.add(key, 0, timeout=_window() + 1)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=_window() + 1)
    return None
