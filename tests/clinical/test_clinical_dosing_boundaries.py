"""Dosing at its edges: limits that tie, clinic ceilings against fixed caps, rounding onto and
across a limit, overrides (who authorised, when they are recorded), refusals in the words a
prescriber reads, and every titration suggestion with its reason and source.

Written against the mutants that survived `make mutation` (docs/mutation-testing.md): each test
fails for a wrong rule that test_clinical_dosing.py let through. Limits: IV 0.75 mg/kg (K1, K7),
IM 0.5 mg/kg (K5), esketamine 84 mg in 28 mg devices (S3, S6), at home 7.0 mg/kg and 300 mg
(K2); chronic-pain infusion 0.35 mg/kg/h or 22 mg/h, whichever is higher (K15).
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ketacare.clinical.dosing import (
    DoseOverride,
    DosingSettings,
    ResponseSoFar,
    TitrationAction,
    TitrationSuggestion,
    Tolerability,
    calculate_dose,
    check_infusion_rate,
    suggest_titration,
)
from ketacare.clinical.errors import DoseAboveLimit, InvalidClinicalInput, LooseningWithoutReason
from ketacare.clinical.routes import Route

OVERRIDE = DoseOverride("non-responder at 84 mg, discussed at MDT", "Dr Okafor")
OVERRIDE_NEEDED = "an authorised override with a recorded reason is required"


# --- overrides ---------------------------------------------------------------------------


def test_an_override_without_the_authorising_clinician_is_refused() -> None:
    with pytest.raises(
        InvalidClinicalInput, match=r"^override authorised_by must name the clinician$"
    ):
        DoseOverride("non-responder, discussed at MDT", "  ")


def test_an_override_without_a_reason_is_refused_saying_it_must_be_recorded() -> None:
    with pytest.raises(InvalidClinicalInput, match=r"^override reason must be recorded$"):
        DoseOverride("", "Dr Okafor")


# --- clinic ceilings ---------------------------------------------------------------------


def test_a_clinic_ceiling_equal_to_the_sourced_limit_is_allowed_and_the_source_is_cited() -> None:
    clinic = DosingSettings(clinic_max_mg_per_kg={Route.IV_RACEMIC: 0.75})
    dose = calculate_dose(Route.IV_RACEMIC, weight_kg=80, dose_mg=60, settings=clinic)
    assert dose.limit_mg == 60
    assert dose.limit_source == "K1, K7"


def test_a_clinic_ceiling_of_zero_is_refused() -> None:
    with pytest.raises(
        LooseningWithoutReason, match=r"^clinic_max_mg_per_kg\[iv\] = 0 must be above 0"
    ):
        DosingSettings(clinic_max_mg_per_kg={Route.IV_RACEMIC: 0})


def test_a_stricter_clinic_ceiling_is_the_limit_and_cites_the_clinic_setting() -> None:
    clinic = DosingSettings(clinic_max_mg_per_kg={Route.IV_RACEMIC: 0.5})
    dose = calculate_dose(Route.IV_RACEMIC, weight_kg=80, dose_mg=40, settings=clinic)
    assert dose.limit_mg == 40
    assert dose.limit_source == "clinic setting"


def test_a_clinic_mg_per_kg_ceiling_never_lifts_the_300_mg_at_home_cap() -> None:
    # 7.0 mg/kg x 60 kg = 420 mg, but the at-home cap is 300 mg (K2) whatever the weight.
    clinic = DosingSettings(clinic_max_mg_per_kg={Route.AT_HOME_SUBLINGUAL: 7.0})
    dose = calculate_dose(Route.AT_HOME_SUBLINGUAL, weight_kg=60, dose_mg=300, settings=clinic)
    assert (dose.limit_mg, dose.limit_source) == (300, "K2")
    with pytest.raises(DoseAboveLimit, match=r"the 300 mg limit"):
        calculate_dose(Route.AT_HOME_SUBLINGUAL, weight_kg=60, dose_mg=301, settings=clinic)


# --- the calculation and its rounding ----------------------------------------------------


def test_a_weight_based_dose_reports_route_weight_mg_per_kg_and_its_limit() -> None:
    dose = calculate_dose(Route.IV_RACEMIC, weight_kg=73.4, dose_mg_per_kg=0.5)
    assert dose.route is Route.IV_RACEMIC
    assert dose.weight_kg == 73.4
    assert dose.dose_mg == 37
    assert dose.dose_mg_per_kg == 0.5041  # 37 mg / 73.4 kg, to 4 decimals
    assert dose.limit_mg == pytest.approx(0.75 * 73.4)
    assert dose.limit_source == "K1, K7"
    assert dose.esketamine_devices is None


def test_a_dose_that_rounds_up_to_exactly_the_limit_stays_at_the_limit() -> None:
    # 0.75 mg/kg x 80 kg = 60 mg; 59.6 mg rounds to 60, which is not above it.
    dose = calculate_dose(Route.IV_RACEMIC, weight_kg=80, dose_mg=59.6)
    assert dose.dose_mg == 60
    assert not dose.exceeds_limit


def test_with_a_5_mg_step_a_dose_at_the_limit_rounds_down_to_50_not_up_to_55() -> None:
    # 0.75 mg/kg x 70.6 kg = 52.95 mg, the limit itself; the nearest 5 mg step (55) is above it.
    clinic = DosingSettings(measurable_step_mg=5)
    dose = calculate_dose(Route.IV_RACEMIC, weight_kg=70.6, dose_mg_per_kg=0.75, settings=clinic)
    assert dose.dose_mg == 50


def test_a_dose_that_rounds_to_nothing_is_refused_naming_the_step() -> None:
    # 0.25 mg/kg (K2's lowest) x 60 kg = 15 mg: nothing with 50 mg tablets.
    clinic = DosingSettings(measurable_step_mg=50)
    with pytest.raises(
        InvalidClinicalInput, match=r"^dose 15 mg rounds to 0 with measurable_step_mg 50$"
    ):
        calculate_dose(Route.AT_HOME_SUBLINGUAL, weight_kg=60, dose_mg_per_kg=0.25, settings=clinic)


def test_a_measurable_step_of_zero_is_refused_naming_it() -> None:
    with pytest.raises(InvalidClinicalInput, match=r"^measurable_step_mg 0 must be positive$"):
        calculate_dose(
            Route.IV_RACEMIC,
            weight_kg=70,
            dose_mg_per_kg=0.5,
            settings=DosingSettings(measurable_step_mg=0),
        )


@pytest.mark.parametrize(
    ("given_dose", "shown"),
    [
        ({"dose_mg_per_kg": 0.0}, "0"),
        ({"dose_mg": -5}, "-5"),
        ({"dose_mg_per_kg": float("inf")}, "inf"),
    ],
)
def test_a_zero_negative_or_infinite_dose_is_refused_as_not_positive(
    given_dose: dict[str, float], shown: str
) -> None:
    with pytest.raises(InvalidClinicalInput, match=rf"^dose {shown} mg must be a positive number$"):
        calculate_dose(Route.IV_RACEMIC, weight_kg=70, **given_dose)


def test_both_dose_forms_refusal_says_give_exactly_one() -> None:
    with pytest.raises(
        InvalidClinicalInput, match=r"^give exactly one of dose_mg_per_kg or dose_mg$"
    ):
        calculate_dose(Route.IV_RACEMIC, weight_kg=70)


def test_a_dose_above_its_limit_is_refused_saying_an_authorised_override_is_needed() -> None:
    with pytest.raises(DoseAboveLimit, match=rf"; {OVERRIDE_NEEDED}$"):
        calculate_dose(Route.IM_RACEMIC, weight_kg=80, dose_mg=41)


# --- esketamine --------------------------------------------------------------------------


def test_esketamine_56_mg_is_two_devices_against_the_84_mg_label_limit_without_weight() -> None:
    dose = calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg=56)
    assert dose.route is Route.ESKETAMINE_NASAL
    assert (dose.dose_mg, dose.unrounded_dose_mg, dose.esketamine_devices) == (56, 56, 2)
    assert (dose.limit_mg, dose.limit_source) == (84, "S3")
    assert dose.exceeds_limit is False and dose.override is None
    # Fixed doses (S3): the weight plays no part and no mg/kg is derived.
    assert (dose.weight_kg, dose.dose_mg_per_kg) == (0.0, 0.0)


def test_esketamine_zero_mg_is_refused_as_not_whole_devices() -> None:
    with pytest.raises(
        InvalidClinicalInput,
        match=r"^dose_mg 0: esketamine is given in whole 28 mg devices \(S3, S6\)$",
    ):
        calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg=0)


def test_esketamine_above_84_mg_is_refused_citing_the_label_maximum() -> None:
    with pytest.raises(
        DoseAboveLimit,
        match=r"^dose_mg 112 is above the 84 mg limit \(label maximum: 84 mg = 3 devices; S3\); "
        + OVERRIDE_NEEDED
        + "$",
    ):
        calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg=112)


def test_esketamine_above_84_mg_with_an_authorised_override_is_given_and_recorded() -> None:
    dose = calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg=112, override=OVERRIDE)
    assert dose.exceeds_limit is True
    assert dose.override == OVERRIDE
    assert dose.esketamine_devices == 4


def test_an_esketamine_override_within_the_label_is_not_recorded_as_used() -> None:
    dose = calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg=56, override=OVERRIDE)
    assert dose.override is None


def test_esketamine_28_mg_note_names_the_us_doses_and_the_hong_kong_age_65_start() -> None:
    dose = calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg=28)
    assert dose.notes == (
        "28 mg is not a US-label dose (56 or 84 mg, S3); it is the Hong Kong "
        "label start for age 65 and over (S7)",
    )


def test_esketamine_in_mg_per_kg_refusal_names_dose_mg_and_cites_s3() -> None:
    with pytest.raises(
        InvalidClinicalInput, match=r"^dose_mg: esketamine is dosed in mg, not mg/kg \(S3\)$"
    ):
        calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg_per_kg=0.8)


# --- chronic-pain infusion rate ----------------------------------------------------------


@settings(max_examples=40, deadline=None)
@example(weight=0.5)
@given(weight=st.floats(min_value=0, max_value=250, exclude_min=True))
def test_22_mg_per_hour_is_within_the_k15_limit_at_any_positive_weight(weight: float) -> None:
    assert check_infusion_rate(weight_kg=weight, rate_mg_per_h=22) is False


def test_a_rate_above_both_crps_regimens_is_refused_naming_the_rate_limit_and_k15() -> None:
    with pytest.raises(
        DoseAboveLimit,
        match=r"36 is above the 35 mg limit \(chronic-pain infusion rate \(mg/h\); K15\)",
    ):
        check_infusion_rate(weight_kg=100, rate_mg_per_h=36)


# --- titration ---------------------------------------------------------------------------

WELL, POOR = Tolerability.WELL_TOLERATED, Tolerability.POORLY_TOLERATED
KEEP, INCREASE = TitrationAction.KEEP, TitrationAction.INCREASE
DECREASE, REVIEW = TitrationAction.DECREASE, TitrationAction.REVIEW


def suggest(
    route: Route,
    last: float,
    response: ResponseSoFar,
    tolerability: Tolerability,
    step: float | None = None,
) -> TitrationSuggestion:
    return suggest_titration(
        route,
        last_dose_mg=last,
        weight_kg=80,
        response=response,
        tolerability=tolerability,
        step_mg_per_kg=step,
    )


@pytest.mark.parametrize("last", [56, 84])
def test_a_responding_esketamine_patient_keeps_the_dose(last: int) -> None:
    assert suggest(Route.ESKETAMINE_NASAL, last, ResponseSoFar.RESPONSE, WELL) == (
        TitrationSuggestion(KEEP, last, "responding", "S3, S4")
    )


def test_esketamine_poorly_tolerated_at_56_mg_needs_review_not_a_decrease_to_56() -> None:
    assert suggest(Route.ESKETAMINE_NASAL, 56, ResponseSoFar.NONE, POOR) == TitrationSuggestion(
        REVIEW, None, "poorly tolerated at the lowest US-label dose", "S3"
    )


def test_esketamine_poorly_tolerated_at_84_mg_decreases_to_56_citing_s3() -> None:
    assert suggest(Route.ESKETAMINE_NASAL, 84, ResponseSoFar.NONE, POOR) == TitrationSuggestion(
        DECREASE, 56, "poorly tolerated", "S3"
    )


@pytest.mark.parametrize(("last", "step_up", "source"), [(28, 56, "S7, S3"), (56, 84, "S3")])
def test_esketamine_step_up_is_one_device_citing_the_label_it_comes_from(
    last: int, step_up: int, source: str
) -> None:
    assert suggest(Route.ESKETAMINE_NASAL, last, ResponseSoFar.PARTIAL, WELL) == (
        TitrationSuggestion(
            INCREASE,
            step_up,
            "tolerated without full response: up one 28 mg device (28/56/84 mg)",
            source,
        )
    )


def test_esketamine_without_full_response_at_84_mg_says_evaluate_benefit() -> None:
    assert suggest(Route.ESKETAMINE_NASAL, 84, ResponseSoFar.PARTIAL, WELL) == (
        TitrationSuggestion(
            REVIEW, None, "no full response at 84 mg: evaluate benefit (end of induction)", "S3"
        )
    )


def test_iv_responder_keeps_the_dose_citing_k1() -> None:
    assert suggest(Route.IV_RACEMIC, 40, ResponseSoFar.RESPONSE, WELL) == (
        TitrationSuggestion(KEEP, 40, "responding", "K1")
    )


def test_iv_poorly_tolerated_at_the_lowest_published_dose_needs_review() -> None:
    # 0.1 mg/kg x 80 kg = 8 mg, the bottom of the IV range (K1).
    assert suggest(Route.IV_RACEMIC, 8, ResponseSoFar.NONE, POOR) == TitrationSuggestion(
        REVIEW, None, "poorly tolerated at the lowest published dose", "K1"
    )


def test_iv_poorly_tolerated_without_a_clinic_step_suggests_decrease_without_a_dose() -> None:
    assert suggest(Route.IV_RACEMIC, 40, ResponseSoFar.NONE, POOR) == TitrationSuggestion(
        DECREASE, None, "poorly tolerated", "K1"
    )


def test_iv_without_response_at_the_top_of_the_range_needs_review_citing_k1_and_k7() -> None:
    # 0.75 mg/kg x 80 kg = 60 mg (K1); few respond after more than 3 infusions (K7).
    assert suggest(Route.IV_RACEMIC, 60, ResponseSoFar.NONE, WELL) == TitrationSuggestion(
        REVIEW, None, "no full response at the top of the published range", "K1, K7"
    )


def test_iv_tolerated_without_response_suggests_an_increase() -> None:
    assert suggest(Route.IV_RACEMIC, 40, ResponseSoFar.PARTIAL, WELL) == TitrationSuggestion(
        INCREASE, None, "tolerated without full response", "K1"
    )


@pytest.mark.parametrize(
    ("route", "source"), [(Route.IM_RACEMIC, "K5"), (Route.AT_HOME_SUBLINGUAL, "K2")]
)
def test_poorly_tolerated_at_025_mg_per_kg_is_the_bottom_of_the_im_and_oral_ranges(
    route: Route, source: str
) -> None:
    # 0.25 mg/kg x 80 kg = 20 mg: the lowest studied IM dose (K5) and oral dose (K2).
    assert suggest(route, 20, ResponseSoFar.NONE, POOR) == TitrationSuggestion(
        REVIEW, None, "poorly tolerated at the lowest published dose", source
    )
    assert suggest(route, 21, ResponseSoFar.NONE, POOR).action is DECREASE


def test_at_home_below_about_43_kg_the_7_mg_per_kg_limit_binds_before_300_mg() -> None:
    # 7.0 mg/kg x 40 kg = 280 mg, under the 300 mg cap (K2).
    dose = calculate_dose(Route.AT_HOME_SUBLINGUAL, weight_kg=40, dose_mg=280)
    assert (dose.limit_mg, dose.limit_source) == (280, "K2")
    with pytest.raises(DoseAboveLimit, match=r"the 280 mg limit"):
        calculate_dose(Route.AT_HOME_SUBLINGUAL, weight_kg=40, dose_mg=281)
