"""What the clinic needs today, from every app, for one actor: the day's visits with each
dosing session's state, sessions under way, open safety alerts, referrals waiting, count
discrepancies, unsigned counselling notes, esketamine REMS forms due (counts), boosters due
and futility reviews (stored states, not computed here). Each part only for the roles that
may see it; each list is bounded and every list of names is one audited read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, Role, role_can
from ketacare.appointments import services as calendar
from ketacare.appointments.models import Kind
from ketacare.athome.reads import TodayLines, today_lines
from ketacare.audit.services import record
from ketacare.clinical.clinic_settings import DEFAULT_MONITORING
from ketacare.clinical.telehealth import FlexibilityNotice, flexibility_notice
from ketacare.clinics.monitoring_limits import monitoring_settings
from ketacare.controlled import services as controlled
from ketacare.counselling.models import CounsellingSession
from ketacare.measures.models import SafetyAlert
from ketacare.referrals import services as referrals
from ketacare.rems import services as rems
from ketacare.sessions import observation, visit_states
from ketacare.sessions.models import DosingSession, SessionStatus, VitalSignsReading
from ketacare.telehealth import services as telehealth
from ketacare.treatment.models import OutcomeState
from ketacare.treatment.services.follow_ups import open_follow_ups

LIMIT = 50  # a day's lines; more is a sign to use the full lists they link to

# Which part each role sees first (the nurse on sessions, the therapist on counselling,
# front desk on visits and referrals); parts a role may not see are left out anyway.
FIRST = {
    Role.NURSE: ["overdue", "sessions", "alerts", "visits"],
    Role.PRESCRIBER: ["alerts", "overdue", "sessions", "futility", "boosters", "visits"],
    Role.THERAPIST: ["drafts", "visits", "alerts"],
    Role.FRONT_DESK: ["visits", "referrals"],
    Role.CLINIC_ADMIN: ["visits", "discrepancies", "referrals"],
}


@dataclass
class Today:
    order: list[str] = field(default_factory=list)
    visits: list[dict[str, Any]] | None = None
    sessions: list[dict[str, Any]] | None = None  # each session under way with its state
    overdue: list[dict[str, Any]] | None = None
    alerts: list[SafetyAlert] | None = None
    referrals: int | None = None
    discrepancies: list[Any] | None = None
    drafts: list[CounsellingSession] | None = None
    rems: dict[str, int] | None = None
    boosters: list[OutcomeState] | None = None
    futility: list[OutcomeState] | None = None
    can_check_in: bool = False
    can_start: bool = False
    athome: TodayLines | None = None
    telehealth_notice: FlexibilityNotice | None = None  # prescribers: H12 runs out


def _visits(actor: Actor) -> list[dict[str, Any]]:
    today = timezone.localdate()
    appointments = list(calendar.between(actor, today, 1)[:LIMIT])
    started = {}
    if role_can(actor.role, Action.SESSION_VIEW):
        # A bound on the column itself (not on its date) so the index on (clinic, patient,
        # started_at) reads the day's sessions only, not each patient's years of them.
        since = datetime.combine(
            today - timedelta(days=1), time.min, timezone.get_current_timezone()
        )
        sessions = (
            DosingSession.objects.for_actor(actor, Action.SESSION_VIEW)
            .filter(patient_id__in=[a.patient_id for a in appointments], started_at__gte=since)
            .select_related("administration")
        )
        # Today's session of the visit: one begun today, one still open since last night, or
        # one that crossed midnight and was discharged today (yesterday's discharged session
        # is not today's visit).
        midnight = datetime.combine(today, time.min, timezone.get_current_timezone())
        started = {
            s.patient_id: s
            for s in sessions.order_by("started_at")
            if s.started_at >= midnight
            or s.status == SessionStatus.IN_PROGRESS
            or (s.discharged_at is not None and s.discharged_at >= midnight)
        }
    encounters = telehealth.encounter_progress(actor, appointments)  # no note read
    return [
        {"appointment": a, "session": started.get(a.patient_id) if a.kind == Kind.DOSING else None,
         "encounter": encounters.get(a.pk)}
        for a in appointments
    ]  # fmt: skip


def _overdue(
    sessions: list[DosingSession], readings: dict[int, list[VitalSignsReading]], settings: Any
) -> list[dict[str, Any]]:
    """Sessions under way whose next planned vital-sign reading is overdue, most overdue
    first, from the readings and settings read once for the whole page."""
    now = timezone.now()
    late = []
    for s in sessions:
        minutes = [int((r.taken_at - s.started_at).total_seconds() // 60) for r in readings[s.pk]]
        found = observation.next_reading(s, minutes, settings, now)
        if found and found[0].overdue:
            late.append({"session": s, "minute": found[0].minute, "due_at": found[1],
                         "late_minutes": int((now - found[1]).total_seconds() // 60)})  # fmt: skip
    return sorted(late, key=lambda row: row["due_at"])


def _states(actor: Actor, today: Today, under_way: list[DosingSession]) -> None:
    """Each visit's state and each session's (clinical/visit_state.py), and the overdue
    readings. For the roles that see sessions, one read of all their readings and one of
    the clinic's limits: the same queries with no session as with fifty."""
    readings: dict[int, list[VitalSignsReading]] = {}
    settings = DEFAULT_MONITORING  # not read without a session: a visit's own state
    if today.sessions is not None:
        sessions = [v["session"] for v in today.visits or [] if v["session"] is not None]
        readings = visit_states.readings_of({s.pk: s for s in [*sessions, *under_way]}.values())
        assert actor.clinic is not None
        settings = monitoring_settings(actor.clinic.pk)
    now = timezone.now()
    for visit in today.visits or []:
        checked_in = visit["appointment"].checked_in_at is not None
        visit["state"] = visit_states.visit_state(
            checked_in, visit["session"], readings, settings, now
        )
        if visit["encounter"] is not None:  # a video visit under way or done
            visit["state"] = visit["encounter"].state
    if today.sessions is not None:
        today.sessions = [
            {"session": s, "state": visit_states.visit_state(True, s, readings, settings, now)}
            for s in under_way
        ]
        today.overdue = _overdue(under_way, readings, settings)


