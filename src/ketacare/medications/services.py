"""Medication-list and allergy use cases; pages and API share them. Each write is one
transaction with its audit entry; every read goes through the gate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.audit.services import record
from ketacare.clinical.dates import MEDICATION_DATE
from ketacare.clinical.eligibility import Medicine
from ketacare.clinical_input import plausible_date
from ketacare.medications.models import OTHER, Allergy, Medication
from ketacare.patients.gate import get_for, page_of
from ketacare.patients.models import Patient


@dataclass(frozen=True)
class MedicationEntry:
    name: str
    dose: str = ""
    medicine_class: str = OTHER
    started_on: date | None = None
    stopped_on: date | None = None


@dataclass(frozen=True)
class AllergyEntry:
    substance: str
    reaction: str = ""


def _check_dates(started_on: date | None, stopped_on: date | None) -> None:
    for field, value in (("started_on", started_on), ("stopped_on", stopped_on)):
        if value is not None:
            plausible_date(field, value, MEDICATION_DATE)
    if started_on and stopped_on and stopped_on < started_on:
        raise ValidationError({"stopped_on": "A medicine cannot stop before it started."})


def _required_text(field: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: "This field is required."})
    return value


@transaction.atomic
def add_medication(actor: Actor, patient_id: Any, entry: MedicationEntry) -> Medication:
    patient = get_for(actor, Patient, patient_id, Action.MEDICATION_RECORD)
    _check_dates(entry.started_on, entry.stopped_on)
    medication = Medication(
        clinic=patient.clinic, patient=patient, name=_required_text("name", entry.name),
        dose=entry.dose.strip(), medicine_class=entry.medicine_class,
        started_on=entry.started_on, stopped_on=entry.stopped_on, recorded_by=actor.user,
    )  # fmt: skip
    medication.full_clean()
    medication.save()
    record(actor, "create", "medication", medication.public_id, patient_id=patient.public_id,
           detail={"class": medication.medicine_class})  # fmt: skip
    return medication


@transaction.atomic
def stop_medication(actor: Actor, medication_id: Any, stopped_on: date, reason: str) -> Medication:
    medication = get_for(actor, Medication, medication_id, Action.MEDICATION_RECORD, lock=True)
    if medication.stopped_on is not None:
        raise ValidationError({"stopped_on": f"Already stopped on {medication.stopped_on}."})
    _check_dates(medication.started_on, stopped_on)
    medication.stopped_on = stopped_on
    medication.stop_reason = reason.strip()
    medication.full_clean()
    medication.save(update_fields=["stopped_on", "stop_reason"])
    patient_id = medication.patient.public_id
    record(actor, "update", "medication", medication.public_id, patient_id=patient_id,
           detail={"stopped_on": str(stopped_on)})  # fmt: skip
    return medication


@transaction.atomic
def add_allergy(actor: Actor, patient_id: Any, entry: AllergyEntry) -> Allergy:
    patient = get_for(actor, Patient, patient_id, Action.MEDICATION_RECORD)
    allergy = Allergy(
        clinic=patient.clinic, patient=patient,
        substance=_required_text("substance", entry.substance),
        reaction=entry.reaction.strip(), recorded_by=actor.user,
    )  # fmt: skip
    allergy.full_clean()
    allergy.save()
    record(actor, "create", "allergy", allergy.public_id, patient_id=patient.public_id)
    return allergy


@transaction.atomic
def remove_allergy(actor: Actor, allergy_id: Any, reason: str) -> Allergy:
    """An allergy entered in error; it stays on record, struck through, with the reason."""
    allergy = get_for(actor, Allergy, allergy_id, Action.MEDICATION_RECORD, lock=True)
    if allergy.removed_at is not None:
        raise ValidationError({"reason": "This allergy was already removed."})
    allergy.removed_reason = _required_text("reason", reason)
    allergy.removed_at = timezone.now()
    allergy.full_clean()
    allergy.save(update_fields=["removed_at", "removed_reason"])
    record(actor, "update", "allergy", allergy.public_id, patient_id=allergy.patient.public_id,
           detail={"removed": True})  # fmt: skip
    return allergy


def medications_of(actor: Actor, patient: Patient) -> list[Medication]:
    """For pages whose patient is already an audited read: every entry, current first."""
    return list(Medication.objects.for_actor(actor, Action.MEDICATION_VIEW).filter(patient=patient))


def allergies_of(actor: Actor, patient: Patient, *, removed: bool = False) -> list[Allergy]:
    rows = Allergy.objects.for_actor(actor, Action.MEDICATION_VIEW).filter(patient=patient)
    return list(rows if removed else rows.filter(removed_at__isnull=True))


def current_medicine_classes(actor: Actor, patient: Patient) -> frozenset[Medicine]:
    """The classes the clinical rules weigh, from the medicines taken today (screening and
    the REMS form's concomitant-medicine questions are filled in from it)."""
    today = timezone.localdate()
    rows = (
        Medication.objects.for_actor(actor, Action.MEDICATION_VIEW)
        .filter(patient=patient)
        .exclude(medicine_class=OTHER)
        .exclude(stopped_on__lte=today)
        .values_list("medicine_class", flat=True)
    )
    return frozenset(Medicine(c) for c in rows)


def medicines_in_classes(actor: Actor, patient_ids: list[int]) -> list[Medication]:
    """Every medicine of a weighed class (not "other") of these patients, past and current,
    in one query: the REMS forms ask which classes were taken on each session's day."""
    return list(
        Medication.objects.for_actor(actor, Action.MEDICATION_VIEW)
        .filter(patient_id__in=patient_ids)
        .exclude(medicine_class=OTHER)
        .only("patient_id", "medicine_class", "started_on", "stopped_on")
    )


@transaction.atomic
def medication_page(
    actor: Actor, patient_id: Any, limit: int, offset: int
) -> tuple[list[Medication], int]:
    return page_of(
        actor, Medication, patient_id, Action.MEDICATION_VIEW, limit=limit, offset=offset
    )


@transaction.atomic
def allergy_page(
    actor: Actor, patient_id: Any, limit: int, offset: int
) -> tuple[list[Allergy], int]:
    return page_of(actor, Allergy, patient_id, Action.MEDICATION_VIEW, limit=limit, offset=offset)
