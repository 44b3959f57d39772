"""Protocol templates -> dated schedules; maintenance spacing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketacare.clinical.errors import DoseAboveLimit, InvalidClinicalInput
from ketacare.clinical.protocols import (
    TEMPLATES,
    ClinicScheduleRules,
    PatientContext,
    ScheduledSession,
    SessionKind,
    generate_schedule,
    next_maintenance_date,
)
from ketacare.clinical.routes import Route

MONDAY = date(2026, 3, 2)
PATIENT = PatientContext(weight_kg=80)


def dosing(sessions: tuple[ScheduledSession, ...]) -> list[ScheduledSession]:
    return [s for s in sessions if s.kind is SessionKind.DOSING]


def test_iv_induction_is_six_infusions_of_half_mg_per_kg_within_12_days() -> None:
    doses = [
        s
        for s in generate_schedule("iv-induction", MONDAY, PATIENT)
        if s.kind is SessionKind.DOSING
    ]
    assert len(doses) == 6
    assert [(s.on - MONDAY).days for s in doses] == [0, 2, 4, 7, 9, 11]
    assert {s.dose_mg for s in doses} == {40}
    assert "over 40 min" in doses[0].detail


def test_iv_induction_schedules_futility_review_after_third_infusion() -> None:
    schedule = generate_schedule("iv-induction", MONDAY, PATIENT)
    reviews = [s for s in schedule if s.kind is SessionKind.ASSESSMENT]
    assert reviews[0].source == "K7"
    assert reviews[0].on == MONDAY + timedelta(days=4)


def test_esketamine_trd_is_twice_weekly_for_4_weeks_then_weekly_for_4() -> None:
    schedule = generate_schedule("esketamine-trd", MONDAY, PatientContext(80, dose_mg=84))
    doses = [s for s in schedule if s.kind is SessionKind.DOSING]
    offsets = [(s.on - MONDAY).days for s in doses]
    assert offsets == [0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49]
    assert doses[0].dose_mg == 56  # day 1 is always 56 mg (S3)
    assert {s.dose_mg for s in doses[1:]} == {84}
    assert any(s.kind is SessionKind.ASSESSMENT and s.source == "S3" for s in schedule)


def test_esketamine_mdd_si_is_84_mg_twice_weekly_for_4_weeks() -> None:
    doses = [
        s
        for s in generate_schedule("esketamine-mdd-si", MONDAY, PATIENT)
        if s.kind is SessionKind.DOSING
    ]
    assert len(doses) == 8 and {s.dose_mg for s in doses} == {84}


def test_closed_days_move_sessions_to_the_next_open_day_in_order() -> None:
    clinic = ClinicScheduleRules(closed_weekdays=frozenset({2}))  # closed Wednesdays
    doses = [
        s
        for s in generate_schedule("iv-induction", MONDAY, PATIENT, clinic)
        if s.kind is SessionKind.DOSING
    ]
    assert all(s.on.weekday() != 2 for s in doses)
    assert [s.on for s in doses] == sorted({s.on for s in doses})


def test_at_home_program_needs_a_prescribed_dose() -> None:
    with pytest.raises(InvalidClinicalInput, match="dose_mg"):
        generate_schedule("at-home-odt", MONDAY, PATIENT)


def test_at_home_program_has_renewal_consult_and_integration_after_six_sessions() -> None:
    schedule = generate_schedule("at-home-odt", MONDAY, PatientContext(70, dose_mg=200))
    kinds = [s.kind for s in schedule]
    assert kinds.count(SessionKind.DOSING) == 6
    assert SessionKind.RENEWAL_CONSULT in kinds and SessionKind.COUNSELLING in kinds
    assert schedule[-1].on == MONDAY + timedelta(days=35)


def test_at_home_spacing_outside_3_to_7_days_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="3-7"):
        ClinicScheduleRules(at_home_days_between_sessions=2)


def test_at_home_dose_above_limit_is_refused_for_a_whole_course() -> None:
    with pytest.raises(DoseAboveLimit):
        generate_schedule("at-home-odt", MONDAY, PatientContext(70, dose_mg=400))


def test_crps_regimens_follow_k15() -> None:
    continuous = dosing(generate_schedule("crps-continuous-4-days", MONDAY, PATIENT))
    assert len(continuous) == 4
    daily = [
        s
        for s in generate_schedule("crps-4h-daily-10-days", MONDAY, PATIENT)
        if s.kind is SessionKind.DOSING
    ]
    assert len(daily) == 10
    assert daily[0].dose_mg == pytest.approx(0.35 * 80 * 4)


def test_clinic_counselling_cadence_adds_counselling_sessions() -> None:
    clinic = ClinicScheduleRules(counselling_every_n_sessions=2)
    schedule = generate_schedule("iv-induction", MONDAY, PATIENT, clinic)
    assert [s.kind for s in schedule].count(SessionKind.COUNSELLING) == 3


def test_unknown_template_is_refused_listing_the_templates() -> None:
    with pytest.raises(InvalidClinicalInput, match="iv-induction"):
        generate_schedule("iv-daily", MONDAY, PATIENT)


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(sorted(TEMPLATES)),
    start=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    closed=st.frozensets(st.integers(0, 6), max_size=3),
)
def test_schedules_start_on_or_after_start_and_never_dose_twice_a_day(
    key: str, start: date, closed: frozenset[int]
) -> None:
    schedule = generate_schedule(
        key,
        start,
        PatientContext(75, dose_mg=56 if "esk" in key else 100),
        ClinicScheduleRules(closed_weekdays=closed),
    )
    days = [s.on for s in schedule if s.kind is SessionKind.DOSING]
    assert days[0] >= start
    assert all(a < b for a, b in zip(days, days[1:], strict=False))
    assert all(d.weekday() not in closed for d in days)


# --- maintenance ---------------------------------------------------------------------


def test_esketamine_maintenance_spaces_to_every_2_weeks_while_response_holds() -> None:
    assert next_maintenance_date(Route.ESKETAMINE_NASAL, MONDAY, 7, True) == (
        MONDAY + timedelta(days=14),
        14,
    )
    assert next_maintenance_date(Route.ESKETAMINE_NASAL, MONDAY, 14, True)[1] == 14


def test_esketamine_maintenance_returns_to_weekly_when_response_slips() -> None:
    assert next_maintenance_date(Route.ESKETAMINE_NASAL, MONDAY, 14, False)[1] == 7


def test_iv_maintenance_needs_a_clinic_ladder() -> None:
    with pytest.raises(InvalidClinicalInput, match="ladder_days"):
        next_maintenance_date(Route.IV_RACEMIC, MONDAY, 14, True)
    assert next_maintenance_date(Route.IV_RACEMIC, MONDAY, 14, True, (7, 14, 28))[1] == 28


def test_interval_off_the_ladder_is_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="current_interval_days"):
        next_maintenance_date(Route.ESKETAMINE_NASAL, MONDAY, 10, True)


def test_a_course_starting_at_the_end_of_the_calendar_is_refused_not_overflowed() -> None:
    with pytest.raises(InvalidClinicalInput, match="start"):
        generate_schedule("iv-induction", date.max, PATIENT)


def test_maintenance_spacing_at_the_end_of_the_calendar_is_refused_not_overflowed() -> None:
    with pytest.raises(InvalidClinicalInput, match="last_session_on"):
        next_maintenance_date(Route.ESKETAMINE_NASAL, date.max, 7, True)
