"""Each patient's booster and futility state, stored when its inputs change.

The clinical core decides (clinical/outcomes.py through measures/progress.py, the same call
the scale history page makes): "booster due" has one definition everywhere. What is stored
here is that decision, refreshed when a score is recorded, a dose is given or a plan version
is made, so the Today page lists flagged patients with one bounded query instead of running
the rules over every patient's history when it loads.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action, role_can
from ketacare.clinical.outcomes import Signal
from ketacare.clinics.models import Clinic
from ketacare.consent.services import clinic_today
from ketacare.measures.models import ScaleResponse
from ketacare.measures.progress import InstrumentProgress, progress_by_instrument
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession, SessionStatus
from ketacare.treatment.models import OutcomeState, SessionState, TreatmentPlan


def iv_infusion_dates(patient: Patient) -> list[date]:
    """The IV infusions given (a session not dosed does not count towards futility)."""
    rows = DosingSession.objects.filter(clinic_id=patient.clinic_id, patient=patient, route="iv")
    rows = rows.exclude(status=SessionStatus.NOT_DOSED)
    clinic = patient.clinic
    return [clinic_today(clinic, at=when) for when in rows.values_list("started_at", flat=True)]


def patient_progress(patient: Patient) -> list[InstrumentProgress]:
    """The outcome rules over the patient's scores in force, with the IV infusions counted."""
    responses = ScaleResponse.objects.filter(
        clinic_id=patient.clinic_id, patient=patient, amended_by__isnull=True
    ).only("instrument", "taken_at", "total", "patient_id")
    return progress_by_instrument(responses, iv_infusion_dates(patient))


def _booster_planned(plan: TreatmentPlan | None, since: date) -> bool:
    """A maintenance session planned (or given) on or after the signal, in the plan in force."""
    if plan is None or plan.is_draft:
        return False
    return plan.planned_sessions.filter(
        phase="maintenance", on__gte=since, status__in=[SessionState.PLANNED, SessionState.DONE]
    ).exists()


def _futility_reviewed(patient: Patient, since: date) -> bool:
    """A prescriber made a new plan version (continue, stop, ...) on or after the signal."""
    return TreatmentPlan.objects.filter(
        clinic_id=patient.clinic_id, patient=patient, version__gt=1, created_at__date__gte=since
    ).exists()


def _flag(
    flag: str,
    prefix: str,
    found: tuple[InstrumentProgress, Signal] | None,
    since: date | None,
    settled: bool,
) -> dict[str, object]:
    """The stored fields of one signal: whether it holds, since when, why, and whether it
    is still open (not yet acted on: a booster planned, a futility review made)."""
    if found is None:
        return {flag: False, f"{prefix}_since": None, f"{prefix}_reason": "",
                f"{prefix}_open": False}  # fmt: skip
    return {flag: True, f"{prefix}_since": since, f"{prefix}_reason":
            found[1].reason[:200], f"{prefix}_open": not settled}  # fmt: skip


def _day(progress: InstrumentProgress, clinic: Clinic) -> date:
    return clinic_today(clinic, at=progress.latest.taken_at)


def refresh_outcome_state(patient: Patient) -> OutcomeState:
    booster: tuple[InstrumentProgress, Signal] | None = None
    futility: tuple[InstrumentProgress, Signal] | None = None
    for progress in patient_progress(patient):
        if booster is None and progress.booster_signal:
            booster = (progress, progress.booster_signal)
        if futility is None and progress.futility_signal:
            futility = (progress, progress.futility_signal)
    plan = TreatmentPlan.objects.filter(clinic_id=patient.clinic_id, patient=patient).first()
    clinic = patient.clinic
    booster_since = _day(booster[0], clinic) if booster else None
    futility_since = _day(futility[0], clinic) if futility else None
    planned = booster_since is not None and _booster_planned(plan, booster_since)
    reviewed = futility_since is not None and _futility_reviewed(patient, futility_since)
    values = {
        "updated_at": timezone.now(),
        "plan": plan,
        "booster_planned": planned,
        "futility_reviewed": reviewed,
        **_flag("booster_due", "booster", booster, booster_since, planned),
        **_flag("futility", "futility", futility, futility_since, reviewed),
    }
    state, _ = OutcomeState.objects.update_or_create(
        patient=patient, defaults={"clinic_id": patient.clinic_id, **values}
    )
    return state


def stored_state(actor: Actor, patient: Patient) -> OutcomeState | None:
    """The stored prompts of a patient already read through the gate, for the care team."""
    if not role_can(actor.role, Action.SESSION_VIEW):
        return None
    return OutcomeState.objects.filter(clinic_id=patient.clinic_id, patient=patient).first()
