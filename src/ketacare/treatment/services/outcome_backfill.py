"""Stored booster and futility states brought up to date where they are missing or older than
their inputs: patients whose scores, sessions or plans were written before the state was
stored (data from before that code, an import that bypassed the signals). Run by
`ketacare migrate` and `ketacare refresh-outcomes`, so Today, the chart and the plan page,
which read only the stored state, never miss a patient the clinical rule flags.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from ketacare.accounts.actor import system_actor
from ketacare.audit.services import record
from ketacare.clinical.outcomes import NOT_OUTCOME_MEASURES
from ketacare.clinics.models import Clinic
from ketacare.measures.models import ScaleResponse
from ketacare.patients.models import Patient
from ketacare.sessions.models import DosingSession
from ketacare.treatment.models import OutcomeState, TreatmentPlan
from ketacare.treatment.services.outcome_state import refresh_outcome_state


def needing_refresh(*, everyone: bool = False) -> QuerySet[Patient]:
    """Patients with an input of the rules (an outcome score, a dosing session, a plan) whose
    stored state is missing or older than the newest input; `everyone`: all with an input
    (after a change of the rules themselves)."""
    scores = ScaleResponse.objects.filter(patient=OuterRef("pk")).exclude(
        instrument__in=NOT_OUTCOME_MEASURES
    )
    sessions = DosingSession.objects.filter(patient=OuterRef("pk"))
    plans = TreatmentPlan.objects.filter(patient=OuterRef("pk"))
    with_input = Patient.objects.filter(Exists(scores) | Exists(sessions) | Exists(plans))
    if everyone:
        return with_input.order_by("clinic_id", "pk")
    stored = OutcomeState.objects.filter(patient=OuterRef("pk")).values("updated_at")[:1]
    newer = (
        Exists(scores.filter(created_at__gt=OuterRef("stored_at")))
        | Exists(sessions.filter(started_at__gt=OuterRef("stored_at")))
        | Exists(plans.filter(created_at__gt=OuterRef("stored_at")))
    )
    return (
        with_input.annotate(stored_at=Subquery(stored))
        .filter(Q(stored_at__isnull=True) | newer)
        .order_by("clinic_id", "pk")
    )


def stale_patient_ids(*, everyone: bool = False) -> list[int]:
    return list(needing_refresh(everyone=everyone).values_list("pk", flat=True))


def refresh_states(ids: list[int], after_each: Callable[[], object] | None = None) -> int:
    """Refresh each patient, one transaction each (a long run keeps what it did if stopped),
    then one audit entry per clinic with the count; `after_each` moves a progress bar."""
    done: dict[int, int] = {}
    for pk in ids:
        with transaction.atomic():
            patient = Patient.objects.select_related("clinic").get(pk=pk)
            refresh_outcome_state(patient)
        done[patient.clinic_id] = done.get(patient.clinic_id, 0) + 1
        if after_each is not None:
            after_each()
    for clinic in Clinic.objects.filter(pk__in=done):
        actor = system_actor(clinic, "outcome state backfill")
        record(actor, "update", "outcome_state", "", clinic_id=clinic.pk,
               detail={"refreshed": done[clinic.pk]})  # fmt: skip
    return len(ids)
