"""Outcomes: response, remission, relapse, durability, booster and futility signals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketacare.clinical.errors import InvalidClinicalInput
from ketacare.clinical.outcomes import (
    BOOSTER_DUE,
    FUTILITY,
    OutcomeSettings,
    ResponseStatus,
    ScorePoint,
    percent_change,
    remission_cutoff,
    response_status,
    summarise,
)

DAY0 = date(2026, 3, 2)
BASELINE = ScorePoint(DAY0, 20)


def weekly(*totals: int) -> list[ScorePoint]:
    return [ScorePoint(DAY0 + timedelta(weeks=i + 1), total) for i, total in enumerate(totals)]


@pytest.mark.parametrize(
    ("total", "status"),
    [
        (10, ResponseStatus.RESPONSE),  # exactly 50%
        (11, ResponseStatus.PARTIAL_RESPONSE),  # 45%
        (15, ResponseStatus.PARTIAL_RESPONSE),  # exactly 25%
        (16, ResponseStatus.NO_RESPONSE),  # 20%
        (24, ResponseStatus.NO_RESPONSE),  # worse
    ],
)
def test_response_at_50_percent_partial_at_25_percent(total: int, status: ResponseStatus) -> None:
    assert response_status(20, total) is status


def test_percent_change_is_negative_for_improvement() -> None:
    assert percent_change(20, 5) == -75.0


def test_baseline_of_zero_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="baseline"):
        percent_change(0, 3)


@pytest.mark.parametrize(
    ("instrument", "baseline", "latest", "remission"),
    [
        ("phq9", 20, 4, True),
        ("phq9", 20, 5, False),
        ("qids-sr16", 18, 5, True),
        ("qids-sr16", 18, 6, False),
        ("madrs", 34, 10, True),
        ("madrs", 34, 11, False),
        ("gad7", 15, 4, True),
        ("gad7", 15, 5, False),
    ],
)
def test_remission_cut_offs_per_instrument(
    instrument: str, baseline: int, latest: int, remission: bool
) -> None:
    result = summarise(
        [ScorePoint(DAY0 + timedelta(days=14), latest)], ScorePoint(DAY0, baseline), instrument
    )
    assert result.in_remission is remission


def test_madrs_remission_at_12_is_a_setting() -> None:
    series = [ScorePoint(DAY0 + timedelta(days=28), 12)]
    assert not summarise(series, ScorePoint(DAY0, 30), "madrs").in_remission
    aspire = OutcomeSettings(madrs_remission_at_or_below=12)
    assert summarise(series, ScorePoint(DAY0, 30), "madrs", settings=aspire).in_remission


def test_unsourced_madrs_remission_cut_off_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="madrs_remission_at_or_below"):
        OutcomeSettings(madrs_remission_at_or_below=15)


@pytest.mark.parametrize(
    ("cut_off", "source"), [(9, "Q6"), (10, "not in clinical.md"), (12, "T3, T2")]
)
def test_madrs_remission_cites_the_source_of_the_chosen_cut_off(cut_off: int, source: str) -> None:
    chosen = OutcomeSettings(madrs_remission_at_or_below=cut_off)
    rule = remission_cutoff("madrs", chosen)
    assert rule is not None and rule[0] == cut_off and source in rule[1]


def test_derived_gad7_remission_rule_can_be_turned_off() -> None:
    series = [ScorePoint(DAY0 + timedelta(days=14), 3)]
    off = OutcomeSettings(gad7_remission_at_or_below=None)
    assert summarise(series, ScorePoint(DAY0, 15), "gad7", settings=off).in_remission is None
    with pytest.raises(InvalidClinicalInput, match="gad7_remission_at_or_below"):
        OutcomeSettings(gad7_remission_at_or_below=7)


@pytest.mark.parametrize("instrument", ["cssrs", "cadss"])
def test_scales_that_are_not_outcome_measures_are_refused(instrument: str) -> None:
    with pytest.raises(InvalidClinicalInput, match=instrument):
        summarise([ScorePoint(DAY0 + timedelta(days=7), 1)], ScorePoint(DAY0, 4), instrument)


def test_pcl5_has_no_remission_rule() -> None:
    result = summarise([ScorePoint(DAY0 + timedelta(days=7), 10)], ScorePoint(DAY0, 50), "pcl5")
    assert result.in_remission is None


def test_time_to_response_counts_from_first_dose() -> None:
    result = summarise(
        weekly(16, 12, 9, 8), BASELINE, "phq9", dose_dates=[DAY0 + timedelta(days=1)]
    )
    assert result.first_response_on == DAY0 + timedelta(weeks=3)
    assert result.days_to_response == 20


def test_relapse_needs_two_consecutive_scores_above_threshold_and_gives_durability() -> None:
    doses = [DAY0 + timedelta(days=d) for d in (1, 3, 5, 8, 10, 12)]
    result = summarise(weekly(12, 8, 7, 12, 13), BASELINE, "phq9", dose_dates=doses)
    assert result.relapse_on == DAY0 + timedelta(weeks=4)
    assert result.durability_days == 28 - 12
    assert result.signals == ()


def test_one_score_above_threshold_is_booster_due_not_relapse() -> None:
    result = summarise(weekly(12, 8, 7, 12), BASELINE, "phq9")
    assert result.relapse_on is None
    assert [s.name for s in result.signals] == [BOOSTER_DUE]


def test_single_measurement_relapse_definition_is_a_setting() -> None:
    strict = OutcomeSettings(relapse_consecutive_measurements=1)
    result = summarise(weekly(8, 12), BASELINE, "phq9", settings=strict)
    assert result.relapse_on == DAY0 + timedelta(weeks=2)


def test_back_to_response_between_high_scores_resets_the_relapse_count() -> None:
    assert summarise(weekly(8, 12, 9, 12), BASELINE, "phq9").relapse_on is None


def test_booster_on_rise_from_best_only_when_clinic_sets_points() -> None:
    series = weekly(4, 2, 7)  # still a response (65% reduction), but up 5 from best
    assert summarise(series, BASELINE, "phq9").signals == ()
    clinic = OutcomeSettings(booster_rise_from_best_points=5)
    assert [s.name for s in summarise(series, BASELINE, "phq9", settings=clinic).signals] == [
        BOOSTER_DUE
    ]


def test_futility_after_three_iv_infusions_without_response() -> None:
    result = summarise(weekly(18), BASELINE, "phq9", iv_infusions_given=3)
    assert [s.name for s in result.signals] == [FUTILITY]
    assert result.signals[0].source == "K7"
    assert summarise(weekly(18), BASELINE, "phq9", iv_infusions_given=2).signals == ()
    assert summarise(weekly(10), BASELINE, "phq9", iv_infusions_given=6).signals == ()


def test_out_of_range_total_is_refused_naming_the_point() -> None:
    with pytest.raises(InvalidClinicalInput, match=r"series\[1\]: total 28"):
        summarise(weekly(10, 28), BASELINE, "phq9")


def test_score_before_baseline_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="before the baseline"):
        summarise([ScorePoint(DAY0 - timedelta(days=1), 10)], BASELINE, "phq9")


def test_unordered_series_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="date order"):
        summarise(list(reversed(weekly(10, 12))), BASELINE, "phq9")


@settings(max_examples=80, deadline=None)
@given(baseline=st.integers(1, 27), a=st.integers(0, 27), b=st.integers(0, 27))
def test_a_lower_score_never_has_a_worse_response_status(baseline: int, a: int, b: int) -> None:
    order = [ResponseStatus.NO_RESPONSE, ResponseStatus.PARTIAL_RESPONSE, ResponseStatus.RESPONSE]
    better, worse = min(a, b), max(a, b)
    assert order.index(response_status(baseline, better)) >= order.index(
        response_status(baseline, worse)
    )


@settings(max_examples=60, deadline=None)
@given(totals=st.lists(st.integers(0, 27), min_size=1, max_size=12), baseline=st.integers(1, 27))
def test_relapse_only_ever_follows_a_response(totals: list[int], baseline: int) -> None:
    result = summarise(weekly(*totals), ScorePoint(DAY0, baseline), "phq9")
    if result.relapse_on is not None:
        assert result.first_response_on is not None
        assert result.first_response_on < result.relapse_on
    if result.first_response_on is None:
        assert result.relapse_on is None
        assert all(s.name != BOOSTER_DUE for s in result.signals)
