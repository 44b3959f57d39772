"""The clinic's open follow-ups from the stored outcome states: patients whose booster is due
and not yet planned, and futility signals not yet reviewed. One bounded query each, however
many patients or how long their histories (the states are stored when their inputs change);
the names shown are one audited read."""

from __future__ import annotations

from dataclasses import dataclass

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, require
from ketacare.audit.services import record
from ketacare.treatment.models import OutcomeState

LIMIT = 50  # a day's lines; more is a sign to work through the list by patient


@dataclass(frozen=True)
class FollowUps:
    boosters: list[OutcomeState]
    futility: list[OutcomeState]


def _open(actor: Actor, flag: str, since: str) -> list[OutcomeState]:
    rows = OutcomeState.objects.for_actor(actor, Action.PLAN_VIEW).filter(**{flag: True})
    return list(rows.select_related("patient", "plan").order_by(since, "id")[:LIMIT])


def open_follow_ups(actor: Actor, *, audit: bool = True) -> FollowUps:
    """For the care team (the roles that see sessions and plans)."""
    require(actor, Action.SESSION_VIEW)
    found = FollowUps(
        _open(actor, "booster_open", "booster_since"),
        _open(actor, "futility_open", "futility_since"),
    )
    if audit and (found.boosters or found.futility):
        record(actor, "read", "follow_ups", "", detail={"patients": shown_patients(found)})
    return found


def shown_patients(found: FollowUps) -> dict[str, list[str]]:
    return {
        "boosters": [str(s.patient.public_id) for s in found.boosters],
        "futility": [str(s.patient.public_id) for s in found.futility],
    }
