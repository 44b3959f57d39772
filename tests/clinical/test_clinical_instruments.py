"""Rating scales: worked examples from each scale's scoring guide, and refusals."""

from __future__ import annotations

import pytest

from ketacare.clinical import instruments
from ketacare.clinical.errors import InvalidAnswers, UnknownInstrument


def score(key: str, answers: list[int | None]) -> instruments.ScoreResult:
    return instruments.get(key).score(answers)


# --- PHQ-9 (Q1: bands at 5/10/15/20; Q3: item 9) -------------------------------------


@pytest.mark.parametrize(
    ("total", "severity"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_edges_follow_kroenke_cutoffs(total: int, severity: str) -> None:
    answers = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    answers += [0] * (9 - len(answers))
    result = score("phq9", answers)
    assert (result.total, result.severity) == (total, severity)


def test_phq9_worked_example_is_moderate_with_suicidality_flag() -> None:
    result = score("phq9", [1, 2, 3, 0, 1, 2, 1, 0, 1])
    assert result.total == 11
    assert result.severity == "moderate"
    assert result.flags == ("suicidality",)
    assert result.risk is None


def test_phq9_item9_positive_raises_suicidality_flag_even_when_total_is_minimal() -> None:
    result = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.severity == "minimal"
    assert "suicidality" in result.flags


def test_phq9_item9_zero_raises_no_flag_even_when_severe() -> None:
    result = score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert result.severity == "severe"
    assert result.flags == ()


def test_phq9_missing_item_is_refused_not_prorated() -> None:
    with pytest.raises(InvalidAnswers, match=r"PHQ-9 item 4 .*missing"):
        score("phq9", [1, 1, 1, None, 1, 1, 1, 1, 1])


def test_phq9_out_of_range_answer_names_the_item() -> None:
    with pytest.raises(InvalidAnswers, match=r"PHQ-9 item 3 .*outside 0-3"):
        score("phq9", [1, 1, 4, 1, 1, 1, 1, 1, 1])


def test_phq9_wrong_number_of_answers_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match="9 items but 8 answers"):
        score("phq9", [1] * 8)


def test_boolean_answers_are_refused_as_not_whole_numbers() -> None:
    with pytest.raises(InvalidAnswers, match="item 1"):
        score("phq9", [True, 0, 0, 0, 0, 0, 0, 0, 0])


def test_phq9_carries_sourced_loinc_codes() -> None:
    phq9 = instruments.INSTRUMENTS["phq9"]
    assert isinstance(phq9, instruments.RatingScale)
    assert phq9.loinc_total == "44261-6"
    assert phq9.items[8].loinc == "44260-8"


# --- GAD-7 (Q4) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "severity"),
    [
        ([0] * 7, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0], "minimal"),
        ([1, 1, 1, 1, 1, 0, 0], "mild"),
        ([2, 2, 2, 2, 1, 0, 0], "mild"),
        ([2, 2, 2, 2, 2, 0, 0], "moderate"),
        ([3, 3, 3, 2, 2, 2, 0], "severe"),
        ([3] * 7, "severe"),
    ],
)
def test_gad7_bands_at_5_10_15(answers: list[int], severity: str) -> None:
    assert score("gad7", list(answers)).severity == severity


def test_gad7_has_no_safety_flags() -> None:
    assert score("gad7", [3] * 7).flags == ()


# --- PCL-5 (Q5) ----------------------------------------------------------------------


def test_pcl5_all_moderate_meets_cut_off_and_cluster_rule() -> None:
    result = score("pcl5", [2] * 20)
    assert result.total == 40
    assert result.severity is None
    assert result.flags == ("probable PTSD", "provisional DSM-5 diagnosis")
    assert result.subscales == {"B": 10, "C": 4, "D": 14, "E": 12}


def test_pcl5_total_of_33_without_avoidance_is_probable_ptsd_only() -> None:
    answers = [4] * 5 + [0, 0] + [4, 4, 4, 1, 0, 0, 0] + [0] * 6
    result = score("pcl5", answers)
    assert result.total == 33
    assert result.flags == ("probable PTSD",)


