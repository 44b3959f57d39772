"""The one access gate for patient data: by user, clinic and role.

Every query of patient data, from a page or the API, goes through `patients_for` or
`get_patient_for`. An object outside the user's reach is a 404 (we do not even confirm
it exists); an object the user may see but not act on is a 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, ActionDenied, OutOfReach, Role, role_can
from ketacare.patients.models import Patient


def patients_for(actor: Actor, action: str = Action.PATIENT_VIEW) -> QuerySet[Patient]:
    """The patients this actor may act on in their current clinic; empty if none."""
    if actor.user is None or actor.clinic is None or not role_can(actor.role, action):
        return Patient.objects.none()
    qs = Patient.objects.filter(clinic_id=actor.clinic.pk)
    if actor.role == Role.PATIENT:
        qs = qs.filter(user_id=actor.user.pk)
    return qs


def get_patient_for(actor: Actor, public_id: Any, action: str = Action.PATIENT_VIEW) -> Patient:
    """One patient by public id: 404 unless visible to the actor, 403 if visible but the
    action is not the role's."""
    try:
        patient = patients_for(actor, Action.PATIENT_VIEW).get(public_id=public_id)
    except (Patient.DoesNotExist, ValueError, TypeError) as exc:
        raise OutOfReach("No such patient.") from exc
    if not role_can(actor.role, action):
        raise ActionDenied(f"Your role may not {Action(action).label.lower()}.")
    return patient
