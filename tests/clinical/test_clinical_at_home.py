"""The at-home rules of the clinical core: the decision on a home reading, the mood check,
who may start, and the sitter's check-in deadline (H1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from ketacare.clinical import at_home
from ketacare.clinical.at_home import HomeDecision
from ketacare.clinical.clinic_settings import MonitoringSettings
from ketacare.clinical.errors import InvalidClinicalInput, LooseningWithoutReason
from ketacare.clinical.instruments.cadss import score_cadss6
from ketacare.clinical.vitals import VitalSigns


def judge(sys: int, dia: int, pulse: int | None = 72, repeated: bool = False) -> HomeDecision:
    return at_home.judge_reading(VitalSigns(sys, dia, pulse), repeated=repeated).decision


def test_a_normal_home_reading_is_go_without_an_oximeter():
    assert judge(122, 78) is HomeDecision.GO


def test_above_the_review_limit_says_contact_us_and_above_the_hold_limit_do_not_dose():
    assert judge(150, 85) is HomeDecision.CONTACT_US  # > 140/90, S1 §5.6
    assert judge(140, 90) is HomeDecision.GO  # the limit itself is not above it
    assert judge(185, 95) is HomeDecision.DO_NOT_DOSE  # > 180/100, K18
    assert judge(170, 101) is HomeDecision.DO_NOT_DOSE  # diastolic alone


def test_a_doubtful_reading_is_measured_again_then_judged_as_it_stands():
    assert judge(85, 50) is HomeDecision.MEASURE_AGAIN  # systolic <= 90 scores 3 (N1)
    assert judge(230, 95) is HomeDecision.MEASURE_AGAIN  # >= 220 scores 3 (N1)
    assert judge(120, 80, pulse=135) is HomeDecision.MEASURE_AGAIN  # >= 131 (N1)
    assert judge(230, 95, repeated=True) is HomeDecision.DO_NOT_DOSE
    assert judge(85, 50, repeated=True) is HomeDecision.CONTACT_US  # single NEWS2 3: review


def test_the_pulse_is_required_at_home():
    with pytest.raises(InvalidClinicalInput, match="heart_rate_bpm"):
        judge(120, 80, pulse=None)


def test_a_clinic_that_tightened_the_hold_limit_holds_earlier():
    from ketacare.clinical.vitals import BloodPressure

    strict = MonitoringSettings(bp_review_above=BloodPressure(130, 85),
                                bp_hold_above=BloodPressure(160, 95))  # fmt: skip
    judged = at_home.judge_reading(VitalSigns(165, 90, 70), repeated=False, settings=strict)
    assert judged.decision is HomeDecision.DO_NOT_DOSE


def test_thoughts_of_self_harm_before_the_dose_ask_for_the_care_team():
    assert at_home.mood_decision(0).decision is HomeDecision.GO
    assert at_home.mood_decision(1).decision is HomeDecision.CONTACT_US
    with pytest.raises(InvalidClinicalInput):
        at_home.mood_decision(4)


FACTS = at_home.StartFacts(
    has_at_home_plan=True, plan_signed=True, planned_on=date(2026, 3, 2), consent_missing=(),
    state_of_residence="NY", licensed_states=("NY",), open_suicidality_alert=False,
    last_session_on=None, today=date(2026, 3, 2),
)  # fmt: skip


def test_each_reason_not_to_start_is_named():
    assert at_home.refusals(FACTS) == ()
    cases = {
        "no at-home treatment plan": replace(FACTS, has_at_home_plan=False),
        "not signed": replace(FACTS, plan_signed=False),
        "No at-home session is planned": replace(FACTS, planned_on=None),
        "consent is not current for: telehealth": replace(FACTS, consent_missing=("telehealth",)),
        "not licensed to treat you in NJ": replace(FACTS, state_of_residence="NJ"),
        "thoughts of self-harm": replace(FACTS, open_suicidality_alert=True),
        "at least 3 days apart": replace(FACTS, last_session_on=date(2026, 3, 1)),
    }
    for words, facts in cases.items():
        found = at_home.refusals(facts)
        assert len(found) == 1 and words in found[0], (words, found)
    assert at_home.refusals(replace(FACTS, last_session_on=date(2026, 2, 27))) == ()


def test_the_sitter_stays_3_hours_in_session_1_and_90_minutes_later():
    assert at_home.session_minutes(1) == 180
    assert at_home.session_minutes(2) == 90


def test_a_check_in_is_missed_one_interval_after_the_last_plus_the_clinics_grace():
    dosed = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    default = MonitoringSettings()
    assert at_home.check_in_deadline(dosed, None, default) == dosed + timedelta(minutes=15)
    later = dosed + timedelta(minutes=12)
    assert at_home.check_in_deadline(dosed, later, default) == later + timedelta(minutes=15)
    with pytest.raises(LooseningWithoutReason):
        MonitoringSettings(at_home_check_in_grace_minutes=5)
    graced = MonitoringSettings(at_home_check_in_grace_minutes=5, loosening_reason="phone")
    assert at_home.check_in_deadline(dosed, None, graced) == dosed + timedelta(minutes=20)


def test_an_unfinished_session_closes_one_interval_after_the_sitters_time_or_at_day_end():
    dosed = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    midnight = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)  # the clinic's, in New York
    default = MonitoringSettings()
    closes = at_home.closes_at(dosed, 180, midnight, default)
    assert closes == dosed + timedelta(minutes=180 + 15)  # H1: 3 h, then one 15-min interval
    graced = MonitoringSettings(at_home_check_in_grace_minutes=5, loosening_reason="phone")
    assert at_home.closes_at(dosed, 90, midnight, graced) == dosed + timedelta(minutes=110)
    tighter = MonitoringSettings(at_home_sitter_check_every_minutes=10)
    assert at_home.closes_at(dosed, 90, midnight, tighter) == dosed + timedelta(minutes=100)
    assert at_home.closes_at(None, 0, midnight, default) == midnight  # never dosed


def test_cadss6_is_six_items_each_0_to_4():
    assert score_cadss6([0, 1, 2, 3, 4, 0]) == 10
    with pytest.raises(InvalidClinicalInput.__mro__[1]):
        score_cadss6([0, 1, 2, 3, 5, 0])
    with pytest.raises(InvalidClinicalInput.__mro__[1]):
        score_cadss6([0, 1, 2])
