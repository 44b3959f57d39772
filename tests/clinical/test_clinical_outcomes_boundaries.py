"""Outcomes at their edges: what the summary reports, which signal fires (and which must not),
relapse after relapse, the settings' own guards, and the words a clinician reads.

Written against the mutants that survived `make mutation` (docs/mutation-testing.md): each test
fails for a wrong rule that the broader tests in test_clinical_outcomes.py let through.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ketacare.clinical.errors import InvalidClinicalInput
from ketacare.clinical.outcomes import (
    BOOSTER_DUE,
    FUTILITY,
    OutcomeSettings,
    ResponseStatus,
    ScorePoint,
    Signal,
    percent_change,
    remission_cutoff,
    response_status,
    summarise,
)

DAY0 = date(2026, 3, 2)
BASELINE = ScorePoint(DAY0, 20)  # PHQ-9 20: a response is 10 or lower (>= 50% reduction, T4)
SOURCE_KEY = re.compile(r"\b[SKQTHPBN]\d{1,2}\b")  # as test_clinical_sources_listed reads them


def week(n: int) -> date:
    return DAY0 + timedelta(weeks=n)


def weekly(*totals: int) -> list[ScorePoint]:
    return [ScorePoint(week(i + 1), total) for i, total in enumerate(totals)]


# --- the summary itself ------------------------------------------------------------------


def test_summary_reports_instrument_baseline_latest_change_and_status() -> None:
    result = summarise(weekly(14, 10), BASELINE, "phq9")
    assert result.instrument == "phq9"
    assert result.baseline_total == 20
    assert result.latest_total == 10
    assert result.latest_percent_change == -50.0
    assert result.status is ResponseStatus.RESPONSE


def test_empty_series_is_refused_naming_the_series() -> None:
    with pytest.raises(
        InvalidClinicalInput, match=r"^series: at least one score after baseline is needed$"
    ):
        summarise([], BASELINE, "phq9")


def test_zero_baseline_refusal_says_why_change_cannot_be_measured() -> None:
    with pytest.raises(
        InvalidClinicalInput, match=r"^baseline total must be above 0 to measure change$"
    ):
        percent_change(0, 3)


# --- validation names the point at fault ---------------------------------------------------


def test_an_out_of_range_baseline_is_refused_naming_the_baseline() -> None:
    with pytest.raises(InvalidClinicalInput, match=r"^baseline: total 28 outside 0-27$"):
        summarise(weekly(10), ScorePoint(DAY0, 28), "phq9")


def test_the_first_score_after_baseline_is_named_series_0() -> None:
    with pytest.raises(InvalidClinicalInput, match=r"^series\[0\]: total 28 outside 0-27$"):
        summarise(weekly(28), BASELINE, "phq9")


def test_unordered_series_refusal_says_date_order() -> None:
    with pytest.raises(InvalidClinicalInput, match=r"^series must be in date order$"):
        summarise(list(reversed(weekly(10, 12))), BASELINE, "phq9")


# --- relapse and durability --------------------------------------------------------------


def test_after_a_confirmed_relapse_more_high_scores_neither_move_it_nor_signal_a_booster() -> None:
    # Response at week 1, above threshold from week 2: relapse confirmed at week 3 (N = 2),
    # dated at its onset; the patient is no longer a responder, so no booster is due.
    result = summarise(weekly(8, 12, 13, 14, 15), BASELINE, "phq9")
    assert result.relapse_on == week(2)
    assert result.signals == ()


def test_a_second_relapse_needs_a_second_response_first() -> None:
    result = summarise(weekly(8, 12, 13, 9, 14, 15), BASELINE, "phq9")
    assert result.relapse_on == week(5)


def test_durability_counts_from_the_dose_before_the_relapse_not_one_given_that_day() -> None:
    # OutcomeSummary.durability_days: "days from the last dose before the relapse". A dose on
    # the day the relapse is first measured is not the one whose effect wore off.
    doses = [week(1), week(2) - timedelta(days=3), week(2)]
    result = summarise(weekly(8, 12, 13), BASELINE, "phq9", dose_dates=doses)
    assert result.relapse_on == week(2)
    assert result.durability_days == 3


# --- booster and futility signals --------------------------------------------------------


def test_booster_due_says_when_the_score_came_back_and_cites_k1() -> None:
    (signal,) = summarise(weekly(8, 12), BASELINE, "phq9").signals
    assert signal == Signal(
        BOOSTER_DUE,
        "score back above the response threshold on 2026-03-16; relapse if it stays there",
        "K1",
    )


def test_a_responder_whose_rise_from_best_is_below_the_clinic_points_gets_no_booster() -> None:
    clinic = OutcomeSettings(booster_rise_from_best_points=5)
    assert summarise(weekly(4, 2, 3), BASELINE, "phq9", settings=clinic).signals == ()


def test_booster_on_rise_from_best_gives_the_rise_and_cites_the_setting_and_k1() -> None:
    clinic = OutcomeSettings(booster_rise_from_best_points=5)
    (signal,) = summarise(weekly(4, 2, 7), BASELINE, "phq9", settings=clinic).signals
    assert signal == Signal(
        BOOSTER_DUE, "score rose 5 points from best since response", "clinic setting, K1"
    )


def test_futility_signal_gives_the_infusion_count_and_the_late_responders() -> None:
    (signal,) = summarise(weekly(18), BASELINE, "phq9", iv_infusions_given=3).signals
    assert signal == Signal(
        FUTILITY,
        "no response after 3 IV infusions; review (some respond only at infusions 10-12, K20)",
        "K7",
    )


# --- the settings ------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@example(cut=60.0, totals=[9])  # 55% better: a response at 50%, not at 60%
@given(
    cut=st.floats(26, 100, allow_nan=False),
    totals=st.lists(st.integers(0, 27), min_size=1, max_size=8),
)
def test_the_settings_response_cut_decides_both_the_status_and_the_first_response(
    cut: float, totals: list[int]
) -> None:
    clinic = OutcomeSettings(response_reduction_percent=cut)
    result = summarise(weekly(*totals), BASELINE, "phq9", settings=clinic)
    assert result.status is response_status(20, totals[-1], clinic)
    responses = [
        week(i + 1)
        for i, total in enumerate(totals)
        if response_status(20, total, clinic) is ResponseStatus.RESPONSE
    ]
    assert result.first_response_on == (responses[0] if responses else None)


@settings(max_examples=40, deadline=None)
@example(partial=1.0)
@given(partial=st.floats(0, 60, allow_nan=False))
def test_a_partial_response_cut_must_be_above_0_and_below_the_response_cut(
    partial: float,
) -> None:
    if 0 < partial < 50:
        assert OutcomeSettings(partial_response_reduction_percent=partial)
        return
    with pytest.raises(
        InvalidClinicalInput,
        match=r"^partial_response_reduction_percent must be above 0 and below the response cut$",
    ):
        OutcomeSettings(partial_response_reduction_percent=partial)


@pytest.mark.parametrize("partial", [0.0, 50.0])
def test_a_partial_response_cut_of_0_or_equal_to_the_response_cut_is_refused(
    partial: float,
) -> None:
    with pytest.raises(InvalidClinicalInput, match="^partial_response_reduction_percent"):
        OutcomeSettings(partial_response_reduction_percent=partial)


def test_relapse_on_zero_measurements_is_refused_naming_the_setting() -> None:
    with pytest.raises(
        InvalidClinicalInput, match=r"^relapse_consecutive_measurements must be at least 1$"
    ):
        OutcomeSettings(relapse_consecutive_measurements=0)


def test_madrs_cut_off_refusal_lists_the_sourced_choices() -> None:
    with pytest.raises(
        InvalidClinicalInput,
        match=r"^madrs_remission_at_or_below must be 9 \(Q6\), 10 \(issue 4\) or 12 \(T3, T2\)$",
    ):
        OutcomeSettings(madrs_remission_at_or_below=11)


def test_gad7_cut_off_refusal_says_4_or_none() -> None:
    with pytest.raises(
        InvalidClinicalInput,
        match=r"^gad7_remission_at_or_below must be 4 \(below Q4's 'mild' band\) or None$",
    ):
        OutcomeSettings(gad7_remission_at_or_below=5)


# --- remission rules cite their source ---------------------------------------------------


def test_phq9_remission_cites_clinical_md_section_4() -> None:
    assert remission_cutoff("phq9", OutcomeSettings()) == (4, "clinical.md §4: PHQ-9 < 5")


def test_qids_remission_cites_q7_star_d() -> None:
    rule = remission_cutoff("qids-sr16", OutcomeSettings())
    assert rule is not None and rule[0] == 5
    assert SOURCE_KEY.findall(rule[1]) == ["Q7"] and "STAR*D" in rule[1]


def test_gad7_remission_cites_q4_and_says_it_is_derived_not_published() -> None:
    rule = remission_cutoff("gad7", OutcomeSettings())
    assert rule is not None and rule[0] == 4
    assert SOURCE_KEY.findall(rule[1]) == ["Q4"]
    assert "below 'mild'" in rule[1] and "not a published remission rule" in rule[1]
