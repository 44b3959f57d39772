"""The API's reads of one plan through the gate: its versions and its planned sessions."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.patients.gate import get_for
from ketacare.treatment.models import PlannedSession, TreatmentPlan
from ketacare.treatment.services.versions import versions_of


@transaction.atomic
def versions(actor: Actor, plan_id: Any) -> list[TreatmentPlan]:
    return versions_of(get_for(actor, TreatmentPlan, plan_id, Action.PLAN_VIEW))


@transaction.atomic
def planned_sessions(actor: Actor, plan_id: Any) -> list[PlannedSession]:
    plan = get_for(actor, TreatmentPlan, plan_id, Action.PLAN_VIEW)
    return list(
        plan.planned_sessions.select_related("dosing_session", "appointment").order_by(
            "on", "position"
        )
    )
