"""A clinic's monitoring limits: read by every session rule, changed on the settings page.

The defaults are the sourced ones of the clinical core (NEWS2, N1, N2; MOAA/S, N3); a clinic
may only tighten them, and each change is a new row (who and when) plus an audit entry.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, require
from ketacare.audit.services import record
from ketacare.clinical.clinic_settings import (
    DEFAULT_MONITORING,
    MonitoringSettings,
    stricter_only_fields,
)
from ketacare.clinical.errors import ClinicalRuleError
from ketacare.clinics.models import MonitoringLimits


def current_limits(clinic_id: int) -> MonitoringLimits | None:
    return MonitoringLimits.objects.filter(clinic_id=clinic_id).select_related("set_by").first()


def monitoring_settings(clinic_id: int) -> MonitoringSettings:
    """The clinic's settings for the session rules: defaults, tightened where it chose."""
    limits = current_limits(clinic_id)
    return MonitoringSettings(**limits.limits) if limits else DEFAULT_MONITORING


def _field_named_in(message: str) -> str:
    return next((name for name in stricter_only_fields() if name in message), "__all__")


@transaction.atomic
def set_monitoring_limits(actor: Actor, values: dict[str, Any]) -> MonitoringLimits:
    """Store the clinic's limits; a looser one is refused naming its field."""
    require(actor, Action.MONITORING_LIMITS_SET)
    assert actor.clinic is not None
    chosen = {name: values[name] for name in stricter_only_fields() if name in values}
    try:
        settings = MonitoringSettings(**chosen)
    except ClinicalRuleError as exc:
        raise ValidationError({_field_named_in(str(exc)): str(exc)}) from exc
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
