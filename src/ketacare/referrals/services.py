"""Referral use cases: the public submission, the triage queue, and each triage decision.

Each is one transaction with its audit entries; the pages and the API call the same
functions. The public submission answers the same whatever is typed (a reference number),
so the forms reveal nothing about who is already a patient; the duplicate check on name
and date of birth happens in triage, for staff who may see patients.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, require, role_can
from ketacare.audit.services import record
from ketacare.clinics.models import Clinic
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.patients.services import create_patient
from ketacare.patients.validators import known_fields
from ketacare.referrals.models import (
    OPEN_STATUSES,
    PATIENT_FIELDS,
    PROVIDER_FIELDS,
    Referral,
    ReferralEvent,
    ReferralKind,
    ReferralStatus,
)
from ketacare.referrals.references import new_reference

PUBLIC_ROLE = "public"  # the audit log's role for a sender without a login
SELF_FIELDS = tuple(name for name in PATIENT_FIELDS if name != "diagnosis_codes")
FIELDS_BY_KIND = {
    ReferralKind.PROVIDER: PROVIDER_FIELDS + PATIENT_FIELDS,
    ReferralKind.SELF: SELF_FIELDS,
}
QUEUE_VIEWS = {
    "open": OPEN_STATUSES,
    "accepted": (ReferralStatus.ACCEPTED,),
    "declined": (ReferralStatus.DECLINED,),
    "all": tuple(ReferralStatus),
}
NOTE_MAX = 2000


def public_actor(clinic: Clinic, request_id: str = "", ip: str | None = None) -> Actor:
    """Who sends a public form: nobody logged in, acting towards one clinic."""
    return Actor(user=None, clinic=clinic, role=PUBLIC_ROLE, request_id=request_id, ip=ip)


def _submitted(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return known_fields(data, FIELDS_BY_KIND[ReferralKind(kind)])


def _unused_reference(kind: str) -> str:
    for _ in range(5):  # 50 random bits: a clash is a curiosity, but it is checked
        reference = new_reference(kind)
        if not Referral.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("Could not draw an unused reference number.")


@transaction.atomic
def submit(sender: Actor, kind: str, data: dict[str, Any]) -> Referral:
    """Store a referral or consultation request in the sender's clinic's triage queue."""
    assert sender.clinic is not None
    referral = Referral(clinic=sender.clinic, kind=ReferralKind(kind), **_submitted(kind, data))
    referral.reference = _unused_reference(kind)
    referral.full_clean()
    referral.save()
    record(sender, "create", "referral", referral.public_id, detail={"kind": kind})
    return referral


def pretend_reference(kind: str) -> str:
    """What a filled honeypot gets: a reference like any other; nothing is stored."""
    return new_reference(ReferralKind(kind))


def queue(actor: Actor, view: str = "open") -> QuerySet[Referral]:
    statuses = QUEUE_VIEWS.get(view, OPEN_STATUSES)
    return Referral.objects.for_actor(actor, Action.REFERRAL_VIEW).filter(status__in=statuses)


@transaction.atomic
def queue_page(
    actor: Actor, view: str = "open", limit: int = 50, offset: int = 0
) -> tuple[list[Referral], int]:
    """A page of the triage queue, oldest first: an audited read naming every referral shown."""
    require(actor, Action.REFERRAL_VIEW)
    rows = queue(actor, view)
    shown = list(rows[offset : offset + limit])
    if shown:
        record(actor, "read", "referral_list", "", detail={
            "view": view, "referrals": [str(r.public_id) for r in shown],
        })  # fmt: skip
    return shown, rows.count()


@transaction.atomic
def view_referral(actor: Actor, referral_id: Any, action: str = Action.REFERRAL_VIEW) -> Referral:
    return get_for(actor, Referral, referral_id, action)


def referrals_of(actor: Actor, patient: Patient, limit: int = 5) -> list[Referral]:
    """The referrals that brought this patient in, newest first, for the chart (whose patient
    is already an audited read); none for a role that may not read referrals."""
    rows = Referral.objects.for_actor(actor, Action.REFERRAL_VIEW).filter(patient=patient)
    return list(rows.order_by("-received_at")[:limit])


def may_triage(actor: Actor) -> bool:
    return role_can(actor.role, Action.REFERRAL_TRIAGE)


def history(referral: Referral) -> list[ReferralEvent]:
    """The referral's state changes, for a page whose referral is already an audited read."""
    return list(referral.events.select_related("by"))


def _same_person_lookup(referral: Referral) -> dict[str, Any]:
    return {
        "first_name__iexact": referral.first_name.strip(),
        "last_name__iexact": referral.last_name.strip(),
        "date_of_birth": referral.date_of_birth,
    }


