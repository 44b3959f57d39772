"""Eligibility per route: label contraindications, IV practice, at-home caution."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketacare.clinical.eligibility import (
    Diagnosis,
    EligibilitySettings,
    EligibilityStatus,
    HepaticImpairment,
    History,
    Medicine,
    ScreeningInput,
    assess,
    is_treatment_resistant,
)
from ketacare.clinical.errors import InvalidClinicalInput, LooseningWithoutReason
from ketacare.clinical.routes import Route
from ketacare.clinical.vitals import BloodPressure, VitalSigns

OK = EligibilityStatus.ELIGIBLE
REVIEW = EligibilityStatus.NEEDS_REVIEW
EXCLUDED = EligibilityStatus.EXCLUDED
MDD = frozenset({Diagnosis.MAJOR_DEPRESSIVE_DISORDER})
CALM = VitalSigns(124, 80)


def screen(**changes: object) -> ScreeningInput:
    values: dict[str, object] = {
        "diagnoses": MDD,
        "failed_adequate_antidepressant_trials": 2,
        "vitals": CALM,
    }
    values.update(changes)
    return ScreeningInput(**values)  # type: ignore[arg-type]


def statuses(screening: ScreeningInput) -> dict[Route, EligibilityStatus]:
    return {route: result.status for route, result in assess(screening).items()}


def test_trd_without_risks_is_eligible_in_clinic_and_review_at_home() -> None:
    assert statuses(screen()) == {
        Route.IV_RACEMIC: OK,
        Route.IM_RACEMIC: OK,
        Route.ESKETAMINE_NASAL: OK,
        Route.AT_HOME_SUBLINGUAL: REVIEW,
    }


def test_trd_means_at_least_two_failed_adequate_trials() -> None:
    assert is_treatment_resistant(screen())
    assert not is_treatment_resistant(screen(failed_adequate_antidepressant_trials=1))
    assert not is_treatment_resistant(
        screen(diagnoses=frozenset({Diagnosis.PTSD}), failed_adequate_antidepressant_trials=4)
    )


def test_esketamine_outside_label_is_excluded_while_iv_needs_review() -> None:
    result = statuses(screen(failed_adequate_antidepressant_trials=1))
    assert result[Route.ESKETAMINE_NASAL] is EXCLUDED
    assert result[Route.IV_RACEMIC] is REVIEW


def test_esketamine_allowed_for_mdd_with_acute_suicidal_ideation_without_trd() -> None:
    screening = screen(
        diagnoses=frozenset({Diagnosis.MDD_WITH_ACUTE_SUICIDAL_IDEATION}),
        failed_adequate_antidepressant_trials=0,
    )
    assert statuses(screening)[Route.ESKETAMINE_NASAL] is OK


def test_chronic_pain_is_an_iv_indication() -> None:
    screening = screen(
        diagnoses=frozenset({Diagnosis.CHRONIC_PAIN}), failed_adequate_antidepressant_trials=0
    )
    assert statuses(screening)[Route.IV_RACEMIC] is OK
    assert statuses(screening)[Route.ESKETAMINE_NASAL] is EXCLUDED


@pytest.mark.parametrize(
    "item",
    [
        History.ANEURYSMAL_VASCULAR_DISEASE,
        History.ARTERIOVENOUS_MALFORMATION,
        History.INTRACEREBRAL_HAEMORRHAGE,
        History.HYPERSENSITIVITY,
    ],
)
def test_label_contraindications_exclude_esketamine_citing_the_label(item: History) -> None:
    result = assess(screen(history=frozenset({item})))[Route.ESKETAMINE_NASAL]
    assert result.status is EXCLUDED
    assert any(r.status is EXCLUDED and "S5" in r.source for r in result.reasons)


def test_severe_cardiac_disease_excludes_racemic_but_needs_review_for_esketamine() -> None:
    result = statuses(screen(history=frozenset({History.SEVERE_CARDIOVASCULAR_DISEASE})))
    assert result[Route.IV_RACEMIC] is EXCLUDED
    assert result[Route.ESKETAMINE_NASAL] is REVIEW


def test_pregnancy_excludes_every_route() -> None:
    result = statuses(screen(history=frozenset({History.PREGNANT_OR_BREASTFEEDING})))
    assert set(result.values()) == {EXCLUDED}


@pytest.mark.parametrize("item", [History.PSYCHOSIS, History.MANIA, History.SUBSTANCE_USE_DISORDER])
def test_psychiatric_history_needs_clinician_review(item: History) -> None:
    assert statuses(screen(history=frozenset({item})))[Route.IV_RACEMIC] is REVIEW


def test_severe_hepatic_impairment_excludes_and_moderate_needs_review() -> None:
    assert set(statuses(screen(hepatic_impairment=HepaticImpairment.SEVERE)).values()) == {EXCLUDED}
    moderate = assess(screen(hepatic_impairment=HepaticImpairment.MODERATE))
    assert moderate[Route.ESKETAMINE_NASAL].status is REVIEW
    assert "S1 §8.6" in moderate[Route.ESKETAMINE_NASAL].reasons[-1].source


@pytest.mark.parametrize(
    ("bp", "status"), [((140, 90), OK), ((150, 85), REVIEW), ((185, 95), EXCLUDED)]
)
def test_screening_blood_pressure(bp: tuple[int, int], status: EligibilityStatus) -> None:
    assert statuses(screen(vitals=VitalSigns(*bp)))[Route.IV_RACEMIC] is status


def test_missing_screening_bp_needs_review() -> None:
    assert statuses(screen(vitals=None))[Route.ESKETAMINE_NASAL] is REVIEW


@pytest.mark.parametrize(
    "medicine",
    [Medicine.BENZODIAZEPINE, Medicine.PSYCHOSTIMULANT, Medicine.MAOI, Medicine.CYP_INHIBITOR],
)
def test_interacting_medicines_need_review(medicine: Medicine) -> None:
    assert statuses(screen(medicines=frozenset({medicine})))[Route.IV_RACEMIC] is REVIEW


def test_lamotrigine_is_noted_but_does_not_block() -> None:
    result = assess(screen(medicines=frozenset({Medicine.LAMOTRIGINE})))[Route.IV_RACEMIC]
    assert result.status is OK
    assert any("lamotrigine" in r.reason for r in result.reasons)


def test_high_benzodiazepine_dose_adds_non_response_reason() -> None:
    result = assess(
        screen(
            medicines=frozenset({Medicine.BENZODIAZEPINE}), benzodiazepine_diazepam_equivalent_mg=10
        )
    )[Route.IV_RACEMIC]
    assert any(r.source == "K17" for r in result.reasons)


def test_high_cssrs_risk_needs_review_in_clinic_and_excludes_at_home() -> None:
    result = statuses(screen(latest_cssrs_risk="high"))
    assert result[Route.ESKETAMINE_NASAL] is REVIEW
    assert result[Route.AT_HOME_SUBLINGUAL] is EXCLUDED


def test_unknown_cssrs_risk_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="latest_cssrs_risk"):
        screen(latest_cssrs_risk="severe")


def test_every_reason_names_a_source() -> None:
    everything = screen(
        history=frozenset(History),
        medicines=frozenset(Medicine),
        hepatic_impairment=HepaticImpairment.MODERATE,
        latest_cssrs_risk="moderate",
    )
    for result in assess(everything).values():
        assert result.status is EXCLUDED
        assert all(r.source for r in result.reasons)


@settings(max_examples=60, deadline=None)
@given(
    history=st.frozensets(st.sampled_from(list(History))),
    extra=st.sampled_from(list(History)),
    medicines=st.frozensets(st.sampled_from(list(Medicine))),
)
def test_adding_a_history_item_never_improves_any_route(
    history: frozenset[History], extra: History, medicines: frozenset[Medicine]
) -> None:
    rank = {OK: 0, REVIEW: 1, EXCLUDED: 2}
    before = statuses(screen(history=history, medicines=medicines))
    after = statuses(screen(history=history | {extra}, medicines=medicines))
    assert all(rank[after[route]] >= rank[before[route]] for route in Route)


def test_loosening_screening_bp_exclusion_without_reason_is_refused() -> None:
    with pytest.raises(LooseningWithoutReason, match="bp_exclude_above"):
        EligibilitySettings(bp_exclude_above=BloodPressure(200, 110))


def test_accepting_one_failed_trial_as_trd_is_loosening() -> None:
    with pytest.raises(LooseningWithoutReason, match="trd_min_failed_trials"):
        EligibilitySettings(trd_min_failed_trials=1)
    stricter = EligibilitySettings(trd_min_failed_trials=3)
    assert not is_treatment_resistant(screen(), stricter)


def test_stricter_clinic_bp_threshold_needs_review_sooner() -> None:
    clinic = EligibilitySettings(bp_review_above=BloodPressure(130, 85))
    result = assess(screen(vitals=VitalSigns(135, 80)), clinic)
    assert result[Route.IV_RACEMIC].status is REVIEW
