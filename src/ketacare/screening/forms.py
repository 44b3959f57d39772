"""The screening form: built from the clinical core's own lists (diagnoses, history, medicines)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError

from ketacare.clinical.eligibility import (
    Diagnosis,
    HepaticImpairment,
    History,
    Medicine,
    ScreeningInput,
)
from ketacare.clinical_input import vital_signs

CSSRS_CHOICES = [("", "not screened"), ("none", "none"), ("low", "low"),
                 ("moderate", "moderate"), ("high", "high")]  # fmt: skip


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


class ScreeningForm(forms.Form):
    diagnoses = forms.MultipleChoiceField(
        choices=_choices(Diagnosis), widget=forms.CheckboxSelectMultiple
    )
    failed_adequate_antidepressant_trials = forms.IntegerField(
        min_value=0, max_value=30, label="Adequate antidepressant trials that failed"
    )
    systolic_mmhg = forms.IntegerField(min_value=50, max_value=300, label="Systolic BP (mmHg)")
    diastolic_mmhg = forms.IntegerField(min_value=20, max_value=200, label="Diastolic BP (mmHg)")
    heart_rate_bpm = forms.IntegerField(
        required=False, min_value=20, max_value=250, label="Heart rate (/min)"
    )
    spo2_percent = forms.IntegerField(required=False, min_value=50, max_value=100, label="SpO2 (%)")
    history = forms.MultipleChoiceField(
        choices=_choices(History), widget=forms.CheckboxSelectMultiple, required=False,
        label="History",
    )  # fmt: skip
    hepatic_impairment = forms.ChoiceField(choices=_choices(HepaticImpairment))
    medicines = forms.MultipleChoiceField(
        choices=_choices(Medicine), widget=forms.CheckboxSelectMultiple, required=False,
        label="Current medicines",
        help_text="Ticked from the medication list; check them against what the patient takes.",
    )  # fmt: skip
    benzodiazepine_diazepam_equivalent_mg = forms.FloatField(
        required=False, min_value=0, max_value=200,
        label="Benzodiazepine dose, diazepam-equivalent (mg/day)",
    )  # fmt: skip
    latest_cssrs_risk = forms.ChoiceField(
        choices=CSSRS_CHOICES, required=False, label="Latest C-SSRS screen",
        help_text="Filled in from the latest C-SSRS on the chart when there is one.",
    )  # fmt: skip

    def screening_input(self) -> ScreeningInput:
        """The core's input; its definitional refusals (e.g. systolic <= diastolic) land on
        the form as errors."""
        data = self.cleaned_data
        try:
            vitals = vital_signs(data)
        except DjangoValidationError as exc:
            raise forms.ValidationError(exc.message_dict) from exc
        return ScreeningInput(
            diagnoses=frozenset(Diagnosis(d) for d in data["diagnoses"]),
            failed_adequate_antidepressant_trials=data["failed_adequate_antidepressant_trials"],
            vitals=vitals,
            history=frozenset(History(h) for h in data["history"]),
            hepatic_impairment=HepaticImpairment(data["hepatic_impairment"]),
            medicines=frozenset(Medicine(m) for m in data["medicines"]),
            latest_cssrs_risk=data.get("latest_cssrs_risk") or None,
            benzodiazepine_diazepam_equivalent_mg=data.get("benzodiazepine_diazepam_equivalent_mg"),
        )
