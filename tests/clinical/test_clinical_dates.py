"""The one plausibility check for entered dates."""

from __future__ import annotations

from datetime import date

import pytest

from ketacare.clinical.dates import (
    BIRTH_DATE,
    PLAN_START,
    RATING_DATE,
    DateRange,
    check_plausible_date,
)
from ketacare.clinical.errors import InvalidClinicalInput

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("allowed", [BIRTH_DATE, RATING_DATE, PLAN_START])
@pytest.mark.parametrize("value", [date.min, date(1, 1, 1), date.max, date(9999, 12, 31)])
def test_dates_at_the_ends_of_the_calendar_are_refused_naming_the_field(
    allowed: DateRange, value: date
) -> None:
    with pytest.raises(InvalidClinicalInput, match=r"^when: .* outside the plausible range"):
        check_plausible_date("when", value, TODAY, allowed)


def test_today_is_plausible_for_a_birth_date_a_rating_and_a_plan_start() -> None:
    for allowed in (BIRTH_DATE, RATING_DATE, PLAN_START):
        check_plausible_date("when", TODAY, TODAY, allowed)


def test_a_plan_may_start_a_year_ahead_but_not_two() -> None:
    check_plausible_date("start_on", date(2027, 11, 30), TODAY, PLAN_START)
    with pytest.raises(InvalidClinicalInput, match="2026-11-30 to 2027-12-01"):
        check_plausible_date("start_on", date(2028, 11, 30), TODAY, PLAN_START)
