from __future__ import annotations

from typing import Any

from django import forms

from ketacare.patients.models import Patient
from ketacare.patients.services import EDITABLE_FIELDS
from ketacare.patients.validators import normalise_icd10


class DiagnosisCodesField(forms.CharField):
    """ICD-10-CM codes typed as 'F33.2, F41.1'; the model validates each."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [normalise_icd10(part) for part in text.replace(";", ",").split(",") if part.strip()]


class PatientForm(forms.ModelForm):  # type: ignore[type-arg]
    diagnosis_codes = DiagnosisCodesField(
        required=False,
        label="Diagnoses (ICD-10-CM)",
        help_text="Comma-separated, e.g. F33.2, F41.1",
    )

    class Meta:
        model = Patient
        fields = EDITABLE_FIELDS
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 2}),
            "weight_kg": forms.NumberInput(attrs={"step": "0.1", "min": "20", "max": "400"}),
        }
