"""Field rules for patient demographics, shared by the forms, the API and the services."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from ketacare.clinical.dates import BIRTH_DATE
from ketacare.clinical_input import plausible_date
from ketacare.patients.icd10 import RELEASE, is_diagnosis_code

# Weight range accepted at registration (issue #3): outside it is almost surely a typo
# (lb for kg) and would feed every mg/kg dose calculation.
WEIGHT_KG_MIN = Decimal("20")
WEIGHT_KG_MAX = Decimal("400")

# ICD-10-CM: a letter, two characters (the 3rd may be a letter), then up to four more
# after a dot. CMS ICD-10-CM Official Guidelines, Section I.A ("code structure").
ICD10CM_PATTERN = r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"
_ICD10CM = re.compile(ICD10CM_PATTERN)


def validate_weight_kg(value: Decimal) -> None:
    if value is None:
        return
    if not (WEIGHT_KG_MIN <= Decimal(value) <= WEIGHT_KG_MAX):
        raise ValidationError(
            f"Weight must be between {WEIGHT_KG_MIN} and {WEIGHT_KG_MAX} kg (was {value}). "
            "Was it entered in pounds?"
        )


def validate_birth_date(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError("Date of birth cannot be in the future.")
    try:
        plausible_date("date_of_birth", value, BIRTH_DATE)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc


def normalise_icd10(code: str) -> str:
    """'f332' -> 'F33.2': upper-case, dot after the category."""
    code = code.strip().upper().replace(" ", "")
    if "." not in code and 3 < len(code) <= 7 and code.isalnum():
        code = f"{code[:3]}.{code[3:]}"
    return code


def validate_icd10_codes(value: list[str]) -> None:
    if not isinstance(value, list):
        raise ValidationError("Diagnoses must be a list of ICD-10-CM codes.")
    bad = [str(c) for c in value if not isinstance(c, str) or not _ICD10CM.match(c)]
    if bad:
        raise ValidationError(
            f"Not an ICD-10-CM code: {', '.join(bad)}. Expected a form like F33.2 or F32.A."
        )
    unknown = [c for c in value if not is_diagnosis_code(c)]
    if unknown:
        raise ValidationError(
            f"Not in the {RELEASE}: {', '.join(unknown)}. Check the code, e.g. F33.2 "
            "(major depressive disorder, recurrent, severe without psychotic features)."
        )


def validate_no_nul(value: str) -> None:
    # PostgreSQL refuses NUL in text; refuse it everywhere with a clear message.
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError("Text may not contain NUL characters.")


def known_fields(data: dict[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """A submitted dict with nothing but `allowed` in it (else each stray field is named) and
    its diagnosis codes in their stored form: the patient's and the referral's shared check."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    cleaned = dict(data)
    codes = cleaned.get("diagnosis_codes")
    if isinstance(codes, list):
        cleaned["diagnosis_codes"] = [
            normalise_icd10(c) if isinstance(c, str) else c for c in codes
        ]
    return cleaned
