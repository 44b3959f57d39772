"""Prescribers' DEA registrations, per clinic and state: added by a clinic admin or by the
prescriber themself, retired (never edited) when wrong or replaced. The number's format and
check digit are the clinical core's (clinical/telehealth.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.models import Membership, User
from ketacare.accounts.roles import Action, ActionDenied, OutOfReach, Role, role_can
from ketacare.audit.services import record
from ketacare.clinical.telehealth import Registration, dea_number_problem
from ketacare.clinics.us_states import US_STATES
from ketacare.telehealth.models import DeaRegistration

# A data-entry bound, not a rule: DEA registrations run for a few years; a date decades
# away is a typo.
MAX_YEARS_AHEAD = 10


@dataclass(frozen=True)
class NewRegistration:
    user_id: int
    number: str
    state: str
    expires_on: date


def _may_keep(actor: Actor, user_id: int) -> None:
    """A clinic admin keeps everyone's; a prescriber their own."""
    own = actor.user is not None and actor.user.pk == user_id
    if role_can(actor.role, Action.DEA_REGISTRATIONS):
        return
    if own and role_can(actor.role, Action.TELEHEALTH_RECORD):
        return
    raise ActionDenied("Only a clinic admin, or the prescriber themself, keeps DEA registrations.")


def prescribers(actor: Actor) -> list[User]:
    """Whose registrations the actor may keep: every prescriber (admin) or themself."""
    members = Membership.objects.filter(clinic=actor.clinic, role=Role.PRESCRIBER)
    if not role_can(actor.role, Action.DEA_REGISTRATIONS):
        members = members.filter(user=actor.user)
    return [m.user for m in members.select_related("user").order_by("user__email")]


@transaction.atomic
def add_registration(actor: Actor, new: NewRegistration) -> DeaRegistration:
    _may_keep(actor, new.user_id)
    if not Membership.objects.filter(
        clinic=actor.clinic, user_id=new.user_id, role=Role.PRESCRIBER
    ).exists():
        raise ValidationError({"user_id": "No such prescriber in this clinic."})
    number = new.number.strip().upper()
    problem = dea_number_problem(number)
    if problem:
        raise ValidationError({"number": problem})
    if new.state not in US_STATES:
        raise ValidationError({"state": "Choose a US state (two-letter code)."})
    today = timezone.localdate()
    if not today <= new.expires_on <= today + timedelta(days=366 * MAX_YEARS_AHEAD):
        raise ValidationError({"expires_on": "An expiry from today to ten years ahead."})
    assert actor.clinic is not None
    saved = DeaRegistration.objects.create(
        clinic=actor.clinic, user_id=new.user_id, number=number, state=new.state,
        expires_on=new.expires_on, added_by=actor.user,
    )  # fmt: skip
    record(actor, "create", "dea_registration", saved.pk,
           detail={"user": new.user_id, "state": new.state,
                   "expires_on": new.expires_on.isoformat()})  # fmt: skip
    return saved


@transaction.atomic
def retire_registration(actor: Actor, registration_id: Any) -> DeaRegistration:
    found = (
        DeaRegistration.objects.select_for_update()
        .filter(clinic=actor.clinic, pk=registration_id, retired_at=None)
        .first()
    )
    if found is None:  # another clinic's, or retired: nothing to tell
        raise OutOfReach("No such registration on file.")
    _may_keep(actor, found.user_id)
    found.retired_at = timezone.now()
    found.save(update_fields=["retired_at"])
    record(actor, "update", "dea_registration", found.pk, detail={"retired": True})
    return found


def on_file(actor: Actor) -> QuerySet[DeaRegistration]:
    """The registrations the actor may see: the clinic's (admin) or their own (prescriber)."""
    rows = DeaRegistration.objects.filter(clinic=actor.clinic, retired_at=None)
    if not role_can(actor.role, Action.DEA_REGISTRATIONS):
        if not role_can(actor.role, Action.TELEHEALTH_RECORD):
            raise ActionDenied("Your role may not keep the prescribers' DEA registrations.")
        rows = rows.filter(user=actor.user)
    return rows.select_related("user")


def registrations_of(clinic_id: int, user_id: int) -> tuple[Registration, ...]:
    """The prescriber's registrations on file in this clinic, as the core reads them."""
    rows = DeaRegistration.objects.filter(clinic_id=clinic_id, user_id=user_id, retired_at=None)
    return tuple(Registration(r.number, r.state, r.expires_on) for r in rows)
