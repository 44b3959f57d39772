"""The clinic's settings pages: name, address, time zone, licensed states (admin); the
monitoring limits, which may only be made stricter (admin or prescriber)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.forms import LIMIT_LABELS, ClinicForm, MonitoringLimitsForm
from ketacare.accounts.roles import Action, require, role_can
from ketacare.accounts.services.clinic import (
    ClinicDetails,
    set_monitoring_limits,
    update_clinic,
)
from ketacare.clinical_input import stricter_limits
from ketacare.clinics.monitoring_limits import current_limits, monitoring_settings


@login_required
def clinic_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.STAFF_MANAGE)
    clinic = actor.clinic
    assert clinic is not None
    initial = {
        f: getattr(clinic, f)
        for f in (
            "name",
            "address",
            "time_zone",
            "licensed_states",
            "on_call_email",
            "video_link_template",
        )
    }
    form = ClinicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_clinic(actor, ClinicDetails(**form.cleaned_data))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Clinic settings saved.")
            return redirect("clinic-settings")
    status = 422 if form.errors else 200
    return render(request, "accounts/clinic_settings.html", {"form": form}, status=status)


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
            set_monitoring_limits(actor, stricter_limits(form.cleaned_data))
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
    return render(request, "accounts/monitoring_limits.html", context, status=status)
