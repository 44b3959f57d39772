"""The treatment pages' forms: a plan from a protocol template, and the PK prediction's dose
(whose rules the API applies too, through `services.pk`)."""

from __future__ import annotations

import re

from django import forms
from django.http import QueryDict

from ketacare.clinical.dosing import DOSE_LIMITS
from ketacare.clinical.protocols import MAX_PREPARATION_SESSIONS, TEMPLATES
from ketacare.clinical.routes import Indication
from ketacare.clinical_input import LIMIT_ROUTE
from ketacare.pharmacology.regimen import Regimen, single_dose
from ketacare.pharmacology.routes import ALL_ROUTES
from ketacare.treatment.models import ChangeKind
from ketacare.treatment.services.booking import MAX_BOOKING_DAYS, BookingRun

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class PlanForm(forms.Form):
    template = forms.ChoiceField(
        choices=[(key, t.name) for key, t in TEMPLATES.items()], label="Protocol"
    )
    start_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="First session"
    )
    dose_mg = forms.FloatField(
        required=False,
        min_value=1,
        max_value=1000,
        label="Fixed dose (mg)",
        help_text="Esketamine after day 1 (56 or 84 mg) or the at-home dose; weight-based "
        "routes leave it empty.",
    )
    closed_weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Days the clinic does not dose",
    )
    override_reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason to exceed the dose limit (prescriber)",
        help_text="Only when the dose is above the route's hard limit: the reason is kept on "
        "the plan and in the audit log, and each session asks again.",
    )

    preparation_sessions = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_PREPARATION_SESSIONS,
        initial=0,
        label="Preparation sessions before the first dose",
        help_text="Counselling on the day of the first dose, before it (clinic setting).",
    )
    integration_every_n = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=12,
        label="Integration session after every N dosing sessions",
        help_text="Empty: none planned. The at-home program has its own (every 6, H3).",
    )

    def labelled(self, message: str) -> str:
        """A message with the fields' labels in place of their internal names."""
        for name, field in self.fields.items():
            message = re.sub(rf"\b{name}\b", str(field.label), message)
        return message


class RevisionForm(forms.Form):
    """A change to a signed plan: a new version with its reason."""

    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in ChangeKind if k != ChangeKind.NEW], label="Change"
    )
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    dose_mg = forms.FloatField(
        required=False, min_value=1, max_value=1000, label="New dose (mg)",
        help_text="Titrate only: the dose of each remaining dosing session.",
    )  # fmt: skip
    on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Date",
        help_text="Resume: the first remaining session's new date. Maintenance or booster: "
        "the maintenance session's date.",
    )  # fmt: skip


class PlannedStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("done", "Done"), ("missed", "Missed"), ("rescheduled", "Rescheduled")]
    )
    session_id = forms.UUIDField(required=False, label="Dosing session (done)")
    on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="New date"
    )
    note = forms.CharField(required=False, max_length=200)


