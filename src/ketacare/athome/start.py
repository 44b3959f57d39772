"""Who may start an at-home session today, and starting (or resuming) one.

The rules are the clinical core's (clinical.at_home.refusals); this gathers the facts from
the plan, the consents, the clinic's licensed states and the open safety alerts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, OutOfReach
from ketacare.athome.closing import close_when_due
from ketacare.athome.models import OPEN_STAGES, AtHomeSession, Stage
from ketacare.audit.services import record
from ketacare.clinical import at_home, protocols
from ketacare.clinical.consent import topic_label
from ketacare.clinical.routes import Route
from ketacare.consent.services import clinic_today, missing_consents
from ketacare.measures.models import SafetyAlert
from ketacare.measures.services import SUICIDALITY
from ketacare.patients.gate import get_for
from ketacare.patients.models import Patient
from ketacare.treatment.models import PlannedSession, PlanStatus, SessionState, TreatmentPlan
from ketacare.treatment.services.planned import LINK_WINDOW_DAYS


@dataclass(frozen=True)
class Today:
    """What the start page shows: the session planned around today and every refusal."""

    patient: Patient
    plan: TreatmentPlan | None
    planned: PlannedSession | None
    refusals: tuple[str, ...]
    open_session: AtHomeSession | None
    closed_session: AtHomeSession | None
    """The latest session, when the worker closed it unfinished and it is not answered."""

    @property
    def may_start(self) -> bool:
        return not self.refusals


def own_patient(actor: Actor, action: str = Action.AT_HOME_RUN) -> Patient:
    """The patient-role user's own record, read through the gate."""
    own = Patient.objects.within_reach(actor).first() if actor.role == "patient" else None
    if own is None:
        raise OutOfReach("No patient record for this login.")
    return get_for(actor, Patient, own.public_id, action)


def at_home_plan(patient: Patient) -> TreatmentPlan | None:
    """The plan in force, if it is an at-home plan that is not paused or stopped."""
    plan = TreatmentPlan.objects.filter(clinic_id=patient.clinic_id, patient=patient).first()
    template = protocols.TEMPLATES.get(plan.template) if plan else None
    if plan is None or template is None or template.route is not Route.AT_HOME_SUBLINGUAL:
        return None
    return plan if plan.status == PlanStatus.ACTIVE else None


def _planned_near(plan: TreatmentPlan, patient: Patient) -> PlannedSession | None:
    """The plan's at-home dose planned nearest today, within the calendar's linking window."""
    today = clinic_today(patient.clinic)
    window = timedelta(days=LINK_WINDOW_DAYS)
    rows = plan.planned_sessions.filter(
        kind="dosing", status=SessionState.PLANNED, on__gte=today - window, on__lte=today + window
    )
    return min(rows, key=lambda r: (abs((r.on - today).days), r.on), default=None)


def _last_dosed_on(patient: Patient) -> Any:
    last = (
        AtHomeSession.objects.filter(patient=patient, dosed_at__isnull=False)
        .order_by("-dosed_at")
        .first()
    )
    return clinic_today(patient.clinic, last.dosed_at) if last and last.dosed_at else None


def open_session(patient: Patient) -> AtHomeSession | None:
    return AtHomeSession.objects.filter(patient=patient, stage__in=OPEN_STAGES).first()


def closed_session(patient: Patient) -> AtHomeSession | None:
    """The patient's latest session if it was closed unfinished and the after-step is still
    unanswered: the portal offers those questions (dosed) or says to contact the clinic."""
    latest = AtHomeSession.objects.filter(patient=patient).first()
    if latest is None or latest.stage != Stage.NOT_FINISHED or latest.finished_at is not None:
        return None
    return latest


def today_for(patient: Patient) -> Today:
    plan = at_home_plan(patient)
    planned = _planned_near(plan, patient) if plan and not plan.is_draft else None
    missing = missing_consents(patient, Route.AT_HOME_SUBLINGUAL)
    facts = at_home.StartFacts(
        has_at_home_plan=plan is not None,
        plan_signed=plan is not None and not plan.is_draft,
        planned_on=planned.on if planned else None,
        consent_missing=tuple(topic_label(m.topic) for m in missing),
        state_of_residence=patient.state_of_residence,
        licensed_states=tuple(patient.clinic.licensed_states or ()),
        open_suicidality_alert=SafetyAlert.objects.filter(
            clinic_id=patient.clinic_id, patient=patient, kind=SUICIDALITY,
            acknowledged_at__isnull=True,
        ).exists(),
        last_session_on=_last_dosed_on(patient),
        today=clinic_today(patient.clinic),
    )  # fmt: skip
    return Today(patient, plan, planned, at_home.refusals(facts), open_session(patient),
                 closed_session(patient))  # fmt: skip


@transaction.atomic
def start_page(actor: Actor) -> Today:
    return today_for(own_patient(actor))


def begin(actor: Actor) -> AtHomeSession:
    """Start today's session, or the one already open (a retried start changes nothing)."""
    try:
        with transaction.atomic():
            return _begin(actor)
    except IntegrityError:  # two starts at once: the other one made it
        with transaction.atomic():
            found = open_session(own_patient(actor))
            if found is None:
                raise
            return found


def _begin(actor: Actor) -> AtHomeSession:
    today = today_for(own_patient(actor))
    if today.open_session is not None:
        return today.open_session
    if today.refusals:
        raise ValidationError({"start": list(today.refusals)})
    assert today.plan is not None and today.planned is not None
    patient, planned = today.patient, today.planned
    session = AtHomeSession.objects.create(
        clinic_id=patient.clinic_id, patient=patient, plan=today.plan, planned=planned,
        planned_on=planned.on, dosing_number=planned.dosing_number,
        planned_dose_mg=planned.dose_mg,
    )  # fmt: skip
    record(actor, "create", "at_home_session", session.public_id,
           patient_id=patient.public_id,
           detail={"planned_on": planned.on.isoformat(), "dose_mg": planned.dose_mg})  # fmt: skip
    close_when_due(session)
    return session
