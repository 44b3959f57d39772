"""A dosing visit's state, step by step from booking to discharge, from the record alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ketacare.clinical.clinic_settings import DEFAULT_MONITORING
from ketacare.clinical.discharge import DischargeInput
from ketacare.clinical.routes import Route
from ketacare.clinical.visit_state import (
    SessionEnd,
    SessionFacts,
    VisitFacts,
    VisitState,
    dosing_ends_at,
    visit_state,
)
from ketacare.clinical.vitals import VitalSigns

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CALM = VitalSigns(124, 78, heart_rate_bpm=72, spo2_percent=98, respiratory_rate_per_min=14)
MINIMUM = DEFAULT_MONITORING.esketamine_min_observation_minutes  # 120 (S1 §5.1-5.2)


def after(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def criteria(minutes_observed: int = MINIMUM, **changes: object) -> DischargeInput:
    """The record's discharge criteria all met unless changed; the clinician's judgements
    false, as nobody has given them yet."""
    base = DischargeInput(
        route=Route.ESKETAMINE_NASAL, minutes_observed=minutes_observed, predose=CALM,
        current=CALM, alert_and_oriented=False, escort_present=False,
        clinician_judges_stable=False, moaas=5,
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def esketamine(**changes: object) -> SessionFacts:
    return replace(SessionFacts(Route.ESKETAMINE_NASAL, START), **changes)  # type: ignore[arg-type]


def state(session: SessionFacts | None, now: datetime, checked_in: bool = True) -> VisitState:
    return visit_state(VisitFacts(checked_in, session), now)


def test_a_visit_nobody_has_checked_in_is_booked():
    assert state(None, START, checked_in=False) is VisitState.BOOKED


def test_check_in_moves_a_booked_visit_to_checked_in():
    assert state(None, START, checked_in=True) is VisitState.CHECKED_IN


def test_a_begun_session_without_dose_or_reading_is_at_its_pre_dose_check():
    assert state(esketamine(), after(2)) is VisitState.PRE_DOSE


def test_a_session_begun_without_check_in_counts_as_arrived():
    assert state(esketamine(), after(2), checked_in=False) is VisitState.PRE_DOSE


def test_a_recorded_dose_whose_stop_is_still_ahead_is_dosing():
    session = esketamine(dose_stopped_at=after(10))
    assert state(session, after(8)) is VisitState.DOSING


def test_an_iv_infusion_with_its_first_reading_is_dosing_until_its_planned_end():
    iv = SessionFacts(Route.IV_RACEMIC, START, infusion_minutes=40, readings=1)
    assert dosing_ends_at(iv) == after(40)
    assert state(iv, after(15)) is VisitState.DOSING
    assert state(iv, after(40)) is VisitState.MONITORING


def test_the_recorded_stop_ends_the_dosing_phase_even_before_the_planned_end():
    stopped_early = SessionFacts(
        Route.IV_RACEMIC, START, infusion_minutes=40, readings=1, dose_stopped_at=after(25)
    )
    assert state(stopped_early, after(30)) is VisitState.MONITORING


def test_after_the_dose_with_readings_going_on_the_visit_is_monitoring():
    session = esketamine(dose_stopped_at=after(8), readings=1, discharge=criteria(45))
    assert state(session, after(45)) is VisitState.MONITORING


def test_a_dose_recorded_before_any_reading_is_monitoring_once_it_stopped():
    session = esketamine(dose_stopped_at=after(8))
    assert state(session, after(12)) is VisitState.MONITORING


def test_every_criterion_the_record_answers_met_is_ready_for_discharge():
    session = esketamine(dose_stopped_at=after(8), readings=2, discharge=criteria())
    assert state(session, after(MINIMUM)) is VisitState.READY


def test_each_unmet_criterion_keeps_the_visit_in_monitoring():
    unmet = [
        criteria(MINIMUM - 1),  # observation time (S1 §5.1-5.2)
        criteria(current=VitalSigns(150, 95, spo2_percent=98)),  # BP not back (S1 §5.6)
        criteria(current=VitalSigns(124, 78)),  # SpO2 not recorded (S4, S9)
        criteria(moaas=4),  # not fully alert (N3)
        criteria(unacknowledged_alerts=1),
        criteria(missing_checks=("40 min",)),
    ]
    for discharge in unmet:
        session = esketamine(dose_stopped_at=after(8), readings=2, discharge=discharge)
        assert state(session, after(MINIMUM)) is VisitState.MONITORING, discharge


def test_readings_without_the_discharge_facts_stay_monitoring():
    session = esketamine(readings=1)
    assert state(session, after(MINIMUM)) is VisitState.MONITORING


def test_the_session_end_on_record_wins():
    discharged = esketamine(end=SessionEnd.DISCHARGED, dose_stopped_at=after(8), readings=2)
    assert state(discharged, after(MINIMUM + 5)) is VisitState.DISCHARGED
    assert state(esketamine(end=SessionEnd.NOT_DOSED), after(5)) is VisitState.NOT_DOSED


def test_the_whole_day_in_order():
    """booked -> checked in -> pre-dose check -> dosing -> monitoring -> ready -> discharged"""
    ready = criteria()
    seen = [
        state(None, START, checked_in=False),
        state(None, START),
        state(esketamine(), after(1)),
        state(esketamine(dose_stopped_at=after(10)), after(5)),
        state(esketamine(dose_stopped_at=after(10), readings=1, discharge=criteria(40)),
              after(40)),
        state(esketamine(dose_stopped_at=after(10), readings=2, discharge=ready),
              after(MINIMUM)),
        state(esketamine(end=SessionEnd.DISCHARGED, readings=2), after(MINIMUM + 5)),
    ]  # fmt: skip
    assert seen == [
        VisitState.BOOKED,
        VisitState.CHECKED_IN,
        VisitState.PRE_DOSE,
        VisitState.DOSING,
        VisitState.MONITORING,
        VisitState.READY,
        VisitState.DISCHARGED,
    ]
