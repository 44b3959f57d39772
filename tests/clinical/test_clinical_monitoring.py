"""Session monitoring: pre-dose decision, vitals schedule, alerts, discharge, settings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketacare.clinical.clinic_settings import MonitoringSettings, loosened_fields
from ketacare.clinical.errors import InvalidClinicalInput, LooseningRefused, LooseningWithoutReason
from ketacare.clinical.monitoring import (
    AlertKind,
    Decision,
    DischargeInput,
    PredoseInput,
    PregnancyStatus,
    discharge_readiness,
    in_session_alerts,
    predose_check,
    vitals_schedule,
)
from ketacare.clinical.routes import Route
from ketacare.clinical.vitals import BloodPressure, VitalSigns

CALM = VitalSigns(122, 78, heart_rate_bpm=72, spo2_percent=98)


def bp(systolic: int, diastolic: int) -> VitalSigns:
    """A reading whose only notable numbers are the blood pressure."""
    return VitalSigns(systolic, diastolic, heart_rate_bpm=72, spo2_percent=98)


def check(
    vitals: VitalSigns = CALM,
    *,
    pregnancy: PregnancyStatus = PregnancyStatus.NOT_PREGNANT,
    phq9_item9_today: int | None = None,
    cssrs_risk_today: str | None = None,
) -> Decision:
    visit = PredoseInput(
        Route.ESKETAMINE_NASAL, vitals, pregnancy, phq9_item9_today, cssrs_risk_today
    )
    return predose_check(visit).decision


# --- pre-dose ------------------------------------------------------------------------


def test_calm_vitals_and_no_risk_is_go() -> None:
    assert check() is Decision.GO


def test_bp_exactly_140_over_90_is_still_go() -> None:
    assert check(bp(140, 90)) is Decision.GO


@pytest.mark.parametrize("pressure", [(141, 80), (130, 91), (180, 100)])
def test_bp_above_140_90_needs_review(pressure: tuple[int, int]) -> None:
    assert check(bp(*pressure)) is Decision.REVIEW


@pytest.mark.parametrize("pressure", [(181, 90), (170, 101)])
def test_bp_above_180_100_is_no_go(pressure: tuple[int, int]) -> None:
    assert check(bp(*pressure)) is Decision.NO_GO


def test_pregnancy_is_no_go_and_unknown_status_needs_review() -> None:
    assert check(pregnancy=PregnancyStatus.PREGNANT_OR_BREASTFEEDING) is Decision.NO_GO
    assert check(pregnancy=PregnancyStatus.UNKNOWN) is Decision.REVIEW


def test_phq9_item9_positive_today_needs_review() -> None:
    assert check(phq9_item9_today=1) is Decision.REVIEW
    assert check(phq9_item9_today=0) is Decision.GO


@pytest.mark.parametrize("risk", ["low", "moderate", "high"])
def test_any_positive_cssrs_today_needs_review(risk: str) -> None:
    assert check(cssrs_risk_today=risk) is Decision.REVIEW


def test_no_go_outranks_review_and_every_reason_is_listed() -> None:
    decision = predose_check(
        PredoseInput(Route.IV_RACEMIC, bp(190, 95), PregnancyStatus.UNKNOWN, 2)
    )
    assert decision.decision is Decision.NO_GO
    assert len(decision.findings) == 3
    assert all(f.source for f in decision.findings)


def test_spo2_and_pulse_are_judged_by_news2_without_any_clinic_setting() -> None:
    decision = predose_check(
        PredoseInput(Route.IV_RACEMIC, VitalSigns(120, 80, 150, 80), PregnancyStatus.NOT_PREGNANT)
    )
    assert decision.decision is Decision.REVIEW
    reasons = " ".join(f.reason for f in decision.findings)
    assert "SpO2 80% at or below 91%" in reasons and "pulse 150/min at or above 131" in reasons


def test_missing_spo2_before_the_dose_needs_review() -> None:
    decision = predose_check(
        PredoseInput(Route.IV_RACEMIC, VitalSigns(120, 80, 70), PregnancyStatus.NOT_PREGNANT)
    )
    assert decision.decision is Decision.REVIEW
    assert "pulse oximetry" in decision.findings[0].reason


def test_an_emergency_news2_before_the_dose_is_no_go() -> None:
    shocked = VitalSigns(82, 48, heart_rate_bpm=138, spo2_percent=84)
    decision = predose_check(PredoseInput(Route.IV_RACEMIC, shocked, PregnancyStatus.NOT_PREGNANT))
    assert decision.decision is Decision.NO_GO
    assert any("NEWS2 9 at or above 7" in f.reason for f in decision.findings)


def test_a_stricter_clinic_spo2_limit_turns_93_percent_into_review() -> None:
    clinic = MonitoringSettings(spo2_alert_at_or_below_percent=93)
    visit = PredoseInput(
        Route.IV_RACEMIC, VitalSigns(120, 80, 70, 93), PregnancyStatus.NOT_PREGNANT
    )
    assert predose_check(visit).decision is Decision.GO
    assert predose_check(visit, clinic).decision is Decision.REVIEW


@settings(max_examples=80, deadline=None)
@given(sys=st.integers(111, 220), dia=st.integers(40, 89), extra=st.integers(1, 40))
def test_above_the_news2_low_bands_higher_bp_never_gives_a_milder_decision(
    sys: int, dia: int, extra: int
) -> None:
    rank = {Decision.GO: 0, Decision.REVIEW: 1, Decision.NO_GO: 2}
    if sys <= dia:
        return
    low, high = check(bp(sys, dia)), check(bp(sys + extra, dia))
    assert rank[high] >= rank[low]


@settings(max_examples=80, deadline=None)
@given(sys=st.integers(60, 111), drop=st.integers(1, 20))
def test_below_normal_a_lower_systolic_never_gives_a_milder_decision(sys: int, drop: int) -> None:
    rank = {Decision.GO: 0, Decision.REVIEW: 1, Decision.NO_GO: 2}
    assert rank[check(bp(sys - drop, 30))] >= rank[check(bp(sys, 30))]


# --- vitals schedule -----------------------------------------------------------------


def test_iv_schedule_every_10_min_during_40_min_infusion_then_every_15() -> None:
    minutes = [c.minute for c in vitals_schedule(Route.IV_RACEMIC)]
    assert minutes == [0, 10, 20, 30, 40, 55, 70, 85, 100]


def test_esketamine_schedule_checks_bp_at_40_min_and_before_discharge_at_2_h() -> None:
    minutes = [c.minute for c in vitals_schedule(Route.ESKETAMINE_NASAL)]
    assert minutes == [0, 40, 120]


def test_clinic_may_tighten_iv_interval_to_5_minutes() -> None:
    clinic = MonitoringSettings(infusion_vitals_every_minutes=5)
    during = [
        c
        for c in vitals_schedule(Route.IV_RACEMIC, settings=clinic)
        if c.reason == "during infusion"
    ]
    assert len(during) == 8


def test_at_home_first_session_has_sitter_checks_for_3_hours_then_90_minutes() -> None:
    first = vitals_schedule(Route.AT_HOME_SUBLINGUAL, session_number=1)
    later = vitals_schedule(Route.AT_HOME_SUBLINGUAL, session_number=2)
    assert first[-1].minute == 180 and later[-1].minute == 90


# --- settings guard ------------------------------------------------------------------


def test_loosening_bp_hold_without_reason_is_refused() -> None:
    with pytest.raises(LooseningWithoutReason, match="bp_hold_above"):
        MonitoringSettings(bp_hold_above=BloodPressure(190, 100))


def test_shortening_esketamine_observation_without_reason_is_refused() -> None:
    with pytest.raises(LooseningWithoutReason, match="esketamine_min_observation_minutes"):
        MonitoringSettings(esketamine_min_observation_minutes=90)


@pytest.mark.parametrize("minute", [20, 60])
def test_moving_the_40_minute_esketamine_bp_check_either_way_needs_a_reason(minute: int) -> None:
    with pytest.raises(LooseningWithoutReason, match="esketamine_bp_check_minute"):
        MonitoringSettings(esketamine_bp_check_minute=minute)


def test_loosening_with_recorded_reason_is_allowed_and_listed() -> None:
    clinic = MonitoringSettings(
        bp_review_above=BloodPressure(150, 90), loosening_reason="Dr A, protocol v2 sign-off"
    )
    assert loosened_fields(clinic) == ("bp_review_above",)


def test_tightening_needs_no_reason() -> None:
    clinic = MonitoringSettings(bp_review_above=BloodPressure(130, 85), iv_recovery_minutes=90)
    assert loosened_fields(clinic) == ()


# --- in-session alerts ---------------------------------------------------------------


def test_systolic_rise_of_40_alerts_but_39_does_not() -> None:
    assert [a.kind for a in in_session_alerts(CALM, bp(162, 80))] == [AlertKind.BP_RISE]
    assert in_session_alerts(CALM, bp(161, 80)) == ()


def test_diastolic_rise_of_25_alerts() -> None:
    assert AlertKind.BP_RISE in [a.kind for a in in_session_alerts(CALM, bp(130, 103))]


def test_bp_above_180_100_during_session_alerts() -> None:
    start = bp(160, 95)
    kinds = [a.kind for a in in_session_alerts(start, bp(185, 99))]
    assert kinds == [AlertKind.BP_ABOVE_HOLD]


@pytest.mark.parametrize("moaas", [0, 1, 2, 3])
def test_moderate_or_greater_sedation_alerts(moaas: int) -> None:
    kinds = [a.kind for a in in_session_alerts(CALM, CALM, moaas=moaas)]
    assert AlertKind.EXCESSIVE_SEDATION in kinds


@pytest.mark.parametrize("moaas", [4, 5])
def test_mild_or_no_sedation_does_not_alert(moaas: int) -> None:
    assert in_session_alerts(CALM, CALM, moaas=moaas) == ()


def test_clinic_may_alert_at_mild_sedation_but_never_only_at_deeper() -> None:
    clinic = MonitoringSettings(sedation_alert_at_or_below_moaas=4)
    assert in_session_alerts(CALM, CALM, moaas=4, settings=clinic)
    with pytest.raises(LooseningRefused, match="sedation_alert_at_or_below_moaas"):
        MonitoringSettings(sedation_alert_at_or_below_moaas=0, loosening_reason="Dr A")


def test_the_issue_9_reading_raises_every_alert_and_an_emergency() -> None:
    shocked = VitalSigns(82, 48, heart_rate_bpm=138, spo2_percent=84)
    alerts = in_session_alerts(CALM, shocked, moaas=1)
    assert {a.kind for a in alerts} == {
        AlertKind.SPO2_LOW,
        AlertKind.HEART_RATE,
        AlertKind.LOW_SYSTOLIC,
        AlertKind.EXCESSIVE_SEDATION,
        AlertKind.NEWS2_EMERGENCY,
    }
    assert all(a.action and a.source for a in alerts)


def test_a_stricter_clinic_spo2_limit_alerts_earlier() -> None:
    reading = VitalSigns(120, 80, spo2_percent=92)
    assert in_session_alerts(CALM, reading) == ()
    clinic = MonitoringSettings(spo2_alert_at_or_below_percent=92)
    kinds = [a.kind for a in in_session_alerts(CALM, reading, settings=clinic)]
    assert kinds == [AlertKind.SPO2_LOW]


def test_impossible_moaas_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="moaas"):
        in_session_alerts(CALM, CALM, moaas=6)


def test_impossible_vitals_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidClinicalInput, match="systolic_mmhg"):
        bp(80, 90)
    with pytest.raises(InvalidClinicalInput, match="spo2_percent"):
        VitalSigns(120, 80, spo2_percent=101)


# --- discharge -----------------------------------------------------------------------


def discharge(**changes: object) -> DischargeInput:
    values: dict[str, object] = {
        "route": Route.ESKETAMINE_NASAL,
        "minutes_observed": 120,
        "predose": CALM,
        "current": VitalSigns(128, 82, heart_rate_bpm=74, spo2_percent=97),
        "alert_and_oriented": True,
        "escort_present": True,
        "clinician_judges_stable": True,
    }
    values.update(changes)
    return DischargeInput(**values)  # type: ignore[arg-type]


def test_esketamine_patient_meeting_all_criteria_is_ready_with_no_driving_instruction() -> None:
    result = discharge_readiness(discharge())
    assert result.is_ready_for_discharge
    assert "next day" in result.instructions[0]


def test_esketamine_before_2_hours_is_not_ready() -> None:
    result = discharge_readiness(discharge(minutes_observed=119))
    assert not result.is_ready_for_discharge
    assert "119 min" in result.unmet[0]


def test_every_unmet_criterion_is_listed() -> None:
    result = discharge_readiness(
        discharge(
            minutes_observed=60,
            current=VitalSigns(150, 85, heart_rate_bpm=74),
            alert_and_oriented=False,
            escort_present=False,
            clinician_judges_stable=False,
        )
    )
    assert len(result.unmet) == 6  # SpO2 unrecorded too


def test_discharge_waits_while_a_reading_is_at_a_news2_limit() -> None:
    low = VitalSigns(124, 80, heart_rate_bpm=74, spo2_percent=91)
    result = discharge_readiness(discharge(current=low))
    assert result.unmet == ("SpO2 91% at or below 91% (N1)",)
    assert discharge_readiness(
        discharge(current=VitalSigns(124, 80, heart_rate_bpm=74, spo2_percent=92))
    ).is_ready_for_discharge


def test_bp_back_to_a_high_predose_value_counts_as_back_in_range() -> None:
    result = discharge_readiness(discharge(predose=bp(145, 88), current=bp(144, 88)))
    assert result.is_ready_for_discharge


def test_drowsy_moaas_blocks_discharge() -> None:
    assert not discharge_readiness(discharge(moaas=4)).is_ready_for_discharge


def test_clinic_may_accept_a_lower_discharge_moaas_only_with_a_reason() -> None:
    with pytest.raises(LooseningWithoutReason, match="discharge_min_moaas"):
        MonitoringSettings(discharge_min_moaas=4)
    clinic = MonitoringSettings(discharge_min_moaas=4, loosening_reason="Dr A, protocol v3")
    assert discharge_readiness(discharge(moaas=4), clinic).is_ready_for_discharge


def test_impossible_discharge_moaas_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="moaas"):
        discharge_readiness(discharge(moaas=6))
    with pytest.raises(InvalidClinicalInput, match="sedation_alert_at_or_below_moaas"):
        MonitoringSettings(sedation_alert_at_or_below_moaas=6)


def test_iv_discharge_waits_for_recovery_time() -> None:
    assert not discharge_readiness(
        discharge(route=Route.IV_RACEMIC, minutes_observed=45)
    ).is_ready_for_discharge
    assert discharge_readiness(
        discharge(route=Route.IV_RACEMIC, minutes_observed=60)
    ).is_ready_for_discharge


def test_im_discharge_notes_missing_clinic_observation_time() -> None:
    result = discharge_readiness(discharge(route=Route.IM_RACEMIC, minutes_observed=5))
    assert result.notes


def test_at_home_route_has_no_clinic_discharge() -> None:
    with pytest.raises(InvalidClinicalInput, match="route"):
        discharge_readiness(discharge(route=Route.AT_HOME_SUBLINGUAL))


def test_review_threshold_above_hold_threshold_is_refused() -> None:
    with pytest.raises(LooseningWithoutReason, match="bp_review_above"):
        MonitoringSettings(
            bp_review_above=BloodPressure(185, 90), loosening_reason="trial protocol"
        )


def test_impossible_same_day_screening_answers_are_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="phq9_item9_today"):
        check(phq9_item9_today=4)
    with pytest.raises(InvalidClinicalInput, match="cssrs_risk_today"):
        check(cssrs_risk_today="severe")


def test_a_diastolic_only_hold_breach_names_diastolic_not_systolic() -> None:
    (alert,) = [
        a for a in in_session_alerts(CALM, bp(150, 101)) if a.kind is AlertKind.BP_ABOVE_HOLD
    ]
    assert "diastolic 101 above 100" in alert.message and "systolic" not in alert.message


def test_every_alert_says_what_to_do_next_with_its_source() -> None:
    shocked = VitalSigns(190, 48, heart_rate_bpm=138, spo2_percent=84, respiratory_rate_per_min=6)
    for alert in in_session_alerts(CALM, shocked, moaas=1, during_infusion=True):
        assert alert.action and "(" in alert.action, alert


def test_unacknowledged_alerts_block_discharge() -> None:
    result = discharge_readiness(discharge(unacknowledged_alerts=2))
    assert result.unmet == ("2 reading(s) with alerts not yet acknowledged by a clinician",)


def test_an_open_suicidality_alert_is_a_review_only_a_prescriber_clears() -> None:
    visit = PredoseInput(
        Route.IV_RACEMIC,
        CALM,
        PregnancyStatus.NOT_PREGNANT,
        open_suicidality_alerts=("PHQ-9 item 9 (thoughts of self-harm) answered 2",),
    )
    decision = predose_check(visit)
    assert decision.decision is Decision.REVIEW
    assert [f.prescriber_must_clear for f in decision.findings] == [True]
