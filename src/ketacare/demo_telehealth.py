"""Demo telehealth: the clinic's video tool, the demo prescriber's DEA registrations in both
of the clinic's states, a video visit earlier today with its prescribing encounter signed
(the at-home patient, who signed the telehealth consent in the portal), and an upcoming
video visit for the portal's demo patient, whose link shows on their chart."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.appointments.models import Appointment, Kind
from ketacare.clinical.telehealth import licensed_in
from ketacare.consent.services import clinic_today
from ketacare.patients.models import Patient
from ketacare.telehealth import registrations, services
from ketacare.telehealth.models import DeaRegistration

VIDEO_TOOL = "https://meet.example.org/riverside-{meeting}"
# Synthetic numbers with a valid check digit (clinical/telehealth.py): no real registrant.
REGISTRATIONS = (("BP1234563", "NY"), ("BP7654329", "NJ"))
ENCOUNTER_MRN = "RKC-0007"  # the at-home patient of the consent demo (telehealth signed)
PORTAL_MRN = "RKC-0001"  # the demo patient login's own record


def load_telehealth(admin: Actor, prescriber: Actor) -> None:
    clinic = prescriber.clinic
    assert clinic is not None and prescriber.user is not None
    if DeaRegistration.objects.filter(clinic=clinic).exists():
        return
    if not clinic.video_link_template:
        clinic.video_link_template = VIDEO_TOOL
        clinic.save(update_fields=["video_link_template"])
    expires = clinic_today(clinic) + timedelta(days=700)
    for number, state in REGISTRATIONS:
        registrations.add_registration(
            admin, registrations.NewRegistration(prescriber.user.pk, number, state, expires)
        )
    now = timezone.now()
    seen = _visit(prescriber, ENCOUNTER_MRN, now - timedelta(hours=2))
    # A clinic made before the demo may not be licensed where the patient lives: then the
    # encounter is refused at its start (H15), and the demo shows the visit without it.
    if seen is not None and licensed_in(seen.patient.state_of_residence, clinic.licensed_states):
        _signed_encounter(prescriber, seen)
    _visit(prescriber, PORTAL_MRN, now + timedelta(days=2))


def _visit(prescriber: Actor, mrn: str, starts: datetime) -> Appointment | None:
    """Written as the demo history writes its past sessions (a visit earlier today is
    outside what booking allows)."""
    patient = Patient.objects.filter(clinic=prescriber.clinic, mrn=mrn).first()
    if patient is None:
        return None
    return Appointment.objects.create(
        clinic=patient.clinic, patient=patient, kind=Kind.TELEHEALTH, starts_at=starts,
        ends_at=starts + timedelta(minutes=30), staff=prescriber.user,
        booked_by=prescriber.user,
    )  # fmt: skip


def _signed_encounter(prescriber: Actor, visit: Appointment) -> None:
    encounter = services.start_encounter(prescriber, visit.public_id)
    today = clinic_today(visit.clinic)
    state = visit.patient.state_of_residence
    draft = services.EncounterDraft(
        note="Video visit before the next at-home block: mood and sleep better (PHQ-9 down "
        "since induction), no dissociation beyond the session window, BP log in range. "
        "Sitter confirmed. Renewed the at-home course.",
        modality="audio_video",
        patient_state=state,
        prescriber_state="NY",
        prescribes=True,
        prescription="ketamine ODT (compounded) 100 mg, 6 tablets for 6 sessions",
        in_person_evaluation_on=today - timedelta(days=90),
        pdmp_state=state,
        pdmp_checked_on=today,
    )
    services.save_draft(prescriber, encounter.public_id, draft)
    services.sign(prescriber, encounter.public_id)
