from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from ketacare.questionnaires.services import EVERY_DAYS_RANGE, ScheduleEntry, schedulable_scales


class ScheduleForm(forms.Form):
    instrument = forms.ChoiceField(label="Questionnaire")
    every_days = forms.IntegerField(
        label="Every (days)", min_value=EVERY_DAYS_RANGE[0], max_value=EVERY_DAYS_RANGE[1],
        initial=7, help_text="e.g. 7 in induction, 14 in maintenance",
    )  # fmt: skip
    first_due_on = forms.DateField(
        label="First due on", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["instrument"].choices = [(s.key, s.name) for s in schedulable_scales()]  # type: ignore[attr-defined]
        self.fields["first_due_on"].initial = timezone.localdate() + timedelta(days=1)

    def entry(self) -> ScheduleEntry:
        data = self.cleaned_data
        return ScheduleEntry(data["instrument"], data["every_days"], data["first_due_on"])
