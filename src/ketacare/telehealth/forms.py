"""Telehealth forms; each hands the service its typed input."""

from __future__ import annotations

from django import forms

from ketacare.clinics.us_states import STATE_CHOICES
from ketacare.telehealth.models import MODALITY_CHOICES
from ketacare.telehealth.registrations import NewRegistration
from ketacare.telehealth.services import EncounterDraft

STATES = [("", "—")] + STATE_CHOICES


def _date(label: str, **kwargs: object) -> forms.DateField:
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs={"type": "date"}), **kwargs)  # type: ignore[arg-type]  # fmt: skip


class StartForm(forms.Form):
    patient_state = forms.ChoiceField(
        choices=STATES, required=False, label="State where the patient is now",
        help_text="Where the patient is during the visit: the clinic must be licensed there "
        "(H15).",
    )  # fmt: skip


class EncounterForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False,
                           label="Encounter note")  # fmt: skip
    modality = forms.ChoiceField(choices=[("", "—"), *MODALITY_CHOICES], required=False,
                                 label="How the visit took place")  # fmt: skip
    patient_state = forms.ChoiceField(choices=STATES, required=False,
                                      label="State where the patient was")  # fmt: skip
    prescriber_state = forms.ChoiceField(choices=STATES, required=False,
                                         label="State where you were")  # fmt: skip
    prescribes = forms.BooleanField(required=False,
                                    label="This encounter leads to a prescription")  # fmt: skip
    prescription = forms.CharField(
        max_length=300, required=False,
        help_text="Medicine, dose and amount, e.g. ketamine ODT 100 mg x 6",
    )  # fmt: skip
    in_person_evaluation_on = _date(
        "Date of the in-person evaluation",
        help_text="Required unless audio-video within the DEA flexibility dates (H12).",
    )
    pdmp_state = forms.ChoiceField(choices=STATES, required=False, label="PDMP checked in")
    pdmp_checked_on = _date("PDMP checked on")

    def draft(self) -> EncounterDraft:
        return EncounterDraft(**self.cleaned_data)


class AmendmentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Amendment")


class RegistrationForm(forms.Form):
    user_id = forms.TypedChoiceField(coerce=int, label="Prescriber")
    number = forms.CharField(max_length=9, label="DEA number", help_text="e.g. BB1388568")
    state = forms.ChoiceField(choices=STATE_CHOICES)
    expires_on = forms.DateField(label="Expires on",
                                 widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, *args: object, prescribers: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["user_id"].choices = prescribers  # type: ignore[attr-defined]

    def registration(self) -> NewRegistration:
        d = self.cleaned_data
        return NewRegistration(d["user_id"], d["number"], d["state"], d["expires_on"])
