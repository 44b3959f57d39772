"""What the plan page and the API read about one plan version, for a plan already read
through the gate: its version history, its planned sessions, and the stored clinical prompts
(booster due, futility review) for the roles that see scores and sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, role_can
from ketacare.sessions.models import DosingSession
from ketacare.treatment.models import OutcomeState, PlannedSession, TreatmentPlan
from ketacare.treatment.services.versions import versions_of


@dataclass(frozen=True)
class PlanPage:
    versions: list[TreatmentPlan]
    rows: list[PlannedSession]
    current: TreatmentPlan
    state: OutcomeState | None
    sessions: list[DosingSession]
    """Recent dosing sessions of the patient: what a planned one can be marked done by."""

    @property
    def in_force(self) -> bool:
        """Signed and not replaced: its sessions can be marked and booked."""
        return not self.current.is_draft and self.current.pk == self.versions[0].pk

    @property
    def booster_reason(self) -> str:
        return (
            f"Booster due by the clinical rule: {self.state.booster_reason}" if self.state else ""
        )

    def booster_on(self, today: date) -> date | None:
        """The proposed maintenance session: the day the rule flagged it, or today if later."""
        if self.state is None or not self.state.booster_open or self.state.booster_since is None:
            return None
        return max(today, self.state.booster_since)


def plan_page_data(actor: Actor, plan: TreatmentPlan) -> PlanPage:
    clinical = role_can(actor.role, Action.SESSION_VIEW)
    state = OutcomeState.objects.filter(
        clinic_id=plan.clinic_id, patient_id=plan.patient_id
    ).first()
    sessions: list[DosingSession] = []
    if clinical:
        sessions = list(
            DosingSession.objects.for_actor(actor, Action.SESSION_VIEW)
            .filter(patient_id=plan.patient_id)
            .order_by("-started_at")[:20]
        )
    rows = list(
        plan.planned_sessions.select_related("dosing_session", "appointment").order_by(
            "on", "position"
        )
    )
    return PlanPage(versions_of(plan), rows, plan, state if clinical else None, sessions)
