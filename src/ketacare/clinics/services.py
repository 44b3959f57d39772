"""Clinic use cases."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from ketacare.accounts.actor import Actor
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
