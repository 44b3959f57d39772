"""Counselling forms; each hands the service its typed entry."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from ketacare.counselling.models import Kind
from ketacare.counselling.services import MAX_MINUTES, CounsellingEntry


class CounsellingForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices)
    dosing_session = forms.ChoiceField(
        required=False, label="Dosing session it prepares or follows"
    )
    held_at = forms.DateTimeField(
        label="Held at", initial=timezone.now,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    duration_minutes = forms.IntegerField(min_value=1, max_value=MAX_MINUTES, label="Minutes")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))
    sign = forms.BooleanField(required=False, label="Sign now (the note is then locked)")

    def __init__(self, *args: object, dosing: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["dosing_session"].choices = [("", "none")] + dosing  # type: ignore[attr-defined]

    def entry(self) -> CounsellingEntry:
        d = self.cleaned_data
        return CounsellingEntry(d["kind"], d["held_at"], d["duration_minutes"], d["note"],
                                d["dosing_session"] or None, d["sign"])  # fmt: skip


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))


class AmendmentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Amendment")