class BookSessionsForm(forms.Form):
    start_time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}), initial="09:00", label="Start time"
    )
    minutes = forms.IntegerField(min_value=5, max_value=480, initial=120, label="Minutes each")
    room = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Room or chair"
    )
    staff = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Staff (dosing)"
    )
    therapist = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Therapist (counselling)",
        help_text="Needed when counselling sessions fall in the days booked.",
    )  # fmt: skip
    reviewer = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Prescriber (reviews)",
        help_text="Needed when reviews (futility check, end of induction) fall in those days.",
    )  # fmt: skip
    counselling_room = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Room for counselling and reviews"
    )
    days_ahead = forms.IntegerField(
        min_value=1, max_value=MAX_BOOKING_DAYS, initial=14, label="Book the next N days"
    )

    def __init__(self, *args: object, rooms: list[tuple[int, str]],
                 staff: dict[str, list[tuple[int, str]]], **kwargs: object) -> None:  # fmt: skip
        """`staff`: the choices of each staff field (staff, therapist, reviewer)."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, choices in {"room": rooms, "counselling_room": rooms, **staff}.items():
            self.fields[name].choices = [("", "—"), *choices]  # type: ignore[attr-defined]

    def run(self) -> BookingRun:
        data = self.cleaned_data
        return BookingRun(
            data["start_time"], data["minutes"], data["room"], data["staff"], data["days_ahead"],
            data["therapist"], data["reviewer"], data["counselling_room"],
        )  # fmt: skip


ROUTE_LABELS = {
    "iv": "IV infusion (racemic)",
    "im": "IM (racemic)",
    "sublingual": "Sublingual / ODT (racemic)",
    "oral": "Oral (racemic)",
    "intranasal": "Intranasal, compounded (racemic)",
    "esketamine-intranasal": "Intranasal esketamine (Spravato)",
}


# The dose each route starts from, as the clinical protocols give it; a route without a
# sourced starting dose starts empty and asks for one.
ROUTE_DEFAULTS: dict[str, dict[str, str]] = {
    "iv": {"dose_mg_per_kg": "0.5", "infusion_min": "40"},  # K1, K7
    "im": {"dose_mg_per_kg": "0.5"},  # K5
    "oral": {"dose_mg_per_kg": "2"},  # K2: ~2.0-2.5 mg/kg oral matches IV 0.5 mg/kg
    "sublingual": {"dose_mg": "200"},  # H6: first at-home sublingual session reported
    "intranasal": {},  # compounded racemic spray: no sourced dose
    "esketamine-intranasal": {"dose_mg": "56"},  # S3: the label's starting dose
}
DOSE_FIELDS = ("dose_mg_per_kg", "dose_mg", "infusion_min")
IV_ONLY = ("infusion_min",)


def follow_route(data: QueryDict) -> QueryDict:
    """Without JavaScript: when the route was changed and the dose fields still hold the old
    route's defaults, the new route's defaults replace them (the script does this live).
    The form then remembers the route it shows (`shown_route`) for the next change."""
    route, shown = data.get("route", ""), data.get("shown_route", "")
    followed = data.copy()
    followed["shown_route"] = route
    if route != shown and route in ROUTE_DEFAULTS and shown in ROUTE_DEFAULTS:
        old_defaults = ROUTE_DEFAULTS[shown]
        if all(data.get(f, "") == old_defaults.get(f, "") for f in DOSE_FIELDS):
            for name in DOSE_FIELDS:  # untouched defaults: the new route's replace them
                followed[name] = ROUTE_DEFAULTS[route].get(name, "")
    return followed


class PKForm(forms.Form):
    route = forms.ChoiceField(choices=[(r, ROUTE_LABELS.get(r, r)) for r in ALL_ROUTES])
    shown_route = forms.CharField(required=False, widget=forms.HiddenInput)
    dose_mg_per_kg = forms.FloatField(
        required=False, min_value=0.01, max_value=10, label="Dose (mg/kg)"
    )
    dose_mg = forms.FloatField(required=False, min_value=1, max_value=1000, label="Dose (mg)")
    infusion_min = forms.FloatField(
        required=False, min_value=1, max_value=240, label="Infusion time (min, IV only)"
    )
    hours = forms.FloatField(min_value=1, max_value=48, initial=4, label="Hours to show")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        per_kg, mg = data.get("dose_mg_per_kg"), data.get("dose_mg")
        if (per_kg is None) == (mg is None):
            raise forms.ValidationError("Give the dose either in mg/kg or in mg, not both.")
        if data.get("route") != "iv":  # hidden for other routes; ignored if sent anyway
            data["infusion_min"] = None
        return data

    def limit_warning(self, weight_kg: float) -> str:
        """Words for a dose above the clinical core's hard limit for the route, else ""."""
        data = self.cleaned_data
        route = LIMIT_ROUTE.get(data["route"])
        if route is None:
            return ""
        limit = DOSE_LIMITS[(route, Indication.DEPRESSION)]
        limit_mg = limit.max_for(weight_kg)
        dose_mg = data["dose_mg"] or data["dose_mg_per_kg"] * weight_kg
        if dose_mg <= limit_mg:
            return ""
        return (
            f"{dose_mg:.0f} mg ({dose_mg / weight_kg:.2g} mg/kg) is {dose_mg / limit_mg:.1f} times "
            f"the hard limit for {route.label}: {limit_mg:.0f} mg ({limit.why}; {limit.source}). "
            "No protocol gives this dose; the models were not fitted to it."
        )

    def regimen(self) -> Regimen:
        data = self.cleaned_data
        return single_dose(
            data["route"],
            dose_mg=data.get("dose_mg"),
            dose_mg_per_kg=data.get("dose_mg_per_kg"),
            infusion_min=data.get("infusion_min") or 0.0,
        )


DEFAULTS = {"route": "iv", "shown_route": "iv", **ROUTE_DEFAULTS["iv"], "hours": "4"}
