"""Screening use cases: assess with the clinical core, store what was shown, read it back."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ketacare.accounts.actor import Actor
from ketacare.accounts.roles import Action
from ketacare.audit.services import record
from ketacare.clinical import eligibility
from ketacare.clinical.errors import ClinicalRuleError
from ketacare.clinical_input import field_error, vital_signs_json
from ketacare.measures.services import current_responses
from ketacare.patients.gate import get_for, page_of
from ketacare.patients.models import Patient
from ketacare.screening.models import Screening

# What the screening form asks of the vital signs; the rest is not stored as if measured.
VITALS_ASKED = ("systolic_mmhg", "diastolic_mmhg", "heart_rate_bpm", "spo2_percent")


def latest_cssrs_risk(actor: Actor, patient: Patient) -> str | None:
    latest = (
        current_responses(actor, patient).filter(instrument="cssrs").order_by("-taken_at").first()
    )
    return latest.risk if latest is not None else None


def _as_json(screening: eligibility.ScreeningInput) -> dict[str, Any]:
    vitals = screening.vitals
    return {
        "diagnoses": sorted(screening.diagnoses),
        "failed_adequate_antidepressant_trials": screening.failed_adequate_antidepressant_trials,
        "vitals": None if vitals is None else vital_signs_json(vitals, VITALS_ASKED),
        "history": sorted(screening.history),
        "hepatic_impairment": str(screening.hepatic_impairment),
        "medicines": sorted(screening.medicines),
        "latest_cssrs_risk": screening.latest_cssrs_risk,
        "benzodiazepine_diazepam_equivalent_mg": screening.benzodiazepine_diazepam_equivalent_mg,
    }  # fmt: skip


def _results_json(results: dict[Any, eligibility.EligibilityResult]) -> dict[str, Any]:
    return {
        str(route): {
            "label": route.label,
            "status": str(result.status),
            "reasons": [
                {"status": str(r.status), "reason": r.reason, "source": r.source}
                for r in result.reasons
            ],
        }
        for route, result in results.items()
    }


@transaction.atomic
def record_screening(
    actor: Actor, patient_id: Any, screening: eligibility.ScreeningInput
) -> Screening:
    patient = get_for(actor, Patient, patient_id, Action.SCREENING_RECORD)
    try:
        results = eligibility.assess(screening)
        treatment_resistant = eligibility.is_treatment_resistant(screening)
    except ClinicalRuleError as exc:  # an input combination the rules refuse, named
        raise field_error(exc) from exc
    saved = Screening.objects.create(
        clinic=patient.clinic,
        patient=patient,
        inputs=_as_json(screening),
        results=_results_json(results),
        treatment_resistant=treatment_resistant,
        recorded_by=actor.user,
    )
    summary = {route: data["status"] for route, data in saved.results.items()}
    record(actor, "create", "screening", saved.public_id, patient_id=patient.public_id,
           detail={"results": summary})  # fmt: skip
    return saved


@transaction.atomic
def view_screening(actor: Actor, screening_id: Any) -> Screening:
    return get_for(actor, Screening, screening_id, Action.SCREENING_VIEW)


def latest_screening(actor: Actor, patient: Patient) -> Screening | None:
    """For the chart, whose patient is already an audited read."""
    return Screening.objects.for_actor(actor, Action.SCREENING_VIEW).filter(patient=patient).first()


@transaction.atomic
def screening_page(
    actor: Actor, patient_id: Any, limit: int, offset: int
) -> tuple[list[Screening], int]:
    """One page of the patient's screenings, newest first, and how many there are."""
    return page_of(actor, Screening, patient_id, Action.SCREENING_VIEW, limit=limit, offset=offset)
