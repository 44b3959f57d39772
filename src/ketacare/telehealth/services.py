"""Telehealth use cases; pages and API share them. A video visit is a booked appointment of
the telehealth kind; its link points at the clinic's own video tool. The prescriber starts
the encounter (telehealth consent current), writes the note and what a prescribing encounter
must record, and signs it: the clinical core (clinical/telehealth.py; H12, H14) says whether
it may be signed. A signed note is locked; corrections are amendments."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, ActionDenied
from ketacare.appointments.models import Appointment, Kind, Status
from ketacare.appointments.services import feed_action
from ketacare.audit.services import record
from ketacare.clinical.dates import MEDICATION_DATE
from ketacare.clinical.telehealth import (
    Modality,
    PrescribingEncounter,
    registration_for,
    signing_refusals,
    unlicensed_location,
)
from ketacare.clinical_input import plausible_date
from ketacare.clinics.models import MEETING_PLACEHOLDER
from ketacare.clinics.us_states import US_STATES
from ketacare.consent.services import telehealth_consent_missing
from ketacare.patients.gate import get_for
from ketacare.telehealth.models import EncounterAmendment, TelehealthEncounter
from ketacare.telehealth.registrations import registrations_of


def meeting_code(appointment: Appointment) -> str:
    """The visit's own code in the video tool's address: derived from a server secret, so it
    cannot be guessed from anything shown elsewhere (and needs no column)."""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"meeting:{appointment.public_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:20]


def meeting_link(appointment: Appointment) -> str:
    """The address of the visit in the clinic's video tool; empty until the clinic sets it."""
    template = appointment.clinic.video_link_template
    if not template or appointment.kind != Kind.TELEHEALTH:
        return ""
    return template.replace(MEETING_PLACEHOLDER, meeting_code(appointment))


def video_visit(actor: Actor, appointment_id: Any) -> Appointment:
    """One video visit with its audited read: staff who see the calendar, or the patient
    their own (the gate scopes a patient to their own appointments)."""
    appointment = get_for(actor, Appointment, appointment_id, feed_action(actor.role))
    if appointment.kind != Kind.TELEHEALTH:
        raise ValidationError({"appointment": "This appointment is not a video visit."})
    return appointment


def upcoming_video_visits(actor: Actor, patient: Any) -> list[Appointment]:
    """A patient's booked video visits from now on (a patient already read via the gate)."""
    rows = Appointment.objects.for_actor(actor, feed_action(actor.role)).filter(
        patient=patient, kind=Kind.TELEHEALTH, status=Status.BOOKED,
        ends_at__gte=timezone.now(),
    )  # fmt: skip
    return list(rows.select_related("clinic")[:5])


@dataclass(frozen=True)
class EncounterProgress:
    """Where a video visit's encounter stands, without its note: every role that sees the
    visit may know that it started and whether its note is signed (front desk reads no
    clinical note: minimum necessary, HIPAA 164.502(b), as in accounts/roles.py)."""

    public_id: UUID
    started_at: datetime
    signed_at: datetime | None
    prescriber: str

    @property
    def state(self) -> str:
        return "note signed" if self.signed_at else "encounter started"


def encounter_progress(
    actor: Actor, appointments: Iterable[Appointment]
) -> dict[int, EncounterProgress]:
    """Each started encounter of these appointments (already read through the gate), by
    appointment: one query whatever their number (an empty list still asks, so a page's
    query count never depends on the day), reading no note."""
    ids = [a.pk for a in appointments if a.kind == Kind.TELEHEALTH] or [0]
    rows = TelehealthEncounter.objects.for_actor(actor, feed_action(actor.role)).filter(
        appointment_id__in=ids
    ).values_list("appointment_id", "public_id", "started_at", "signed_at",
                  "prescriber__full_name", "prescriber__email")  # fmt: skip
    return {
        appointment: EncounterProgress(public_id, started, signed, name or email)
        for appointment, public_id, started, signed, name, email in rows
    }


@transaction.atomic
def start_encounter(
    actor: Actor, appointment_id: Any, patient_state: str = ""
) -> TelehealthEncounter:
    """The prescriber opens the visit's note; the telehealth consent must be current now, and
    the patient must be in a state where the clinic is licensed (H14, H15). Where the patient
    is at the visit is asked at the start; not given, it is their state of residence."""
    appointment = get_for(actor, Appointment, appointment_id, Action.TELEHEALTH_RECORD, lock=True)
    if appointment.kind != Kind.TELEHEALTH:
        raise ValidationError({"appointment": "Only a video visit has a telehealth encounter."})
    existing = TelehealthEncounter.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing
    if appointment.status != Status.BOOKED:
        raise ValidationError({"appointment": "The appointment was cancelled."})
    patient = appointment.patient
    missing = telehealth_consent_missing(patient)
    if missing:
        raise ValidationError({"consent": f"{missing} Sign it before the video visit starts."})
    located = patient_state or patient.state_of_residence
    if located not in US_STATES:
        raise ValidationError({"patient_state": "Choose a US state (two-letter code)."})
    unlicensed = unlicensed_location(located, appointment.clinic.licensed_states or ())
    if unlicensed:
        raise ValidationError({"patient_state": unlicensed})
    assert actor.user is not None
    encounter = TelehealthEncounter.objects.create(
        clinic=appointment.clinic, appointment=appointment, patient=patient,
        prescriber=actor.user, patient_state=located, pdmp_state=located,
    )  # fmt: skip
    record(actor, "create", "telehealth_encounter", encounter.public_id,
           patient_id=patient.public_id,
           detail={"appointment": str(appointment.public_id),
                   "patient_state": located})  # fmt: skip
    return encounter


