"""Clinic use cases."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, require
from ketacare.audit.services import record
from ketacare.clinics.models import Clinic


@transaction.atomic
def create_clinic(
    actor: Actor,
    name: str,
    *,
    time_zone: str = "America/New_York",
    licensed_states: list[str] | None = None,
    address: str = "",
    slug: str | None = None,
) -> Clinic:
    clinic = Clinic(
        name=name,
        slug=slug or slugify(name)[:60],
        time_zone=time_zone,
        licensed_states=[s.upper() for s in licensed_states or []],
        address=address,
    )
    clinic.full_clean()
    clinic.save()
    record(actor, "create", "clinic", clinic.pk, clinic_id=clinic.pk)
    return clinic


@transaction.atomic
def update_clinic(actor: Actor, data: dict[str, object]) -> Clinic:
    """Change the actor's own clinic (the admin page never names another clinic)."""
    require(actor, Action.STAFF_MANAGE)
    assert actor.clinic is not None
    clinic = Clinic.objects.select_for_update().get(pk=actor.clinic.pk)
    allowed = {"name", "address", "time_zone", "licensed_states"}
    changed = {}
    for name, value in data.items():
        if name in allowed and getattr(clinic, name) != value:
            changed[name] = {"from": getattr(clinic, name), "to": value}
            setattr(clinic, name, value)
    clinic.full_clean()
    clinic.save()
    record(actor, "update", "clinic", clinic.pk, clinic_id=clinic.pk, detail={"changed": changed})
    return clinic
