"""Planned vital-sign checks without a reading, and discharge that needs them or a reason."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ketacare.clinical.discharge import DischargeInput, discharge_readiness
from ketacare.clinical.routes import Route
from ketacare.clinical.schedule_coverage import missing_checks
from ketacare.clinical.vitals import VitalSigns

IV = [0, 10, 20, 30, 40, 55, 70, 85, 100]


def test_no_readings_but_the_pre_dose_one_leaves_8_of_9_iv_checks_missing() -> None:
    assert missing_checks(IV, [0]) == (10, 20, 30, 40, 55, 70, 85, 100)


def test_a_late_reading_covers_the_check_nearest_to_it() -> None:
    assert missing_checks(IV, [0, 13, 24]) == (30, 40, 55, 70, 85, 100)


def test_one_reading_never_covers_two_checks() -> None:
    assert missing_checks([0, 10, 20], [0, 15]) == (20,)


@given(st.lists(st.sampled_from(IV), unique=True))
def test_a_check_with_a_reading_at_its_minute_is_never_missing(taken: list[int]) -> None:
    missing = missing_checks(IV, taken)
    assert set(missing) == set(IV) - set(taken)


def _discharge(**changes: object) -> DischargeInput:
    calm = VitalSigns(124, 78, heart_rate_bpm=72, spo2_percent=97)
    values: dict[str, object] = {
        "route": Route.IV_RACEMIC,
        "minutes_observed": 60,
        "predose": calm,
        "current": calm,
        "alert_and_oriented": True,
        "escort_present": True,
        "clinician_judges_stable": True,
    }
    values.update(changes)
    return DischargeInput(**values)  # type: ignore[arg-type]


def test_missing_checks_block_discharge_until_a_reason_is_recorded() -> None:
    missing = ("10 min", "20 min")
    refused = discharge_readiness(_discharge(missing_checks=missing))
    assert not refused.is_ready_for_discharge
    assert refused.unmet[0].startswith("planned checks not recorded: 10 min, 20 min")
    assert not discharge_readiness(
        _discharge(missing_checks=missing, missing_checks_reason="  ")
    ).is_ready_for_discharge
    assert discharge_readiness(
        _discharge(missing_checks=missing, missing_checks_reason="monitor failed; manual BP q15")
    ).is_ready_for_discharge
