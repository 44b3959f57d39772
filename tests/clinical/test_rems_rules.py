"""The REMS rules of clinical/rems.py: enrollment before an esketamine dose, the 7-day
deadline, which fields are missing, and the values the form can take (S10, S11)."""

from __future__ import annotations

from datetime import date

import pytest

from ketacare.clinical import rems
from ketacare.clinical.routes import Route

DAY = date(2026, 11, 2)


def test_an_esketamine_session_without_enrollment_is_refused_with_the_reason():
    reason = rems.enrollment_refusal(Route.ESKETAMINE_NASAL, None, DAY)
    assert reason is not None and "not enrolled" in reason and "S10" in reason


def test_an_enrollment_dated_after_the_session_does_not_count():
    reason = rems.enrollment_refusal(Route.ESKETAMINE_NASAL, date(2026, 11, 3), DAY)
    assert reason is not None and "2026-11-03" in reason


def test_an_enrolled_patient_and_every_other_route_may_start():
    assert rems.enrollment_refusal(Route.ESKETAMINE_NASAL, DAY, DAY) is None
    assert rems.enrollment_refusal(Route.IV_RACEMIC, None, DAY) is None
    assert not rems.requires_form(Route.IM_RACEMIC)


def test_the_form_is_due_seven_calendar_days_after_the_session_and_overdue_the_day_after():
    assert rems.due_on(DAY) == date(2026, 11, 9)
    assert rems.days_left(DAY, date(2026, 11, 9)) == 0
    assert not rems.is_overdue(DAY, date(2026, 11, 9))
    assert rems.is_overdue(DAY, date(2026, 11, 10))


def test_first_treatment_means_no_earlier_esketamine_session():
    assert rems.is_first_treatment(0) and not rems.is_first_treatment(3)


def complete() -> dict[str, object]:
    return {f.key: "x" for f in rems.FIELDS} | {"serious_adverse_event": False}


def test_a_complete_form_misses_nothing_and_each_empty_field_is_named():
    values = complete()
    del values["serious_adverse_event_detail"]  # asked only after a serious event
    assert rems.missing_fields(values) == ()
    values["lot_number"] = ""
    values.pop("respiratory_depression")
    assert [f.key for f in rems.missing_fields(values)] == ["lot_number", "respiratory_depression"]


def test_a_serious_adverse_event_needs_its_description():
    values = complete() | {"serious_adverse_event": True, "serious_adverse_event_detail": ""}
    assert [f.key for f in rems.missing_fields(values)] == ["serious_adverse_event_detail"]


def test_the_issue_s_extra_fields_are_on_the_form():
    keys = {f.key for f in rems.FIELDS}
    assert {"first_treatment", "enrolled", "opioids", "respiratory_depression"} <= keys
    assert {"bp_predose", "bp_40_min", "bp_predischarge", "lot_number", "maois"} <= keys


@pytest.mark.parametrize(
    ("key", "raw", "value"),
    [("sedation", "yes", True), ("sedation", False, False), ("bp_40_min", " 150 / 95 ", "150/95"),
     ("total_minutes", "125", 125), ("dose_mg", "84", 84.0), ("lot_number", "  L-1 ", "L-1"),
     ("lot_number", "", None)],
)  # fmt: skip
def test_entered_values_are_read_as_the_form_takes_them(key, raw, value):
    assert rems.parse_value(key, raw) == value


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [("sedation", "maybe", "yes or no"), ("bp_predose", "120-80", "systolic/diastolic"),
     ("bp_predose", "80/120", "above diastolic"), ("total_minutes", "12.5", "whole"),
     ("total_minutes", True, "not yes/no"), ("dose_mg", "-5", "between"),
     ("patient_name", "Eve", "not a field staff enter"), ("nonsense", "1", "not a field")],
)  # fmt: skip
def test_a_value_the_form_cannot_take_is_refused_naming_the_field(key, raw, message):
    with pytest.raises(rems.RemsFieldError, match=message) as refused:
        rems.parse_value(key, raw)
    assert str(refused.value).startswith(key)


def test_the_bp_nearest_40_minutes_is_taken_the_earlier_on_a_tie():
    readings = [(10, "a"), (35, "b"), (45, "c"), (120, "d")]
    assert rems.nearest_reading(40, readings) == "b"
    assert rems.nearest_reading(40, [(44, "x"), (38, "y")]) == "y"
    assert rems.nearest_reading(40, []) is None


def test_the_dose_reads_as_one_of_the_form_s_boxes_or_other():
    assert rems.dose_box(56.0) == "56 mg" and rems.dose_box(84) == "84 mg"
    assert rems.dose_box(28) == "Other: 28 mg"
