"""The chart's forms: giving a patient a portal login, filtering the audit log."""

from __future__ import annotations

from django import forms

from ketacare.audit.models import AuditAction


class PortalAccessForm(forms.Form):
    email = forms.EmailField(label="Patient's email")
    password = forms.CharField(
        label="Initial password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; give it to the patient in person.",
    )


class AuditFilterForm(forms.Form):
    user = forms.CharField(required=False, max_length=254, label="User email contains")
    patient = forms.UUIDField(required=False, label="Patient id")
    action = forms.ChoiceField(required=False, choices=[("", "Any"), *AuditAction.choices])
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
