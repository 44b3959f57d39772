"""The accounts app's forms: sign-in, API tokens, adding people, the clinic's settings."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from ketacare.accounts.roles import Role
from ketacare.clinical.clinic_settings import DEFAULT_MONITORING
from ketacare.clinics.us_states import STATE_CHOICES


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "Email or password is not correct. After 5 failed attempts the "
        "account is locked for 15 minutes.",
        "inactive": "This account is inactive.",
    }


class TOTPCodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\d{6}$",
        label="6-digit code from your authenticator app",
        error_messages={"invalid": "Enter the 6 digits shown in your authenticator app."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Token name", help_text="e.g. lab integration")


class AddMemberForm(forms.Form):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=200, required=False, label="Full name")
    role = forms.ChoiceField(choices=[("", "Choose a role"), *Role.choices])
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        label="Initial password",
        help_text="For a new account: at least 12 characters; tell it to the person over a "
        "separate channel. Someone who already has a KetaCare account is invited instead, "
        "keeps their password, and joins when they accept.",
    )


class ClinicForm(forms.Form):
    name = forms.CharField(max_length=200)
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    time_zone = forms.CharField(max_length=64, help_text="IANA name, e.g. America/New_York")
    licensed_states = forms.MultipleChoiceField(
        choices=STATE_CHOICES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Where the clinic may treat patients.",
    )
    on_call_email = forms.EmailField(
        required=False, label="On-call email",
        help_text="A suicidality alert is emailed here at once, as well as shown on Today.",
    )  # fmt: skip
    video_link_template = forms.CharField(
        max_length=300, required=False, label="Video tool for telehealth visits",
        help_text="Your clinic's own video tool, https:// only; {meeting} becomes each "
        "appointment's meeting code, e.g. https://meet.example.org/{meeting}",
    )  # fmt: skip


# Label, unit and the direction that is stricter, for each limit a clinic may tighten.
LIMIT_LABELS = {
    "respiration_alert_at_or_below_per_min": ("Respiration rate: alert at or below", "/min"),
    "respiration_alert_at_or_above_per_min": ("Respiration rate: alert at or above", "/min"),
    "spo2_alert_at_or_below_percent": ("SpO2: alert at or below", "%"),
    "systolic_alert_at_or_below_mmhg": ("Systolic BP: alert at or below", "mmHg"),
    "pulse_alert_at_or_below_bpm": ("Pulse: alert at or below", "/min"),
    "pulse_alert_at_or_above_bpm": ("Pulse: alert at or above", "/min"),
    "temperature_alert_at_or_below_c": ("Temperature: alert at or below", "°C"),
    "news2_urgent_at_or_above": ("NEWS2 aggregate: urgent review at or above", "points"),
    "news2_emergency_at_or_above": ("NEWS2 aggregate: emergency at or above", "points"),
    "sedation_alert_at_or_below_moaas": ("Sedation: alert at MOAA/S at or below", "(0-5)"),
}


class MonitoringLimitsForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, (label, unit) in LIMIT_LABELS.items():
            default = getattr(DEFAULT_MONITORING, name)
            help_text = f"Default {default} {unit} (NEWS2 / MOAA/S); only stricter is accepted."
            if isinstance(default, float):
                self.fields[name] = forms.FloatField(
                    label=f"{label} ({unit})", min_value=25, max_value=45, help_text=help_text
                )
            else:
                self.fields[name] = forms.IntegerField(
                    label=f"{label} {unit}", min_value=0, max_value=300, help_text=help_text
                )
