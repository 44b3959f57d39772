"""Plausible dates: the one check every entered date goes through.

These bounds are a data-entry plausibility rule chosen by the software, not a clinical
number from `domain/`: a date outside them is a typo (9999-12-31, year 0001) that would
otherwise become a baseline, overflow date arithmetic, or schedule a course for nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ketacare.clinical.errors import InvalidClinicalInput


@dataclass(frozen=True)
class DateRange:
    """How far before and after today a kind of date may lie (days)."""

    days_back: int
    days_ahead: int

    def bounds(self, today: date) -> tuple[date, date]:
        return today - timedelta(days=self.days_back), today + timedelta(days=self.days_ahead)


BIRTH_DATE = DateRange(days_back=130 * 366, days_ahead=0)
"""Nobody on record is older than 130 years or born tomorrow."""
RATING_DATE = DateRange(days_back=10 * 366, days_ahead=1)
"""A scale transcribed from paper history (up to 10 years back), never one from tomorrow
(a day ahead absorbs time zones)."""
MEDICATION_DATE = DateRange(days_back=130 * 366, days_ahead=1)
"""When a medicine was started or stopped: within a lifetime, never after tomorrow."""
REMS_DATE = DateRange(days_back=10 * 366, days_ahead=1)
"""A REMS enrollment or form submission: the Spravato REMS dates from 2019 (S9), never
later than tomorrow."""
APPOINTMENT_DATE = DateRange(days_back=1, days_ahead=2 * 366)
"""An appointment is booked from yesterday (a late entry) up to two years ahead."""
PLAN_START = DateRange(days_back=0, days_ahead=366)
"""A course is planned from today up to a year ahead."""
CONSENT_EFFECTIVE = DateRange(days_back=0, days_ahead=366)
"""A new consent version takes effect from today up to a year ahead: never in the past, where
it would silently expire signatures that sessions already relied on."""


def check_plausible_date(field: str, value: date, today: date, allowed: DateRange) -> None:
    """Refuse `value` outside `allowed` around `today`, naming the field and the range."""
    earliest, latest = allowed.bounds(today)
    if not earliest <= value <= latest:
        raise InvalidClinicalInput(
            f"{field}: {value.isoformat()} is outside the plausible range "
            f"{earliest.isoformat()} to {latest.isoformat()}"
        )
