"""The patient's step forms (phone-sized: few fields each, numbers by the number keypad).
Each carries a hidden idempotency key, new on each render, so a resent form is applied once."""

from __future__ import annotations

import uuid

from django import forms

from ketacare.athome import steps
from ketacare.clinical import at_home
from ketacare.clinical.instruments.cadss import CADSS6_ITEMS


class KeyedForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)

    def write_key(self) -> str:
        return str(self.cleaned_data.get("key") or "")


def _number(label: str, low: int, high: int, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip


class ChecklistForm(KeyedForm):
    fasting = forms.BooleanField(
        required=False,
        label=f"I have not eaten for {at_home.FASTING_HOURS} hours (H10)",
    )
    sitter_present = forms.BooleanField(required=False, label="My sitter is here with me (H1, H9)")
    sitter_name = forms.CharField(label="Sitter's name", max_length=100)
    sitter_phone = forms.CharField(
        label="Sitter's phone", max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    no_driving = forms.BooleanField(
        required=False, label="I will not drive until tomorrow, after a night's sleep (S1 §17)"
    )
    held_medicines = forms.BooleanField(
        required=False, label="I have held the medicines my care team named (H9)"
    )

    def entry(self) -> steps.Checklist:
        d = self.cleaned_data
        return steps.Checklist(d["fasting"], d["sitter_present"], d["sitter_name"],
                               d["sitter_phone"], d["no_driving"], d["held_medicines"])  # fmt: skip


class ReadingForm(KeyedForm):
    # Bounds that only catch what a cuff cannot show; the core judges the rest.
    systolic_mmhg = _number("Blood pressure, top number (mmHg)", 1, 400)
    diastolic_mmhg = _number("Blood pressure, bottom number (mmHg)", 1, 300)
    heart_rate_bpm = _number("Pulse (beats a minute)", 1, 300)

    def entry(self) -> steps.Reading:
        d = self.cleaned_data
        return steps.Reading(d["systolic_mmhg"], d["diastolic_mmhg"], d["heart_rate_bpm"])


SELF_HARM_CHOICES = [
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
]


class MoodForm(KeyedForm):
    mood = _number("How is your mood right now? (0 = very low, 10 = very good)", 0, 10)
    self_harm_thoughts = forms.TypedChoiceField(
        label="Over the last 2 weeks, how often have you had thoughts that you would be better "
        "off dead, or of hurting yourself in some way? (PHQ-9 item 9)",
        choices=SELF_HARM_CHOICES, coerce=int, widget=forms.RadioSelect,
    )  # fmt: skip


class CheckInForm(KeyedForm):
    sitter_name = forms.CharField(label="Sitter's name", max_length=100)
    all_well = forms.TypedChoiceField(
        label="How is the patient?",
        choices=[("yes", "Seen, and all is well"), ("no", "Something is wrong")],
        coerce=lambda v: v == "yes", widget=forms.RadioSelect,
    )  # fmt: skip
    note = forms.CharField(label="What you noticed", max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def entry(self) -> steps.CheckInEntry:
        d = self.cleaned_data
        return steps.CheckInEntry(d["sitter_name"], d["all_well"], d["note"])


class AfterForm(KeyedForm):
    side_effects = forms.MultipleChoiceField(
        label="Side effects you had", required=False,
        choices=[(s, s.capitalize()) for s in steps.SIDE_EFFECTS],
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    adverse_event = forms.CharField(
        label="Anything serious (a fall, chest pain, trouble breathing, very high blood "
        "pressure)? Describe it; leave empty if none.",
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    feeling = forms.ChoiceField(
        label="How do you feel now, compared with before the session?",
        choices=[(f, f.capitalize()) for f in steps.FEELINGS], widget=forms.RadioSelect,
    )  # fmt: skip
    note_for_therapist = forms.CharField(
        label="A note for your therapist", max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for number in CADSS6_ITEMS:  # numbered only: the licensed form's wording (Q9)
            self.fields[f"cadss_{number}"] = _number(
                f"Dissociation, CADSS item {number} (0 = not at all, 4 = extremely)", 0, 4
            )

    def entry(self) -> steps.AfterEntry:
        d = self.cleaned_data
        return steps.AfterEntry(
            tuple(d["side_effects"]), d["adverse_event"],
            tuple(d[f"cadss_{n}"] for n in CADSS6_ITEMS), d["feeling"], d["note_for_therapist"],
        )  # fmt: skip


class ReviewForm(forms.Form):
    note = forms.CharField(label="What was done", max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ShipmentForm(forms.Form):
    lot_id = forms.ChoiceField(label="Lot of tablets")
    tablets = _number("Tablets shipped", 1, 10000)
    sessions = _number("Sessions they cover", 1, 50)

    def __init__(self, *args: object, lots: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["lot_id"].choices = lots  # type: ignore[attr-defined]
