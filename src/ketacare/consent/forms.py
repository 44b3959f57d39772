"""The consent forms: publish a version (clinic admin), sign it (patient), withdraw it."""

from __future__ import annotations

from django import forms

from ketacare.consent.models import TOPIC_CHOICES


class PublishForm(forms.Form):
    topic = forms.ChoiceField(choices=TOPIC_CHOICES, label="Consent for")
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}),
        label="Text the patient reads and signs",
        max_length=20000,
    )
    effective_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        label="In force from",
        help_text="Today or later (clinic time). Once published, a version is never edited.",
    )
    resign_required = forms.BooleanField(
        required=False,
        initial=True,
        label="Patients must sign this version again",
        help_text="Untick only for a change that does not alter what the patient agrees to "
        "(a typo): earlier signatures then stay current.",
    )


class SignForm(forms.Form):
    document_id = forms.UUIDField(widget=forms.HiddenInput)
    agreed = forms.BooleanField(
        required=False, label="I have read this form, my questions were answered, and I agree"
    )
    typed_name = forms.CharField(
        max_length=200,
        required=False,
        label="Type your full name to sign",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        required=False,
        label="Reason (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
