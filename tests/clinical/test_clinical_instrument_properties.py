"""Properties every summed rating scale must keep, for any valid or invalid form."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketacare.clinical import instruments
from ketacare.clinical.errors import InvalidAnswers

SUMMED = [s for s in instruments.INSTRUMENTS.values() if isinstance(s, instruments.RatingScale)]
IDS = [s.key for s in SUMMED]


def valid_answers(scale: instruments.RatingScale) -> st.SearchStrategy[list[int]]:
    return st.tuples(*(st.integers(item.min_answer, item.max_answer) for item in scale.items)).map(
        list
    )


@pytest.mark.parametrize("scale", SUMMED, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_total_stays_in_range_and_severity_is_defined(
    scale: instruments.RatingScale, data: st.DataObject
) -> None:
    result = scale.score(data.draw(valid_answers(scale)))
    low, high = scale.total_range
    assert low <= result.total <= high
    assert (result.severity is None) == (not scale.bands)


@pytest.mark.parametrize("scale", SUMMED, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_raising_one_answer_never_lowers_total_or_severity(
    scale: instruments.RatingScale, data: st.DataObject
) -> None:
    answers = data.draw(valid_answers(scale))
    index = data.draw(st.integers(0, len(answers) - 1))
    item = scale.items[index]
    if answers[index] == item.max_answer:
        return
    worse = list(answers)
    worse[index] += 1
    before, after = scale.score(answers), scale.score(worse)
    assert after.total >= before.total
    labels = [band.label for band in scale.bands]
    if labels:
        assert before.severity is not None and after.severity is not None
        assert labels.index(after.severity) >= labels.index(before.severity)


@pytest.mark.parametrize("scale", [s for s in SUMMED if s.bands], ids=lambda s: s.key)
def test_bands_are_monotone_over_every_total(scale: instruments.RatingScale) -> None:
    labels = [band.label for band in scale.bands]
    ranks = [labels.index(str(scale.severity_for(t))) for t in range(scale.total_range[1] + 1)]
    assert ranks == sorted(ranks)
    assert ranks[0] == 0 and ranks[-1] == len(labels) - 1


@pytest.mark.parametrize("scale", SUMMED, ids=IDS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_out_of_range_answer_is_refused_naming_its_item(
    scale: instruments.RatingScale, data: st.DataObject
) -> None:
    answers = data.draw(valid_answers(scale))
    index = data.draw(st.integers(0, len(answers) - 1))
    item = scale.items[index]
    answers[index] = data.draw(
        st.one_of(st.integers(max_value=item.min_answer - 1), st.integers(item.max_answer + 1))
    )
    with pytest.raises(InvalidAnswers, match=rf"item {item.number} "):
        scale.score(answers)


@pytest.mark.parametrize("scale", SUMMED, ids=IDS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_blank_answer_is_refused_naming_its_item(
    scale: instruments.RatingScale, data: st.DataObject
) -> None:
    answers: list[int | None] = list(data.draw(valid_answers(scale)))
    index = data.draw(st.integers(0, len(answers) - 1))
    answers[index] = None
    with pytest.raises(InvalidAnswers, match=rf"item {index + 1} .*missing"):
        scale.score(answers)


CSSRS_FORMS = st.tuples(
    st.integers(0, 1),
    st.integers(0, 1),
    st.integers(0, 1),
    st.integers(0, 1),
    st.integers(0, 1),
    st.integers(0, 1),
    st.integers(0, 1),
).map(list)


@settings(max_examples=100, deadline=None)
@given(form=CSSRS_FORMS)
def test_cssrs_more_yes_answers_never_lower_the_risk(form: list[int]) -> None:
    order = ["none", "low", "moderate", "high"]
    if form[5] == 0:
        form[6] = 0
    base = instruments.get("cssrs").score(list(form))
    for index in range(7):
        if form[index] == 1 or (index == 6 and form[5] == 0):
            continue
        more = list(form)
        more[index] = 1
        raised = instruments.get("cssrs").score(list(more))
        assert base.risk is not None and raised.risk is not None
        assert order.index(raised.risk) >= order.index(base.risk)
        assert ("suicidality" in raised.flags) == (raised.risk == "high")