def read_encounter(actor: Actor, encounter_id: Any) -> TelehealthEncounter:
    """The note itself: the care team's, each read audited (never the patient's)."""
    return get_for(actor, TelehealthEncounter, encounter_id, Action.TELEHEALTH_VIEW)


@dataclass(frozen=True)
class EncounterDraft:
    note: str = ""
    modality: str = ""
    patient_state: str = ""
    prescriber_state: str = ""
    prescribes: bool = False
    prescription: str = ""
    in_person_evaluation_on: date | None = None
    pdmp_state: str = ""
    pdmp_checked_on: date | None = None


def _check(draft: EncounterDraft) -> None:
    if draft.modality and draft.modality not in {m.value for m in Modality}:
        raise ValidationError({"modality": "Choose audio and video, or audio only."})
    for name in ("patient_state", "prescriber_state", "pdmp_state"):
        value = getattr(draft, name)
        if value and value not in US_STATES:
            raise ValidationError({name: "Choose a US state (two-letter code)."})
    for name in ("in_person_evaluation_on", "pdmp_checked_on"):
        value = getattr(draft, name)
        if value is not None:
            plausible_date(name, value, MEDICATION_DATE)
    for name in ("note", "prescription"):
        if "\x00" in getattr(draft, name):
            raise ValidationError({name: "Text may not contain NUL characters."})
    if draft.prescribes and not draft.prescription.strip():
        raise ValidationError({"prescription": "Say what is prescribed (medicine, dose, amount)."})


def _own_draft(actor: Actor, encounter_id: Any) -> TelehealthEncounter:
    encounter = get_for(
        actor, TelehealthEncounter, encounter_id, Action.TELEHEALTH_RECORD, lock=True
    )
    if actor.user is None or encounter.prescriber_id != actor.user.pk:
        raise ActionDenied("Only the prescriber who runs the encounter may change or sign it.")
    if encounter.signed_at is not None:
        raise ValidationError({"note": "The encounter is signed: add an amendment instead."})
    return encounter


@transaction.atomic
def save_draft(actor: Actor, encounter_id: Any, draft: EncounterDraft) -> TelehealthEncounter:
    encounter = _own_draft(actor, encounter_id)
    _check(draft)
    for field in fields(EncounterDraft):
        value = getattr(draft, field.name)
        setattr(encounter, field.name, value.strip() if isinstance(value, str) else value)
    encounter.save()
    record(actor, "update", "telehealth_encounter", encounter.public_id,
           patient_id=encounter.patient.public_id, detail={"draft": True})  # fmt: skip
    return encounter


def clinic_today(encounter: TelehealthEncounter) -> date:
    return timezone.localtime(timezone.now(), ZoneInfo(encounter.clinic.time_zone)).date()


def _as_core(encounter: TelehealthEncounter) -> PrescribingEncounter:
    return PrescribingEncounter(
        signed_on=clinic_today(encounter),
        modality=Modality(encounter.modality) if encounter.modality else None,
        patient_state=encounter.patient_state,
        prescriber_state=encounter.prescriber_state,
        in_person_evaluation_on=encounter.in_person_evaluation_on,
        pdmp_state=encounter.pdmp_state,
        pdmp_checked_on=encounter.pdmp_checked_on,
        registrations=registrations_of(encounter.clinic_id, encounter.prescriber_id),
    )


@transaction.atomic
def sign(actor: Actor, encounter_id: Any) -> TelehealthEncounter:
    """Lock the note. A prescribing encounter is signed only when the core finds nothing
    missing: its refusals come back on their fields, all at once."""
    encounter = _own_draft(actor, encounter_id)
    if not encounter.note.strip():
        raise ValidationError({"note": "Write the encounter note before signing."})
    if encounter.prescribes:
        core = _as_core(encounter)
        refusals = signing_refusals(core)
        if refusals:
            by_field: dict[str, list[str]] = {}
            for refusal in refusals:
                by_field.setdefault(refusal.field, []).append(refusal.reason)
            raise ValidationError(by_field)
        registration = registration_for(core)
        assert registration is not None  # no refusal means one is current
        encounter.dea_number, encounter.dea_state = registration.number, registration.state
    encounter.signed_at = timezone.now()
    encounter.save(update_fields=["signed_at", "dea_number", "dea_state"])
    record(actor, "update", "telehealth_encounter", encounter.public_id,
           patient_id=encounter.patient.public_id,
           detail={"signed": True, "prescribes": encounter.prescribes,
                   "dea_state": encounter.dea_state})  # fmt: skip
    return encounter


@transaction.atomic
def amend(actor: Actor, encounter_id: Any, text: str) -> EncounterAmendment:
    encounter = get_for(
        actor, TelehealthEncounter, encounter_id, Action.TELEHEALTH_RECORD, lock=True
    )
    if encounter.signed_at is None:
        raise ValidationError({"text": "The encounter is not signed yet: revise the draft."})
    if not text.strip() or "\x00" in text:
        raise ValidationError({"text": "Write the amendment (plain text)."})
    amendment = EncounterAmendment.objects.create(
        encounter=encounter, text=text.strip(), author=actor.user
    )
    record(actor, "update", "telehealth_encounter", encounter.public_id,
           patient_id=encounter.patient.public_id, detail={"amendment": amendment.pk})  # fmt: skip
    return amendment
