"""Demo messages (invented), for the at-home patient, whose demo login sees them in the
portal: their question about nausea after an at-home dose, answered by the nurse the next
morning (the answer not yet read), and a reminder the nurse started about the integration
session of their at-home program, not yet read either. Written directly with past times,
like the rest of the demo history (the services only date now), each write audited.
The nurse's answer gives no dose or number: none is sourced for it (domain/clinical.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Role
from ketacare.audit.services import record
from ketacare.messaging.models import Message, MessageThread, ThreadRead
from ketacare.patients.models import Patient


@dataclass(frozen=True)
class DemoMessage:
    from_patient: bool
    at: datetime
    text: str


NAUSEA_SUBJECT = "Nausea after my session"
REMINDER_SUBJECT = "Your integration session"


def _nausea(patient: Patient, today: datetime) -> list[DemoMessage]:
    return [
        DemoMessage(True, today - timedelta(days=2) + timedelta(hours=20, minutes=40), (
            "I felt queasy for a couple of hours after my at-home dose and nearly threw up. "
            "It has passed now. Is this normal, and should I do anything before the next one?"
        )),
        DemoMessage(False, today - timedelta(days=1) + timedelta(hours=8, minutes=35), (
            f"Thank you for telling us, {patient.first_name}, and I'm glad it has passed. "
            "Nausea is one of the side effects listed in your consent form, and your session "
            "report shows it too. Before the next session, keep to the fasting on your "
            "checklist and have your sitter keep water and a bowl nearby. I have asked the "
            "prescriber to review it; they may prescribe something against nausea to take "
            "beforehand. If you vomit and cannot keep fluids down, or feel faint, call the "
            "clinic. In an emergency call 911."
        )),
    ]  # fmt: skip


def _reminder(patient: Patient, now: datetime) -> list[DemoMessage]:
    return [
        DemoMessage(False, now - timedelta(hours=1), (
            f"Hello {patient.first_name}, a reminder that your at-home program includes a "
            "one-to-one integration session with your therapist after your sixth dose. It is "
            "a time to talk through what came up in your sessions and how daily life is "
            "going: notes or a journal help. The front desk will call you to book it; reply "
            "here if a day or time suits you best."
        )),
    ]  # fmt: skip


def load_messages(nurse: Actor, mrn: str) -> None:
    """Both threads for the patient with this MRN (with a portal login), once."""
    patient = Patient.objects.filter(clinic=nurse.clinic, mrn=mrn).first()
    if patient is None or patient.user_id is None:
        return
    if MessageThread.objects.filter(patient=patient).exists():
        return
    zone = ZoneInfo(patient.clinic.time_zone)
    today = datetime.combine(timezone.localdate(timezone=zone), time(0), zone)
    _thread(nurse, patient, NAUSEA_SUBJECT, _nausea(patient, today))
    _thread(nurse, patient, REMINDER_SUBJECT, _reminder(patient, timezone.now()))


def _thread(nurse: Actor, patient: Patient, subject: str, rows: list[DemoMessage]) -> None:
    started_by = patient.user if rows[0].from_patient else nurse.user
    thread = MessageThread.objects.create(
        clinic=patient.clinic, patient=patient, subject=subject, started_by=started_by,
        created_at=rows[0].at, last_message_at=rows[-1].at,
    )  # fmt: skip
    own = Actor(user=patient.user, clinic=nurse.clinic, role=Role.PATIENT, request_id="demo")
    record(own if rows[0].from_patient else nurse, "create", MessageThread.audit_type,
           thread.public_id, patient_id=patient.public_id, detail={"demo": True})  # fmt: skip
    for row in rows:
        message = Message.objects.create(
            clinic=patient.clinic, thread=thread, patient=patient,
            author=patient.user if row.from_patient else nurse.user,
            from_patient=row.from_patient, text=row.text, sent_at=row.at,
        )  # fmt: skip
        record(own if row.from_patient else nurse, "create", Message.audit_type, message.public_id,
               patient_id=patient.public_id, detail={"demo": True})  # fmt: skip
        # Each author has read up to their own message; the other side's answer is new.
        ThreadRead.objects.update_or_create(
            thread=thread, user=message.author, defaults={"read_up_to": row.at}
        )
