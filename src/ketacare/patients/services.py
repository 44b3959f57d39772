"""Patient use cases. Each is one transaction with its audit entry; pages and API share them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.forms.models import model_to_dict

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, Role, require
from ketacare.audit.services import record
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.patients.registration_checks import check_registration
from ketacare.patients.validators import known_fields

EDITABLE_FIELDS = (
    "mrn", "first_name", "last_name", "date_of_birth", "sex", "weight_kg",
    "state_of_residence", "phone", "email", "address", "emergency_contact_name",
    "emergency_contact_phone", "referring_provider", "referring_provider_npi", "diagnosis_codes",
)  # fmt: skip


def _clean_input(data: dict[str, Any]) -> dict[str, Any]:
    return known_fields(data, EDITABLE_FIELDS)


def _validate_and_save(patient: Patient) -> None:
    patient.full_clean(validate_constraints=False)
    duplicate = Patient.objects.filter(clinic_id=patient.clinic_id, mrn=patient.mrn)
    if duplicate.exclude(pk=patient.pk).exists():
        raise ValidationError({"mrn": "This MRN is already used in this clinic."})
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError as exc:
        raise ValidationError({"mrn": "This MRN is already used in this clinic."}) from exc


def _snapshot(patient: Patient) -> dict[str, str]:
    return {k: str(v) for k, v in model_to_dict(patient, fields=EDITABLE_FIELDS).items()}


@transaction.atomic
def create_patient(actor: Actor, data: dict[str, Any], confirmed: Iterable[str] = ()) -> Patient:
    """Register a patient; warnings the user has not confirmed raise NeedsConfirmation."""
    require(actor, Action.PATIENT_CREATE)
    assert actor.clinic is not None
    patient = Patient(clinic=actor.clinic, **_clean_input(data))
    patient.full_clean(validate_constraints=False)  # plain errors come before warnings
    check_registration(actor, patient, set(confirmed))
    _validate_and_save(patient)
    record(actor, "create", "patient", patient.public_id, patient_id=patient.public_id)
    return patient


@transaction.atomic
def update_patient(actor: Actor, public_id: Any, data: dict[str, Any]) -> Patient:
    patient = get_for(actor, Patient, public_id, Action.PATIENT_EDIT)
    before = _snapshot(patient)
    for name, value in _clean_input(data).items():
        setattr(patient, name, value)
    _validate_and_save(patient)
    after = _snapshot(patient)
    changed = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    record(actor, "update", "patient", patient.public_id, patient_id=patient.public_id,
           detail={"changed": changed})  # fmt: skip
    return patient


@transaction.atomic
def view_patient(actor: Actor, public_id: Any, action: str = Action.PATIENT_VIEW) -> Patient:
    """Open one chart: an audited read (the gate writes it)."""
    return get_for(actor, Patient, public_id, action)


def search_patients(actor: Actor, query: str = "") -> QuerySet[Patient]:
    qs = Patient.objects.for_actor(actor, Action.PATIENT_VIEW)
    for word in query.split()[:5]:
        qs = qs.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(mrn__icontains=word)
        )
    return qs


@transaction.atomic
def list_patients(actor: Actor, query: str = "", limit: int = 50, offset: int = 0) -> list[Patient]:
    """A page of the patient list: an audited read naming every patient shown. It says that a
    search was made, not what was typed: a search term is usually a name, and the audit log
    is read by clinic admins who may not see that patient (the patients shown are named)."""
    rows = list(search_patients(actor, query)[offset : offset + limit])
    if rows:
        record(actor, "read", "patient_list", "", detail={
            "searched": bool(query.strip()), "patients": [str(p.public_id) for p in rows],
        })  # fmt: skip
    return rows


@transaction.atomic
def give_portal_access(actor: Actor, public_id: Any, email: str, password: str) -> Patient:
    """Create the patient's own login (role patient) and link it to this record."""
    from ketacare.accounts.models import Membership, User
    from ketacare.accounts.services.users import NewMember, create_user

    patient = get_for(actor, Patient, public_id, Action.PORTAL_INVITE)
    if patient.user_id is not None:
        raise ValidationError({"email": "This patient already has a portal login."})
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and Membership.objects.filter(user=existing).exists():
        raise ValidationError({"email": "This email already belongs to a KetaCare user."})
    assert actor.clinic is not None
    new = NewMember(email, Role.PATIENT, full_name=patient.full_name, password=password)
    user = create_user(actor, actor.clinic, new)
    patient.user = user
    patient.save(update_fields=["user", "updated_at"])
    record(actor, "update", "patient", patient.public_id, patient_id=patient.public_id,
           detail={"portal_login": user.email})  # fmt: skip
    return patient