def today_for(actor: Actor) -> Today:
    def can(action: str) -> bool:
        return role_can(actor.role, action)

    today = Today(can_check_in=can(Action.APPOINTMENT_CHECK_IN), can_start=can(Action.SESSION_RUN))
    if can(Action.CALENDAR_VIEW):
        today.visits = _visits(actor)
    under_way: list[DosingSession] = []
    if can(Action.SESSION_VIEW):
        under_way = list(
            DosingSession.objects.for_actor(actor, Action.SESSION_VIEW)
            .filter(status=SessionStatus.IN_PROGRESS)
            .select_related("patient", "administration")
            .order_by("started_at")[:LIMIT]
        )
        today.sessions = []
    _states(actor, today, under_way)
    if can(Action.ALERT_ACKNOWLEDGE):
        today.alerts = list(
            SafetyAlert.objects.for_actor(actor, Action.ALERT_ACKNOWLEDGE)
            .filter(acknowledged_at__isnull=True)
            .select_related("patient")
            .order_by("raised_at")[:LIMIT]
        )
    if can(Action.SESSION_VIEW) and can(Action.PLAN_VIEW):
        found = open_follow_ups(actor, audit=False)  # audited below with the other names
        today.boosters, today.futility = found.boosters, found.futility
    if can(Action.TELEHEALTH_RECORD):
        today.telehealth_notice = flexibility_notice(timezone.localdate())
    if can(Action.AT_HOME_VIEW):
        today.athome = today_lines(actor)  # under way and flagged at-home sessions
    if can(Action.REFERRAL_VIEW):
        today.referrals = referrals.queue(actor).count()  # a count: no names shown
    if can(Action.CONTROLLED_VIEW):
        since = timezone.now() - timedelta(days=7)
        today.discrepancies = list(
            controlled.discrepancies(actor).filter(counted_at__gte=since).select_related("stock")
        )
    if can(Action.REMS_VIEW):
        today.rems = rems.due_counts(actor)  # counts: no names shown
    if can(Action.COUNSELLING_RECORD) and actor.user is not None:
        today.drafts = list(
            CounsellingSession.objects.for_actor(actor, Action.COUNSELLING_RECORD)
            .filter(therapist=actor.user, signed_at__isnull=True)
            .select_related("patient")[:LIMIT]
        )
    shown = {
        "sessions": [str(row["session"].patient.public_id) for row in today.sessions or []],
        "alerts": [str(a.patient.public_id) for a in today.alerts or []],
        "drafts": [str(d.patient.public_id) for d in today.drafts or []],
        "boosters": [str(b.patient.public_id) for b in today.boosters or []],
        "futility": [str(f.patient.public_id) for f in today.futility or []],
    }
    if today.athome is not None:
        shown["athome"] = [str(s.patient.public_id) for s in today.athome.shown_sessions]
    if any(shown.values()):
        record(actor, "read", "today", "", detail={"patients": shown})
    first = FIRST.get(Role(actor.role), []) if actor.role in Role.values else []
    parts = ["visits", "overdue", "sessions", "alerts", "drafts", "futility", "boosters",
             "referrals", "discrepancies"]  # fmt: skip
    parts.append("rems")
    parts.insert(parts.index("alerts") + 1, "athome")
    today.order = [p for p in first + parts if getattr(today, p) is not None]
    today.order = list(dict.fromkeys(today.order))
    return today