def test_pcl5_total_of_32_is_below_the_probable_ptsd_cut_off() -> None:
    answers = [4] * 5 + [0, 0] + [4, 4, 4, 0, 0, 0, 0] + [0] * 6
    assert score("pcl5", answers).flags == ()


def test_pcl5_cluster_rule_without_high_total_gives_provisional_diagnosis_only() -> None:
    answers = [0] * 20
    for item in (1, 6, 8, 9, 15, 16):
        answers[item - 1] = 2
    result = score("pcl5", answers)
    assert result.total == 12
    assert result.flags == ("provisional DSM-5 diagnosis",)


def test_pcl5_rating_of_1_does_not_count_as_an_endorsed_symptom() -> None:
    answers = [0] * 20
    for item in (1, 6, 8, 9, 15):
        answers[item - 1] = 2
    answers[15] = 1  # item 16 rated "a little bit": E cluster has only one symptom
    assert "provisional DSM-5 diagnosis" not in score("pcl5", answers).flags


# --- MADRS (Q6, Snaith bands) --------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "severity"),
    [
        (0, "none"),
        (6, "none"),
        (7, "mild"),
        (19, "mild"),
        (20, "moderate"),
        (34, "moderate"),
        (35, "severe"),
        (60, "severe"),
    ],
)
def test_madrs_snaith_band_edges(total: int, severity: str) -> None:
    answers = [6] * (total // 6) + ([total % 6] if total % 6 else [])
    answers += [0] * (10 - len(answers))
    assert score("madrs", answers).severity == severity


def test_madrs_answer_above_6_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match="MADRS item 10"):
        score("madrs", [0] * 9 + [7])


# --- QIDS-SR16 (Q7: highest item per domain) -----------------------------------------


def test_qids_sr16_scores_the_highest_item_in_each_domain_not_the_item_sum() -> None:
    answers = [3, 1, 0, 2, 1, 0, 2, 1, 0, 1, 1, 1, 1, 1, 1, 3]
    result = score("qids-sr16", answers)
    # sleep 3 + appetite/weight 2 + psychomotor 3 + six single-item domains of 1
    assert result.total == 14
    assert result.severity == "moderate"
    assert result.subscales["sleep"] == 3
    assert result.subscales["psychomotor"] == 3


def test_qids_sr16_all_maximum_answers_give_27_very_severe() -> None:
    result = score("qids-sr16", [3] * 16)
    assert (result.total, result.severity) == (27, "very severe")


@pytest.mark.parametrize(
    ("singles", "severity"),
    [(5, "none"), (6, "mild"), (10, "mild"), (11, "moderate"), (16, "severe"), (21, "very severe")],
)
def test_qids_sr16_band_edges(singles: int, severity: str) -> None:
    # Load single-item domains first (items 5, 10-14), then the multi-item domains.
    order = [5, 10, 11, 12, 13, 14, 1, 6, 15]
    answers = [0] * 16
    remaining = singles
    for item in order:
        answers[item - 1] = min(3, remaining)
        remaining -= answers[item - 1]
    assert score("qids-sr16", answers).severity == severity


# --- C-SSRS screener (Q8) ------------------------------------------------------------


def test_cssrs_all_no_with_skips_is_no_risk() -> None:
    result = score("cssrs", [0, 0, None, None, None, 0, None])
    assert (result.risk, result.total, result.flags) == ("none", 0, ())


def test_cssrs_wish_to_be_dead_only_is_low_risk_positive_screen() -> None:
    result = score("cssrs", [1, 0, None, None, None, 0, None])
    assert result.risk == "low"
    assert result.flags == ("positive screen",)


def test_cssrs_method_without_intent_is_moderate_risk() -> None:
    assert score("cssrs", [1, 1, 1, 0, 0, 0, None]).risk == "moderate"


