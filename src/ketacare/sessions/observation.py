"""The session's clock: when a reading was taken, how long the patient has been watched,
which planned checks have no reading yet."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

from ketacare.clinical import monitoring
from ketacare.clinical.routes import Route
from ketacare.clinical.schedule_coverage import NextCheck, missing_checks, next_check
from ketacare.clinics.monitoring_limits import monitoring_settings
from ketacare.sessions.models import DosingSession


def reading_time(
    session: DosingSession, taken: time | None, now: datetime, field: str = "taken_at_time"
) -> datetime:
    """When a reading was taken: now, or the clinic-time HH:MM the nurse entered (today, or
    yesterday for a session that crossed midnight); never in the future, never before the
    session started (compared at the minute the form can express)."""
    if taken is None:
        return now
    zone = ZoneInfo(session.clinic.time_zone)
    today = datetime.combine(now.astimezone(zone).date(), taken.replace(second=0, microsecond=0))
    days = [today.replace(tzinfo=zone) + timedelta(days=shift) for shift in (-1, 0, 1)]
    started = session.started_at.replace(second=0, microsecond=0)
    valid = [at for at in days if started <= at <= now]
    if valid:
        return valid[-1]
    # Refused either way; the message follows the nearest reading of the time: 00:10 typed
    # at 23:50 is tomorrow's (in the future), not this morning's (before the start).
    if min(days, key=lambda at: abs(at - now)) > now:
        raise ValidationError({field: f"{taken:%H:%M} is in the future."})
    raise ValidationError(
        {field: f"{taken:%H:%M} is before the session started ({started.astimezone(zone):%H:%M})."}
    )


def missing_planned_checks(session: DosingSession) -> tuple[int, ...]:
    """Planned check minutes with no reading; minute 0 is the pre-dose check, always taken."""
    schedule = monitoring.vitals_schedule(
        session.route_enum,
        infusion_minutes=session.infusion_minutes or 40,
        settings=monitoring_settings(session.clinic_id),
    )
    planned = [check.minute for check in schedule]
    taken = [0, *(r.minute for r in session.readings.all())]
    return missing_checks(planned, taken)


def planned_minutes(session: DosingSession, settings: Any) -> list[int]:
    schedule = monitoring.vitals_schedule(
        session.route_enum, infusion_minutes=session.infusion_minutes or 40, settings=settings
    )
    return [check.minute for check in schedule]


def next_reading(
    session: DosingSession,
    taken_minutes: list[int] | None = None,
    settings: Any = None,
    now: datetime | None = None,
) -> tuple[NextCheck, datetime] | None:
    """The next planned reading and when it is due, for a session in progress. A list page
    passes the readings' minutes and the clinic's settings it fetched once for all rows."""
    if session.status != "in_progress":
        return None
    settings = settings or monitoring_settings(session.clinic_id)
    if taken_minutes is None:
        taken_minutes = [r.minute for r in session.readings.all()]
    elapsed = int(((now or timezone.now()) - session.started_at).total_seconds() // 60)
    found = next_check(planned_minutes(session, settings), [0, *taken_minutes], elapsed)
    if found is None:
        return None
    return found, session.started_at + timedelta(minutes=found.minute)


def during_infusion(session: DosingSession, at: Any) -> bool:
    """An IV reading taken before the infusion ends: rechecks are then every 10 min (K9)."""
    if session.route != Route.IV_RACEMIC or not session.infusion_minutes:
        return False
    return bool(at < session.started_at + timedelta(minutes=session.infusion_minutes))


def minutes_since_start(session: DosingSession) -> int:
    return max(0, int((timezone.now() - session.started_at).total_seconds() // 60))


def minutes_observed(session: DosingSession) -> int:
    """Esketamine from the first device, IM from the injection, IV from the infusion's end
    (DischargeInput's definition)."""
    start = session.started_at
    if session.route == Route.IV_RACEMIC and session.infusion_minutes:
        start += timedelta(minutes=session.infusion_minutes)
    return max(0, int((timezone.now() - start).total_seconds() // 60))
