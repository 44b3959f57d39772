"""Turning submitted fields into the clinical core's types, with its refusals on a field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from ketacare.clinical.errors import ClinicalRuleError
from ketacare.clinical.vitals import VitalSigns


def vital_signs(data: Mapping[str, Any]) -> VitalSigns:
    """VitalSigns from form or stored fields; the core's definitional refusals (systolic not
    above diastolic, SpO2 over 100) become a ValidationError on `systolic_mmhg`."""
    try:
        return VitalSigns(
            data["systolic_mmhg"],
            data["diastolic_mmhg"],
            data.get("heart_rate_bpm"),
            data.get("spo2_percent"),
        )
    except ClinicalRuleError as exc:
        raise ValidationError({"systolic_mmhg": str(exc)}) from exc
