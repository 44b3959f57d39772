"""Forms of the REMS pages: enrollment, the fields staff enter on a session's monitoring form
(built from the core's field list, so the page and the form cannot drift apart), and its
submission."""

from __future__ import annotations

from typing import Any

from django import forms

from ketacare.clinical import rems as rule
from ketacare.rems.models import SubmittedVia
from ketacare.rems.services import Submission
from ketacare.rems.values import FormValues

DATE = forms.DateInput(attrs={"type": "date"})
YES_NO = [("", "—"), ("yes", "Yes"), ("no", "No")]


class EnrollmentForm(forms.Form):
    enrolled_on = forms.DateField(
        widget=DATE, label="Enrolled on",
        help_text="The day the Patient Enrollment Form was submitted to the REMS.",
    )  # fmt: skip


class SubmittedForm(forms.Form):
    submitted_on = forms.DateField(widget=DATE, label="Submitted on")
    submitted_via = forms.ChoiceField(choices=SubmittedVia.choices, label="How")

    def submission(self) -> Submission:
        return Submission(self.cleaned_data["submitted_on"], self.cleaned_data["submitted_via"])


def _field(f: rule.FormField) -> forms.Field:
    """Every field optional here: a blank keeps the record's value; the core says what is
    still missing before the session is signed or the form submitted."""
    if f.kind is rule.Kind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, required=False, label=f.label)
    if f.kind in (rule.Kind.MINUTES, rule.Kind.DOSE):
        return forms.CharField(required=False, label=f"{f.label} ({f.kind})", max_length=10)
    if f.kind is rule.Kind.BP:
        return forms.CharField(required=False, label=f"{f.label} (mmHg)", max_length=9,
                               help_text="systolic/diastolic, e.g. 128/82")  # fmt: skip
    return forms.CharField(required=False, label=f.label, max_length=300)


def _initial(value: object) -> object:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return rule.shown(value) if value is not None else ""


class AnswersForm(forms.Form):
    """The fields staff enter, prefilled with the form's current values."""

    def __init__(self, *args: Any, values: FormValues | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in rule.ENTERED:
            self.fields[f.key] = _field(f)
            if values is not None:
                self.fields[f.key].initial = _initial(values.values.get(f.key))

    def answers(self) -> dict[str, Any]:
        """Only what was typed; the core parses it and names a field it refuses."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
