"""Session monitoring at its edges: every pre-dose finding with the words and source the nurse
reads, screening answers at the top of their range, NEWS2's partial-score note, the alerts'
recheck interval during and after an infusion, and every route's vitals schedule in full.

Written against the mutants that survived `make mutation` (docs/mutation-testing.md): each test
fails for a wrong rule that test_clinical_monitoring.py let through. Numbers: BP review above
140/90 (S1 §5.6), hold above 180/100 (K18); vitals every 10 min during an IV infusion (K9, K10),
every 15 min after (K9) for 60 min of recovery (K21), 40 min default infusion (K1, K7);
esketamine BP at 40 min (S1 §5.6, S4), discharge check at 2 h (S11); at home a sitter's check
every 15 min for about 3 h in session 1 and 1.5 h later (H1); NEWS2 single-parameter limits (N1).
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ketacare.clinical.clinic_settings import MonitoringSettings
from ketacare.clinical.errors import InvalidClinicalInput
from ketacare.clinical.monitoring import (
    AlertKind,
    Decision,
    Finding,
    PredoseInput,
    PregnancyStatus,
    VitalsCheck,
    in_session_alerts,
    predose_check,
    vitals_schedule,
)
from ketacare.clinical.routes import Route
from ketacare.clinical.vitals import BloodPressure, VitalSigns

FULL = VitalSigns(
    122, 78, heart_rate_bpm=72, spo2_percent=98, respiratory_rate_per_min=14, temperature_c=36.8
)
"""A complete, unremarkable reading: NEWS2 0 and nothing missing."""

BP_HR_SPO2 = ("blood pressure", "heart rate", "SpO2")
BEFORE = VitalsCheck(0, BP_HR_SPO2, "before dosing", "S1 §5.6, K9")


def with_bp(systolic: int, diastolic: int) -> VitalSigns:
    return VitalSigns(
        systolic,
        diastolic,
        heart_rate_bpm=72,
        spo2_percent=98,
        respiratory_rate_per_min=14,
        temperature_c=36.8,
    )


def visit(
    vitals: VitalSigns = FULL,
    pregnancy: PregnancyStatus = PregnancyStatus.NOT_PREGNANT,
    **screening: object,
) -> PredoseInput:
    return PredoseInput(Route.IV_RACEMIC, vitals, pregnancy, **screening)


# --- pre-dose findings, each in full -------------------------------------------------------


def test_a_complete_calm_reading_is_go_with_no_findings_and_no_notes() -> None:
    decision = predose_check(visit())
    assert (decision.decision, decision.findings, decision.notes) == (Decision.GO, (), ())
    assert decision.may_dose


def test_a_no_go_found_after_a_review_still_makes_the_decision_no_go() -> None:
    # The BP review finding comes first, the pregnancy no-go after it: the worst one decides.
    decision = predose_check(visit(with_bp(150, 92), PregnancyStatus.PREGNANT_OR_BREASTFEEDING))
    assert [f.decision for f in decision.findings] == [Decision.REVIEW, Decision.NO_GO]
    assert decision.decision is Decision.NO_GO
    assert not decision.may_dose


def test_bp_above_the_hold_limit_is_no_go_naming_reading_limit_and_k18() -> None:
    assert predose_check(visit(with_bp(190, 95))).findings == (
        Finding(
            Decision.NO_GO, "BP 190/95: systolic 190 above 180 mmHg (hold limit 180/100)", "K18"
        ),
    )


def test_bp_above_the_review_limit_says_weigh_delaying_citing_the_label() -> None:
    assert predose_check(visit(with_bp(150, 92))).findings == (
        Finding(
            Decision.REVIEW,
            "BP 150/92: systolic 150 above 140 and diastolic 92 above 90 mmHg "
            "(review limit 140/90): weigh delaying",
            "S1 §5.6",
        ),
    )


def test_pregnancy_finding_says_why_and_cites_the_label_and_k19() -> None:
    assert predose_check(visit(pregnancy=PregnancyStatus.PREGNANT_OR_BREASTFEEDING)).findings == (
        Finding(
            Decision.NO_GO,
            "pregnant or breastfeeding: not recommended, may cause fetal harm",
            "S1 §17, S6, K19",
        ),
    )


def test_unknown_pregnancy_status_finding_cites_the_label() -> None:
    assert predose_check(visit(pregnancy=PregnancyStatus.UNKNOWN)).findings == (
        Finding(Decision.REVIEW, "pregnancy status unknown", "S1 §17, S6"),
    )


def test_phq9_item9_at_its_top_answer_3_is_accepted_and_needs_review() -> None:
    decision = predose_check(visit(phq9_item9_today=3))
    assert decision.decision is Decision.REVIEW
    assert decision.findings == (
        Finding(Decision.REVIEW, "PHQ-9 item 9 today = 3: suicidality", "Q3, DESIGN.md"),
    )


def test_a_cssrs_screen_of_no_risk_today_is_go() -> None:
    assert predose_check(visit(cssrs_risk_today="none")).decision is Decision.GO


def test_a_positive_cssrs_screen_names_the_risk_level_and_cites_q8() -> None:
    assert predose_check(visit(cssrs_risk_today="moderate")).findings == (
        Finding(Decision.REVIEW, "C-SSRS today: moderate risk", "Q8"),
    )


def test_an_open_suicidality_alert_finding_names_it_and_who_must_clear_it() -> None:
    reason = "PHQ-9 item 9 (thoughts of self-harm) answered 2"
    assert predose_check(visit(open_suicidality_alerts=(reason,))).findings == (
        Finding(
            Decision.REVIEW,
            f"open suicidality alert ({reason}): a prescriber must clear it with a note",
            "Q3, Q8, DESIGN.md",
            prescriber_must_clear=True,
        ),
    )


def test_a_news2_finding_keeps_the_alerts_reading_and_source() -> None:
    low = VitalSigns(
        122, 78, heart_rate_bpm=72, spo2_percent=90, respiratory_rate_per_min=14, temperature_c=36.8
    )
    assert predose_check(visit(low)).findings == (
        Finding(Decision.REVIEW, "SpO2 90% at or below 91%", "N1"),
    )


def test_missing_spo2_finding_says_pulse_oximetry_is_required_citing_s4_s9() -> None:
    no_spo2 = VitalSigns(
        122, 78, heart_rate_bpm=72, respiratory_rate_per_min=14, temperature_c=36.8
    )
    assert predose_check(visit(no_spo2)).findings == (
        Finding(Decision.REVIEW, "SpO2 not recorded; pulse oximetry is required", "S4, S9"),
    )


def test_a_partial_news2_names_every_missing_parameter_in_a_note() -> None:
    bp_and_spo2_only = VitalSigns(122, 78, spo2_percent=98)
    assert predose_check(visit(bp_and_spo2_only)).notes == (
        "NEWS2 is partial: respiration rate, pulse, temperature not recorded (N1).",
    )


def test_a_reading_missing_only_the_pulse_names_only_the_pulse() -> None:
    no_pulse = VitalSigns(122, 78, spo2_percent=98, respiratory_rate_per_min=14, temperature_c=37)
    assert predose_check(visit(no_pulse)).notes == ("NEWS2 is partial: pulse not recorded (N1).",)


# --- in-session alerts: recheck interval and the clinic's limits ----------------------------


def test_an_alert_during_the_infusion_asks_for_a_recheck_in_10_minutes() -> None:
    (alert,) = in_session_alerts(with_bp(160, 90), with_bp(185, 90), during_infusion=True)
    assert alert.kind is AlertKind.BP_ABOVE_HOLD
    assert alert.action.endswith("recheck in 10 min (K9).")


def test_an_alert_after_the_infusion_asks_for_a_recheck_in_15_minutes() -> None:
    (alert,) = in_session_alerts(with_bp(160, 90), with_bp(185, 90))
    assert alert.action.endswith("recheck in 15 min (K9).")


def test_a_deterioration_alert_during_the_infusion_asks_for_a_recheck_in_10_minutes() -> None:
    low = VitalSigns(
        122, 78, heart_rate_bpm=72, spo2_percent=90, respiratory_rate_per_min=14, temperature_c=37
    )
    (alert,) = in_session_alerts(FULL, low, during_infusion=True)
    assert alert.kind is AlertKind.SPO2_LOW
    assert alert.action.endswith("recheck in 10 min (K9).")


def test_a_clinic_holding_at_the_label_review_limit_gets_a_hold_alert_at_150_85() -> None:
    clinic = MonitoringSettings(bp_hold_above=BloodPressure(140, 90))  # S1 §5.6's 140/90
    assert in_session_alerts(FULL, with_bp(150, 85)) == ()
    kinds = [a.kind for a in in_session_alerts(FULL, with_bp(150, 85), settings=clinic)]
    assert kinds == [AlertKind.BP_ABOVE_HOLD]


# --- vitals schedules, in full ----------------------------------------------------------


def test_the_iv_schedule_in_full_with_reasons_and_sources() -> None:
    during = [VitalsCheck(m, BP_HR_SPO2, "during infusion", "K9, K10") for m in (10, 20, 30, 40)]
    after = [VitalsCheck(m, BP_HR_SPO2, "after infusion", "K9") for m in (55, 70, 85, 100)]
    assert vitals_schedule(Route.IV_RACEMIC) == (BEFORE, *during, *after)


@settings(max_examples=40, deadline=None)
@example(infusion=39)
@example(infusion=1)
@given(infusion=st.integers(1, 100))
def test_iv_checks_every_10_min_up_to_the_end_of_any_infusion_then_every_15_for_an_hour(
    infusion: int,
) -> None:
    checks = vitals_schedule(Route.IV_RACEMIC, infusion_minutes=infusion)
    during = [c.minute for c in checks if c.reason == "during infusion"]
    after = [c.minute for c in checks if c.reason == "after infusion"]
    assert during == list(range(10, infusion + 1, 10))
    assert after == list(range(infusion + 15, infusion + 60 + 1, 15))


def test_an_infusion_of_no_minutes_is_refused_naming_it() -> None:
    with pytest.raises(InvalidClinicalInput, match=r"^infusion_minutes 0 must be positive$"):
        vitals_schedule(Route.IV_RACEMIC, infusion_minutes=0)


def test_the_esketamine_schedule_in_full_with_reasons_and_sources() -> None:
    assert vitals_schedule(Route.ESKETAMINE_NASAL) == (
        BEFORE,
        VitalsCheck(
            40,
            ("blood pressure",),
            "expected BP peak; then as warranted until values decline",
            "S1 §5.6, S4",
        ),
        VitalsCheck(120, BP_HR_SPO2, "before discharge (REMS monitoring form)", "S11, S4"),
    )


def im_check(minute: int) -> VitalsCheck:
    return VitalsCheck(
        minute, BP_HR_SPO2, "after injection (interval borrowed from IV practice)", "K9"
    )


def test_the_im_schedule_borrows_the_after_infusion_interval_for_the_iv_recovery_hour() -> None:
    assert vitals_schedule(Route.IM_RACEMIC) == (BEFORE, *(im_check(m) for m in (15, 30, 45, 60)))


def test_the_im_schedule_runs_to_the_clinics_own_observation_time_when_set() -> None:
    clinic = MonitoringSettings(im_min_observation_minutes=90)  # unsourced: the clinic's choice
    assert vitals_schedule(Route.IM_RACEMIC, settings=clinic) == (
        BEFORE,
        *(im_check(m) for m in (15, 30, 45, 60, 75, 90)),
    )


def test_the_im_schedule_follows_a_tighter_clinic_interval() -> None:
    clinic = MonitoringSettings(after_infusion_vitals_every_minutes=10)
    minutes = [c.minute for c in vitals_schedule(Route.IM_RACEMIC, settings=clinic)]
    assert minutes == [0, 10, 20, 30, 40, 50, 60]


def sitter(minute: int) -> VitalsCheck:
    return VitalsCheck(minute, ("sitter visual check",), "peer sitter", "H1")


def test_the_at_home_schedule_in_full_with_reasons_and_sources() -> None:
    assert vitals_schedule(Route.AT_HOME_SUBLINGUAL, session_number=2) == (
        VitalsCheck(0, ("blood pressure",), "self-check before dosing", "H2, H9"),
        *(sitter(m) for m in range(15, 91, 15)),
    )


def test_an_at_home_schedule_without_a_session_number_is_the_longer_first_session() -> None:
    assert vitals_schedule(Route.AT_HOME_SUBLINGUAL)[-1].minute == 180


@settings(max_examples=30, deadline=None)
@example(every=1, session=1)
@example(every=13, session=2)
@given(every=st.integers(1, 15), session=st.integers(1, 6))
def test_sitter_checks_never_run_past_the_session_and_the_last_is_within_one_interval(
    every: int, session: int
) -> None:
    clinic = MonitoringSettings(at_home_sitter_check_every_minutes=every)
    length = 180 if session == 1 else 90  # H1: about 3 h in session 1, 1.5 h later
    minutes = [
        c.minute
        for c in vitals_schedule(Route.AT_HOME_SUBLINGUAL, session_number=session, settings=clinic)
        if c.reason == "peer sitter"
    ]
    assert minutes == list(range(every, length + 1, every))
