"""Shared set-up of the run-sheet tests: an esketamine session started an hour ago, clinic
times as the nurse types them, a lot in the controlled-substance log."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.controlled import services as controlled
from ketacare.rems.models import RemsEnrollment
from ketacare.rems.services import enroll
from ketacare.sessions import services
from ketacare.sessions.dose import DoseGiven
from ketacare.sessions.models import DosingSession
from ketacare.sessions.predose import SessionStart


def actor(world, role: str = "nurse", clinic: str = "a") -> Actor:  # type: ignore[no-untyped-def]
    users = world.users_a if clinic == "a" else world.users_b
    return Actor(users[role], getattr(world, f"clinic_{clinic}"), role)


def started_session(world, route: str = "esketamine", minutes_ago: int = 60) -> DosingSession:  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {
        "route": route, "systolic_mmhg": 124, "diastolic_mmhg": 78, "heart_rate_bpm": 70,
        "spo2_percent": 98, "pregnancy": "not pregnant",
    }  # fmt: skip
    if route == "esketamine":
        fields["dose_mg"] = 56
        if not RemsEnrollment.objects.filter(patient=world.patient_a).exists():
            enroll(actor(world), world.patient_a.public_id)  # the REMS: before the first dose
    else:
        fields.update(dose_mg_per_kg=0.5, infusion_minutes=40)
    session = services.start_session(
        actor(world), world.patient_a.public_id, SessionStart.from_fields(fields)
    )
    DosingSession.objects.filter(pk=session.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    session.refresh_from_db()
    return session


def clinic_time(world, minutes_ago: int) -> time:  # type: ignore[no-untyped-def]
    """The clinic's HH:MM some minutes ago, as the nurse types it."""
    now = timezone.now().astimezone(ZoneInfo(world.clinic_a.time_zone))
    return (now - timedelta(minutes=minutes_ago)).time().replace(second=0, microsecond=0)


def esketamine_dose(world, gap_minutes: int = 5, devices: int = 2) -> DoseGiven:  # type: ignore[no-untyped-def]
    first = 50
    times = tuple(clinic_time(world, first - n * gap_minutes) for n in range(devices))
    return DoseGiven(
        product="esketamine", route="esketamine", dose_mg=28.0 * devices,
        started=times[0], stopped=times[-1], device_times=times,
    )  # fmt: skip


def esketamine_lot(world, quantity: int = 10, expires_on: date | None = None, lot: str = "ES-1"):  # type: ignore[no-untyped-def]
    expiry = expires_on or timezone.localdate() + timedelta(days=200)
    receipt = controlled.Receipt("esketamine", lot, expiry, Decimal(quantity), "Wholesaler Inc")
    return controlled.receive(actor(world), receipt).stock


# What a nurse enters on the REMS Patient Monitoring Form for a quiet session.
REMS_ANSWERS = {
    "monitoring_hcp_phone": "(555) 010-2000", "setting_address": "1 Main St, Albany NY",
    "lot_number": "ES-1", "ready_to_leave_minutes": "100", "bp_40_min": "138/86",
    "bp_predischarge": "126/80", "sedation": "no", "dissociation": "yes",
    "respiratory_depression": "no", "serious_adverse_event": "no",
}  # fmt: skip


def complete_rems_form(world, session) -> None:  # type: ignore[no-untyped-def]
    """Fill what the esketamine session's REMS form still lacks, as signing requires."""
    from ketacare.rems import services as rems

    missing = {field.key for field in rems.missing_fields(actor(world), session)}
    answers = {key: value for key, value in REMS_ANSWERS.items() if key in missing}
    if answers:
        rems.save_answers(actor(world), session, answers)
