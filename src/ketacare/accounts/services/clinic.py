"""The clinic's own use cases: create it, change its details, tighten its monitoring limits.
They sit in accounts, above `clinics` (the tenant's tables), because each one is an actor's
act checked against the role table and audited."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from django.db import transaction
from django.utils.text import slugify

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, require
from ketacare.audit.services import record
from ketacare.clinical.clinic_settings import (
    DEFAULT_MONITORING,
    MonitoringSettings,
    stricter_only_fields,
)
from ketacare.clinics.models import Clinic, MonitoringLimits
from ketacare.clinics.monitoring_limits import monitoring_settings


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


@dataclass(frozen=True)
class ClinicDetails:
    """What the clinic's settings page changes."""

    name: str
    address: str
    time_zone: str
    licensed_states: list[str]
    on_call_email: str = ""
    video_link_template: str = ""


@transaction.atomic
def update_clinic(actor: Actor, details: ClinicDetails) -> Clinic:
    """Change the actor's own clinic (the admin page never names another clinic)."""
    require(actor, Action.STAFF_MANAGE)
    assert actor.clinic is not None
    clinic = Clinic.objects.select_for_update().get(pk=actor.clinic.pk)
    changed = {}
    for name, value in asdict(details).items():
        if getattr(clinic, name) != value:
            changed[name] = {"from": getattr(clinic, name), "to": value}
            setattr(clinic, name, value)
    clinic.full_clean()
    clinic.save()
    record(actor, "update", "clinic", clinic.pk, clinic_id=clinic.pk, detail={"changed": changed})
    return clinic


@transaction.atomic
def set_monitoring_limits(actor: Actor, settings: MonitoringSettings) -> MonitoringLimits:
    """Store the limits the clinic tightened (the core refused any looser one when
    `clinical_input.stricter_limits` built `settings`)."""
    require(actor, Action.MONITORING_LIMITS_SET)
    assert actor.clinic is not None
    chosen = stricter_only_fields()
    defaults = asdict(DEFAULT_MONITORING)
    tightened = {
        f.name: getattr(settings, f.name)
        for f in fields(settings)
        if f.name in chosen and getattr(settings, f.name) != defaults[f.name]
    }
    before = monitoring_settings(actor.clinic.pk)
    limits = MonitoringLimits.objects.create(
        clinic=actor.clinic, limits=tightened, set_by=actor.user
    )
    changed = {
        name: {"from": getattr(before, name), "to": getattr(settings, name)}
        for name in chosen
        if getattr(before, name) != getattr(settings, name)
    }
    record(
        actor,
        "update",
        "monitoring_limits",
        limits.pk,
        clinic_id=actor.clinic.pk,
        detail={"changed": changed},
    )
    return limits
