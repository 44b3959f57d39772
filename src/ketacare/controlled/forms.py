"""Forms of the controlled-substance log; each hands the service its typed input."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ketacare.controlled.models import Product
from ketacare.controlled.services import Receipt, Withdrawal, Witness

DATE = forms.DateInput(attrs={"type": "date"})
AMOUNT = {"min_value": Decimal("0.01"), "max_digits": 12, "decimal_places": 2,
          "help_text": "mg of ketamine, or whole esketamine devices"}  # fmt: skip


class ReceiptForm(forms.Form):
    product = forms.ChoiceField(choices=Product.choices)
    lot = forms.CharField(max_length=60, label="Lot number")
    expires_on = forms.DateField(widget=DATE, label="Expiry")
    quantity = forms.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    supplier = forms.CharField(max_length=200, help_text="and the DEA Form 222 / invoice number")

    def receipt(self) -> Receipt:
        d = self.cleaned_data
        return Receipt(d["product"], d["lot"], d["expires_on"], d["quantity"], d["supplier"])


class WasteForm(forms.Form):
    quantity = forms.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    reason = forms.CharField(max_length=300, help_text="e.g. remainder of a 500 mg vial")
    witness_email = forms.EmailField(label="Witness (another prescriber or nurse)")
    witness_password = forms.CharField(widget=forms.PasswordInput, label="Witness's password")

    def withdrawal(self, lot_id: object) -> Withdrawal:
        return Withdrawal(lot_id, self.cleaned_data["quantity"], self.cleaned_data["reason"])

    def witness(self) -> Witness:
        return Witness(self.cleaned_data["witness_email"], self.cleaned_data["witness_password"])


class TransferForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("out", "out of this clinic"), ("in", "into this clinic")]
    )
    quantity = forms.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    party = forms.CharField(max_length=200, label="Other registrant (name, DEA number)")
    reason = forms.CharField(max_length=300)

    def withdrawal(self, lot_id: object) -> Withdrawal:
        d = self.cleaned_data
        return Withdrawal(lot_id, d["quantity"], d["reason"], d["party"])


class AdjustForm(forms.Form):
    change = forms.RegexField(
        regex=r"^[+-]\s*\d+(\.\d{1,2})?$", max_length=14,
        help_text="Signed: +5 adds, -2 removes", error_messages={"invalid": "Write e.g. +5 or -2."},
    )  # fmt: skip
    reason = forms.CharField(max_length=300)


class CountForm(forms.Form):
    counted = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2,
                                 label="Counted on the shelf")  # fmt: skip
    note = forms.CharField(max_length=300, required=False,
                           help_text="Required when the count differs from the log")  # fmt: skip


class AdministerForm(forms.Form):
    session = forms.ChoiceField(label="Dosing session in progress")
    quantity = forms.DecimalField(**AMOUNT)  # type: ignore[arg-type]

    def __init__(self, *args: object, sessions: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["session"].choices = sessions  # type: ignore[attr-defined]

    def withdrawal(self, lot_id: object) -> Withdrawal:
        return Withdrawal(lot_id, self.cleaned_data["quantity"])


class ReverseForm(forms.Form):
    reason = forms.CharField(max_length=300)
