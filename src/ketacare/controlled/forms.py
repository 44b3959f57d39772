"""Forms of the controlled-substance log; each hands the service its typed input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ketacare.clinical.routes import Route
from ketacare.controlled.models import Product
from ketacare.controlled.services import Receipt, Withdrawal, Witness
from ketacare.sessions.models import DoseProduct

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


def _clock(label: str, required: bool = True) -> forms.TimeField:
    return forms.TimeField(required=required, label=label,
                           widget=forms.TimeInput(attrs={"type": "time"}))  # fmt: skip


class DoseForm(forms.Form):
    """The dose as given. The lot is chosen from the log where the clinic keeps lots of the
    product (an expired lot is not offered and is refused if posted); else typed from the
    label. Esketamine: one time per 28 mg device (S3)."""

    product = forms.ChoiceField(choices=DoseProduct.choices)
    route = forms.ChoiceField(choices=[(r.value, r.label) for r in Route])
    dose_mg = forms.FloatField(min_value=0.1, max_value=1000, label="Dose given (mg)")
    lot = forms.ChoiceField(label="Lot (from the controlled-substance log)")
    lot_number = forms.CharField(max_length=60, label="Lot number")
    lot_expires_on = forms.DateField(label="Expiry", widget=forms.DateInput(attrs={"type": "date"}))
    started_at_time = _clock("Started (HH:MM)")
    stopped_at_time = _clock("Stopped (HH:MM)")
    device_1 = _clock("Device 1 (HH:MM)", required=False)
    device_2 = _clock("Device 2 (HH:MM)", required=False)
    device_3 = _clock("Device 3 (HH:MM)", required=False)
    note = forms.CharField(max_length=500, required=False)
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, session: Any, lots: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if lots:
            lot_field: Any = self.fields["lot"]
            lot_field.choices = [("", "— choose the lot —")] + [
                (str(lot.public_id), f"{lot.lot} · expires {lot.expires_on} · "
                 f"{lot.balance.normalize():f} {lot.unit} on hand") for lot in lots
            ]  # fmt: skip
            del self.fields["lot_number"], self.fields["lot_expires_on"]
        else:
            del self.fields["lot"]
        if session.route != Route.ESKETAMINE_NASAL:
            for n in (1, 2, 3):
                del self.fields[f"device_{n}"]

    def device_times(self) -> tuple[Any, ...]:
        return tuple(
            self.cleaned_data[f"device_{n}"]
            for n in (1, 2, 3)
            if self.cleaned_data.get(f"device_{n}") is not None
        )
