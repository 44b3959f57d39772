"""The demo's signed run sheets (invented): the latest IV infusion, whose blood pressure rose
above the hold limit (the alert by the clinical core, acknowledged with what was done), and
the one before it, with a mild adverse event and the action taken; both signed, so locked.
Written at the sessions' own times like the rest of the demo history; loaded once."""

from __future__ import annotations

from datetime import timedelta

from ketacare.accounts.actor import Actor
from ketacare.audit.services import record
from ketacare.clinical_input import vital_signs
from ketacare.sessions import services
from ketacare.sessions.models import (
    AdverseEvent,
    AlertAcknowledgement,
    DosingSession,
    Severity,
)

# Above the default hold limit (180/100, K9): the reading the core turns into a hold alert.
HIGH_READING = {"systolic_mmhg": 184, "diastolic_mmhg": 98, "heart_rate_bpm": 92,
                "spo2_percent": 97}  # fmt: skip


def load_signed_run_sheets(nurse: Actor) -> None:
    clinic = nurse.clinic
    if AlertAcknowledgement.objects.filter(clinic=clinic).exists():  # loaded (other sessions
        return  # of the demo history are signed too)
    latest = list(
        DosingSession.objects.filter(clinic=clinic, route="iv").order_by("-started_at")[:2]
    )
    if len(latest) < 2:
        return
    held, nauseous = latest
    reading = services.new_reading(
        held, vital_signs(HIGH_READING), taken_at=held.started_at + timedelta(minutes=30),
        moaas=4, recorded_by=nurse.user,
    )  # fmt: skip
    AlertAcknowledgement.objects.create(
        clinic=held.clinic, reading=reading, acknowledged_by=nurse.user,
        acknowledged_at=reading.taken_at + timedelta(minutes=3),
        note="Infusion paused, prescriber called; the recheck was below the hold limit and "
        "the infusion resumed.",
    )  # fmt: skip
    event = AdverseEvent.objects.create(
        clinic=nauseous.clinic, session=nauseous, severity=Severity.MILD,
        observed_at=nauseous.started_at + timedelta(minutes=45), recorded_by=nurse.user,
        description="Nausea near the end of the infusion",
        action_taken="Antiemetic given per the standing order; settled before discharge",
    )  # fmt: skip
    for session, detail in ((held, {"reading": reading.pk}), (nauseous, {"event": event.pk})):
        record(nurse, "update", "dosing_session", session.public_id,
               patient_id=session.patient.public_id, detail={"demo": True, **detail})  # fmt: skip
        services.sign_session(nurse, session.public_id, version=None)
