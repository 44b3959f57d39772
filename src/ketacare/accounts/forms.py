from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


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
