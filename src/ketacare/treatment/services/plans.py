"""Treatment-plan use cases: generate a dated schedule with the clinical core, store it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, role_can
from ketacare.audit.services import record
from ketacare.clinical import protocols
from ketacare.clinical.dates import PLAN_START
from ketacare.clinical.dosing import DoseOverride
from ketacare.clinical.errors import ClinicalRuleError, DoseAboveLimit
from ketacare.clinical_input import field_error, plausible_date
from ketacare.consent.services import require_current_consent
from ketacare.patients.gate import get_for, page_of
from ketacare.patients.models import Patient
from ketacare.treatment.models import PlannedSession, TreatmentPlan
from ketacare.treatment.services.outcome_state import refresh_outcome_state


class DoseLimitRefusal(ValidationError):
    """The course's dose is above the route's hard limit: an override may pass it."""

    def __init__(self, core_message: str) -> None:
        super().__init__({"dose_mg": core_message})
        # The core's words without its closing instruction, which the caller words itself.
        self.what = core_message.split("; an authorised override")[0]


@dataclass(frozen=True)
class NewPlan:
    """What the plan form and the API ask for: a protocol template from a start date."""

    template: str
    start_on: date
    dose_mg: float | None = None
    closed_weekdays: frozenset[int] = frozenset()
    override_reason: str = ""  # only to pass a dose above the hard limit (dose.override)
    preparation_sessions: int = 0
    integration_every_n: int | None = None


def counselling_of(new: NewPlan) -> dict[str, object]:
    """The cadence the plan shows: the template's sourced one (at home: H3) or the clinic's."""
    template = protocols.TEMPLATES.get(new.template)
    sourced = template.integration_every_n_sessions if template else None
    every_n = sourced or new.integration_every_n
    return {
        "preparation_sessions": new.preparation_sessions,
        "integration_every_n": every_n,
        "source": "H3" if sourced else "clinic setting",
    }


def schedule_for(
    new: NewPlan, weight_kg: float, override: DoseOverride | None = None
) -> tuple[protocols.ScheduledSession, ...]:
    """The core's schedule; its refusals (a dose above the route limit, a missing at-home
    dose) become a ValidationError naming the field."""
    try:
        rules = protocols.ClinicScheduleRules(
            closed_weekdays=new.closed_weekdays,
            counselling_every_n_sessions=new.integration_every_n,
            preparation_sessions=new.preparation_sessions,
        )
        patient = protocols.PatientContext(weight_kg, new.dose_mg, override)
        return protocols.generate_schedule(new.template, new.start_on, patient, rules)
    except DoseAboveLimit as exc:
        raise DoseLimitRefusal(str(exc)) from exc
    except ClinicalRuleError as exc:
        named = {"template": "template", "start": "start_on", "dose_mg": "dose_mg",
                 "preparation_sessions": "preparation_sessions",
                 "counselling_every_n_sessions": "integration_every_n"}  # fmt: skip
        raise field_error(exc, named, "dose_mg") from exc


@transaction.atomic
def create_plan(actor: Actor, patient_id: Any, new: NewPlan) -> TreatmentPlan:
    """A dated course. A dose above the hard limit is refused unless a role that may
    override (the role table's dose.override) records its reason; the override is kept
    on the plan and in the audit entry."""
    patient = get_for(actor, Patient, patient_id, Action.PLAN_CREATE)
    template, start_on, dose_mg = new.template, new.start_on, new.dose_mg
    if start_on < timezone.localdate():
        raise ValidationError({"start_on": "A plan cannot start in the past."})
    plausible_date("start_on", start_on, PLAN_START)
    override = None
    try:
        schedule = schedule_for(new, float(patient.weight_kg))
    except DoseLimitRefusal as refusal:
        override = _override_for(actor, refusal, new.override_reason)
        schedule = schedule_for(new, float(patient.weight_kg), override)
    require_current_consent(patient, protocols.TEMPLATES[new.template].route)
    plan = TreatmentPlan.objects.create(
        clinic=patient.clinic,
        patient=patient,
        template=template,
        template_name=protocols.TEMPLATES[template].name,
        start_on=start_on,
        dose_mg=dose_mg,
        dose_override=asdict(override) if override else {},
        schedule=[schedule_entry(s) for s in schedule],
        counselling=counselling_of(new),
        created_by=actor.user,
    )
    store_sessions(plan, plan.schedule)
    refresh_outcome_state(patient)  # its prompts now point at this plan
    record(
        actor,
        "create",
        "treatment_plan",
        plan.public_id,
        patient_id=patient.public_id,
        detail={
            "template": template,
            "start_on": start_on.isoformat(),
            "sessions": len(schedule),
            **({"dose_override": asdict(override)} if override else {}),
        },
    )
    return plan


def schedule_entry(s: protocols.ScheduledSession) -> dict[str, Any]:
    """One session of the core's schedule as the plan stores it."""
    return {
        "on": s.on.isoformat(),
        "kind": str(s.kind),
        "phase": s.phase,
        "dosing_number": s.dosing_number,
        "dose_mg": s.dose_mg,
        "detail": s.detail,
        "source": s.source,
    }


def store_sessions(plan: TreatmentPlan, entries: list[dict[str, Any]]) -> None:
    """The schedule's entries as the version's planned-session rows (one insert)."""
    PlannedSession.objects.bulk_create(
        PlannedSession(
            clinic_id=plan.clinic_id,
            plan=plan,
            patient_id=plan.patient_id,
            position=n,
            on=date.fromisoformat(e["on"]),
            kind=e["kind"],
            phase=e["phase"][:60],
            dosing_number=e["dosing_number"],
            dose_mg=e["dose_mg"],
            detail=e["detail"][:200],
            source=e["source"][:120],
        )  # fmt: skip
        for n, e in enumerate(entries)
    )


def _override_for(actor: Actor, refusal: DoseLimitRefusal, reason: str) -> DoseOverride:
    """Turn a refused dose into an override when the role may and a reason is recorded."""
    what = refusal.what
    if not role_can(actor.role, Action.DOSE_OVERRIDE):
        raise ValidationError({"dose_mg": f"{what}. Only a role that may override doses "
                               "(a prescriber) can plan above it."})  # fmt: skip
    if not reason.strip():
        raise ValidationError({"override_reason": f"{what}. To plan it anyway, record the "
                               "reason for the override."})  # fmt: skip
    return DoseOverride(reason.strip()[:500], actor.label)


@transaction.atomic
def view_plan(actor: Actor, plan_id: Any) -> TreatmentPlan:
    return get_for(actor, TreatmentPlan, plan_id, Action.PLAN_VIEW)


def current_plan(actor: Actor, patient: Patient) -> TreatmentPlan | None:
    """For the chart and the session form, whose patient is already an audited read."""
    return TreatmentPlan.objects.for_actor(actor, Action.PLAN_VIEW).filter(patient=patient).first()


@dataclass(frozen=True)
class PlannedDose:
    """The next planned dosing session, as initial values for the session form."""

    initial: dict[str, object]
    label: str


def planned_dose(actor: Actor, patient: Patient) -> PlannedDose | None:
    plan = current_plan(actor, patient)
    if plan is None:
        return None
    upcoming = [
        s
        for s in plan.next_sessions(timezone.localdate().isoformat(), count=50)
        if s["dosing_number"]
    ]
    if not upcoming:
        return None
    session, template = upcoming[0], protocols.TEMPLATES.get(plan.template)
    if template is None:
        return None
    initial: dict[str, object] = {"route": template.route.value}
    if template.dose.mg_per_kg is not None:
        initial["dose_mg_per_kg"] = template.dose.mg_per_kg
    else:
        initial["dose_mg"] = session["dose_mg"]
    if template.dose.infusion_minutes:
        initial["infusion_minutes"] = template.dose.infusion_minutes
    label = (
        f"{plan.template_name}, dosing #{session['dosing_number']} on {session['on']}, "
        f"{session['dose_mg']:g} mg"
    )
    return PlannedDose(initial, label)


@transaction.atomic
def plan_page(
    actor: Actor, patient_id: Any, limit: int, offset: int
) -> tuple[list[TreatmentPlan], int]:
    """One page of the patient's plans, newest (the one in force) first, and how many."""
    return page_of(actor, TreatmentPlan, patient_id, Action.PLAN_VIEW, limit=limit, offset=offset)
