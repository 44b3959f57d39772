"""A treatment plan in plain words, for the patient's portal: the route, the dose, how often,
and what comes next, said from the plan's stored fields (its template, dose, status and
stored schedule) without clinical shorthand. The numbers are the plan's own; their sources
are the protocol templates' (clinical/protocols.py: K1, K6, K7, K15, K21, S3, S4, H2, H3),
which the care team's plan page shows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ketacare.clinical import protocols
from ketacare.clinical.routes import Route
from ketacare.treatment.models import PlanStatus, TreatmentPlan

HOW_GIVEN = {
    Route.IV_RACEMIC: "Ketamine given slowly through a drip into a vein in your arm "
    "(an infusion), at the clinic.",
    Route.IM_RACEMIC: "Ketamine given as an injection into a muscle, at the clinic.",
    Route.ESKETAMINE_NASAL: "Esketamine (Spravato), a nasal spray you use yourself at the "
    "clinic while the team looks after you.",
    Route.AT_HOME_SUBLINGUAL: "Ketamine tablets that melt in your mouth, taken at home with "
    "a sitter present.",
}
_PER_WEEK = {1: "once a week", 2: "twice a week", 3: "three times a week"}
_KIND_WORDS = {
    protocols.SessionKind.DOSING.value: "Treatment session",
    protocols.SessionKind.COUNSELLING.value: "Talking session with your therapist",
    protocols.SessionKind.ASSESSMENT.value: "Check on how treatment is going, with your prescriber",
    protocols.SessionKind.RENEWAL_CONSULT.value: "Renewal visit: you and your prescriber "
    "decide together whether to go on",
}


@dataclass(frozen=True)
class NextStep:
    on: date
    words: str


@dataclass(frozen=True)
class PlainPlan:
    name: str
    how_given: str
    dose: str
    how_often: list[str]
    status_note: str
    next_steps: list[NextStep] = field(default_factory=list)


def _how_often(phase: protocols.Phase, sessions: int) -> str:
    if phase.day_offsets:
        rhythm = _PER_WEEK.get(len(phase.day_offsets), f"{len(phase.day_offsets)} times a week")
    elif phase.every_days == 1:
        rhythm = "every day"
    elif phase.every_days == 7:
        rhythm = "once a week"
    else:
        rhythm = f"every {phase.every_days} days"
    plural = "s" if sessions != 1 else ""
    return f"{sessions} treatment session{plural}, {rhythm}"


def _dose(plan: TreatmentPlan, template: protocols.ProtocolTemplate | None) -> str:
    planned = [s.get("dose_mg") for s in plan.schedule if s.get("dosing_number")]
    doses = [d for d in planned if d]
    if not doses:
        return "Your prescriber sets your dose at each session."
    most = Counter(doses).most_common(1)[0][0]
    words = f"{most:g} mg (milligrams) each time"
    if len(set(doses)) > 1:
        words = f"{min(doses):g} to {max(doses):g} mg (milligrams), as planned for each session"
    if template and (template.dose.mg_per_kg or template.dose.rate_mg_per_kg_per_h):
        words += ", worked out from your weight"
    if template and template.dose.infusion_minutes:
        words += f", given over {template.dose.infusion_minutes} minutes"
    if template and template.dose.hours_per_session:
        words += f", given over {template.dose.hours_per_session:g} hours"
    return words + "."


def _status_note(plan: TreatmentPlan) -> str:
    if plan.status == PlanStatus.STOPPED:
        return "This plan has been stopped. Your care team will talk with you about what next."
    if plan.status == PlanStatus.PAUSED:
        return "This plan is paused: no sessions until your prescriber restarts it."
    if plan.is_draft:
        return "Your prescriber has not signed this plan yet, so it may still change."
    return ""


def in_plain_words(plan: TreatmentPlan, upcoming: list[dict[str, object]]) -> PlainPlan:
    """`upcoming`: the plan's next planned sessions (TreatmentPlan.next_sessions)."""
    template = protocols.TEMPLATES.get(plan.template)
    counts = Counter(str(s.get("phase")) for s in plan.schedule if s.get("dosing_number"))
    how_often = [
        _how_often(phase, counts[phase.name])
        for phase in (template.phases if template else ())
        if counts.get(phase.name)
    ]
    total = sum(counts.values())
    steps = []
    for s in upcoming:
        words = _KIND_WORDS.get(str(s["kind"]), str(s["kind"]).capitalize())
        if s.get("dosing_number") and total:
            words += f" {s['dosing_number']} of {total}"
        steps.append(NextStep(date.fromisoformat(str(s["on"])), words))
    how = HOW_GIVEN.get(template.route, "") if template else ""
    return PlainPlan(plan.template_name, how, _dose(plan, template), how_often,
                     _status_note(plan), steps)  # fmt: skip
