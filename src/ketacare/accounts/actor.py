"""Who is acting, where, and in which request: what every service and audit entry needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ketacare.accounts.models import User
    from ketacare.clinics.models import Clinic


@dataclass(frozen=True)
class Actor:
    user: User | None
    clinic: Clinic | None
    role: str
    request_id: str = ""
    ip: str | None = None
    # Objects whose read this actor's request has already audited: one entry per object per
    # request, however many pages, services and fragments read it (patients.gate).
    audited_reads: set[str] = field(default_factory=set, compare=False, repr=False)

    @property
    def label(self) -> str:
        return self.user.email if self.user is not None else "system"


def system_actor(clinic: Clinic | None = None, reason: str = "system") -> Actor:
    """The actor for command-line work (demo loading, imports): no user, role 'system'."""
    return Actor(user=None, clinic=clinic, role="system", request_id=reason)
