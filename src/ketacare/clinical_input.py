"""Turning submitted fields into the clinical core's types, with its refusals on a field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from ketacare.clinical.dates import DateRange, check_plausible_date
from ketacare.clinical.errors import ClinicalRuleError
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
        raise ValidationError({field_named_in(str(exc)): str(exc)}) from exc


def vital_signs_json(vitals: VitalSigns) -> dict[str, Any]:
    """The stored form of a reading (a session's pre-dose vitals)."""
    return {name: getattr(vitals, name) for name in VITAL_SIGN_FIELDS}


def field_named_in(message: str) -> str:
    """The vital-sign field a core refusal names first (it names the field at fault)."""
    named = [(message.find(name), name) for name in VITAL_SIGN_FIELDS if name in message]
    return min(named)[1] if named else "systolic_mmhg"


def plausible_date(field: str, value: date | datetime, allowed: DateRange) -> None:
    """Every entered date, by page or API: outside the core's plausible range it is a
    ValidationError on `field` (a 422 naming the field, never an overflow later)."""
    if isinstance(value, datetime):
        day = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    else:
        day = value
    try:
        check_plausible_date(field, day, timezone.localdate(), allowed)
    except ClinicalRuleError as exc:
        raise ValidationError({field: str(exc)}) from exc
