from __future__ import annotations

from typing import Any

from django import forms

from ketacare.clinical.monitoring import PregnancyStatus
from ketacare.clinical.routes import Route
from ketacare.sessions.models import Severity


class OwnIds(forms.Form):
    """The session page holds several forms with the same field names: each form's ids get
    its own prefix so every label points at its own input (names stay as posted)."""

    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class VersionField(forms.IntegerField):
    """The session's version the page was drawn from: the save is refused if it moved on."""

    def __init__(self) -> None:
        super().__init__(min_value=1, widget=forms.HiddenInput, required=False)


class VitalsForm(forms.Form):
    systolic_mmhg = forms.IntegerField(min_value=40, max_value=300, label="Systolic (mmHg)")
    diastolic_mmhg = forms.IntegerField(min_value=20, max_value=200, label="Diastolic (mmHg)")
    heart_rate_bpm = forms.IntegerField(
        required=False, min_value=20, max_value=250, label="Heart rate (/min)"
    )
    spo2_percent = forms.IntegerField(required=False, min_value=50, max_value=100, label="SpO2 (%)")
    respiratory_rate_per_min = forms.IntegerField(
        required=False, min_value=1, max_value=80, label="Respiration rate (/min)"
    )
    temperature_c = forms.FloatField(
        required=False, min_value=25, max_value=45, label="Temperature (°C)"
    )
    on_supplemental_oxygen = forms.BooleanField(required=False, label="On supplemental oxygen")


class ReadingForm(VitalsForm):
    taken_at_time = forms.TimeField(
        required=False,
        label="Time taken (clinic time, HH:MM)",
        help_text="Leave empty for now; never in the future or before the session started.",
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    moaas = forms.TypedChoiceField(
        choices=[("", "not assessed"), *[(n, str(n)) for n in range(5, -1, -1)]],
        coerce=int,
        empty_value=None,
        required=False,
        label="MOAA/S (5 = awake, 0 = no response)",
    )


class StartSessionForm(VitalsForm):
    route = forms.ChoiceField(choices=[(r.value, r.label) for r in Route], initial="iv")
    dose_mg_per_kg = forms.FloatField(
        required=False, min_value=0.01, max_value=10, label="Dose (mg/kg)"
    )
    dose_mg = forms.FloatField(required=False, min_value=1, max_value=1000, label="Dose (mg)")
    infusion_minutes = forms.IntegerField(
        required=False, min_value=1, max_value=240, label="Infusion time (min, IV)"
    )
    pregnancy = forms.ChoiceField(
        choices=[("", "— ask the patient —"), *[(p.value, p.value) for p in PregnancyStatus]],
        label="Pregnancy or breastfeeding",
        error_messages={"required": "Ask the patient and record the pregnancy status."},
    )
    phq9_item9_today = forms.TypedChoiceField(
        choices=[("", "not asked"), *[(n, str(n)) for n in range(4)]],
        coerce=int,
        empty_value=None,
        required=False,
        label="PHQ-9 item 9 asked now",
        help_text="Today's recorded PHQ-9 is read from the chart; the worse answer counts.",
    )
    cssrs_risk_today = forms.ChoiceField(
        choices=[("", "not screened"), *[(r, r) for r in ("none", "low", "moderate", "high")]],
        required=False,
        label="C-SSRS asked now",
        help_text="Today's recorded C-SSRS is read from the chart; the worse risk counts.",
    )
    review_note = forms.CharField(
        required=False,
        max_length=500,
        label="Review note",
        help_text="Needed when the pre-dose check asks for review.",
    )
    override_reason = forms.CharField(
        required=False,
        max_length=500,
        label="Override reason (prescriber)",
        help_text="Only to pass a hard stop (no-go or a dose above the limit).",
    )
    field_order = [
        "route",
        "dose_mg_per_kg",
        "dose_mg",
        "infusion_minutes",
        "systolic_mmhg",
        "diastolic_mmhg",
        "heart_rate_bpm",
        "spo2_percent",
        "respiratory_rate_per_min",
        "temperature_c",
        "on_supplemental_oxygen",
        "pregnancy",
        "phq9_item9_today",
        "cssrs_risk_today",
        "review_note",
        "override_reason",
    ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (data.get("dose_mg") is None) == (data.get("dose_mg_per_kg") is None):
            raise forms.ValidationError("Give the dose either in mg/kg or in mg, not both.")
        if data.get("infusion_minutes") and data.get("route") != Route.IV_RACEMIC.value:
            self.add_error("infusion_minutes", "An infusion time applies to IV only.")
        return data


class DischargeForm(OwnIds):
    id_prefix = "discharge"
    version = VersionField()
    alert_and_oriented = forms.BooleanField(required=False, label="Alert and oriented")
    escort_present = forms.BooleanField(required=False, label="Escort present to take them home")
    clinician_judges_stable = forms.BooleanField(required=False, label="Clinician judges stable")
    missing_checks_reason = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason planned checks are missing",
        help_text="Only when discharging with planned readings not taken.",
    )


class AcknowledgeForm(forms.Form):
    reading = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        required=False,  # an empty note gets the service's message, naming what to write
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What was done",
        help_text="e.g. infusion paused, prescriber called, recheck result.",
    )


class AdverseEventForm(OwnIds):
    id_prefix = "ae"
    description = forms.CharField(max_length=500, label="Adverse event")
    severity = forms.ChoiceField(choices=[("", "— choose —"), *Severity.choices])
    serious = forms.BooleanField(required=False, label="Serious adverse event (REMS form)")
    action_taken = forms.CharField(max_length=500, label="Action taken")
    observed_at_time = forms.TimeField(
        required=False, label="Time observed (HH:MM)", help_text="Leave empty for now.",
        widget=forms.TimeInput(attrs={"type": "time"}),
    )  # fmt: skip


class SedationForm(OwnIds):
    id_prefix = "sedation"
    moaas = forms.TypedChoiceField(
        choices=[("", "— choose —"), *[(n, str(n)) for n in range(5, -1, -1)]],
        coerce=int, label="Sedation score (5 = awake, 0 = no response)",
    )  # fmt: skip
    taken_at_time = forms.TimeField(
        required=False, label="Time (HH:MM)", help_text="Leave empty for now.",
        widget=forms.TimeInput(attrs={"type": "time"}),
    )  # fmt: skip


class DissociationForm(OwnIds):
    id_prefix = "cadss"
    """The 23 CADSS items by number (the wording is the licensed form's, clinical.md Q9)."""

    taken_at_time = forms.TimeField(
        required=False, label="Time (HH:MM)", help_text="Leave empty for now.",
        widget=forms.TimeInput(attrs={"type": "time"}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, 24):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                choices=[(n, str(n)) for n in range(5)], coerce=int, initial=0,
                label=f"Item {number}",
            )  # fmt: skip

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{n}"] for n in range(1, 24)]


class SignForm(OwnIds):
    id_prefix = "sign"
    version = VersionField()


class AmendmentForm(OwnIds):
    id_prefix = "amend"
    section = forms.ChoiceField(
        choices=[("", "— what is corrected —"), ("dose", "Dose"),
                 ("adverse_event", "Adverse event"), ("reading", "Vital-sign reading"),
                 ("assessment", "Sedation or dissociation entry"), ("discharge", "Discharge")],
        label="What is corrected",
    )  # fmt: skip
    target_id = forms.CharField(
        required=False, max_length=40, label="Entry number",
        help_text="The # of the reading, event or entry (not for the dose or discharge).",
    )  # fmt: skip
    correction = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(max_length=500, label="Reason for the correction")
    version = VersionField()
