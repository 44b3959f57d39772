"""Conversions between the cores (clinical, pharmacology) and the apps, in one place: submitted
or stored fields to the core's types and back to JSON, the core's refusals to an error on the
field they name, and route names between the clinical rules and the pharmacology engine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from ketacare.clinical.clinic_settings import MonitoringSettings, stricter_only_fields
from ketacare.clinical.dates import DateRange, check_plausible_date
from ketacare.clinical.errors import ClinicalRuleError
from ketacare.clinical.routes import Route
from ketacare.clinical.vitals import VitalSigns

VITAL_SIGN_FIELDS = (
    "systolic_mmhg",
    "diastolic_mmhg",
    "heart_rate_bpm",
    "spo2_percent",
    "respiratory_rate_per_min",
    "temperature_c",
    "on_supplemental_oxygen",
)


def vital_signs(data: Mapping[str, Any]) -> VitalSigns:
    """VitalSigns from form or stored fields (older records lack the later fields); the
    core's definitional refusals (systolic not above diastolic, SpO2 over 100) become a
    ValidationError on the field the core names, else on `systolic_mmhg`."""
    try:
        return VitalSigns(
            data["systolic_mmhg"],
            data["diastolic_mmhg"],
            data.get("heart_rate_bpm"),
            data.get("spo2_percent"),
            data.get("respiratory_rate_per_min"),
            data.get("temperature_c"),
            bool(data.get("on_supplemental_oxygen")),
        )
    except ClinicalRuleError as exc:
        raise field_error(exc, VITAL_SIGN_FIELDS, "systolic_mmhg") from exc


def vital_signs_of(reading: object) -> VitalSigns:
    """VitalSigns from a stored reading's columns (a session's readings)."""
    return vital_signs({name: getattr(reading, name) for name in VITAL_SIGN_FIELDS})


def vital_signs_json(
    vitals: VitalSigns, fields: Iterable[str] = VITAL_SIGN_FIELDS
) -> dict[str, Any]:
    """The stored form of a reading (a session's pre-dose vitals), or of the `fields` a form
    asked for (a screening does not ask for breathing rate, temperature or oxygen)."""
    return {name: getattr(vitals, name) for name in fields}


def _first_named(message: str, fields: Iterable[str], default: str) -> str:
    """The field a core refusal names first (the core names the field at fault, usually
    first: "start: ...", "low 9 must be below high 8"), else `default`."""
    named = [(message.find(name), name) for name in fields if name in message]
    return min(named)[1] if named else default


def field_error(
    exc: ClinicalRuleError,
    fields: Iterable[str] | Mapping[str, str] = (),
    default: str = "__all__",
) -> ValidationError:
    """The core's refusal as a ValidationError on the field it names among `fields`, else on
    `default` (the whole form). With a mapping, the core's word for a field (its key) is
    answered on the app's field (its value)."""
    names = fields if isinstance(fields, Mapping) else {name: name for name in fields}
    named = _first_named(str(exc), names, "")
    return ValidationError({names[named] if named else default: str(exc)})


def stricter_limits(values: Mapping[str, Any]) -> MonitoringSettings:
    """A clinic's chosen monitoring limits as the core's settings; one looser than the
    sourced default is refused on its field."""
    chosen = {name: values[name] for name in stricter_only_fields() if name in values}
    try:
        return MonitoringSettings(**chosen)
    except ClinicalRuleError as exc:
        raise field_error(exc, stricter_only_fields()) from exc


def plausible_date(
    field: str, value: date | datetime, allowed: DateRange, today: date | None = None
) -> None:
    """Every entered date, by page or API: outside the core's plausible range it is a
    ValidationError on `field` (a 422 naming the field, never an overflow later). `today`:
    the clinic's date where it matters (the server's, in UTC, is a day ahead each evening)."""
    if isinstance(value, datetime):
        try:
            day = timezone.localdate(value) if timezone.is_aware(value) else value.date()
        except OverflowError:  # year 1 at midnight UTC is year 0 west of Greenwich
            day = value.date()
    else:
        day = value
    try:
        check_plausible_date(field, day, today or timezone.localdate(), allowed)
    except ClinicalRuleError as exc:
        raise ValidationError({field: str(exc)}) from exc


# Clinic session routes (the clinical rules') -> the pharmacology engine's routes: at-home
# tablets are absorbed as sublingual/ODT.
ENGINE_ROUTE: dict[Route, str] = {
    Route.IV_RACEMIC: "iv",
    Route.IM_RACEMIC: "im",
    Route.AT_HOME_SUBLINGUAL: "sublingual",
    Route.ESKETAMINE_NASAL: "esketamine-intranasal",
}

# The engine's routes -> the clinical route whose hard dose limit applies; a route the clinic
# does not dose by (compounded racemic nasal spray) has none.
LIMIT_ROUTE: dict[str, Route] = {
    "iv": Route.IV_RACEMIC,
    "im": Route.IM_RACEMIC,
    "oral": Route.AT_HOME_SUBLINGUAL,  # K2's limit covers oral and sublingual doses
    "sublingual": Route.AT_HOME_SUBLINGUAL,
    "esketamine-intranasal": Route.ESKETAMINE_NASAL,
}
