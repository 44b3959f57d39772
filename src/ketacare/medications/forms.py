"""Forms for the medication list; each gives the service its typed entry."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from ketacare.medications.models import MEDICINE_CLASSES, OTHER
from ketacare.medications.services import AllergyEntry, MedicationEntry

DATE = forms.DateInput(attrs={"type": "date"})


class MedicationForm(forms.Form):
    name = forms.CharField(max_length=200, label="Medicine")
    dose = forms.CharField(max_length=100, required=False, help_text="e.g. 2 mg at night")
    medicine_class = forms.ChoiceField(
        choices=MEDICINE_CLASSES, initial=OTHER, label="Class",
        help_text="Sedatives, stimulants and MAOIs change what the safety checks ask.",
    )  # fmt: skip
    started_on = forms.DateField(required=False, widget=DATE, label="Started")

    def entry(self) -> MedicationEntry:
        data = self.cleaned_data
        return MedicationEntry(
            name=data["name"], dose=data["dose"], medicine_class=data["medicine_class"],
            started_on=data["started_on"],
        )  # fmt: skip


class StopForm(forms.Form):
    stopped_on = forms.DateField(widget=DATE, label="Stopped", initial=timezone.localdate)
    reason = forms.CharField(max_length=300, required=False)


class AllergyForm(forms.Form):
    substance = forms.CharField(max_length=200)
    reaction = forms.CharField(max_length=200, required=False, help_text="e.g. hives")

    def entry(self) -> AllergyEntry:
        return AllergyEntry(self.cleaned_data["substance"], self.cleaned_data["reaction"])


class RemoveForm(forms.Form):
    reason = forms.CharField(max_length=300, help_text="e.g. entered in error")
