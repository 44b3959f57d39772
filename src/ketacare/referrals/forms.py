"""The public forms (a provider's referral, a patient's consultation request) and the
triage forms. The model's own rules check every field; the service checks them again."""

from __future__ import annotations

from typing import Any

from django import forms

from ketacare.patients.forms import DiagnosisCodesField
from ketacare.referrals.models import Referral, ReferralKind
from ketacare.referrals.services import FIELDS_BY_KIND, NOTE_MAX

# A field people never see (off screen, skipped by keyboard and screen readers) and bots
# fill in: a filled one answers like a success and stores nothing.
HONEYPOT = "website"

PROVIDER_GROUPS = (
    ("About you, the referring provider", ("referrer_name", "referrer_npi", "referrer_practice",
                                           "referrer_phone", "referrer_email")),
    ("The patient", ("first_name", "last_name", "date_of_birth", "phone", "email",
                     "state_of_residence")),
    ("Clinical", ("diagnosis_codes", "reason", "prior_treatments")),
)  # fmt: skip
SELF_GROUPS = (
    ("About you", ("first_name", "last_name", "date_of_birth", "phone", "email",
                   "state_of_residence")),
    ("What you would like help with", ("reason", "prior_treatments")),
)  # fmt: skip
SELF_LABELS = {
    "first_name": "Your first name",
    "last_name": "Your last name",
    "date_of_birth": "Your date of birth",
    "phone": "Your phone",
    "email": "Your email",
    "state_of_residence": "State where you live",
    "reason": "What would you like help with?",
    "prior_treatments": "Treatments you have tried (optional)",
}
PROVIDER_LABELS = {
    "first_name": "Patient's first name",
    "last_name": "Patient's last name",
    "date_of_birth": "Patient's date of birth",
    "phone": "Patient's phone",
    "email": "Patient's email",
    "state_of_residence": "Patient's state of residence",
    "referrer_phone": "Your phone",
    "referrer_email": "Your email",
}
HELP = {
    "referrer_npi": "Your 10-digit National Provider Identifier.",
    "referrer_phone": "A phone or an email, so the clinic can reach you.",
    "phone": "A phone or an email, so the clinic can reach them.",
    "diagnosis_codes": "ICD-10-CM codes, comma-separated, e.g. F33.2, F41.1",
}


class PublicRequestForm(forms.ModelForm):  # type: ignore[type-arg]
    diagnosis_codes = DiagnosisCodesField(required=False, label="Diagnoses (ICD-10-CM)")

    class Meta:
        model = Referral
        fields = FIELDS_BY_KIND[ReferralKind.PROVIDER]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reason": forms.Textarea(attrs={"rows": 4}),
            "prior_treatments": forms.Textarea(attrs={"rows": 3}),
            "referrer_npi": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "10"}),
        }

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("instance", Referral(kind=kind))
        super().__init__(*args, **kwargs)
        self.kind = ReferralKind(kind)
        keep = FIELDS_BY_KIND[self.kind]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        labels = PROVIDER_LABELS if self.kind == ReferralKind.PROVIDER else SELF_LABELS
        for name, field in self.fields.items():
            field.label = labels.get(name, field.label)
            if name in HELP and not (name == "phone" and self.kind == ReferralKind.SELF):
                field.help_text = HELP[name]
        # The model requires the referrer's name and NPI only on a provider's referral.
        if self.kind == ReferralKind.PROVIDER:
            self.fields["referrer_name"].required = True
            self.fields["referrer_npi"].required = True

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        layout = PROVIDER_GROUPS if self.kind == ReferralKind.PROVIDER else SELF_GROUPS
        return [(legend, [self[name] for name in names]) for legend, names in layout]

    def submitted(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FIELDS_BY_KIND[self.kind]}


class DeclineForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX, label="Reason for declining"
    )


class MoreInfoForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX,
        label="What more is needed, and from whom",
    )  # fmt: skip
