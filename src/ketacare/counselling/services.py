"""Counselling use cases; pages and API share them. A note is written, then signed by its
therapist; a signed note is locked and only amended. Reading a note is its own audited read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, ActionDenied
from ketacare.audit.services import record
from ketacare.clinical.dates import RATING_DATE
from ketacare.clinical_input import plausible_date
from ketacare.counselling.models import Amendment, CounsellingSession, Kind
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession

# A data-entry bound, not a clinical number: a longer "session" is a typo (hours for minutes).
MAX_MINUTES = 480


@dataclass(frozen=True)
class CounsellingEntry:
    kind: str
    held_at: datetime
    duration_minutes: int
    note: str
    dosing_session_id: Any = None
    sign: bool = False


def _check(entry: CounsellingEntry) -> None:
    if entry.kind not in Kind.values:
        raise ValidationError({"kind": "Choose preparation, integration or other."})
    if not 1 <= entry.duration_minutes <= MAX_MINUTES:
        raise ValidationError({"duration_minutes": f"Between 1 and {MAX_MINUTES} minutes."})
    if entry.held_at > timezone.now():
        raise ValidationError({"held_at": "A session is written up after it took place."})
    plausible_date("held_at", entry.held_at, RATING_DATE)
    if not entry.note.strip():
        raise ValidationError({"note": "Write the note (it can be signed later)."})


@transaction.atomic
def record_session(actor: Actor, patient_id: Any, entry: CounsellingEntry) -> CounsellingSession:
    patient = get_for(actor, Patient, patient_id, Action.COUNSELLING_RECORD)
    _check(entry)
    dosing = None
    if entry.dosing_session_id:
        dosing = get_for(actor, DosingSession, entry.dosing_session_id, Action.SESSION_VIEW)
        if dosing.patient_id != patient.pk:
            raise ValidationError({"dosing_session": "That dosing session is another patient's."})
    saved = CounsellingSession.objects.create(
        clinic=patient.clinic, patient=patient, kind=entry.kind, dosing_session=dosing,
        held_at=entry.held_at, duration_minutes=entry.duration_minutes, note=entry.note.strip(),
        therapist=actor.user, signed_at=timezone.now() if entry.sign else None,
    )  # fmt: skip
    record(actor, "create", "counselling_session", saved.public_id, patient_id=patient.public_id,
           detail={"kind": entry.kind, "signed": entry.sign})  # fmt: skip
    return saved


def _own_draft(actor: Actor, session_id: Any) -> CounsellingSession:
    session = get_for(actor, CounsellingSession, session_id, Action.COUNSELLING_RECORD, lock=True)
    if session.therapist_id != (actor.user.pk if actor.user else None):
        raise ActionDenied("Only the therapist who wrote the note may change or sign it.")
    if session.signed_at is not None:
        raise ValidationError({"note": "The note is signed: add an amendment instead."})
    return session


@transaction.atomic
def revise_draft(actor: Actor, session_id: Any, note: str) -> CounsellingSession:
    session = _own_draft(actor, session_id)
    if not note.strip():
        raise ValidationError({"note": "Write the note."})
    session.note = note.strip()
    session.save(update_fields=["note"])
    record(actor, "update", "counselling_session", session.public_id,
           patient_id=session.patient.public_id, detail={"draft": True})  # fmt: skip
    return session


@transaction.atomic
def sign(actor: Actor, session_id: Any) -> CounsellingSession:
    session = _own_draft(actor, session_id)
    session.signed_at = timezone.now()
    session.save(update_fields=["signed_at"])
    record(actor, "update", "counselling_session", session.public_id,
           patient_id=session.patient.public_id, detail={"signed": True})  # fmt: skip
    return session


@transaction.atomic
def amend(actor: Actor, session_id: Any, text: str) -> Amendment:
    session = get_for(actor, CounsellingSession, session_id, Action.COUNSELLING_RECORD, lock=True)
    if session.signed_at is None:
        raise ValidationError({"text": "The note is not signed yet: revise the draft instead."})
    if not text.strip():
        raise ValidationError({"text": "Write the amendment."})
    amendment = Amendment.objects.create(session=session, text=text.strip(), author=actor.user)
    record(actor, "update", "counselling_session", session.public_id,
           patient_id=session.patient.public_id, detail={"amendment": amendment.pk})  # fmt: skip
    return amendment


@transaction.atomic
def read_note(actor: Actor, session_id: Any) -> CounsellingSession:
    """The note itself: therapist and prescriber only, each read audited."""
    return get_for(actor, CounsellingSession, session_id, Action.COUNSELLING_NOTES)


def sessions_of(actor: Actor, patient: Patient) -> list[CounsellingSession]:
    """When sessions took place (not their notes), for a patient already read via the gate."""
    rows = CounsellingSession.objects.for_actor(actor, Action.COUNSELLING_VIEW)
    return list(rows.filter(patient=patient).select_related("therapist", "dosing_session"))


@transaction.atomic
def session_page(
    actor: Actor, patient_id: Any, limit: int, offset: int
) -> tuple[list[CounsellingSession], int]:
    patient = get_for(actor, Patient, patient_id, Action.COUNSELLING_VIEW)  # the audited read
    rows = CounsellingSession.objects.for_actor(actor, Action.COUNSELLING_VIEW).filter(
        patient=patient
    )
    return list(rows[offset : offset + limit]), rows.count()