@transaction.atomic
def candidates(actor: Actor, referral: Referral) -> list[Patient]:
    """Patients already registered with the referral's name and date of birth, for staff
    to choose from (an audited read of each one shown)."""
    if not referral.is_open:
        return []
    found = list(
        Patient.objects.for_actor(actor, Action.PATIENT_VIEW).filter(
            **_same_person_lookup(referral)
        )[:10]
    )
    if found:
        record(actor, "read", "patient_list", "", detail={
            "duplicate_check_for_referral": str(referral.public_id),
            "patients": [str(p.public_id) for p in found],
        })  # fmt: skip
    return found


def registration_data(referral: Referral) -> dict[str, Any]:
    """The patient's registration as the referral fills it in; staff add MRN, sex, weight."""
    provider = ", ".join(
        part for part in (referral.referrer_name, referral.referrer_practice) if part
    )
    return {
        "first_name": referral.first_name,
        "last_name": referral.last_name,
        "date_of_birth": referral.date_of_birth,
        "state_of_residence": referral.state_of_residence,
        "phone": referral.phone,
        "email": referral.email,
        "referring_provider": provider[:200],
        "referring_provider_npi": referral.referrer_npi,
        "diagnosis_codes": list(referral.diagnosis_codes),
    }


def _open_for_triage(actor: Actor, referral_id: Any) -> Referral:
    """The referral, locked: two people deciding at once cannot both decide."""
    referral = get_for(actor, Referral, referral_id, Action.REFERRAL_TRIAGE, lock=True)
    if not referral.is_open:
        raise ValidationError({"status": (
            f"This referral is already {referral.get_status_display().lower()}; "
            "nothing more can be decided on it."
        )})  # fmt: skip
    return referral


def _move(
    actor: Actor, referral: Referral, to: ReferralStatus, note: str = "",
    patient: Patient | None = None,
) -> Referral:  # fmt: skip
    before = referral.status
    referral.status = to
    referral.decided_by, referral.decided_at = actor.user, timezone.now()
    referral.decision_note = note
    if patient is not None:
        referral.patient = patient
    referral.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "patient"])
    ReferralEvent.objects.create(
        referral=referral, clinic_id=referral.clinic_id, by=actor.user,
        from_status=before, to_status=to, note=note,
    )  # fmt: skip
    detail: dict[str, Any] = {"status": {"from": before, "to": str(to)}}
    record(actor, "update", "referral", referral.public_id,
           patient_id=patient.public_id if patient is not None else "", detail=detail)  # fmt: skip
    return referral


def _required_note(field: str, text: str, ask: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: ask})
    if len(text) > NOTE_MAX:
        raise ValidationError({field: f"Keep it under {NOTE_MAX} characters (was {len(text)})."})
    if "\x00" in text:
        raise ValidationError({field: "Text may not contain NUL characters."})
    return text


@transaction.atomic
def accept_as_new_patient(
    actor: Actor, referral_id: Any, data: dict[str, Any], confirmed: Iterable[str] = ()
) -> tuple[Referral, Patient]:
    """Register the referred person as a patient (through patient registration, with its
    warnings: a name and date of birth already registered must be confirmed) and accept."""
    referral = _open_for_triage(actor, referral_id)
    patient = create_patient(actor, {**registration_data(referral), **data}, confirmed)
    return _move(actor, referral, ReferralStatus.ACCEPTED, patient=patient), patient


@transaction.atomic
def accept_linking(actor: Actor, referral_id: Any, patient_id: Any) -> tuple[Referral, Patient]:
    """Accept for a patient already registered with the referral's name and date of birth."""
    referral = _open_for_triage(actor, referral_id)
    if not patient_id:
        raise ValidationError({"patient_id": "Choose the registered patient to link."})
    patient = get_for(actor, Patient, patient_id, Action.PATIENT_VIEW)
    same = Patient.objects.filter(pk=patient.pk, **_same_person_lookup(referral)).exists()
    if not same:
        raise ValidationError({"patient_id": (
            "Link only a patient registered with the referral's name and date of birth "
            f"({referral.full_name}, {referral.date_of_birth:%Y-%m-%d}); otherwise register "
            "a new patient."
        )})  # fmt: skip
    return _move(actor, referral, ReferralStatus.ACCEPTED, patient=patient), patient


@transaction.atomic
def decline(actor: Actor, referral_id: Any, reason: str) -> Referral:
    referral = _open_for_triage(actor, referral_id)
    text = _required_note("reason", reason, "Say why the referral is declined.")
    return _move(actor, referral, ReferralStatus.DECLINED, note=text)


@transaction.atomic
def ask_for_more(actor: Actor, referral_id: Any, note: str) -> Referral:
    referral = _open_for_triage(actor, referral_id)
    text = _required_note("note", note, "Say what more is needed, and from whom.")
    return _move(actor, referral, ReferralStatus.MORE_INFO, note=text)
