"""Dose calculation, hard limits with overrides, and titration suggestions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketacare.clinical.dosing import (
    DOSE_LIMITS,
    DoseOverride,
    DosingSettings,
    ResponseSoFar,
    TitrationAction,
    Tolerability,
    calculate_dose,
    check_infusion_rate,
    suggest_titration,
)
from ketacare.clinical.errors import DoseAboveLimit, InvalidClinicalInput, LooseningWithoutReason
from ketacare.clinical.routes import Indication, Route

OVERRIDE = DoseOverride("non-responder at 0.75 mg/kg, discussed at MDT", "Dr Okafor")


def test_iv_standard_dose_is_half_mg_per_kg_rounded_to_whole_mg() -> None:
    dose = calculate_dose(Route.IV_RACEMIC, weight_kg=73.4, dose_mg_per_kg=0.5)
    assert dose.unrounded_dose_mg == pytest.approx(36.7)
    assert dose.dose_mg == 37
    assert not dose.exceeds_limit


def test_iv_dose_rounds_to_the_clinics_measurable_step() -> None:
    clinic = DosingSettings(measurable_step_mg=2.5)
    dose = calculate_dose(Route.IV_RACEMIC, weight_kg=73.4, dose_mg_per_kg=0.5, settings=clinic)
    assert dose.dose_mg == 37.5


def test_rounding_never_crosses_the_hard_limit() -> None:
    # 0.75 mg/kg x 70.6 kg = 52.95 mg; rounding to 53 would exceed the limit.
    dose = calculate_dose(Route.IV_RACEMIC, weight_kg=70.6, dose_mg_per_kg=0.75)
    assert dose.dose_mg == 52
    assert not dose.exceeds_limit


def test_iv_dose_above_075_mg_per_kg_is_refused_with_reason_and_source() -> None:
    with pytest.raises(DoseAboveLimit, match=r"dose_mg 80 .*52\.5 mg limit.*K1"):
        calculate_dose(Route.IV_RACEMIC, weight_kg=70, dose_mg_per_kg=80 / 70)


def test_iv_dose_above_limit_with_override_is_allowed_and_recorded() -> None:
    dose = calculate_dose(Route.IV_RACEMIC, weight_kg=70, dose_mg=60, override=OVERRIDE)
    assert dose.exceeds_limit
    assert dose.override == OVERRIDE


def test_override_within_limit_is_not_recorded_as_used() -> None:
    dose = calculate_dose(Route.IV_RACEMIC, weight_kg=70, dose_mg=35, override=OVERRIDE)
    assert dose.override is None


def test_override_without_reason_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="reason"):
        DoseOverride("  ", "Dr Okafor")


def test_im_limit_is_half_mg_per_kg() -> None:
    assert calculate_dose(Route.IM_RACEMIC, weight_kg=80, dose_mg_per_kg=0.5).dose_mg == 40
    with pytest.raises(DoseAboveLimit, match="K5"):
        calculate_dose(Route.IM_RACEMIC, weight_kg=80, dose_mg=41)


def test_at_home_fixed_dose_above_300_mg_is_refused() -> None:
    assert calculate_dose(Route.AT_HOME_SUBLINGUAL, weight_kg=90, dose_mg=300).dose_mg == 300
    with pytest.raises(DoseAboveLimit, match="K2"):
        calculate_dose(Route.AT_HOME_SUBLINGUAL, weight_kg=90, dose_mg=400)


@pytest.mark.parametrize(("dose_mg", "devices"), [(56, 2), (84, 3)])
def test_esketamine_label_doses_count_devices(dose_mg: int, devices: int) -> None:
    dose = calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg=dose_mg)
    assert dose.esketamine_devices == devices
    assert dose.notes == ()


def test_esketamine_28_mg_carries_a_non_us_label_note() -> None:
    assert "S7" in calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg=28).notes[0]


def test_esketamine_part_device_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="whole 28 mg devices"):
        calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg=60)


def test_esketamine_112_mg_is_above_the_label_maximum() -> None:
    with pytest.raises(DoseAboveLimit, match="84 mg"):
        calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg=112)


def test_esketamine_in_mg_per_kg_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="dose_mg"):
        calculate_dose(Route.ESKETAMINE_NASAL, weight_kg=70, dose_mg_per_kg=0.8)


@pytest.mark.parametrize("weight", [0, -70, float("nan"), float("inf")])
def test_impossible_weight_is_refused(weight: float) -> None:
    with pytest.raises(InvalidClinicalInput, match="weight_kg"):
        calculate_dose(Route.IV_RACEMIC, weight_kg=weight, dose_mg_per_kg=0.5)


def test_both_or_neither_dose_forms_are_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="exactly one"):
        calculate_dose(Route.IV_RACEMIC, weight_kg=70)
    with pytest.raises(InvalidClinicalInput, match="exactly one"):
        calculate_dose(Route.IV_RACEMIC, weight_kg=70, dose_mg=35, dose_mg_per_kg=0.5)


@settings(max_examples=100, deadline=None)
@given(
    route=st.sampled_from([Route.IV_RACEMIC, Route.IM_RACEMIC, Route.AT_HOME_SUBLINGUAL]),
    weight=st.floats(20, 250),
    mg_per_kg=st.floats(0.05, 10),
)
def test_a_dose_is_either_within_its_limit_or_refused(
    route: Route, weight: float, mg_per_kg: float
) -> None:
    try:
        dose = calculate_dose(route, weight_kg=weight, dose_mg_per_kg=mg_per_kg)
    except DoseAboveLimit:
        limit_mg = DOSE_LIMITS[(route, Indication.DEPRESSION)].max_for(weight)
        assert mg_per_kg * weight > limit_mg
        return
    assert 0 < dose.dose_mg <= dose.limit_mg
    assert abs(dose.dose_mg - dose.unrounded_dose_mg) <= 1.0


def test_chronic_pain_rate_limits_follow_the_crps_regimens() -> None:
    assert check_infusion_rate(weight_kg=100, rate_mg_per_h=35) is False  # 0.35 mg/kg/h
    assert check_infusion_rate(weight_kg=50, rate_mg_per_h=22) is False  # 22 mg/h
    with pytest.raises(DoseAboveLimit, match="K15"):
        check_infusion_rate(weight_kg=100, rate_mg_per_h=36)
    assert check_infusion_rate(weight_kg=100, rate_mg_per_h=36, override=OVERRIDE) is True


# --- titration -----------------------------------------------------------------------


def titrate(
    route: Route, last: float, response: ResponseSoFar, tol: Tolerability, step: float | None = None
) -> tuple[TitrationAction, float | None]:
    s = suggest_titration(
        route,
        last_dose_mg=last,
        weight_kg=80,
        response=response,
        tolerability=tol,
        step_mg_per_kg=step,
    )
    return s.action, s.suggested_dose_mg


WELL, POOR = Tolerability.WELL_TOLERATED, Tolerability.POORLY_TOLERATED


def test_esketamine_tolerated_non_responder_moves_from_56_to_84() -> None:
    assert titrate(Route.ESKETAMINE_NASAL, 56, ResponseSoFar.PARTIAL, WELL) == (
        TitrationAction.INCREASE,
        84,
    )


def test_esketamine_28_mg_start_steps_up_one_device_to_56_not_84() -> None:
    assert titrate(Route.ESKETAMINE_NASAL, 28, ResponseSoFar.NONE, WELL) == (
        TitrationAction.INCREASE,
        56,
    )


def test_esketamine_poorly_tolerated_drops_from_84_to_56() -> None:
    assert titrate(Route.ESKETAMINE_NASAL, 84, ResponseSoFar.NONE, POOR) == (
        TitrationAction.DECREASE,
        56,
    )


def test_esketamine_non_responder_at_84_needs_review() -> None:
    assert (
        titrate(Route.ESKETAMINE_NASAL, 84, ResponseSoFar.NONE, WELL)[0] is TitrationAction.REVIEW
    )


def test_responder_keeps_dose() -> None:
    assert titrate(Route.IV_RACEMIC, 40, ResponseSoFar.RESPONSE, WELL) == (TitrationAction.KEEP, 40)


def test_iv_increase_without_clinic_step_names_direction_only() -> None:
    assert titrate(Route.IV_RACEMIC, 40, ResponseSoFar.NONE, WELL) == (
        TitrationAction.INCREASE,
        None,
    )


def test_iv_increase_with_clinic_step_stops_at_075_mg_per_kg() -> None:
    assert titrate(Route.IV_RACEMIC, 40, ResponseSoFar.NONE, WELL, step=0.1) == (
        TitrationAction.INCREASE,
        pytest.approx(48),
    )
    assert titrate(Route.IV_RACEMIC, 58, ResponseSoFar.NONE, WELL, step=0.1) == (
        TitrationAction.INCREASE,
        pytest.approx(60),
    )
    assert titrate(Route.IV_RACEMIC, 60, ResponseSoFar.NONE, WELL, step=0.1)[0] is (
        TitrationAction.REVIEW
    )


def test_iv_poor_tolerability_decreases_but_not_below_01_mg_per_kg() -> None:
    assert titrate(Route.IV_RACEMIC, 10, ResponseSoFar.NONE, POOR, step=0.1) == (
        TitrationAction.DECREASE,
        pytest.approx(8),
    )
    assert titrate(Route.IV_RACEMIC, 8, ResponseSoFar.NONE, POOR, step=0.1)[0] is (
        TitrationAction.REVIEW
    )


def test_clinic_may_set_a_stricter_iv_ceiling() -> None:
    clinic = DosingSettings(clinic_max_mg_per_kg={Route.IV_RACEMIC: 0.5})
    with pytest.raises(DoseAboveLimit, match="clinic ceiling 0.5 mg/kg"):
        calculate_dose(Route.IV_RACEMIC, weight_kg=80, dose_mg_per_kg=0.6, settings=clinic)
    assert (
        calculate_dose(Route.IV_RACEMIC, weight_kg=80, dose_mg_per_kg=0.5, settings=clinic).dose_mg
        == 40
    )


def test_clinic_ceiling_above_the_sourced_limit_is_refused() -> None:
    with pytest.raises(LooseningWithoutReason, match="per-dose override"):
        DosingSettings(clinic_max_mg_per_kg={Route.IV_RACEMIC: 1.0})


def test_clinic_mg_per_kg_ceiling_for_esketamine_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="dosed in mg"):
        DosingSettings(clinic_max_mg_per_kg={Route.ESKETAMINE_NASAL: 1.0})
