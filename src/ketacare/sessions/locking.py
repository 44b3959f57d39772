"""What keeps a run sheet true under two nurses and after signing.

A signed session is locked: every write refuses it with a 409 and says that corrections are
amendments. A save that changes the session (dose, discharge, signature, amendment) names the
version it was made from; a conditional UPDATE moves the version on only if nobody saved in
between, so the later of two simultaneous saves is told to reload and overwrites nothing.
Appends that cannot overwrite anything (a reading, an adverse event, an assessment) are not
versioned: two nurses may record readings side by side.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from ketacare.sessions.models import DosingSession


class SessionConflict(ValidationError):
    """A refusal about the session's state rather than the input: HTTP 409."""

    http_status = 409


def refuse_if_signed(session: DosingSession) -> None:
    if session.signed_at is not None:
        signed = timezone.localtime(session.signed_at, ZoneInfo(session.clinic.time_zone))
        by = session.signed_by.full_name or session.signed_by.email if session.signed_by else ""
        raise SessionConflict(
            {
                "__all__": f"This session was signed{f' by {by}' if by else ''} on "
                f"{signed:%Y-%m-%d %H:%M} and is locked: record a correction as an amendment."
            }
        )


def claim_version(session: DosingSession, expected: int | None) -> None:
    """Move the version on, only from `expected` (None: an API client that does not check)."""
    rows = DosingSession.objects.filter(pk=session.pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if not rows.update(version=F("version") + 1):
        raise SessionConflict(
            {
                "version": "Someone else saved this session since you opened it: reload the "
                "page to see their changes, then save again. Nothing was saved."
            }
        )
    session.refresh_from_db(fields=["version"])
