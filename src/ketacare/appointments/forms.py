"""Calendar forms; each hands the service its typed input."""

from __future__ import annotations

from django import forms

from ketacare.appointments.models import Kind
from ketacare.appointments.services import MAX_MINUTES, Booking

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"),
            (5, "Saturday"), (6, "Sunday")]  # fmt: skip


class BookingForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices)
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                   format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    minutes = forms.IntegerField(min_value=5, max_value=MAX_MINUTES, initial=120)
    room = forms.TypedChoiceField(coerce=int, required=False, empty_value=None,
                                  label="Room or chair")  # fmt: skip
    staff = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(
        self, *args: object, rooms: list[tuple[int, str]], staff: list[tuple[int, str]],
        **kwargs: object,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["room"].choices = [("", "none")] + rooms  # type: ignore[attr-defined]
        self.fields["staff"].choices = [("", "none")] + staff  # type: ignore[attr-defined]

    def booking(self) -> Booking:
        d = self.cleaned_data
        return Booking(d["kind"], d["starts_at"], d["minutes"], d["room"], d["staff"])


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=200)


class RoomForm(forms.Form):
    name = forms.CharField(max_length=80, label="Room or chair")


class HoursForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int)
    opens = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    closes = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))


class ClosedDayForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=120, required=False)
