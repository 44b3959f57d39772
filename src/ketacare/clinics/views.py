"""The clinic's settings pages: name, address, time zone, licensed states (admin); the
monitoring limits, which may only be made stricter (admin or prescriber)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, require, role_can
from ketacare.clinical.clinic_settings import DEFAULT_MONITORING
from ketacare.clinics.monitoring_limits import (
    current_limits,
    monitoring_settings,
    set_monitoring_limits,
)
from ketacare.clinics.services import update_clinic
from ketacare.clinics.us_states import STATE_CHOICES


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


@login_required
def clinic_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.STAFF_MANAGE)
    clinic = actor.clinic
    assert clinic is not None
    initial = {f: getattr(clinic, f) for f in ("name", "address", "time_zone", "licensed_states")}
    form = ClinicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_clinic(actor, form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Clinic settings saved.")
            return redirect("clinic-settings")
    status = 422 if form.errors else 200
    return render(request, "clinics/settings.html", {"form": form}, status=status)


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


@login_required
def monitoring_limits(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.MONITORING_LIMITS_SET)
    assert actor.clinic is not None
    current = monitoring_settings(actor.clinic.pk)
    initial = {name: getattr(current, name) for name in LIMIT_LABELS}
    form = MonitoringLimitsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            set_monitoring_limits(actor, form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Monitoring limits saved.")
            return redirect("clinic-monitoring")
    context = {
        "form": form,
        "limits": current_limits(actor.clinic.pk),
        "can_manage_clinic": role_can(actor.role, Action.STAFF_MANAGE),
    }
    status = 422 if form.errors else 200
    return render(request, "clinics/monitoring_limits.html", context, status=status)
