"""What registration asks the user to confirm rather than refuse: a patient living in a state
where the clinic is not licensed (they may be treated while visiting, or the list may be out
of date), and a name and date of birth already registered (twins, or the same person twice).

Both are warnings, not rules: the page asks the user to tick "register anyway", the API answers
422 naming the field until the caller sends `confirm` with the warning's key."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.patients.models import Patient

UNLICENSED_STATE = "unlicensed_state"
POSSIBLE_DUPLICATE = "possible_duplicate"
WARNING_KEYS = (UNLICENSED_STATE, POSSIBLE_DUPLICATE)


@dataclass(frozen=True)
class Warning:
    key: str
    field: str
    message: str


class NeedsConfirmation(ValidationError):
    """Raised before anything is saved; carries the warnings and the matching patients."""

    error_type = "confirmation_required"

    def __init__(self, warnings: list[Warning], duplicates: list[Patient]) -> None:
        super().__init__({w.field: f'{w.message} To go ahead, send "confirm": ["{w.key}"].'
                          for w in warnings})  # fmt: skip
        self.warnings, self.duplicates = warnings, duplicates


def registration_warnings(actor: Actor, patient: Patient) -> tuple[list[Warning], list[Patient]]:
    warnings: list[Warning] = []
    licensed = patient.clinic.licensed_states
    if licensed and patient.state_of_residence not in licensed:
        warnings.append(Warning(UNLICENSED_STATE, "state_of_residence", (
            f"The clinic is not licensed in {patient.state_of_residence} "
            f"(licensed: {', '.join(sorted(licensed))})."
        )))  # fmt: skip
    duplicates = list(
        Patient.objects.for_actor(actor, Action.PATIENT_VIEW).filter(
            first_name__iexact=patient.first_name,
            last_name__iexact=patient.last_name,
            date_of_birth=patient.date_of_birth,
        )[:5]
    )
    if duplicates:
        warnings.append(Warning(POSSIBLE_DUPLICATE, "last_name", (
            "A patient with this name and date of birth is already registered "
            f"(MRN {', '.join(p.mrn for p in duplicates)}): is this a different person?"
        )))  # fmt: skip
    return warnings, duplicates


def check_registration(actor: Actor, patient: Patient, confirmed: set[str]) -> None:
    """Raise NeedsConfirmation for every warning the user has not confirmed."""
    warnings, duplicates = registration_warnings(actor, patient)
    open_warnings = [w for w in warnings if w.key not in confirmed]
    if open_warnings:
        raise NeedsConfirmation(open_warnings, duplicates)