@pytest.mark.parametrize("question", [4, 5])
def test_cssrs_intent_or_plan_is_high_risk_with_suicidality_flag(question: int) -> None:
    answers: list[int | None] = [1, 1, 1, 0, 0, 0, None]
    answers[question - 1] = 1
    result = score("cssrs", answers)
    assert result.risk == "high"
    assert "suicidality" in result.flags
    assert result.total == question


def test_cssrs_behaviour_in_past_3_months_is_high_risk() -> None:
    result = score("cssrs", [0, 0, None, None, None, 1, 1])
    assert result.risk == "high"
    assert "suicidality" in result.flags


def test_cssrs_behaviour_longer_ago_is_moderate_risk() -> None:
    assert score("cssrs", [0, 0, None, None, None, 1, 0]).risk == "moderate"


def test_cssrs_question_3_required_after_yes_to_question_2() -> None:
    with pytest.raises(InvalidAnswers, match="question 3 is required"):
        score("cssrs", [1, 1, None, 0, 0, 0, None])


def test_cssrs_3_month_follow_up_required_after_behaviour() -> None:
    with pytest.raises(InvalidAnswers, match=r"question 6 \(past 3 months\) is required"):
        score("cssrs", [0, 0, None, None, None, 1, None])


def test_cssrs_yes_to_a_skipped_question_is_still_counted() -> None:
    assert score("cssrs", [0, 0, None, 1, None, 0, None]).risk == "high"


def test_cssrs_recent_behaviour_without_lifetime_behaviour_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match="question 6"):
        score("cssrs", [0, 0, None, None, None, 0, 1])


def test_cssrs_needs_seven_answers_including_the_3_month_follow_up() -> None:
    with pytest.raises(InvalidAnswers, match="7 answers"):
        score("cssrs", [0, 0, None, None, None, 0])


def test_answer_wording_is_offered_for_free_scales_only() -> None:
    assert instruments.get("phq9").answer_labels[3] == "Nearly every day"
    assert instruments.get("pcl5").answer_labels[4] == "Extremely"
    assert instruments.get("madrs").answer_labels == ()


def test_cssrs_answer_other_than_0_or_1_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match="question 1"):
        score("cssrs", [2, 0, None, None, None, 0, None])


# --- CADSS (Q9) ----------------------------------------------------------------------


def test_cadss_total_and_cadss6_subset() -> None:
    answers = [0] * 23
    for item in (1, 2, 6, 7, 15, 22):
        answers[item - 1] = 4
    answers[22] = 3  # item 23 is not in CADSS-6
    result = score("cadss", answers)
    assert result.total == 27
    assert result.subscales == {"CADSS-6": 24}
    assert result.severity is None
    assert result.flags == ()


def test_cadss_maximum_is_92() -> None:
    assert score("cadss", [4] * 23).total == 92


# --- registry ------------------------------------------------------------------------


def test_registry_holds_exactly_the_contract_keys() -> None:
    assert set(instruments.INSTRUMENTS) == {
        "phq9",
        "gad7",
        "pcl5",
        "madrs",
        "qids-sr16",
        "cssrs",
        "cadss",
    }


def test_unknown_instrument_is_refused_with_the_valid_keys() -> None:
    with pytest.raises(UnknownInstrument, match="phq9"):
        instruments.get("phq-8")


def test_bands_with_a_gap_are_rejected_when_a_scale_is_defined() -> None:
    with pytest.raises(ValueError, match="gap"):
        instruments.RatingScale(
            key="x",
            name="X",
            items=(instruments.Item(1, "x", 0, 3),),
            recall_period="-",
            total_range=(0, 3),
            sources=(),
            self_report=True,
            bands=(instruments.SeverityBand("a", 0, 1), instruments.SeverityBand("b", 3, 3)),
        )


def test_only_the_self_report_scales_say_the_patient_answers_them() -> None:
    self_report = {key for key, scale in instruments.INSTRUMENTS.items() if scale.self_report}
    assert self_report == {"phq9", "gad7", "pcl5", "qids-sr16"}  # MADRS, CADSS, C-SSRS: staff
