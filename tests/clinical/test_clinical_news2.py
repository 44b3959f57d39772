"""NEWS2 (N1, N2): every band edge of every parameter, the aggregate triggers, and the
single-parameter alerts that follow from them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.clinical.alerts import AlertKind, deterioration_alerts
from ketacare.clinical.clinic_settings import MonitoringSettings, stricter_only_fields
from ketacare.clinical.errors import InvalidClinicalInput, LooseningRefused
from ketacare.clinical.news2 import (
    News2Response,
    News2Score,
    consciousness_score,
    news2,
    pulse_score,
    respiration_score,
    spo2_score,
    systolic_score,
    temperature_score,
)
from ketacare.clinical.vitals import VitalSigns


@pytest.mark.parametrize(
    ("rate", "score"),
    [(8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3)],
)
def test_respiration_rate_bands(rate: int, score: int) -> None:
    assert respiration_score(rate) == score


@pytest.mark.parametrize(("spo2", "score"), [(91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0)])
def test_spo2_scale_1_bands(spo2: int, score: int) -> None:
    assert spo2_score(spo2) == score


@pytest.mark.parametrize(
    ("systolic", "score"),
    [(90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3)],
)
def test_systolic_bands(systolic: int, score: int) -> None:
    assert systolic_score(systolic) == score


@pytest.mark.parametrize(
    ("bpm", "score"),
    [(40, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2), (130, 2), (131, 3)],
)
def test_pulse_bands(bpm: int, score: int) -> None:
    assert pulse_score(bpm) == score


@pytest.mark.parametrize(
    ("celsius", "score"),
    [(35.0, 3), (35.1, 1), (36.0, 1), (36.1, 0), (38.0, 0), (38.1, 1), (39.0, 1), (39.1, 2)],
)
def test_temperature_bands(celsius: float, score: int) -> None:
    assert temperature_score(celsius) == score


@pytest.mark.parametrize(("moaas", "score"), [(3, 3), (4, 0), (0, 3), (5, 0)])
def test_consciousness_scores_3_at_moderate_or_greater_sedation(moaas: int, score: int) -> None:
    assert consciousness_score(moaas) == score


def test_oxygen_adds_2() -> None:
    on_air = news2(VitalSigns(120, 80, 70, 97, 16, 37.0))
    on_oxygen = news2(VitalSigns(120, 80, 70, 97, 16, 37.0, on_supplemental_oxygen=True))
    assert (on_air.aggregate, on_oxygen.aggregate) == (0, 2)


@pytest.mark.parametrize(
    ("aggregate", "single_3", "response"),
    [
        (4, False, News2Response.ROUTINE),
        (5, False, News2Response.URGENT),
        (6, False, News2Response.URGENT),
        (3, True, News2Response.URGENT),
        (7, False, News2Response.EMERGENCY),
    ],
)
def test_response_follows_the_aggregate_and_any_single_3(
    aggregate: int, single_3: bool, response: News2Response
) -> None:
    parameters = (
        {"SpO2": 3, "pulse": aggregate - 3} if single_3 else {"pulse": 2, "x": aggregate - 2}
    )
    assert News2Score(parameters, ()).response() is response


def test_unrecorded_parameters_are_named_as_missing() -> None:
    score = news2(VitalSigns(120, 80))
    assert score.missing == ("respiration rate", "SpO2", "pulse", "consciousness", "temperature")


@given(
    rate=st.integers(1, 60),
    spo2=st.integers(50, 100),
    pulse=st.integers(20, 250),
    systolic=st.integers(50, 280),
    moaas=st.integers(0, 5),
)
def test_a_single_parameter_alert_fires_exactly_when_that_parameter_scores_3(
    rate: int, spo2: int, pulse: int, systolic: int, moaas: int
) -> None:
    vitals = VitalSigns(systolic, 30, pulse, spo2, rate, 37.0)
    kinds = {a.kind for a in deterioration_alerts(vitals, moaas)}
    assert (AlertKind.RESPIRATION in kinds) == (respiration_score(rate) == 3)
    assert (AlertKind.SPO2_LOW in kinds) == (spo2_score(spo2) == 3)
    assert (AlertKind.HEART_RATE in kinds) == (pulse_score(pulse) == 3)
    assert (AlertKind.LOW_SYSTOLIC in kinds) == (systolic <= 90)
    assert (AlertKind.EXCESSIVE_SEDATION in kinds) == (moaas <= 3)
    aggregate = news2(vitals, moaas).aggregate
    assert (AlertKind.NEWS2_EMERGENCY in kinds) == (aggregate >= 7)
    assert (AlertKind.NEWS2_URGENT in kinds) == (5 <= aggregate < 7)


@given(spo2=st.integers(50, 99), drop=st.integers(1, 20))
def test_a_lower_spo2_never_scores_less(spo2: int, drop: int) -> None:
    assert spo2_score(max(1, spo2 - drop)) >= spo2_score(spo2)


@given(pulse=st.integers(71, 240), step=st.integers(1, 30))
def test_a_pulse_further_from_normal_never_scores_less(pulse: int, step: int) -> None:
    assert pulse_score(pulse + step) >= pulse_score(pulse)
    assert pulse_score(max(1, 141 - pulse - step)) >= pulse_score(max(1, 141 - pulse))


def test_a_clinic_may_tighten_every_news2_limit() -> None:
    clinic = MonitoringSettings(
        respiration_alert_at_or_below_per_min=10,
        respiration_alert_at_or_above_per_min=22,
        spo2_alert_at_or_below_percent=93,
        systolic_alert_at_or_below_mmhg=100,
        pulse_alert_at_or_below_bpm=50,
        pulse_alert_at_or_above_bpm=120,
        temperature_alert_at_or_below_c=35.5,
        news2_urgent_at_or_above=4,
        news2_emergency_at_or_above=6,
    )
    kinds = {
        a.kind for a in deterioration_alerts(VitalSigns(100, 60, 120, 93, 10, 35.5), 5, clinic)
    }
    assert {
        AlertKind.RESPIRATION,
        AlertKind.SPO2_LOW,
        AlertKind.LOW_SYSTOLIC,
        AlertKind.HEART_RATE,
        AlertKind.LOW_TEMPERATURE,
        AlertKind.NEWS2_EMERGENCY,
    } <= kinds


@pytest.mark.parametrize(
    ("field", "looser"),
    [
        ("respiration_alert_at_or_below_per_min", 7),
        ("respiration_alert_at_or_above_per_min", 26),
        ("spo2_alert_at_or_below_percent", 90),
        ("systolic_alert_at_or_below_mmhg", 89),
        ("pulse_alert_at_or_below_bpm", 39),
        ("pulse_alert_at_or_above_bpm", 132),
        ("temperature_alert_at_or_below_c", 34.9),
        ("news2_urgent_at_or_above", 6),
        ("news2_emergency_at_or_above", 8),
        ("sedation_alert_at_or_below_moaas", 2),
    ],
)
def test_no_news2_or_sedation_limit_may_be_loosened_even_with_a_reason(
    field: str, looser: float
) -> None:
    assert field in stricter_only_fields()
    with pytest.raises(LooseningRefused, match=field):
        MonitoringSettings(**{field: looser}, loosening_reason="clinic protocol v2")  # type: ignore[arg-type]


def test_limits_that_cross_are_refused() -> None:
    with pytest.raises(InvalidClinicalInput, match="pulse_alert_at_or_below_bpm"):
        MonitoringSettings(pulse_alert_at_or_below_bpm=131)


def test_impossible_respiration_and_temperature_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidClinicalInput, match="respiratory_rate_per_min"):
        VitalSigns(120, 80, respiratory_rate_per_min=0)
    with pytest.raises(InvalidClinicalInput, match="temperature_c"):
        VitalSigns(120, 80, temperature_c=50.0)
