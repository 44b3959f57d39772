"""The one conversions module between the cores and the apps (ketacare.clinical_input): vital
signs to and from JSON, the core's refusals onto the field they name, route names between the
clinical rules and the pharmacology engine; and no app converting on its own beside it."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from ketacare.clinical.clinic_settings import MonitoringSettings, stricter_only_fields
from ketacare.clinical.errors import ClinicalRuleError, InvalidClinicalInput
from ketacare.clinical.routes import Route
from ketacare.clinical.vitals import VitalSigns
from ketacare.clinical_input import (
    ENGINE_ROUTE,
    LIMIT_ROUTE,
    VITAL_SIGN_FIELDS,
    field_error,
    vital_signs,
    vital_signs_json,
    vital_signs_of,
)
from ketacare.pharmacology.routes import ALL_ROUTES

SRC = Path(__file__).resolve().parents[2] / "src" / "ketacare"
READING = {
    "systolic_mmhg": 128,
    "diastolic_mmhg": 82,
    "heart_rate_bpm": 71,
    "spo2_percent": 97,
    "respiratory_rate_per_min": 14,
    "temperature_c": 36.8,
    "on_supplemental_oxygen": True,
}


def test_vital_signs_come_back_unchanged_from_their_stored_json():
    vitals = vital_signs(READING)
    assert vital_signs_json(vitals) == READING
    assert vital_signs(vital_signs_json(vitals)) == vitals


def test_a_stored_reading_becomes_the_same_vital_signs_as_its_fields():
    assert vital_signs_of(SimpleNamespace(**READING)) == VitalSigns(128, 82, 71, 97, 14, 36.8, True)


def test_an_older_record_without_the_later_fields_still_converts():
    vitals = vital_signs({"systolic_mmhg": 120, "diastolic_mmhg": 80})
    assert (vitals.respiratory_rate_per_min, vitals.on_supplemental_oxygen) == (None, False)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"systolic_mmhg": 80, "diastolic_mmhg": 90}, "systolic_mmhg"),
        ({"spo2_percent": 101}, "spo2_percent"),
        ({"temperature_c": 50}, "temperature_c"),
    ],
)
def test_an_impossible_vital_sign_is_refused_on_the_field_the_core_names(change, field):
    with pytest.raises(ValidationError) as refused:
        vital_signs(READING | change)
    assert list(refused.value.message_dict) == [field]


def test_a_refusal_lands_on_the_first_field_it_names_whatever_the_order_of_the_fields():
    exc = InvalidClinicalInput(
        "news2_urgent_at_or_above 8 must be below news2_emergency_at_or_above 7"
    )
    error = field_error(exc, ("news2_emergency_at_or_above", "news2_urgent_at_or_above"))
    assert list(error.message_dict) == ["news2_urgent_at_or_above"]


def test_the_cores_word_for_a_field_is_answered_on_the_apps_field():
    exc = InvalidClinicalInput("start: 9999-12-31 leaves no room for the course")
    error = field_error(exc, {"template": "template", "start": "start_on"}, "dose_mg")
    assert error.message_dict == {"start_on": [str(exc)]}


def test_a_refusal_naming_no_known_field_lands_on_the_default_or_the_whole_form():
    exc = ClinicalRuleError("these answers cannot be scored")
    assert list(field_error(exc, ("template",), "dose_mg").message_dict) == ["dose_mg"]
    assert list(field_error(exc).message_dict) == ["__all__"]


def test_a_looser_monitoring_limit_is_refused_on_its_own_field():
    with pytest.raises(ClinicalRuleError) as refused:
        MonitoringSettings(spo2_alert_at_or_below_percent=85)
    error = field_error(refused.value, stricter_only_fields())
    assert list(error.message_dict) == ["spo2_alert_at_or_below_percent"]


def test_every_clinical_route_has_an_engine_route_that_maps_back_to_it():
    assert set(ENGINE_ROUTE) == set(Route)
    for route, engine_route in ENGINE_ROUTE.items():
        assert engine_route in ALL_ROUTES
        assert LIMIT_ROUTE[engine_route] is route


def test_every_engine_route_with_a_hard_limit_is_one_the_engine_knows():
    assert set(LIMIT_ROUTE) <= set(ALL_ROUTES)
    assert set(LIMIT_ROUTE.values()) == set(Route)


def _app_sources():
    cores = ("clinical", "pharmacology")
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts[0] not in cores and "migrations" not in relative.parts:
            yield relative, path.read_text()


def test_no_app_builds_vital_signs_or_maps_route_names_beside_the_conversions_module():
    engine_names = "|".join(re.escape(name) for name in ENGINE_ROUTE.values())
    own = re.compile(rf"VitalSigns\(|\{{\s*\"(iv|at-home)\":\s*\"({engine_names})\"")
    found = [str(relative) for relative, text in _app_sources()
             if relative != Path("clinical_input.py") and own.search(text)]  # fmt: skip
    assert found == []


def test_no_page_handles_a_core_refusal_itself():
    # Services turn the core's refusals into field errors (clinical_input.field_error); a
    # view that catches ClinicalRuleError would be a second conversion.
    found = [str(relative) for relative, text in _app_sources()
             if "views" in str(relative) and "ClinicalRuleError" in text]  # fmt: skip
    assert found == []


def test_vital_sign_fields_are_those_of_the_cores_type():
    assert set(VITAL_SIGN_FIELDS) == set(VitalSigns.__dataclass_fields__)


def test_a_form_that_asks_for_fewer_vital_signs_stores_only_those():
    asked = ("systolic_mmhg", "diastolic_mmhg")
    assert vital_signs_json(vital_signs(READING), asked) == {
        "systolic_mmhg": 128,
        "diastolic_mmhg": 82,
    }
